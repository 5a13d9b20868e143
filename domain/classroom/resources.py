"""The resource types a lab template may hold, each a pair of handlers (create, delete) that
call the domain writers with the deploying actor, so IAM authorizes every call.

`register` adds a type; the IAM types, `AWS::EC2::Instance` (through domain.ec2's
RunInstances and TerminateInstances) and practice S3's `AWS::S3::Bucket` and
`AWS::S3::BucketPolicy` (through domain.s3's CreateBucket, DeleteBucket, PutBucketPolicy and
DeleteBucketPolicy) are registered here. Any other type is refused with CloudFormation's
"Unrecognized resource types".
"""

from __future__ import annotations

import functools
import json
import re
import secrets
import string
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.http import Http404

from accounts.models import Group, Principal, Role
from classroom import cfn
from domain import s3
from domain.ec2 import instances
from domain.iam import access, groups, login_profiles, roles, users
from domain.iam import policies as policy_ops
from domain.kernel.actors import Actor
from domain.kernel.errors import Ec2Error, NoSuchEntity, StackError, ValidationError
from ec2 import catalog
from policies.models import ManagedPolicy
from s3.models import Bucket


@dataclass
class Made:
    """What a create handler made: Ref's value, GetAtt's attributes, what delete needs."""

    physical_id: str
    attributes: dict[str, str] = field(default_factory=dict)
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Deployment:
    actor: Actor
    stack_name: str

    def physical_name(self, logical_id: str, limit: int = 64) -> str:
        """CloudFormation's generated name: <stack>-<logical ID>-<13 random characters>."""
        suffix = "".join(secrets.choice(string.ascii_uppercase + string.digits) for _ in range(13))
        head = f"{self.stack_name}-{logical_id}"[: limit - 14]
        return f"{head}-{suffix}"


Create = Callable[[Deployment, str, dict[str, Any]], Made]
Delete = Callable[[Actor, str, dict[str, Any]], None]


@dataclass(frozen=True)
class ResourceType:
    name: str
    create: Create
    delete: Delete


_TYPES: dict[str, ResourceType] = {}


def register(name: str, create: Create, delete: Delete) -> None:
    if name in _TYPES:
        raise RuntimeError(f"{name} already has handlers")
    _TYPES[name] = ResourceType(name, create, delete)


def handler(name: str) -> ResourceType | None:
    return _TYPES.get(name)


def supported_types() -> list[str]:
    return sorted(_TYPES)


# --- property helpers --------------------------------------------------------------


def _str(props: dict[str, Any], key: str, default: str = "") -> str:
    value = props.get(key, default)
    if not isinstance(value, str | int):
        raise ValidationError(f"Property {key} must be a string.", field="template")
    return str(value)


def _list(props: dict[str, Any], key: str) -> list[Any]:
    value = props.get(key, [])
    if not isinstance(value, list):
        raise ValidationError(f"Property {key} must be a list.", field="template")
    return value


def _names(props: dict[str, Any], key: str) -> list[str]:
    return [str(v) for v in _list(props, key)]


def _document(value: Any, key: str) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        return json.dumps(value)
    raise ValidationError(f"Property {key} must be a policy document.", field="template")


def _tags(props: dict[str, Any]) -> list[tuple[str, str]] | None:
    tags = _list(props, "Tags")
    if not tags:
        return None
    found: list[tuple[str, str]] = []
    for tag in tags:
        if not isinstance(tag, dict) or "Key" not in tag:
            raise ValidationError("Each tag needs a Key and a Value.", field="template")
        found.append((str(tag["Key"]), str(tag.get("Value", ""))))
    return found


def _inline_policies(props: dict[str, Any]) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    for item in _list(props, "Policies"):
        if not isinstance(item, dict) or "PolicyName" not in item or "PolicyDocument" not in item:
            raise ValidationError(
                "Each of Policies needs a PolicyName and a PolicyDocument.", field="template"
            )
        found.append((str(item["PolicyName"]), _document(item["PolicyDocument"], "Policies")))
    return found


def _policies(actor: Actor, props: dict[str, Any]) -> list[ManagedPolicy]:
    return [policy_ops.attachable_policy(actor, arn) for arn in _names(props, "ManagedPolicyArns")]


def _boundary(actor: Actor, props: dict[str, Any]) -> ManagedPolicy | None:
    arn = _str(props, "PermissionsBoundary")
    return policy_ops.attachable_policy(actor, arn) if arn else None


@dataclass(frozen=True)
class _Holder:
    """How a template reaches the users, groups or roles that hold policies: look one up by
    name, attach a managed policy, put, find and delete an inline one, each through that
    kind's own AWS action (AttachUserPolicy, PutGroupPolicy, ...)."""

    get: Callable[[Actor, str], Any]
    attach: Callable[[Actor, Any, ManagedPolicy], object]
    put: Callable[[Actor, Any, str, str], object]
    inline: Callable[[Actor, Any, str], object | None]
    delete: Callable[[Actor, Any, str], object]


# Keyed by the property that lists them (AWS::IAM::Policy's Users, Groups and Roles).
_HOLDERS = {
    "Users": _Holder(
        get=access.get_user,
        attach=lambda a, e, p: policy_ops.attach_user_policy(actor=a, user=e, policy=p),
        put=lambda a, e, n, d: policy_ops.put_user_policy(actor=a, user=e, name=n, document=d),
        inline=access.user_inline_policy,
        delete=lambda a, e, n: policy_ops.delete_user_policy(actor=a, user=e, name=n),
    ),
    "Groups": _Holder(
        get=access.get_group,
        attach=lambda a, e, p: policy_ops.attach_group_policy(actor=a, group=e, policy=p),
        put=lambda a, e, n, d: policy_ops.put_group_policy(actor=a, group=e, name=n, document=d),
        inline=access.group_inline_policy,
        delete=lambda a, e, n: policy_ops.delete_group_policy(actor=a, group=e, name=n),
    ),
    "Roles": _Holder(
        get=access.get_role,
        attach=lambda a, e, p: policy_ops.attach_role_policy(actor=a, role=e, policy=p),
        put=lambda a, e, n, d: policy_ops.put_role_policy(actor=a, role=e, name=n, document=d),
        inline=access.role_inline_policy,
        delete=lambda a, e, n: policy_ops.delete_role_policy(actor=a, role=e, name=n),
    ),
}


def _grant(actor: Actor, props: dict[str, Any], kind: str, holder: Any) -> None:
    """ManagedPolicyArns (AttachXPolicy) and Policies (PutXPolicy) of a user, group or role."""
    how = _HOLDERS[kind]
    for policy in _policies(actor, props):
        how.attach(actor, holder, policy)
    for policy_name, document in _inline_policies(props):
        how.put(actor, holder, policy_name, document)


def _gone(lookup: Callable[[], Any]) -> Any:
    """The entity, or None when it is already gone (a delete skips what no longer exists)."""
    try:
        return lookup()
    except (NoSuchEntity, Http404):
        return None


# --- AWS::IAM::User ----------------------------------------------------------------


def _create_user(deploy: Deployment, logical_id: str, props: dict[str, Any]) -> Made:
    actor = deploy.actor
    name = _str(props, "UserName") or deploy.physical_name(logical_id)
    user = users.create_user(
        actor=actor, name=name, path=_str(props, "Path", "/"), tags=_tags(props)
    )
    boundary = _boundary(actor, props)
    if boundary is not None:
        policy_ops.put_user_permissions_boundary(actor=actor, user=user, policy=boundary)
    login = props.get("LoginProfile")
    if login is not None:
        if not isinstance(login, dict) or not login.get("Password"):
            raise ValidationError("LoginProfile needs a Password.", field="template")
        reset = str(login.get("PasswordResetRequired", "false")).lower() == "true"
        login_profiles.create_login_profile(
            actor=actor, user=user, password=str(login["Password"]), password_reset_required=reset
        )
    for group_name in _names(props, "Groups"):
        group = access.get_group(actor, group_name)
        groups.add_user_to_group(actor=actor, group=group, user=user)
    _grant(actor, props, "Users", user)
    return Made(user.name, {"Arn": user.arn})


def _delete_user(actor: Actor, physical_id: str, details: dict[str, Any]) -> None:
    user = _gone(lambda: access.get_user(actor, physical_id))
    if user is not None:
        users.delete_user_with_dependents(actor=actor, user=user)


# --- AWS::IAM::Group ---------------------------------------------------------------


def _create_group(deploy: Deployment, logical_id: str, props: dict[str, Any]) -> Made:
    actor = deploy.actor
    name = _str(props, "GroupName") or deploy.physical_name(logical_id, 128)
    group = groups.create_group(actor=actor, name=name, path=_str(props, "Path", "/"))
    _grant(actor, props, "Groups", group)
    return Made(group.name, {"Arn": group.arn})


def _delete_group(actor: Actor, physical_id: str, details: dict[str, Any]) -> None:
    group = _gone(lambda: access.get_group(actor, physical_id))
    if group is not None:
        groups.delete_group_with_dependents(actor=actor, group=group)


# --- AWS::IAM::Role ----------------------------------------------------------------


def _create_role(deploy: Deployment, logical_id: str, props: dict[str, Any]) -> Made:
    actor = deploy.actor
    name = _str(props, "RoleName") or deploy.physical_name(logical_id)
    if "AssumeRolePolicyDocument" not in props:
        raise ValidationError("Property AssumeRolePolicyDocument is required.", field="template")
    duration = _str(props, "MaxSessionDuration", str(roles.MIN_SESSION_SECONDS))
    if not duration.isdigit():
        raise ValidationError("MaxSessionDuration must be a number of seconds.", field="template")
    role = roles.create_role(
        actor=actor,
        name=name,
        trust_policy=_document(props["AssumeRolePolicyDocument"], "AssumeRolePolicyDocument"),
        description=_str(props, "Description"),
        path=_str(props, "Path", "/"),
        max_session_duration=int(duration),
        tags=_tags(props),
        permissions_boundary=_boundary(actor, props),
    )
    _grant(actor, props, "Roles", role)
    return Made(role.name, {"Arn": role.arn, "RoleId": role.unique_id})


def _delete_role(actor: Actor, physical_id: str, details: dict[str, Any]) -> None:
    role = _gone(lambda: access.get_role(actor, physical_id))
    if role is not None:
        roles.delete_role_with_dependents(actor=actor, role=role)


# --- AWS::IAM::ManagedPolicy -------------------------------------------------------


def _create_managed_policy(deploy: Deployment, logical_id: str, props: dict[str, Any]) -> Made:
    actor = deploy.actor
    name = _str(props, "ManagedPolicyName") or deploy.physical_name(logical_id, 128)
    if "PolicyDocument" not in props:
        raise ValidationError("Property PolicyDocument is required.", field="template")
    policy = policy_ops.create_policy(
        actor=actor,
        name=name,
        document=_document(props["PolicyDocument"], "PolicyDocument"),
        description=_str(props, "Description"),
        path=_str(props, "Path", "/"),
    )
    _attach_to(actor, policy, props)
    return Made(policy.arn, {"PolicyArn": policy.arn})


def _attach_to(actor: Actor, policy: ManagedPolicy, props: dict[str, Any]) -> None:
    for kind, how in _HOLDERS.items():
        for name in _names(props, kind):
            how.attach(actor, how.get(actor, name), policy)


def _delete_managed_policy(actor: Actor, physical_id: str, details: dict[str, Any]) -> None:
    policy = _gone(lambda: access.get_policy(actor, physical_id))
    if policy is not None:
        policy_ops.delete_policy_with_dependents(actor=actor, policy=policy)


# --- AWS::IAM::Policy (inline, on users, groups and roles) -------------------------


def _create_policy(deploy: Deployment, logical_id: str, props: dict[str, Any]) -> Made:
    actor = deploy.actor
    name = _str(props, "PolicyName")
    if not name or "PolicyDocument" not in props:
        raise ValidationError("Properties PolicyName and PolicyDocument are required.")
    document = _document(props["PolicyDocument"], "PolicyDocument")
    targets = {kind: _names(props, kind) for kind in _HOLDERS}
    if not any(targets.values()):
        raise ValidationError("At least one of Users, Groups or Roles must be non-empty.")
    for kind, how in _HOLDERS.items():
        for holder_name in targets[kind]:
            how.put(actor, how.get(actor, holder_name), name, document)
    return Made(deploy.physical_name(logical_id, 128), details={"name": name, **targets})


def _delete_policy(actor: Actor, physical_id: str, details: dict[str, Any]) -> None:
    name = str(details.get("name", ""))
    for kind, how in _HOLDERS.items():
        for holder_name in details.get(kind, []):
            holder = _gone(functools.partial(how.get, actor, holder_name))
            if holder is not None and how.inline(actor, holder, name) is not None:
                how.delete(actor, holder, name)


# --- AWS::IAM::InstanceProfile -----------------------------------------------------


def _create_instance_profile(deploy: Deployment, logical_id: str, props: dict[str, Any]) -> Made:
    actor = deploy.actor
    name = _str(props, "InstanceProfileName") or deploy.physical_name(logical_id, 128)
    role_names = _names(props, "Roles")
    if len(role_names) > 1:
        raise ValidationError("An instance profile can contain only one role.")
    profile = roles.create_instance_profile(actor=actor, name=name, path=_str(props, "Path", "/"))
    for role_name in role_names:
        role: Role = access.get_role(actor, role_name)
        roles.add_role_to_instance_profile(actor=actor, profile=profile, role=role)
    return Made(profile.name, {"Arn": profile.arn})


def _delete_instance_profile(actor: Actor, physical_id: str, details: dict[str, Any]) -> None:
    profile = _gone(lambda: roles.instance_profile_named(actor, physical_id))
    if profile is None:
        return
    if profile.role is not None:
        roles.remove_role_from_instance_profile(actor=actor, profile=profile, role=profile.role)
    roles.delete_instance_profile(actor=actor, profile=profile)


# --- AWS::IAM::UserToGroupAddition -------------------------------------------------


def _create_addition(deploy: Deployment, logical_id: str, props: dict[str, Any]) -> Made:
    actor = deploy.actor
    group: Group = access.get_group(actor, _str(props, "GroupName"))
    user_names = _names(props, "Users")
    for user_name in user_names:
        user: Principal = access.get_user(actor, user_name)
        groups.add_user_to_group(actor=actor, group=group, user=user)
    return Made(
        deploy.physical_name(logical_id, 128), details={"group": group.name, "users": user_names}
    )


def _delete_addition(actor: Actor, physical_id: str, details: dict[str, Any]) -> None:
    group = _gone(lambda: access.get_group(actor, str(details.get("group", ""))))
    if group is None:
        return
    members = {m.name for m in access.group_members(actor, group)}
    for user_name in details.get("users", []):
        if user_name in members:
            user = access.get_user(actor, user_name)
            groups.remove_user_from_group(actor=actor, group=group, user=user)


# --- AWS::EC2::Instance --------------------------------------------------------------

# A dynamic reference to a Systems Manager parameter, as templates name the latest AMI.
_SSM_REFERENCE = re.compile(r"^\{\{resolve:ssm:([^:}]+)(?::[0-9]+)?\}\}$")


def _image_id(props: dict[str, Any]) -> str:
    """ImageId: an AMI ID of the catalogue, or `{{resolve:ssm:<public parameter>}}` naming
    one of AWS's latest-image parameters (ec2.catalog.IMAGE_PARAMETERS)."""
    value = _str(props, "ImageId").strip()
    if not value:
        raise ValidationError("Property ImageId is required.", field="template")
    reference = _SSM_REFERENCE.match(value)
    if reference is None:
        return value
    found = catalog.IMAGE_PARAMETERS.get(reference.group(1))
    if found is None:
        raise StackError.no_such_parameter(reference.group(1))
    return found


def _create_instance(deploy: Deployment, logical_id: str, props: dict[str, Any]) -> Made:
    """RunInstances for one instance, by the deploying actor (so EC2 authorizes the launch,
    its tags and iam:PassRole for its profile's role)."""
    profile = _str(props, "IamInstanceProfile")
    made = instances.run_instances(
        actor=deploy.actor,
        image_id=_image_id(props),
        instance_type=_str(props, "InstanceType", catalog.DEFAULT_INSTANCE_TYPE),
        key_name=_str(props, "KeyName"),
        tags=_tags(props) or (),
        instance_profile_arn=profile if profile.startswith("arn:") else None,
        instance_profile_name=profile if profile and not profile.startswith("arn:") else None,
        availability_zone=_str(props, "AvailabilityZone") or None,
    )
    instance = made.instances[0]
    return Made(
        instance.instance_id,
        {
            "InstanceId": instance.instance_id,
            "AvailabilityZone": instance.availability_zone,
            "PrivateIp": instance.private_ip,
            "PublicIp": instance.public_ip,
        },
        details={"region": instance.region},
    )


def _delete_instance(actor: Actor, physical_id: str, details: dict[str, Any]) -> None:
    """TerminateInstances; an instance that no longer exists is skipped."""
    try:
        instances.terminate_instances(
            actor=actor, instance_ids=[physical_id], region=details.get("region") or None
        )
    except Ec2Error as error:
        if error.code != "InvalidInstanceID.NotFound":
            raise


# --- AWS::S3::Bucket and AWS::S3::BucketPolicy --------------------------------------------

BUCKET = "AWS::S3::Bucket"


def bucket_attributes(name: str, region: str) -> dict[str, str]:
    """Fn::GetAtt of a bucket, as CloudFormation names and forms them."""
    return {
        "Arn": f"arn:aws:s3:::{name}",
        "DomainName": f"{name}.s3.amazonaws.com",
        "DualStackDomainName": f"{name}.s3.dualstack.{region}.amazonaws.com",
        "RegionalDomainName": f"{name}.s3.{region}.amazonaws.com",
    }


def _create_bucket(deploy: Deployment, logical_id: str, props: dict[str, Any]) -> Made:
    """CreateBucket by the deploying actor. Bucket names are global: without BucketName the
    name is generated as CloudFormation does (`<stack>-<logical id>-<random>`, lowercased),
    so every account deploying the same template gets a bucket of its own."""
    name = _str(props, "BucketName") or deploy.physical_name(logical_id, 63).lower()
    bucket = s3.create_bucket(
        actor=deploy.actor, name=name, region=cfn.PSEUDO_REGION, tags=_tags(props) or ()
    )
    return Made(bucket.name, bucket_attributes(bucket.name, bucket.region))


def owns_bucket(actor: Actor, name: str) -> bool:
    """The bucket still exists in the actor's account (a name freed and taken by another
    account since is not the stack's any more)."""
    return Bucket.objects.filter(name=name, account=actor.account).exists()


def _delete_bucket(actor: Actor, physical_id: str, details: dict[str, Any]) -> None:
    """DeleteBucket: refused while the bucket holds objects (BucketNotEmpty), as
    CloudFormation refuses; a bucket already gone is skipped."""
    if owns_bucket(actor, physical_id):
        s3.delete_bucket(actor=actor, name=physical_id)


def _create_bucket_policy(deploy: Deployment, logical_id: str, props: dict[str, Any]) -> Made:
    """PutBucketPolicy; Ref is the bucket's name (the policy's identifier in CloudFormation)."""
    name = _str(props, "Bucket")
    if not name or "PolicyDocument" not in props:
        raise ValidationError("Properties Bucket and PolicyDocument are required.")
    document = _document(props["PolicyDocument"], "PolicyDocument")
    s3.put_bucket_policy(actor=deploy.actor, name=name, policy=document)
    return Made(name)


def _delete_bucket_policy(actor: Actor, physical_id: str, details: dict[str, Any]) -> None:
    if owns_bucket(actor, physical_id):
        s3.delete_bucket_policy(actor=actor, name=physical_id)


register("AWS::IAM::User", _create_user, _delete_user)
register("AWS::IAM::Group", _create_group, _delete_group)
register("AWS::IAM::Role", _create_role, _delete_role)
register("AWS::IAM::ManagedPolicy", _create_managed_policy, _delete_managed_policy)
register("AWS::IAM::Policy", _create_policy, _delete_policy)
register("AWS::IAM::InstanceProfile", _create_instance_profile, _delete_instance_profile)
register("AWS::IAM::UserToGroupAddition", _create_addition, _delete_addition)
register("AWS::EC2::Instance", _create_instance, _delete_instance)
register(BUCKET, _create_bucket, _delete_bucket)
register("AWS::S3::BucketPolicy", _create_bucket_policy, _delete_bucket_policy)
