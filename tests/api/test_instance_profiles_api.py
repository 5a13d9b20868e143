"""Instance profiles through boto3 as AWS documents them (IAM_API_AUTH=off)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

EC2_TRUST = json.dumps(
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


@pytest.fixture
def iam(settings: Any, client_for: Any, db: Any) -> Any:
    settings.IAM_API_AUTH = "off"
    return client_for("testing", "testing")


def code_of(error: ClientError) -> tuple[str, int]:
    return error.response["Error"]["Code"], error.response["ResponseMetadata"]["HTTPStatusCode"]


def test_the_instance_profile_lifecycle(iam: Any) -> None:
    created = iam.create_instance_profile(
        InstanceProfileName="web", Path="/app/", Tags=[{"Key": "env", "Value": "dev"}]
    )["InstanceProfile"]
    assert created["Arn"] == "arn:aws:iam::123456789012:instance-profile/app/web"
    assert created["InstanceProfileId"].startswith("AIPA") and created["Roles"] == []
    iam.create_role(RoleName="web-role", AssumeRolePolicyDocument=EC2_TRUST)
    iam.create_role(RoleName="other", AssumeRolePolicyDocument=EC2_TRUST)
    iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="web-role")

    with pytest.raises(ClientError) as caught:
        iam.add_role_to_instance_profile(InstanceProfileName="web", RoleName="other")
    assert code_of(caught.value) == ("LimitExceeded", 409)

    got = iam.get_instance_profile(InstanceProfileName="web")["InstanceProfile"]
    assert [r["RoleName"] for r in got["Roles"]] == ["web-role"]
    trust = got["Roles"][0]["AssumeRolePolicyDocument"]  # boto3 decodes the document
    assert trust["Statement"][0]["Principal"] == {"Service": "ec2.amazonaws.com"}
    for_role = iam.list_instance_profiles_for_role(RoleName="web-role")["InstanceProfiles"]
    assert [p["InstanceProfileName"] for p in for_role] == ["web"]
    assert [p["InstanceProfileName"] for p in iam.list_instance_profiles()["InstanceProfiles"]] == [
        "web"
    ]
    assert iam.list_instance_profile_tags(InstanceProfileName="web")["Tags"] == [
        {"Key": "env", "Value": "dev"}
    ]

    with pytest.raises(ClientError) as caught:
        iam.delete_instance_profile(InstanceProfileName="web")
    assert code_of(caught.value) == ("DeleteConflict", 409)
    iam.remove_role_from_instance_profile(InstanceProfileName="web", RoleName="web-role")
    iam.delete_instance_profile(InstanceProfileName="web")
    with pytest.raises(ClientError) as caught:
        iam.get_instance_profile(InstanceProfileName="web")
    assert code_of(caught.value) == ("NoSuchEntity", 404)


def test_a_duplicate_instance_profile_already_exists(iam: Any) -> None:
    iam.create_instance_profile(InstanceProfileName="dup")
    with pytest.raises(ClientError) as caught:
        iam.create_instance_profile(InstanceProfileName="dup")
    assert code_of(caught.value) == ("EntityAlreadyExists", 409)
