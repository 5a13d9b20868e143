"""What the lab checks read of an account's event history.

Until the event history (CloudTrail-shaped events, `domain.cloudtrail`) lands, this reads the
audit rows (`accounts.AuditEvent`); `successful_call` is the one function to repoint.
"""

from __future__ import annotations

from datetime import datetime

from accounts.models import Account, AuditEvent


def successful_call(
    account: Account, actor_arn: str, action: str, *, since: datetime | None = None
) -> bool:
    """Whether `actor_arn` (a user's ARN) made the call `action` (e.g. "ec2:StopInstances",
    as the domain writers record it: domain.ec2's state changes record one row per instance)
    successfully in `account`, at `since` or later when given (the lab's current deploy)."""
    found = AuditEvent.objects.filter(
        account=account,
        action__iexact=action,
        outcome=AuditEvent.Outcome.ALLOWED,
        actor_arn=actor_arn,
    )
    if since is not None:
        found = found.filter(created_at__gte=since)
    return found.exists()
