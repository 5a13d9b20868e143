"""Name filters and name lookups that never send unbounded text to the database.

No IAM name is longer than 128 characters (users and roles 64, groups and policies 128),
so a longer filter or name matches nothing and is answered without a query. SQLite
refuses LIKE patterns over 50,000 bytes (Django's `iexact` and `icontains` are LIKEs
there), and no query should carry text of any length a visitor chooses.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model, Q, QuerySet

MAX_NAME_LENGTH = 128


def names_nothing(name: str) -> bool:
    """True when `name` is longer than any IAM name, so no object can have it."""
    return len(name) > MAX_NAME_LENGTH


def under_path[M: Model](rows: QuerySet[M], path_prefix: str | None) -> QuerySet[M]:
    """`rows` whose IAM path starts with `path_prefix` (all of them when it is empty)."""
    return rows.filter(path__startswith=path_prefix) if path_prefix else rows


def name_contains[M: Model](rows: QuerySet[M], search: str, *also: Q) -> QuerySet[M]:
    """`rows` whose name contains `search` ignoring case (or that match one of `also`)."""
    if not search:
        return rows
    if names_nothing(search):
        return rows.none()
    match: Any = Q(name__icontains=search)
    for extra in also:
        match |= extra
    return rows.filter(match)
