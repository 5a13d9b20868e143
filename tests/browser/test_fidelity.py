"""Console fidelity: the details a class notices when it follows AWS's labs (issue 14)."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from accounts.models import Principal
from tests.conftest import PASSWORD


def sign_in_as_root(page: Page) -> None:
    page.goto("/signin/")
    page.get_by_label("Root user email address").fill("owner@example.com")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="IAM Dashboard")).to_be_visible()


def sign_out(page: Page) -> None:
    page.get_by_test_id("account-menu").click()
    page.get_by_role("button", name="Sign out").click()


def test_sign_out_says_so_and_keeps_the_account_for_the_next_iam_user(
    page: Page, root: Principal, alice: Principal
) -> None:
    page.goto(f"/signin/{root.account_id}/")
    page.get_by_label("IAM user name").fill("alice")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("account-menu")).to_contain_text("alice @ ")
    sign_out(page)

    expect(page.get_by_role("status")).to_have_text("You have signed out.")
    expect(page.get_by_role("heading", name="Sign in as IAM user")).to_be_visible()
    expect(page.get_by_label("Account ID (12 digits) or account alias")).to_have_value(
        root.account_id
    )
    # The next visit to the sign-in page still remembers the account.
    page.goto("/signin/")
    page.get_by_text("IAM user", exact=True).click()
    expect(page.get_by_label("Account ID (12 digits) or account alias")).to_have_value(
        root.account_id
    )
    page.goto("/signin/iam/")
    expect(page.get_by_label("Account ID (12 digits) or account alias")).to_have_value(
        root.account_id
    )
