"""The "Last activity" of users and roles (the Users and Roles lists, the role page), read
from the event history (accounts.AuditEvent) in ONE query per page.

What counts, as AWS means it: a user's last activity is the most recent of its console
sign-in, access key use or API activity, so every event the user made counts: ConsoleLogin
successes, reads, changes, and calls refused by a policy (AccessDenied: the caller was
authenticated, AWS counts the key as used). What does not count is a call that never
authenticated as the user: a failed sign-in (a wrong password or MFA code typed by anyone,
an expired password, a throttled attempt) and an API request refused for its credentials
(InvalidClientTokenId, SignatureDoesNotMatch). A role's last activity is the newest such
event by any of its sessions (actor_arn `arn:aws:sts::<account>:assumed-role/<role>/<session>`).

Events are pruned after settings.EVENT_HISTORY_DAYS; the timestamps stored next to the
credentials (a user's last sign-in, its access keys' last use, a role's last assumption),
written in the same transactions as those events, keep showing older activity, so the
figure is the newest of the two.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import Any

from django.db import connection
from django.db.models import Q, QuerySet

from accounts.models import AuditEvent, Principal, Role

_SIGN_IN_SOURCE = "signin.amazonaws.com"
# The API's refusals of a request's credentials (recorded for the key's owner).
UNAUTHENTICATED_CODES = ("InvalidClientTokenId", "SignatureDoesNotMatch")
_NOT_ACTIVITY = Q(event_source=_SIGN_IN_SOURCE) & ~Q(outcome=AuditEvent.Outcome.ALLOWED) | Q(
    error_code__in=UNAUTHENTICATED_CODES
)


def _activity(account_id: str) -> QuerySet[AuditEvent]:
    return AuditEvent.objects.filter(account_id=account_id).exclude(_NOT_ACTIVITY)


def newest(*moments: datetime | None) -> datetime | None:
    return max((m for m in moments if m is not None), default=None)


def _newest_each(
    account_id: str, keys: Sequence[tuple[str, ...]], caller: Callable[..., Q]
) -> dict[str, Any]:
    """keys[i][0] -> the time of the newest event matching `caller(*keys[i])`, in one
    statement: a scalar subquery per key over the (account, actor_arn, -created_at) index,
    newest first, so each scan stops at the first event that counts. Django compiles the
    subquery once, with placeholders for the key's values (compiling one per row cost
    ~0.9 ms of CPU each); each key then only changes those parameters."""
    if not keys:
        return {}
    placeholders = [f"last-activity-key-{n}" for n in range(len(keys[0]))]
    events = _activity(account_id).filter(caller(*placeholders)).order_by("-created_at")
    sql, params = events.values("created_at")[:1].query.sql_with_params()
    statement = " UNION ALL ".join([f"SELECT %s, ({sql})"] * len(keys))
    values: list[Any] = []
    for key in keys:
        given = dict(zip(placeholders, key, strict=True))
        values += [key[0], *(given.get(p, p) if isinstance(p, str) else p for p in params)]
    column = AuditEvent._meta.get_field("created_at").get_col(AuditEvent._meta.db_table)
    converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
    found: dict[str, Any] = {}
    with connection.cursor() as cursor:
        cursor.execute(statement, values)
        for key, value in cursor.fetchall():
            for convert in converters:
                value = convert(value, column, connection)
            if value is not None:
                found[key] = value
    return found


def of_users(users: Sequence[Principal]) -> dict[str, datetime]:
    """user ARN -> the time of its newest event (users of one account; one statement)."""
    if not users:
        return {}
    arns = [(user.arn,) for user in users]
    return _newest_each(users[0].account_id, arns, lambda arn: Q(actor_arn=arn))


def _sessions(prefix: str) -> tuple[str, str]:
    """The actor ARNs of a role's sessions, `prefix` ("arn:aws:sts::<account>:assumed-role/
    <role>/") included up to the prefix with its "/" raised to "0" excluded: a range the
    caller index answers, exact under a code-point collation (SQLite's; PostgreSQL's C and
    C.UTF-8, as this project's databases)."""
    return prefix, prefix[:-1] + chr(ord("/") + 1)


def of_roles(roles: Iterable[Role]) -> dict[int, datetime | None]:
    """role id -> the newest of its sessions' events and its last assumption (roles of one
    account; one statement whatever their number)."""
    roles = list(roles)
    if not roles:
        return {}
    account_id = roles[0].account_id
    prefixes = {r.pk: f"arn:aws:sts::{account_id}:assumed-role/{r.name}/" for r in roles}
    ranges = [_sessions(prefix) for prefix in prefixes.values()]
    found = _newest_each(
        account_id, ranges, lambda low, high: Q(actor_arn__gte=low, actor_arn__lt=high)
    )
    return {r.pk: newest(found.get(prefixes[r.pk]), r.last_used_at) for r in roles}


def of_role(role: Role) -> datetime | None:
    return of_roles([role])[role.pk]
