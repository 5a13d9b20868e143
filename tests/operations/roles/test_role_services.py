from __future__ import annotations

import json
from pathlib import Path

import pytest

from accounts.models import AuditEvent, InstanceProfile, Principal, Role
from domain import iam as services
from domain.iam import policies as policy_services
from domain.iam import roles as role_services
from domain.kernel.actors import Actor
from domain.kernel.errors import (
    AccessDenied,
    DeleteConflict,
    EntityAlreadyExists,
    LimitExceeded,
    MalformedPolicyDocument,
    ValidationError,
)
from policies.models import InlinePolicy, ManagedPolicy, PolicyAttachment

EC2_TRUST = role_services.service_trust_policy("ec2")


def s3_full() -> ManagedPolicy:
    return ManagedPolicy.objects.get(name="AmazonS3FullAccess", account=None)


def test_an_ec2_role_gets_a_same_named_instance_profile_holding_it(root_actor: Actor) -> None:
    role = services.create_role_with_permissions(
        actor=root_actor,
        name="EC2-S3-Access",
        trust_policy=EC2_TRUST,
        policies=[s3_full()],
        instance_profile=True,
    )
    assert role.unique_id.startswith("AROA") and len(role.unique_id) == 21
    profile = InstanceProfile.objects.get(role=role)
    assert profile.name == "EC2-S3-Access" and profile.unique_id.startswith("AIPA")
    assert profile.arn == f"arn:aws:iam::{role.account_id}:instance-profile/EC2-S3-Access"
    assert PolicyAttachment.objects.filter(role=role, policy=s3_full()).exists()
    assert json.loads(role.trust_policy)["Statement"][0]["Principal"] == {
        "Service": "ec2.amazonaws.com"
    }


def test_deleting_a_role_deletes_its_instance_profile_attachments_and_inline_policies(
    root_actor: Actor,
) -> None:
    role = services.create_role_with_permissions(
        actor=root_actor,
        name="web",
        trust_policy=EC2_TRUST,
        policies=[s3_full()],
        instance_profile=True,
    )
    policy_services.put_role_policy(
        actor=root_actor,
        role=role,
        name="logs",
        document='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]}',
    )
    services.delete_role_with_dependents(actor=root_actor, role=role)
    assert not Role.objects.filter(name="web").exists()
    assert not InstanceProfile.objects.exists()
    assert not PolicyAttachment.objects.filter(policy=s3_full()).exists()
    assert not InlinePolicy.objects.exists()
    assert s3_full().pk  # the managed policy itself stays


def test_role_names_are_unique_ignoring_case(root_actor: Actor) -> None:
    services.create_role(actor=root_actor, name="Deployer", trust_policy=EC2_TRUST)
    with pytest.raises(EntityAlreadyExists, match="Role with name deployer already exists."):
        services.create_role(actor=root_actor, name="deployer", trust_policy=EC2_TRUST)


def test_a_trust_policy_without_principal_is_refused_with_aws_message(root_actor: Actor) -> None:
    document = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}'
    with pytest.raises(MalformedPolicyDocument, match="Missing required field Principal"):
        services.create_role(actor=root_actor, name="r", trust_policy=document)
    assert not Role.objects.exists()


def test_account_trust_policy_adds_external_id_and_mfa_conditions() -> None:
    document = json.loads(
        role_services.account_trust_policy("444455556666", external_id="abc-123", require_mfa=True)
    )
    statement = document["Statement"][0]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::444455556666:root"}
    assert statement["Condition"] == {
        "StringEquals": {"sts:ExternalId": "abc-123"},
        "Bool": {"aws:MultiFactorAuthPresent": "true"},
    }


@pytest.mark.parametrize("external_id", ["a", "has space", "x" * 1225])
def test_a_bad_external_id_is_refused_beside_its_field(external_id: str) -> None:
    with pytest.raises(ValidationError) as error:
        role_services.account_trust_policy("444455556666", external_id=external_id)
    assert error.value.field == "external_id"


def test_the_role_quota_is_enforced(root_actor: Actor, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(role_services, "MAX_ROLES_PER_ACCOUNT", 1)
    services.create_role(actor=root_actor, name="one", trust_policy=EC2_TRUST)
    with pytest.raises(LimitExceeded, match="RolesPerAccount: 1"):
        services.create_role(actor=root_actor, name="two", trust_policy=EC2_TRUST)


def test_updating_the_trust_policy_with_a_bad_document_changes_nothing(root_actor: Actor) -> None:
    role = services.create_role(actor=root_actor, name="r", trust_policy=EC2_TRUST)
    with pytest.raises(MalformedPolicyDocument, match=r"Syntax errors in policy. \(line 1"):
        services.update_assume_role_policy(actor=root_actor, role=role, document="{")
    role.refresh_from_db()
    assert role.trust_policy == EC2_TRUST


def test_a_trust_policy_over_2048_characters_is_refused(root_actor: Actor) -> None:
    role = services.create_role(actor=root_actor, name="r", trust_policy=EC2_TRUST)
    big = json.loads(EC2_TRUST)
    big["Statement"][0]["Principal"]["AWS"] = [f"arn:aws:iam::{n:012d}:root" for n in range(80)]
    with pytest.raises(LimitExceeded, match="ACLSizePerRole: 2048"):
        services.update_assume_role_policy(actor=root_actor, role=role, document=json.dumps(big))


def test_session_duration_must_be_one_to_twelve_hours(root_actor: Actor) -> None:
    role = services.create_role(actor=root_actor, name="r", trust_policy=EC2_TRUST)
    with pytest.raises(ValidationError):
        services.update_role(actor=root_actor, role=role, description="", max_session_duration=60)
    services.update_role(actor=root_actor, role=role, description="d", max_session_duration=43200)
    role.refresh_from_db()
    assert (role.description, role.max_session_duration) == ("d", 43200)


def test_role_tag_keys_are_case_insensitive(root_actor: Actor) -> None:
    role = services.create_role(
        actor=root_actor, name="r", trust_policy=EC2_TRUST, tags=[("Department", "IT")]
    )
    services.tag_role(actor=root_actor, role=role, tags=[("department", "Sales")])
    role.refresh_from_db()
    assert role.tags == [{"Key": "department", "Value": "Sales"}]
    services.untag_role(actor=root_actor, role=role, keys=["DEPARTMENT"])
    role.refresh_from_db()
    assert role.tags == []


def test_a_user_without_policies_cannot_create_a_role_and_the_denial_is_audited(
    alice: Principal,
) -> None:
    actor = Actor(principal=alice)
    with pytest.raises(AccessDenied, match="iam:CreateRole"):
        services.create_role(actor=actor, name="r", trust_policy=EC2_TRUST)
    assert not Role.objects.exists()
    assert AuditEvent.objects.filter(action="iam:CreateRole", outcome="denied").exists()


def test_the_demo_has_an_ec2_role_with_its_profile_and_a_two_version_policy(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from domain.iam import demo

    monkeypatch.setattr(demo, "ROOT_PASSWORD_FILE", tmp_path / "pw")
    account = demo.load().account
    role = Role.objects.get(account=account, name="EC2-S3-Access")
    assert InstanceProfile.objects.get(role=role).name == "EC2-S3-Access"
    assert role.attachments.get().policy.name == "AmazonS3FullAccess"
    policy = ManagedPolicy.objects.get(account=account, name="S3BucketReadOnly")
    versions = dict(policy.versions.values_list("version_id", "is_default"))
    assert versions == {"v1": False, "v2": True}


def test_delete_role_refuses_a_role_in_an_instance_profile_as_aws_does(
    root_actor: Actor,
) -> None:
    role = services.create_role_with_permissions(
        actor=root_actor, name="box", trust_policy=EC2_TRUST, policies=[], instance_profile=True
    )
    with pytest.raises(DeleteConflict) as error:
        services.delete_role(actor=root_actor, role=role)
    assert error.value.message == (
        "Cannot delete entity, must remove roles from instance profile first."
    )
    assert Role.objects.filter(pk=role.pk).exists()
