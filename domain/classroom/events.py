"""What the lab checks read of an account's event history (domain.cloudtrail)."""

from __future__ import annotations

from accounts.models import Account, AuditEvent
from domain.cloudtrail.events import find_events


def successful_call(account: Account, actor_arn: str, action: str) -> bool:
    """Whether `actor_arn` made the call `action` (e.g. "ec2:StopInstances") successfully in
    `account`."""
    return bool(
        find_events(
            account,
            limit=1,
            action__iexact=action,
            outcome=AuditEvent.Outcome.ALLOWED,
            actor_arn=actor_arn,
        )
    )
