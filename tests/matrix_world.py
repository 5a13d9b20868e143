"""One account with one of everything the console's routes can name, for the tests that
walk every route (the permission matrix, the hostile-input sweep).

Objects: users bob (console password, group Ops, IAMUserChangePassword attached, inline
policy "in", boundary, tags, an MFA device, keys "active" and "inactive") and carol (no
password, no keys); group Ops (bob, AmazonS3ReadOnlyAccess, inline policy "keep"); role web
(inline policy "in"); customer managed policy Mine (two versions, a tag); the account alias
"matrix-corp"; an MFA device for root and a root access key.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils import timezone

from accounts import crypto
from accounts.models import Account, MFADevice, Principal
from directory import idp
from directory.keys import signing_key
from domain import iam as services
from domain.ec2 import instances
from domain.iam import identity_providers
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor
from ec2 import catalog
from policies.models import ManagedPolicy

S3 = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
EC2 = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"ec2:*","Resource":"*"}]}'
MFA_SECRET = "JBSWY3DPEHPK3PXP"


def aws_policy(name: str) -> ManagedPolicy:
    return ManagedPolicy.objects.get(name=name, account=None)


def give_device(owner: Principal, name: str) -> MFADevice:
    # Last used at the previous step, so the current and the next code still work.
    step = int(timezone.now().timestamp()) // 30 - 1
    return MFADevice.objects.create(
        account=owner.account,
        principal=owner,
        name=name,
        secret_encrypted=crypto.encrypt(MFA_SECRET),
        last_used_step=step,
    )


@dataclass
class World:
    account: Account
    root: Principal
    bob: Principal
    carol: Principal
    active_key: str
    inactive_key: str
    bob_device: int
    root_device: int
    root_key: str
    instance_id: str  # an EC2 instance (pending, then running)


def build_world(root_actor: Actor, password: str) -> World:
    account = root_actor.account
    bob = services.create_user_with_access(
        actor=root_actor,
        new=services.NewUser(name="bob", console_password=password, password_reset_required=False),
    )
    carol = services.create_user(actor=root_actor, name="carol")
    policy_services.put_user_policy(actor=root_actor, user=bob, name="in", document=S3)
    policy_services.put_user_permissions_boundary(
        actor=root_actor, user=bob, policy=aws_policy("AmazonS3FullAccess")
    )
    services.tag_user(actor=root_actor, user=bob, tags=[("team", "blue")])
    policy_services.attach_user_policy(
        actor=root_actor, user=bob, policy=aws_policy("IAMUserChangePassword")
    )
    group = services.create_group_with_members(
        actor=root_actor, name="Ops", members=[bob], policies=[aws_policy("AmazonS3ReadOnlyAccess")]
    )
    policy_services.put_group_policy(actor=root_actor, group=group, name="keep", document=S3)
    role = services.create_role(
        actor=root_actor, name="web", trust_policy=services.service_trust_policy("ec2")
    )
    policy_services.put_role_policy(actor=root_actor, role=role, name="in", document=S3)
    mine = policy_services.create_policy(
        actor=root_actor, name="Mine", document=S3, tags=[("team", "blue")]
    )
    policy_services.create_policy_version(
        actor=root_actor, policy=mine, document=EC2, set_as_default=False
    )
    active = services.create_access_key(actor=root_actor, user=bob).key.access_key_id
    inactive = services.create_access_key(actor=root_actor, user=bob).key.access_key_id
    services.update_access_key(
        actor=root_actor, user=bob, access_key_id=inactive, status="Inactive"
    )
    root = root_actor.principal
    root_key = services.create_access_key(actor=root_actor, user=root).key.access_key_id
    services.create_account_alias(actor=root_actor, alias="matrix-corp")
    identity_providers.create_saml_provider(
        actor=root_actor,
        name="ExampleCorp",
        saml_metadata_document=idp.saml_metadata(signing_key(), "https://testserver/directory/"),
    )
    identity_providers.create_open_id_connect_provider(
        actor=root_actor, url="https://idp.example.com", client_ids=["example-corp-app"]
    )
    return World(
        account=account,
        root=root,
        bob=bob,
        carol=carol,
        active_key=active,
        inactive_key=inactive,
        bob_device=give_device(bob, "bob-phone").pk,
        root_device=give_device(root, "root-phone").pk,
        root_key=root_key,
        instance_id=instances.run_instances(
            actor=root_actor, image_id=catalog.IMAGES[0].image_id, tags=[("Name", "matrix")]
        )
        .instances[0]
        .instance_id,
    )
