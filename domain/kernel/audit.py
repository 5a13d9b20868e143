"""The audit trail: one row per change and per denied call."""

from __future__ import annotations

from typing import Any

from accounts.models import Account, AuditEvent
from domain.kernel.actors import Actor


def record(
    actor: Actor | None,
    action: str,
    resource: str = "",
    *,
    outcome: str = AuditEvent.Outcome.ALLOWED,
    error_code: str = "",
    account: Account | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    target = account if account is not None else actor.account if actor else None
    if target is None:
        raise ValueError("an audit event needs an account")
    return AuditEvent.objects.create(
        account=target,
        actor_arn=actor.arn if actor else "",
        action=action,
        resource=resource,
        outcome=outcome,
        error_code=error_code,
        source_ip=actor.source_ip if actor else None,
        details=details or {},
    )
