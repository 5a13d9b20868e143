"""CloudTrail's actions over the API (JSON protocol): LookupEvents, on domain.cloudtrail."""

from __future__ import annotations

from typing import Any

from api.iam_actions import Handler
from domain.cloudtrail import events
from domain.kernel.actors import Actor


def lookup_events(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    query = events.lookup(p.get("LookupAttributes"), p.get("StartTime"), p.get("EndTime"))
    page = events.lookup_events(
        actor, query=query, max_results=p.get("MaxResults"), next_token=p.get("NextToken")
    )
    return {
        "Events": [events.lookup_result(row) for row in page.events],
        "NextToken": page.next_token,
    }


ACTIONS: dict[str, Handler] = {"LookupEvents": lookup_events}
