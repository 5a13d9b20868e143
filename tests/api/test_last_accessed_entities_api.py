"""GetServiceLastAccessedDetailsWithEntities with boto3: for one service of a group's or a
policy's report, the users and roles that could have used it, most recent first."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from accounts.models import AuditEvent, Principal
from domain import iam as services
from domain.iam import roles
from domain.kernel.actors import Actor

pytestmark = pytest.mark.django_db(transaction=True)

LIST_IAM = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:List*", "Resource": "*"}],
    }
)


def entities(iam: Any, job: str, namespace: str, **extra: Any) -> list[dict[str, Any]]:
    report = iam.get_service_last_accessed_details_with_entities(
        JobId=job, ServiceNamespace=namespace, **extra
    )
    assert report["JobStatus"] == "COMPLETED"
    found: list[dict[str, Any]] = report["EntityDetailsList"]
    return found


def test_a_group_and_a_policy_report_list_who_could_have_used_the_service(
    client_for: Callable[..., Any],
    root_iam: Any,
    root_actor: Actor,
    alice: Principal,
    bob: Principal,
) -> None:
    arn = root_iam.create_policy(PolicyName="ListIam", PolicyDocument=LIST_IAM)["Policy"]["Arn"]
    root_iam.create_group(GroupName="Readers")
    for user in ("alice", "bob"):
        root_iam.add_user_to_group(GroupName="Readers", UserName=user)
    root_iam.attach_group_policy(GroupName="Readers", PolicyArn=arn)
    services.create_role(
        actor=root_actor, name="web", trust_policy=roles.service_trust_policy("ec2")
    )
    root_iam.attach_role_policy(RoleName="web", PolicyArn=arn)
    new = services.create_access_key(actor=root_actor, user=alice)
    client_for(new.key.access_key_id, new.secret).list_users()

    group_arn = root_iam.get_group(GroupName="Readers")["Group"]["Arn"]
    job = root_iam.generate_service_last_accessed_details(Arn=group_arn)["JobId"]
    found = entities(root_iam, job, "iam")
    assert [e["EntityInfo"]["Name"] for e in found] == ["alice", "bob"]
    assert found[0]["EntityInfo"] == {
        "Arn": alice.arn,
        "Name": "alice",
        "Type": "USER",
        "Id": alice.unique_id,
        "Path": "/",
    }
    assert "LastAuthenticated" in found[0] and "LastAuthenticated" not in found[1]
    assert all("LastAuthenticated" not in e for e in entities(root_iam, job, "s3"))

    # The policy's report: its users (through the group) and its role; a session of the
    # role that listed users counts for the role.
    account = root_actor.account.id
    AuditEvent.objects.create(
        account_id=account,
        actor_arn=f"arn:aws:sts::{account}:assumed-role/web/i-0abc",
        action="iam:ListRoles",
        outcome=AuditEvent.Outcome.ALLOWED,
        event_source="iam.amazonaws.com",
        event_name="ListRoles",
    )
    job = root_iam.generate_service_last_accessed_details(Arn=arn)["JobId"]
    found = entities(root_iam, job, "iam")
    assert [(e["EntityInfo"]["Name"], e["EntityInfo"]["Type"]) for e in found] == [
        ("web", "ROLE"),
        ("alice", "USER"),
        ("bob", "USER"),
    ]
    first = root_iam.get_service_last_accessed_details_with_entities(
        JobId=job, ServiceNamespace="iam", MaxItems=2
    )
    assert first["IsTruncated"] is True
    rest = entities(root_iam, job, "iam", Marker=first["Marker"])
    assert [e["EntityInfo"]["Name"] for e in rest] == ["bob"]


def test_an_unknown_job_or_a_bad_namespace_is_refused(root_iam: Any, alice: Principal) -> None:
    with pytest.raises(ClientError) as missing:
        root_iam.get_service_last_accessed_details_with_entities(
            JobId="0" * 36, ServiceNamespace="iam"
        )
    assert missing.value.response["Error"]["Code"] == "NoSuchEntity"
    job = root_iam.generate_service_last_accessed_details(Arn=alice.arn)["JobId"]
    with pytest.raises(ClientError) as bad:
        root_iam.get_service_last_accessed_details_with_entities(JobId=job, ServiceNamespace="i am")
    assert bad.value.response["Error"]["Code"] in ("InvalidInput", "ValidationError")
    assert [e["EntityInfo"]["Name"] for e in entities(root_iam, job, "iam")] == ["alice"]


def test_it_needs_its_own_permission(
    client_for: Callable[..., Any], root_actor: Actor, alice: Principal
) -> None:
    new = services.create_access_key(actor=root_actor, user=alice)
    with pytest.raises(ClientError) as denied:
        client_for(
            new.key.access_key_id, new.secret
        ).get_service_last_accessed_details_with_entities(JobId="0" * 36, ServiceNamespace="iam")
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    assert (
        "iam:GetServiceLastAccessedDetailsWithEntities" in denied.value.response["Error"]["Message"]
    )
