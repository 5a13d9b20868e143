"""CloudTrail → Event history: the account's events with AWS's lookup attributes, a time
range, each row's record, and CSV / JSON downloads of what the filter shows."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from domain.cloudtrail import events
from domain.kernel.actors import actor_for
from domain.kernel.errors import AccessDenied, IamError

# The console's lookup attributes, in AWS's order, with their labels.
ATTRIBUTES = (
    ("EventName", "Event name"),
    ("Username", "User name"),
    ("ResourceName", "Resource name"),
    ("ResourceType", "Resource type"),
    ("EventSource", "Event source"),
    ("AccessKeyId", "AWS access key"),
    ("ReadOnly", "Read-only"),
    ("EventId", "Event ID"),
)
DOWNLOAD_LIMIT = 5000
TIME_FORMAT = "%Y-%m-%dT%H:%M"


@require_GET
def event_history(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    ctx: dict[str, Any] = {"nav": "event_history", "attributes": ATTRIBUTES}
    key = request.GET.get("attribute", "EventName")
    value = request.GET.get("value", "").strip()
    ctx |= {"attribute": key, "value": value}
    errors: dict[str, str] = {}
    start = _moment(request.GET.get("start", ""), "start", errors)
    end = _moment(request.GET.get("end", ""), "end", errors)
    ctx |= {"start": request.GET.get("start", ""), "end": request.GET.get("end", "")}
    if key not in dict(ATTRIBUTES):
        errors["attribute"] = "Choose a lookup attribute."
    if errors:
        return render(request, "cloudtrail/event_history.html", ctx | {"errors": errors})
    attributes = [{"AttributeKey": key, "AttributeValue": value}] if value else []
    try:
        query = events.lookup(attributes, start, end)
        fmt = request.GET.get("format", "")
        if fmt in ("csv", "json"):
            return _download(events.export_events(actor, query, limit=DOWNLOAD_LIMIT), fmt)
        page = events.lookup_events(actor, query=query, next_token=request.GET.get("token"))
    except AccessDenied as denied:
        ctx["denied"] = denied.message
    except IamError as error:
        errors[error.field or "end"] = error.message
        ctx["errors"] = errors
    else:
        ctx["rows"] = [
            {
                "row": row,
                "resources": events.resources_of(row),
                "record": json.dumps(events.cloudtrail_event(row), indent=2),
            }
            for row in page.events
        ]
        ctx["next_token"] = page.next_token
    return render(request, "cloudtrail/event_history.html", ctx)


def _moment(raw: str, field: str, errors: dict[str, str]) -> datetime | None:
    raw = raw.strip()
    if not raw:
        return None
    try:
        return datetime.strptime(raw[:16], TIME_FORMAT).replace(tzinfo=UTC)
    except ValueError:
        errors[field] = "Enter a date and time as YYYY-MM-DDThh:mm (UTC)."
        return None


def _download(rows: list[Any], fmt: str) -> HttpResponse:
    stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H-%M-%S")
    if fmt == "csv":
        body, kind = events.events_csv(rows), "text/csv; charset=utf-8"
    else:
        body, kind = events.events_json(rows), "application/json"
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="event_history_{stamp}.{fmt}"'
    return response
