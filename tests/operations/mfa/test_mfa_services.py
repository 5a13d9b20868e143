from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from accounts import crypto
from accounts.models import AuditEvent, MFADevice, Principal
from domain import iam as services
from domain.kernel.actors import Actor, system_actor
from domain.kernel.errors import (
    AccessDenied,
    EntityAlreadyExists,
    InvalidAuthenticationCode,
    LimitExceeded,
    ValidationError,
)
from tests.conftest import PASSWORD

NOW = datetime(2025, 3, 1, 12, 0, 10, tzinfo=UTC)


def code(secret: str, offset_steps: int = 0, now: datetime = NOW) -> str:
    return pyotp.TOTP(secret).at(now + timedelta(seconds=30 * offset_steps))


def assign(actor: Actor, owner: Principal, name: str = "phone") -> tuple[MFADevice, str]:
    secret = services.prepare_virtual_mfa_device(actor=actor, owner=owner, name=name)
    device = services.enable_virtual_mfa_device(
        actor=actor,
        owner=owner,
        name=name,
        secret=secret,
        code1=code(secret, -1),
        code2=code(secret, 0),
        now=NOW,
    )
    return device, secret


def test_assigning_a_device_stores_the_secret_encrypted_and_spends_the_codes(
    root_actor: Actor, alice: Principal
) -> None:
    device, secret = assign(root_actor, alice)
    device.refresh_from_db()
    assert device.arn == f"arn:aws:iam::{alice.account_id}:mfa/phone"
    assert secret not in device.secret_encrypted
    assert crypto.decrypt(device.secret_encrypted) == secret
    # The enrolment code cannot sign in.
    assert services.verify_mfa_code(alice, code(secret, 0), device=device, now=NOW) is None
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"iam:CreateVirtualMFADevice", "iam:EnableMFADevice"} <= actions


def test_wrong_codes_assign_nothing(root_actor: Actor, alice: Principal) -> None:
    secret = services.prepare_virtual_mfa_device(actor=root_actor, owner=alice, name="phone")
    with pytest.raises(InvalidAuthenticationCode):
        services.enable_virtual_mfa_device(
            actor=root_actor,
            owner=alice,
            name="phone",
            secret=secret,
            code1=code(secret, 0),
            code2=code(secret, 0),
            now=NOW,
        )
    assert not MFADevice.objects.exists()


@pytest.mark.parametrize("name", ["", "has space", "x" * 129, "slash/name"])
def test_device_names_follow_aws_rules(root_actor: Actor, alice: Principal, name: str) -> None:
    with pytest.raises(ValidationError) as caught:
        services.prepare_virtual_mfa_device(actor=root_actor, owner=alice, name=name)
    assert caught.value.field == "name"


def test_device_names_are_unique_in_the_account(
    root_actor: Actor, alice: Principal, bob: Principal
) -> None:
    assign(root_actor, alice, "shared")
    with pytest.raises(EntityAlreadyExists):
        services.prepare_virtual_mfa_device(actor=root_actor, owner=bob, name="shared")


def test_a_principal_has_at_most_eight_devices(root_actor: Actor, alice: Principal) -> None:
    for n in range(8):
        MFADevice.objects.create(
            account=alice.account, principal=alice, name=f"d{n}", secret_encrypted="x"
        )
    with pytest.raises(LimitExceeded, match="MFADevicesPerUser: 8"):
        services.prepare_virtual_mfa_device(actor=root_actor, owner=alice, name="ninth")
    with pytest.raises(LimitExceeded):
        services.enable_virtual_mfa_device(
            actor=root_actor,
            owner=alice,
            name="ninth",
            secret="JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP",
            code1=code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", -1),
            code2=code("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", 0),
            now=NOW,
        )
    assert MFADevice.objects.filter(principal=alice).count() == 8


def test_a_user_without_permission_cannot_assign_a_device(alice: Principal, bob: Principal) -> None:
    with pytest.raises(AccessDenied, match="iam:CreateVirtualMFADevice"):
        services.prepare_virtual_mfa_device(actor=system_actor(alice), owner=bob, name="x")
    denied = AuditEvent.objects.get(outcome=AuditEvent.Outcome.DENIED)
    assert denied.action == "iam:CreateVirtualMFADevice"


def test_a_sign_in_code_is_accepted_once(root_actor: Actor, alice: Principal) -> None:
    device, secret = assign(root_actor, alice)
    later = NOW + timedelta(seconds=30)
    now_code = code(secret, 0, later)
    assert services.verify_mfa_code(alice, now_code, device=device, now=later) == device
    assert services.verify_mfa_code(alice, now_code, device=device, now=later) is None
    assert services.verify_mfa_code(alice, "000000", device=device, now=later) is None


def test_a_code_is_checked_only_against_the_chosen_device(
    root_actor: Actor, alice: Principal
) -> None:
    first, first_secret = assign(root_actor, alice, "first")
    second, second_secret = assign(root_actor, alice, "second")
    later = NOW + timedelta(seconds=30)
    first_code = code(first_secret, 0, later)
    assert services.verify_mfa_code(alice, first_code, device=second, now=later) is None
    second.refresh_from_db()
    assert second.last_used_step == int(NOW.timestamp()) // 30
    assert services.verify_mfa_code(alice, first_code, device=first, now=later) == first
    second_code = code(second_secret, 0, later)
    assert services.verify_mfa_code(alice, second_code, device=second, now=later) == second


def test_another_principals_device_never_signs_in(
    root_actor: Actor, alice: Principal, bob: Principal
) -> None:
    device, secret = assign(root_actor, bob, "bobs-phone")
    later = NOW + timedelta(seconds=30)
    assert services.verify_mfa_code(alice, code(secret, 0, later), device=device, now=later) is None


def test_resync_needs_two_new_consecutive_codes(root_actor: Actor, alice: Principal) -> None:
    device, secret = assign(root_actor, alice)
    later = NOW + timedelta(seconds=60)
    with pytest.raises(InvalidAuthenticationCode):
        services.resync_mfa_device(
            actor=root_actor, device=device, code1="123456", code2="654321", now=later
        )
    services.resync_mfa_device(
        actor=root_actor,
        device=device,
        code1=code(secret, 0, later),
        code2=code(secret, 1, later),
        now=later,
    )
    device.refresh_from_db()
    assert device.last_used_step == int(later.timestamp()) // 30 + 1


def test_removing_a_device_needs_the_actors_password(root_actor: Actor, alice: Principal) -> None:
    device, _ = assign(root_actor, alice)
    with pytest.raises(ValidationError) as caught:
        services.remove_mfa_device(actor=root_actor, device=device, password="wrong")
    assert caught.value.field == "password"
    assert MFADevice.objects.filter(pk=device.pk).exists()
    services.remove_mfa_device(actor=root_actor, device=device, password=PASSWORD)
    assert not MFADevice.objects.filter(pk=device.pk).exists()
    assert AuditEvent.objects.filter(action="iam:DeleteVirtualMFADevice").exists()
