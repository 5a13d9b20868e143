"""Virtual MFA devices, as AWS has them: CreateVirtualMFADevice makes an unassigned device
(the seed is returned once), EnableMFADevice assigns it to a user with two consecutive codes,
DeactivateMFADevice unassigns it, DeleteVirtualMFADevice deletes an unassigned one; plus
ResyncMFADevice, the device's tags and sign-in codes.

The console's "Assign MFA device" keeps the pending seed in the caller's session (the view's
job) and then runs create + enable as one composite (`enable_virtual_mfa_device`); its
"Remove" runs deactivate + delete (`remove_mfa_device`). Each composite decides every part
first, then runs the same write halves as the single actions.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import datetime

import qrcode
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from qrcode.image.pil import PilImage

from accounts import arns, crypto, mfa
from accounts.models import MFADevice, Principal
from domain.iam import tagging
from domain.iam.users import confirm_current_password
from domain.kernel import audit, validators
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import (
    DeleteConflict,
    EntityAlreadyExists,
    InvalidAuthenticationCode,
    LimitExceeded,
    NoSuchEntity,
    ValidationError,
)
from domain.kernel.registry import aws_action, aws_read
from domain.kernel.request_context import Target

MAX_DEVICES_PER_PRINCIPAL = 8
_DEVICE_NAME = re.compile(r"[\w+=,.@-]+", re.ASCII)
INVALID_CODES = "Authentication code for device is not valid."


def device_arn(account_id: str, name: str, path: str = "/") -> str:
    return arns.iam_arn(account_id, "mfa", path, name)


def _check_device_name(name: str) -> str:
    if not name:
        raise ValidationError("Enter a device name.", field="name")
    if len(name) > 128 or not _DEVICE_NAME.fullmatch(name):
        raise ValidationError(
            "The device name can have up to 128 characters. Valid characters: A-Z, a-z, "
            "0-9, and + = , . @ _ - (hyphen).",
            field="name",
        )
    return name


def _quota_exceeded() -> LimitExceeded:
    return LimitExceeded.quota("MFADevicesPerUser", MAX_DEVICES_PER_PRINCIPAL)


def _check_codes(secret: str, code1: str, code2: str, now: datetime, *, hint: str = "") -> int:
    """The step of the second of two consecutive codes, or AWS's InvalidAuthenticationCode
    (the console adds a `hint` of what to do; the API says exactly what AWS says)."""
    shape = "Enter the 6-digit code from your app." if hint else INVALID_CODES
    if not mfa.is_code_shaped(code1.strip()):
        raise InvalidAuthenticationCode(shape, field="code1")
    if not mfa.is_code_shaped(code2.strip()):
        raise InvalidAuthenticationCode(shape, field="code2")
    step = mfa.consecutive_step(secret, code1, code2, now=now)
    if step is None:
        raise InvalidAuthenticationCode(f"{INVALID_CODES}{hint}", field="code2")
    return step


# --- finding a device by its serial number -----------------------------------------


def _split_serial(account_id: str, serial: str) -> tuple[str, str] | None:
    """(path, name) of a virtual device's serial number in `account_id`, else None."""
    prefix = f"arn:{arns.PARTITION}:iam::{account_id}:mfa/"
    if not serial.startswith(prefix):
        return None
    rest = serial[len(prefix) - 1 :]
    cut = rest.rfind("/") + 1
    return rest[:cut], rest[cut:]


def device_by_serial(actor: Actor, serial: str) -> MFADevice:
    """The actor's account's virtual device with this serial number (unauthorized: each
    action authorizes with its own resource), or NoSuchEntity as AWS."""
    parts = _split_serial(actor.account.id, serial)
    device = (
        MFADevice.objects.select_related("principal__account")
        .filter(account=actor.account, path=parts[0], name=parts[1])
        .first()
        if parts
        else None
    )
    if device is None:
        raise NoSuchEntity.mfa_serial(serial)
    return device


# --- CreateVirtualMFADevice ----------------------------------------------------------


@dataclass(frozen=True)
class NewVirtualDevice:
    device: MFADevice
    secret: str  # Base32StringSeed: returned once, stored only encrypted
    qr_code_png: bytes  # QRCodePNG: the otpauth URI of the seed, as AWS returns it


def _qr_code_png(actor: Actor, device: MFADevice, secret: str) -> bytes:
    uri = mfa.otpauth_uri(
        secret=secret,
        device_name=device.name,
        account_label=actor.account.alias or actor.account.id,
        issuer=settings.MFA_ISSUER,
    )
    buffer = io.BytesIO()
    qrcode.make(uri, border=2, image_factory=PilImage).save(buffer, format="PNG")
    return buffer.getvalue()


def _authorize_create_virtual_mfa_device(
    actor: Actor, arn: str, tags: list[tuple[str, str]]
) -> None:
    authorize(actor, "iam:CreateVirtualMFADevice", Target(arn), tagging.tag_request_context(tags))


def _write_create_virtual_mfa_device(
    actor: Actor, *, name: str, path: str, secret: str, tags: list[tuple[str, str]]
) -> MFADevice:
    if MFADevice.objects.filter(account_id=actor.account.id, path=path, name=name).exists():
        raise EntityAlreadyExists.mfa_device()
    try:
        with transaction.atomic():
            device = MFADevice.objects.create(
                account_id=actor.account.id,
                principal=None,
                name=name,
                path=path,
                secret_encrypted=crypto.encrypt(secret),
                tags=[{"Key": k, "Value": v} for k, v in tags],
            )
    except IntegrityError:
        raise EntityAlreadyExists.mfa_device() from None
    audit.record(actor, "iam:CreateVirtualMFADevice", device.arn)
    return device


@aws_action("iam:CreateVirtualMFADevice")
def create_virtual_mfa_device(
    *, actor: Actor, name: str, path: str = "/", tags: list[tuple[str, str]] | None = None
) -> NewVirtualDevice:
    """A new, unassigned virtual device with a fresh seed (EnableMFADevice assigns it)."""
    tags = tags or []
    name = _check_device_name(name)
    validators.path(path)
    validators.tags(tags, case_insensitive_keys=False)
    _authorize_create_virtual_mfa_device(actor, device_arn(actor.account.id, name, path), tags)
    secret = mfa.new_secret()
    with transaction.atomic():
        device = _write_create_virtual_mfa_device(
            actor, name=name, path=path, secret=secret, tags=tags
        )
    return NewVirtualDevice(
        device=device, secret=secret, qr_code_png=_qr_code_png(actor, device, secret)
    )


# --- EnableMFADevice -----------------------------------------------------------------


def _authorize_enable_mfa_device(actor: Actor, owner: Principal) -> None:
    authorize(actor, "iam:EnableMFADevice", owner)


def _write_enable_mfa_device(
    actor: Actor, owner: Principal, device: MFADevice, *, step: int, now: datetime
) -> None:
    # The owner's row lock makes "at most 8 devices" hold under concurrency; the device's
    # makes "assigned once" hold.
    Principal.objects.select_for_update().only("id").get(pk=owner.pk)
    locked = MFADevice.objects.select_for_update().get(pk=device.pk)
    if locked.principal_id is not None:
        raise EntityAlreadyExists.mfa_device_in_use()
    if MFADevice.objects.filter(principal=owner).count() >= MAX_DEVICES_PER_PRINCIPAL:
        raise _quota_exceeded()
    device.principal = owner
    device.enabled_at = now
    # The enrolment codes are spent: neither can sign anyone in.
    device.last_used_step = step
    device.last_used_at = now
    device.save(update_fields=["principal", "enabled_at", "last_used_step", "last_used_at"])
    audit.record(actor, "iam:EnableMFADevice", owner.arn, details={"serial": device.arn})


@aws_action("iam:EnableMFADevice")
def enable_mfa_device(
    *,
    actor: Actor,
    user: Principal,
    device: MFADevice,
    code1: str,
    code2: str,
    now: datetime | None = None,
) -> None:
    """Assigns an unassigned virtual device to `user`, proven by two consecutive codes."""
    _authorize_enable_mfa_device(actor, user)
    now = now or timezone.now()
    if device.principal_id is not None:
        raise EntityAlreadyExists.mfa_device_in_use()
    step = _check_codes(crypto.decrypt(device.secret_encrypted), code1, code2, now)
    with transaction.atomic():
        _write_enable_mfa_device(actor, user, device, step=step, now=now)


# --- the console's Assign MFA device (create + enable) -------------------------------


def prepare_virtual_mfa_device(*, actor: Actor, owner: Principal, name: str) -> str:
    """Checks a new device could be assigned and returns a fresh seed for it.

    Nothing is written: the seed waits in the session until `enable_virtual_mfa_device`.
    The quota and the name are decided again, under a lock, when the device is stored.
    """
    name = _check_device_name(name.strip())
    _authorize_create_virtual_mfa_device(actor, device_arn(owner.account_id, name), [])
    _authorize_enable_mfa_device(actor, owner)
    if MFADevice.objects.filter(account_id=owner.account_id, path="/", name=name).exists():
        raise EntityAlreadyExists.mfa_device()
    if MFADevice.objects.filter(principal=owner).count() >= MAX_DEVICES_PER_PRINCIPAL:
        raise _quota_exceeded()
    return mfa.new_secret()


def enable_virtual_mfa_device(
    *,
    actor: Actor,
    owner: Principal,
    name: str,
    secret: str,
    code1: str,
    code2: str,
    now: datetime | None = None,
) -> MFADevice:
    """The console's Assign MFA device: CreateVirtualMFADevice + EnableMFADevice in one
    transaction, both decided first, with the seed the person's app already holds."""
    name = _check_device_name(name.strip())
    arn = device_arn(owner.account_id, name)
    _authorize_create_virtual_mfa_device(actor, arn, [])
    _authorize_enable_mfa_device(actor, owner)
    now = now or timezone.now()
    step = _check_codes(
        secret, code1, code2, now, hint=" Enter two consecutive codes from your app."
    )
    with transaction.atomic():
        device = _write_create_virtual_mfa_device(
            actor, name=name, path="/", secret=secret, tags=[]
        )
        _write_enable_mfa_device(actor, owner, device, step=step, now=now)
    return device


def _claim_step(device: MFADevice, step: int, now: datetime) -> bool:
    """Marks `step` used unless an equal or later one already was.

    One conditional UPDATE: of two concurrent requests with the same code, exactly one
    changes the row, so a code is accepted once.
    """
    claimed = (
        MFADevice.objects.filter(pk=device.pk)
        .filter(Q(last_used_step__isnull=True) | Q(last_used_step__lt=step))
        .update(last_used_step=step, last_used_at=now)
    )
    return claimed == 1


@aws_action("iam:ResyncMFADevice")
def resync_mfa_device(
    *, actor: Actor, device: MFADevice, code1: str, code2: str, now: datetime | None = None
) -> None:
    owner = device.principal
    if owner is None:
        raise NoSuchEntity.mfa_serial(device.arn)
    authorize(actor, "iam:ResyncMFADevice", owner)
    now = now or timezone.now()
    secret = crypto.decrypt(device.secret_encrypted)
    step = mfa.consecutive_step(secret, code1, code2, now=now, after=device.last_used_step)
    if step is None or not _claim_step(device, step, now):
        # AWS's words exactly (the API returns them; the resync page explains the rest).
        raise InvalidAuthenticationCode(INVALID_CODES, field="code2")
    audit.record(actor, "iam:ResyncMFADevice", owner.arn, details={"serial": device.arn})


# --- DeactivateMFADevice, DeleteVirtualMFADevice, and the console's Remove ------------


def _authorize_deactivate_mfa_device(actor: Actor, owner: Principal) -> None:
    authorize(actor, "iam:DeactivateMFADevice", owner)


def _write_deactivate_mfa_device(actor: Actor, owner: Principal, device: MFADevice) -> None:
    locked = MFADevice.objects.select_for_update().get(pk=device.pk)
    if locked.principal_id != owner.pk:
        raise NoSuchEntity.mfa_serial(device.arn)
    device.principal = None
    device.enabled_at = None
    device.save(update_fields=["principal", "enabled_at"])
    audit.record(actor, "iam:DeactivateMFADevice", owner.arn, details={"serial": device.arn})


@aws_action("iam:DeactivateMFADevice")
def deactivate_mfa_device(*, actor: Actor, user: Principal, device: MFADevice) -> None:
    """Unassigns `device` from `user`; the virtual device stays, unassigned, until deleted."""
    _authorize_deactivate_mfa_device(actor, user)
    if device.principal_id != user.pk:
        raise NoSuchEntity.mfa_serial(device.arn)
    with transaction.atomic():
        _write_deactivate_mfa_device(actor, user, device)


def _authorize_delete_virtual_mfa_device(actor: Actor, device: MFADevice) -> None:
    authorize(actor, "iam:DeleteVirtualMFADevice", device)


def _write_delete_virtual_mfa_device(actor: Actor, device: MFADevice) -> None:
    serial = device.arn
    locked = MFADevice.objects.select_for_update().filter(pk=device.pk).first()
    if locked is None:
        raise NoSuchEntity.mfa_serial(serial)
    if locked.principal_id is not None:
        raise DeleteConflict.mfa_device_in_use()
    locked.delete()
    audit.record(actor, "iam:DeleteVirtualMFADevice", serial)


@aws_action("iam:DeleteVirtualMFADevice")
def delete_virtual_mfa_device(*, actor: Actor, device: MFADevice) -> None:
    """Deletes an unassigned virtual device (DeleteConflict while it is assigned)."""
    _authorize_delete_virtual_mfa_device(actor, device)
    with transaction.atomic():
        _write_delete_virtual_mfa_device(actor, device)


def remove_mfa_device(*, actor: Actor, device: MFADevice, password: str) -> None:
    """The console's Remove: DeactivateMFADevice then DeleteVirtualMFADevice.

    The acting principal re-enters their own password, so an unattended session cannot
    strip a second factor.
    """
    owner = device.principal
    assert owner is not None  # the console lists only assigned devices
    _authorize_deactivate_mfa_device(actor, owner)
    _authorize_delete_virtual_mfa_device(actor, device)
    confirm_current_password(
        actor,
        password,
        action="iam:DeactivateMFADevice",
        resource=owner.arn,
        field="password",
        message="The password is incorrect.",
    )
    with transaction.atomic():
        _write_deactivate_mfa_device(actor, owner, device)
        _write_delete_virtual_mfa_device(actor, device)


# --- tags and readers --------------------------------------------------------------


@aws_action("iam:TagMFADevice")
def tag_mfa_device(*, actor: Actor, device: MFADevice, tags: list[tuple[str, str]]) -> None:
    tagging.add_tags(
        actor=actor, obj=device, action="iam:TagMFADevice", tags=tags, case_insensitive_keys=False
    )


@aws_action("iam:UntagMFADevice")
def untag_mfa_device(*, actor: Actor, device: MFADevice, keys: list[str]) -> None:
    tagging.remove_tags(
        actor=actor, obj=device, action="iam:UntagMFADevice", keys=keys, case_insensitive_keys=False
    )


@aws_read("iam:ListMFADeviceTags")
def list_mfa_device_tags(actor: Actor, device: MFADevice) -> list[dict[str, str]]:
    authorize(actor, "iam:ListMFADeviceTags", device)
    return list(device.tags)


@aws_read("iam:GetMFADevice")
def get_mfa_device(actor: Actor, device: MFADevice, user: Principal | None = None) -> MFADevice:
    """An assigned device (GetMFADevice on its user); an unassigned one, or one assigned to
    another user than `user`, is NoSuchEntity."""
    owner = device.principal
    if owner is None or (user is not None and user.pk != owner.pk):
        raise NoSuchEntity.mfa_serial(device.arn)
    authorize(actor, "iam:GetMFADevice", owner)
    return device


# AssignmentStatus of ListVirtualMFADevices.
ASSIGNMENT_STATUSES = ("Assigned", "Unassigned", "Any")


@aws_read("iam:ListVirtualMFADevices")
def list_virtual_mfa_devices(actor: Actor, assignment_status: str = "Any") -> list[MFADevice]:
    """The account's virtual devices, assigned ones with their user (AWS's resource is *)."""
    if assignment_status not in ASSIGNMENT_STATUSES:
        raise ValidationError(
            f"Value '{assignment_status}' at 'assignmentStatus' failed to satisfy constraint: "
            "Member must satisfy enum value set: [Assigned, Unassigned, Any]",
            field="assignment_status",
        )
    authorize(actor, "iam:ListVirtualMFADevices", "*")
    devices = MFADevice.objects.filter(account=actor.account).select_related("principal__account")
    if assignment_status == "Assigned":
        devices = devices.filter(principal__isnull=False)
    elif assignment_status == "Unassigned":
        devices = devices.filter(principal__isnull=True)
    return list(devices.order_by("path", "name"))


def verify_mfa_code(
    principal: Principal, code: str, *, device: MFADevice, now: datetime | None = None
) -> MFADevice | None:
    """`device` if it belongs to `principal` and accepts `code` at sign-in (spending it).

    AWS asks for the code of the one device the person picked: a code from any other of
    the principal's devices does not count.
    """
    if device.principal_id != principal.pk:
        return None
    now = now or timezone.now()
    secret = crypto.decrypt(device.secret_encrypted)
    step = mfa.matching_step(secret, code, now=now, after=device.last_used_step)
    if step is not None and _claim_step(device, step, now):
        return device
    return None
