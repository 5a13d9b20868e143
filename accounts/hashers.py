from __future__ import annotations

from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth.hashers import Argon2PasswordHasher, make_password

# Hashes computed ahead by `prehashed`, by password, for the block that set them.
_PREHASHED: ContextVar[dict[str, str] | None] = ContextVar("prehashed", default=None)


class ConsoleArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id tuned to about 50-100 ms per hash on a 2-core machine (see `make bench`).

    Django's defaults (100 MiB, parallelism 8) cost more than twice that here and let a
    handful of concurrent sign-ins exhaust a small server's memory.
    """

    time_cost = 2
    memory_cost = 65536
    parallelism = 2

    def encode(self, password: str, salt: str) -> str:
        ready = (_PREHASHED.get() or {}).get(password)
        if ready is not None and ready.startswith(f"{self.algorithm}$"):
            return ready
        return super().encode(password, salt)


@contextmanager
def prehashed(passwords: Iterable[str], *, workers: int = 2) -> Iterator[None]:
    """Hashes `passwords` up front, each distinct one once, in threads (Argon2 releases the
    GIL), and lets setting any of them inside the block reuse that hash: a class's student
    accounts get their passwords in one batch. Users given the same password in the block
    share one salted hash."""
    distinct = sorted(set(passwords))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        ready = dict(zip(distinct, pool.map(make_password, distinct), strict=True))
    token = _PREHASHED.set(ready)
    try:
        yield
    finally:
        _PREHASHED.reset(token)
