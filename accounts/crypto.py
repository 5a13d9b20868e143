"""Encryption of stored secrets (secret access keys, MFA seeds, secrets waiting to be shown).

Fernet keys are derived (HKDF) from configured key strings, so a database dump alone does not
reveal the secrets. Several keys may be configured for rotation, MultiFernet-style: the
newest encrypts, every one decrypts.

- FIELD_ENCRYPTION_KEYS: comma-separated, newest first; the first one encrypts.
- FIELD_ENCRYPTION_KEY: a single key (older setting, still accepted after the list).
- SECRET_KEY, then SECRET_KEY_FALLBACKS: used when no field key is set, and always tried
  when decrypting, so a SECRET_KEY rotated the Django way (old key moved to
  SECRET_KEY_FALLBACKS), or a field key introduced later, loses nothing.

`manage.py rotate_field_encryption` re-encrypts every stored secret with the newest key,
after which older keys can be dropped (docs/secrets.md).
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

__all__ = ["InvalidToken", "decrypt", "encrypt", "is_current", "reencrypt"]


@functools.cache
def _fernet(secret: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"iamconsole-field-encryption"
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def key_strings() -> list[str]:
    """Every configured key string, the encrypting one first, without repeats."""
    field_keys = list(getattr(settings, "FIELD_ENCRYPTION_KEYS", None) or [])
    single = getattr(settings, "FIELD_ENCRYPTION_KEY", "")
    fallbacks = list(getattr(settings, "SECRET_KEY_FALLBACKS", None) or [])
    ordered = [*field_keys, single, settings.SECRET_KEY, *fallbacks]
    return list(dict.fromkeys(key for key in ordered if key))


@functools.cache
def _multi(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([_fernet(key) for key in keys])


def _keys() -> MultiFernet:
    # Read on every call (cheap: derived keys are cached), so settings overrides apply.
    return _multi(tuple(key_strings()))


def _newest() -> Fernet:
    return _fernet(key_strings()[0])


def encrypt(plaintext: str) -> str:
    return _newest().encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    """The plaintext, with whichever configured key encrypted it (InvalidToken if none)."""
    return _keys().decrypt(token.encode()).decode()


def is_current(token: str) -> bool:
    """Whether `token` is already encrypted with the newest key."""
    try:
        _newest().decrypt(token.encode())
    except InvalidToken:
        return False
    return True


def reencrypt(token: str) -> str:
    """`token`'s plaintext encrypted with the newest key (InvalidToken if no key opens it)."""
    return _keys().rotate(token.encode()).decode()
