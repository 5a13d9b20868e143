"""The Users table's gear icon: choose the page size and visible columns, kept while
the person moves around the console."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from accounts.models import Principal
from domain import iam as services
from domain.kernel.actors import system_actor
from tests.conftest import PASSWORD


def sign_in_as_root(page: Page) -> None:
    page.goto("/signin/")
    page.get_by_label("Root user email address").fill("owner@example.com")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="IAM Dashboard")).to_be_visible()


def test_root_chooses_users_columns_and_page_size_from_the_gear(
    page: Page, root: Principal
) -> None:
    actor = system_actor(root)
    for i in range(12):
        services.create_user(actor=actor, name=f"student{i:02}")
    sign_in_as_root(page)
    page.get_by_role("link", name="Users", exact=True).click()
    table = page.locator("#users-table table")
    expect(table.get_by_role("columnheader", name="MFA")).to_be_visible()
    expect(table.get_by_role("columnheader", name="ARN")).to_have_count(0)
    expect(page.locator("[data-testid^=user-row-]")).to_have_count(12)  # 25 a page

    page.get_by_test_id("preferences-users").locator("summary").click()
    panel = page.get_by_role("form", name="Preferences")
    expect(panel.get_by_role("checkbox", name="User name")).to_be_disabled()
    panel.get_by_role("radio", name="10 users").check()
    panel.get_by_role("checkbox", name="MFA").uncheck()
    panel.get_by_role("checkbox", name="ARN").check()
    panel.get_by_role("button", name="Confirm").click()

    expect(table.get_by_role("columnheader", name="ARN")).to_be_visible()
    expect(table.get_by_role("columnheader", name="MFA")).to_have_count(0)
    expect(page.locator("[data-testid^=user-row-]")).to_have_count(10)
    expect(page.get_by_text(f"arn:aws:iam::{root.account_id}:user/student00")).to_be_visible()

    # Still so after visiting another page; the gear shows the saved choice.
    page.get_by_role("link", name="Roles", exact=True).click()
    page.get_by_role("link", name="Users", exact=True).click()
    expect(table.get_by_role("columnheader", name="ARN")).to_be_visible()
    page.get_by_test_id("preferences-users").locator("summary").click()
    expect(panel.get_by_role("radio", name="10 users")).to_be_checked()
    panel.get_by_role("link", name="Cancel").click()
    expect(panel).to_be_hidden()
