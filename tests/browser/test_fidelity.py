"""Console fidelity: the details a class notices when it follows AWS's labs (issue 14)."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Page, expect

from accounts.models import Group, Principal
from domain import iam as services
from domain.iam.policies import put_group_policy
from domain.kernel.actors import Actor
from policies.models import ManagedPolicy, PolicyAttachment
from tests.conftest import PASSWORD

LOGS_POLICY = (
    '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
    '"Action": "logs:GetLogEvents", "Resource": "*"}]}'
)


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


def test_create_user_wizard_creates_a_group_in_place_and_shows_aws_steps(
    page: Page, root: Principal
) -> None:
    sign_in_as_root(page)
    page.goto("/users/create/")
    rail = page.get_by_role("navigation", name="Steps")
    expect(rail.locator(".wizard-step-title, a")).to_have_text(
        ["Specify user details", "Set permissions", "Review and create", "Retrieve password"]
    )
    page.get_by_label("User name").fill("carol")
    page.get_by_label("Provide user access to the AWS Management Console").check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Set permissions", exact=True)).to_be_visible()
    page.get_by_text("Create group", exact=True).click()
    page.get_by_label("User group name").fill("bad name!")
    page.get_by_role("button", name="Create user group").click()
    expect(page.locator(".create-in-place .field-error")).to_be_visible()
    page.get_by_label("User group name").fill("Testers")
    page.get_by_role("button", name="Create user group").click()
    expect(page.get_by_text("User group Testers created.")).to_be_visible()
    expect(page.get_by_label("Testers", exact=True)).to_be_checked()
    page.get_by_role("button", name="Next").click()
    page.get_by_role("button", name="Create user").click()
    expect(page.get_by_role("heading", name="Retrieve password")).to_be_visible()
    expect(
        page.get_by_role("navigation", name="Steps").locator("[aria-current=step]")
    ).to_contain_text("Retrieve password")
    assert list(Group.objects.get(name="Testers").members.values_list("name", flat=True)) == [
        "carol"
    ]


def test_group_permissions_link_expand_and_ask_before_removing(
    page: Page, root_actor: Actor, aws_managed_policies: None
) -> None:
    actor = root_actor
    group = services.create_group_with_members(
        actor=actor, name="Ops", policies=[ManagedPolicy.objects.get(name="ReadOnlyAccess")]
    )
    put_group_policy(actor=actor, group=group, name="LogsOnly", document=LOGS_POLICY)
    sign_in_as_root(page)
    page.goto("/groups/details/Ops/?tab=permissions")

    expect(page.get_by_role("link", name="ReadOnlyAccess", exact=True)).to_have_attribute(
        "href", "/policies/aws/ReadOnlyAccess/"
    )
    page.get_by_role("link", name="Show LogsOnly details").click()
    expect(
        page.get_by_role("heading", name="LogsOnly: permissions defined in this policy")
    ).to_be_visible()
    page.get_by_text("JSON", exact=True).click()
    expect(page.locator(".policy-json")).to_contain_text("logs:GetLogEvents")

    page.get_by_label("Remove ReadOnlyAccess", exact=True).click()  # opens the question
    expect(page.get_by_role("dialog", name="Remove ReadOnlyAccess?")).to_be_visible()
    assert PolicyAttachment.objects.filter(group=group).exists()
    page.get_by_role("dialog", name="Remove ReadOnlyAccess?").get_by_role(
        "button", name="Remove"
    ).click()
    expect(page.get_by_text("Policies removed from Ops.")).to_be_visible()
    assert not PolicyAttachment.objects.filter(group=group).exists()


def test_copy_buttons_and_the_hyphenated_account_id(
    page: Page, root: Principal, alice: Principal
) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in_as_root(page)
    page.get_by_test_id("account-menu").click()
    expect(page.get_by_test_id("menu-account-id")).to_contain_text(
        f"{root.account_id[:4]}-{root.account_id[4:8]}-{root.account_id[8:]}"
    )
    page.get_by_role("button", name="Copy account ID").first.click()
    expect(page.get_by_role("button", name="Copy account ID").first).to_contain_text("Copied")
    assert page.evaluate("navigator.clipboard.readText()") == root.account_id

    page.goto("/")
    page.get_by_role("button", name="Copy sign-in URL").click()
    assert page.evaluate("navigator.clipboard.readText()").endswith(f"/signin/{root.account_id}/")

    page.goto("/users/details/alice/")
    page.get_by_role("button", name="Copy ARN").click()
    assert page.evaluate("navigator.clipboard.readText()") == alice.arn


def test_info_panels_explain_each_main_page(page: Page, root: Principal, alice: Principal) -> None:
    sign_in_as_root(page)
    page.goto("/roles/")
    panel = page.get_by_role("complementary", name="Roles")
    expect(panel).to_be_hidden()
    page.get_by_role("link", name="Info").click()
    expect(panel).to_be_visible()
    expect(panel).to_contain_text("temporary credentials")
    expect(panel.get_by_role("link", name="IAM roles")).to_have_attribute(
        "href", "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles.html"
    )
    panel.get_by_role("link", name="Close help panel").click()
    expect(panel).to_be_hidden()

    for url, title in [
        ("/users/", "IAM users"),
        ("/groups/", "User groups"),
        ("/policies/", "Policies"),
        ("/account-settings/", "Account settings"),
        ("/security-credentials/", "Security credentials"),
    ]:
        page.goto(url)
        page.locator(".page-header").get_by_role("link", name="Info").click()
        expect(page.get_by_role("complementary", name=title, exact=True)).to_be_visible()

    page.goto("/users/details/alice/?tab=permissions")
    page.locator("#boundary-h").get_by_role("link", name="Info").click()
    expect(page.get_by_role("complementary", name="Permissions boundaries")).to_contain_text(
        "grants nothing by itself"
    )
    page.goto("/users/details/alice/?tab=security_credentials")
    page.locator("#mfa-h").get_by_role("link", name="Info").click()
    expect(
        page.get_by_role("complementary", name="Multi-factor authentication (MFA)")
    ).to_be_visible()


def test_lists_and_pickers_filter_as_you_type_and_policies_have_the_gear(
    page: Page, root: Principal, aws_managed_policies: None
) -> None:
    sign_in_as_root(page)
    page.goto("/policies/")
    page.get_by_label("Filter policies by property or policy name").fill("IAMReadOnly")
    expect(page).to_have_url("/policies/?q=IAMReadOnly&type=all&used=", timeout=5000)
    expect(page.locator("#policy-table tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name="IAMReadOnlyAccess")).to_be_visible()

    page.get_by_test_id("preferences-policies").locator("summary").click()
    panel = page.get_by_role("form", name="Preferences")
    expect(panel.get_by_role("checkbox", name="Policy name")).to_be_disabled()
    panel.get_by_role("checkbox", name="Description").uncheck()
    panel.get_by_role("checkbox", name="ARN").check()
    panel.get_by_role("button", name="Confirm").click()
    table = page.locator("#policy-table table")
    expect(table.get_by_role("columnheader", name="ARN")).to_be_visible()
    expect(table.get_by_role("columnheader", name="Description")).to_have_count(0)
    page.get_by_label("Filter policies by property or policy name").fill("IAMReadOnly")
    expect(page.get_by_text("arn:aws:iam::aws:policy/IAMReadOnlyAccess")).to_be_visible()

    # A picker inside a form (Create group's policies) filters as you type too.
    page.goto("/groups/create/")
    page.get_by_label("User group name").fill("Readers")
    page.get_by_label("Filter policies").fill("IAMReadOnly")
    expect(page.locator("#picker-policies tbody tr")).to_have_count(1)
    page.get_by_label("IAMReadOnlyAccess", exact=True).check()
    expect(page.get_by_label("User group name")).to_have_value("Readers")
    page.get_by_role("button", name="Create group").click()
    expect(page.get_by_text("User group Readers created.")).to_be_visible()


def test_inline_policy_editor_is_the_managed_editor_with_warnings_and_review(
    page: Page, root: Principal, alice: Principal, aws_managed_policies: None
) -> None:
    sign_in_as_root(page)
    page.goto("/users/details/alice/?tab=permissions")
    page.get_by_role("link", name="Create inline policy").click()
    rail = page.get_by_role("navigation", name="Steps")
    expect(rail).to_contain_text("Specify permissions")
    expect(rail).to_contain_text("Review and create")

    editor = page.get_by_test_id("policy-editor")
    editor.fill('{"Version": "2012-10-17",\n "Statement": [}')
    editor.press("End")  # a keystroke: the editor validates as you type
    expect(page.get_by_test_id("policy-error")).to_contain_text("Line 2, Column")
    editor.fill(
        '{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", '
        '"Action": "s3:GetObjekt", "Resource": "*"}]}'
    )
    editor.press("End")
    expect(page.get_by_test_id("policy-warning")).to_contain_text("Unknown action: s3:GetObjekt")

    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Review and create", exact=True)).to_be_visible()
    expect(page.get_by_test_id("policy-warning")).to_contain_text("Unknown action: s3:GetObjekt")
    page.get_by_role("button", name="Previous").click()  # the document comes back as typed
    expect(page.get_by_test_id("policy-editor")).to_have_value(re.compile("s3:GetObjekt"))

    # The Visual tab adds a statement, as on a managed policy.
    page.get_by_role("button", name="Visual").click()
    page.get_by_label("Service").select_option("s3")
    page.locator("details.access-level > summary").filter(has_text=re.compile(r"^Read")).click()
    page.get_by_label("GetObject", exact=True).check()
    page.get_by_role("button", name="Add to policy and show JSON").click()
    expect(page.get_by_test_id("policy-editor")).to_have_value(re.compile('"s3:GetObject"'))

    page.get_by_role("button", name="Next").click()
    page.get_by_label("Policy name").fill("ReadReports")
    page.get_by_role("button", name="Create policy").click()
    expect(page.get_by_text("Policy ReadReports saved.")).to_be_visible()
    saved = json.loads(alice.inline_policies.get(name="ReadReports").document)
    assert [s["Action"] for s in saved["Statement"]][0] == "s3:GetObjekt"
