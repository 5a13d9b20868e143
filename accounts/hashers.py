from __future__ import annotations

from django.contrib.auth.hashers import Argon2PasswordHasher


class ConsoleArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2id tuned to about 50-100 ms per hash on a 2-core machine (see `make bench`).

    Django's defaults (100 MiB, parallelism 8) cost more than twice that here and let a
    handful of concurrent sign-ins exhaust a small server's memory.
    """

    time_cost = 2
    memory_cost = 65536
    parallelism = 2
