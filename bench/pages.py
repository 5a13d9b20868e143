"""Benchmark console pages against an account with 5,000 IAM users.

Run: .venv/bin/python bench/pages.py [--users N] [--iterations N]

Setup: a throwaway SQLite database in a temporary directory (DATABASE_URL points there),
migrated, then one account with N users (bulk_create, precomputed unusable passwords),
50 groups with members and policies, and 2 access keys on some users. Each page is
fetched through Django's test Client signed in as root, timed with perf_counter_ns;
the query count comes from CaptureQueriesContext. The users list is measured once it is
a real view (resolve('/users/') no longer points at the "not built" placeholder).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

TMP = tempfile.TemporaryDirectory(prefix="iam-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP.name}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iamconsole.settings")
os.environ["ALLOWED_HOSTS"] = "testserver"

import django  # noqa: E402

django.setup()
# Whitenoise warns when collectstatic has not run; the bench serves no static files.
warnings.filterwarnings("ignore", message="No directory at")

from django.contrib.auth.hashers import make_password  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import resolve  # noqa: E402

from accounts import crypto, ids
from accounts.models import AccessKey, GroupMembership, Principal  # noqa: E402
from domain import iam as services
from domain.kernel.actors import system_actor  # noqa: E402
from iamconsole.views import not_built  # noqa: E402
from policies.models import ManagedPolicy  # noqa: E402

TEST_SETTINGS = {
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
}


def build(n_users: int) -> Principal:
    call_command("migrate", verbosity=0, interactive=False)
    account = services.sign_up(
        email="bench@example.com", account_name="Bench", password="Bench-Pass-123"
    )
    root = Principal.objects.get(account=account, kind=Principal.Kind.ROOT)
    actor = system_actor(root)
    unusable = make_password(None)
    Principal.objects.bulk_create(
        [
            Principal(
                account=account,
                kind=Principal.Kind.USER,
                name=f"user{i:05d}",
                unique_id=ids.unique_id(ids.USER_PREFIX),
                password=unusable,
            )
            for i in range(n_users)
        ],
        batch_size=1000,
    )
    users = list(Principal.objects.filter(account=account, kind="user").order_by("id")[:500])
    policies = list(ManagedPolicy.objects.filter(account=None).order_by("name")[:3])
    for g in range(50):
        group = services.create_group_with_members(
            actor=actor, name=f"group{g:02d}", policies=policies
        )
        GroupMembership.objects.bulk_create(
            [GroupMembership(group=group, principal=u) for u in users[g * 10 : g * 10 + 10]]
        )
    secret = crypto.encrypt(ids.secret_access_key())
    AccessKey.objects.bulk_create(
        [
            AccessKey(principal=u, access_key_id=ids.access_key_id(), secret_encrypted=secret)
            for u in users[:200]
            for _ in range(2)
        ]
    )
    return root


def measure(client: Client, url: str, iterations: int) -> tuple[float, float, int, int]:
    response = client.get(url)  # warm: templates, compiled policies, connection
    if response.status_code != 200:
        raise SystemExit(f"{url} answered {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    # Read now: the next request_started clears the connection's query log.
    query_count = len(queries.captured_queries)
    samples = []
    for _ in range(iterations):
        start = time.perf_counter_ns()
        client.get(url)
        samples.append((time.perf_counter_ns() - start) / 1e6)
    samples.sort()
    p95 = samples[min(len(samples) - 1, int(len(samples) * 0.95))]
    return statistics.median(samples), p95, query_count, len(response.content)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--iterations", type=int, default=40)
    args = parser.parse_args()
    # As Django's test runner does: keep one connection, so queries can be counted and
    # every request does not pay for reconnecting (gunicorn workers keep theirs too).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with override_settings(**TEST_SETTINGS):
        started = time.perf_counter()
        root = build(args.users)
        setup_s = time.perf_counter() - started
        client = Client()
        client.force_login(root)
        pages = [
            ("dashboard", "/"),
            ("groups list", "/groups/"),
            ("groups list, filtered", "/groups/?q=group1"),
            ("group detail", "/groups/details/group01/"),
            ("access keys of a user", "/users/details/user00001/access-keys/"),
        ]
        if resolve("/users/").func is not not_built:
            pages[1:1] = [
                ("users list, first page", "/users/"),
                ("users list, filtered", "/users/?q=user0420"),
                ("users list, page 100", "/users/?page=100"),
            ]
        else:
            print("users list: not built yet (resolve('/users/') is the placeholder); skipped")
        print(f"{args.users} users, 50 groups, 400 access keys; setup {setup_s:.1f} s")
        print(f"{'page':<26}{'median ms':>11}{'p95 ms':>9}{'queries':>9}{'KB':>7}")
        print("-" * 62)
        for label, url in pages:
            median, p95, queries, size = measure(client, url, args.iterations)
            print(f"{label:<26}{median:>11.1f}{p95:>9.1f}{queries:>9}{size / 1024:>7.0f}")


if __name__ == "__main__":
    try:
        main()
    finally:
        TMP.cleanup()
