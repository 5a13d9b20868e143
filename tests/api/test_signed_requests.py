"""boto3 against the live server: signatures verified, policies enforced, AWS's errors."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any
from unittest import mock

import botocore.auth
import pytest
from botocore.exceptions import ClientError
from pytest_django.live_server_helper import LiveServer

from accounts.models import AccessKey, Account
from tests.api.conftest import http

READ_USERS = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["iam:ListUsers", "iam:GetUser"], "Resource": "*"}
        ],
    }
)


def error_of(call: Callable[..., object], *args: Any, **kwargs: Any) -> tuple[str, int, str]:
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    response = caught.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def test_root_creates_a_user_and_keys_that_are_denied_until_a_policy_allows(
    root_iam: Any, client_for: Callable[..., Any]
) -> None:
    root_iam.create_user(UserName="carol")
    keys = root_iam.create_access_key(UserName="carol")["AccessKey"]
    assert keys["AccessKeyId"].startswith("AKIA") and len(keys["SecretAccessKey"]) == 40
    carol = client_for(keys["AccessKeyId"], keys["SecretAccessKey"])

    code, status, message = error_of(carol.list_users)
    assert (code, status) == ("AccessDenied", 403)
    assert "is not authorized to perform: iam:ListUsers" in message
    assert "user/carol" in message

    created = root_iam.create_policy(PolicyName="ReadUsers", PolicyDocument=READ_USERS)
    root_iam.attach_user_policy(UserName="carol", PolicyArn=created["Policy"]["Arn"])
    assert [u["UserName"] for u in carol.list_users()["Users"]] == ["carol"]
    assert carol.get_user()["User"]["UserName"] == "carol"


def test_a_wrong_secret_is_refused_with_signature_does_not_match(
    root_keys: tuple[str, str], client_for: Callable[..., Any]
) -> None:
    client = client_for(root_keys[0], "x" * 40)
    code, status, _ = error_of(client.list_users)
    assert (code, status) == ("SignatureDoesNotMatch", 403)


def test_an_unknown_key_is_refused_with_invalid_client_token_id(
    client_for: Callable[..., Any], db: None
) -> None:
    client = client_for("AKIAIOSFODNN7EXAMPLE", "x" * 40)
    code, status, message = error_of(client.list_users)
    assert (code, status) == ("InvalidClientTokenId", 403)
    assert message == "The security token included in the request is invalid."


def test_a_deactivated_key_is_refused_with_invalid_client_token_id(
    root_iam: Any, client_for: Callable[..., Any]
) -> None:
    root_iam.create_user(UserName="dave")
    keys = root_iam.create_access_key(UserName="dave")["AccessKey"]
    root_iam.update_access_key(UserName="dave", AccessKeyId=keys["AccessKeyId"], Status="Inactive")
    dave = client_for(keys["AccessKeyId"], keys["SecretAccessKey"], "sts")
    code, status, _ = error_of(dave.get_caller_identity)
    assert (code, status) == ("InvalidClientTokenId", 403)


def test_a_request_signed_20_minutes_ago_is_refused_with_request_expired(root_iam: Any) -> None:
    old = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(minutes=20)
    with mock.patch.object(botocore.auth, "get_current_datetime", return_value=old):
        code, status, message = error_of(root_iam.list_users)
    assert (code, status) == ("RequestExpired", 400)
    assert message.startswith("Signature expired")


def test_get_caller_identity_names_the_key_owner(
    root_iam: Any, client_for: Callable[..., Any], account: Account
) -> None:
    root_iam.create_user(UserName="erin")
    keys = root_iam.create_access_key(UserName="erin")["AccessKey"]
    sts = client_for(keys["AccessKeyId"], keys["SecretAccessKey"], "sts")
    identity = sts.get_caller_identity()
    assert identity["Account"] == account.id
    assert identity["Arn"] == f"arn:aws:iam::{account.id}:user/erin"
    assert identity["UserId"].startswith("AIDA")


def test_a_presigned_get_caller_identity_url_is_accepted(
    root_keys: tuple[str, str], client_for: Callable[..., Any], live_server: LiveServer
) -> None:
    sts = client_for(*root_keys, "sts")
    url = sts.generate_presigned_url("get_caller_identity", ExpiresIn=60, HttpMethod="GET")
    status, body = http(url)
    assert status == 200, body
    assert "<GetCallerIdentityResponse" in body and ":root</Arn>" in body


def test_list_users_pages_with_an_opaque_marker(root_iam: Any) -> None:
    for n in range(7):
        root_iam.create_user(UserName=f"user{n}", Path="/team/" if n % 2 else "/")
    first = root_iam.list_users(MaxItems=3)
    assert first["IsTruncated"] is True and len(first["Users"]) == 3
    names = [u["UserName"] for u in first["Users"]]
    marker = first["Marker"]
    while marker:
        page = root_iam.list_users(MaxItems=3, Marker=marker)
        names += [u["UserName"] for u in page["Users"]]
        marker = page.get("Marker")
        assert page["IsTruncated"] is bool(marker)
    assert names == [f"user{n}" for n in range(7)]
    paginated = root_iam.get_paginator("list_users").paginate(
        PathPrefix="/team/", PaginationConfig={"PageSize": 2}
    )
    assert [u["UserName"] for p in paginated for u in p["Users"]] == ["user1", "user3", "user5"]


def test_errors_carry_aws_codes_and_statuses(root_iam: Any) -> None:
    root_iam.create_user(UserName="frank")
    assert error_of(root_iam.get_user, UserName="nobody")[:2] == ("NoSuchEntity", 404)
    assert error_of(root_iam.create_user, UserName="frank")[:2] == ("EntityAlreadyExists", 409)
    code, status, message = error_of(
        root_iam.create_policy, PolicyName="Bad", PolicyDocument='{"Version": "2012-10-17"'
    )
    assert (code, status) == ("MalformedPolicyDocument", 400)
    code, status, _ = error_of(root_iam.create_user, UserName="bad name!")
    assert status == 400
    keys = [root_iam.create_access_key(UserName="frank") for _ in range(2)]
    assert keys and error_of(root_iam.create_access_key, UserName="frank")[:2] == (
        "LimitExceeded",
        409,
    )


def test_a_missing_required_parameter_is_a_validation_error_in_aws_words(
    root_keys: tuple[str, str], live_server: LiveServer
) -> None:
    import boto3

    client = boto3.client(
        "iam",
        endpoint_url=live_server.url,
        region_name="us-east-1",
        aws_access_key_id=root_keys[0],
        aws_secret_access_key=root_keys[1],
        config=botocore.config.Config(parameter_validation=False),
    )
    code, status, message = error_of(client.create_user)
    assert (code, status) == ("ValidationError", 400)
    assert message == (
        "1 validation error detected: Value null at 'userName' failed to satisfy constraint: "
        "Member must not be null"
    )


def test_an_unknown_action_is_invalid_action(
    root_keys: tuple[str, str], client_for: Callable[..., Any], live_server: LiveServer
) -> None:
    import botocore.awsrequest
    import botocore.credentials

    request = botocore.awsrequest.AWSRequest(
        method="POST",
        url=live_server.url + "/",
        data={"Action": "FlyToTheMoon", "Version": "2010-05-08"},
    )
    botocore.auth.SigV4Auth(
        botocore.credentials.Credentials(*root_keys), "iam", "us-east-1"
    ).add_auth(request)
    prepared = request.prepare()
    body_bytes = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
    status, body = http(prepared.url, data=body_bytes, headers=dict(prepared.headers))
    assert status == 400
    assert "<Code>InvalidAction</Code>" in body


def test_the_console_still_answers_browsers_on_the_same_port(
    live_server: LiveServer, db: None
) -> None:
    status, body = http(live_server.url + "/signin/")
    assert status == 200 and "<html" in body.lower()


def test_a_key_remembers_its_last_use(root_iam: Any, client_for: Callable[..., Any]) -> None:
    root_iam.create_user(UserName="gina")
    keys = root_iam.create_access_key(UserName="gina")["AccessKey"]
    client_for(keys["AccessKeyId"], keys["SecretAccessKey"], "sts").get_caller_identity()
    used = root_iam.get_access_key_last_used(AccessKeyId=keys["AccessKeyId"])
    assert used["UserName"] == "gina"
    assert used["AccessKeyLastUsed"]["ServiceName"] == "sts"
    assert used["AccessKeyLastUsed"]["Region"] == "us-east-1"
    stored = AccessKey.objects.get(access_key_id=keys["AccessKeyId"])
    assert stored.last_used_service == "sts" and stored.last_used_at is not None


def test_the_credential_report_shows_a_keys_last_use(
    root_iam: Any, client_for: Callable[..., Any]
) -> None:
    root_iam.create_user(UserName="hank")
    keys = root_iam.create_access_key(UserName="hank")["AccessKey"]
    client_for(keys["AccessKeyId"], keys["SecretAccessKey"], "sts").get_caller_identity()
    assert root_iam.generate_credential_report()["State"] == "COMPLETE"
    report = root_iam.get_credential_report()["Content"].decode()
    header, *rows = report.splitlines()
    columns = header.split(",")
    hank = dict(
        zip(columns, next(r for r in rows if r.startswith("hank,")).split(","), strict=True)
    )
    assert hank["access_key_1_last_used_service"] == "sts"
    assert hank["access_key_1_last_used_region"] == "us-east-1"
