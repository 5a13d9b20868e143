"""Switch role in the console: which role session the browser session acts as.

The Django session keeps the temporary credentials the switch obtained (the access key ID
and session token; the database keeps only the token's hash), the display name and colour.
The console middleware turns them back into a role session on every request
(`domain.kernel.sessions.console_session`), or drops them once they have expired. The
person's last five roles are kept in the database and mirrored in the session, so the
account menu costs no query.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest

from domain.iam import sts
from domain.kernel.actors import signed_in_actor

SESSION_KEY = "switch_role"
RECENT_KEY = "switch_role_recent"


def current(request: HttpRequest) -> dict[str, Any] | None:
    data = request.session.get(SESSION_KEY)
    return data if isinstance(data, dict) else None


def start(request: HttpRequest, assumed: sts.AssumedRole, display_name: str, color: str) -> None:
    role = assumed.role
    request.session[SESSION_KEY] = {
        "key": assumed.credentials.access_key_id,
        "token": assumed.credentials.session_token,
        "display": display_name,
        "color": color,
        "account": role.account_id,
        "role": role.name,
        "arn": assumed.arn,
    }
    recent = sts.remember_switch_role(
        actor=signed_in_actor(request),
        account_id=role.account_id,
        role_name=role.name,
        display_name=display_name,
        color=color,
    )
    request.session[RECENT_KEY] = [asdict(r) for r in recent]


def end(request: HttpRequest) -> dict[str, Any] | None:
    switched: dict[str, Any] | None = request.session.pop(SESSION_KEY, None)
    return switched


def recent(request: HttpRequest) -> list[dict[str, str]]:
    """The last five roles, loaded from the database once per browser session."""
    found = request.session.get(RECENT_KEY)
    if isinstance(found, list):
        return found
    loaded = [asdict(r) for r in sts.recent_switch_roles(actor=signed_in_actor(request))]
    request.session[RECENT_KEY] = loaded
    return loaded
