"""The AWS managed policy snapshot (policies/data/aws_managed_policies.json, policies.catalog)."""

from __future__ import annotations

import json
import re

import pytest

from policies import catalog

REQUIRED = [
    "AdministratorAccess",
    "PowerUserAccess",
    "ReadOnlyAccess",
    "IAMReadOnlyAccess",
    "IAMFullAccess",
    "IAMUserChangePassword",
    "AmazonEC2FullAccess",
    "AmazonEC2ReadOnlyAccess",
    "AmazonS3FullAccess",
    "AmazonS3ReadOnlyAccess",
    "SecurityAudit",
    "ViewOnlyAccess",
    "Billing",
    "IAMSelfManageServiceSpecificCredentials",
]


def policy_named(name: str) -> catalog.AwsManagedPolicy:
    policy = catalog.get(name)
    assert policy is not None, name
    return policy


@pytest.mark.parametrize("name", REQUIRED)
def test_the_policies_the_console_relies_on_are_in_the_snapshot(name: str) -> None:
    policy = catalog.get(name)
    assert policy is not None
    assert policy.name == name
    assert policy.arn == f"arn:aws:iam::aws:policy{policy.path}{name}"
    assert policy.document["Version"] == "2012-10-17"
    assert policy.document["Statement"]


def test_the_snapshot_holds_well_over_a_thousand_policies_sorted_by_name() -> None:
    policies = catalog.all_policies()
    assert len(policies) > 1000
    names = [p.name for p in policies]
    assert names == sorted(names)
    assert len(set(names)) == len(names)
    assert len({p.arn for p in policies}) == len(policies)


def test_administrator_access_allows_every_action_on_every_resource() -> None:
    policy = catalog.get("AdministratorAccess")
    assert policy is not None
    assert policy.arn == "arn:aws:iam::aws:policy/AdministratorAccess"
    assert policy.path == "/"
    assert policy.description == "Provides full access to AWS services and resources."
    assert policy.document["Statement"] == [{"Action": "*", "Effect": "Allow", "Resource": "*"}]


def test_iam_user_change_password_lets_users_change_only_their_own_password() -> None:
    policy = catalog.get("arn:aws:iam::aws:policy/IAMUserChangePassword")
    assert policy is not None
    statements = policy.document["Statement"]
    change = next(s for s in statements if "iam:ChangePassword" in s["Action"])
    assert "arn:aws:iam::*:user/${aws:username}" in change["Resource"]
    assert not policy.job_function
    assert policy.type_label == "AWS managed"


def test_security_audit_is_a_job_function_policy() -> None:
    policy = catalog.get("SecurityAudit")
    assert policy is not None
    assert policy.job_function
    assert policy.type_label == "AWS managed - job function"
    assert policy.description.startswith("The security audit template")


@pytest.mark.parametrize("name", ["ViewOnlyAccess", "Billing"])
def test_view_only_and_billing_live_under_the_job_function_path(name: str) -> None:
    policy = catalog.get(name)
    assert policy is not None
    assert policy.path == "/job-function/"
    assert policy.arn == f"arn:aws:iam::aws:policy/job-function/{name}"
    assert policy.job_function


def test_a_job_function_policy_is_found_by_its_full_arn_only() -> None:
    assert catalog.get("arn:aws:iam::aws:policy/job-function/ViewOnlyAccess") is not None
    assert catalog.get("arn:aws:iam::aws:policy/ViewOnlyAccess") is None


def test_names_are_found_ignoring_case_but_arns_are_exact() -> None:
    policy = catalog.get("iamreadonlyaccess")
    assert policy is not None
    assert policy.name == "IAMReadOnlyAccess"
    assert catalog.get("arn:aws:iam::aws:policy/iamreadonlyaccess") is None
    assert catalog.get("NoSuchPolicy") is None


def test_service_role_policies_are_flagged_and_ordinary_ones_are_not() -> None:
    policies = catalog.all_policies()
    service_roles = [p for p in policies if p.service_role]
    assert len(service_roles) > 100
    assert all(p.path in ("/service-role/", "/aws-service-role/") for p in service_roles)
    assert not policy_named("AmazonS3ReadOnlyAccess").service_role


def test_almost_every_policy_has_aws_description() -> None:
    policies = catalog.all_policies()
    described = [p for p in policies if p.description]
    assert len(described) >= len(policies) * 0.95
    assert policy_named("IAMUserChangePassword").description == (
        "Provides the ability for an IAM user to change their own password."
    )


def test_versions_and_dates_look_like_aws_ones() -> None:
    for policy in catalog.all_policies():
        assert re.fullmatch(r"v\d+", policy.default_version_id), policy.name
        assert policy.create_date <= policy.update_date, policy.name
        assert re.match(r"\d{4}-\d{2}-\d{2}T", policy.create_date), policy.name


def test_snapshot_date_is_the_newest_update_in_the_data() -> None:
    newest = max(p.update_date for p in catalog.all_policies())
    assert catalog.snapshot_date() == newest[:10]
    assert catalog.source().startswith("moto ")


def test_the_data_file_is_plain_json_under_five_megabytes() -> None:
    raw = catalog.DATA_FILE.read_bytes()
    assert len(raw) < 5_000_000
    data = json.loads(raw)
    assert set(data) >= {"source", "snapshot_date", "generated", "policies"}
    assert data["count"] == len(data["policies"])
