"""Federation in the browser: the class registers Example Corp (the practice directory) as a
SAML provider from its metadata, creates a SAML 2.0 federation role in the wizard, signs in
through Example Corp, picks a role on "Select a role" and lands in the console as the role
session, with the session's duration shown; signing out ends it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accounts.models import Principal, Role, SAMLProvider
from tests.browser.test_roles import sign_in_as_root

pytestmark = pytest.mark.browser


def create_saml_role(page: Page, name: str) -> None:
    page.goto("/roles/create/")
    page.get_by_text("SAML 2.0 federation", exact=True).click()
    page.get_by_label("SAML 2.0-based provider").select_option(label="ExampleCorp")
    page.get_by_text("Allow programmatic and AWS Management Console access").click()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_role("heading", name="Add permissions")).to_be_visible()
    page.get_by_label("Search policies").fill("IAMReadOnlyAccess")  # filters as you type
    page.get_by_label("IAMReadOnlyAccess", exact=True).check()
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_test_id("review-trust-policy")).to_contain_text("sts:AssumeRoleWithSAML")
    page.get_by_label("Role name").fill(name)
    page.get_by_role("button", name="Create role").click()
    expect(page.get_by_role("heading", name=name)).to_be_visible()


def test_sign_in_through_example_corp_as_a_saml_role_session(
    page: Page, root: Principal, aws_managed_policies: None, tmp_path: Path
) -> None:
    account_id = root.account_id
    sign_in_as_root(page)
    # Download Example Corp's metadata from its page, as a class would.
    page.goto("/directory/")
    with page.expect_download() as download:
        page.get_by_role("link", name="SAML metadata").click()
    metadata = tmp_path / "example-corp-metadata.xml"
    download.value.save_as(metadata)

    page.goto("/")
    page.get_by_role("link", name="Identity providers").click()
    expect(page.get_by_text("No resources to display")).to_be_visible()
    page.get_by_role("link", name="Add provider").click()
    page.get_by_text("SAML", exact=True).click()
    page.get_by_label("Provider name").fill("ExampleCorp")
    page.get_by_label("Metadata document").set_input_files(str(metadata))
    page.get_by_role("button", name="Add provider").click()
    expect(page.get_by_test_id("provider-arn")).to_have_text(
        f"arn:aws:iam::{account_id}:saml-provider/ExampleCorp"
    )
    assert SAMLProvider.objects.get().entity_id == "https://idp.example.com/saml"

    # Dan is in Admins and Developers: Example Corp offers him both roles.
    create_saml_role(page, "ExampleCorp-Developers")
    create_saml_role(page, "ExampleCorp-Admins")
    trust = Role.objects.get(name="ExampleCorp-Developers").trust_policy
    assert f"{page.url.split('/roles')[0]}/saml" in trust  # SAML:aud: this installation's

    page.get_by_test_id("account-menu").click()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("link", name="Sign in with Example Corp").click()
    page.get_by_text("Dan Kowalski").click()
    page.get_by_label("AWS account ID").fill(account_id)
    page.get_by_role("button", name="Sign in to the AWS console").click()
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Select a role:")).to_be_visible()
    expect(page.get_by_text(f"Account: {account_id}")).to_be_visible()
    page.get_by_label("ExampleCorp-Developers").check()
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="IAM Dashboard")).to_be_visible()
    expect(page.locator(".flash-success")).to_contain_text(
        "Signed in as assumed-role/ExampleCorp-Developers/dan@example.com"
    )
    page.get_by_test_id("account-menu").click()
    session = page.get_by_test_id("federated-session")
    expect(session).to_contain_text(
        f"arn:aws:sts::{account_id}:assumed-role/ExampleCorp-Developers/dan@example.com"
    )
    expect(page.get_by_test_id("session-expires")).to_contain_text("UTC")
    expect(page.get_by_role("button", name="Switch back")).to_have_count(0)
    # The role's permissions: IAMReadOnlyAccess lists users, but cannot create one.
    page.goto("/users/")
    expect(page.get_by_text("is not authorized")).to_have_count(0)
    page.goto("/switchrole/")
    expect(page.get_by_text("You signed in through SAML")).to_be_visible()

    page.get_by_test_id("account-menu").click()
    page.get_by_role("button", name="Sign out").click()
    page.goto("/users/")
    expect(page).to_have_url(f"{page.url.split('/signin')[0]}/signin/?next=/users/")


def test_a_tampered_saml_response_is_refused_in_the_browser(
    page: Page, root: Principal, aws_managed_policies: None, tmp_path: Path
) -> None:
    page.goto("/directory/")
    page.get_by_text("Alice Rivera").click()
    page.get_by_label("AWS account ID").fill(root.account_id)
    page.get_by_role("button", name="Sign in to the AWS console").click()
    # No provider is registered in the account: AWS's sign-in refuses the response.
    page.get_by_role("button", name="Continue").click()
    expect(
        page.get_by_role("heading", name="Your request included an invalid SAML response.")
    ).to_be_visible()
    expect(page.get_by_text("InvalidIdentityToken")).to_be_visible()
