"""The "Last activity" of users and roles (the Users and Roles lists, the role page), read
from the event history (accounts.AuditEvent) in ONE aggregated query per page.

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

from collections.abc import Iterable, Sequence
from datetime import datetime

from django.db.models import F, Max, Q, QuerySet, Value
from django.db.models.functions import StrIndex, Substr

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


def of_users(users: Sequence[Principal]) -> dict[str, datetime]:
    """user ARN -> the time of its newest event (users of one account; one query)."""
    if not users:
        return {}
    arns = [user.arn for user in users]
    found = (
        _activity(users[0].account_id)
        .filter(actor_arn__in=arns)
        .values("actor_arn")
        .annotate(last=Max("created_at"))
        .values_list("actor_arn", "last")
    )
    return dict(found)


def of_roles(roles: Iterable[Role]) -> dict[int, datetime | None]:
    """role id -> the newest of its sessions' events and its last assumption (roles of one
    account; one query whatever their number)."""
    roles = list(roles)
    if not roles:
        return {}
    base = f"arn:aws:sts::{roles[0].account_id}:assumed-role/"
    rest = Substr(F("actor_arn"), len(base) + 1)
    found = dict(
        _activity(roles[0].account_id)
        .filter(actor_arn__startswith=base)
        .annotate(role_name=Substr(rest, 1, StrIndex(rest, Value("/")) - 1))
        .filter(role_name__in=[role.name for role in roles])
        .values("role_name")
        .annotate(last=Max("created_at"))
        .values_list("role_name", "last")
    )
    return {role.pk: newest(found.get(role.name), role.last_used_at) for role in roles}


def of_role(role: Role) -> datetime | None:
    return of_roles([role])[role.pk]
