"""Marker / MaxItems / IsTruncated over a list the domain already read (short lists: an
account's MFA devices, instance profiles, tags, authorization details), with the same
opaque marker as every other list (domain.iam.api_readers.page_items)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from domain.iam.api_readers import Page, page_items


def page(items: Sequence[Any], *, marker: str | None, max_items: int | None) -> Page:
    return page_items(list(items), marker=marker, max_items=max_items)


def paged(found: Page, name: str, rows: list[Any]) -> dict[str, Any]:
    return {name: rows, "IsTruncated": found.is_truncated, "Marker": found.marker}


def paged_list(
    p: dict[str, Any],
    name: str,
    items: Sequence[Any],
    shape: Callable[[Any], Any] | None = None,
) -> dict[str, Any]:
    """A short list already in AWS's order, paged with the call's Marker and MaxItems, each
    row of the page shown with `shape` (the item itself without one)."""
    found = page(items, marker=p.get("Marker"), max_items=p.get("MaxItems"))
    rows = [shape(item) for item in found.items] if shape else list(found.items)
    return paged(found, name, rows)
