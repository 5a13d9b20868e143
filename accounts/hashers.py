from __future__ import annotations

import os
import threading

from django.contrib.auth.hashers import Argon2PasswordHasher

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
        with _hashing:
            return super().encode(password, salt)

    def verify(self, password: str, encoded: str) -> bool:
        with _hashing:
            return super().verify(password, encoded)
