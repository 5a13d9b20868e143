"""Re-encrypting every stored secret with the newest field-encryption key.

After a new key is put first in FIELD_ENCRYPTION_KEYS (or SECRET_KEY is rotated with the old
one in SECRET_KEY_FALLBACKS), old secrets still decrypt; this rewrites them with the newest
key so the old key can then be dropped. Idempotent: secrets already under the newest key are
left as they are, so a second run changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from accounts import crypto
from accounts.models import AccessKey, MFADevice

# Every model field that holds a crypto.encrypt() token.
ENCRYPTED_FIELDS: list[tuple[type[models.Model], str]] = [
    (AccessKey, "secret_encrypted"),
    (MFADevice, "secret_encrypted"),
]


@dataclass
class Counts:
    label: str
    reencrypted: int = 0
    current: int = 0
    unreadable: int = 0  # no configured key opens it: left untouched


def rotate_stored_secrets() -> list[Counts]:
    results = []
    for model, field in ENCRYPTED_FIELDS:
        counts = Counts(f"{model._meta.label}.{field}")
        rows = model._default_manager.order_by("pk").values_list("pk", field)
        for pk, token in rows.iterator(chunk_size=500):
            if crypto.is_current(token):
                counts.current += 1
                continue
            try:
                fresh = crypto.reencrypt(token)
            except crypto.InvalidToken:
                counts.unreadable += 1
                continue
            # Only if unchanged since it was read: a concurrent write keeps its own value.
            model._default_manager.filter(pk=pk, **{field: token}).update(**{field: fresh})
            counts.reencrypted += 1
        results.append(counts)
    return results
