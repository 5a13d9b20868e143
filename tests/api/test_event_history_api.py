"""CloudTrail's LookupEvents over the endpoint (JSON protocol), with boto3 and the AWS CLI:
a denied console click and a denied CLI call are the same event, told apart by the key."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from botocore.exceptions import ClientError
from django.test import Client

from accounts.models import Principal
from domain import iam as services
from domain.kernel.actors import Actor
from tests.api.test_aws_cli import aws, write_profile

pytestmark = pytest.mark.django_db(transaction=True)


def alice_keys(root_actor: Actor, alice: Principal) -> tuple[str, str]:
    new = services.create_access_key(actor=root_actor, user=alice)
    return new.key.access_key_id, new.secret


def by_name(trail: Any, name: str, **extra: Any) -> list[dict[str, Any]]:
    attributes = [{"AttributeKey": "EventName", "AttributeValue": name}]
    events: list[dict[str, Any]] = trail.lookup_events(LookupAttributes=attributes, **extra)[
        "Events"
    ]
    return events


def test_a_denied_click_and_a_denied_cli_call_are_the_same_event(
    client_for: Callable[..., Any],
    root_keys: tuple[str, str],
    root_actor: Actor,
    alice: Principal,
    alice_client: Client,
) -> None:
    key_id, secret = alice_keys(root_actor, alice)
    with pytest.raises(ClientError) as denied:
        client_for(key_id, secret).create_group(GroupName="FromCli")
    assert denied.value.response["Error"]["Code"] == "AccessDenied"
    alice_client.post("/groups/create/", {"name": "FromConsole"})

    trail = client_for(*root_keys, service="cloudtrail")
    events = by_name(trail, "CreateGroup")
    assert len(events) == 2
    records = [json.loads(e["CloudTrailEvent"]) for e in events]
    assert {(r["eventName"], r["errorCode"]) for r in records} == {("CreateGroup", "AccessDenied")}
    assert {e["Username"] for e in events} == {"alice"}
    assert {e["EventSource"] for e in events} == {"iam.amazonaws.com"}
    cli, console = records  # newest first: the console click came second
    console, cli = cli, console
    assert cli["userIdentity"]["accessKeyId"] == key_id
    assert cli["userIdentity"]["type"] == "IAMUser"
    assert "Boto3" in cli["userAgent"] or "Botocore" in cli["userAgent"]
    assert console["userIdentity"]["accessKeyId"] == ""
    assert cli["requestParameters"] == {"groupName": "FromCli"}
    assert cli["readOnly"] is False and cli["eventType"] == "AwsApiCall"
    assert "not authorized to perform: iam:CreateGroup" in cli["errorMessage"]
    # A key's events are found by the key.
    mine = trail.lookup_events(
        LookupAttributes=[{"AttributeKey": "AccessKeyId", "AttributeValue": key_id}]
    )["Events"]
    assert [e["EventName"] for e in mine] == ["CreateGroup"]


def test_lookup_pages_by_next_token_and_filters_by_time(
    client_for: Callable[..., Any], root_keys: tuple[str, str]
) -> None:
    iam = client_for(*root_keys)
    for name in ("a", "b", "c"):
        iam.create_user(UserName=name)
    trail = client_for(*root_keys, service="cloudtrail")
    first = by_name(trail, "CreateUser", MaxResults=2)
    page = trail.lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateUser"}],
        MaxResults=2,
    )
    assert [e["Resources"][0]["ResourceName"] for e in first] == ["c", "b"]
    rest = trail.lookup_events(
        LookupAttributes=[{"AttributeKey": "EventName", "AttributeValue": "CreateUser"}],
        MaxResults=2,
        NextToken=page["NextToken"],
    )
    assert [e["Resources"][0]["ResourceName"] for e in rest["Events"]] == ["a"]
    assert "NextToken" not in rest
    later = datetime.now(UTC) + timedelta(hours=1)
    assert by_name(trail, "CreateUser", StartTime=later) == []
    assert len(by_name(trail, "CreateUser", EndTime=later)) == 3


def test_lookup_refuses_bad_attributes_and_reversed_times(
    client_for: Callable[..., Any], root_keys: tuple[str, str]
) -> None:
    trail = client_for(*root_keys, service="cloudtrail")
    with pytest.raises(ClientError) as bad:
        trail.lookup_events(LookupAttributes=[{"AttributeKey": "Colour", "AttributeValue": "x"}])
    assert bad.value.response["Error"]["Code"] == "ValidationException"
    two = [
        {"AttributeKey": "EventName", "AttributeValue": "CreateUser"},
        {"AttributeKey": "Username", "AttributeValue": "root"},
    ]
    with pytest.raises(ClientError) as too_many:
        trail.lookup_events(LookupAttributes=two)
    assert too_many.value.response["Error"]["Code"] == "InvalidLookupAttributesException"
    now = datetime.now(UTC)
    with pytest.raises(ClientError) as reversed_range:
        trail.lookup_events(StartTime=now, EndTime=now - timedelta(days=1))
    assert reversed_range.value.response["Error"]["Code"] == "InvalidTimeRangeException"


def test_alice_without_permission_cannot_look_up_events(
    client_for: Callable[..., Any], root_actor: Actor, alice: Principal
) -> None:
    trail = client_for(*alice_keys(root_actor, alice), service="cloudtrail")
    with pytest.raises(ClientError) as denied:
        trail.lookup_events()
    assert denied.value.response["Error"]["Code"] == "AccessDenied"


def test_the_cli_looks_up_events(
    live_server: Any, tmp_path: Path, root_keys: tuple[str, str]
) -> None:
    write_profile(tmp_path, "root", *root_keys)
    created = aws(tmp_path, live_server.url, "root", "iam", "create-user", "--user-name", "cli")
    assert created.returncode == 0, created.stderr
    found = aws(
        tmp_path,
        live_server.url,
        "root",
        "cloudtrail",
        "lookup-events",
        "--lookup-attributes",
        "AttributeKey=Username,AttributeValue=root",
        "--max-results",
        "5",
    )
    assert found.returncode == 0, found.stderr
    events = json.loads(found.stdout)["Events"]
    assert "CreateUser" in [e["EventName"] for e in events]
    record = json.loads(
        next(e for e in events if e["EventName"] == "CreateUser")["CloudTrailEvent"]
    )
    assert record["userIdentity"]["type"] == "Root"
    assert "aws-cli" in record["userAgent"]


def test_access_advisor_over_the_api(
    client_for: Callable[..., Any], root_keys: tuple[str, str], root_actor: Actor, alice: Principal
) -> None:
    iam = client_for(*root_keys)
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:List*", "Resource": "*"}],
    }
    arn = iam.create_policy(PolicyName="ListIam", PolicyDocument=json.dumps(document))["Policy"][
        "Arn"
    ]
    iam.attach_user_policy(UserName="alice", PolicyArn=arn)
    alice_iam = client_for(*alice_keys(root_actor, alice))
    alice_iam.list_users()
    job = iam.generate_service_last_accessed_details(Arn=alice.arn)["JobId"]
    report = iam.get_service_last_accessed_details(JobId=job)
    assert report["JobStatus"] == "COMPLETED"
    services = {s["ServiceNamespace"]: s for s in report["ServicesLastAccessed"]}
    assert services["iam"]["LastAuthenticatedEntity"] == alice.arn
    assert services["iam"]["TotalAuthenticatedEntities"] == 1
    with pytest.raises(ClientError) as missing:
        iam.generate_service_last_accessed_details(Arn=alice.arn.replace("alice", "nobody"))
    assert missing.value.response["Error"]["Code"] == "NoSuchEntity"
    with pytest.raises(ClientError) as no_job:
        iam.get_service_last_accessed_details(JobId="0" * 36)
    assert no_job.value.response["Error"]["Code"] == "NoSuchEntity"
