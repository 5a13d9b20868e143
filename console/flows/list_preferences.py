"""List preferences, like the gear icon on AWS's tables: page size and visible columns.

They are a person's view settings, not IAM state: no IAM action guards them and they
live in the session, one entry per list. Columns are hidden server-side, so a hidden
column's data is never sent. Whatever the session holds is checked against the list's
declared columns and page sizes before use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest

SESSION_KEY = "list_preferences"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    default: bool = True  # shown until the person chooses otherwise
    locked: bool = False  # always shown (the name column that links to the item)


@dataclass(frozen=True)
class ListSpec:
    key: str
    url_name: str  # the list page, where saving preferences returns to
    noun: str  # "users": the page size options read "25 users"
    columns: tuple[Column, ...]
    page_sizes: tuple[int, ...]
    default_page_size: int

    @property
    def keys(self) -> frozenset[str]:
        return frozenset(column.key for column in self.columns)

    @property
    def defaults(self) -> frozenset[str]:
        return frozenset(c.key for c in self.columns if c.default or c.locked)

    @property
    def locked(self) -> frozenset[str]:
        return frozenset(c.key for c in self.columns if c.locked)


@dataclass(frozen=True)
class Preferences:
    spec: ListSpec
    page_size: int
    visible: frozenset[str]

    @property
    def visible_count(self) -> int:
        return len(self.visible)


# The Users table: AWS's default columns, then the ones its preferences add.
USERS = ListSpec(
    key="users",
    url_name="user_list",
    noun="users",
    columns=(
        Column("name", "User name", locked=True),
        Column("path", "Path"),
        Column("groups", "Groups"),
        Column("last_activity", "Last activity"),
        Column("mfa", "MFA"),
        Column("password_age", "Password age"),
        Column("console_last_sign_in", "Console last sign-in"),
        Column("access_key_id", "Access key ID"),
        Column("active_key_age", "Active key age"),
        Column("access_key_last_used", "Access key last used", default=False),
        Column("arn", "ARN", default=False),
        Column("creation_time", "Creation time", default=False),
        Column("console_access", "Console access", default=False),
    ),
    page_sizes=(10, 25, 50, 100),
    default_page_size=25,
)

GROUPS = ListSpec(
    key="groups",
    url_name="group_list",
    noun="user groups",
    columns=(
        Column("name", "Group name", locked=True),
        Column("users", "Users"),
        Column("permissions", "Permissions"),
        Column("creation_time", "Creation time"),
        Column("path", "Path", default=False),
        Column("arn", "ARN", default=False),
    ),
    page_sizes=(10, 20, 50, 100),
    default_page_size=20,
)

ROLES = ListSpec(
    key="roles",
    url_name="role_list",
    noun="roles",
    columns=(
        Column("name", "Role name", locked=True),
        Column("trusted_entities", "Trusted entities"),
        Column("last_activity", "Last activity"),
        Column("path", "Path", default=False),
        Column("arn", "ARN", default=False),
        Column("creation_time", "Creation time", default=False),
        Column("description", "Description", default=False),
        Column("max_session", "Max session duration", default=False),
    ),
    page_sizes=(10, 20, 50, 100),
    default_page_size=20,
)

POLICIES = ListSpec(
    key="policies",
    url_name="policy_list",
    noun="policies",
    columns=(
        Column("name", "Policy name", locked=True),
        Column("type", "Type"),
        Column("used_as", "Used as"),
        Column("description", "Description"),
        Column("creation_time", "Creation time", default=False),
        Column("edited_time", "Edited time", default=False),
        Column("arn", "ARN", default=False),
    ),
    page_sizes=(10, 25, 50, 100),
    default_page_size=25,
)

LISTS = {spec.key: spec for spec in (USERS, GROUPS, ROLES, POLICIES)}


def _page_size(spec: ListSpec, raw: object) -> int | None:
    try:
        size = int(str(raw))
    except ValueError:
        return None
    return size if size in spec.page_sizes else None


def load(request: HttpRequest, spec: ListSpec) -> Preferences:
    """The person's preferences for `spec`, or its defaults."""
    stored = request.session.get(SESSION_KEY, {})
    entry = stored.get(spec.key) if isinstance(stored, dict) else None
    if not isinstance(entry, dict):
        return Preferences(spec, spec.default_page_size, spec.defaults)
    size = _page_size(spec, entry.get("page_size")) or spec.default_page_size
    columns = entry.get("columns")
    chosen = frozenset(c for c in columns if c in spec.keys) if isinstance(columns, list) else None
    visible = spec.defaults if chosen is None else chosen | spec.locked
    return Preferences(spec, size, visible)


def save(request: HttpRequest, spec: ListSpec, data: Mapping[str, Any]) -> Preferences:
    """Stores the submitted page size and columns; unknown values fall back to what was set."""
    current = load(request, spec)
    size = _page_size(spec, data.get("page_size")) or current.page_size
    getlist = getattr(data, "getlist", None)
    raw = getlist("column") if getlist else data.get("column", [])
    columns = sorted(c for c in raw if c in spec.keys)
    stored = request.session.get(SESSION_KEY, {})
    stored = dict(stored) if isinstance(stored, dict) else {}
    stored[spec.key] = {"page_size": size, "columns": columns}
    request.session[SESSION_KEY] = stored
    return load(request, spec)


def page_size_for(request: HttpRequest, prefs: Preferences, param: str = "per_page") -> int:
    """A `?per_page=` in the URL (a shared link) wins over the stored preference."""
    return _page_size(prefs.spec, request.GET.get(param)) or prefs.page_size
