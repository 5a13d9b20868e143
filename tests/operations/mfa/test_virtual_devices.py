"""Virtual MFA devices one AWS action at a time: CreateVirtualMFADevice makes an unassigned
device, EnableMFADevice assigns it, DeactivateMFADevice unassigns it, DeleteVirtualMFADevice
deletes it only when unassigned."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pyotp
import pytest

from accounts import crypto
from accounts.models import AuditEvent, MFADevice, Principal
from domain import iam as services
from domain.iam import mfa
from domain.kernel.actors import Actor, system_actor
from domain.kernel.errors import (
    AccessDenied,
    DeleteConflict,
    EntityAlreadyExists,
    InvalidAuthenticationCode,
    NoSuchEntity,
)

NOW = datetime(2025, 3, 1, 12, 0, 10, tzinfo=UTC)


def code(secret: str, offset_steps: int = 0) -> str:
    return pyotp.TOTP(secret).at(NOW + timedelta(seconds=30 * offset_steps))


def enable(actor: Actor, user: Principal, new: mfa.NewVirtualDevice) -> None:
    services.enable_mfa_device(
        actor=actor,
        user=user,
        device=new.device,
        code1=code(new.secret, -1),
        code2=code(new.secret, 0),
        now=NOW,
    )


def test_a_created_device_is_unassigned_with_its_seed_encrypted_and_a_png_qr_code(
    root_actor: Actor,
) -> None:
    new = services.create_virtual_mfa_device(actor=root_actor, name="phone", path="/team/")
    device = MFADevice.objects.get(pk=new.device.pk)
    assert device.principal is None and device.enabled_at is None
    assert device.arn == f"arn:aws:iam::{root_actor.account.id}:mfa/team/phone"
    assert crypto.decrypt(device.secret_encrypted) == new.secret
    assert new.secret not in device.secret_encrypted
    assert new.qr_code_png.startswith(b"\x89PNG\r\n\x1a\n")
    assert AuditEvent.objects.filter(action="iam:CreateVirtualMFADevice").exists()


def test_a_second_device_with_the_same_path_and_name_already_exists(root_actor: Actor) -> None:
    services.create_virtual_mfa_device(actor=root_actor, name="phone")
    with pytest.raises(EntityAlreadyExists):
        services.create_virtual_mfa_device(actor=root_actor, name="phone")


def test_enabling_assigns_the_device_with_two_consecutive_codes(
    root_actor: Actor, alice: Principal
) -> None:
    new = services.create_virtual_mfa_device(actor=root_actor, name="alice-phone")
    with pytest.raises(InvalidAuthenticationCode) as caught:
        services.enable_mfa_device(
            actor=root_actor,
            user=alice,
            device=new.device,
            code1=code(new.secret, 0),
            code2=code(new.secret, 0),
            now=NOW,
        )
    assert caught.value.message == "Authentication code for device is not valid."
    assert MFADevice.objects.get(pk=new.device.pk).principal is None
    enable(root_actor, alice, new)
    device = MFADevice.objects.get(pk=new.device.pk)
    assert device.principal == alice and device.enabled_at == NOW
    # The enrolment codes are spent: the second cannot sign in.
    assert services.verify_mfa_code(alice, code(new.secret, 0), device=device, now=NOW) is None


def test_an_assigned_device_cannot_be_enabled_again(
    root_actor: Actor, alice: Principal, bob: Principal
) -> None:
    new = services.create_virtual_mfa_device(actor=root_actor, name="shared")
    enable(root_actor, alice, new)
    with pytest.raises(EntityAlreadyExists):
        enable(root_actor, bob, new)


def test_an_assigned_device_must_be_deactivated_before_it_is_deleted(
    root_actor: Actor, alice: Principal
) -> None:
    new = services.create_virtual_mfa_device(actor=root_actor, name="phone")
    enable(root_actor, alice, new)
    with pytest.raises(DeleteConflict) as caught:
        services.delete_virtual_mfa_device(actor=root_actor, device=new.device)
    assert caught.value.message == "MFA VirtualDevice in use. Must deactivate first."
    services.deactivate_mfa_device(actor=root_actor, user=alice, device=new.device)
    device = MFADevice.objects.get(pk=new.device.pk)
    assert device.principal is None and device.enabled_at is None
    services.delete_virtual_mfa_device(actor=root_actor, device=device)
    assert not MFADevice.objects.filter(pk=device.pk).exists()


def test_deactivating_a_device_of_another_user_is_no_such_entity(
    root_actor: Actor, alice: Principal, bob: Principal
) -> None:
    new = services.create_virtual_mfa_device(actor=root_actor, name="phone")
    enable(root_actor, alice, new)
    with pytest.raises(NoSuchEntity):
        services.deactivate_mfa_device(actor=root_actor, user=bob, device=new.device)


def test_a_serial_number_finds_only_the_actors_accounts_device(
    root_actor: Actor, outsider: Principal
) -> None:
    new = services.create_virtual_mfa_device(actor=root_actor, name="phone")
    assert mfa.device_by_serial(root_actor, new.device.arn) == new.device
    with pytest.raises(NoSuchEntity):
        mfa.device_by_serial(system_actor(outsider), new.device.arn)


def test_listing_virtual_devices_filters_by_assignment(root_actor: Actor, alice: Principal) -> None:
    assigned = services.create_virtual_mfa_device(actor=root_actor, name="a")
    enable(root_actor, alice, assigned)
    services.create_virtual_mfa_device(actor=root_actor, name="b")
    names = {s: [d.name for d in mfa.list_virtual_mfa_devices(root_actor, s)] for s in
             ("Assigned", "Unassigned", "Any")}  # fmt: skip
    assert names == {"Assigned": ["a"], "Unassigned": ["b"], "Any": ["a", "b"]}


def test_a_user_without_permission_cannot_create_a_device(alice: Principal) -> None:
    with pytest.raises(AccessDenied):
        services.create_virtual_mfa_device(actor=system_actor(alice), name="mine")
    assert not MFADevice.objects.exists()


def test_device_tags_are_added_and_removed(root_actor: Actor) -> None:
    new = services.create_virtual_mfa_device(actor=root_actor, name="phone", tags=[("a", "1")])
    services.tag_mfa_device(actor=root_actor, device=new.device, tags=[("b", "2")])
    services.untag_mfa_device(actor=root_actor, device=new.device, keys=["a"])
    assert mfa.list_mfa_device_tags(root_actor, new.device) == [{"Key": "b", "Value": "2"}]
