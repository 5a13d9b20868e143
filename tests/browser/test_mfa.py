"""Enrol a virtual MFA device in the browser, then sign in with it; a replayed code fails."""

from __future__ import annotations

import time

import pyotp
from playwright.sync_api import Page, expect

from accounts import crypto
from accounts.models import MFADevice, Principal
from tests.conftest import PASSWORD


def wait_for_fresh_step() -> None:
    """Codes are computed for the current 30-second step: avoid its last seconds, so the
    server checks them in the same step (or the next, still within its drift window)."""
    remaining = 30 - time.time() % 30
    if remaining < 6:
        time.sleep(remaining + 0.5)


def enter_password(page: Page) -> None:
    page.goto("/signin/")
    page.get_by_label("Root user email address").fill("owner@example.com")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()


def sign_out(page: Page) -> None:
    page.get_by_test_id("account-menu").click()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url("/signin/")


def test_root_enrols_a_device_signs_in_with_a_code_and_a_replay_is_rejected(
    page: Page, root: Principal
) -> None:
    enter_password(page)
    expect(page.get_by_role("heading", name="IAM Dashboard")).to_be_visible()
    page.get_by_test_id("account-menu").click()
    page.get_by_role("link", name="Security credentials").click()
    page.get_by_role("link", name="Assign MFA device").click()
    page.get_by_role("textbox", name="Device name").fill("root-phone")
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Set up device")).to_be_visible()
    expect(page.get_by_role("img", name="QR code")).to_be_visible()
    page.get_by_text("Show secret key").click()
    secret = page.get_by_test_id("mfa-secret").inner_text().strip()
    totp = pyotp.TOTP(secret)
    wait_for_fresh_step()
    now = time.time()
    page.get_by_label("MFA code 1").fill(totp.at(now - 30))
    page.get_by_label("MFA code 2").fill(totp.at(now))
    page.get_by_role("button", name="Add MFA").click()

    expect(page.get_by_text("MFA device root-phone assigned.")).to_be_visible()
    expect(page.get_by_test_id("mfa-device")).to_contain_text(
        f"arn:aws:iam::{root.account_id}:mfa/root-phone"
    )
    expect(page.get_by_text(secret)).to_have_count(0)
    assert MFADevice.objects.filter(principal=root).count() == 1

    sign_out(page)
    enter_password(page)
    expect(page.get_by_role("heading", name="Multi-factor authentication")).to_be_visible()
    code = totp.at(time.time() + 30)  # the enrolment spent the current step
    page.get_by_label("MFA code").fill(code)
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name="IAM Dashboard")).to_be_visible()

    sign_out(page)
    enter_password(page)
    page.get_by_label("MFA code").fill(code)
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("The MFA code is not valid.")).to_be_visible()
    page.goto("/")
    expect(page).to_have_url("/signin/?next=/")


def test_with_two_devices_root_picks_one_and_signs_in_with_its_code(
    page: Page, root: Principal
) -> None:
    secrets = {"phone": pyotp.random_base32(), "tablet": pyotp.random_base32()}
    for name, secret in secrets.items():
        MFADevice.objects.create(
            account=root.account,
            principal=root,
            name=name,
            secret_encrypted=crypto.encrypt(secret),
        )
    enter_password(page)
    expect(page.get_by_text("Choose the MFA device you will use")).to_be_visible()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Choose an MFA device.")).to_be_visible()
    page.get_by_role("radio", name="tablet").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_test_id("mfa-chosen-device")).to_contain_text("tablet")

    wait_for_fresh_step()
    page.get_by_label("MFA code").fill(pyotp.TOTP(secrets["phone"]).now())
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_text("The MFA code is not valid.")).to_be_visible()

    page.get_by_role("link", name="Choose a different MFA device").click()
    page.get_by_role("radio", name="phone").check()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("MFA code").fill(pyotp.TOTP(secrets["phone"]).now())
    page.get_by_role("button", name="Submit").click()
    expect(page.get_by_role("heading", name="IAM Dashboard")).to_be_visible()


def test_enter_in_a_code_field_adds_the_device_and_cancel_forgets_the_seed(
    page: Page, root: Principal
) -> None:
    enter_password(page)
    page.goto("/security-credentials/mfa/assign/")
    page.get_by_role("textbox", name="Device name").fill("root-phone")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Set up device")).to_be_visible()
    page.get_by_label("MFA code 1").fill("000000")
    page.get_by_label("MFA code 2").fill("000000")
    page.get_by_label("MFA code 2").press("Enter")  # the form's default button: Add MFA
    expect(page.get_by_text("Enter two consecutive codes from your app.")).to_be_visible()

    setup_url = page.url
    page.get_by_role("button", name="Cancel").click()
    expect(page).to_have_url("/security-credentials/")
    page.goto(setup_url)  # the wizard is gone, and so is its seed
    expect(page.get_by_test_id("wizard-gone")).to_be_visible()
    page.get_by_role("link", name="Start again").click()
    expect(page.get_by_role("textbox", name="Device name")).to_be_visible()
    assert not MFADevice.objects.exists()
