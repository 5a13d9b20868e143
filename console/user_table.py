"""The Users table's body rows, rendered in Python.

The template engine spends ~35 variable lookups and a dozen `{% if %}` per row here (one
per optional column): at 50 rows that was most of the page's CPU. This writes the same
markup (templates/accounts/users/list.html keeps the header and the empty row) with one
f-string per cell, every value escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from html import escape
from urllib.parse import quote

from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.timesince import timesince
from django.utils.timezone import localtime

from domain.iam.user_listing import UserRow

# reverse()'s quoting of a path argument (django.urls.resolvers: RFC 3986 sub-delimiters).
_PATH_SAFE = "!$&'()*+,;=/~:@"
_PLACEHOLDER = "USERNAME"


def _ago(value: datetime) -> str:
    return f'<time datetime="{localtime(value).isoformat()}">{escape(timesince(value))} ago</time>'


def _days(days: int | None) -> str:
    if days is None:
        return "None"
    return f"{days} day{'' if days == 1 else 's'}"


def _last_activity(row: UserRow) -> str:
    return _ago(row.last_activity) if row.last_activity else "Never"


def _console_last_sign_in(row: UserRow) -> str:
    value = row.console_last_sign_in
    return value if isinstance(value, str) else _ago(value)


def _access_keys(row: UserRow) -> str:
    keys = "".join(f"<div>{escape(k.access_key_id)} ({escape(k.status)})</div>" for k in row.keys)
    return f'<td class="mono-cell">{keys or "None"}</td>'


def _key_last_used(row: UserRow) -> str:
    used = row.access_key_last_used
    return _ago(used) if used else ("Never" if row.keys else "None")


# (column key, the cell) in the table's order; list.html's header follows the same order.
CELLS: tuple[tuple[str, Callable[[UserRow], str]], ...] = (
    ("path", lambda r: f"<td>{escape(r.user.path)}</td>"),
    ("groups", lambda r: f"<td>{escape(', '.join(r.groups)) if r.groups else 'None'}</td>"),
    ("last_activity", lambda r: f"<td>{_last_activity(r)}</td>"),
    ("mfa", lambda r: f"<td>{escape(r.mfa)}</td>"),
    ("password_age", lambda r: f"<td>{_days(r.password_age_days)}</td>"),
    ("console_last_sign_in", lambda r: f"<td>{_console_last_sign_in(r)}</td>"),
    ("access_key_id", _access_keys),
    ("active_key_age", lambda r: f"<td>{_days(r.active_key_age_days)}</td>"),
    ("access_key_last_used", lambda r: f"<td>{_key_last_used(r)}</td>"),
    ("arn", lambda r: f'<td class="mono-cell">{escape(r.user.arn)}</td>'),
    ("creation_time", lambda r: f"<td>{_ago(r.user.created_at)}</td>"),
    (
        "console_access",
        lambda r: f"<td>{'Enabled' if r.user.has_console_access else 'Disabled'}</td>",
    ),
)


def body_rows(rows: Iterable[UserRow], visible: frozenset[str]) -> SafeString:
    """The `<tr>` of each row with the visible columns."""
    cells = [cell for key, cell in CELLS if key in visible]
    url = reverse("user_detail", args=[_PLACEHOLDER])
    out = []
    for row in rows:
        name = escape(row.user.name)
        href = escape(url.replace(_PLACEHOLDER, quote(row.user.name, safe=_PATH_SAFE)))
        out.append(
            f'<tr data-testid="user-row-{name}">\n'
            f'              <td class="select"><input type="checkbox" name="user" '
            f'value="{name}" data-select-row aria-label="Select {name}"></td>\n'
            f'              <td><a href="{href}">{name}</a></td>\n'
            + "".join(f"              {cell(row)}\n" for cell in cells)
            + "            </tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308  # every value above is escaped
