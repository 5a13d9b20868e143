"""In a browser: EC2's Instance state menu under a tag-conditioned policy, and Launch
instance with an instance profile."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect
from pytest_django import Settings

from domain import iam as services
from domain.ec2 import instances
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor
from tests.browser.test_switch_role import sign_in_as_user
from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("aws_managed_policies")

AL2023 = "ami-0c02fb55956c7d316"
STOP_DEV = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*"},
            {
                "Effect": "Allow",
                "Action": "ec2:StopInstances",
                "Resource": "arn:aws:ec2:*:*:instance/*",
                "Condition": {"StringEquals": {"aws:ResourceTag/Env": "dev"}},
            },
        ],
    }
)


def stop(page: Page, instance_id: str) -> None:
    page.get_by_label(f"Select {instance_id}").check()
    page.get_by_test_id("instance-state-menu").locator("summary").click()
    page.get_by_role("button", name="Stop instance").click()


def test_a_user_may_stop_the_dev_instance_and_not_the_prod_one(
    page: Page, root_actor: Actor, settings: Settings
) -> None:
    settings.EC2_TRANSITION_SECONDS = 0
    dev, prod = (
        instances.run_instances(actor=root_actor, image_id=AL2023, tags=[("Env", env)])
        .instances[0]
        .instance_id
        for env in ("dev", "prod")
    )
    user = services.create_user_with_access(
        actor=root_actor,
        new=services.NewUser(name="ops", console_password=PASSWORD, password_reset_required=False),
    )
    policy_services.put_user_policy(actor=root_actor, user=user, name="StopDev", document=STOP_DEV)

    sign_in_as_user(page, root_actor.account.id, "ops")
    page.goto("/ec2/instances/")
    expect(page.get_by_test_id(f"state-{dev}")).to_have_text("Running")
    stop(page, dev)
    expect(page.get_by_role("status")).to_contain_text(f"Successfully stopped {dev}")
    expect(page.get_by_test_id(f"state-{dev}")).to_have_text("Stopped")

    stop(page, prod)
    status = page.get_by_role("status")
    expect(status).to_contain_text(f"Failed to stop the instance {prod}.")
    expect(status).to_contain_text(
        f"You are not authorized to perform this operation. User: {user.arn} is not authorized "
        f"to perform: ec2:StopInstances on resource: arn:aws:ec2:us-east-1:"
        f"{root_actor.account.id}:instance/{prod}"
    )
    expect(status).to_contain_text("Encoded authorization failure message:")
    expect(page.get_by_test_id(f"state-{prod}")).to_have_text("Running")


def test_root_launches_an_instance_with_a_role(
    page: Page, root_actor: Actor, settings: Settings
) -> None:
    settings.EC2_TRANSITION_SECONDS = 0
    services.create_role_with_permissions(
        actor=root_actor,
        name="WebRole",
        trust_policy=services.service_trust_policy("ec2"),
        instance_profile=True,
    )
    page.goto("/signin/")
    page.get_by_label("Root user email address").fill(root_actor.principal.email or "")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="IAM Dashboard")).to_be_visible()

    page.goto("/ec2/instances/")
    page.get_by_test_id("region-menu").click()
    page.get_by_role("link", name="Europe (Ireland)").click()
    page.get_by_role("link", name="Launch instances").click()
    page.get_by_label("Name", exact=True).fill("web-1")
    page.get_by_label("Ubuntu Server 24.04 LTS").check()
    page.get_by_role("combobox", name="Instance type").select_option("t3.micro")
    page.locator("summary", has_text="Advanced details").click()
    page.get_by_role("combobox", name="IAM instance profile").select_option("WebRole")
    page.get_by_role("button", name="Launch instance").click()
    expect(page.get_by_role("status")).to_contain_text("Successfully initiated launch of instance")
    page.get_by_role("link", name="Security").click()
    expect(page.get_by_test_id("security-role")).to_have_text("WebRole")
    page.get_by_role("link", name="Instances", exact=True).first.click()
    expect(page.get_by_role("cell", name="web-1", exact=True)).to_be_visible()
    expect(page.get_by_test_id("region-menu")).to_have_text("Europe (Ireland)")
