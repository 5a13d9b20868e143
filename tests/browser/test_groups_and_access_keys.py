from __future__ import annotations

import csv
import io

from django.urls import NoReverseMatch, reverse
from playwright.sync_api import Page, expect

from accounts.models import AccessKey, Group, Principal
from policies.models import PolicyAttachment
from tests.conftest import PASSWORD


def sign_in_as_root(page: Page) -> None:
    page.goto("/signin/")
    page.get_by_label("Root user email address").fill("owner@example.com")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="IAM Dashboard")).to_be_visible()


def security_credentials_url(name: str) -> str:
    """The user's Security credentials tab once the users pages exist, else the keys page."""
    try:
        return reverse("user_detail", args=[name]) + "?tab=security_credentials"
    except NoReverseMatch:
        return reverse("access_key_list", args=[name])


def test_root_creates_a_group_with_users_and_a_policy(
    page: Page, root: Principal, alice: Principal, bob: Principal, aws_managed_policies: None
) -> None:
    sign_in_as_root(page)
    page.get_by_role("link", name="User groups").click()
    page.get_by_role("link", name="Create group").click()
    page.get_by_label("User group name").fill("Developers")
    page.get_by_label("alice", exact=True).check()
    page.get_by_label("Filter policies").fill("PowerUser")  # filters as you type
    expect(page.locator("#picker-policies tbody tr").first).to_contain_text("PowerUser")
    expect(page.get_by_label("User group name")).to_have_value("Developers")
    expect(page.get_by_label("alice", exact=True)).to_be_checked()
    page.get_by_label("PowerUserAccess", exact=True).check()
    page.get_by_role("button", name="Create group").click()

    # Back on the groups list with the success banner, as AWS's console returns.
    expect(page.get_by_role("heading", name="User groups")).to_be_visible()
    expect(page.get_by_text("User group Developers created.")).to_be_visible()
    page.get_by_role("link", name="Developers", exact=True).click()
    expect(page.get_by_role("cell", name="alice", exact=True)).to_be_visible()
    page.get_by_role("link", name="Permissions").click()
    expect(page.get_by_role("link", name="PowerUserAccess", exact=True)).to_be_visible()
    group = Group.objects.get(name="Developers")
    assert list(group.members.values_list("name", flat=True)) == ["alice"]
    assert PolicyAttachment.objects.get(group=group).policy.name == "PowerUserAccess"

    page.get_by_role("link", name="User groups").first.click()
    expect(page.get_by_test_id("users-Developers")).to_have_text("1")
    page.get_by_label("Select Developers").check()
    page.get_by_role("button", name="Delete").click()
    page.get_by_label("To confirm deletion").fill("Developers")
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("No user groups to display.")).to_be_visible()
    assert not Group.objects.exists()


def test_root_creates_downloads_deactivates_and_deletes_an_access_key(
    page: Page, root: Principal, alice: Principal
) -> None:
    sign_in_as_root(page)
    page.goto(security_credentials_url("alice"))
    page.locator("#access-keys").get_by_role("link", name="Create access key").click()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Choose a use case.")).to_be_visible()
    page.get_by_text("Command Line Interface (CLI)").click()
    expect(page.get_by_text("Alternative recommended:").first).to_be_visible()
    page.get_by_label(
        "I understand the above recommendation and want to proceed to create an access key."
    ).check()
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Description tag value").fill("laptop CLI")
    page.get_by_role("button", name="Create access key").click()

    expect(page.get_by_role("heading", name="Retrieve access keys")).to_be_visible()
    key_id = page.get_by_test_id("new-access-key-id").inner_text().strip()
    assert key_id.startswith("AKIA") and len(key_id) == 20
    expect(page.get_by_test_id("new-secret")).to_be_hidden()
    page.get_by_text("Show", exact=True).click()
    secret = page.get_by_test_id("new-secret").inner_text().strip()
    assert len(secret) == 40
    with page.expect_download() as info:
        page.get_by_role("button", name="Download .csv file").click()
    download = info.value
    assert download.suggested_filename == "alice_accessKeys.csv"
    with open(download.path(), encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(io.StringIO(handle.read())))
    assert rows == [["Access key ID", "Secret access key"], [key_id, secret]]
    page.get_by_role("button", name="Done").click()

    row = page.get_by_test_id(f"access-key-{key_id}")
    expect(row).to_contain_text("laptop CLI")
    expect(row).to_contain_text("Active")
    row.get_by_role("button", name="Deactivate").click()
    expect(page.get_by_test_id(f"access-key-{key_id}")).to_contain_text("Inactive")
    page.get_by_test_id(f"access-key-{key_id}").get_by_role("link", name="Delete").click()
    page.get_by_label("To confirm deletion").fill(key_id)
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text(f"Access key {key_id} deleted.")).to_be_visible()
    assert not AccessKey.objects.exists()
