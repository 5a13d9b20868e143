"""Switch role in the browser: the role's permissions and colour, Switch back, and a
cross-account switch that works only when both accounts allow it."""

from __future__ import annotations

import json

from playwright.sync_api import Page, expect

from accounts.models import Principal
from domain import iam as services
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor, system_actor
from policies.models import ManagedPolicy
from tests.conftest import PASSWORD, make_account


def trust(principal: str) -> str:
    statement = {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def sign_in_as_user(page: Page, account: str, name: str) -> None:
    page.goto(f"/signin/{account}/")
    page.get_by_label("IAM user name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", name="IAM Dashboard")).to_be_visible()


def switch_role(page: Page, account: str, role: str, display: str, color: str) -> None:
    page.get_by_test_id("account-menu").click()
    page.get_by_role("link", name="Switch role").click()
    expect(page.get_by_role("heading", name="Switch role")).to_be_visible()
    page.get_by_label("Account ID or alias").fill(account)
    page.get_by_label("IAM role name").fill(role)
    page.get_by_label("Display name - optional").fill(display)
    page.get_by_label(color).check()
    page.get_by_role("button", name="Switch Role").click()


def test_a_user_switches_role_sees_its_permissions_and_colour_then_switches_back(
    page: Page, root_actor: Actor, alice: Principal, aws_managed_policies: None
) -> None:
    readonly = ManagedPolicy.objects.get(account=None, name="IAMReadOnlyAccess")
    services.create_role_with_permissions(
        actor=root_actor, name="Reader", trust_policy=trust(alice.arn), policies=[readonly]
    )
    sign_in_as_user(page, alice.account_id, "alice")
    page.goto("/users/")
    expect(page.get_by_text("is not authorized to perform: iam:ListUsers")).to_be_visible()

    switch_role(page, alice.account_id, "Reader", "Reading", "Green")
    badge = page.get_by_test_id("role-badge")
    expect(badge).to_have_text("Reading")
    expect(badge).to_have_css("background-color", "rgb(183, 202, 157)")
    page.goto("/users/")
    expect(page.get_by_role("link", name="alice", exact=True)).to_be_visible()

    page.get_by_test_id("account-menu").click()
    page.get_by_role("button", name="Switch back").click()
    expect(page.get_by_test_id("account-menu")).to_have_text(f"alice @ {alice.account_id}")
    page.goto("/users/")
    expect(page.get_by_text("is not authorized to perform: iam:ListUsers")).to_be_visible()
    # The role is in the account menu's history, one click from switching again.
    page.get_by_test_id("account-menu").click()
    page.get_by_role("button", name="Reading").click()
    expect(page.get_by_test_id("role-badge")).to_have_text("Reading")


def test_a_cross_account_switch_works_only_when_both_accounts_allow_it(
    page: Page, root_actor: Actor, alice: Principal, aws_managed_policies: None
) -> None:
    b = make_account("b@example.com", "Account B")
    b_root = system_actor(Principal.objects.get(account=b, kind=Principal.Kind.ROOT))
    services.create_user(actor=b_root, name="bea")
    readonly = ManagedPolicy.objects.get(account=None, name="IAMReadOnlyAccess")
    services.create_role_with_permissions(
        actor=b_root, name="Partner", trust_policy=trust(alice.account_id), policies=[readonly]
    )
    sign_in_as_user(page, alice.account_id, "alice")
    switch_role(page, b.id, "Partner", "B reader", "Blue")
    alert = page.get_by_test_id("switch-role-error")
    expect(alert).to_contain_text("Invalid information in one or more fields.")
    expect(alert).to_contain_text(
        f"User: {alice.arn} is not authorized to perform: sts:AssumeRole on resource: "
        f"arn:aws:iam::{b.id}:role/Partner"
    )

    policy_services.put_user_policy(
        actor=root_actor,
        user=alice,
        name="assume-partner",
        document=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "sts:AssumeRole",
                        "Resource": f"arn:aws:iam::{b.id}:role/Partner",
                    }
                ],
            }
        ),
    )
    page.get_by_role("button", name="Switch Role").click()
    expect(page.get_by_test_id("role-badge")).to_have_text("B reader")
    page.goto("/users/")
    expect(page.get_by_role("link", name="bea", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="alice", exact=True)).to_have_count(0)
