from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth.hashers import Argon2PasswordHasher, make_password

# Hashes computed ahead by `prehashed`, by password, for the block that set them.
_PREHASHED: ContextVar[dict[str, str] | None] = ContextVar("prehashed", default=None)

# At most this many hashes at once in one process (README "Running for a school"): a class
# signing in together then queues for the hasher instead of taking every core from the
# requests that do not hash. gunicorn's threads (gthread) keep serving those meanwhile:
# argon2-cffi releases the GIL while it hashes.
HASH_CONCURRENCY = int(os.environ.get("PASSWORD_HASH_CONCURRENCY") or 1)
_hashing = threading.BoundedSemaphore(HASH_CONCURRENCY)


class ConsoleArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id with OWASP's first recommended setting: 19 MiB, 2 passes, 1 lane.

    Measured on these 2-core machines (`make bench`, bench/goals.py): ~25-30 ms of CPU per
    hash, against ~150 ms (and 64 MiB) for the 64 MiB / t=2 / p=2 used before and more
    for Django's defaults (100 MiB, p=8). OWASP's alternative of 46 MiB / t=1 costs about
    twice as much CPU here for the same resistance. Stored hashes carry their parameters,
    so older hashes still verify and are re-hashed with these at the next sign-in.
    """

    time_cost = 2
    memory_cost = 19 * 1024
    parallelism = 1

    def encode(self, password: str, salt: str) -> str:
        ready = (_PREHASHED.get() or {}).get(password)
        if ready is not None and ready.startswith(f"{self.algorithm}$"):
            return ready
        with _hashing:
            return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        with _hashing:
            return super().verify(password, encoded)


@contextmanager
def prehashed(passwords: Iterable[str], *, workers: int = 2) -> Iterator[None]:
    """Hashes `passwords` up front, each distinct one once, in threads (Argon2 releases the
    GIL; the process's hashing bound still applies), and lets setting any of them inside the
    block reuse that hash: a class's student accounts get their passwords in one batch.
    Users given the same password in the block share one salted hash."""
    distinct = sorted(set(passwords))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        ready = dict(zip(distinct, pool.map(make_password, distinct), strict=True))
    token = _PREHASHED.set(ready)
    try:
        yield
    finally:
        _PREHASHED.reset(token)
