"""The console's Argon2id parameters (README "Running for a school") and the per-process
bound on concurrent hashing."""

from __future__ import annotations

import threading
import time

import pytest
from argon2 import PasswordHasher
from django.contrib.auth.hashers import Argon2PasswordHasher

from accounts import hashers
from accounts.hashers import ConsoleArgon2PasswordHasher


def test_new_hashes_use_owasps_19_mib_two_passes_one_lane() -> None:
    encoded = ConsoleArgon2PasswordHasher().encode("Class-Pass-2026!", "c2FsdHNhbHRzYWx0")
    assert encoded.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert ConsoleArgon2PasswordHasher().verify("Class-Pass-2026!", encoded)
    assert not ConsoleArgon2PasswordHasher().verify("wrong", encoded)


def test_hashes_made_with_the_old_parameters_verify_and_are_upgraded() -> None:
    old = "argon2" + PasswordHasher(time_cost=2, memory_cost=65536, parallelism=2).hash("pw")
    hasher = ConsoleArgon2PasswordHasher()
    assert hasher.verify("pw", old)
    assert hasher.must_update(old)


def test_one_process_hashes_at_most_its_bound_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hashers, "_hashing", threading.BoundedSemaphore(1))
    running = 0
    most = 0
    lock = threading.Lock()

    def slow_encode(self: object, password: str, salt: str) -> str:
        nonlocal running, most
        with lock:
            running += 1
            most = max(most, running)
        time.sleep(0.02)
        with lock:
            running -= 1
        return "argon2$fake"

    monkeypatch.setattr(Argon2PasswordHasher, "encode", slow_encode)
    threads = [
        threading.Thread(target=ConsoleArgon2PasswordHasher().encode, args=("pw", "salt"))
        for _ in range(4)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert most == 1
