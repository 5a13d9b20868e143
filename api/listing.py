"""Marker / MaxItems / IsTruncated over a list the domain already read (short lists: an
account's MFA devices, instance profiles, tags, authorization details). The marker is an
opaque offset, as AWS's markers are opaque."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Sequence
from typing import Any

from domain.iam.api_readers import DEFAULT_MAX_ITEMS, MAX_MAX_ITEMS, Page
from domain.kernel.errors import ValidationError


def _offset(marker: str | None) -> int:
    if not marker:
        return 0
    try:
        value = int(base64.urlsafe_b64decode(marker.encode()).decode().removeprefix("o:"))
    except (ValueError, UnicodeDecodeError, binascii.Error):
        raise ValidationError("Invalid Marker.") from None
    if value < 0:
        raise ValidationError("Invalid Marker.")
    return value


def page(items: Sequence[Any], *, marker: str | None, max_items: int | None) -> Page:
    size = DEFAULT_MAX_ITEMS if max_items is None else max_items
    if not 1 <= size <= MAX_MAX_ITEMS:
        raise ValidationError(
            f"1 validation error detected: Value '{size}' at 'maxItems' failed to satisfy "
            f"constraint: Member must have value {'greater' if size < 1 else 'less'} than or "
            f"equal to {1 if size < 1 else MAX_MAX_ITEMS}"
        )
    start = _offset(marker)
    end = start + size
    following = base64.urlsafe_b64encode(f"o:{end}".encode()).decode()
    return Page(items=list(items[start:end]), marker=following if end < len(items) else None)


def paged(found: Page, name: str, rows: list[Any]) -> dict[str, Any]:
    return {name: rows, "IsTruncated": found.is_truncated, "Marker": found.marker}
