"""The real AWS CLI (awscli from PyPI) against the live server, configured from files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path


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


def test_the_cli_is_denied_then_allowed_with_the_engines_message(tmp_path, live_server, root_keys):
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


def test_the_cli_reports_a_wrong_secret(tmp_path, live_server, root_keys):
    write_profile(tmp_path, "wrong", root_keys[0], "w" * 40)
    result = aws(tmp_path, live_server.url, "wrong", "iam", "list-users")
    assert result.returncode != 0 and "(SignatureDoesNotMatch)" in result.stderr
