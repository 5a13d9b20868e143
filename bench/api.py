"""Benchmark the AWS API through boto3 against gunicorn, signatures verified, policies enforced.

Run: .venv/bin/python bench/api.py [--users N] [--calls N] [--workers N]

Setup: a throwaway SQLite database in a temporary directory, migrated; account A with N IAM
users (bulk_create) and an IAM user `bencher` whose access key signs every call (a customer
managed policy allows iam:* and sts:*, so the engine decides each call); account B, where
CreateUser runs (A is at its 5,000-user quota), with its own `bencher`; a role `BenchRole` in A
whose trust policy names A's `bencher`, which AssumeRole assumes (each call issues and stores
new temporary credentials, as AWS's does). gunicorn serves
iamconsole.wsgi with --workers sync processes: 3 by default, what `make run` serves with.
Each operation runs with 1 client, then with 16 threads (one boto3 client each); the script
prints ops/s and p50 latency.

The client shares the machine's cores with the server, so two more tables say where the
ceiling is: the same calls from a light client (each request signed with botocore's SigV4
signer and sent with http.client, no boto3 parsing), and boto3's GetUser against a no-op
WSGI app (bench/noop_wsgi.py: a canned GetUser response, no Django) under the same gunicorn,
which is as fast as boto3 can go on these cores whatever the server does.
"""

from __future__ import annotations

import argparse
import functools
import http.client
import itertools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TMP = tempfile.TemporaryDirectory(prefix="iam-api-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP.name}/bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iamconsole.settings")
os.environ["SECRET_KEY"] = "bench-" + "x" * 50
os.environ["IAM_API_AUTH"] = "enforce"

import boto3  # noqa: E402
import django  # noqa: E402
from botocore.auth import SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.config import Config  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from accounts import ids  # noqa: E402
from accounts.models import Principal  # noqa: E402
from domain import iam  # noqa: E402
from domain.iam import policies  # noqa: E402
from domain.kernel.actors import system_actor  # noqa: E402

ALLOW_ALL = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": ["iam:*", "sts:*"], "Resource": "*"}],
    }
)


IAM = "2010-05-08"
STS = "2011-06-15"


def make_account(email: str, users: int) -> tuple[str, str, str]:
    """An account with `users` users and a `bencher` allowed iam:*; its key ID and secret."""
    account = iam.sign_up(email=email, account_name=email.split("@")[0], password="Bench-Pass-123!")
    root = Principal.objects.get(account=account, kind=Principal.Kind.ROOT)
    actor = system_actor(root)
    Principal.objects.bulk_create(
        Principal(
            account=account,
            kind=Principal.Kind.USER,
            name=f"user{n:05d}",
            unique_id=ids.unique_id(ids.USER_PREFIX),
            password="!",
        )
        for n in range(users)
    )
    # bencher replaces one of the bulk users so the account holds exactly `users` users.
    if users:
        Principal.objects.filter(account=account, name=f"user{users - 1:05d}").delete()
    bencher = iam.create_user(actor=actor, name="bencher")
    policy = policies.create_policy(actor=actor, name="BenchAll", document=ALLOW_ALL)
    policies.attach_user_policy(actor=actor, user=bencher, policy=policy)
    key = iam.create_access_key(actor=actor, user=bencher)
    return account.id, key.key.access_key_id, key.secret


def make_role(bencher: Principal) -> str:
    """BenchRole in bencher's account, trusting bencher; its ARN."""
    root = Principal.objects.get(account_id=bencher.account_id, kind=Principal.Kind.ROOT)
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": bencher.arn}, "Action": "sts:AssumeRole"}
        ],
    }
    role = iam.create_role(
        actor=system_actor(root), name="BenchRole", trust_policy=json.dumps(trust)
    )
    return role.arn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def client(url: str, key: tuple[str, str], service: str = "iam") -> Any:
    return boto3.client(
        service,
        endpoint_url=url,
        region_name="us-east-1",
        aws_access_key_id=key[0],
        aws_secret_access_key=key[1],
        config=Config(retries={"max_attempts": 1}, max_pool_connections=4),
    )


class RawClient:
    """A light client: botocore's SigV4 signer and one keep-alive http.client connection."""

    def __init__(self, url: str, key: tuple[str, str], service: str) -> None:
        self.host = url.removeprefix("http://")
        self.signer = SigV4Auth(Credentials(*key), service, "us-east-1")
        self.connection = http.client.HTTPConnection(self.host)
        self.url = url + "/"

    def call(self, params: dict[str, str]) -> None:
        body = urlencode(params)
        request = AWSRequest(
            method="POST",
            url=self.url,
            data=body,
            headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
        )
        self.signer.add_auth(request)
        try:
            self.connection.request("POST", "/", body=body, headers=dict(request.headers))
            response = self.connection.getresponse()
        except (http.client.RemoteDisconnected, ConnectionError):
            # gunicorn's sync workers close the connection after each response.
            self.connection.close()
            self.connection = http.client.HTTPConnection(self.host)
            self.connection.request("POST", "/", body=body, headers=dict(request.headers))
            response = self.connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{params['Action']}: HTTP {response.status}")
        if response.getheader("Connection", "").lower() == "close":
            self.connection.close()


def start_server(app: str, workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            app,
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=os.environ | {"ALLOWED_HOSTS": "127.0.0.1,localhost"},
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return server, f"http://127.0.0.1:{port}"


def row(label: str, one: tuple[float, float], many: tuple[float, float]) -> str:
    return (
        f"{label:38} {one[0]:7.0f} ops/s p50 {one[1]:5.1f} ms"
        f" {many[0]:7.0f} ops/s p50 {many[1]:6.1f} ms"
    )


def both(
    label: str,
    calls: int,
    make_call: Callable[[Any], Callable[[], Any]],
    factory: Callable[[], Any],
) -> str:
    """A row of the table: `calls // 4` calls from one client, then `calls` from 16 threads."""
    return row(label, run(calls // 4, 1, make_call, factory), run(calls, 16, make_call, factory))


def run(
    calls: int,
    threads: int,
    make_call: Callable[[Any], Callable[[], Any]],
    factory: Callable[[], Any],
) -> tuple[float, float]:
    """ops/s over all threads and the median latency in ms."""
    latencies: list[float] = []
    lock = threading.Lock()
    per_thread = calls // threads

    def work() -> None:
        call = make_call(factory())
        call()  # warm the connection
        mine = []
        for _ in range(per_thread):
            start = time.perf_counter()
            call()
            mine.append(time.perf_counter() - start)
        with lock:
            latencies.extend(mine)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    start = time.perf_counter()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - start
    return len(latencies) / elapsed, statistics.median(latencies) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--calls", type=int, default=320)
    # `make run` serves with 3 sync workers (WORKERS in the Makefile): measure what it serves.
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--boto3-only", action="store_true", help="only the boto3 table")
    args = parser.parse_args()

    call_command("migrate", verbosity=0)
    _, *key_a = make_account("a@bench.example", args.users)
    _, *key_b = make_account("b@bench.example", 0)
    bencher_a = Principal.objects.get(name="bencher", account__principals__email="a@bench.example")
    account_a = bencher_a.account_id
    role_arn = make_role(bencher_a)

    server, url = start_server("iamconsole.wsgi", args.workers)
    try:
        key_a_t = (key_a[0], key_a[1])
        key_b_t = (key_b[0], key_b[1])
        names = itertools.count()
        markers: list[str | None] = [None]
        first = client(url, key_a_t)
        marker = None
        while True:
            page = first.list_users(MaxItems=100, **({"Marker": marker} if marker else {}))
            marker = page.get("Marker")
            if not marker:
                break
            markers.append(marker)
        cycle = itertools.cycle(markers)
        source = f"arn:aws:iam::{account_a}:user/bencher"

        def next_marker() -> dict[str, str]:
            m = next(cycle)
            return {"Marker": m} if m else {}

        # label, signing service, key, the boto3 call, the same call's Query parameters.
        operations: list[
            tuple[str, str, tuple[str, str], Callable[[Any], Any], Callable[[], dict[str, str]]]
        ] = [
            (
                "GetUser",
                "iam",
                key_a_t,
                lambda c: c.get_user(UserName="user00042"),
                lambda: {"Action": "GetUser", "Version": IAM, "UserName": "user00042"},
            ),
            (
                "ListUsers (page of 100 of 5,000)",
                "iam",
                key_a_t,
                lambda c: c.list_users(MaxItems=100, **next_marker()),
                lambda: {"Action": "ListUsers", "Version": IAM, "MaxItems": "100"} | next_marker(),
            ),
            (
                "CreateUser",
                "iam",
                key_b_t,
                lambda c: c.create_user(UserName=f"new{next(names)}"),
                lambda: {"Action": "CreateUser", "Version": IAM, "UserName": f"new{next(names)}"},
            ),
            (
                "SimulatePrincipalPolicy",
                "iam",
                key_a_t,
                lambda c: c.simulate_principal_policy(
                    PolicySourceArn=source, ActionNames=["iam:GetUser", "s3:GetObject"]
                ),
                lambda: {
                    "Action": "SimulatePrincipalPolicy",
                    "Version": IAM,
                    "PolicySourceArn": source,
                    "ActionNames.member.1": "iam:GetUser",
                    "ActionNames.member.2": "s3:GetObject",
                },
            ),
            (
                "AssumeRole",
                "sts",
                key_a_t,
                lambda c: c.assume_role(RoleArn=role_arn, RoleSessionName=f"s{next(names)}"),
                lambda: {
                    "Action": "AssumeRole",
                    "Version": STS,
                    "RoleArn": role_arn,
                    "RoleSessionName": f"s{next(names)}",
                },
            ),
        ]
        load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
        print(
            f"AWS API through boto3, gunicorn --workers {args.workers} (sync, as `make run`), "
            f"SQLite, SigV4 verified, policies enforced; {os.cpu_count()} cores, load {load}"
        )
        print(f"{'operation':38} {'1 client':>20} {'16 threads':>22}")
        for label, service, key, boto_call, _ in operations:
            factory = functools.partial(client, url, key, service)
            print(both(label, args.calls, functools.partial(bind, boto_call), factory))
        if args.boto3_only:
            return
        print()
        print("The same calls from a light client (botocore's signer + http.client, no boto3)")
        for label, service, key, _, params in operations:
            factory = functools.partial(RawClient, url, key, service)
            print(both(label, args.calls, functools.partial(bind_raw, params), factory))
    finally:
        server.terminate()
        server.wait(timeout=10)
    if args.boto3_only:
        return
    # The client's ceiling: a server that costs (almost) nothing, on the same cores.
    noop, noop_url = start_server("bench.noop_wsgi:application", args.workers)
    try:
        print()
        print("Client ceiling: GetUser against a no-op WSGI app under the same gunicorn")
        get_user = operations[0]
        factory = functools.partial(client, noop_url, key_a_t, "iam")
        print(both("boto3", args.calls, functools.partial(bind, get_user[3]), factory))
        factory = functools.partial(RawClient, noop_url, key_a_t, "iam")
        print(both("light client", args.calls, functools.partial(bind_raw, get_user[4]), factory))
    finally:
        noop.terminate()
        noop.wait(timeout=10)


def bind(call: Callable[[Any], Any], client: Any) -> Callable[[], Any]:
    return lambda: call(client)


def bind_raw(params: Callable[[], dict[str, str]], client: RawClient) -> Callable[[], None]:
    return lambda: client.call(params())


if __name__ == "__main__":
    main()
