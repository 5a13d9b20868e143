from __future__ import annotations

from django.test import Client
from pytest_django import Settings

from accounts.models import Account, Principal

GOOD = {
    "email": "student@example.com",
    "account_name": "Student One",
    "password": "Strong-Pass-42",
    "confirm_password": "Strong-Pass-42",
}


def test_sign_up_creates_an_account_and_its_root_user(db: None) -> None:
    client = Client()
    response = client.post("/signup/", GOOD)
    assert response["Location"] == "/signin/root/"
    account = Account.objects.get(name="Student One")
    assert len(account.id) == 12 and account.id.isdigit()
    root = Principal.objects.get(account=account)
    assert root.is_root and root.email == "student@example.com"
    assert client.post("/signin/root/", {"password": "Strong-Pass-42"}).status_code == 302


def test_sign_up_refuses_a_taken_email_beside_the_field(root: Principal) -> None:
    response = Client().post("/signup/", GOOD | {"email": "OWNER@example.com"})
    assert "already exists" in response.content.decode()
    assert Account.objects.count() == 1


def test_sign_up_refuses_weak_passwords_and_changes_nothing(db: None) -> None:
    weak = GOOD | {"password": "password", "confirm_password": "password"}
    response = Client().post("/signup/", weak)
    assert "at least three of" in response.content.decode()
    assert not Account.objects.exists()


def test_sign_up_refuses_mismatched_passwords(db: None) -> None:
    response = Client().post("/signup/", GOOD | {"confirm_password": "Other-Pass-42"})
    assert "The passwords do not match." in response.content.decode()
    assert not Account.objects.exists()


def test_sign_up_refuses_a_bad_email(db: None) -> None:
    response = Client().post("/signup/", GOOD | {"email": "not-an-email"})
    assert "Enter a valid email address." in response.content.decode()


def test_sign_up_can_be_turned_off(db: None, settings: Settings) -> None:
    settings.SIGNUP_OPEN = False
    assert Client().get("/signup/").status_code == 404
