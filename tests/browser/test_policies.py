from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from accounts.models import Principal
from domain.iam import policies as services
from domain.kernel.actors import system_actor
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


def test_root_tags_a_new_policy_on_review_then_changes_its_tags_on_the_tags_tab(
    page: Page, root: Principal, aws_managed_policies: None
) -> None:
    sign_in_as_root(page)
    page.goto("/policies/create/")
    page.get_by_test_id("policy-editor").fill(
        json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
            },
            indent=4,
        )
    )
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Policy name").fill("Tagged")
    page.get_by_role("button", name="Add new tag").click()
    expect(page.get_by_label("Policy name")).to_have_value("Tagged")
    page.locator("#tag-key-0").fill("Team")
    page.locator("#tag-value-0").fill("blue")
    page.get_by_role("button", name="Create policy").click()
    expect(page.get_by_text("Policy Tagged created.")).to_be_visible()

    page.get_by_role("link", name="Tags").click()
    tags = page.get_by_test_id("policy-tags")
    expect(tags).to_contain_text("Team")
    page.get_by_label("Key").fill("team")  # another key: policy tag keys are case-sensitive
    page.get_by_label("Value - optional").fill("red")
    page.get_by_role("button", name="Add tag").click()
    expect(page.get_by_text("Tag team saved.")).to_be_visible()
    page.get_by_label("Remove tag Team", exact=True).click()  # AWS asks first
    page.get_by_role("dialog", name="Remove tag Team?").get_by_role("button", name="Remove").click()
    expect(page.get_by_text("Tag Team removed.")).to_be_visible()
    expect(page.get_by_test_id("policy-tags").get_by_role("row")).to_have_count(2)
    assert ManagedPolicy.objects.get(name="Tagged").tags == [{"Key": "team", "Value": "red"}]

    page.get_by_label("Key").fill("aws:reserved")
    page.get_by_role("button", name="Add tag").click()
    expect(page.get_by_test_id("tags-error")).to_contain_text("reserved prefix aws:")


def test_root_compares_two_versions_side_by_side(
    page: Page, root: Principal, aws_managed_policies: None
) -> None:
    def document(action: str) -> str:
        statement = {"Effect": "Allow", "Action": action, "Resource": "*"}
        return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, indent=4)

    actor = system_actor(root)
    policy = services.create_policy(actor=actor, name="Reports", document=document("s3:Get*"))
    services.create_policy_version(actor=actor, policy=policy, document=document("s3:*"))
    sign_in_as_root(page)
    page.goto("/policies/local/Reports/?tab=versions")
    expect(page.get_by_label("Compare")).to_have_value("v1")
    expect(page.get_by_label("with")).to_have_value("v2")
    page.get_by_role("button", name="Compare").click()

    expect(page.get_by_role("heading", name="Comparing v1 with v2")).to_be_visible()
    expect(page.get_by_test_id("diff-counts")).to_have_text("1 line removed, 1 line added.")
    diff = page.get_by_test_id("version-diff")
    expect(diff.locator(".diff-removed")).to_have_text('Removed:         "Action": "s3:Get*",')
    expect(diff.locator(".diff-added")).to_have_text('Added:         "Action": "s3:*",')


def test_root_adds_a_statement_with_the_visual_editor_on_edit_policy(
    page: Page, root: Principal, aws_managed_policies: None
) -> None:
    document = {
        "Version": "2012-10-17",
        "Statement": [
            {"Sid": "Read", "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
        ],
    }
    policy = services.create_policy(
        actor=system_actor(root), name="Reports", document=json.dumps(document, indent=4)
    )
    sign_in_as_root(page)
    page.goto("/policies/local/Reports/")
    page.get_by_role("link", name="Edit").click()
    page.get_by_role("button", name="Visual").click()
    expect(page.get_by_test_id("visual-note")).to_contain_text("in the JSON editor")
    page.get_by_label("Service").select_option("s3")  # htmx swaps in the actions
    page.get_by_label("Deny").check()
    page.locator("details.access-level > summary").filter(has_text=re.compile(r"^Write")).click()
    page.get_by_label("DeleteObject", exact=True).check()
    page.get_by_role("button", name="Add statement and show JSON").click()

    editor = page.get_by_test_id("policy-editor")
    expect(editor).to_contain_text('"Sid": "Read"')
    expect(editor).to_contain_text('"s3:DeleteObject"')
    assert PolicyVersion.objects.filter(policy=policy).count() == 1
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Policy Reports updated.")).to_be_visible()
    expect(page.get_by_test_id("policy-summary")).to_contain_text("Explicit deny")
    default = PolicyVersion.objects.get(policy=policy, is_default=True)
    assert default.version_id == "v2"
    assert [s["Effect"] for s in json.loads(default.document)["Statement"]] == ["Allow", "Deny"]
