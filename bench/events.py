"""Benchmark the event history: LookupEvents and Access Advisor at N events in one account.

Run: .venv/bin/python bench/events.py [--events N] [--runs N]
     DATABASE_URL=postgres://postgres@127.0.0.1:5432/trail .venv/bin/python bench/events.py

Without DATABASE_URL a throwaway SQLite database (default N = 100,000); with a PostgreSQL
DATABASE_URL the given (existing) database is migrated and filled with N = 1,000,000 events by
COPY (bulk_create on SQLite): 60 users, 120 event names, 5,000 resources, 90 days. Then it
prints the p50 (and p95) in milliseconds of LookupEvents' first page unfiltered, by each lookup
attribute, with a time range and the NextToken page; of Access Advisor for one user; and the
cost of recording one event (audit.record inside a registered call) at that size, and of
the Users and Roles lists' "Last activity" (one aggregated query for a page of 60 users or
20 roles, a tenth of the events by role sessions).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iamconsole.settings")
TMP = tempfile.TemporaryDirectory(prefix="iam-events-bench-")
if not os.environ.get("DATABASE_URL"):
    os.environ["DATABASE_URL"] = f"sqlite:///{TMP.name}/bench.sqlite3"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from accounts.models import Account, AuditEvent, Principal, Role  # noqa: E402
from domain import iam  # noqa: E402
from domain.cloudtrail import events  # noqa: E402
from domain.iam import last_accessed, last_activity  # noqa: E402
from domain.kernel import audit, calls  # noqa: E402
from domain.kernel.actors import system_actor  # noqa: E402

USERS = 60
NAMES = 120
RESOURCES = 5000
KEYS = 20
ROLES = 20
DAYS = 90
COLUMNS = (
    "account_id",
    "actor_arn",
    "action",
    "resource",
    "outcome",
    "error_code",
    "details",
    "created_at",
    "event_id",
    "event_source",
    "event_name",
    "event_type",
    "read_only",
    "user_name",
    "access_key_id",
    "resource_type",
    "resource_name",
    "request_id",
    "user_agent",
    "aws_region",
    "error_message",
    "user_identity",
)


def rows(account: str, n: int) -> Any:
    start = datetime.now(UTC) - timedelta(days=DAYS)
    step = timedelta(days=DAYS) / n
    for i in range(n):
        user = f"user{i % USERS}"
        name = f"Action{(i * 7) % NAMES}"
        service = ("iam", "sts", "s3")[i % 3]
        resource = f"res{(i * 13) % RESOURCES}"
        arn = f"arn:aws:iam::{account}:user/{user}"
        if i % 10 == 9:  # a role session (roles role0..role19)
            arn = f"arn:aws:sts::{account}:assumed-role/role{i % ROLES}/{user}"
        identity = {"type": "IAMUser", "arn": arn, "userName": user}
        yield (
            account,
            arn,
            f"{service}:{name}",
            f"arn:aws:iam::{account}:user/{resource}",
            "denied" if i % 50 == 0 else "allowed",
            "AccessDenied" if i % 50 == 0 else "",
            "{}",
            start + step * i,
            str(uuid.uuid4()),
            f"{service}.amazonaws.com",
            name,
            "AwsApiCall",
            i % 10 < 7,
            user,
            f"AKIABENCH{i % KEYS:011d}",
            "AWS::IAM::User",
            resource,
            str(uuid.uuid4()),
            "aws-cli/2.0 bench",
            "us-east-1",
            "",
            json.dumps(identity),
        )


def fill(account: str, n: int) -> float:
    began = time.perf_counter()
    if connection.vendor == "postgresql":
        columns = ", ".join(COLUMNS)
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg 3's cursor under Django's wrapper
            with raw.copy(f"COPY accounts_auditevent ({columns}) FROM STDIN") as copy:
                for row in rows(account, n):
                    copy.write_row(row)
            cursor.execute("ANALYZE accounts_auditevent")
    else:
        batch: list[AuditEvent] = []
        for row in rows(account, n):
            values = dict(zip(COLUMNS, row, strict=True))
            values["details"] = {}
            values["user_identity"] = json.loads(values["user_identity"])
            batch.append(AuditEvent(**values))
            if len(batch) == 20_000:
                AuditEvent.objects.bulk_create(batch)
                batch = []
        AuditEvent.objects.bulk_create(batch)
    return time.perf_counter() - began


def timed(function: Callable[[], Any], runs: int) -> tuple[float, float]:
    samples = []
    for _ in range(runs):
        began = time.perf_counter()
        function()
        samples.append((time.perf_counter() - began) * 1000)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def _lookup(actor: Any, query: events.Lookup) -> Callable[[], Any]:
    return lambda: events.lookup_events(actor, query=query)


def main() -> None:
    parser = argparse.ArgumentParser()
    postgres = connection.vendor == "postgresql"
    parser.add_argument("--events", type=int, default=1_000_000 if postgres else 100_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    if postgres:
        with connection.cursor() as cursor:
            cursor.execute("TRUNCATE accounts_auditevent")
    email = f"bench-{uuid.uuid4().hex[:8]}@example.com"
    account = iam.sign_up(email=email, account_name="bench", password="Bench-1!x")
    root = Principal.objects.get(account=account, kind=Principal.Kind.ROOT)
    actor = system_actor(root)
    seconds = fill(account.id, args.events)
    total = AuditEvent.objects.filter(account=account).count()
    print(f"{connection.vendor}: {total:,} events in one account, filled in {seconds:.1f} s")

    page = events.lookup_events(
        actor, query=events.lookup([{"AttributeKey": "EventName", "AttributeValue": "Action7"}])
    )
    cases: list[tuple[str, Callable[[], Any]]] = [
        ("LookupEvents, no filter", lambda: events.lookup_events(actor)),
    ]
    for key, value in (
        ("EventName", "Action7"),
        ("Username", "user7"),
        ("ResourceName", "res123"),
        ("AccessKeyId", "AKIABENCH00000000003"),
        ("EventSource", "sts.amazonaws.com"),
        ("ReadOnly", "false"),
        ("ResourceType", "AWS::IAM::User"),
    ):
        query = events.lookup([{"AttributeKey": key, "AttributeValue": value}])
        cases.append((f"LookupEvents, {key}", _lookup(actor, query)))
    day = events.lookup(
        None, datetime.now(UTC) - timedelta(days=30), datetime.now(UTC) - timedelta(days=29)
    )
    cases.append(
        ("LookupEvents, one day 30 days ago", lambda: events.lookup_events(actor, query=day))
    )
    by_name = events.lookup([{"AttributeKey": "EventName", "AttributeValue": "Action7"}])
    cases.append(
        (
            "LookupEvents, EventName, page 2 (NextToken)",
            lambda: events.lookup_events(actor, query=by_name, next_token=page.next_token),
        )
    )
    user = Principal.objects.create(
        account=account, name="user7", unique_id=f"AIDABENCH{account.id}", kind=Principal.Kind.USER
    )
    cases.append(("Access Advisor, one user", lambda: last_accessed.services_of(user, account)))
    page_users = [user] + [
        Principal.objects.create(
            account=account, name=f"user{n}", unique_id=f"AIDABENCH{n}", kind=Principal.Kind.USER
        )
        for n in range(USERS)
        if n != 7
    ]
    roles = [
        Role.objects.create(account=account, name=f"role{n}", unique_id=f"AROABENCH{n}")
        for n in range(ROLES)
    ]
    cases.append(("Last activity, 1 user", lambda: last_activity.of_users(page_users[:1])))
    cases.append(("Last activity, 60 users", lambda: last_activity.of_users(page_users)))
    cases.append(("Last activity, 20 roles", lambda: last_activity.of_roles(roles)))
    print(f"{'case':<46} {'p50 ms':>8} {'p95 ms':>8}")
    for label, function in cases:
        p50, p95 = timed(function, args.runs)
        print(f"{label:<46} {p50:8.2f} {p95:8.2f}")

    def record() -> None:
        with calls.call(calls.Call("iam:GetUser", True, {"user_name": "user7"})):
            audit.record(actor, "iam:GetUser", user.arn)

    p50, p95 = timed(record, max(args.runs * 10, 200))
    print(f"{'audit.record (one INSERT) at this size':<46} {p50:8.2f} {p95:8.2f}")
    Account.objects.filter(pk=account.pk).delete() if not postgres else None


if __name__ == "__main__":
    main()
