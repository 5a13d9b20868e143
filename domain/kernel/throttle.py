"""Throttling of sign-ins, current-password checks and sign-ups.

Counters live where nothing evicts them before they expire: a table
(`ThrottleCounter`, the default) or Redis when `REDIS_URL` is set. Both stores
increment atomically and restart a counter when its window has passed.

The sign-in scheme, so a stranger cannot lock an owner out while guessing stays slow:

- per (identity, address): 5 failures per 15 minutes, then that address is refused
  for that identity. This is the lock a guesser meets first and it binds everyone.
- per identity across all addresses: 20 failures per 15 minutes, then the identity is
  refused everywhere *except* from an address it signed in from before (remembered
  30 days) or a browser holding a signed "known device" cookie for it. Many addresses
  together guess little, and the owner keeps signing in from home.
- per address across identities: 30 failures per 15 minutes (password spraying),
  except for a browser with a known-device cookie.

Identities are normalized before they get here (accounts.backends), exactly as the
sign-in lookup normalizes them, so spelling variants share one counter.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Protocol

import redis
from django.conf import settings
from django.db import connection

from accounts.models import ThrottleCounter

WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_PAIR = 5
MAX_FAILURES_PER_IDENTITY = 20
MAX_FAILURES_PER_ADDRESS = 30
KNOWN_ADDRESS_SECONDS = 30 * 24 * 60 * 60
MAX_WRONG_CURRENT_PASSWORDS = 5
SIGNUP_WINDOW_SECONDS = 60 * 60
# Expired rows removed each time a new window starts: enough to keep pace with growth,
# never a long delete inside a sign-in.
PRUNE_BATCH = 100

MESSAGE = "Too many failed sign-in attempts. Wait 15 minutes, then try again."
CURRENT_PASSWORD_MESSAGE = "Too many incorrect passwords. Wait 15 minutes, then try again."
SIGNUP_MESSAGE = "Too many accounts were created from your network. Wait an hour, then try again."


def _now() -> float:
    """The clock of the database store (tests move it instead of sleeping)."""
    return time.time()


class Store(Protocol):
    def hit(self, key: str, window: int) -> int:
        """Adds one to the counter (a new one expires in `window` s); returns the count."""

    def counts(self, keys: list[str]) -> list[int]:
        """The live counts of `keys` (0 for a missing or expired counter)."""

    def mark(self, key: str, ttl: int) -> None:
        """Sets the counter to 1 for `ttl` seconds from now (a remembered fact)."""

    def clear(self, key: str) -> None: ...


# One statement per hit, so concurrent hits never lose a count (SET reads the old row).
# The table is ThrottleCounter's (accounts_throttlecounter); epoch-second expiries make
# the comparisons plain numbers on SQLite and PostgreSQL alike.
_UPSERT = """
INSERT INTO accounts_throttlecounter ("key", "count", "expires_at") VALUES (%s, 1, %s)
ON CONFLICT ("key") DO UPDATE SET
  "count" = CASE WHEN accounts_throttlecounter."expires_at" <= %s
    THEN 1 ELSE accounts_throttlecounter."count" + 1 END,
  "expires_at" = CASE WHEN accounts_throttlecounter."expires_at" <= %s
    THEN excluded."expires_at" ELSE accounts_throttlecounter."expires_at" END
RETURNING "count"
"""
_PRUNE = """
DELETE FROM accounts_throttlecounter WHERE "key" IN (
  SELECT "key" FROM accounts_throttlecounter WHERE "expires_at" <= %s LIMIT %s
)
"""


class DatabaseStore:
    """One row per counter in ThrottleCounter."""

    def hit(self, key: str, window: int) -> int:
        now = _now()
        with connection.cursor() as cursor:
            cursor.execute(_UPSERT, [key, now + window, now, now])
            count = int(cursor.fetchone()[0])
            if count == 1:  # a new window: tidy a few expired rows away
                cursor.execute(_PRUNE, [now, PRUNE_BATCH])
        return count

    def counts(self, keys: list[str]) -> list[int]:
        found = dict(
            ThrottleCounter.objects.filter(key__in=keys, expires_at__gt=_now()).values_list(
                "key", "count"
            )
        )
        return [found.get(key, 0) for key in keys]

    def mark(self, key: str, ttl: int) -> None:
        ThrottleCounter.objects.update_or_create(
            key=key, defaults={"count": 1, "expires_at": _now() + ttl}
        )

    def clear(self, key: str) -> None:
        ThrottleCounter.objects.filter(key=key).delete()


# INCR and EXPIRE in one script, so a counter can never be left without an expiry.
_REDIS_HIT = """
local n = redis.call('INCR', KEYS[1])
if n == 1 or redis.call('TTL', KEYS[1]) < 0 then
  redis.call('EXPIRE', KEYS[1], ARGV[1])
end
return n
"""


class RedisStore:
    """Counters as Redis keys; Redis expires them on its own clock."""

    def __init__(self, url: str) -> None:
        self.client = redis.Redis.from_url(url)
        self._hit = self.client.register_script(_REDIS_HIT)

    def hit(self, key: str, window: int) -> int:
        return int(self._hit(keys=[f"throttle:{key}"], args=[window]))

    def counts(self, keys: list[str]) -> list[int]:
        values = self.client.mget([f"throttle:{key}" for key in keys])
        return [int(value) if value is not None else 0 for value in values]

    def mark(self, key: str, ttl: int) -> None:
        self.client.set(f"throttle:{key}", 1, ex=ttl)

    def clear(self, key: str) -> None:
        self.client.delete(f"throttle:{key}")


@cache
def _redis_store(url: str) -> RedisStore:
    return RedisStore(url)


def store() -> Store:
    """Redis when REDIS_URL is set, else the database table."""
    url = getattr(settings, "REDIS_URL", "")
    return _redis_store(url) if url else DatabaseStore()


def _key(*parts: str | None) -> str:
    # Identities are typed by visitors: hash them so any text makes a short, safe key.
    return hashlib.sha256("\x1f".join(part or "" for part in parts).encode()).hexdigest()


# --- sign-in ----------------------------------------------------------------------


@dataclass(frozen=True)
class Trust:
    """What the request proves about its source for the identity it signs in as."""

    known_address: bool = False
    known_device: bool = False


def _sign_in_keys(identity: str, address: str | None) -> tuple[str, str, str]:
    return (
        _key("signin-pair", identity, address),
        _key("signin-identity", identity),
        _key("signin-address", address),
    )


def sign_in_blocked(identity: str, address: str | None, trust: Callable[[], Trust]) -> bool:
    """Whether this attempt is refused unheard. `trust` is asked only when it matters."""
    pair, everywhere, from_address = store().counts(list(_sign_in_keys(identity, address)))
    if pair >= MAX_FAILURES_PER_PAIR:
        return True
    over_identity = everywhere >= MAX_FAILURES_PER_IDENTITY
    over_address = address is not None and from_address >= MAX_FAILURES_PER_ADDRESS
    if not (over_identity or over_address):
        return False
    source = trust()
    if source.known_device:
        return False
    return over_address or not source.known_address


def sign_in_failed(identity: str, address: str | None) -> None:
    pair, everywhere, from_address = _sign_in_keys(identity, address)
    backend = store()
    backend.hit(pair, WINDOW_SECONDS)
    backend.hit(everywhere, WINDOW_SECONDS)
    if address is not None:
        backend.hit(from_address, WINDOW_SECONDS)


def password_accepted(identity: str, address: str | None) -> None:
    """The right password from this address wipes its own failures (not the identity's)."""
    store().clear(_key("signin-pair", identity, address))


def first_refusal(identity: str, address: str | None) -> bool:
    """True once per window per (identity, address): refusals are audited that often, so
    hammering a locked identity cannot flood the event history."""
    return store().hit(_key("signin-refused", identity, address), WINDOW_SECONDS) == 1


def remember_address(principal_id: str, address: str | None) -> None:
    if address is not None:
        store().mark(_key("known-address", principal_id, address), KNOWN_ADDRESS_SECONDS)


def is_known_address(principal_id: str, address: str | None) -> bool:
    if address is None:
        return False
    return store().counts([_key("known-address", principal_id, address)])[0] > 0


# --- current password (password change, MFA removal) ------------------------------


def current_password_blocked(principal_id: str) -> bool:
    count = store().counts([_key("current-password", principal_id)])[0]
    return count >= MAX_WRONG_CURRENT_PASSWORDS


def current_password_failed(principal_id: str) -> None:
    store().hit(_key("current-password", principal_id), WINDOW_SECONDS)


# --- sign-up ------------------------------------------------------------------------


def reserve_signup(address: str | None) -> bool:
    """Counts an account about to be created from `address`; False when over the limit.

    Counting before creating (one atomic increment) means two concurrent sign-ups cannot
    both slip under the limit.
    """
    if address is None:
        return True
    count = store().hit(_key("signup", address), SIGNUP_WINDOW_SECONDS)
    return count <= settings.SIGNUP_LIMIT_PER_ADDRESS
