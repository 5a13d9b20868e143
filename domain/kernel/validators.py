"""AWS's rules for names, paths, aliases and tags (shared/reference/aws-console.md §7)."""

from __future__ import annotations

import re

from domain.kernel.errors import InvalidInput, LimitExceeded, ValidationError

_NAME = re.compile(r"[\w+=,.@-]+", re.ASCII)
_PATH = re.compile(r"/|/[\x21-\x7e]+/")
_ALIAS = re.compile(r"[a-z0-9]([a-z0-9]|-(?!-)){1,61}[a-z0-9]")
_TAG = re.compile(r"[\w\s.:/=+\-@]*")

MAX_TAGS = 50


def _check_name(value: str, *, what: str, field: str, max_length: int) -> str:
    if not value:
        raise ValidationError(f"The {what} name is required.", field=field)
    if len(value) > max_length:
        raise ValidationError(
            f"The {what} name must be {max_length} characters or fewer.", field=field
        )
    if not _NAME.fullmatch(value):
        raise ValidationError(
            f"The {what} name can have up to {max_length} characters. Valid characters: "
            "A-Z, a-z, 0-9, and + = , . @ _ - (hyphen).",
            field=field,
        )
    return value


def user_name(value: str, field: str = "name") -> str:
    return _check_name(value, what="user", field=field, max_length=64)


def group_name(value: str, field: str = "name") -> str:
    return _check_name(value, what="user group", field=field, max_length=128)


def role_name(value: str, field: str = "name") -> str:
    return _check_name(value, what="role", field=field, max_length=64)


def instance_profile_name(value: str, field: str = "name") -> str:
    return _check_name(value, what="instance profile", field=field, max_length=128)


def policy_name(value: str, field: str = "name") -> str:
    return _check_name(value, what="policy", field=field, max_length=128)


def path(value: str, field: str = "path") -> str:
    if len(value) > 512 or not _PATH.fullmatch(value):
        raise ValidationError(
            "The path must be / alone or begin and end with / and contain only printable "
            "ASCII characters (up to 512).",
            field=field,
        )
    return value


def account_alias(value: str, field: str = "alias") -> str:
    if not 3 <= len(value) <= 63:
        raise ValidationError("The alias must be 3 to 63 characters long.", field=field)
    # Sign-in reads digits, with or without hyphens (5996-4382-5777), as an account ID:
    # such an alias would send its sign-in URL to another account, or to none.
    digits = value.replace("-", "")
    if digits.isdigit() and len(digits) == 12:
        raise ValidationError("The alias cannot be a 12-digit number.", field=field)
    if digits.isdigit():
        raise ValidationError(
            "The alias cannot be only digits: sign-in would read it as an account ID.",
            field=field,
        )
    if not _ALIAS.fullmatch(value):
        raise ValidationError(
            "The alias can contain only lowercase letters, digits and hyphens, "
            "cannot start or end with a hyphen, and cannot contain two hyphens in a row.",
            field=field,
        )
    return value


def tags(pairs: list[tuple[str, str]], *, case_insensitive_keys: bool) -> list[dict[str, str]]:
    """Validates tags and returns them as AWS's [{"Key": k, "Value": v}] list."""
    if len(pairs) > MAX_TAGS:
        raise LimitExceeded(f"You can add up to {MAX_TAGS} tags.", field="tags")
    seen: set[str] = set()
    result = []
    for key, value in pairs:
        if not 1 <= len(key) <= 128 or not _TAG.fullmatch(key):
            raise InvalidInput(
                "Tag keys must be 1 to 128 characters: letters, numbers, spaces and "
                "_ . : / = + - @.",
                field="tags",
            )
        if key.lower().startswith("aws:"):
            raise InvalidInput("Tag keys cannot start with the reserved prefix aws:.", field="tags")
        if len(value) > 256 or not _TAG.fullmatch(value):
            raise InvalidInput(
                "Tag values can be up to 256 characters: letters, numbers, spaces and "
                "_ . : / = + - @.",
                field="tags",
            )
        folded = key.lower() if case_insensitive_keys else key
        if folded in seen:
            raise InvalidInput(f"Duplicate tag key: {key}.", field="tags")
        seen.add(folded)
        result.append({"Key": key, "Value": value})
    return result
