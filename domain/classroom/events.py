"""What the lab checks read of an account's event history.

Until the event history (CloudTrail-shaped events, `domain.cloudtrail`) lands, this reads the
audit rows (`accounts.AuditEvent`); `successful_call` is the one function to repoint.
"""

from __future__ import annotations

from accounts.models import Account, AuditEvent


def successful_call(account: Account, actor_arn: str, action: str) -> bool:
    """Whether `actor_arn` (a user's ARN; its role sessions count too) made the call `action`
    (e.g. "ec2:StopInstances") successfully in `account`."""
    return AuditEvent.objects.filter(
        account=account,
        action__iexact=action,
        outcome=AuditEvent.Outcome.ALLOWED,
        actor_arn=actor_arn,
    ).exists()
