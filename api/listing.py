"""Marker / MaxItems / IsTruncated over a list the domain already read (short lists: an
account's MFA devices, instance profiles, tags, authorization details), with the same
opaque marker as every other list (domain.iam.api_readers.page_items)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from domain.iam.api_readers import Page, page_items


def page(items: Sequence[Any], *, marker: str | None, max_items: int | None) -> Page:
    return page_items(list(items), marker=marker, max_items=max_items)


def paged(found: Page, name: str, rows: list[Any]) -> dict[str, Any]:
    return {name: rows, "IsTruncated": found.is_truncated, "Marker": found.marker}
