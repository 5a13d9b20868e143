"""Authentication: the root user by email, IAM users by account (ID or alias) and name."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.db.models import Q
from django.http import HttpRequest

from accounts.models import Principal


def find_root(email: str) -> Principal | None:
    return (
        Principal.objects.select_related("account")
        .filter(kind=Principal.Kind.ROOT, email__iexact=email.strip())
        .first()
    )


def find_user(account_ref: str, name: str) -> Principal | None:
    account_ref = account_ref.strip()
    if not account_ref or not name:
        return None
    # Account IDs may be typed with hyphens, as AWS prints them (1234-5678-9012).
    digits = account_ref.replace("-", "")
    account_q = Q(account__id=digits) if digits.isdigit() else Q(account__alias=account_ref.lower())
    return (
        Principal.objects.select_related("account")
        .filter(account_q, kind=Principal.Kind.USER, name__iexact=name.strip())
        .first()
    )


class ConsoleBackend(BaseBackend):
    def authenticate(  # type: ignore[override]
        self,
        request: HttpRequest | None,
        *,
        password: str | None = None,
        email: str | None = None,
        account: str | None = None,
        username: str | None = None,
        **kwargs: Any,
    ) -> Principal | None:
        if password is None:
            return None
        if email is not None:
            principal = find_root(email)
        elif account is not None and username is not None:
            principal = find_user(account, username)
        else:
            return None
        if principal is None or not principal.has_usable_password():
            # Hash anyway so that a missing user takes as long as a wrong password.
            Principal().set_password(password)
            return None
        if principal.check_password(password) and principal.is_active:
            return principal
        return None

    def get_user(self, user_id: Any) -> Principal | None:
        return Principal.objects.select_related("account").filter(pk=user_id).first()
