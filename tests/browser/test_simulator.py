from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from accounts.models import Principal
from domain import iam as services
from domain.iam import policies as policy_services
from domain.kernel.actors import system_actor
from tests.conftest import PASSWORD

DEVELOPERS_S3 = """{
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "ReadDevBuckets", "Effect": "Allow",
         "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*"},
        {"Sid": "ProtectReports", "Effect": "Deny",
         "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::reports/*"}
    ]
}"""


def test_root_simulates_a_group_members_s3_access_and_reads_the_deciding_sid(
    page: Page, root: Principal
) -> None:
    actor = system_actor(root)
    mia = services.create_user_with_access(
        actor=actor,
        new=services.NewUser(name="Mia", console_password=PASSWORD, password_reset_required=False),
    )
    developers = services.create_group(actor=actor, name="Developers")
    services.add_user_to_group(actor=actor, group=developers, user=mia)
    policy = policy_services.create_policy(
        actor=actor, name="DevelopersS3ReadOnly", document=DEVELOPERS_S3
    )
    policy_services.attach_group_policy(actor=actor, group=developers, policy=policy)

    page.goto("/signin/")
    page.get_by_label("Root user email address").fill("owner@example.com")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Policy simulator").click()

    page.get_by_label("Users, groups and roles").select_option("user:Mia")
    page.get_by_label("Service").select_option("s3")
    page.get_by_label("GetObject", exact=True).check()
    page.get_by_label("Actions (type them").fill("s3:DeleteObject, iam:CreateUser")
    page.get_by_label("Resource ARNs").fill("arn:aws:s3:::reports/q3.csv")
    page.get_by_role("button", name="Run simulation").click()

    results = page.get_by_test_id("sim-results")
    get_row = results.get_by_role("row").filter(has_text="s3:GetObject")
    expect(get_row).to_contain_text("allowed")
    expect(get_row).to_contain_text("Allowed by Sid ReadDevBuckets")
    expect(get_row).to_contain_text(policy.arn)
    delete_row = results.get_by_role("row").filter(has_text="s3:DeleteObject")
    expect(delete_row).to_contain_text("explicitly denied")
    expect(delete_row).to_contain_text("Denied by Sid ProtectReports")
    iam_row = results.get_by_role("row").filter(has_text="iam:CreateUser")
    expect(iam_row).to_contain_text("implicitly denied")
    expect(iam_row).to_contain_text(
        "because no identity-based policy allows the iam:CreateUser action"
    )


def test_root_simulates_an_action_pattern_and_sees_each_action_it_stands_for(
    page: Page, root: Principal
) -> None:
    actor = system_actor(root)
    mia = services.create_user_with_access(
        actor=actor,
        new=services.NewUser(name="Mia", console_password=PASSWORD, password_reset_required=False),
    )
    policy = policy_services.create_policy(
        actor=actor, name="DevelopersS3ReadOnly", document=DEVELOPERS_S3
    )
    policy_services.attach_user_policy(actor=actor, user=mia, policy=policy)

    page.goto("/signin/")
    page.get_by_label("Root user email address").fill("owner@example.com")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Policy simulator").click()

    page.get_by_label("Users, groups and roles").select_option("user:Mia")
    page.get_by_label("Actions (type them").fill("s3:GetObject*")
    page.get_by_role("button", name="Run simulation").click()

    expect(page.get_by_test_id("sim-expanded")).to_contain_text("s3:GetObject* matches")
    results = page.get_by_test_id("sim-results")
    get_object = results.get_by_role("row", name=re.compile(r"^s3:GetObject \*"))
    expect(get_object).to_contain_text("allowed")
    expect(results.get_by_role("row").filter(has_text="s3:GetObjectAcl")).to_contain_text(
        "implicitly denied"
    )

    page.get_by_label("Actions (type them").fill("ec2:*")
    page.get_by_role("button", name="Run simulation").click()
    expect(page.get_by_test_id("sim-error")).to_contain_text(
        "the simulator runs at most 200 at once"
    )
