"""Encryption of stored secrets (secret access keys, MFA seeds).

Keys are derived from FIELD_ENCRYPTION_KEY, or SECRET_KEY when that is unset, so a
database dump alone does not reveal them.
"""

from __future__ import annotations

import base64
import functools

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings


@functools.cache
def _fernet(secret: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"iamconsole-field-encryption"
    ).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _key() -> str:
    return getattr(settings, "FIELD_ENCRYPTION_KEY", "") or settings.SECRET_KEY


def encrypt(plaintext: str) -> str:
    return _fernet(_key()).encrypt(plaintext.encode()).decode()


def decrypt(token: str) -> str:
    return _fernet(_key()).decrypt(token.encode()).decode()
