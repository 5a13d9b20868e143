"""Virtual MFA devices: assign (create + enable), resync, remove, and sign-in codes.

The pending seed of a device being assigned lives in the caller's session (the view's
job); once two consecutive codes prove the app holds it, it is stored encrypted and
never shown again.
"""

from __future__ import annotations

import re
from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts import arns, crypto, mfa
from accounts.models import MFADevice, Principal
from domain.iam.users import confirm_current_password
from domain.kernel import audit
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import (
    EntityAlreadyExists,
    InvalidAuthenticationCode,
    LimitExceeded,
    ValidationError,
)
from domain.kernel.registry import aws_action
from domain.kernel.request_context import Target

MAX_DEVICES_PER_PRINCIPAL = 8
_DEVICE_NAME = re.compile(r"[\w+=,.@-]+", re.ASCII)
INVALID_CODES = "Authentication code for device is not valid."


def device_arn(account_id: str, name: str) -> str:
    return arns.iam_arn(account_id, "mfa", "/", name)


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


def prepare_virtual_mfa_device(*, actor: Actor, owner: Principal, name: str) -> str:
    """Checks a new device could be assigned and returns a fresh seed for it.

    Nothing is written: the seed waits in the session until `enable_virtual_mfa_device`.
    The quota and the name are decided again, under a lock, when the device is stored.
    """
    name = _check_device_name(name.strip())
    arn = device_arn(owner.account_id, name)
    authorize(actor, "iam:CreateVirtualMFADevice", Target(arn))
    authorize(actor, "iam:EnableMFADevice", owner)
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
    """AWS's CreateVirtualMFADevice + EnableMFADevice with two consecutive codes."""
    name = _check_device_name(name.strip())
    arn = device_arn(owner.account_id, name)
    authorize(actor, "iam:CreateVirtualMFADevice", Target(arn))
    authorize(actor, "iam:EnableMFADevice", owner)
    now = now or timezone.now()
    if not mfa.is_code_shaped(code1.strip()):
        raise InvalidAuthenticationCode("Enter the 6-digit code from your app.", field="code1")
    if not mfa.is_code_shaped(code2.strip()):
        raise InvalidAuthenticationCode("Enter the 6-digit code from your app.", field="code2")
    step = mfa.consecutive_step(secret, code1, code2, now=now)
    if step is None:
        raise InvalidAuthenticationCode(
            f"{INVALID_CODES} Enter two consecutive codes from your app.", field="code2"
        )
    try:
        with transaction.atomic():
            # The owner's row lock makes "at most 8 devices" hold under concurrency.
            Principal.objects.select_for_update().only("id").get(pk=owner.pk)
            if MFADevice.objects.filter(principal=owner).count() >= MAX_DEVICES_PER_PRINCIPAL:
                raise _quota_exceeded()
            device = MFADevice.objects.create(
                account_id=owner.account_id,
                principal=owner,
                name=name,
                secret_encrypted=crypto.encrypt(secret),
                # The enrolment codes are spent: neither can sign anyone in.
                last_used_step=step,
                last_used_at=now,
            )
            audit.record(actor, "iam:CreateVirtualMFADevice", arn)
            audit.record(actor, "iam:EnableMFADevice", owner.arn, details={"serial": arn})
    except IntegrityError:
        raise EntityAlreadyExists.mfa_device() from None
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
    authorize(actor, "iam:ResyncMFADevice", owner)
    now = now or timezone.now()
    secret = crypto.decrypt(device.secret_encrypted)
    step = mfa.consecutive_step(secret, code1, code2, now=now, after=device.last_used_step)
    if step is None or not _claim_step(device, step, now):
        raise InvalidAuthenticationCode(
            f"{INVALID_CODES} Enter two new consecutive codes from your app.", field="code2"
        )
    audit.record(actor, "iam:ResyncMFADevice", owner.arn, details={"serial": device.arn})


def deactivate_mfa_device(*, actor: Actor, device: MFADevice, password: str) -> None:
    """Removes a device: DeactivateMFADevice then DeleteVirtualMFADevice, as the console does.

    The acting principal re-enters their own password, so an unattended session cannot
    strip a second factor.
    """
    owner = device.principal
    authorize(actor, "iam:DeactivateMFADevice", owner)
    authorize(actor, "iam:DeleteVirtualMFADevice", device)
    confirm_current_password(
        actor,
        password,
        action="iam:DeactivateMFADevice",
        resource=owner.arn,
        field="password",
        message="The password is incorrect.",
    )
    with transaction.atomic():
        serial = device.arn
        MFADevice.objects.filter(pk=device.pk).delete()
        audit.record(actor, "iam:DeactivateMFADevice", owner.arn, details={"serial": serial})
        audit.record(actor, "iam:DeleteVirtualMFADevice", serial)


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
