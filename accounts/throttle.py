"""Sign-in throttling in the shared cache, so every worker process sees the same counts."""

from __future__ import annotations

import hashlib

from django.core.cache import cache

WINDOW_SECONDS = 15 * 60
MAX_FAILURES_PER_IDENTITY = 5
MAX_FAILURES_PER_ADDRESS = 30

MESSAGE = "Too many failed sign-in attempts. Wait 15 minutes, then try again."


def _digest(text: str) -> str:
    # Identities are typed by visitors: hash them so any text makes a short, safe cache key.
    return hashlib.sha256(text.lower().encode()).hexdigest()


def _keys(identity: str, address: str | None) -> list[tuple[str, int]]:
    keys = [(f"signin-fail:id:{_digest(identity)}", MAX_FAILURES_PER_IDENTITY)]
    if address:
        keys.append((f"signin-fail:ip:{address}", MAX_FAILURES_PER_ADDRESS))
    return keys


def is_blocked(identity: str, address: str | None) -> bool:
    return any((cache.get(key) or 0) >= limit for key, limit in _keys(identity, address))


def record_failure(identity: str, address: str | None) -> None:
    for key, _limit in _keys(identity, address):
        cache.add(key, 0, WINDOW_SECONDS)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, WINDOW_SECONDS)


def clear(identity: str) -> None:
    cache.delete(f"signin-fail:id:{_digest(identity)}")
