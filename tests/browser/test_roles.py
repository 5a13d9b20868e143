from __future__ import annotations

from playwright.sync_api import Page, expect

from accounts.models import InstanceProfile, Principal, Role
from tests.conftest import PASSWORD


def sign_in_as_root(page: Page) -> None:
    page.goto("/signin/")
    page.get_by_label("Root user email address").fill("owner@example.com")
    page.get_by_role("button", name="Next").click()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="IAM Dashboard")).to_be_visible()


def test_root_creates_an_ec2_role_and_finds_its_instance_profile(
    page: Page, root: Principal, aws_managed_policies: None
) -> None:
    sign_in_as_root(page)
    page.get_by_role("link", name="Roles").click()
    page.get_by_role("link", name="Create role").click()
    expect(page.get_by_role("heading", name="Select trusted entity")).to_be_visible()
    page.get_by_text("AWS service", exact=True).click()
    page.locator("#main").get_by_text("EC2", exact=True).click()
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Add permissions")).to_be_visible()
    page.get_by_label("Search policies").fill("AmazonS3Full")  # filters as you type
    expect(page.locator("#role-policy-picker tbody tr")).to_have_count(1)
    page.get_by_label("AmazonS3FullAccess", exact=True).check()
    page.get_by_role("button", name="Next").click()

    expect(page.get_by_role("heading", name="Name, review, and create")).to_be_visible()
    expect(page.get_by_test_id("review-trust-policy")).to_contain_text("ec2.amazonaws.com")
    expect(page.get_by_role("cell", name="AmazonS3FullAccess")).to_be_visible()
    assert not Role.objects.exists()  # nothing is created before the last step
    page.get_by_label("Role name").fill("EC2-S3-Access")
    page.get_by_role("button", name="Create role").click()

    expect(page.get_by_role("heading", name="EC2-S3-Access")).to_be_visible()
    expect(page.get_by_text("Role EC2-S3-Access created.")).to_be_visible()
    expect(page.get_by_test_id("instance-profile-arn")).to_have_text(
        f"arn:aws:iam::{root.account_id}:instance-profile/EC2-S3-Access"
    )
    expect(page.get_by_role("link", name="AmazonS3FullAccess")).to_be_visible()
    page.get_by_role("link", name="Trust relationships").click()
    expect(page.get_by_test_id("trust-policy")).to_contain_text('"Service": "ec2.amazonaws.com"')
    role = Role.objects.get(name="EC2-S3-Access")
    assert InstanceProfile.objects.get(role=role).unique_id.startswith("AIPA")

    page.get_by_role("link", name="Roles").first.click()
    expect(page.get_by_role("cell", name="AWS Service: ec2")).to_be_visible()
    page.get_by_label("Select EC2-S3-Access").check()
    page.locator("summary", has_text="Delete").click()
    page.get_by_label("To confirm deletion").fill("EC2-S3-Access")
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("1 role(s) deleted: EC2-S3-Access.")).to_be_visible()
    assert not InstanceProfile.objects.exists()
