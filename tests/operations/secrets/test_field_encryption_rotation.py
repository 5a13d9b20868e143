"""Stored secrets survive key rotation: old keys decrypt, the newest encrypts, and
`manage.py rotate_field_encryption` moves everything to the newest key."""

from __future__ import annotations

import io

import pytest
from cryptography.fernet import InvalidToken
from django.core.management import CommandError, call_command
from pytest_django import Settings

from accounts import crypto
from accounts.models import AccessKey, MFADevice, Principal
from domain import iam as services
from domain.kernel.actors import Actor

OLD_SECRET_KEY = "old-secret-key-" + "x" * 40
NEW_SECRET_KEY = "new-secret-key-" + "y" * 40


@pytest.fixture
def no_field_keys(settings: Settings) -> Settings:
    settings.FIELD_ENCRYPTION_KEYS = []
    settings.FIELD_ENCRYPTION_KEY = ""
    settings.SECRET_KEY_FALLBACKS = []
    return settings


def rotate() -> str:
    out = io.StringIO()
    call_command("rotate_field_encryption", stdout=out)
    return out.getvalue()


def test_a_secret_key_rotated_the_django_way_keeps_secrets_readable(
    no_field_keys: Settings,
) -> None:
    no_field_keys.SECRET_KEY = OLD_SECRET_KEY
    token = crypto.encrypt("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
    no_field_keys.SECRET_KEY = NEW_SECRET_KEY
    with pytest.raises(InvalidToken):
        crypto.decrypt(token)
    no_field_keys.SECRET_KEY_FALLBACKS = [OLD_SECRET_KEY]
    assert crypto.decrypt(token) == "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    assert not crypto.is_current(token)
    assert crypto.is_current(crypto.encrypt("new"))


def test_the_first_field_encryption_key_encrypts_and_every_key_decrypts(
    no_field_keys: Settings,
) -> None:
    no_field_keys.FIELD_ENCRYPTION_KEYS = ["key-one"]
    old = crypto.encrypt("seed-one")
    no_field_keys.FIELD_ENCRYPTION_KEYS = ["key-two", "key-one"]
    new = crypto.encrypt("seed-two")
    assert crypto.decrypt(old) == "seed-one" and crypto.decrypt(new) == "seed-two"
    no_field_keys.FIELD_ENCRYPTION_KEYS = ["key-two"]
    assert crypto.decrypt(new) == "seed-two"
    with pytest.raises(InvalidToken):
        crypto.decrypt(old)


def test_the_single_field_encryption_key_setting_is_still_accepted(
    no_field_keys: Settings,
) -> None:
    no_field_keys.FIELD_ENCRYPTION_KEY = "legacy-key"
    token = crypto.encrypt("secret")
    no_field_keys.FIELD_ENCRYPTION_KEY = ""
    no_field_keys.FIELD_ENCRYPTION_KEYS = ["fresh-key", "legacy-key"]
    assert crypto.decrypt(token) == "secret"
    assert not crypto.is_current(token)


def test_secrets_made_before_field_keys_were_set_still_decrypt(
    no_field_keys: Settings,
) -> None:
    token = crypto.encrypt("made-with-secret-key")
    no_field_keys.FIELD_ENCRYPTION_KEYS = ["first-field-key"]
    assert crypto.decrypt(token) == "made-with-secret-key"


def test_the_rotate_command_re_encrypts_every_stored_secret_so_the_old_key_can_go(
    no_field_keys: Settings,
    root_actor: Actor,
    alice: Principal,
) -> None:
    no_field_keys.FIELD_ENCRYPTION_KEYS = ["key-one"]
    new_key = services.create_access_key(actor=root_actor, user=alice)
    device = MFADevice.objects.create(
        account=alice.account,
        principal=alice,
        name="phone",
        secret_encrypted=crypto.encrypt("JBSWY3DPEHPK3PXP"),
    )
    no_field_keys.FIELD_ENCRYPTION_KEYS = ["key-two", "key-one"]
    newer = services.create_access_key(actor=root_actor, user=alice)

    output = rotate()
    assert "accounts.AccessKey.secret_encrypted: 1 re-encrypted, 1 already current" in output
    assert "accounts.MFADevice.secret_encrypted: 1 re-encrypted, 0 already current" in output

    no_field_keys.FIELD_ENCRYPTION_KEYS = ["key-two"]  # the old key is dropped
    key = AccessKey.objects.get(pk=new_key.key.pk)
    assert services.access_keys.secret_of(key) == new_key.secret
    assert services.access_keys.secret_of(AccessKey.objects.get(pk=newer.key.pk)) == newer.secret
    device.refresh_from_db()
    assert crypto.decrypt(device.secret_encrypted) == "JBSWY3DPEHPK3PXP"


def test_running_the_rotate_command_again_changes_nothing(
    no_field_keys: Settings,
    root_actor: Actor,
    alice: Principal,
) -> None:
    no_field_keys.FIELD_ENCRYPTION_KEYS = ["key-one"]
    services.create_access_key(actor=root_actor, user=alice)
    no_field_keys.FIELD_ENCRYPTION_KEYS = ["key-two", "key-one"]
    rotate()
    stored = list(AccessKey.objects.values_list("secret_encrypted", flat=True))
    assert "0 re-encrypted, 1 already current" in rotate()
    assert list(AccessKey.objects.values_list("secret_encrypted", flat=True)) == stored


def test_a_secret_no_key_opens_is_reported_and_left_unchanged(
    no_field_keys: Settings,
    root_actor: Actor,
    alice: Principal,
) -> None:
    no_field_keys.FIELD_ENCRYPTION_KEYS = ["lost-key"]
    services.create_access_key(actor=root_actor, user=alice)
    stored = AccessKey.objects.get().secret_encrypted
    no_field_keys.FIELD_ENCRYPTION_KEYS = ["other-key"]
    with pytest.raises(CommandError, match="1 secret\\(s\\) could not be decrypted"):
        rotate()
    assert AccessKey.objects.get().secret_encrypted == stored
