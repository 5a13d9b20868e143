"""The throttle's stores (table and Redis) and the one normalization of identities."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection, connections
from django.test import Client
from pytest_django import Settings

from accounts.backends import normalize_email, user_identity, user_name_key
from accounts.models import Principal, ThrottleCounter
from domain import iam as services
from domain.kernel import throttle, validators
from domain.kernel.actors import Actor, system_actor
from domain.kernel.errors import ValidationError
from tests.conftest import PASSWORD

WINDOW = throttle.WINDOW_SECONDS


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    now = [1_900_000_000.0]
    monkeypatch.setattr(throttle, "_now", lambda: now[0])
    return now


def test_a_counter_counts_up_and_restarts_when_its_window_has_passed(
    db: None, clock: list[float]
) -> None:
    store = throttle.DatabaseStore()
    assert [store.hit("k", WINDOW) for _ in range(3)] == [1, 2, 3]
    clock[0] += WINDOW - 1
    assert store.counts(["k", "other"]) == [3, 0]
    clock[0] += 1
    assert store.counts(["k"]) == [0]
    assert store.hit("k", WINDOW) == 1
    store.clear("k")
    assert store.counts(["k"]) == [0]


def test_a_new_window_prunes_a_bounded_batch_of_expired_rows(db: None, clock: list[float]) -> None:
    store = throttle.DatabaseStore()
    for i in range(250):
        store.hit(f"old{i}", WINDOW)
    clock[0] += WINDOW
    store.hit("fresh", WINDOW)
    assert ThrottleCounter.objects.count() == 251 - throttle.PRUNE_BATCH
    store.hit("fresh", WINDOW)  # not a new window: nothing more is pruned
    assert ThrottleCounter.objects.count() == 251 - throttle.PRUNE_BATCH


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_lose_no_count() -> None:
    if connection.vendor == "sqlite":
        # The shared-cache in-memory test database answers "table is locked" instead of
        # waiting; a file database waits (timeout 20 s) and the upsert is one statement.
        pytest.skip("needs a database that waits for locks: runs on PostgreSQL")
    store = throttle.DatabaseStore()
    barrier = threading.Barrier(8)

    def hammer() -> None:
        try:
            barrier.wait()
            for _ in range(25):
                store.hit("shared", WINDOW)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hammer) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert store.counts(["shared"]) == [200]


# --- Redis -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_url() -> Iterator[str]:
    """A private redis-server on a unix socket for this module, if one is installed."""
    binary = shutil.which("redis-server")
    if binary is None:
        pytest.skip("redis-server is not installed")
    folder = tempfile.mkdtemp()
    socket = Path(folder) / "redis.sock"
    server = subprocess.Popen(
        [binary, "--port", "0", "--unixsocket", str(socket), "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            if socket.exists():
                break
            time.sleep(0.05)
        yield f"unix://{socket}"
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def redis_store(redis_url: str, settings: Settings) -> throttle.RedisStore:
    settings.REDIS_URL = redis_url
    store = throttle.store()
    assert isinstance(store, throttle.RedisStore)
    store.client.flushdb()
    return store


def test_redis_counts_atomically_and_every_counter_expires_on_the_window(
    redis_store: throttle.RedisStore,
) -> None:
    assert [redis_store.hit("k", WINDOW) for _ in range(3)] == [1, 2, 3]
    assert redis_store.counts(["k", "missing"]) == [3, 0]
    assert 0 < redis_store.client.ttl("throttle:k") <= WINDOW
    # A counter somehow left without an expiry gets one on its next hit.
    redis_store.client.persist("throttle:k")
    redis_store.hit("k", WINDOW)
    assert 0 < redis_store.client.ttl("throttle:k") <= WINDOW
    redis_store.clear("k")
    assert redis_store.counts(["k"]) == [0]


def test_with_redis_a_locked_user_stays_locked(
    redis_store: throttle.RedisStore, alice: Principal
) -> None:
    form = {"account": alice.account_id, "username": "alice"}
    for _ in range(throttle.MAX_FAILURES_PER_PAIR):
        Client().post(f"/signin/{alice.account_id}/", form | {"password": "wrong-Password-1"})
    page = Client().post(f"/signin/{alice.account_id}/", form | {"password": PASSWORD})
    assert throttle.MESSAGE in page.content.decode()
    assert not ThrottleCounter.objects.exists()


# --- one normalization -------------------------------------------------------------


def test_emails_are_normalized_by_nfkc_and_casefold() -> None:
    assert normalize_email(" Root-P@ſec.Example ") == "root-p@sec.example"
    assert normalize_email("ＯＷＮＥＲ@example.com") == "owner@example.com"
    assert normalize_email("STRASSE@example.com") == normalize_email("straße@example.com")


def test_user_names_outside_ascii_belong_to_nobody() -> None:
    assert user_name_key("ſıſı") is None
    assert user_name_key(" SiSi ") == "sisi"
    with pytest.raises(ValidationError):
        validators.user_name("ſıſı")


def test_a_user_is_one_identity_whichever_way_the_account_is_typed(root_actor: Actor) -> None:
    services.create_account_alias(actor=system_actor(root_actor.principal), alias="example-corp")
    acct = root_actor.account.id
    spellings = {
        user_identity(ref, name)
        for ref in (acct, f"{acct[:4]}-{acct[4:8]}-{acct[8:]}", "Example-Corp", " example-corp")
        for name in ("Alice", "alice ", "ALICE")
    }
    assert spellings == {f"user:{acct}:alice"}
