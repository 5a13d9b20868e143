"""Instance credentials: the metadata endpoint answers botocore and the real CLI, with only
the lines the Connect page shows in the environment: `aws s3 ls` works with the role's
permissions, `aws iam list-users` is denied (seed 003's role lab)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import urllib.request
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role
from domain import s3
from domain.ec2 import instances
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor
from ec2.models import Instance
from policies.models import ManagedPolicy
from tests.api.conftest import http

AL2023 = "ami-0c02fb55956c7d316"


def launch(root_actor: Actor, profile: str | None) -> Instance:
    return instances.run_instances(
        actor=root_actor, image_id=AL2023, instance_profile_name=profile
    ).instances[0]


def on_instance(tmp_path: Path, live_server: LiveServer, instance: Instance, *args: str) -> Any:
    (tmp_path / "config").write_text("")
    (tmp_path / "credentials").write_text("")
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")} | {
        "HOME": str(tmp_path),
        "AWS_CONFIG_FILE": str(tmp_path / "config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "credentials"),
        "AWS_EC2_METADATA_SERVICE_ENDPOINT": (
            f"{live_server.url}/ec2-imds/{instance.metadata_secret}/"
        ),
        "AWS_ENDPOINT_URL": live_server.url,
        # awscli v1 takes no region from the metadata service (v2 does): the Connect page
        # shows this third line.
        "AWS_DEFAULT_REGION": instance.region,
    }
    command = [sys.executable, "-m", "awscli", *args, "--output", "json"]
    return subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.django_db(transaction=True)
def test_the_cli_on_an_instance_acts_as_its_role(
    tmp_path: Path, live_server: LiveServer, root_actor: Actor, ec2_role: Role
) -> None:
    # Seed 003's role lab: the instance's role reads S3.
    read_only = ManagedPolicy.objects.get(account=None, name="AmazonS3ReadOnlyAccess")
    policy_services.attach_role_policy(actor=root_actor, role=ec2_role, policy=read_only)
    s3.create_bucket(actor=root_actor, name="lab-reports")
    instance = launch(root_actor, "AppServer")
    who = on_instance(tmp_path, live_server, instance, "sts", "get-caller-identity")
    assert who.returncode == 0, who.stderr
    arn = json.loads(who.stdout)["Arn"]
    assert arn.endswith(f":assumed-role/AppServer/{instance.instance_id}")
    allowed = on_instance(tmp_path, live_server, instance, "ec2", "describe-instances")
    assert allowed.returncode == 0, allowed.stderr
    found = json.loads(allowed.stdout)["Reservations"][0]["Instances"][0]
    assert found["InstanceId"] == instance.instance_id
    listed = on_instance(tmp_path, live_server, instance, "s3", "ls")
    assert listed.returncode == 0, listed.stderr
    assert "lab-reports" in listed.stdout
    denied = on_instance(tmp_path, live_server, instance, "iam", "list-users")
    assert denied.returncode != 0
    assert "(AccessDenied)" in denied.stderr and "iam:ListUsers" in denied.stderr
    refused = on_instance(tmp_path, live_server, instance, "s3", "mb", "s3://lab-uploads")
    assert refused.returncode != 0 and "AccessDenied" in refused.stderr


@pytest.mark.django_db(transaction=True)
def test_the_endpoint_wants_a_token_and_rotates_before_expiry(
    live_server: LiveServer, root_actor: Actor, ec2_role: Role
) -> None:
    instance = launch(root_actor, "AppServer")
    base = f"{live_server.url}/ec2-imds/{instance.metadata_secret}/"
    path = "latest/meta-data/iam/security-credentials/"
    assert http(base + path)[0] == 401
    request = urllib.request.Request(
        base + "latest/api/token",
        method="PUT",
        headers={"x-aws-ec2-metadata-token-ttl-seconds": "60"},
    )
    with urllib.request.urlopen(request) as response:
        status, token = response.status, response.read().decode()
    assert status == 200
    headers = {"x-aws-ec2-metadata-token": token}
    assert http(base + path, headers=headers) == (200, "AppServer")
    first = json.loads(http(base + path + "AppServer", headers=headers)[1])
    again = json.loads(http(base + path + "AppServer", headers=headers)[1])
    assert first["Code"] == "Success" and first["AccessKeyId"].startswith("ASIA")
    assert again["AccessKeyId"] == first["AccessKeyId"]
    # Ten minutes before expiry the next read gets new credentials.
    credential = Instance.objects.get(pk=instance.pk).imds_credential
    assert credential is not None
    credential.expires_at = credential.issued_at + timedelta(minutes=10)
    credential.save()
    rotated = json.loads(http(base + path + "AppServer", headers=headers)[1])
    assert rotated["AccessKeyId"] != first["AccessKeyId"]
    assert http(f"{live_server.url}/ec2-imds/wrong/{path}", headers=headers)[0] == 404
