"""The API's reads that list or get one account-wide thing answer through boto3."""

from __future__ import annotations

import json
from typing import Any

import pytest
from botocore.exceptions import ClientError

DOCUMENT = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
)


def test_list_access_keys_names_the_users_keys(root_iam: Any) -> None:
    root_iam.create_user(UserName="dora")
    key = root_iam.create_access_key(UserName="dora")["AccessKey"]["AccessKeyId"]
    listed = root_iam.list_access_keys(UserName="dora")["AccessKeyMetadata"]
    assert [(k["UserName"], k["AccessKeyId"]) for k in listed] == [("dora", key)]


def test_a_policy_lists_its_versions_and_tags(root_iam: Any) -> None:
    tags = [{"Key": "team", "Value": "data"}]
    arn = root_iam.create_policy(PolicyName="Reads", PolicyDocument=DOCUMENT, Tags=tags)["Policy"][
        "Arn"
    ]
    versions = root_iam.list_policy_versions(PolicyArn=arn)["Versions"]
    assert [(v["VersionId"], v["IsDefaultVersion"]) for v in versions] == [("v1", True)]
    assert root_iam.list_policy_tags(PolicyArn=arn)["Tags"] == tags


def test_account_alias_password_policy_and_summary_read_back(root_iam: Any) -> None:
    assert root_iam.list_account_aliases()["AccountAliases"] == []
    with pytest.raises(ClientError) as caught:
        root_iam.get_account_password_policy()
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"
    root_iam.create_account_alias(AccountAlias="reads-example")
    assert root_iam.list_account_aliases()["AccountAliases"] == ["reads-example"]
    root_iam.update_account_password_policy(MinimumPasswordLength=12)
    rules = root_iam.get_account_password_policy()["PasswordPolicy"]
    assert rules["MinimumPasswordLength"] == 12
    assert root_iam.get_account_summary()["SummaryMap"]["UsersQuota"] == 5000
