from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Account, Principal
from domain import iam as services
from domain.kernel.actors import Actor


def test_root_sees_account_id_sign_in_url_and_counts(
    root_client: Client, account: Account, alice: Principal, bob: Principal
) -> None:
    page = root_client.get("/").content.decode()
    assert account.id in page
    assert f"/signin/{account.id}/" in page
    assert 'data-testid="count-users">2<' in page
    assert 'data-testid="count-groups">0<' in page


def test_counts_never_include_another_account(
    root_client: Client, outsider_account: Account, root_actor: Actor
) -> None:
    from accounts.models import Principal
    from domain.kernel.actors import system_actor

    outsider_root = Principal.objects.get(account=outsider_account)
    services.create_user(actor=system_actor(outsider_root), name="x1")
    page = root_client.get("/").content.decode()
    assert 'data-testid="count-users">0<' in page


def test_user_without_policies_sees_aws_denials_instead_of_counts(
    alice_client: Client, alice: Principal
) -> None:
    page = alice_client.get("/").content.decode()
    assert (
        f"User: {alice.arn} is not authorized to perform: iam:GetAccountSummary on resource: *"
        in page
    )
    assert 'data-testid="count-users"' not in page


def test_root_creates_edits_and_deletes_the_alias(root_client: Client, account: Account) -> None:
    response = root_client.post("/account-alias/", {"alias": "example-corp"})
    assert response["Location"] == "/"
    account.refresh_from_db()
    assert account.alias == "example-corp"
    assert "/signin/example-corp/" in root_client.get("/").content.decode()
    root_client.post("/account-alias/", {"alias": "example-two"})
    account.refresh_from_db()
    assert account.alias == "example-two"
    root_client.post("/account-alias/delete/")
    account.refresh_from_db()
    assert account.alias is None


@pytest.mark.parametrize(
    ("alias", "message"),
    [
        ("ab", "3 to 63 characters"),
        ("Bad_Alias", "lowercase letters, digits and hyphens"),
        ("-lead", "cannot start or end with a hyphen"),
        ("double--dash", "two hyphens"),
        ("123456789012", "12-digit"),
    ],
)
def test_bad_alias_is_refused_beside_the_field(
    root_client: Client, account: Account, alias: str, message: str
) -> None:
    page = root_client.post("/account-alias/", {"alias": alias}).content.decode()
    assert message in page
    assert 'class="field-error"' in page
    account.refresh_from_db()
    assert account.alias is None


def test_alias_taken_by_another_account_is_refused(
    root_client: Client, outsider_account: Account
) -> None:
    outsider_account.alias = "taken"
    outsider_account.save()
    page = root_client.post("/account-alias/", {"alias": "taken"}).content.decode()
    assert "The account alias taken already exists." in page


def test_user_without_permission_cannot_set_the_alias(
    alice_client: Client, alice: Principal
) -> None:
    page = alice_client.post("/account-alias/", {"alias": "mine"}).content.decode()
    assert "is not authorized to perform: iam:CreateAccountAlias" in page
    alice.account.refresh_from_db()
    assert alice.account.alias is None


@pytest.mark.parametrize("url", ["/", "/account-alias/"])
def test_every_console_page_needs_sign_in(db: None, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/signin/")


@pytest.mark.parametrize("url", ["/", "/account-alias/"])
def test_every_console_page_renders_for_root_and_user(
    root_client: Client, alice_client: Client, url: str
) -> None:
    assert root_client.get(url).status_code == 200
    assert alice_client.get(url).status_code == 200
