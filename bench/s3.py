"""Benchmark the practice S3 through boto3 against gunicorn: PutObject and GetObject of 1 KB
and 1 MB, every request's SigV4 signature verified and authorized by the engine.

Run: .venv/bin/python bench/s3.py [--calls N] [--workers N]

Setup: a throwaway SQLite database and object directory in a temporary directory; an account
with an IAM user `bencher` whose inline policy allows s3:* (so the engine decides each call)
and a bucket. gunicorn serves iamconsole.wsgi with --workers sync processes (3, as `make run`).
One boto3 client calls each operation N times; the script prints ops/s and p50 latency.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TMP = tempfile.TemporaryDirectory(prefix="iam-s3-bench-")
os.environ["DATABASE_URL"] = f"sqlite:///{TMP.name}/bench.sqlite3"
os.environ["S3_DATA_DIR"] = f"{TMP.name}/objects"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iamconsole.settings")
os.environ["SECRET_KEY"] = "bench-" + "x" * 50
os.environ["IAM_API_AUTH"] = "enforce"

import boto3  # noqa: E402
import django  # noqa: E402
from botocore.config import Config  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from accounts.models import Principal  # noqa: E402
from domain import iam, s3  # noqa: E402
from domain.iam import policies  # noqa: E402
from domain.kernel.actors import system_actor  # noqa: E402

BUCKET = "bench-bucket"
ALLOW_S3 = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
)


def setup() -> tuple[str, str]:
    call_command("migrate", verbosity=0)
    account = iam.sign_up(email="bench@example.com", account_name="bench", password="Bench-Pass-1!")
    root = system_actor(Principal.objects.get(account=account, kind=Principal.Kind.ROOT))
    bencher = iam.create_user(actor=root, name="bencher")
    policies.put_user_policy(actor=root, user=bencher, name="s3", document=ALLOW_S3)
    s3.create_bucket(actor=root, name=BUCKET)
    key = iam.create_access_key(actor=root, user=bencher)
    return key.key.access_key_id, key.secret


def start_server(workers: int) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "gunicorn", "iamconsole.wsgi", "--bind", f"127.0.0.1:{port}"]
    command += ["--workers", str(workers), "--log-level", "warning"]
    server = subprocess.Popen(
        command, cwd=ROOT, env=os.environ | {"ALLOWED_HOSTS": "127.0.0.1,localhost"}
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    return server, f"http://127.0.0.1:{port}"


def measure(call: Callable[[], Any], calls: int) -> tuple[float, float]:
    call()  # warm up
    times = []
    start = time.perf_counter()
    for _ in range(calls):
        t = time.perf_counter()
        call()
        times.append(time.perf_counter() - t)
    total = time.perf_counter() - start
    return calls / total, statistics.median(times) * 1000


def read(client: Any, key: str) -> bytes:
    data: bytes = client.get_object(Bucket=BUCKET, Key=key)["Body"].read()
    return data


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    key_id, secret = setup()
    server, url = start_server(args.workers)
    try:
        client = boto3.client(
            "s3",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id=key_id,
            aws_secret_access_key=secret,
            config=Config(retries={"max_attempts": 1}),
        )
        print(f"practice S3 through boto3, gunicorn {args.workers} workers, {args.calls} calls")
        for label, size in (("1 KB", 1024), ("1 MB", 1024 * 1024)):
            body, key = os.urandom(size), f"object-{size}"
            put = measure(
                functools.partial(client.put_object, Bucket=BUCKET, Key=key, Body=body), args.calls
            )
            get = measure(functools.partial(read, client, key), args.calls)
            for name, (rate, p50) in (("PutObject", put), ("GetObject", get)):
                print(f"{name} {label:5} {rate:7.0f} ops/s  p50 {p50:6.1f} ms")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
