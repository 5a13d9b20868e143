"""Authentication: the root user by email, IAM users by account (ID or alias) and name.

Identities are normalized here, once, in Python; the database then compares exactly.
Case folding in SQL (iexact is UPPER() on PostgreSQL, which maps "ſ" to "S" and "ı" to
"I") would match spellings the throttle never counted as the same identity.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from django.contrib.auth.backends import BaseBackend
from django.db.models.functions import Lower
from django.http import HttpRequest

from accounts.models import Account, Principal


def normalize_email(email: str) -> str:
    """The one form of a root email: stored, looked up and throttled (NFKC + casefold)."""
    folded = unicodedata.normalize("NFKC", email.strip()).casefold()
    return unicodedata.normalize("NFKC", folded)


def account_id_of(account_ref: str) -> str | None:
    """The 12-digit account ID an account ID (hyphens allowed) or alias refers to.

    An ID is returned as typed even when no such account exists, so failures against it
    are counted the same as against a real one.
    """
    ref = account_ref.strip()
    digits = ref.replace("-", "")
    if len(digits) == 12 and digits.isascii() and digits.isdigit():
        return digits
    if not ref.isascii():
        return None  # aliases are lowercase ASCII: this one cannot exist
    return Account.objects.filter(alias=ref.lower()).values_list("id", flat=True).first()


def user_name_key(name: str) -> str | None:
    """The lower-cased IAM user name, or None: AWS user names are ASCII, so a name with
    other characters belongs to nobody."""
    name = name.strip()
    return name.lower() if name and name.isascii() else None


def user_identity(account_ref: str, name: str) -> str:
    """The throttle identity of an IAM user sign-in: by account ID, whichever way typed."""
    account_id = account_id_of(account_ref)
    name_key = user_name_key(name)
    account_part = account_id or "?" + normalize_email(account_ref)
    name_part = name_key if name_key is not None else "?" + normalize_email(name)
    return f"user:{account_part}:{name_part}"


def root_identity(email: str) -> str:
    return f"root:{normalize_email(email)}"


def find_root(email: str) -> Principal | None:
    return (
        Principal.objects.select_related("account")
        .filter(kind=Principal.Kind.ROOT, email=normalize_email(email))
        .first()
    )


def find_user(account_ref: str, name: str) -> Principal | None:
    account_id = account_id_of(account_ref)
    name_key = user_name_key(name)
    if account_id is None or name_key is None:
        return None
    # Lower() of an ASCII name agrees on every database, and the per-account unique
    # index on Lower("name") serves this lookup.
    return (
        Principal.objects.select_related("account")
        .alias(name_lower=Lower("name"))
        .filter(account_id=account_id, kind=Principal.Kind.USER, name_lower=name_key)
        .first()
    )


class ConsoleBackend(BaseBackend):
    def authenticate(
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
