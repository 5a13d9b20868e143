"""Secrets shown once: a new access key's secret, a generated console password, an MFA seed
while its device is being enrolled.

Every page that shows a secret goes through here. Between the action that made the secret
and the page that shows it, the secret waits in the session (the database) encrypted with
the field-encryption keys (accounts.crypto), never in clear, under its kind and owner (a
newer secret of the same kind for the same owner replaces the older one):

- it is delivered through named uses, in order: usually the page, then the .csv file. Each
  use serves it once, and a later use closes the earlier ones, so after the download a
  reload of the page no longer shows it, and a second download gets nothing;
- it is forgotten when no use remains, when the person leaves (Done, Close, Cancel call
  `forget`), or after its time to live (10 minutes by default), whichever comes first.

An MFA seed must be shown again on every attempt until two codes are accepted: it is read
with `peek`, which spends nothing, and forgotten on enrolment or cancel.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import Any

from django.http import HttpRequest
from django.utils import timezone

from accounts import crypto

SESSION_KEY = "show_once"
TTL = timedelta(minutes=10)
MAX_SECRETS = 8  # per session: older secrets are dropped first

PAGE = "page"
CSV = "csv"

# What is waiting, by kind (the owner is a principal's pk or a wizard id).
ROOT_ACCESS_KEY = "root-access-key"
ACCESS_KEY = "access-key"
CONSOLE_PASSWORD = "console-password"
NEW_USER_PASSWORD = "new-user-password"
MFA_SEED = "mfa-seed"


def _now() -> datetime:
    return timezone.now()


def _slot(kind: str, owner: object) -> str:
    return f"{kind}:{owner}"


def _live(request: HttpRequest) -> dict[str, dict[str, Any]]:
    """The waiting secrets of this session, without the expired ones."""
    store = request.session.get(SESSION_KEY)
    if not isinstance(store, dict):
        return {}
    now = _now().timestamp()
    live = {
        slot: entry
        for slot, entry in store.items()
        if isinstance(entry, dict) and float(entry.get("expires", 0)) > now
    }
    if len(live) != len(store):
        _save(request, live)
    return live


def _save(request: HttpRequest, store: dict[str, dict[str, Any]]) -> None:
    if store:
        # A new dict each time, so the session knows it changed.
        request.session[SESSION_KEY] = dict(store)
    else:
        request.session.pop(SESSION_KEY, None)


def _open(entry: Mapping[str, Any]) -> dict[str, str] | None:
    try:
        values = json.loads(crypto.decrypt(str(entry.get("token", ""))))
    except (crypto.InvalidToken, ValueError):
        return None  # encrypted with a key no longer configured: as good as gone
    return values if isinstance(values, dict) else None


def stash(
    request: HttpRequest,
    kind: str,
    owner: object,
    values: Mapping[str, str],
    *,
    uses: Iterable[str] = (PAGE, CSV),
    ttl: timedelta = TTL,
) -> None:
    """Keeps `values` (the secret and whatever the page shows beside it) for its uses."""
    store = _live(request)
    slot = _slot(kind, owner)
    store.pop(slot, None)
    store[slot] = {
        "token": crypto.encrypt(json.dumps(dict(values))),
        "uses": list(uses),
        "expires": (_now() + ttl).timestamp(),
    }
    while len(store) > MAX_SECRETS:
        store.pop(next(iter(store)))
    _save(request, store)


def take(request: HttpRequest, kind: str, owner: object, use: str) -> dict[str, str] | None:
    """The values for `use`, once; None if that use is spent, closed, expired or unknown."""
    store = _live(request)
    slot = _slot(kind, owner)
    entry = store.get(slot)
    if entry is None or use not in entry.get("uses", []):
        return None
    uses: list[str] = entry["uses"]
    left = uses[uses.index(use) + 1 :]
    if left:
        store[slot] = entry | {"uses": left}
    else:
        store.pop(slot)
    _save(request, store)
    return _open(entry)


def can_take(request: HttpRequest, kind: str, owner: object, use: str) -> bool:
    entry = _live(request).get(_slot(kind, owner))
    return entry is not None and use in entry.get("uses", [])


def peek(request: HttpRequest, kind: str, owner: object) -> dict[str, str] | None:
    """The values while they wait, spending no use (an MFA seed until enrolment)."""
    entry = _live(request).get(_slot(kind, owner))
    return None if entry is None else _open(entry)


def forget(request: HttpRequest, kind: str, owner: object | None = None) -> None:
    """Forgets `owner`'s secret of this kind, or every secret of the kind."""
    store = _live(request)
    prefix = f"{kind}:"
    kept = {
        slot: entry
        for slot, entry in store.items()
        if not (slot == _slot(kind, owner) if owner is not None else slot.startswith(prefix))
    }
    if len(kept) != len(store):
        _save(request, kept)
