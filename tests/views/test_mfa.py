from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pyotp
import pytest
from django.test import Client
from django.utils import timezone

from accounts import crypto
from accounts.models import AuditEvent, MFADevice, Principal
from domain import iam as services
from domain.iam.policies import attach_group_policy, attach_user_policy
from domain.kernel.actors import MFA_SESSION_KEY, Actor
from policies.models import ManagedPolicy
from tests.conftest import PASSWORD
from tests.responses import ClientResponse
from tests.views.wizards import mfa_wizard


def codes_around_now() -> tuple[str, str]:
    """Codes for the previous and the current step: consecutive, both within drift."""
    now = datetime.now(UTC)
    totp = pyotp.TOTP
    return totp(SECRET).at(now - timedelta(seconds=30)), totp(SECRET).at(now)


SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def give_device(owner: Principal, secret: str = SECRET, name: str = "phone") -> MFADevice:
    # Last used at the previous step, so the current and the next code can still sign in.
    step = int(timezone.now().timestamp()) // 30 - 1
    return MFADevice.objects.create(
        account=owner.account,
        principal=owner,
        name=name,
        secret_encrypted=crypto.encrypt(secret),
        last_used_step=step,
    )


def secret_from(page: str) -> str:
    match = re.search(r'data-testid="mfa-secret">([A-Z2-7]+)<', page)
    assert match, "the setup page shows the secret key"
    return match.group(1)


def test_root_assigns_a_virtual_device_from_their_security_credentials(
    root_client: Client, root: Principal
) -> None:
    response = root_client.post(mfa_wizard(root_client, "device"), {"name": "root-phone"})
    assert response["Location"] == mfa_wizard(root_client, "setup")
    setup = root_client.get(mfa_wizard(root_client, "setup")).content.decode()
    assert "<svg" in setup and "style=" not in setup
    secret = secret_from(setup)
    now = datetime.now(UTC)
    response = root_client.post(
        mfa_wizard(root_client, "setup"),
        {
            "code1": pyotp.TOTP(secret).at(now - timedelta(seconds=30)),
            "code2": pyotp.TOTP(secret).at(now),
        },
    )
    assert response["Location"] == "/security-credentials/"
    page = root_client.get("/security-credentials/").content.decode()
    assert f"arn:aws:iam::{root.account_id}:mfa/root-phone" in page
    assert secret not in page
    assert "mfa_assign_pending" not in root_client.session


def test_wrong_codes_show_an_error_beside_code_2_and_assign_nothing(root_client: Client) -> None:
    root_client.post(mfa_wizard(root_client, "device"), {"name": "phone"})
    response = root_client.post(
        mfa_wizard(root_client, "setup"), {"code1": "123456", "code2": "654321"}
    )
    assert "Authentication code for device is not valid." in response.content.decode()
    assert not MFADevice.objects.exists()


def test_a_bad_device_name_is_refused_beside_the_field(root_client: Client) -> None:
    response = root_client.post(mfa_wizard(root_client, "device"), {"name": "has spaces"})
    assert response.status_code == 200
    assert "Valid characters" in response.content.decode()
    assert "mfa_assign_pending" not in root_client.session


def test_the_setup_page_without_a_pending_device_goes_back_to_step_1(root_client: Client) -> None:
    response = root_client.get(mfa_wizard(root_client, "setup"))
    assert response["Location"] == mfa_wizard(root_client, "setup").replace("setup", "device")


def test_root_assigns_a_device_to_an_iam_user(root_client: Client, alice: Principal) -> None:
    root_client.post(mfa_wizard(root_client, "device", "alice"), {"name": "alice-phone"})
    secret = secret_from(
        root_client.get(mfa_wizard(root_client, "setup", "alice")).content.decode()
    )
    now = datetime.now(UTC)
    root_client.post(
        mfa_wizard(root_client, "setup", "alice"),
        {
            "code1": pyotp.TOTP(secret).at(now - timedelta(seconds=30)),
            "code2": pyotp.TOTP(secret).at(now),
        },
    )
    assert MFADevice.objects.get(principal=alice).name == "alice-phone"


def test_a_user_who_cannot_read_another_users_devices_sees_the_denial(
    alice_client: Client, bob: Principal
) -> None:
    response = alice_client.get("/users/details/bob/mfa/assign/")
    assert response.status_code == 403
    assert "is not authorized to perform: iam:ListMFADevices" in response.content.decode()


def test_a_read_only_user_sees_the_denial_when_assigning_and_nothing_changes(
    root_actor: Actor, alice_client: Client, alice: Principal, bob: Principal
) -> None:
    read_only = ManagedPolicy.objects.get(name="IAMReadOnlyAccess", account=None)
    attach_user_policy(actor=root_actor, user=alice, policy=read_only)
    response = alice_client.post(mfa_wizard(alice_client, "device", "bob"), {"name": "sneaky"})
    assert response.status_code == 200
    assert "is not authorized to perform: iam:CreateVirtualMFADevice" in response.content.decode()
    assert "mfa_assign_pending" not in alice_client.session


def test_another_accounts_user_devices_are_not_found(
    outsider_client: Client, alice: Principal
) -> None:
    device = give_device(alice)
    assert outsider_client.get("/users/details/alice/mfa/assign/").status_code == 404
    assert outsider_client.get(f"/security-credentials/mfa/{device.pk}/remove/").status_code == 404


def test_removing_a_device_asks_for_the_password(root_client: Client, root: Principal) -> None:
    device = give_device(root)
    url = f"/security-credentials/mfa/{device.pk}/remove/"
    response = root_client.post(url, {"password": "wrong-password"})
    assert "The password is incorrect." in response.content.decode()
    assert MFADevice.objects.filter(pk=device.pk).exists()
    response = root_client.post(url, {"password": PASSWORD})
    assert response["Location"] == "/security-credentials/"
    assert not MFADevice.objects.filter(pk=device.pk).exists()


def test_resync_with_two_consecutive_codes(root_client: Client, root: Principal) -> None:
    device = give_device(root)
    now = datetime.now(UTC)
    response = root_client.post(
        f"/security-credentials/mfa/{device.pk}/resync/",
        {
            "code1": pyotp.TOTP(SECRET).at(now),
            "code2": pyotp.TOTP(SECRET).at(now + timedelta(seconds=30)),
        },
    )
    assert response["Location"] == "/security-credentials/"
    device.refresh_from_db()
    assert device.last_used_step == int(now.timestamp()) // 30 + 1


# --- sign-in with MFA ----------------------------------------------------------------


def sign_in_root(client: Client) -> ClientResponse:
    client.post("/signin/", {"kind": "root", "email": "owner@example.com"})
    return client.post("/signin/root/", {"password": PASSWORD})


def test_a_principal_with_a_device_must_enter_a_code_after_the_password(root: Principal) -> None:
    give_device(root)
    client = Client()
    response = sign_in_root(client)
    assert response["Location"].startswith("/signin/mfa/")
    assert "_auth_user_id" not in client.session
    assert client.get("/")["Location"].startswith("/signin/")
    code = pyotp.TOTP(SECRET).now()
    response = client.post("/signin/mfa/", {"code": code})
    assert response.status_code == 302
    assert client.session[MFA_SESSION_KEY]
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(
        action="signin:ConsoleLogin", outcome="allowed", details__mfa_device__isnull=False
    ).exists()


def test_a_code_cannot_be_replayed_to_sign_in_again(root: Principal) -> None:
    give_device(root)
    code = pyotp.TOTP(SECRET).now()
    first = Client()
    sign_in_root(first)
    assert first.post("/signin/mfa/", {"code": code}).status_code == 302
    second = Client()
    sign_in_root(second)
    response = second.post("/signin/mfa/", {"code": code})
    assert response.status_code == 200
    assert "The MFA code is not valid." in response.content.decode()
    assert "_auth_user_id" not in second.session


def test_mfa_failures_are_throttled(root: Principal) -> None:
    give_device(root)
    client = Client()
    sign_in_root(client)
    for _ in range(5):
        client.post("/signin/mfa/", {"code": "000000"})
    response = client.post("/signin/mfa/", {"code": pyotp.TOTP(SECRET).now()})
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_mfa_page_without_a_correct_password_goes_to_sign_in(db: None) -> None:
    assert Client().get("/signin/mfa/")["Location"] == "/signin/"


def test_an_iam_user_with_a_device_signs_in_with_a_code(alice: Principal) -> None:
    give_device(alice)
    client = Client()
    response = client.post(
        f"/signin/{alice.account_id}/",
        {"account": alice.account_id, "username": "alice", "password": PASSWORD},
    )
    assert response["Location"].startswith("/signin/mfa/")
    response = client.post(response["Location"], {"code": pyotp.TOTP(SECRET).now()})
    assert response["Location"] == "/"
    assert client.session[MFA_SESSION_KEY]


OTHER_SECRET = "KRSXG5CTMVRXEZLUKRSXG5CTMVRXEZLU"


def test_with_one_device_the_code_page_comes_straight_after_the_password(
    root: Principal,
) -> None:
    give_device(root)
    client = Client()
    response = sign_in_root(client)
    assert response["Location"] == "/signin/mfa/?next=%2F"
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert 'name="code"' in page.content.decode()
    assert "Choose a different MFA device" not in page.content.decode()


def test_with_several_devices_the_person_first_chooses_one_then_gives_its_code(
    root: Principal,
) -> None:
    give_device(root, name="phone")
    tablet = give_device(root, OTHER_SECRET, name="tablet")
    client = Client()
    code_page = sign_in_root(client)["Location"]
    response = client.get(code_page)
    assert response["Location"] == "/signin/mfa/device/?next=%2F"
    choice = client.get(response["Location"]).content.decode()
    assert "phone" in choice and "tablet" in choice and "Authenticator app" in choice
    response = client.post("/signin/mfa/device/?next=%2F", {"device": tablet.pk})
    assert response["Location"] == "/signin/mfa/?next=%2F"
    page = client.get(response["Location"]).content.decode()
    assert "MFA device: <strong>tablet</strong>" in page
    # The other device's code is not accepted for the chosen one.
    response = client.post("/signin/mfa/", {"code": pyotp.TOTP(SECRET).now()})
    assert "The MFA code is not valid." in response.content.decode()
    assert "_auth_user_id" not in client.session
    response = client.post("/signin/mfa/", {"code": pyotp.TOTP(OTHER_SECRET).now()})
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(root.pk)
    event = AuditEvent.objects.get(action="signin:ConsoleLogin", outcome="allowed")
    assert event.details["mfa_device"] == tablet.arn


def test_choosing_nothing_or_someone_elses_device_is_refused(
    root: Principal, alice: Principal
) -> None:
    give_device(root, name="phone")
    give_device(root, OTHER_SECRET, name="tablet")
    alices = give_device(alice, name="alice-phone")
    client = Client()
    sign_in_root(client)
    for data in ({}, {"device": alices.pk}, {"device": "not-a-number"}):
        response = client.post("/signin/mfa/device/", data)
        assert response.status_code == 200
        assert "Choose an MFA device." in response.content.decode()
    assert client.get("/signin/mfa/")["Location"] == "/signin/mfa/device/"


def test_the_person_can_go_back_and_choose_another_device(root: Principal) -> None:
    phone = give_device(root, name="phone")
    tablet = give_device(root, OTHER_SECRET, name="tablet")
    client = Client()
    sign_in_root(client)
    client.post("/signin/mfa/device/", {"device": tablet.pk})
    page = client.get("/signin/mfa/").content.decode()
    assert '<a href="/signin/mfa/device/">Choose a different MFA device</a>' in page
    client.post("/signin/mfa/device/", {"device": phone.pk})
    assert client.post("/signin/mfa/", {"code": pyotp.TOTP(SECRET).now()}).status_code == 302


def test_the_device_page_without_a_correct_password_goes_to_sign_in(db: None) -> None:
    assert Client().get("/signin/mfa/device/")["Location"] == "/signin/"


# --- the self-managed-credentials-with-MFA policy ------------------------------------


@pytest.fixture
def force_mfa(root_actor: Actor, alice: Principal) -> None:
    from domain.iam import demo_mfa
    from domain.iam.policies import create_policy

    policy = create_policy(actor=root_actor, name="Force_MFA", document=demo_mfa.FORCE_MFA_POLICY)
    group = services.create_group(actor=root_actor, name="MFARequired")
    services.add_user_to_group(actor=root_actor, group=group, user=alice)
    attach_group_policy(actor=root_actor, group=group, policy=policy)
    read_only = ManagedPolicy.objects.get(name="IAMReadOnlyAccess", account=None)
    attach_user_policy(actor=root_actor, user=alice, policy=read_only)


def test_without_mfa_the_force_mfa_policy_denies_all_but_enrolling(
    force_mfa: None, alice_client: Client, alice: Principal
) -> None:
    dashboard = alice_client.get("/").content.decode()
    assert (
        f"User: {alice.arn} is not authorized to perform: iam:GetAccountSummary on resource: * "
        "with an explicit deny in an identity-based policy"
    ) in dashboard
    page = alice_client.get("/security-credentials/")
    assert page.status_code == 200
    assert "Assign MFA device" in page.content.decode()
    assert "iam:ListMFADevices" not in page.content.decode()
    response = alice_client.post(mfa_wizard(alice_client, "device"), {"name": "alice-phone"})
    assert response["Location"] == mfa_wizard(alice_client, "setup")


def test_with_mfa_the_force_mfa_policy_allows(
    force_mfa: None, alice_client: Client, alice: Principal
) -> None:
    session = alice_client.session
    session[MFA_SESSION_KEY] = timezone.now().isoformat()
    session.save()
    dashboard = alice_client.get("/").content.decode()
    assert "explicit deny" not in dashboard
    assert 'data-testid="count-users"' in dashboard
