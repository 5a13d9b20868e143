"""In a browser: a read-only S3 user lists buckets and is refused Create bucket with S3's
wording; a bucket policy lets another account's user read a bucket through the console."""

from __future__ import annotations

import json

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Principal
from domain import iam as services
from domain import s3
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor, system_actor
from policies.models import ManagedPolicy
from tests.conftest import PASSWORD

pytestmark = pytest.mark.usefixtures("aws_managed_policies")


def _sign_in(page: Page, account_id: str, name: str) -> None:
    page.goto(f"/signin/{account_id}/")
    page.get_by_label("IAM user name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="IAM Dashboard")).to_be_visible()


def _user(actor: Actor, name: str) -> Principal:
    return services.create_user_with_access(
        actor=actor,
        new=services.NewUser(name=name, console_password=PASSWORD, password_reset_required=False),
    )


def test_read_only_user_lists_buckets_and_is_refused_create_bucket(
    page: Page, root_actor: Actor
) -> None:
    s3.create_bucket(actor=root_actor, name="team-reports")
    user = _user(root_actor, "reader")
    read_only = ManagedPolicy.objects.get(account=None, name="AmazonS3ReadOnlyAccess")
    policy_services.attach_user_policy(actor=root_actor, user=user, policy=read_only)

    _sign_in(page, root_actor.account.id, "reader")
    page.get_by_test_id("services-menu").click()
    page.get_by_role("link", name="S3", exact=True).click()
    expect(page.get_by_role("heading", name="General purpose buckets")).to_be_visible()
    expect(page.get_by_role("link", name="team-reports")).to_be_visible()

    page.get_by_role("link", name="Create bucket").click()
    page.get_by_label("Bucket name").fill("readers-own-bucket")
    page.get_by_role("button", name="Create bucket").click()
    denied = page.get_by_test_id("s3-denied")
    expect(denied).to_contain_text("Failed to create bucket")
    expect(denied).to_contain_text(
        "To create a bucket, the s3:CreateBucket permission is required."
    )
    expect(denied).to_contain_text("is not authorized to perform: s3:CreateBucket")


def test_a_bucket_policy_lets_another_accounts_user_read_in_the_console(
    page: Page, root_actor: Actor, outsider: Principal
) -> None:
    s3.create_bucket(actor=root_actor, name="shared-reports")
    s3.put_object(
        actor=root_actor,
        bucket_name="shared-reports",
        key="2026/summary.txt",
        body=b"all good",
        content_type="text/plain",
    )
    partner_actor = system_actor(outsider)
    partner = _user(partner_actor, "partner")
    policy_services.put_user_policy(
        actor=partner_actor,
        user=partner,
        name="read-s3",
        document=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": ["s3:Get*", "s3:List*"], "Resource": "*"}
                ],
            }
        ),
    )
    s3.put_bucket_policy(
        actor=root_actor,
        name="shared-reports",
        policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": partner.arn},
                        "Action": ["s3:GetObject", "s3:ListBucket"],
                        "Resource": [
                            "arn:aws:s3:::shared-reports",
                            "arn:aws:s3:::shared-reports/*",
                        ],
                    }
                ],
            }
        ),
    )

    _sign_in(page, outsider.account_id, "partner")
    # Another account's bucket is not in the partner's list, but is reachable by its name.
    page.goto("/s3/")
    expect(page.get_by_text("No buckets.")).to_be_visible()
    page.goto("/s3/buckets/shared-reports/")
    page.get_by_role("link", name="2026/").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="summary.txt").click()
    path = download.value.path()
    with open(path, "rb") as handle:
        assert handle.read() == b"all good"
    upload_denied = page.get_by_role("button", name="Create folder")
    page.get_by_label("Folder name").fill("mine")
    upload_denied.click()
    expect(page.get_by_test_id("s3-denied")).to_contain_text("s3:PutObject")


def test_deleting_a_folder_asks_for_confirmation_and_deletes_what_it_holds(
    page: Page, root_actor: Actor
) -> None:
    s3.create_bucket(actor=root_actor, name="cleanup-bucket")
    for key in ("drafts/", "drafts/one.txt", "drafts/old/two.txt", "keep.txt"):
        s3.put_object(actor=root_actor, bucket_name="cleanup-bucket", key=key, body=b"x")
    admin = _user(root_actor, "admin")
    full = ManagedPolicy.objects.get(account=None, name="AmazonS3FullAccess")
    policy_services.attach_user_policy(actor=root_actor, user=admin, policy=full)

    _sign_in(page, root_actor.account.id, "admin")
    page.goto("/s3/buckets/cleanup-bucket/")
    page.get_by_label("Select drafts/").check()
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_role("heading", name="Delete objects", exact=True)).to_be_visible()
    expect(page.get_by_test_id("delete-count")).to_have_text(
        "3 objects will be permanently deleted."
    )
    page.get_by_label("To confirm deletion").fill("permanently delete")
    page.get_by_role("button", name="Delete").click()
    expect(page.get_by_text("Successfully deleted 3 object(s).")).to_be_visible()
    expect(page.get_by_role("link", name="keep.txt")).to_be_visible()
    expect(page.get_by_role("link", name="drafts/")).to_have_count(0)
