"""Wrong current passwords are throttled and audited; sign-ups are limited per address."""

from __future__ import annotations

import pyotp
import pytest
from django.test import Client
from pytest_django import Settings

from accounts.models import Account, AuditEvent, MFADevice, Principal
from accounts.passwords import Rules
from domain import iam as services
from domain.kernel import throttle
from domain.kernel.actors import Actor
from tests.conftest import PASSWORD
from tests.views.test_mfa import SECRET, give_device, sign_in_root

CHANGE = "/security-credentials/password/"
TOO_MANY = "Too many incorrect passwords. Wait 15 minutes, then try again."


def change(client: Client, old: str) -> str:
    data = {"old_password": old, "new_password": "Root-New-Pass-1"}
    response = client.post(CHANGE, data | {"confirm_password": "Root-New-Pass-1"})
    return response.content.decode() if response.status_code == 200 else "changed"


def test_wrong_current_passwords_are_audited_then_throttled(
    root_client: Client, root: Principal
) -> None:
    for _ in range(throttle.MAX_WRONG_CURRENT_PASSWORDS):
        assert "The current password is incorrect." in change(root_client, "nope-nope-1A")
    assert TOO_MANY in change(root_client, PASSWORD)
    root.refresh_from_db()
    assert root.check_password(PASSWORD)
    events = AuditEvent.objects.filter(action="iam:ChangePassword", actor_arn=root.arn)
    codes = list(events.order_by("id").values_list("outcome", "error_code"))
    assert codes == [("failed", "Failed authentication")] * 5 + [("failed", "Throttling")]


def test_the_current_password_throttle_lifts_after_fifteen_minutes(
    root_client: Client, root: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    now = [1_900_000_000.0]
    monkeypatch.setattr(throttle, "_now", lambda: now[0])
    for _ in range(throttle.MAX_WRONG_CURRENT_PASSWORDS):
        change(root_client, "nope-nope-1A")
    now[0] += 15 * 60 + 1
    assert change(root_client, PASSWORD) == "changed"


def test_the_forced_new_password_page_shares_the_current_password_throttle(
    root_actor: Actor,
) -> None:
    services.update_account_password_policy(
        actor=root_actor, rules=Rules(custom=True, allow_users_to_change=True)
    )
    user = services.create_user_with_access(
        actor=root_actor,
        new=services.NewUser(
            name="newbie", console_password=PASSWORD, password_reset_required=True
        ),
    )
    client = Client()
    client.force_login(user)
    data = {"new_password": "Newbie-Pass-77", "confirm_password": "Newbie-Pass-77"}
    for _ in range(throttle.MAX_WRONG_CURRENT_PASSWORDS):
        client.post("/signin/new-password/", data | {"old_password": "nope-nope-1A"})
    page = client.post("/signin/new-password/", data | {"old_password": PASSWORD})
    assert TOO_MANY in page.content.decode()
    assert (
        AuditEvent.objects.filter(
            action="iam:ChangePassword", actor_arn=user.arn, error_code="Failed authentication"
        ).count()
        == throttle.MAX_WRONG_CURRENT_PASSWORDS
    )


def test_wrong_passwords_confirming_an_mfa_removal_are_audited_and_throttled(
    root: Principal,
) -> None:
    device = give_device(root)
    client = Client()
    sign_in_root(client)
    client.post("/signin/mfa/", {"code": pyotp.TOTP(SECRET).now()})
    url = f"/security-credentials/mfa/{device.pk}/remove/"
    for _ in range(throttle.MAX_WRONG_CURRENT_PASSWORDS):
        client.post(url, {"password": "nope-nope-1A"})
    page = client.post(url, {"password": PASSWORD}).content.decode()
    assert TOO_MANY in page
    assert MFADevice.objects.filter(pk=device.pk).exists()
    assert (
        AuditEvent.objects.filter(
            action="iam:DeactivateMFADevice", outcome="failed", error_code="Failed authentication"
        ).count()
        == throttle.MAX_WRONG_CURRENT_PASSWORDS
    )


def sign_up(n: int, address: str) -> str:
    form = {
        "email": f"student{n}@example.com",
        "account_name": f"Student {n}",
        "password": "Strong-Pass-42",
        "confirm_password": "Strong-Pass-42",
    }
    response = Client().post("/signup/", form, REMOTE_ADDR=address)
    return response.content.decode() if response.status_code == 200 else "created"


def test_one_address_creates_at_most_the_hourly_limit_of_accounts(
    db: None, settings: Settings
) -> None:
    settings.SIGNUP_LIMIT_PER_ADDRESS = 5
    for n in range(5):
        assert sign_up(n, "192.0.2.10") == "created"
    assert throttle.SIGNUP_MESSAGE in sign_up(5, "192.0.2.10")
    assert Account.objects.count() == 5
    assert sign_up(6, "192.0.2.11") == "created"


def test_the_sign_up_limit_lifts_after_an_hour(
    db: None, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.SIGNUP_LIMIT_PER_ADDRESS = 1
    now = [1_900_000_000.0]
    monkeypatch.setattr(throttle, "_now", lambda: now[0])
    assert sign_up(1, "192.0.2.10") == "created"
    assert throttle.SIGNUP_MESSAGE in sign_up(2, "192.0.2.10")
    now[0] += 60 * 60 + 1
    assert sign_up(2, "192.0.2.10") == "created"
