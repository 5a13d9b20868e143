"""Pasted policies cannot hold a worker: wildcards that a backtracking regex would take
minutes or years over, and documents far over AWS's size limits."""

from __future__ import annotations

import json
from collections.abc import Mapping

import pytest
from django.test import Client

from policies.engine import errors as E
from policies.engine import policy as compiled_policies

# 13 stars: a regex with `.*` per star tries ~len(value)^12 ways to split a value before
# it says no (the old engine took more than 30 s for 40 characters).
STARS = "*a" * 12 + "*c"
LONG = "a" * 2000


def document(*statements: Mapping[str, object]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def simulate(client: Client, **data: object) -> str:
    return client.post("/simulator/", {"run": "1", "entity": "custom", **data}).content.decode()


def test_the_simulator_answers_for_a_pathological_resource_pattern(root_client: Client) -> None:
    pasted = document(
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": f"arn:aws:s3:::{STARS}"},
        {
            "Effect": "Allow",
            "Action": "s3:PutObject",
            "Resource": "*",
            "Condition": {"StringLike": {"s3:prefix": STARS}},
        },
    )
    page = simulate(
        root_client,
        document=pasted,
        actions="s3:GetObject s3:PutObject",
        resources=f"arn:aws:s3:::{LONG} arn:aws:s3:::{LONG}c",
        ctx_key="s3:prefix",
        ctx_value=LONG,
    )
    assert 'data-testid="sim-results"' in page
    # GetObject on the bucket ending in "c" is allowed; the rest is implicitly denied.
    assert page.count('class="decision-allowed">allowed</td>') == 1
    assert page.count('class="decision-denied">implicitly denied</td>') == 3


def test_the_validate_endpoint_answers_for_pathological_patterns(root_client: Client) -> None:
    pasted = document(
        {"Effect": "Allow", "Action": f"s3:{STARS}", "Resource": f"arn:aws:s3:::{STARS}"},
        {"Effect": "Allow", "Action": f"s3:{STARS}{LONG}", "Resource": f"arn:aws:s3:::{LONG}"},
    )
    page = root_client.post("/policies/validate/", {"document": pasted}).content.decode()
    assert "No errors." in page
    assert f"Action s3:{STARS} matches no s3 action" in page


def test_the_simulator_refuses_a_huge_document_without_compiling_it(
    root_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("a refused document was compiled")

    monkeypatch.setattr(compiled_policies, "build_policy", never)
    statement = {"Effect": "Allow", "Action": "*", "Resource": "*"}
    # Whitespace does not count toward IAM's quota, but the API takes 131,072 characters.
    # (2.4 MB: the size that grew each worker by 260 MiB; Django refuses bodies over 2.5 MB.)
    huge = document(statement) + " " * 2_400_000
    page = simulate(root_client, document=huge, actions="s3:GetObject", resources="*")
    assert "Policy document 1: " + E.TOO_LONG.replace("'", "&#x27;") in page


def test_the_simulator_holds_pasted_policies_to_the_managed_policy_quota(
    root_client: Client,
) -> None:
    statements = [
        {
            "Sid": f"S{i}",
            "Effect": "Allow",
            "Action": "s3:GetObject",
            "Resource": f"arn:aws:s3:::b{i}",
        }
        for i in range(120)
    ]
    page = simulate(root_client, document=document(*statements), actions="s3:GetObject")
    assert "Policy document 1: Cannot exceed quota for PolicySize: 6144" in page


def test_the_validate_endpoint_refuses_a_huge_document(root_client: Client) -> None:
    huge = document({"Effect": "Allow", "Action": "*", "Resource": "*"}) + " " * 150_000
    page = root_client.post("/policies/validate/", {"document": huge}).content.decode()
    assert "Member must have length less than or equal to 131072" in page
