"""EC2's console pages with the test client: list, launch, instance page, state menu,
Modify IAM role, Connect (only for ec2-instance-connect:SendSSHPublicKey)."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import Principal, Role
from domain.ec2 import instances
from domain.iam.demo import DEMO_ACCOUNT_ID
from domain.kernel.actors import Actor
from ec2.models import Instance
from tests.ec2.conftest import allow, user_with

AL2023 = "ami-0c02fb55956c7d316"


def signed_in(user: Principal) -> Client:
    client = Client()
    client.force_login(user)
    return client


def launch(root_actor: Actor, **kwargs: object) -> str:
    made = instances.run_instances(actor=root_actor, image_id=AL2023, **kwargs)  # type: ignore[arg-type]  # test helper
    return made.instances[0].instance_id


@pytest.mark.django_db
def test_launch_list_and_instance_page(root: Principal, ec2_role: Role) -> None:
    client = signed_in(root)
    page = client.get("/ec2/instances/launch/")
    assert page.status_code == 200
    assert "Amazon Linux 2023 AMI" in page.content.decode()
    made = client.post(
        "/ec2/instances/launch/?region=eu-west-1",
        {
            "region": "eu-west-1",
            "name": "web-1",
            "image_id": AL2023,
            "instance_type": "t3.micro",
            "instance_profile": "AppServer",
            "count": "1",
        },
        follow=True,
    )
    text = made.content.decode()
    assert "Successfully initiated launch of instance (i-" in text
    instance_id = re.search(r"\((i-[0-9a-f]{17})\)", text).group(1)  # type: ignore[union-attr]  # found above
    security = client.get(f"/ec2/instances/{instance_id}/?region=eu-west-1&tab=security")
    assert "AppServer" in security.content.decode()
    listed = client.get("/ec2/instances/?region=eu-west-1").content.decode()
    assert "web-1" in listed and instance_id in listed and "Europe (Ireland)" in listed
    assert instance_id not in client.get("/ec2/instances/?region=us-east-1").content.decode()
    bad = client.post(
        "/ec2/instances/launch/",
        {"image_id": AL2023, "instance_type": "t3.micro", "count": "1", "tag_key": "aws:x"},
    )
    assert "reserved for internal use" in bad.content.decode()


@pytest.mark.django_db
def test_state_menu_and_modify_role(root: Principal, root_actor: Actor, ec2_role: Role) -> None:
    client = signed_in(root)
    instance_id = launch(root_actor, tags=[("Name", "db")])
    stopped = client.post(
        "/ec2/instances/state/",
        {"action": "stop", "instance_ids": [instance_id], "region": "us-east-1"},
        follow=True,
    )
    assert f"Successfully stopped {instance_id}" in stopped.content.decode()
    modify = f"/ec2/instances/{instance_id}/modify-iam-role/"
    assert "No IAM Role" in client.get(modify).content.decode()
    done = client.post(modify, {"instance_profile": "AppServer"}, follow=True)
    assert f"Successfully attached AppServer to instance {instance_id}" in done.content.decode()
    detached = client.post(modify, {"instance_profile": ""}, follow=True)
    assert "Successfully detached AppServer" in detached.content.decode()


@pytest.mark.django_db
def test_connect_needs_send_ssh_public_key(root_actor: Actor, ec2_role: Role) -> None:
    instance_id = launch(root_actor, instance_profile_name="AppServer")
    reader = user_with(
        root_actor, "reader", allow({"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"})
    )
    denied = signed_in(reader).get(f"/ec2/instances/{instance_id}/connect/")
    assert denied.status_code == 403
    assert "ec2-instance-connect:SendSSHPublicKey" in denied.content.decode()
    connector = user_with(
        root_actor,
        "connector",
        allow(
            {
                "Effect": "Allow",
                "Action": "ec2-instance-connect:SendSSHPublicKey",
                "Resource": "arn:aws:ec2:*:*:instance/*",
            }
        ),
    )
    page = signed_in(connector).get(f"/ec2/instances/{instance_id}/connect/").content.decode()
    assert "AWS_EC2_METADATA_SERVICE_ENDPOINT=http://testserver/ec2-imds/" in page
    assert "AWS_ENDPOINT_URL=http://testserver" in page


@pytest.mark.django_db
def test_a_denied_stop_shows_aws_wording(root_actor: Actor) -> None:
    instance_id = launch(root_actor)
    user = user_with(
        root_actor, "viewer", allow({"Effect": "Allow", "Action": "ec2:Describe*", "Resource": "*"})
    )
    client = signed_in(user)
    page = client.post(
        "/ec2/instances/state/", {"action": "stop", "instance_ids": [instance_id]}, follow=True
    ).content.decode()
    assert f"Failed to stop the instance {instance_id}. You are not authorized" in page
    assert "Encoded authorization failure message:" in page


@pytest.mark.django_db
def test_the_demo_has_a_running_instance_with_the_ec2_role() -> None:
    call_command("demo", stdout=StringIO())
    call_command("demo", stdout=StringIO())
    found = Instance.objects.get(account_id=DEMO_ACCOUNT_ID)
    assert found.instance_profile is not None
    assert found.instance_profile.name == "EC2-S3-Access"
    assert found.tag_dict()["Name"] == "demo-web"


@pytest.mark.django_db
def test_bad_or_foreign_instance_ids_are_not_found(root: Principal, root_actor: Actor) -> None:
    client = signed_in(root)
    for path in ("", "modify-iam-role/", "connect/"):
        for bad in ("nope", "i-0123456789abcdef0"):
            page = client.get(f"/ec2/instances/{bad}/{path}")
            assert page.status_code == 404, (bad, path)
    assert client.get("/ec2/instances/?region=mars-1").status_code == 200
    empty = client.post("/ec2/instances/state/", {"action": "stop"}, follow=True)
    assert "Select an instance first." in empty.content.decode()
