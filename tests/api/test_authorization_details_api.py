"""GetAccountAuthorizationDetails and GetAccountSummary through boto3 (IAM_API_AUTH=off)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from policies.models import ManagedPolicy, PolicyVersion
from policies.sync import sync_managed_policies

TRUST = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)
DOCUMENT = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:ListBucket", "Resource": "*"}],
    }
)
READ_ONLY = "arn:aws:iam::aws:policy/ReadOnlyAccess"


@pytest.fixture
def iam(settings: Any, client_for: Any, db: Any) -> Any:
    settings.IAM_API_AUTH = "off"
    if not ManagedPolicy.objects.filter(account__isnull=True).exists():
        sync_managed_policies(ManagedPolicy, PolicyVersion)  # a live server's flush took them
    client = client_for("testing", "testing")
    client.create_group(GroupName="devs")
    client.put_group_policy(GroupName="devs", PolicyName="g-inline", PolicyDocument=DOCUMENT)
    client.create_user(UserName="alice", Tags=[{"Key": "team", "Value": "blue"}])
    client.add_user_to_group(GroupName="devs", UserName="alice")
    client.put_user_policy(UserName="alice", PolicyName="u-inline", PolicyDocument=DOCUMENT)
    client.attach_user_policy(UserName="alice", PolicyArn=READ_ONLY)
    local = client.create_policy(PolicyName="local", PolicyDocument=DOCUMENT)["Policy"]["Arn"]
    client.put_user_permissions_boundary(UserName="alice", PermissionsBoundary=local)
    client.create_role(RoleName="web", AssumeRolePolicyDocument=TRUST)
    client.attach_role_policy(RoleName="web", PolicyArn=local)
    client.create_instance_profile(InstanceProfileName="web")
    client.add_role_to_instance_profile(InstanceProfileName="web", RoleName="web")
    return client


def test_details_show_each_entity_with_what_applies_to_it(iam: Any) -> None:
    details = iam.get_account_authorization_details()
    (user,) = details["UserDetailList"]
    assert user["UserName"] == "alice" and user["GroupList"] == ["devs"]
    assert user["UserPolicyList"][0]["PolicyName"] == "u-inline"
    assert user["UserPolicyList"][0]["PolicyDocument"]["Statement"][0]["Action"] == "s3:ListBucket"
    assert user["AttachedManagedPolicies"] == [
        {"PolicyName": "ReadOnlyAccess", "PolicyArn": READ_ONLY}
    ]
    assert user["PermissionsBoundary"]["PermissionsBoundaryArn"].endswith(":policy/local")
    assert user["Tags"] == [{"Key": "team", "Value": "blue"}]
    (group,) = details["GroupDetailList"]
    assert group["GroupPolicyList"][0]["PolicyName"] == "g-inline"
    (role,) = details["RoleDetailList"]
    assert [p["InstanceProfileName"] for p in role["InstanceProfileList"]] == ["web"]
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"]["Service"] == (
        "ec2.amazonaws.com"
    )
    # AWS managed policies appear only when attached in the account.
    policies = {p["PolicyName"]: p for p in details["Policies"]}
    assert set(policies) == {"local", "ReadOnlyAccess"}
    assert policies["local"]["AttachmentCount"] == 1
    assert policies["local"]["PermissionsBoundaryUsageCount"] == 1
    versions = policies["local"]["PolicyVersionList"]
    assert versions[0]["IsDefaultVersion"] and versions[0]["Document"]["Version"] == "2012-10-17"


def test_the_filter_picks_the_kinds_and_max_items_pages(iam: Any) -> None:
    only = iam.get_account_authorization_details(Filter=["Role", "LocalManagedPolicy"])
    assert only["UserDetailList"] == [] and only["GroupDetailList"] == []
    assert [p["PolicyName"] for p in only["Policies"]] == ["local"]
    seen: list[str] = []
    page = iam.get_account_authorization_details(MaxItems=2)
    while True:
        seen += [u["UserName"] for u in page["UserDetailList"]]
        seen += [g["GroupName"] for g in page["GroupDetailList"]]
        seen += [r["RoleName"] for r in page["RoleDetailList"]]
        seen += [p["PolicyName"] for p in page["Policies"]]
        if not page["IsTruncated"]:
            break
        page = iam.get_account_authorization_details(MaxItems=2, Marker=page["Marker"])
    assert seen == ["alice", "devs", "web", "local", "ReadOnlyAccess"]


def test_the_account_summary_has_every_key_aws_returns(iam: Any) -> None:
    summary = iam.get_account_summary()["SummaryMap"]
    expected = set(iam.meta.service_model.shape_for("summaryKeyType").enum)
    assert set(summary) == expected
    assert (summary["Users"], summary["Groups"], summary["Roles"]) == (1, 1, 1)
    assert summary["InstanceProfiles"] == 1 and summary["Policies"] == 1
    assert summary["AccountMFAEnabled"] == 0 and summary["UsersQuota"] == 5000
