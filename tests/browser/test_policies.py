from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from accounts.actors import system_actor
from accounts.models import Principal
from policies import services
from policies.models import ManagedPolicy, PolicyVersion
from tests.conftest import PASSWORD

BROKEN = """{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "ReadReports",
            "Effect": "Allow"
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::reports/*"
        }
    ]
}"""


def sign_in_as_root(page: Page) -> None:
    page.goto("/signin/")
    page.get_by_label("Root user email address").fill("owner@example.com")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="IAM Dashboard")).to_be_visible()


def test_root_fixes_the_error_the_editor_points_at_and_creates_a_policy(
    page: Page, root: Principal, aws_managed_policies: None
) -> None:
    sign_in_as_root(page)
    page.get_by_role("link", name="Policies").click()
    page.get_by_role("link", name="Create policy").click()
    editor = page.get_by_test_id("policy-editor")
    editor.fill(BROKEN)
    editor.press("End")  # a keystroke: the editor validates as you type

    error = page.get_by_test_id("policy-error")
    expect(error).to_contain_text("Syntax errors in policy.")
    where = error.locator(".problem-where").inner_text()  # "Line 7, Column 13"
    line = int(where.split(",")[0].removeprefix("Line "))
    assert BROKEN.splitlines()[line - 1].strip() == '"Action": "s3:GetObject",'

    fixed = BROKEN.replace('"Effect": "Allow"\n', '"Effect": "Allow",\n')
    editor.fill(fixed)
    editor.press("End")
    expect(page.get_by_test_id("policy-ok")).to_be_visible()
    expect(page.get_by_test_id("policy-error")).to_have_count(0)

    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Review and create")).to_be_visible()
    expect(page.get_by_test_id("policy-summary")).to_contain_text("Amazon S3")
    page.get_by_label("Policy name").fill("ReportsReadOnly")
    page.get_by_label("Description - optional").fill("Read the reports bucket")
    page.get_by_role("button", name="Create policy").click()

    expect(page.get_by_text("Policy ReportsReadOnly created.")).to_be_visible()
    expect(page.get_by_test_id("policy-arn")).to_have_text(
        f"arn:aws:iam::{root.account_id}:policy/ReportsReadOnly"
    )
    expect(page.get_by_test_id("policy-document")).to_contain_text('"Sid": "ReadReports"')
    assert ManagedPolicy.objects.get(name="ReportsReadOnly").description == (
        "Read the reports bucket"
    )


def test_root_makes_a_second_version_then_sets_v1_default_again(
    page: Page, root: Principal, aws_managed_policies: None
) -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
    }
    policy = services.create_policy(
        actor=system_actor(root), name="Reports", document=json.dumps(document, indent=4)
    )
    sign_in_as_root(page)
    page.goto("/policies/local/Reports/")
    page.get_by_role("link", name="Edit").click()
    editor = page.get_by_test_id("policy-editor")
    editor.fill(json.dumps(document, indent=4).replace('"s3:GetObject"', '"s3:Get*"'))
    editor.press("End")
    expect(page.get_by_test_id("policy-ok")).to_be_visible()
    page.get_by_role("button", name="Save changes").click()

    expect(page.get_by_text("Policy Reports updated.")).to_be_visible()
    expect(page.get_by_test_id("policy-document")).to_contain_text('"s3:Get*"')
    page.get_by_role("link", name="Policy versions").click()
    expect(page.get_by_test_id("version-v2")).to_contain_text("(Default)")
    expect(page.get_by_test_id("version-v1")).not_to_contain_text("(Default)")

    page.get_by_test_id("version-v1").get_by_role("button", name="Set as default").click()
    expect(page.get_by_text("Version v1 is now the default version.")).to_be_visible()
    expect(page.get_by_test_id("version-v1")).to_contain_text("(Default)")
    assert PolicyVersion.objects.get(policy=policy, is_default=True).version_id == "v1"
    page.get_by_role("link", name="Permissions").click()
    expect(page.get_by_test_id("policy-document")).to_contain_text('"s3:GetObject"')
