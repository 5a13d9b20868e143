from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Account, Principal
from domain.iam import demo as demo_data
from tests.conftest import PASSWORD


def sign_in_as_root(page: Page, email: str, password: str) -> None:
    page.goto("/signin/")
    page.get_by_label("Root user email address").fill(email)
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def test_root_signs_in_to_the_dashboard(page: Page, root: Principal) -> None:
    sign_in_as_root(page, "owner@example.com", PASSWORD)
    expect(page.get_by_role("heading", name="IAM Dashboard")).to_be_visible()
    expect(page.get_by_test_id("account-menu")).to_have_text(f"Example Corp @ {root.account_id}")
    expect(page.get_by_test_id("account-id")).to_have_text(root.account_id)


def test_wrong_password_shows_the_aws_message_and_stays_signed_out(
    page: Page, root: Principal
) -> None:
    sign_in_as_root(page, "owner@example.com", "Not-The-Password-1")
    expect(page.get_by_role("alert")).to_contain_text(
        "Your authentication information is incorrect."
    )
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/signin/\?next=/$"))


@pytest.fixture
def demo(
    transactional_db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> demo_data.DemoResult:
    monkeypatch.setattr(demo_data, "ROOT_PASSWORD_FILE", tmp_path / "pw")
    return demo_data.load()


def test_iam_user_signs_in_and_must_set_a_new_password(
    page: Page, demo: demo_data.DemoResult
) -> None:
    page.goto("/signin/")
    page.get_by_text("IAM user", exact=True).click()
    page.get_by_label("Account ID (12 digits) or account alias").fill("demo")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_label("Account ID (12 digits) or account alias")).to_have_value("demo")
    page.get_by_label("IAM user name").fill("Mia")
    page.get_by_label("Password").fill(demo.user_passwords["Mia"])
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Set a new password")).to_be_visible()
    page.goto("/")  # no console page before the new password
    expect(page.get_by_role("heading", name="Set a new password")).to_be_visible()
    page.get_by_label("Old password").fill(demo.user_passwords["Mia"])
    page.get_by_label("New password", exact=True).fill("Mia-New-Pass-1")
    page.get_by_label("Retype new password").fill("Mia-New-Pass-2")
    page.get_by_role("button", name="Confirm password change").click()
    expect(page.get_by_text("The passwords do not match.")).to_be_visible()

    page.get_by_label("Old password").fill(demo.user_passwords["Mia"])
    page.get_by_label("New password", exact=True).fill("Mia-New-Pass-1")
    page.get_by_label("Retype new password").fill("Mia-New-Pass-1")
    page.get_by_role("button", name="Confirm password change").click()
    expect(page.get_by_test_id("account-menu")).to_have_text("Mia @ demo")
    assert not Principal.objects.get(name="Mia").password_reset_required


def test_sign_up_creates_an_isolated_account(page: Page, demo: demo_data.DemoResult) -> None:
    page.goto("/signin/")
    page.get_by_role("link", name="Create a new account").click()
    page.get_by_label("Root user email address").fill("student@example.com")
    page.get_by_label("AWS account name").fill("Student One")
    page.get_by_label("Password", exact=True).fill("Student-Pass-1")
    page.get_by_label("Confirm password").fill("Student-Pass-1")
    page.get_by_role("button", name="Create account").click()

    account = Account.objects.get(name="Student One")
    expect(page.get_by_text(f"Your AWS account {account.id} is ready")).to_be_visible()
    page.get_by_label("Password").fill("Student-Pass-1")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("account-menu")).to_have_text(f"Student One @ {account.id}")
    expect(page.get_by_test_id("count-users")).to_have_text("0")
    expect(page.get_by_test_id("count-groups")).to_have_text("0")

    # A demo user's name and password do not open the new account.
    page.get_by_test_id("account-menu").click()
    page.get_by_role("button", name="Sign out").click()
    page.goto(f"/signin/{account.id}/")
    page.get_by_label("IAM user name").fill("Mia")
    page.get_by_label("Password").fill(demo.user_passwords["Mia"])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Your authentication information is incorrect."
    )
