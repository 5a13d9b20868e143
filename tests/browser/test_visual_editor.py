"""Console fidelity, round 2: editing statements in the visual policy editor, the create-user
wizard's step rail, and the confirmation before removing users from a group."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from accounts.models import Principal
from domain import iam as services
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
