"""CloudTrail → Event history in the console: what a user sees, filters, downloads."""

from __future__ import annotations

import json

from django.test import Client

from accounts.models import AuditEvent, Principal
from domain.cloudtrail import events
from tests.conftest import PASSWORD
from tests.views.test_signin import post_user


def test_a_denied_click_is_in_the_event_history_with_its_error_code(
    root_client: Client, alice_client: Client, alice: Principal
) -> None:
    alice_client.post("/groups/create/", {"name": "Mine"})
    page = root_client.get(
        "/cloudtrail/event-history/", {"attribute": "Username", "value": "alice"}
    ).content.decode()
    assert "CreateGroup" in page
    assert "AccessDenied" in page
    assert "iam.amazonaws.com" in page
    assert "&quot;eventName&quot;: &quot;CreateGroup&quot;" in page  # the row's record


def test_reads_and_sign_ins_are_recorded_once_per_call(
    root_client: Client, root: Principal
) -> None:
    root_client.get("/users/")
    reads = AuditEvent.objects.filter(read_only=True).values_list("event_name", flat=True)
    assert "ListUsers" in list(reads)
    page = root_client.get(
        "/cloudtrail/event-history/", {"attribute": "ReadOnly", "value": "false"}
    ).content.decode()
    assert "ListUsers" not in page


def test_filters_by_event_name_and_downloads_csv_and_json(
    root_client: Client, alice: Principal
) -> None:
    query = {"attribute": "EventName", "value": "CreateUser"}
    page = root_client.get("/cloudtrail/event-history/", query).content.decode()
    assert "alice" in page and "AWS::IAM::User" in page
    csv = root_client.get("/cloudtrail/event-history/", query | {"format": "csv"})
    lines = csv.content.decode().splitlines()
    assert lines[0].startswith("Event ID,Event time,User name,Event name")
    assert len(lines) == 2 and ",CreateUser," in lines[1]
    download = root_client.get("/cloudtrail/event-history/", query | {"format": "json"})
    records = json.loads(download.content)["Records"]
    assert [r["eventName"] for r in records] == ["CreateUser"]
    assert records[0]["userIdentity"]["type"] == "Root"
    assert "password" not in json.dumps(records).lower() or all(
        "Password" not in str(r["requestParameters"]) for r in records
    )


def test_bad_time_shows_next_to_the_field_and_reversed_range_is_refused(
    root_client: Client,
) -> None:
    page = root_client.get("/cloudtrail/event-history/", {"start": "yesterday"}).content.decode()
    assert "Enter a date and time as YYYY-MM-DDThh:mm (UTC)." in page
    reversed_range = {"start": "2026-05-02T00:00", "end": "2026-05-01T00:00"}
    page = root_client.get("/cloudtrail/event-history/", reversed_range).content.decode()
    assert "Start time must be before end time." in page


def test_without_permission_the_page_says_access_denied(alice_client: Client) -> None:
    page = alice_client.get("/cloudtrail/event-history/").content.decode()
    assert "cloudtrail:LookupEvents" in page


def test_sign_in_is_a_console_login_event(client: Client, alice: Principal) -> None:
    post_user(client, alice.account_id, "alice", "wrong-Password-1")
    post_user(client, alice.account_id, "alice", PASSWORD)
    failed = events.find_events(alice.account, event_name="ConsoleLogin", outcome="failed")
    assert events.cloudtrail_event(failed[0])["responseElements"] == {"ConsoleLogin": "Failure"}
    found = events.find_events(alice.account, event_name="ConsoleLogin", outcome="allowed")
    assert found, "a sign-in is recorded"
    record = events.cloudtrail_event(found[0])
    assert record["eventSource"] == "signin.amazonaws.com"
    assert record["eventType"] == "AwsConsoleSignIn"
    assert record["responseElements"] == {"ConsoleLogin": "Success"}
    assert record["additionalEventData"] == {"MFAUsed": "No"}
