"""Console fidelity, round 2: editing statements in the visual policy editor, the create-user
wizard's step rail, and the confirmation before removing users from a group."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from accounts.models import Principal
from domain import iam as services
from domain.iam.policies import create_policy, default_document
from domain.kernel.actors import Actor
from tests.browser.test_fidelity import sign_in_as_root


def test_create_user_rail_shows_retrieve_password_only_with_a_console_password(
    page: Page, root: Principal
) -> None:
    sign_in_as_root(page)
    page.goto("/users/create/")
    steps = page.get_by_role("navigation", name="Steps").get_by_role("listitem")
    expect(steps.filter(visible=True)).to_have_count(3)
    expect(page.get_by_text("Retrieve password", exact=True)).to_be_hidden()
    page.get_by_label("Provide user access to the AWS Management Console").check()
    expect(steps.filter(visible=True)).to_have_count(4)
    expect(page.get_by_text("Retrieve password", exact=True)).to_be_visible()
    page.get_by_label("Provide user access to the AWS Management Console").uncheck()
    expect(steps.filter(visible=True)).to_have_count(3)

    page.get_by_label("User name").fill("dave")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Set permissions", exact=True)).to_be_visible()
    expect(steps.locator(".wizard-step-title, a")).to_have_text(
        ["Specify user details", "Set permissions", "Review and create"]
    )
    page.get_by_role("button", name="Next").click()
    expect(steps).to_have_count(3)

    # Back to step 1, console access on: step 4 appears on the next steps too.
    page.get_by_role("link", name="Specify user details").click()
    page.get_by_label("Provide user access to the AWS Management Console").check()
    page.get_by_role("button", name="Next").click()
    expect(steps.locator(".wizard-step-title, a")).to_have_text(
        ["Specify user details", "Set permissions", "Review and create", "Retrieve password"]
    )


def test_removing_selected_users_from_a_group_asks_first(
    page: Page, root_actor: Actor, alice: Principal, bob: Principal
) -> None:
    group = services.create_group_with_members(actor=root_actor, name="Ops", members=[alice, bob])
    sign_in_as_root(page)
    page.goto("/groups/details/Ops/?tab=users")
    page.get_by_label("Select alice").check()
    page.get_by_label("Remove selected users", exact=True).click()
    dialog = page.get_by_role("dialog", name="Remove selected users from Ops?")
    expect(dialog).to_be_visible()
    assert sorted(group.members.values_list("name", flat=True)) == ["alice", "bob"]
    dialog.get_by_role("button", name="Remove").click()
    expect(page.get_by_role("row", name="bob")).to_be_visible()
    expect(page.get_by_role("cell", name="alice", exact=True)).to_have_count(0)
    assert list(group.members.values_list("name", flat=True)) == ["bob"]


MIXED = {
    "Version": "2012-10-17",
    "Statement": [
        {"Sid": "Read", "Effect": "Deny", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
        {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"},
        {
            "Effect": "Allow",
            "Action": "ec2:StartInstances",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
        },
    ],
}


def test_the_visual_editor_edits_a_statement_in_place_and_keeps_the_others(
    page: Page, root_actor: Actor
) -> None:
    policy = create_policy(actor=root_actor, name="Mixed", document=json.dumps(MIXED, indent=4))
    sign_in_as_root(page)
    page.goto("/policies/local/Mixed/edit/")
    page.get_by_role("button", name="Visual").click()
    expect(page.get_by_test_id("statement-2")).to_contain_text("can't show NotAction")
    expect(page.get_by_test_id("statement-3")).to_contain_text("can't show Condition")
    expect(page.get_by_label("Edit statement 2")).to_have_count(0)

    page.get_by_label("Edit statement 1").click()
    expect(page.get_by_role("heading", name="Edit statement 1: Read")).to_be_visible()
    expect(page.get_by_role("radio", name="Deny")).to_be_checked()
    expect(page.get_by_label("GetObject", exact=True)).to_be_checked()
    expect(page.get_by_label("Resource ARNs (one per line)")).to_have_value("arn:aws:s3:::b/*")
    expect(page.get_by_test_id("conditions-json-only")).to_be_visible()
    page.get_by_role("radio", name="Allow").check()
    page.get_by_label("ListBucket", exact=True).check()
    page.get_by_label("All resources").check()
    page.get_by_role("button", name="Update statement and show JSON").click()

    expect(page.get_by_test_id("policy-editor")).to_contain_text('"s3:ListBucket"')
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Policy Mixed updated.")).to_be_visible()
    saved = json.loads(default_document(policy))
    assert (
        saved["Statement"]
        == [
            {
                "Sid": "Read",
                "Effect": "Allow",
                "Action": ["s3:ListBucket", "s3:GetObject"],  # as the form lists them
                "Resource": "*",
            },
            *MIXED["Statement"][1:],
        ]
    )
