from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from accounts.models import AuditEvent, PasswordPolicy, Principal
from accounts.passwords import Rules
from domain import iam as services
from domain.kernel.actors import Actor
from tests.conftest import PASSWORD
from tests.responses import ClientResponse

CUSTOM = {
    "mode": "custom",
    "minimum_length": "12",
    "require_uppercase": "on",
    "require_numbers": "on",
    "expire": "on",
    "max_age_days": "90",
    "allow_users_to_change": "on",
    "prevent_reuse": "on",
    "reuse_prevention": "5",
}


def test_account_settings_shows_the_iam_default_policy(root_client: Client) -> None:
    page = root_client.get("/account-settings/").content.decode()
    assert "IAM default password policy" in page


URL = "/account-settings/password-policy/"


def hidden_fields(page: str) -> dict[str, str]:
    """The values the confirm step carries back, as the browser would post them."""
    fields = re.findall(r'<input type="hidden" name="(\w+)"(?: value="([^"]*)")?', page)
    return {name: value for name, value in fields if name != "csrfmiddlewaretoken"}


def save_and_confirm(client: Client, data: dict[str, str]) -> ClientResponse:
    """Save changes, then Set custom / Set default with what the confirm step carries."""
    confirm = client.post(URL, data)
    assert confirm.status_code == 200
    return client.post(URL, hidden_fields(confirm.content.decode()) | {"confirm": "1"})


def test_root_sets_a_custom_policy_with_every_option(root_client: Client) -> None:
    response = save_and_confirm(root_client, CUSTOM | {"hard_expiry": "on"})
    assert response["Location"] == "/account-settings/"
    policy = PasswordPolicy.objects.get()
    assert policy.minimum_password_length == 12
    assert policy.require_uppercase_characters and policy.require_numbers
    assert not policy.require_lowercase_characters and not policy.require_symbols
    assert policy.max_password_age == 90 and policy.hard_expiry
    assert policy.allow_users_to_change_password
    assert policy.password_reuse_prevention == 5
    page = root_client.get("/account-settings/").content.decode()
    assert "12 characters" in page and "Expire passwords in 90 days" in page
    assert "Remember 5 passwords" in page


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("minimum_length", "5", "from 6 to 128"),
        ("minimum_length", "129", "from 6 to 128"),
        ("minimum_length", "abc", "Enter a whole number."),
        ("max_age_days", "0", "from 1 to 1095"),
        ("max_age_days", "1096", "from 1 to 1095"),
        ("reuse_prevention", "0", "from 1 to 24"),
        ("reuse_prevention", "25", "from 1 to 24"),
    ],
)
def test_out_of_range_values_are_refused_beside_the_field(
    root_client: Client, field: str, value: str, message: str
) -> None:
    response = root_client.post("/account-settings/password-policy/", CUSTOM | {field: value})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not PasswordPolicy.objects.exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("minimum_length", "6"),
        ("minimum_length", "128"),
        ("max_age_days", "1"),
        ("max_age_days", "1095"),
        ("reuse_prevention", "1"),
        ("reuse_prevention", "24"),
    ],
)
def test_values_at_the_bounds_are_accepted(root_client: Client, field: str, value: str) -> None:
    response = save_and_confirm(root_client, CUSTOM | {field: value})
    assert response.status_code == 302
    assert PasswordPolicy.objects.exists()


def test_choosing_iam_default_removes_the_custom_policy(
    root_client: Client, root_actor: Actor
) -> None:
    services.update_account_password_policy(
        actor=root_actor, rules=Rules(custom=True, minimum_length=10)
    )
    confirm = root_client.post(URL, {"mode": "default"}).content.decode()
    assert "Set IAM default password policy?" in confirm and ">Set default</button>" in confirm
    assert PasswordPolicy.objects.exists()
    response = root_client.post(URL, hidden_fields(confirm) | {"confirm": "1"})
    assert response["Location"] == "/account-settings/"
    assert not PasswordPolicy.objects.exists()


def test_saving_asks_to_confirm_with_set_custom_and_changes_nothing_until_then(
    root_client: Client,
) -> None:
    response = root_client.post(URL, CUSTOM)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Set custom password policy?" in page and ">Set custom</button>" in page
    assert "12 characters" in page and "Expire passwords in 90 days" in page
    assert hidden_fields(page)["minimum_length"] == "12"
    assert not PasswordPolicy.objects.exists()
    assert not AuditEvent.objects.filter(action="iam:UpdateAccountPasswordPolicy").exists()


def test_cancel_on_the_confirm_step_goes_back_to_the_form_with_the_values_kept(
    root_client: Client,
) -> None:
    confirm = root_client.post(URL, CUSTOM).content.decode()
    response = root_client.post(URL, hidden_fields(confirm) | {"back": "1"})
    page = response.content.decode()
    assert "Edit password policy" in page
    assert 'name="minimum_length" value="12"' in page
    assert 'name="max_age_days" value="90"' in page
    assert not PasswordPolicy.objects.exists()


def test_an_unchecked_option_stays_unchecked_through_the_confirm_step(
    root_client: Client,
) -> None:
    save_and_confirm(root_client, CUSTOM)
    policy = PasswordPolicy.objects.get()
    assert not policy.hard_expiry and not policy.require_symbols
    assert policy.require_uppercase_characters


def test_a_user_without_permission_sees_the_denial_on_both_pages(alice_client: Client) -> None:
    page = alice_client.get("/account-settings/").content.decode()
    assert "not authorized to perform: iam:GetAccountPasswordPolicy" in page
    response = save_and_confirm(alice_client, CUSTOM)
    assert "not authorized to perform: iam:UpdateAccountPasswordPolicy" in response.content.decode()
    assert not PasswordPolicy.objects.exists()


# --- expiry at sign-in -----------------------------------------------------------------


def expire(user: Principal, root_actor: Actor, *, hard: bool) -> None:
    services.update_account_password_policy(
        actor=root_actor,
        rules=Rules(custom=True, minimum_length=8, max_age_days=30, hard_expiry=hard),
    )
    user.password_last_changed = timezone.now() - timedelta(days=31)
    user.save(update_fields=["password_last_changed"])


def sign_in(client: Client, user: Principal, password: str = PASSWORD) -> ClientResponse:
    return client.post(
        f"/signin/{user.account_id}/",
        {"account": user.account_id, "username": user.name, "password": password},
    )


def test_an_expired_password_must_be_changed_at_sign_in(
    alice: Principal, root_actor: Actor
) -> None:
    expire(alice, root_actor, hard=False)
    client = Client()
    sign_in(client, alice)
    response = client.get("/")
    assert response["Location"] == "/signin/new-password/"
    page = client.get("/signin/new-password/").content.decode()
    assert "Your password has expired." in page
    response = client.post(
        "/signin/new-password/",
        {
            "old_password": PASSWORD,
            "new_password": "Fresh-Pass-42",
            "confirm_password": "Fresh-Pass-42",
        },
    )
    assert response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_hard_expiry_refuses_sign_in_and_says_to_contact_the_administrator(
    alice: Principal, root_actor: Actor
) -> None:
    expire(alice, root_actor, hard=True)
    client = Client()
    response = sign_in(client, alice)
    assert response.status_code == 200
    assert "Contact your administrator." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_console_warns_fifteen_days_before_expiry(
    alice: Principal, root_actor: Actor, alice_client: Client
) -> None:
    services.update_account_password_policy(
        actor=root_actor, rules=Rules(custom=True, minimum_length=8, max_age_days=30)
    )
    alice.password_last_changed = timezone.now() - timedelta(days=20)
    alice.save(update_fields=["password_last_changed"])
    page = alice_client.get("/security-credentials/").content.decode()
    assert "Your password expires in 9 days" in page


def test_the_expiry_notice_shows_on_every_console_page(
    alice: Principal, root_actor: Actor, alice_client: Client
) -> None:
    services.update_account_password_policy(
        actor=root_actor, rules=Rules(custom=True, minimum_length=8, max_age_days=30)
    )
    assert "password-expiry-notice" not in alice_client.get("/").content.decode()
    alice.password_last_changed = timezone.now() - timedelta(days=16)
    alice.save(update_fields=["password_last_changed"])
    page = alice_client.get("/").content.decode()
    assert "Your password expires in 13 days." in page


def test_an_admin_reset_to_a_remembered_password_is_refused_beside_the_field(
    root_client: Client, root_actor: Actor, alice: Principal
) -> None:
    services.update_account_password_policy(
        actor=root_actor, rules=Rules(custom=True, minimum_length=8, reuse_prevention=5)
    )
    before = alice.password
    response = root_client.post(
        "/users/details/alice/console-access/",
        {"access": "enable", "password_kind": "custom", "password": PASSWORD},
    )
    assert response.status_code == 200
    assert (
        '<p class="field-error" id="id_password-error">Policy constraint violation with password '
        "reuse prevention during password change.</p>"
    ) in response.content.decode()
    alice.refresh_from_db()
    assert alice.password == before
