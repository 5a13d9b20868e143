"""The Query protocol from botocore's models: what we write, botocore's own parser reads."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from botocore.parsers import QueryParser
from botocore.serialize import QuerySerializer

from api import protocol
from api.errors import ApiError

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
USER = {
    "Path": "/",
    "UserName": "a&b",
    "UserId": "AIDAX",
    "Arn": "arn:aws:iam::1:user/a&b",
    "CreateDate": NOW,
}

RESULTS: dict[tuple[str, str], dict[str, Any]] = {
    ("iam", "GetUser"): {"User": USER | {"Tags": [{"Key": "k", "Value": "<v>"}]}},
    ("iam", "ListUsers"): {"Users": [USER, USER], "IsTruncated": True, "Marker": "m=="},
    ("iam", "CreateAccessKey"): {
        "AccessKey": {
            "UserName": "a",
            "AccessKeyId": "AKIA1",
            "Status": "Active",
            "SecretAccessKey": "s",
            "CreateDate": NOW,
        }
    },
    ("iam", "GetAccountSummary"): {"SummaryMap": {"Users": 3, "UsersQuota": 5000}},
    ("iam", "ListAccountAliases"): {"AccountAliases": ["one"], "IsTruncated": False},
    ("iam", "GetPolicyVersion"): {
        "PolicyVersion": {
            "Document": "%7B%7D",
            "VersionId": "v1",
            "IsDefaultVersion": True,
            "CreateDate": NOW,
        }
    },
    ("iam", "SimulateCustomPolicy"): {
        "EvaluationResults": [
            {
                "EvalActionName": "s3:GetObject",
                "EvalResourceName": "*",
                "EvalDecision": "allowed",
                "MatchedStatements": [
                    {"SourcePolicyId": "PolicyInputList.1", "SourcePolicyType": "IAM Policy"}
                ],
                "MissingContextValues": [],
            }
        ],
        "IsTruncated": False,
    },
    ("iam", "GetCredentialReport"): {
        "Content": b"user,arn\n",
        "ReportFormat": "text/csv",
        "GeneratedTime": NOW,
    },
    ("sts", "GetCallerIdentity"): {
        "UserId": "AIDAX",
        "Account": "123456789012",
        "Arn": "arn:aws:iam::123456789012:user/a",
    },
}


@pytest.mark.parametrize(("service", "action"), list(RESULTS))
def test_botocore_reads_back_what_we_serialize(service: str, action: str) -> None:
    op = protocol.operation(service, action)
    assert op is not None
    xml = protocol.serialize(service, op, RESULTS[service, action], "rid-1")
    parsed = QueryParser().parse(
        {"body": xml.encode(), "headers": {}, "status_code": 200}, op.output_shape
    )
    assert parsed["ResponseMetadata"]["RequestId"] == "rid-1"
    for key, value in RESULTS[service, action].items():
        assert parsed[key] == value


def test_an_operation_without_output_is_just_its_metadata() -> None:
    op = protocol.operation("iam", "DeleteUser")
    xml = protocol.serialize("iam", op, None, "rid-2")
    assert xml == (
        '<DeleteUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/">'
        "<ResponseMetadata><RequestId>rid-2</RequestId></ResponseMetadata></DeleteUserResponse>"
    )


@pytest.mark.parametrize(
    ("action", "params"),
    [
        (
            "CreateUser",
            {
                "UserName": "bob",
                "Path": "/x/",
                "Tags": [{"Key": "a", "Value": "b"}, {"Key": "c", "Value": ""}],
            },
        ),
        ("ListUsers", {"MaxItems": 5, "Marker": "abc"}),
        ("UntagUser", {"UserName": "bob", "TagKeys": ["a", "b"]}),
        (
            "CreateRole",
            {"RoleName": "r", "AssumeRolePolicyDocument": "{}", "MaxSessionDuration": 7200},
        ),
        ("ListPolicies", {"Scope": "Local", "OnlyAttached": True}),
        (
            "SimulatePrincipalPolicy",
            {
                "PolicySourceArn": "arn:aws:iam::1:user/bob",
                "ActionNames": ["s3:GetObject"],
                "ContextEntries": [
                    {
                        "ContextKeyName": "aws:SourceIp",
                        "ContextKeyValues": ["1.2.3.4"],
                        "ContextKeyType": "ip",
                    }
                ],
            },
        ),
    ],
)
def test_we_parse_what_botocore_serializes(action: str, params: dict[str, Any]) -> None:
    op = protocol.operation("iam", action)
    body = QuerySerializer().serialize_to_request(params, op)["body"]
    assert protocol.parse(op, body) == params


def test_missing_required_members_are_named_as_aws_names_them() -> None:
    op = protocol.operation("iam", "CreateRole")
    with pytest.raises(ApiError) as caught:
        protocol.parse(op, {})
    assert caught.value.code == "ValidationError"
    assert caught.value.message.startswith("2 validation errors detected: Value null at 'roleName'")


def test_a_badly_typed_scalar_is_a_validation_error() -> None:
    with pytest.raises(ApiError) as caught:
        protocol.parse(protocol.operation("iam", "ListUsers"), {"MaxItems": "many"})
    assert caught.value.code == "ValidationError"
