"""The API answers as AWS's does: input checked against the model with AWS's wording,
Marker / MaxItems / IsTruncated on every list, AWS's error codes and messages, and the
fields AWS returns."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import unquote

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
TRUST = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
    '"Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
)
ACCOUNT = "123456789012"


@pytest.fixture
def iam(settings: Any, live_server: Any, db: Any) -> Any:
    """A client that checks nothing itself, so the server's checks answer."""
    settings.IAM_API_AUTH = "off"
    return boto3.client(
        "iam",
        endpoint_url=live_server.url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}, parameter_validation=False),
    )


def raw_bodies(iam: Any, operation: str) -> list[str]:
    """The XML bodies of `operation`'s responses, as they arrive."""
    seen: list[str] = []
    iam.meta.events.register(
        f"after-call.iam.{operation}", lambda http_response, **_: seen.append(http_response.text)
    )
    return seen


def error_of(call: Any, **kwargs: Any) -> tuple[str, str, int]:
    with pytest.raises(ClientError) as error:
        call(**kwargs)
    response = error.value.response
    return (
        response["Error"]["Code"],
        response["Error"]["Message"],
        response["ResponseMetadata"]["HTTPStatusCode"],
    )


# --- input validation ----------------------------------------------------------------


def test_a_name_outside_the_models_pattern_is_a_validation_error(iam: Any) -> None:
    assert error_of(iam.create_user, UserName="bad name!") == (
        "ValidationError",
        "1 validation error detected: Value 'bad name!' at 'userName' failed to satisfy "
        r"constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+",
        400,
    )


def test_a_name_too_long_is_a_validation_error(iam: Any) -> None:
    name = "a" * 65
    assert error_of(iam.create_user, UserName=name)[1] == (
        f"1 validation error detected: Value '{name}' at 'userName' failed to satisfy "
        "constraint: Member must have length less than or equal to 64"
    )


def test_max_items_out_of_range_is_a_validation_error(iam: Any) -> None:
    assert error_of(iam.list_users, MaxItems=0)[1] == (
        "1 validation error detected: Value '0' at 'maxItems' failed to satisfy constraint: "
        "Member must have value greater than or equal to 1"
    )
    assert error_of(iam.list_users, MaxItems=1001)[1].endswith(
        "Member must have value less than or equal to 1000"
    )


def test_a_value_outside_the_enum_is_a_validation_error(iam: Any) -> None:
    iam.create_user(UserName="eve")
    key = iam.create_access_key(UserName="eve")["AccessKey"]["AccessKeyId"]
    code, message, _ = error_of(
        iam.update_access_key, UserName="eve", AccessKeyId=key, Status="Paused"
    )
    assert code == "ValidationError"
    assert message == (
        "1 validation error detected: Value 'Paused' at 'status' failed to satisfy "
        "constraint: Member must satisfy enum value set: [Active, Inactive, Expired]"
    )


def test_several_broken_constraints_are_counted_in_one_message(iam: Any) -> None:
    code, message, status = error_of(iam.create_user, UserName="x" * 65, Path="no-slashes")
    assert (code, status) == ("ValidationError", 400)
    assert message.startswith("2 validation errors detected: Value 'no-slashes' at 'path'")
    assert "; Value '" + "x" * 65 + "' at 'userName'" in message


def test_a_tag_key_outside_the_models_unicode_pattern_is_refused(iam: Any) -> None:
    iam.create_user(UserName="tagged", Tags=[{"Key": "Équipe", "Value": "Bleu 1"}])
    code, message, _ = error_of(
        iam.tag_user, UserName="tagged", Tags=[{"Key": "semi;colon", "Value": "v"}]
    )
    assert code == "ValidationError"
    assert "at 'tags.1.member.key' failed to satisfy constraint" in message


# --- pagination ------------------------------------------------------------------------


def all_pages(call: Any, key: str, **kwargs: Any) -> list[list[Any]]:
    pages, marker = [], None
    while True:
        extra: dict[str, str] = {"Marker": marker} if marker else {}
        result = call(MaxItems=2, **kwargs, **extra)
        pages.append(result[key])
        if not result["IsTruncated"]:
            assert "Marker" not in result
            return pages
        marker = result["Marker"]


def test_lists_of_an_entity_page_with_marker_and_max_items(iam: Any) -> None:
    iam.create_user(UserName="pat")
    for name in ("a", "b", "c"):
        iam.put_user_policy(UserName="pat", PolicyName=name, PolicyDocument=POLICY)
        arn = iam.create_policy(PolicyName=f"P{name}", PolicyDocument=POLICY)["Policy"]["Arn"]
        iam.attach_user_policy(UserName="pat", PolicyArn=arn)
        iam.create_group(GroupName=f"g{name}")
        iam.add_user_to_group(GroupName=f"g{name}", UserName="pat")
    iam.tag_user(UserName="pat", Tags=[{"Key": k, "Value": "v"} for k in ("k1", "k2", "k3")])

    assert all_pages(iam.list_user_policies, "PolicyNames", UserName="pat") == [
        ["a", "b"],
        ["c"],
    ]
    attached = all_pages(iam.list_attached_user_policies, "AttachedPolicies", UserName="pat")
    assert [[p["PolicyName"] for p in page] for page in attached] == [["Pa", "Pb"], ["Pc"]]
    groups = all_pages(iam.list_groups_for_user, "Groups", UserName="pat")
    assert [[g["GroupName"] for g in page] for page in groups] == [["ga", "gb"], ["gc"]]
    tags = all_pages(iam.list_user_tags, "Tags", UserName="pat")
    assert [[t["Key"] for t in page] for page in tags] == [["k1", "k2"], ["k3"]]


def test_get_group_and_policy_versions_page(iam: Any) -> None:
    iam.create_group(GroupName="crew")
    for name in ("u1", "u2", "u3"):
        iam.create_user(UserName=name)
        iam.add_user_to_group(GroupName="crew", UserName=name)
    users = all_pages(iam.get_group, "Users", GroupName="crew")
    assert [[u["UserName"] for u in page] for page in users] == [["u1", "u2"], ["u3"]]

    arn = iam.create_policy(PolicyName="Versioned", PolicyDocument=POLICY)["Policy"]["Arn"]
    for _ in range(2):
        iam.create_policy_version(PolicyArn=arn, PolicyDocument=POLICY)
    versions = all_pages(iam.list_policy_versions, "Versions", PolicyArn=arn)
    assert sum(len(page) for page in versions) == 3
    assert len(versions) == 2


def test_list_access_keys_pages(iam: Any) -> None:
    iam.create_user(UserName="kit")
    keys = {iam.create_access_key(UserName="kit")["AccessKey"]["AccessKeyId"] for _ in range(2)}
    first = iam.list_access_keys(UserName="kit", MaxItems=1)
    assert first["IsTruncated"] is True
    second = iam.list_access_keys(UserName="kit", MaxItems=1, Marker=first["Marker"])
    assert second["IsTruncated"] is False
    seen = first["AccessKeyMetadata"] + second["AccessKeyMetadata"]
    assert {k["AccessKeyId"] for k in seen} == keys
    assert {k["UserName"] for k in seen} == {"kit"}


def test_list_entities_for_policy_filters_and_pages(iam: Any) -> None:
    arn = iam.create_policy(PolicyName="Shared", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.create_user(UserName="una", Path="/eng/")
    iam.create_user(UserName="uno")
    iam.create_group(GroupName="grp")
    iam.create_role(RoleName="rol", AssumeRolePolicyDocument=TRUST)
    iam.attach_user_policy(UserName="una", PolicyArn=arn)
    iam.attach_user_policy(UserName="uno", PolicyArn=arn)
    iam.attach_group_policy(GroupName="grp", PolicyArn=arn)
    iam.attach_role_policy(RoleName="rol", PolicyArn=arn)

    everything = iam.list_entities_for_policy(PolicyArn=arn)
    assert [g["GroupName"] for g in everything["PolicyGroups"]] == ["grp"]
    assert [u["UserName"] for u in everything["PolicyUsers"]] == ["una", "uno"]
    assert [r["RoleName"] for r in everything["PolicyRoles"]] == ["rol"]
    assert everything["PolicyUsers"][0]["UserId"].startswith("AIDA")

    users = iam.list_entities_for_policy(PolicyArn=arn, EntityFilter="User", PathPrefix="/eng/")
    assert [u["UserName"] for u in users["PolicyUsers"]] == ["una"]
    assert users["PolicyGroups"] == users["PolicyRoles"] == []

    first = iam.list_entities_for_policy(PolicyArn=arn, MaxItems=3)
    assert first["IsTruncated"] is True
    rest = iam.list_entities_for_policy(PolicyArn=arn, MaxItems=3, Marker=first["Marker"])
    assert [r["RoleName"] for r in rest["PolicyRoles"]] == ["rol"]
    assert rest["IsTruncated"] is False

    boundaries = iam.list_entities_for_policy(
        PolicyArn=arn, PolicyUsageFilter="PermissionsBoundary"
    )
    assert boundaries["PolicyUsers"] == []


# --- UpdateUser ------------------------------------------------------------------------


def test_update_user_renames_and_moves_a_user(iam: Any) -> None:
    created = iam.create_user(UserName="old")["User"]
    iam.update_user(UserName="old", NewUserName="new", NewPath="/team/")
    user = iam.get_user(UserName="new")["User"]
    assert user["UserId"] == created["UserId"]
    assert user["Arn"] == f"arn:aws:iam::{ACCOUNT}:user/team/new"
    assert error_of(iam.get_user, UserName="old") == (
        "NoSuchEntity",
        "The user with name old cannot be found.",
        404,
    )


def test_update_user_to_a_taken_name_is_entity_already_exists(iam: Any) -> None:
    iam.create_user(UserName="one")
    iam.create_user(UserName="two")
    assert error_of(iam.update_user, UserName="one", NewUserName="TWO") == (
        "EntityAlreadyExists",
        "User with name TWO already exists.",
        409,
    )


# --- errors ----------------------------------------------------------------------------


def test_missing_entities_are_no_such_entity_with_aws_messages(iam: Any) -> None:
    iam.create_user(UserName="nopass")
    missing_arn = f"arn:aws:iam::{ACCOUNT}:policy/Nothing"
    cases = [
        (iam.get_user, {"UserName": "ghost"}, "The user with name ghost cannot be found."),
        (iam.get_group, {"GroupName": "ghost"}, "The group with name ghost cannot be found."),
        (iam.get_role, {"RoleName": "ghost"}, "The role with name ghost cannot be found."),
        (
            iam.get_policy,
            {"PolicyArn": missing_arn},
            f"Policy {missing_arn} was not found.",
        ),
        (
            iam.attach_user_policy,
            {"UserName": "nopass", "PolicyArn": missing_arn},
            f"Policy {missing_arn} does not exist or is not attachable.",
        ),
        (
            iam.get_login_profile,
            {"UserName": "nopass"},
            "Login Profile for User nopass cannot be found.",
        ),
        (
            iam.update_access_key,
            {"UserName": "nopass", "AccessKeyId": "AKIAIOSFODNN7EXAMPLE", "Status": "Active"},
            "The Access Key with id AKIAIOSFODNN7EXAMPLE cannot be found.",
        ),
    ]
    for call, kwargs, message in cases:
        assert error_of(call, **kwargs) == ("NoSuchEntity", message, 404), call
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_user(UserName="ghost")


def test_duplicates_are_entity_already_exists_with_aws_messages(iam: Any) -> None:
    iam.create_user(UserName="dup")
    iam.create_group(GroupName="dup")
    iam.create_role(RoleName="dup", AssumeRolePolicyDocument=TRUST)
    iam.create_policy(PolicyName="dup", PolicyDocument=POLICY)
    cases = [
        (iam.create_user, {"UserName": "dup"}, "User with name dup already exists."),
        (iam.create_group, {"GroupName": "dup"}, "Group with name dup already exists."),
        (
            iam.create_role,
            {"RoleName": "dup", "AssumeRolePolicyDocument": TRUST},
            "Role with name dup already exists.",
        ),
        (
            iam.create_policy,
            {"PolicyName": "dup", "PolicyDocument": POLICY},
            "A policy called dup already exists. Duplicate names are not allowed.",
        ),
    ]
    for call, kwargs, message in cases:
        assert error_of(call, **kwargs) == ("EntityAlreadyExists", message, 409), call
    with pytest.raises(iam.exceptions.EntityAlreadyExistsException):
        iam.create_user(UserName="dup")


def test_quotas_are_limit_exceeded_with_aws_messages(iam: Any) -> None:
    iam.create_user(UserName="busy")
    for _ in range(2):
        iam.create_access_key(UserName="busy")
    assert error_of(iam.create_access_key, UserName="busy") == (
        "LimitExceeded",
        "Cannot exceed quota for AccessKeysPerUser: 2",
        409,
    )
    for number in range(10):
        arn = iam.create_policy(PolicyName=f"Q{number}", PolicyDocument=POLICY)["Policy"]["Arn"]
        iam.attach_user_policy(UserName="busy", PolicyArn=arn)
    arn = iam.create_policy(PolicyName="Q10", PolicyDocument=POLICY)["Policy"]["Arn"]
    assert error_of(iam.attach_user_policy, UserName="busy", PolicyArn=arn) == (
        "LimitExceeded",
        "Cannot exceed quota for PoliciesPerUser: 10",
        409,
    )
    with pytest.raises(iam.exceptions.LimitExceededException):
        iam.create_access_key(UserName="busy")


def test_an_error_document_says_the_sender_is_at_fault(iam: Any) -> None:
    seen = raw_bodies(iam, "GetUser")
    with pytest.raises(ClientError):
        iam.get_user(UserName="ghost")
    assert "<Type>Sender</Type>" in seen[0]
    assert "<Code>NoSuchEntity</Code>" in seen[0]


# --- response fields -------------------------------------------------------------------


def test_create_responses_carry_every_field_aws_returns(iam: Any) -> None:
    user = iam.create_user(UserName="full", Tags=[{"Key": "team", "Value": "blue"}])["User"]
    assert {"Path", "UserName", "UserId", "Arn", "CreateDate"} <= set(user)
    assert user["Tags"] == [{"Key": "team", "Value": "blue"}]
    group = iam.create_group(GroupName="full")["Group"]
    assert {"Path", "GroupName", "GroupId", "Arn", "CreateDate"} <= set(group)
    boundary = iam.create_policy(PolicyName="Edge", PolicyDocument=POLICY)["Policy"]
    assert {"PolicyName", "PolicyId", "Arn", "Path", "DefaultVersionId", "CreateDate"} <= set(
        boundary
    )
    assert boundary["DefaultVersionId"] == "v1"
    assert boundary["AttachmentCount"] == 0
    assert boundary["IsAttachable"] is True
    role = iam.create_role(
        RoleName="full",
        AssumeRolePolicyDocument=TRUST,
        Description="web servers",
        PermissionsBoundary=boundary["Arn"],
        Tags=[{"Key": "env", "Value": "prod"}],
    )["Role"]
    assert {"Path", "RoleName", "RoleId", "Arn", "CreateDate"} <= set(role)
    assert role["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": boundary["Arn"],
    }


def test_get_role_and_get_user_carry_aws_details(iam: Any) -> None:
    iam.create_role(
        RoleName="details",
        AssumeRolePolicyDocument=TRUST,
        Description="for ec2",
        Tags=[{"Key": "env", "Value": "dev"}],
    )
    role = iam.get_role(RoleName="details")["Role"]
    assert role["MaxSessionDuration"] == 3600
    assert role["Description"] == "for ec2"
    assert role["RoleLastUsed"] == {}
    assert role["Tags"] == [{"Key": "env", "Value": "dev"}]
    # boto3 decodes the URL-encoded document into a dict.
    assert role["AssumeRolePolicyDocument"]["Statement"][0]["Action"] == "sts:AssumeRole"
    iam.create_user(UserName="tagged", Tags=[{"Key": "a", "Value": "b"}])
    assert iam.get_user(UserName="tagged")["User"]["Tags"] == [{"Key": "a", "Value": "b"}]


def test_policy_documents_travel_url_encoded(iam: Any) -> None:
    arn = iam.create_policy(PolicyName="Enc", PolicyDocument=POLICY)["Policy"]["Arn"]
    version = iam.get_policy_version(PolicyArn=arn, VersionId="v1")["PolicyVersion"]
    assert version["Document"]["Statement"][0]["Action"] == "s3:*"
    iam.create_user(UserName="enc")
    iam.put_user_policy(UserName="enc", PolicyName="inline", PolicyDocument=POLICY)
    seen = raw_bodies(iam, "GetUserPolicy")
    got = iam.get_user_policy(UserName="enc", PolicyName="inline")
    assert got["PolicyDocument"]["Version"] == "2012-10-17"
    encoded = seen[0].split("<PolicyDocument>")[1].split("</PolicyDocument>")[0]
    assert "%22Version%22" in encoded
    assert unquote(encoded) == POLICY


def test_update_group_renames_and_moves_a_group(iam: Any) -> None:
    iam.create_group(GroupName="before")
    iam.update_group(GroupName="before", NewGroupName="after", NewPath="/ops/")
    group = iam.get_group(GroupName="after")["Group"]
    assert group["Arn"] == f"arn:aws:iam::{ACCOUNT}:group/ops/after"
    assert group["Path"] == "/ops/"


def test_a_policy_counts_the_entities_it_bounds(iam: Any) -> None:
    arn = iam.create_policy(PolicyName="Fence", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.create_user(UserName="fenced")
    iam.put_user_permissions_boundary(UserName="fenced", PermissionsBoundary=arn)
    policy = iam.get_policy(PolicyArn=arn)["Policy"]
    assert policy["PermissionsBoundaryUsageCount"] == 1
    assert policy["AttachmentCount"] == 0
    assert iam.get_user(UserName="fenced")["User"]["PermissionsBoundary"] == {
        "PermissionsBoundaryType": "Policy",
        "PermissionsBoundaryArn": arn,
    }


def test_a_password_is_never_echoed_in_a_validation_error(iam: Any) -> None:
    iam.create_user(UserName="secretive")
    password = "Sup3r-secret-" + "x" * 120
    code, message, _ = error_of(iam.create_login_profile, UserName="secretive", Password=password)
    assert code == "ValidationError"
    assert message == (
        "1 validation error detected: Value at 'password' failed to satisfy constraint: "
        "Member must have length less than or equal to 128"
    )


def test_update_role_description_changes_only_the_description(iam: Any) -> None:
    iam.create_role(RoleName="web", AssumeRolePolicyDocument=TRUST, MaxSessionDuration=7200)
    role = iam.update_role_description(RoleName="web", Description="Serves the site")["Role"]
    assert role["Description"] == "Serves the site"
    assert role["MaxSessionDuration"] == 7200
    assert iam.get_role(RoleName="web")["Role"]["Description"] == "Serves the site"
    code, _, status = error_of(iam.update_role_description, RoleName="nobody", Description="x")
    assert (code, status) == ("NoSuchEntity", 404)


def test_the_simulator_names_its_decisions_and_the_context_keys_it_was_not_given(
    iam: Any,
) -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": "s3:ListBucket",
                "Resource": "*",
                "Condition": {
                    "StringLike": {"s3:prefix": "home/${aws:username}/*"},
                    "IpAddress": {"aws:SourceIp": "10.0.0.0/8"},
                },
            }
        ],
    }
    arn = iam.create_user(UserName="sim")["User"]["Arn"]
    iam.put_user_policy(UserName="sim", PolicyName="home", PolicyDocument=json.dumps(document))
    bare = iam.simulate_principal_policy(
        PolicySourceArn=arn, ActionNames=["s3:ListBucket", "iam:ListUsers"]
    )["EvaluationResults"]
    assert [(r["EvalActionName"], r["EvalDecision"]) for r in bare] == [
        ("s3:ListBucket", "implicitDeny"),
        ("iam:ListUsers", "implicitDeny"),
    ]
    assert bare[0]["MissingContextValues"] == ["s3:prefix", "aws:SourceIp"]
    assert bare[1]["MissingContextValues"] == []
    given = iam.simulate_principal_policy(
        PolicySourceArn=arn,
        ActionNames=["s3:ListBucket"],
        ContextEntries=[
            {
                "ContextKeyName": "s3:prefix",
                "ContextKeyValues": ["home/sim/notes"],
                "ContextKeyType": "string",
            },
            {
                "ContextKeyName": "aws:SourceIp",
                "ContextKeyValues": ["10.1.2.3"],
                "ContextKeyType": "ip",
            },
        ],
    )["EvaluationResults"][0]
    assert given["EvalDecision"] == "allowed"
    assert given["MissingContextValues"] == []
    assert given["MatchedStatements"][0]["SourcePolicyId"] == "home"
    assert given["MatchedStatements"][0]["SourcePolicyType"] == "user"
    pasted = iam.simulate_custom_policy(
        PolicyInputList=[json.dumps(document)],
        ActionNames=["s3:ListBucket"],
        ContextEntries=[
            {"ContextKeyName": "s3:prefix", "ContextKeyValues": ["x"], "ContextKeyType": "string"}
        ],
    )["EvaluationResults"][0]
    assert pasted["MissingContextValues"] == ["aws:SourceIp"]
