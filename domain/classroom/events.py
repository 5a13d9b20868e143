"""What the lab checks read of an account's event history (domain.cloudtrail)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from accounts.models import Account, AuditEvent
from domain.cloudtrail.events import find_events


def successful_call(
    account: Account, actor_arn: str, action: str, *, since: datetime | None = None
) -> bool:
    """Whether `actor_arn` (a user's ARN) made the call `action` (e.g. "ec2:StopInstances",
    as the domain writers record it: domain.ec2's state changes record one event per
    instance) successfully in `account`, at `since` or later when given (the lab's current
    deploy)."""
    exact: dict[str, Any] = {
        "action__iexact": action,
        "outcome": AuditEvent.Outcome.ALLOWED,
        "actor_arn": actor_arn,
    }
    if since is not None:
        exact["created_at__gte"] = since
    return bool(find_events(account, limit=1, **exact))
