"""Shared fixtures: an account with its root user, IAM users alice and bob, and an
outsider account whose objects must stay invisible (404) to everyone else."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import Client
from pytest_django import Settings

from accounts.models import Account, Principal
from domain import iam as services
from domain.kernel.actors import Actor, system_actor
from policies.engine import clear_cache

# Playwright's sync API runs an event loop in the test thread; the Django ORM calls made
# by fixtures around it are still synchronous, so let them through.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "Correct-Horse-9"


@pytest.fixture(scope="session")
def s3_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the practice S3 keeps object bytes during the tests (never the real data dir)."""
    return tmp_path_factory.mktemp("s3-data")


@pytest.fixture(autouse=True)
def _test_settings(settings: Settings, s3_data_dir: Path) -> Iterator[None]:
    # Argon2 is measured by `make bench`; tests need hashing to be fast.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    # Throttle counters in the test database, rolled back with each test (never a Redis
    # that REDIS_URL may point at: its counters would outlive the test).
    settings.REDIS_URL = ""
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.db"
    settings.STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
        "s3": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(s3_data_dir)},
        },
    }
    cache.clear()
    # Compiled policies are cached by row id; a rolled-back test frees its ids for the
    # next test, which must not see the previous test's documents under them.
    clear_cache()
    yield
    cache.clear()


def make_account(email: str, name: str, password: str = PASSWORD) -> Account:
    return services.sign_up(email=email, account_name=name, password=password)


@pytest.fixture
def account(db: None) -> Account:
    return make_account("owner@example.com", "Example Corp")


@pytest.fixture
def root(account: Account) -> Principal:
    return Principal.objects.get(account=account, kind=Principal.Kind.ROOT)


@pytest.fixture
def root_actor(root: Principal) -> Actor:
    return system_actor(root)


@pytest.fixture
def alice(root_actor: Actor) -> Principal:
    """An IAM user with console access and no policies."""
    return services.create_user_with_access(
        actor=root_actor,
        new=services.NewUser(
            name="alice", console_password=PASSWORD, password_reset_required=False
        ),
    )


@pytest.fixture
def bob(root_actor: Actor) -> Principal:
    return services.create_user_with_access(
        actor=root_actor,
        new=services.NewUser(name="bob", console_password=PASSWORD, password_reset_required=False),
    )


@pytest.fixture
def outsider_account(db: None) -> Account:
    return make_account("other@example.com", "Other Corp")


@pytest.fixture
def outsider(outsider_account: Account) -> Principal:
    return Principal.objects.get(account=outsider_account, kind=Principal.Kind.ROOT)


@pytest.fixture
def root_client(root: Principal) -> Client:
    client = Client()
    client.force_login(root)
    return client


@pytest.fixture
def alice_client(alice: Principal) -> Client:
    client = Client()
    client.force_login(alice)
    return client


@pytest.fixture
def outsider_client(outsider: Principal) -> Client:
    client = Client()
    client.force_login(outsider)
    return client
