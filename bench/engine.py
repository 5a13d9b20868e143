"""Benchmark the policy engine: decisions per second and validation time.

Run: .venv/bin/python bench/engine.py [--iterations N]

Setup: one IAM user with 10 managed policies of 5 statements each (wildcards in actions
and resources, String/ARN/IP/Date conditions, one explicit deny), compiled once with
cache keys as the app does; then an allow, an explicit deny and an implicit deny are
timed one call at a time with time.perf_counter_ns (GC off while sampling, as
timeit does). The engine caches principals and per-action plans by content, so a last
row times an allow for a principal it has never seen (a fresh userid each call).
Validation is timed on a ~6 KB managed-policy document.
"""

from __future__ import annotations

import argparse
import functools
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from itertools import count
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from policies.engine import compile_policy, evaluate, validate  # noqa: E402

ACCOUNT = "123456789012"
SERVICES = ["s3", "ec2", "dynamodb", "lambda", "sqs", "sns", "logs", "kms", "iam", "cloudwatch"]


def build_policies() -> list[Any]:
    policies = []
    for i, service in enumerate(SERVICES):
        statements: list[dict[str, Any]] = [
            {
                "Sid": "ReadOwn",
                "Effect": "Allow",
                "Action": [f"{service}:Get*", f"{service}:List*", f"{service}:Describe*"],
                "Resource": f"arn:aws:{service}:*:{ACCOUNT}:*",
                "Condition": {"StringEquals": {"aws:PrincipalTag/team": ["red", "blue"]}},
            },
            {
                "Sid": "WriteFromOffice",
                "Effect": "Allow",
                "Action": [f"{service}:Put*", f"{service}:Create*", f"{service}:Update*"],
                "Resource": [f"arn:aws:{service}:*:{ACCOUNT}:project-{i}/*"],
                "Condition": {
                    "IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "2001:db8::/32"]},
                    "DateLessThan": {"aws:CurrentTime": "2030-01-01T00:00:00Z"},
                },
            },
            {
                "Sid": "OwnPrefix",
                "Effect": "Allow",
                "Action": f"{service}:Tag*",
                "Resource": f"arn:aws:{service}:*:{ACCOUNT}:home/${{aws:username}}/*",
            },
            {
                "Sid": "FromTrustedSource",
                "Effect": "Allow",
                "Action": f"{service}:Invoke*",
                "Resource": "*",
                "Condition": {"ArnLike": {"aws:SourceArn": f"arn:aws:sns:*:{ACCOUNT}:topic-*"}},
            },
            {
                "Sid": "NoDeletes" if i == 0 else "ReadTags",
                "Effect": "Deny" if i == 0 else "Allow",
                "Action": "iam:Delete*" if i == 0 else f"{service}:ListTags*",
                "Resource": "*",
            },
        ]
        doc = {"Version": "2012-10-17", "Statement": statements}
        policies.append(
            compile_policy(
                doc,
                name=f"arn:aws:iam::{ACCOUNT}:policy/Bench{i}",
                key=("bench", i, "v1"),
            )
        )
    return policies


PRINCIPAL = {
    "arn": f"arn:aws:iam::{ACCOUNT}:user/Henry",
    "username": "Henry",
    "userid": "AIDAHENRY",
    "account": ACCOUNT,
    "tags": {"team": "red"},
}
CONTEXT = {
    "aws:SourceIp": "203.0.113.9",
    "aws:CurrentTime": "2026-11-22T10:00:00Z",
    "aws:SecureTransport": True,
}

CASES = {
    "allow": {
        "action": "kms:CreateKey",
        "resource": f"arn:aws:kms:us-east-1:{ACCOUNT}:project-7/key-1",
        "expect": "allow",
    },
    "explicit deny": {
        "action": "iam:DeleteUser",
        "resource": f"arn:aws:iam::{ACCOUNT}:user/x",
        "expect": "explicit_deny",
    },
    "implicit deny": {
        "action": "ec2:TerminateInstances",
        "resource": f"arn:aws:ec2:us-east-1:{ACCOUNT}:instance/i-1",
        "expect": "implicit_deny",
    },
}


ALLOW_REQUEST = {
    "principal": PRINCIPAL,
    "action": CASES["allow"]["action"],
    "resource": CASES["allow"]["resource"],
    "context": CONTEXT,
}


def six_kb_document() -> str:
    statements = []
    i = 0
    text = ""
    while True:
        statements.append(
            {
                "Sid": f"Stmt{i}",
                "Effect": "Allow",
                "Action": [f"s3:GetObject{i}", f"s3:PutObject{i}", "s3:List*"],
                "Resource": [f"arn:aws:s3:::bucket-{i}/*", f"arn:aws:s3:::bucket-{i}"],
                "Condition": {"StringEquals": {"aws:PrincipalTag/team": f"team-{i}"}},
            }
        )
        candidate = json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=2)
        if len("".join(candidate.split())) > 6000:
            return text
        text = candidate
        i += 1


def measure(fn: Callable[[], object], iterations: int) -> list[int]:
    """Per-call times in ns. Like timeit, the cyclic GC is off while sampling."""
    for _ in range(min(1000, iterations)):  # warm up caches
        fn()
    samples = []
    clock = time.perf_counter_ns
    gc.collect()
    gc.disable()
    try:
        for _ in range(iterations):
            start = clock()
            fn()
            samples.append(clock() - start)
    finally:
        gc.enable()
    return samples


def row(label: str, samples: list[int]) -> str:
    ordered = sorted(samples)
    median = statistics.median(ordered) / 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] / 1000
    per_second = 1e6 / median if median else float("inf")
    return f"{label:<26}{median:>12.2f}{p99:>12.2f}{per_second:>16,.0f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--iterations", type=int, default=20000)
    args = parser.parse_args()

    identity = build_policies()
    layers = {"identity": identity}
    print(f"10 managed policies x 5 statements, {args.iterations} iterations per case")
    print(f"{'case':<26}{'median µs':>12}{'p99 µs':>12}{'decisions/s':>16}")
    print("-" * 66)
    for label, case in CASES.items():
        request = {
            "principal": PRINCIPAL,
            "action": case["action"],
            "resource": case["resource"],
            "context": CONTEXT,
        }
        decision = evaluate(layers, request)
        if decision.effect != case["expect"]:
            raise SystemExit(f"{label}: expected {case['expect']}, got {decision.effect}")

        def decide(r: dict[str, Any] = request) -> object:
            return evaluate(layers, r)

        samples = measure(decide, args.iterations)
        print(row(f"decision: {label}", samples))

    # The engine caches principals (by content) and per-action plans: a caller it has not
    # seen before pays for parsing its ARN and building its derived keys.
    fresh = count()

    def newcomer() -> object:
        principal = {**PRINCIPAL, "userid": f"AIDA{next(fresh)}"}
        return evaluate(layers, {**ALLOW_REQUEST, "principal": principal})

    print(row("allow, unseen principal", measure(newcomer, args.iterations)))

    doc = six_kb_document()
    assert validate(doc) == [], validate(doc)
    size = len("".join(doc.split()))
    samples = measure(lambda: validate(doc), max(200, args.iterations // 50))
    ordered = sorted(samples)
    median = statistics.median(ordered) / 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] / 1000
    print(f"{f'validate ({size} chars)':<26}{median:>12.2f}{p99:>12.2f}{1e6 / median:>16,.0f}")


# --------------------------------------------------------------------- hostile inputs

# Matched against 2 KB of "a" ending in "c": the last segment always fits, so the
# matcher has to look for every middle segment through the whole value.
PATHOLOGICAL = {
    # 14 stars: a backtracking regex tries ~len(value)^13 splits before it says no.
    "*a*a...*b*c (14 stars)": "*a" * 12 + "*b*c",
    # A long `?` segment that fits at every place of the value and fails at its end.
    "*?a?a...?ab*c (? x 40)": "*" + "?a" * 40 + "b*c",
    "?*?*...b*c (? x 200)": "?*" * 200 + "b*c",
}


def worst_case_matching() -> None:
    """Worst-case wildcard match time against a 2 KB value (resource, action, condition)."""
    from policies.engine.glob import ARN, GlobSet, Matcher, pieces_matcher

    value = "a" * 2047 + "c"
    print(f"\n{'wildcard match, 2 KB value':<40}{'median µs':>12}{'max µs':>12}")
    print("-" * 64)
    for label, pattern in PATHOLOGICAL.items():
        cases: dict[str, tuple[GlobSet | Matcher, str | None]] = {
            "resource": (
                GlobSet([f"arn:aws:s3:::{pattern}"], resource_rule=True),
                f"arn:aws:s3:::{value}",
            ),
            "action": (GlobSet([f"s3:{pattern}"]), f"s3:{value}"),
            "ArnLike": (pieces_matcher(((False, f"arn:aws:sns:*:*:{pattern}"),), ARN), None),
        }
        for kind, (matcher, subject) in cases.items():
            text = subject or f"arn:aws:sns:us-east-1:123456789012:{value}"
            samples = measure(functools.partial(matcher.matches, text), 50)
            median = statistics.median(samples) / 1000
            print(f"{f'{label} {kind}':<40}{median:>12.1f}{max(samples) / 1000:>12.1f}")


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def cache_memory(count: int = 1000, chars: int = 100_000) -> None:
    """Memory after compiling `count` distinct documents of `chars` characters, cached."""
    import hashlib
    import tracemalloc

    from policies.engine.policy import cache_stats, clear_cache, compile_policy

    clear_cache()
    gc.collect()
    rss_before = rss_kib()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    started = time.perf_counter()
    for n in range(count):
        resources = [f"arn:aws:s3:::bucket-{n}/{'k' * 80}/{i:06d}/*" for i in range(chars // 112)]
        statement = {"Effect": "Allow", "Action": "s3:GetObject", "Resource": resources}
        text = json.dumps({"Version": "2012-10-17", "Statement": [statement]})
        key = ("bench", hashlib.sha256(text.encode()).digest())
        compile_policy(text, key=key)
    seconds = time.perf_counter() - started
    gc.collect()
    grown = tracemalloc.get_traced_memory()[0] - before
    tracemalloc.stop()
    entries, used, bound = cache_stats()
    print(
        f"\ncompiled-policy cache, {count} distinct {chars // 1000} KB documents compiled "
        "directly with compile_policy(key=sha256) (the console refuses documents over "
        "the 6,144-character quota, and anything over 131,072 characters unread):"
    )
    print(
        f"  traced memory growth {grown / 2**20:.1f} MiB, RSS growth "
        f"{(rss_kib() - rss_before) / 1024:.1f} MiB; cache holds {entries} entries, "
        f"{used / 2**20:.1f} of {bound / 2**20:.0f} MiB estimated ({seconds:.1f} s)"
    )
    clear_cache()


if __name__ == "__main__":
    main()
    worst_case_matching()
    cache_memory()
