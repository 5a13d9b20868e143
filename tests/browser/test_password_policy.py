"""Set a custom password policy in Account settings (confirmed with Set custom); out-of-range
values are refused; back to the IAM default with Set default."""

from __future__ import annotations

from playwright.sync_api import Page, expect

from accounts.models import PasswordPolicy, Principal
from accounts.passwords import Rules
from domain import iam as services
from domain.kernel.actors import system_actor
from tests.conftest import PASSWORD


def test_root_sets_a_custom_password_policy(page: Page, root: Principal) -> None:
    page.goto("/signin/")
    page.get_by_label("Root user email address").fill("owner@example.com")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    page.get_by_role("link", name="Account settings").click()
    expect(page.get_by_test_id("policy-default")).to_be_visible()
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("Password minimum length")).to_be_hidden()
    page.get_by_text("Custom", exact=True).click()
    page.get_by_label("Password minimum length").fill("5")
    page.get_by_label("Require at least one number").check()
    page.get_by_label("Turn on password expiration").check()
    page.get_by_label("Expire passwords in day(s)").fill("90")
    page.get_by_label("Prevent password reuse").check()
    page.get_by_label("Remember password(s)").fill("25")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Password minimum length must be from 6 to 128")).to_be_visible()
    assert not PasswordPolicy.objects.exists()

    page.get_by_label("Password minimum length").fill("10")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Remember from 1 to 24 passwords.")).to_be_visible()
    page.get_by_label("Remember password(s)").fill("24")
    page.get_by_role("button", name="Save changes").click()

    # AWS asks to confirm; Cancel goes back to the form with the values kept.
    expect(page.get_by_role("heading", name="Set custom password policy?")).to_be_visible()
    assert not PasswordPolicy.objects.exists()
    page.get_by_role("button", name="Cancel").click()
    expect(page.get_by_label("Password minimum length")).to_have_value("10")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_role("button", name="Set custom").click()

    expect(page.get_by_text("Password policy updated.")).to_be_visible()
    expect(page.get_by_test_id("policy-min-length")).to_have_text("10 characters")
    expect(page.get_by_test_id("policy-expiry")).to_have_text("Expire passwords in 90 days")
    expect(page.get_by_test_id("policy-reuse")).to_contain_text("Remember 24 passwords")


def test_root_goes_back_to_the_iam_default_after_confirming(page: Page, root: Principal) -> None:
    services.update_account_password_policy(
        actor=system_actor(root), rules=Rules(custom=True, minimum_length=10)
    )
    page.goto("/signin/")
    page.get_by_label("Root user email address").fill("owner@example.com")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.goto("/account-settings/password-policy/")
    page.get_by_text("IAM default", exact=True).click()
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_role("heading", name="Set IAM default password policy?")).to_be_visible()
    assert PasswordPolicy.objects.exists()
    page.get_by_role("button", name="Set default").click()
    expect(page.get_by_test_id("policy-default")).to_be_visible()
    assert not PasswordPolicy.objects.exists()
