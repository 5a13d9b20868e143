"""The "Last accessed" tab shared by the user, role, group and policy pages (Access Advisor)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from accounts.models import Principal, Role
from domain.iam import last_accessed
from domain.kernel.actors import Actor

DEFAULT_UNUSED_DAYS = 90


def last_accessed_context(
    actor: Actor, entity: last_accessed.Entity, query: Mapping[str, str]
) -> dict[str, Any]:
    """The tab's services; for users and roles also the policies unused for N days
    (`?days=`, 1 to 400, 90 by default)."""
    ctx: dict[str, Any] = {
        "services": last_accessed.last_accessed(actor, entity),
        "show_entity": not isinstance(entity, Principal | Role),
        "unused": None,
    }
    if isinstance(entity, Principal | Role):
        raw = query.get("days", "")
        days = int(raw) if raw.isdigit() and 1 <= int(raw) <= 400 else DEFAULT_UNUSED_DAYS
        ctx["unused_days"] = days
        ctx["unused"] = last_accessed.unused_policies(actor, entity, days=days)
    return ctx
