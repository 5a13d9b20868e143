"""IAM_API_AUTH=off: no signature checks, unknown keys act as root of 123456789012."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from pytest_django import Settings
from pytest_django.live_server_helper import LiveServer

from accounts.models import Account
from tests.api.conftest import http


@pytest.fixture
def auth_off(settings: Settings) -> None:
    settings.IAM_API_AUTH = "off"


def test_an_unknown_key_acts_as_root_of_the_test_account(
    auth_off: None, client_for: Callable[..., Any], db: None
) -> None:
    sts = client_for("AKIAANYTHING0000TEST", "anything", "sts")
    identity = sts.get_caller_identity()
    assert identity["Account"] == "123456789012"
    assert identity["Arn"] == "arn:aws:iam::123456789012:root"
    iam = client_for("testing", "testing")
    iam.create_user(UserName="ci-user")
    assert [u["Arn"] for u in iam.list_users()["Users"]] == [
        "arn:aws:iam::123456789012:user/ci-user"
    ]


def test_the_reset_endpoint_empties_the_test_account(
    auth_off: None, client_for: Callable[..., Any], live_server: LiveServer, db: None
) -> None:
    iam = client_for("testing", "testing")
    iam.create_user(UserName="temp")
    status, _ = http(live_server.url + "/_api/reset", data=b"")
    assert status == 200
    assert not Account.objects.filter(id="123456789012").exists()
    assert iam.list_users()["Users"] == []


def test_the_reset_endpoint_does_not_exist_when_signatures_are_enforced(
    live_server: LiveServer, db: None
) -> None:
    status, _ = http(live_server.url + "/_api/reset", data=b"")
    assert status in (302, 403, 404)


def test_settings_refuse_auth_off_without_debug_or_the_opt_in() -> None:
    import os
    import subprocess
    import sys

    env = os.environ | {
        "IAM_API_AUTH": "off",
        "DEBUG": "false",
        "IAM_API_AUTH_OFF_I_UNDERSTAND": "",
    }
    code = "import django; django.setup()"
    env["DJANGO_SETTINGS_MODULE"] = "iamconsole.settings"
    refused = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert refused.returncode != 0 and "IAM_API_AUTH=off" in refused.stderr
    env["IAM_API_AUTH_OFF_I_UNDERSTAND"] = "true"
    allowed = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert allowed.returncode == 0, allowed.stderr


ROOT_TRUST = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
    '"Principal":{"AWS":"arn:aws:iam::123456789012:root"},"Action":"sts:AssumeRole"}]}'
)


def test_the_test_accounts_root_may_assume_a_role_in_this_mode_only(
    auth_off: None, client_for: Callable[..., Any], db: None
) -> None:
    iam = client_for("testing", "testing")
    arn = iam.create_role(RoleName="ci-role", AssumeRolePolicyDocument=ROOT_TRUST)["Role"]["Arn"]
    assumed = client_for("testing", "testing", "sts").assume_role(RoleArn=arn, RoleSessionName="ci")
    creds = assumed["Credentials"]
    assert assumed["AssumedRoleUser"]["Arn"] == (
        "arn:aws:sts::123456789012:assumed-role/ci-role/ci"
    )
    session = client_for(
        creds["AccessKeyId"],
        creds["SecretAccessKey"],
        "sts",
        aws_session_token=creds["SessionToken"],
    )
    assert session.get_caller_identity()["Arn"] == assumed["AssumedRoleUser"]["Arn"]
