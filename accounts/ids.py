"""AWS-shaped identifiers, drawn from a CSPRNG."""

from __future__ import annotations

import secrets
import string

# AWS unique IDs use upper-case letters and the digits 2-7 after their 4-letter prefix.
_ID_ALPHABET = string.ascii_uppercase + "234567"
_SECRET_ALPHABET = string.ascii_letters + string.digits + "+/"

USER_PREFIX = "AIDA"
GROUP_PREFIX = "AGPA"
ROLE_PREFIX = "AROA"
POLICY_PREFIX = "ANPA"
POLICY_VERSION_PREFIX = "ANVA"
INSTANCE_PROFILE_PREFIX = "AIPA"
ACCESS_KEY_PREFIX = "AKIA"
TEMPORARY_KEY_PREFIX = "ASIA"


def unique_id(prefix: str) -> str:
    """A 21-character unique ID such as AIDAJQABLZS4A3QDU576Q."""
    return prefix + "".join(secrets.choice(_ID_ALPHABET) for _ in range(17))


def access_key_id(prefix: str = ACCESS_KEY_PREFIX) -> str:
    """A 20-character access key ID such as AKIAIOSFODNN7EXAMPLE."""
    return prefix + "".join(secrets.choice(_ID_ALPHABET) for _ in range(16))


def secret_access_key() -> str:
    """A 40-character secret access key."""
    return "".join(secrets.choice(_SECRET_ALPHABET) for _ in range(40))


def account_id() -> str:
    """A 12-digit AWS account ID."""
    return f"{secrets.randbelow(10**12):012d}"
