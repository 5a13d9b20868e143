"""The dashboard's "Security recommendations": what is true of this account right now."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Exists, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from accounts import arns
from accounts.models import AccessKey, MFADevice, Principal
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize

STALE_DAYS = 90


@dataclass(frozen=True)
class Recommendation:
    key: str
    text: str
    link: str
    link_text: str


def _names(names: list[str], total: int) -> str:
    shown = ", ".join(names)
    return shown + (f" and {total - len(names)} more" if total > len(names) else "")


def security_recommendations(actor: Actor, *, now: datetime | None = None) -> list[Recommendation]:
    """Each item names a fact and where to fix it; [] means nothing to recommend."""
    authorize(actor, "iam:GetAccountSummary", "*")
    authorize(actor, "iam:ListUsers", arns.account_wildcard(actor.account.id, "user"))
    now = now or timezone.now()
    stale = now - timedelta(days=STALE_DAYS)
    account = actor.account
    found: list[Recommendation] = []
    own = reverse("my_security_credentials")
    users_page = reverse("user_list")
    root = Principal.objects.filter(account=account, kind=Principal.Kind.ROOT).first()
    if root and not MFADevice.objects.filter(principal=root).exists():
        found.append(Recommendation("root-mfa", "Root user has no MFA.", own, "Add MFA"))
    if root and AccessKey.objects.filter(principal=root, status=AccessKey.Status.ACTIVE).exists():
        found.append(
            Recommendation(
                "root-keys", "Root user has active access keys.", own, "Manage access keys"
            )
        )
    # Django marks an unusable password (no console access) with a leading "!"; filtering
    # in SQL keeps the dashboard fast with thousands of users.
    console_users = Principal.objects.filter(account=account, kind=Principal.Kind.USER).exclude(
        password__startswith=UNUSABLE_PASSWORD_PREFIX
    )
    no_mfa = console_users.filter(
        ~Exists(MFADevice.objects.filter(principal=OuterRef("pk")))
    ).order_by("name")
    no_mfa_count = no_mfa.count()
    if no_mfa_count:
        first = list(no_mfa.values_list("name", flat=True)[:5])
        found.append(
            Recommendation(
                "users-mfa",
                f"{no_mfa_count} IAM user(s) with console access have no MFA: "
                f"{_names(first, no_mfa_count)}.",
                users_page,
                "Review users",
            )
        )
    keys = AccessKey.objects.filter(principal__account=account, status=AccessKey.Status.ACTIVE)
    old_keys = keys.filter(created_at__lt=stale).count()
    if old_keys:
        found.append(
            Recommendation(
                "old-keys",
                f"{old_keys} active access key(s) are older than {STALE_DAYS} days. Rotate them.",
                users_page,
                "Review access keys",
            )
        )
    unused_keys = keys.filter(
        Q(last_used_at__lt=stale) | Q(last_used_at__isnull=True, created_at__lt=stale)
    ).count()
    unused_passwords = console_users.filter(
        Q(last_login__lt=stale) | Q(last_login__isnull=True, created_at__lt=stale)
    ).count()
    if unused_keys or unused_passwords:
        found.append(
            Recommendation(
                "unused",
                f"Credentials unused for {STALE_DAYS} days: {unused_passwords} password(s), "
                f"{unused_keys} access key(s). Remove the ones nobody needs.",
                users_page,
                "Review users",
            )
        )
    return found
