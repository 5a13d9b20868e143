"""AWS's own managed policies are valid IAM documents: the validator and the compiler must
accept every one of them (only the customer-managed size quota may not apply)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from policies.engine import compile_policy, evaluate, validate

DATA = Path(__file__).resolve().parents[2] / "policies" / "data" / "aws_managed_policies.json"


def _documents() -> list[tuple[str, str]]:
    if not DATA.exists():  # pragma: no cover - the snapshot ships with the repo
        pytest.skip("AWS managed policy snapshot not present")
    policies = json.loads(DATA.read_text())["policies"]
    return [(p["arn"], json.dumps(p["document"], indent=2)) for p in policies]


def test_every_aws_managed_policy_validates_and_compiles() -> None:
    problems = []
    for arn, text in _documents():
        errors = [e for e in validate(text) if e.code != "LimitExceeded"]
        if errors:
            problems.append((arn, errors[0].message))
        compile_policy(text, name=arn)
    assert problems == []


def test_read_only_access_allows_reads_and_not_writes() -> None:
    documents = dict(_documents())
    read_only = compile_policy(
        documents["arn:aws:iam::aws:policy/ReadOnlyAccess"], name="ReadOnlyAccess"
    )
    principal = {"arn": "arn:aws:iam::123456789012:user/Henry", "username": "Henry"}
    request = {"principal": principal, "resource": "arn:aws:iam::123456789012:user/x"}
    assert evaluate({"identity": [read_only]}, {**request, "action": "iam:GetUser"}).allowed
    assert not evaluate({"identity": [read_only]}, {**request, "action": "iam:CreateUser"}).allowed
