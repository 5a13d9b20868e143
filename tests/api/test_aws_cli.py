"""The real AWS CLI (awscli from PyPI) against the live server, configured from files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from pytest_django.live_server_helper import LiveServer

from accounts.models import Principal
from domain.kernel.actors import Actor


def aws(
    tmp_path: Path, endpoint: str, profile: str, *args: str
) -> subprocess.CompletedProcess[str]:
    env = os.environ | {
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AWS_PROFILE": profile,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_MAX_ATTEMPTS": "1",
    }
    command = [
        sys.executable,
        "-m",
        "awscli",
        *args,
        "--endpoint-url",
        endpoint,
        "--output",
        "json",
    ]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


def write_profile(tmp_path: Path, name: str, key_id: str, secret: str) -> None:
    with (tmp_path / "credentials").open("a") as f:
        f.write(f"[{name}]\naws_access_key_id = {key_id}\naws_secret_access_key = {secret}\n")


def test_the_cli_is_denied_then_allowed_with_the_engines_message(
    tmp_path: Path, live_server: LiveServer, root_keys: tuple[str, str]
) -> None:
    endpoint = live_server.url
    write_profile(tmp_path, "root", *root_keys)
    assert (
        aws(tmp_path, endpoint, "root", "iam", "create-user", "--user-name", "cli-user").returncode
        == 0
    )
    made = aws(tmp_path, endpoint, "root", "iam", "create-access-key", "--user-name", "cli-user")
    key = json.loads(made.stdout)["AccessKey"]
    write_profile(tmp_path, "student", key["AccessKeyId"], key["SecretAccessKey"])

    denied = aws(tmp_path, endpoint, "student", "iam", "list-users")
    assert denied.returncode != 0
    assert "(AccessDenied)" in denied.stderr
    assert "is not authorized to perform: iam:ListUsers" in denied.stderr

    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iam:List*", "Resource": "*"}],
        }
    )
    policy = aws(
        tmp_path,
        endpoint,
        "root",
        "iam",
        "create-policy",
        "--policy-name",
        "ListIam",
        "--policy-document",
        document,
    )
    arn = json.loads(policy.stdout)["Policy"]["Arn"]
    attached = aws(
        tmp_path,
        endpoint,
        "root",
        "iam",
        "attach-user-policy",
        "--user-name",
        "cli-user",
        "--policy-arn",
        arn,
    )
    assert attached.returncode == 0, attached.stderr
    allowed = aws(tmp_path, endpoint, "student", "iam", "list-users")
    assert allowed.returncode == 0, allowed.stderr
    assert [u["UserName"] for u in json.loads(allowed.stdout)["Users"]] == ["cli-user"]

    who = aws(tmp_path, endpoint, "student", "sts", "get-caller-identity")
    assert json.loads(who.stdout)["Arn"].endswith(":user/cli-user")


def test_the_cli_reports_a_wrong_secret(
    tmp_path: Path, live_server: LiveServer, root_keys: tuple[str, str]
) -> None:
    write_profile(tmp_path, "wrong", root_keys[0], "w" * 40)
    result = aws(tmp_path, live_server.url, "wrong", "iam", "list-users")
    assert result.returncode != 0 and "(SignatureDoesNotMatch)" in result.stderr


def assumable_role(root_actor: Actor, user: Principal, name: str) -> str:
    """A role trusting `user`, allowed iam:ListUsers; its ARN."""
    from domain import iam as services
    from domain.iam import policies as policy_services

    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": user.arn}, "Action": "sts:AssumeRole"}
        ],
    }
    role = services.create_role(actor=root_actor, name=name, trust_policy=json.dumps(trust))
    allow = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}],
    }
    policy_services.put_role_policy(
        actor=root_actor, role=role, name="ListUsers", document=json.dumps(allow)
    )
    return role.arn


def user_keys(root_actor: Actor, user: Principal) -> tuple[str, str]:
    from domain import iam as services

    new = services.create_access_key(actor=root_actor, user=user)
    return new.key.access_key_id, new.secret


def test_the_cli_assumes_a_role_and_a_profile_acts_with_the_session_token(
    tmp_path: Path, live_server: LiveServer, root_actor: Actor, alice: Principal
) -> None:
    endpoint = live_server.url
    role_arn = assumable_role(root_actor, alice, "CliReader")
    write_profile(tmp_path, "alice", *user_keys(root_actor, alice))
    denied = aws(tmp_path, endpoint, "alice", "iam", "list-users")
    assert "(AccessDenied)" in denied.stderr

    assumed = aws(
        tmp_path,
        endpoint,
        "alice",
        "sts",
        "assume-role",
        "--role-arn",
        role_arn,
        "--role-session-name",
        "cli-session",
    )
    assert assumed.returncode == 0, assumed.stderr
    credentials = json.loads(assumed.stdout)["Credentials"]
    with (tmp_path / "credentials").open("a") as f:
        f.write(
            "[reader]\n"
            f"aws_access_key_id = {credentials['AccessKeyId']}\n"
            f"aws_secret_access_key = {credentials['SecretAccessKey']}\n"
            f"aws_session_token = {credentials['SessionToken']}\n"
        )
    allowed = aws(tmp_path, endpoint, "reader", "iam", "list-users")
    assert allowed.returncode == 0, allowed.stderr
    assert [u["UserName"] for u in json.loads(allowed.stdout)["Users"]] == ["alice"]
    who = json.loads(aws(tmp_path, endpoint, "reader", "sts", "get-caller-identity").stdout)
    assert who["Arn"] == f"arn:aws:sts::{alice.account_id}:assumed-role/CliReader/cli-session"
    refused = aws(tmp_path, endpoint, "reader", "iam", "list-roles")
    assert "(AccessDenied)" in refused.stderr
    assert "assumed-role/CliReader/cli-session is not authorized" in refused.stderr


def test_a_role_arn_profile_sends_assume_role_to_aws_endpoint_url(
    tmp_path: Path, live_server: LiveServer, root_actor: Actor, alice: Principal
) -> None:
    """`role_arn` + `source_profile`: the CLI calls AssumeRole itself, at AWS_ENDPOINT_URL."""
    role_arn = assumable_role(root_actor, alice, "ProfileReader")
    write_profile(tmp_path, "alice", *user_keys(root_actor, alice))
    (tmp_path / "config").write_text(
        f"[profile reader]\nrole_arn = {role_arn}\nsource_profile = alice\n"
        "role_session_name = from-profile\n"
    )
    env = os.environ | {
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AWS_PROFILE": "reader",
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_MAX_ATTEMPTS": "1",
        "AWS_ENDPOINT_URL": live_server.url,
    }
    result = subprocess.run(
        [sys.executable, "-m", "awscli", "sts", "get-caller-identity", "--output", "json"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    arn = json.loads(result.stdout)["Arn"]
    assert arn == f"arn:aws:sts::{alice.account_id}:assumed-role/ProfileReader/from-profile"
