"""An alias that reads as an account ID would make the account's sign-in URL sign users
in to another account: such aliases are refused, and sign-in resolves IDs first."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Account, Principal
from domain import iam as services
from domain.kernel import validators
from domain.kernel.actors import Actor
from domain.kernel.errors import ValidationError
from tests.conftest import PASSWORD


def hyphenated(account_id: str) -> str:
    return f"{account_id[:4]}-{account_id[4:8]}-{account_id[8:]}"


@pytest.mark.parametrize(
    "alias", ["5996-4382-5777", "599643825777", "599-643-825-777", "1234", "12-34", "000"]
)
def test_an_alias_made_of_digits_and_hyphens_is_refused(alias: str) -> None:
    with pytest.raises(ValidationError) as refused:
        validators.account_alias(alias)
    assert refused.value.field == "alias"


def test_aliases_with_a_letter_are_still_accepted() -> None:
    assert validators.account_alias("5996-4382-5777a") == "5996-4382-5777a"
    assert validators.account_alias("a1234") == "a1234"


def test_another_accounts_id_with_hyphens_cannot_be_taken_as_alias(
    root_client: Client, account: Account, outsider_account: Account
) -> None:
    page = root_client.post(
        "/account-alias/", {"alias": hyphenated(outsider_account.id)}
    ).content.decode()
    assert "The alias cannot be a 12-digit number." in page
    assert 'class="field-error"' in page
    account.refresh_from_db()
    assert account.alias is None


def test_the_id_with_hyphens_signs_in_to_the_account_with_that_id(
    outsider_account: Account, account: Account, root_actor: Actor
) -> None:
    # Even an alias stored before this rule cannot take the ID's place at sign-in.
    account.alias = hyphenated(outsider_account.id)
    account.save(update_fields=["alias"])
    services.create_user_with_access(
        actor=root_actor,
        new=services.NewUser(name="sam", console_password=PASSWORD, password_reset_required=False),
    )
    client = Client()
    response = client.post(
        f"/signin/{hyphenated(outsider_account.id)}/",
        {"account": hyphenated(outsider_account.id), "username": "sam", "password": PASSWORD},
    )
    assert response.status_code == 200  # refused: sam is not a user of the outsider account
    assert "_auth_user_id" not in client.session
    assert not Principal.objects.filter(account=outsider_account, name="sam").exists()
