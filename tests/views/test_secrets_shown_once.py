"""Every page that shows a secret: once on the page, once as the .csv file, never cached,
gone after Done / Close / Cancel or 10 minutes, and never stored or logged in clear."""

from __future__ import annotations

import html
import json
import logging
import re
from datetime import timedelta

import pyotp
import pytest
from django.contrib.messages import get_messages
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from pytest_django import Settings

from accounts import crypto
from accounts.models import AccessKey, AuditEvent, MFADevice, Principal
from console.flows import show_once
from tests.responses import ClientResponse
from tests.views.wizards import access_key_wizard, mfa_wizard

ROOT_RETRIEVE = "/security-credentials/root-access-key/retrieve/"
ROOT_CSV = "/security-credentials/root-access-key/rootkey.csv"
ALICE_KEYS = "/users/details/alice/access-keys"
GONE = "The secret access key can no longer be retrieved."


def no_store(response: ClientResponse) -> bool:
    return "no-store" in response.get("Cache-Control", "")


def create_root_key(client: Client, root: Principal) -> str:
    response = client.post("/security-credentials/root-access-key/", {"understand": "1"})
    assert response["Location"] == ROOT_RETRIEVE
    return crypto.decrypt(AccessKey.objects.get(principal=root).secret_encrypted)


def create_alice_key(client: Client) -> str:
    response = access_key_wizard(client, "alice")
    assert response["Location"] == f"{ALICE_KEYS}/retrieve/"
    key = AccessKey.objects.filter(principal__name="alice").latest("created_at")
    return crypto.decrypt(key.secret_encrypted)


def messages_of(response: ClientResponse) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def later(monkeypatch: pytest.MonkeyPatch, minutes: int) -> None:
    moment = timezone.now() + timedelta(minutes=minutes)
    monkeypatch.setattr(show_once, "_now", lambda: moment)


# --- the root user's access key -------------------------------------------------------


def test_the_root_key_is_shown_once_and_downloaded_once_then_gone(
    root_client: Client, root: Principal
) -> None:
    secret = create_root_key(root_client, root)
    page = root_client.get(ROOT_RETRIEVE)
    assert secret in page.content.decode() and no_store(page)
    download = root_client.get(ROOT_CSV)
    assert f"AWSSecretKey={secret}" in download.content.decode() and no_store(download)

    again = root_client.get(ROOT_CSV)
    assert again.status_code == 302 and secret not in again.content.decode()
    reload = root_client.get(ROOT_RETRIEVE, follow=True)
    assert secret not in reload.content.decode()
    assert GONE in reload.content.decode()


def test_a_reload_of_the_root_key_page_hides_the_secret_but_keeps_the_download(
    root_client: Client, root: Principal
) -> None:
    secret = create_root_key(root_client, root)
    assert secret in root_client.get(ROOT_RETRIEVE).content.decode()
    reload = root_client.get(ROOT_RETRIEVE).content.decode()
    assert secret not in reload and "Download .csv file" in reload
    assert secret in root_client.get(ROOT_CSV).content.decode()


def test_done_forgets_the_root_key(root_client: Client, root: Principal) -> None:
    secret = create_root_key(root_client, root)
    root_client.post(ROOT_RETRIEVE)
    assert root_client.get(ROOT_CSV).status_code == 302
    assert secret not in root_client.get(ROOT_RETRIEVE, follow=True).content.decode()


def test_the_root_key_is_gone_after_ten_minutes(
    root_client: Client, root: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = create_root_key(root_client, root)
    later(monkeypatch, 11)
    response = root_client.get(ROOT_RETRIEVE)
    assert response.status_code == 302 and GONE in messages_of(response)
    assert secret not in root_client.get(ROOT_CSV, follow=True).content.decode()


# --- an IAM user's access key -----------------------------------------------------------


def test_a_users_key_is_shown_once_downloaded_once_and_never_cached(
    root_client: Client, alice: Principal
) -> None:
    secret = create_alice_key(root_client)
    page = root_client.get(f"{ALICE_KEYS}/retrieve/")
    assert secret in page.content.decode() and no_store(page)
    download = root_client.post(f"{ALICE_KEYS}/download/")
    assert secret in download.content.decode() and no_store(download)
    again = root_client.post(f"{ALICE_KEYS}/download/")
    assert again.status_code == 302 and GONE in messages_of(again)
    assert root_client.get(f"{ALICE_KEYS}/retrieve/").status_code == 302


def test_a_users_key_is_gone_after_ten_minutes(
    root_client: Client, alice: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    create_alice_key(root_client)
    later(monkeypatch, 11)
    assert root_client.get(f"{ALICE_KEYS}/retrieve/").status_code == 302
    assert root_client.post(f"{ALICE_KEYS}/download/").status_code == 302


def test_done_forgets_a_users_key(root_client: Client, alice: Principal) -> None:
    create_alice_key(root_client)
    root_client.post(f"{ALICE_KEYS}/done/")
    assert root_client.post(f"{ALICE_KEYS}/download/").status_code == 302


# --- passwords --------------------------------------------------------------------------


def test_a_reset_console_password_is_shown_once_and_never_cached(
    root_client: Client, bob: Principal
) -> None:
    root_client.post(
        "/users/details/bob/console-access/",
        {"access": "enable", "password_kind": "autogenerated"},
    )
    response = root_client.get("/users/details/bob/console-access/password/")
    assert no_store(response)
    password = html.unescape(
        re.search(r'data-testid="new-password">([^<]+)<', response.content.decode()).group(1)  # type: ignore[union-attr]
    )
    bob.refresh_from_db()
    assert bob.check_password(password)
    reload = root_client.get("/users/details/bob/console-access/password/", follow=True)
    assert password not in reload.content.decode()


def create_user_with_wizard(client: Client, name: str = "Mia") -> str:
    base = client.get("/users/create/")["Location"].rsplit("/", 2)[0]
    client.post(
        f"{base}/details/",
        {"name": name, "console": "on", "console_kind": "iam_user",
         "password_kind": "autogenerated"},
    )  # fmt: skip
    client.post(f"{base}/permissions/", {"option": "groups", "next": "1"})
    response = client.post(f"{base}/review/", {"create": "1"})
    assert response["Location"] == f"{base}/retrieve/"
    return base


def shown_password(body: str) -> str:
    match = re.search(r'data-testid="retrieve-password">([^<]+)<', body)
    assert match, "the retrieve page shows the password"
    return html.unescape(match.group(1))


def test_the_wizard_password_shows_once_downloads_once_and_is_never_cached(
    root_client: Client, account: object
) -> None:
    base = create_user_with_wizard(root_client)
    page = root_client.get(f"{base}/retrieve/")
    password = shown_password(page.content.decode())
    assert no_store(page)
    assert Principal.objects.get(name="Mia").check_password(password)
    download = root_client.get(f"{base}/credentials.csv")
    assert password in download.content.decode("utf-8-sig") and no_store(download)

    again = root_client.get(f"{base}/credentials.csv")
    assert again.status_code == 302
    reload = root_client.get(f"{base}/retrieve/").content.decode()
    assert password not in reload and "no longer shown" in reload
    assert "Download .csv file" not in reload


def test_a_reload_of_the_wizard_result_keeps_only_the_download(
    root_client: Client, account: object
) -> None:
    base = create_user_with_wizard(root_client)
    password = shown_password(root_client.get(f"{base}/retrieve/").content.decode())
    reload = root_client.get(f"{base}/retrieve/").content.decode()
    assert password not in reload and "Download .csv file" in reload
    assert password in root_client.get(f"{base}/credentials.csv").content.decode("utf-8-sig")


def test_leaving_for_the_users_list_forgets_the_wizard_password(
    root_client: Client, account: object
) -> None:
    base = create_user_with_wizard(root_client)
    root_client.get("/users/")
    assert root_client.get(f"{base}/credentials.csv").status_code == 302
    assert (
        'data-testid="retrieve-password"'
        not in root_client.get(f"{base}/retrieve/").content.decode()
    )


# --- the MFA seed -----------------------------------------------------------------------


def seed_from(body: str) -> str:
    match = re.search(r'data-testid="mfa-secret">([A-Z2-7]+)<', body)
    assert match, "the setup page shows the secret key"
    return match.group(1)


def test_the_mfa_seed_survives_wrong_codes_and_the_page_is_never_cached(
    root_client: Client,
) -> None:
    root_client.post(mfa_wizard(root_client, "device"), {"name": "phone"})
    setup = root_client.get(mfa_wizard(root_client, "setup"))
    assert no_store(setup)
    seed = seed_from(setup.content.decode())
    wrong = root_client.post(
        mfa_wizard(root_client, "setup"), {"code1": "000000", "code2": "000001"}
    )
    assert seed_from(wrong.content.decode()) == seed and no_store(wrong)


def test_cancel_forgets_the_mfa_seed(root_client: Client) -> None:
    root_client.post(mfa_wizard(root_client, "device"), {"name": "phone"})
    root_client.get(mfa_wizard(root_client, "setup"))
    response = root_client.post(mfa_wizard(root_client, "setup"), {"cancel": "1"})
    assert response["Location"] == "/security-credentials/"
    again = root_client.get(mfa_wizard(root_client, "setup"))
    assert again.status_code == 404 and "Start again" in again.content.decode()
    assert not MFADevice.objects.exists()


# --- nothing in clear anywhere ----------------------------------------------------------


def test_no_secret_is_stored_or_logged_in_clear_after_every_flow(
    root_client: Client, root: Principal, alice: Principal, bob: Principal,
    caplog: pytest.LogCaptureFixture,
) -> None:  # fmt: skip
    caplog.set_level(logging.DEBUG)
    secrets: list[str] = []

    def stored() -> str:
        sessions = [s.get_decoded() for s in Session.objects.all()]
        events = list(AuditEvent.objects.values())
        return json.dumps(sessions, default=str) + json.dumps(events, default=str)

    def check(step: str) -> None:
        text = stored() + caplog.text
        for secret in secrets:
            assert secret not in text, f"a secret is in clear after {step}"

    # Each secret is checked while it waits, then after it was delivered.
    secrets.append(create_root_key(root_client, root))
    check("creating the root key")
    root_client.get(ROOT_RETRIEVE)
    root_client.get(ROOT_CSV)
    check("retrieving the root key")

    secrets.append(create_alice_key(root_client))
    check("creating alice's key")
    root_client.get(f"{ALICE_KEYS}/retrieve/")
    root_client.post(f"{ALICE_KEYS}/download/")
    check("retrieving alice's key")

    root_client.post(
        "/users/details/bob/console-access/", {"access": "enable", "password_kind": "autogenerated"}
    )
    body = root_client.get("/users/details/bob/console-access/password/").content.decode()
    secrets.append(html.unescape(re.search(r'data-testid="new-password">([^<]+)<', body).group(1)))  # type: ignore[union-attr]
    check("resetting bob's password")

    base = create_user_with_wizard(root_client)
    secrets.append(shown_password(root_client.get(f"{base}/retrieve/").content.decode()))
    check("creating a user with the wizard")
    root_client.get(f"{base}/credentials.csv")
    check("downloading the wizard's .csv")

    root_client.post(mfa_wizard(root_client, "device"), {"name": "phone"})
    seed = seed_from(root_client.get(mfa_wizard(root_client, "setup")).content.decode())
    secrets.append(seed)
    check("starting MFA enrolment")
    now = timezone.now()
    root_client.post(
        mfa_wizard(root_client, "setup"),
        {
            "code1": pyotp.TOTP(seed).at(now - timedelta(seconds=30)),
            "code2": pyotp.TOTP(seed).at(now),
        },
    )
    assert MFADevice.objects.filter(principal=root).exists()
    check("finishing MFA enrolment")
    assert show_once.SESSION_KEY not in root_client.session


def test_a_wizard_whose_typed_password_no_key_opens_starts_over(
    root_client: Client,
    account: object,
    settings: Settings,
) -> None:
    settings.FIELD_ENCRYPTION_KEYS = ["key-being-removed"]
    base = root_client.get("/users/create/")["Location"].rsplit("/", 2)[0]
    root_client.post(
        f"{base}/details/",
        {"name": "Noa", "console": "on", "console_kind": "iam_user",
         "password_kind": "custom", "password": "Typed-Passw0rd!x"},
    )  # fmt: skip
    root_client.post(f"{base}/permissions/", {"option": "groups", "next": "1"})
    settings.FIELD_ENCRYPTION_KEYS = ["the-new-key"]
    response = root_client.post(f"{base}/review/", {"create": "1"})
    assert response.status_code == 404 and 'href="/users/create/"' in response.content.decode()
    assert not Principal.objects.filter(name="Noa").exists()
