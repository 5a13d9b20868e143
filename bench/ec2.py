"""Benchmark EC2's DescribeInstances through boto3 against gunicorn, signatures verified.

Run: .venv/bin/python bench/ec2.py [--instances N] [--calls N] [--workers N]

Setup: a throwaway SQLite database, migrated; an account with N instances in us-east-1
(bulk_create, a tenth of them tagged Env=dev) and an IAM user `bencher` whose access key signs
every call (a customer managed policy allows ec2:Describe*, so the engine decides each call).
gunicorn serves iamconsole.wsgi with --workers sync processes (3, as `make run`). Each case
runs from one boto3 client; the script prints ops/s and p50 latency.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# bench.api sets up the throwaway database, the settings the server shares and Django.
from bench.api import start_server  # noqa: E402

# isort: split
import boto3  # noqa: E402
from botocore.config import Config  # noqa: E402
from django.core.management import call_command  # noqa: E402

from accounts.models import Principal  # noqa: E402
from domain import iam  # noqa: E402
from domain.iam import policies  # noqa: E402
from domain.kernel.actors import system_actor  # noqa: E402
from ec2 import catalog, ids, states  # noqa: E402
from ec2.models import Instance  # noqa: E402

DESCRIBE = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"}],
    }
)


def setup(count: int) -> tuple[str, str]:
    account = iam.sign_up(email="ec2@bench.test", account_name="ec2", password="Bench-Pass-123!")
    root = Principal.objects.get(account=account, kind=Principal.Kind.ROOT)
    actor = system_actor(root)
    launched = datetime.now(UTC) - timedelta(hours=1)
    zones = catalog.zones("us-east-1")
    Instance.objects.bulk_create(
        Instance(
            instance_id=ids.resource_id(ids.INSTANCE_PREFIX),
            reservation_id=ids.resource_id(ids.RESERVATION_PREFIX),
            account=account,
            region="us-east-1",
            availability_zone=zones[n % len(zones)],
            image_id=catalog.IMAGES[0].image_id,
            instance_type="t3.micro",
            state=states.PENDING,
            state_since=launched,
            launch_time=launched,
            private_ip=f"172.31.{n // 250}.{n % 250 + 1}",
            public_ip=f"54.1.{n // 250}.{n % 250 + 1}",
            tags=[{"Key": "Name", "Value": f"web-{n}"}]
            + ([{"Key": "Env", "Value": "dev"}] if n % 10 == 0 else []),
            metadata_secret=ids.metadata_secret(),
        )
        for n in range(count)
    )
    bencher = iam.create_user(actor=actor, name="bencher")
    policy = policies.create_policy(actor=actor, name="Describe", document=DESCRIBE)
    policies.attach_user_policy(actor=actor, user=bencher, policy=policy)
    key = iam.create_access_key(actor=actor, user=bencher)
    return key.key.access_key_id, key.secret


def measure(calls: int, call: Callable[[], Any]) -> tuple[float, float]:
    call()  # warm up (connection, caches)
    latencies = []
    started = time.perf_counter()
    for _ in range(calls):
        begin = time.perf_counter()
        call()
        latencies.append(time.perf_counter() - begin)
    elapsed = time.perf_counter() - started
    return calls / elapsed, statistics.median(latencies) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--instances", type=int, default=1000)
    parser.add_argument("--calls", type=int, default=30)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    call_command("migrate", verbosity=0)
    key = setup(args.instances)
    server, url = start_server("iamconsole.wsgi", args.workers)
    try:
        ec2 = boto3.client(
            "ec2",
            endpoint_url=url,
            region_name="us-east-1",
            aws_access_key_id=key[0],
            aws_secret_access_key=key[1],
            config=Config(retries={"max_attempts": 1}),
        )

        def count(response: dict[str, Any]) -> int:
            return sum(len(r["Instances"]) for r in response["Reservations"])

        assert count(ec2.describe_instances()) == args.instances
        one = ec2.describe_instances(MaxResults=5)["Reservations"][0]["Instances"][0]["InstanceId"]
        cases: dict[str, Callable[[], Any]] = {
            f"DescribeInstances (all {args.instances})": ec2.describe_instances,
            "DescribeInstances MaxResults=100": lambda: ec2.describe_instances(MaxResults=100),
            "DescribeInstances tag:Env=dev": lambda: ec2.describe_instances(
                Filters=[{"Name": "tag:Env", "Values": ["dev"]}]
            ),
            "DescribeInstances one InstanceId": lambda: ec2.describe_instances(InstanceIds=[one]),
        }
        print(f"EC2 through boto3, gunicorn --workers {args.workers}, {args.instances} instances")
        for label, call in cases.items():
            ops, p50 = measure(args.calls, call)
            print(f"{label:38} {ops:7.1f} ops/s p50 {p50:7.1f} ms")
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
