"""The real AWS CLI's ec2 commands against the live server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pytest_django.live_server_helper import LiveServer

from accounts.models import Role
from domain import iam as services
from domain.kernel.actors import Actor
from tests.api.test_aws_cli import aws, write_profile
from tests.ec2.conftest import allow, user_with

AL2023 = "ami-0c02fb55956c7d316"


@pytest.mark.django_db(transaction=True)
def test_run_instances_with_a_profile_filters_stop_start_and_tags(
    tmp_path: Path,
    live_server: LiveServer,
    root_actor: Actor,
    root_keys: tuple[str, str],
    ec2_role: Role,
) -> None:
    url = live_server.url
    write_profile(tmp_path, "root", *root_keys)
    launch = {"Effect": "Allow", "Action": ["ec2:RunInstances", "ec2:CreateTags"], "Resource": "*"}
    user = user_with(root_actor, "launcher", allow(launch))
    key = services.create_access_key(actor=root_actor, user=user)
    write_profile(tmp_path, "launcher", key.key.access_key_id, key.secret)
    run = ("ec2", "run-instances", "--image-id", AL2023, "--instance-type", "t3.micro")
    profile = ("--iam-instance-profile", "Name=AppServer")
    tags = ("--tag-specifications", "ResourceType=instance,Tags=[{Key=Env,Value=dev}]")

    refused = aws(tmp_path, url, "launcher", *run, *profile, *tags)
    assert refused.returncode != 0
    assert "(UnauthorizedOperation)" in refused.stderr
    assert f"iam:PassRole on resource: {ec2_role.arn}" in refused.stderr

    made = aws(tmp_path, url, "root", *run, *profile, *tags)
    assert made.returncode == 0, made.stderr
    instance_id = json.loads(made.stdout)["Instances"][0]["InstanceId"]
    other = aws(tmp_path, url, "root", *run)
    assert other.returncode == 0, other.stderr

    found = aws(
        tmp_path,
        url,
        "root",
        "ec2",
        "describe-instances",
        "--filters",
        "Name=tag:Env,Values=dev",
        "Name=instance-state-name,Values=running",
        "--query",
        "Reservations[].Instances[].[InstanceId,IamInstanceProfile.Arn]",
    )
    assert found.returncode == 0, found.stderr
    [[listed, profile_arn]] = json.loads(found.stdout)
    assert listed == instance_id and profile_arn.endswith(":instance-profile/AppServer")

    stopped = aws(tmp_path, url, "root", "ec2", "stop-instances", "--instance-ids", instance_id)
    assert json.loads(stopped.stdout)["StoppingInstances"][0]["CurrentState"]["Name"] == "stopping"
    started = aws(tmp_path, url, "root", "ec2", "start-instances", "--instance-ids", instance_id)
    assert json.loads(started.stdout)["StartingInstances"][0]["PreviousState"]["Name"] == "stopped"

    tagged = aws(
        tmp_path,
        url,
        "root",
        "ec2",
        "create-tags",
        "--resources",
        instance_id,
        "--tags",
        "Key=Name,Value=web",
    )
    assert tagged.returncode == 0, tagged.stderr
    described = aws(
        tmp_path,
        url,
        "root",
        "ec2",
        "describe-tags",
        "--filters",
        f"Name=resource-id,Values={instance_id}",
    )
    pairs = {(t["Key"], t["Value"]) for t in json.loads(described.stdout)["Tags"]}
    assert pairs == {("Env", "dev"), ("Name", "web")}
