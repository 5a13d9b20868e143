from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.http import HttpRequest

from console.flows import switch_role


def console(request: HttpRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    session = getattr(request, "role_session", None)
    ctx: dict[str, Any] = {"principal": user, "account": user.account}
    if session is not None:
        # Pages show the account the role session acts in.
        ctx["account"] = session.account
        ctx["switched"] = getattr(request, "switch_role", None)
    if not user.is_root:
        ctx["recent_roles"] = _RecentRoles(request)
    return ctx


class _RecentRoles:
    """The account menu's recent roles, read only when a template iterates them."""

    def __init__(self, request: HttpRequest) -> None:
        self.request = request

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        return iter(enumerate(switch_role.recent(self.request)))
