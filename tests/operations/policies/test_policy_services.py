from __future__ import annotations

import json

import pytest

from accounts.models import Principal
from domain.iam import policies as services
from domain.kernel.actors import Actor
from domain.kernel.errors import (
    AccessDenied,
    DeleteConflict,
    EntityAlreadyExists,
    InvalidInput,
    LimitExceeded,
)
from policies.models import ManagedPolicy, PolicyAttachment, PolicyVersion


def document(action: str = "s3:GetObject") -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": action, "Resource": "*"}],
        }
    )


@pytest.fixture
def policy(root_actor: Actor) -> ManagedPolicy:
    return services.create_policy(actor=root_actor, name="Reports", document=document())


def default_of(policy: ManagedPolicy) -> str:
    return PolicyVersion.objects.get(policy=policy, is_default=True).version_id


def test_a_new_version_becomes_the_default(root_actor: Actor, policy: ManagedPolicy) -> None:
    services.create_policy_version(actor=root_actor, policy=policy, document=document("s3:*"))
    assert default_of(policy) == "v2"
    assert json.loads(services.default_document(policy))["Statement"][0]["Action"] == "s3:*"


def test_a_sixth_version_is_refused_and_nothing_changes(
    root_actor: Actor, policy: ManagedPolicy
) -> None:
    for n in range(4):
        services.create_policy_version(
            actor=root_actor, policy=policy, document=document(f"s3:Get{n}")
        )
    with pytest.raises(LimitExceeded, match="A managed policy can have up to 5 versions"):
        services.create_policy_version(actor=root_actor, policy=policy, document=document("ec2:*"))
    assert policy.versions.count() == 5
    assert default_of(policy) == "v5"


def test_the_default_version_cannot_be_deleted(root_actor: Actor, policy: ManagedPolicy) -> None:
    services.create_policy_version(actor=root_actor, policy=policy, document=document("s3:*"))
    with pytest.raises(DeleteConflict, match="Cannot delete the default version"):
        services.delete_policy_version(actor=root_actor, policy=policy, version_id="v2")
    services.delete_policy_version(actor=root_actor, policy=policy, version_id="v1")
    assert list(policy.versions.values_list("version_id", flat=True)) == ["v2"]


def test_setting_an_older_version_as_default(root_actor: Actor, policy: ManagedPolicy) -> None:
    services.create_policy_version(actor=root_actor, policy=policy, document=document("s3:*"))
    services.set_default_policy_version(actor=root_actor, policy=policy, version_id="v1")
    assert default_of(policy) == "v1"


def test_policy_names_are_unique_ignoring_case(root_actor: Actor, policy: ManagedPolicy) -> None:
    with pytest.raises(
        EntityAlreadyExists,
        match="A policy called reports already exists. Duplicate names are not allowed.",
    ):
        services.create_policy(actor=root_actor, name="reports", document=document())


def test_a_document_over_6144_characters_is_refused(root_actor: Actor) -> None:
    big = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": f"s3:GetObject{n}", "Resource": "*"}
                for n in range(150)
            ],
        }
    )
    with pytest.raises(LimitExceeded, match="Cannot exceed quota for PolicySize: 6144"):
        services.create_policy(actor=root_actor, name="Big", document=big)
    assert not ManagedPolicy.objects.filter(name="Big").exists()


def test_aws_managed_policies_cannot_be_edited_or_deleted(root_actor: Actor) -> None:
    aws = ManagedPolicy.objects.get(account=None, name="AmazonS3FullAccess")
    with pytest.raises(InvalidInput):
        services.create_policy_version(actor=root_actor, policy=aws, document=document())
    with pytest.raises(InvalidInput):
        services.delete_policy_with_dependents(actor=root_actor, policy=aws)


def test_deleting_as_the_console_does_detaches_everywhere_first(
    root_actor: Actor, policy: ManagedPolicy, alice: Principal
) -> None:
    services.attach_user_policy(actor=root_actor, user=alice, policy=policy)
    with pytest.raises(DeleteConflict):
        services.delete_policy(actor=root_actor, policy=policy)
    services.delete_policy_with_dependents(actor=root_actor, policy=policy)
    assert not ManagedPolicy.objects.filter(pk=policy.pk).exists()
    assert not PolicyAttachment.objects.filter(user=alice).exists()


def test_a_user_without_permission_cannot_make_versions(
    alice: Principal, policy: ManagedPolicy
) -> None:
    with pytest.raises(AccessDenied, match="iam:CreatePolicyVersion"):
        services.create_policy_version(
            actor=Actor(principal=alice), policy=policy, document=document()
        )
    assert policy.versions.count() == 1
