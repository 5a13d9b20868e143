"""Reading the event history: LookupEvents, and an unauthorized query for lab checks.

`lookup_events(actor=...)` is CloudTrail's LookupEvents (authorized as
cloudtrail:LookupEvents, scoped to the actor's account): at most one lookup attribute
(AWS's keys), a time range, newest first, pages of at most 50 with an opaque NextToken.
`find_events(account, ...)` is the same query without authorization and without an event
of its own, for code that checks what happened (the classroom's lab checks).
`cloudtrail_event(row)` is the record as CloudTrail writes it (the JSON in CloudTrailEvent).
"""

from __future__ import annotations

import base64
import binascii
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import Q, QuerySet

from accounts.models import Account, AuditEvent
from domain.kernel.actors import Actor, iso_time
from domain.kernel.authorization import authorize
from domain.kernel.csv_files import csv_text
from domain.kernel.errors import (
    InvalidLookupAttributes,
    InvalidMaxResults,
    InvalidNextToken,
    InvalidTimeRange,
)
from domain.kernel.registry import aws_read

MAX_RESULTS = 50
# AWS's lookup attribute keys -> the column each filters (ReadOnly takes "true"/"false").
LOOKUP_KEYS = {
    "EventId": "event_id",
    "EventName": "event_name",
    "ReadOnly": "read_only",
    "Username": "user_name",
    "ResourceType": "resource_type",
    "ResourceName": "resource_name",
    "EventSource": "event_source",
    "AccessKeyId": "access_key_id",
}


@dataclass(frozen=True, slots=True)
class Lookup:
    """One lookup: an attribute (AWS's key, value) and a time range, both optional."""

    attribute: tuple[str, str] | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None


@dataclass(frozen=True, slots=True)
class EventPage:
    events: list[AuditEvent]
    next_token: str | None


def lookup(
    attributes: list[dict[str, str]] | None = None,
    start_time: datetime | None = None,
    end_time: datetime | None = None,
) -> Lookup:
    """A Lookup from LookupEvents' parameters, checked as CloudTrail checks them."""
    attributes = attributes or []
    if len(attributes) > 1:
        raise InvalidLookupAttributes.too_many()
    attribute = None
    if attributes:
        key = attributes[0].get("AttributeKey", "")
        if key not in LOOKUP_KEYS:
            raise InvalidLookupAttributes.unknown(key)
        attribute = (key, attributes[0].get("AttributeValue", ""))
    if start_time is not None and end_time is not None and start_time > end_time:
        raise InvalidTimeRange.reversed()
    return Lookup(attribute, start_time, end_time)


@aws_read("cloudtrail:LookupEvents")
def lookup_events(
    actor: Actor,
    *,
    query: Lookup | None = None,
    max_results: int | None = None,
    next_token: str | None = None,
) -> EventPage:
    """LookupEvents: the actor's account's events, newest first, one page."""
    authorize(actor, "cloudtrail:LookupEvents", "*")
    size = MAX_RESULTS if max_results is None else max_results
    if not 1 <= size <= MAX_RESULTS:
        raise InvalidMaxResults.out_of_range()
    rows = _filtered(actor.account, query or Lookup())
    if next_token:
        rows = _after(rows, next_token)
    found = list(rows[: size + 1])
    more = len(found) > size
    found = found[:size]
    return EventPage(found, _token(found[-1]) if more and found else None)


def find_events(
    account: Account | str,
    *,
    query: Lookup | None = None,
    limit: int = 1000,
    **exact: Any,
) -> list[AuditEvent]:
    """The account's events matching `query` and the exact column values given
    (event_name="CreateUser", user_name="bob", outcome="denied", ...), newest first.
    No authorization and no event: for checks the product makes, never for a door."""
    account_id = account if isinstance(account, str) else account.id
    rows = _filtered(account_id, query or Lookup()).filter(**exact)
    return list(rows[:limit])


def export_events(actor: Actor, query: Lookup, *, limit: int) -> list[AuditEvent]:
    """The filtered events for the console's download (authorized like LookupEvents)."""
    authorize(actor, "cloudtrail:LookupEvents", "*")
    return list(_filtered(actor.account, query)[:limit])


def _filtered(account: Account | str, query: Lookup) -> QuerySet[AuditEvent]:
    rows = AuditEvent.objects.filter(account=account)
    if query.attribute is not None:
        key, value = query.attribute
        rows = rows.filter(**_condition(key, value))
    if query.start_time is not None:
        rows = rows.filter(created_at__gte=query.start_time)
    if query.end_time is not None:
        rows = rows.filter(created_at__lte=query.end_time)
    return rows.order_by("-created_at", "-id")


def _condition(key: str, value: str) -> dict[str, Any]:
    column = LOOKUP_KEYS[key]
    if key == "ReadOnly":
        return {column: value.strip().lower() == "true"}
    if key == "EventId":
        return {"event_id": value} if _is_uuid(value) else {"pk__in": []}
    if key == "ResourceName" and value.startswith("arn:"):
        return {"resource": value}
    return {column: value}


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


def _token(row: AuditEvent) -> str:
    raw = json.dumps([row.created_at.isoformat(), row.pk]).encode()
    return base64.urlsafe_b64encode(raw).decode()


def _after(rows: QuerySet[AuditEvent], token: str) -> QuerySet[AuditEvent]:
    try:
        moment, pk = json.loads(base64.urlsafe_b64decode(token.encode()))
        when = datetime.fromisoformat(moment)
        pk = int(pk)
    except (ValueError, TypeError, binascii.Error, json.JSONDecodeError) as bad:
        raise InvalidNextToken.invalid() from bad
    # The index serves created_at <= when; the tie at `when` is cut by the id.
    return rows.filter(created_at__lte=when).exclude(Q(created_at=when) & Q(pk__gte=pk))


# --- the record as CloudTrail writes it -------------------------------------------------


def cloudtrail_event(row: AuditEvent) -> dict[str, Any]:
    """The event's CloudTrail record (eventVersion 1.08): what CloudTrailEvent holds."""
    record: dict[str, Any] = {
        "eventVersion": "1.08",
        "userIdentity": row.user_identity,
        "eventTime": iso_time(row.created_at).replace(".000Z", "Z"),
        "eventSource": row.event_source,
        "eventName": row.event_name,
        "awsRegion": row.aws_region or "us-east-1",
        "sourceIPAddress": row.source_ip or "AWS Internal",
        "userAgent": row.user_agent,
    }
    if row.error_code:
        record["errorCode"] = row.error_code
        if row.error_message:
            record["errorMessage"] = row.error_message
    record["requestParameters"] = row.request_parameters
    record["responseElements"] = row.response_elements
    if row.event_name == "ConsoleLogin":
        record["additionalEventData"] = {
            "MFAUsed": "Yes" if "mfa_device" in row.details else "No",
        }
    elif row.details:
        record["additionalEventData"] = row.details
    record["requestID"] = row.request_id
    record["eventID"] = str(row.event_id or "")
    record["readOnly"] = row.read_only
    resources = resources_of(row)
    if resources:
        record["resources"] = [
            {"accountId": row.account_id, "type": r["ResourceType"], "ARN": r["ARN"]}
            for r in resources
        ]
    record["eventType"] = row.event_type
    record["managementEvent"] = True
    record["recipientAccountId"] = row.account_id
    record["eventCategory"] = "Management"
    return record


def resources_of(row: AuditEvent) -> list[dict[str, str]]:
    if not row.resource_name:
        return []
    return [
        {
            "ResourceType": row.resource_type,
            "ResourceName": row.resource_name,
            "ARN": row.resource if row.resource.startswith("arn:") else "",
        }
    ]


def lookup_result(row: AuditEvent) -> dict[str, Any]:
    """One of LookupEvents' Events, as the API returns it."""
    result: dict[str, Any] = {
        "EventId": str(row.event_id or ""),
        "EventName": row.event_name,
        "ReadOnly": "true" if row.read_only else "false",
        "EventTime": row.created_at,
        "EventSource": row.event_source,
        "Username": row.user_name,
        "Resources": [
            {"ResourceType": r["ResourceType"], "ResourceName": r["ResourceName"]}
            for r in resources_of(row)
        ],
        "CloudTrailEvent": json.dumps(cloudtrail_event(row)),
    }
    if row.access_key_id:
        result["AccessKeyId"] = row.access_key_id
    return result


# --- downloads ----------------------------------------------------------------------------

CSV_HEADER = (
    "Event ID",
    "Event time",
    "User name",
    "Event name",
    "Resource type",
    "Resource name",
    "Event source",
    "AWS access key",
    "Source IP address",
    "Error code",
    "Read-only",
    "AWS region",
)


def events_csv(rows: list[AuditEvent]) -> str:
    """The console's "Download events: CSV" of `rows` (formula-safe cells)."""
    lines: list[tuple[str, ...]] = [CSV_HEADER]
    for row in rows:
        lines.append(
            (
                str(row.event_id or ""),
                iso_time(row.created_at),
                row.user_name,
                row.event_name,
                row.resource_type,
                row.resource_name,
                row.event_source,
                row.access_key_id,
                row.source_ip or "",
                row.error_code,
                "true" if row.read_only else "false",
                row.aws_region,
            )
        )
    return csv_text(lines)


def events_json(rows: list[AuditEvent]) -> str:
    """The console's "Download events: JSON": CloudTrail's log file shape, {"Records": [...]}."""
    return json.dumps({"Records": [cloudtrail_event(row) for row in rows]}, indent=2)
