"""The password policy over time: reuse prevention and expiry.

Reuse prevention compares a new password with the principal's current password and the
hashes kept in `PasswordHistory` (one row per change). "Remember N passwords" means the
current one and the N-1 before it: with N=1 only the current password is refused.

Expiry: a password older than the policy's max age has expired. The console warns when
15 days or fewer remain (AWS warns from day 75 of a 90-day policy, the same 15 days).
The root user is not subject to the IAM password policy.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth.hashers import check_password
from django.utils import timezone

from accounts.models import PasswordHistory, Principal
from accounts.passwords import Rules, rules_for
from domain.kernel.errors import PasswordPolicyViolation

MAX_REMEMBERED = 24
WARN_DAYS = 15
REUSE_MESSAGE = "Policy constraint violation with password reuse prevention during password change."


def rules_of(principal: Principal) -> Rules | None:
    """The IAM password policy that governs `principal`, or None for the root user."""
    if principal.is_root:
        return None
    return rules_for(principal.account)


def check_not_reused(
    principal: Principal, new_password: str, rules: Rules, *, field: str = "new_password"
) -> None:
    """Raises PasswordPolicyViolation when `new_password` is one of the remembered ones."""
    remembered = rules.reuse_prevention or 0
    if remembered <= 0:
        return
    hashes = [principal.password] if principal.has_usable_password() else []
    hashes += list(
        PasswordHistory.objects.filter(principal=principal).values_list("password", flat=True)[
            : remembered - 1
        ]
    )
    if any(check_password(new_password, encoded) for encoded in hashes):
        raise PasswordPolicyViolation(REUSE_MESSAGE, field=field)


def remember_current_password(principal: Principal) -> None:
    """Keeps the current hash before it is replaced (call inside the writing transaction)."""
    if not principal.has_usable_password():
        return
    PasswordHistory.objects.create(principal=principal, password=principal.password)
    stale = PasswordHistory.objects.filter(principal=principal).values_list("pk", flat=True)[
        MAX_REMEMBERED:
    ]
    PasswordHistory.objects.filter(pk__in=list(stale)).delete()


def expires_at(principal: Principal, rules: Rules | None) -> datetime | None:
    if rules is None or not rules.max_age_days or not principal.has_usable_password():
        return None
    changed = principal.password_last_changed or principal.created_at
    if changed is None:
        return None
    return changed + timedelta(days=rules.max_age_days)


def is_expired(principal: Principal, *, now: datetime | None = None) -> bool:
    when = expires_at(principal, rules_of(principal))
    return when is not None and when <= (now or timezone.now())


def days_left(principal: Principal, *, now: datetime | None = None) -> int | None:
    """Whole days before the password expires, when that is WARN_DAYS or fewer."""
    when = expires_at(principal, rules_of(principal))
    if when is None:
        return None
    left = when - (now or timezone.now())
    if left.total_seconds() <= 0 or left > timedelta(days=WARN_DAYS):
        return None
    return left.days
