"""IAM's virtual MFA device actions over the API (see api.iam_actions for the pattern):
CreateVirtualMFADevice, EnableMFADevice, DeactivateMFADevice, ResyncMFADevice,
DeleteVirtualMFADevice, GetMFADevice, ListMFADevices, ListVirtualMFADevices and the
device's tags. Each handler is one call of domain.iam.mfa."""

from __future__ import annotations

from typing import Any

from api import listing
from api.iam_actions import Handler, caller_or_user, tag_pairs, tags_of, user_named, user_shape
from domain.iam import access, mfa
from domain.kernel.actors import Actor
from domain.kernel.errors import NoSuchEntity


def create_virtual_mfa_device(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    new = mfa.create_virtual_mfa_device(
        actor=actor,
        name=p["VirtualMFADeviceName"],
        path=p.get("Path", "/"),
        tags=tag_pairs(p.get("Tags")),
    )
    return {
        "VirtualMFADevice": {
            "SerialNumber": new.device.arn,
            "Base32StringSeed": new.secret.encode(),
            "QRCodePNG": new.qr_code_png,
            "Tags": tags_of(new.device.tags) or None,
        }
    }


def enable_mfa_device(actor: Actor, p: dict[str, Any]) -> None:
    user = user_named(actor, p["UserName"])
    mfa.enable_mfa_device(
        actor=actor,
        user=user,
        device=mfa.device_by_serial(actor, p["SerialNumber"]),
        code1=p["AuthenticationCode1"],
        code2=p["AuthenticationCode2"],
    )


def deactivate_mfa_device(actor: Actor, p: dict[str, Any]) -> None:
    device = mfa.device_by_serial(actor, p["SerialNumber"])
    if p.get("UserName"):
        user = user_named(actor, p["UserName"])
    else:
        # Without UserName the device's own user (the caller's, for a user's own device).
        user = device.principal or caller_or_user(actor, None, "iam:DeactivateMFADevice")
    mfa.deactivate_mfa_device(actor=actor, user=user, device=device)


def resync_mfa_device(actor: Actor, p: dict[str, Any]) -> None:
    user = user_named(actor, p["UserName"])
    device = mfa.device_by_serial(actor, p["SerialNumber"])
    if device.principal_id != user.pk:
        raise NoSuchEntity.mfa_serial(device.arn)
    mfa.resync_mfa_device(
        actor=actor, device=device, code1=p["AuthenticationCode1"], code2=p["AuthenticationCode2"]
    )


def delete_virtual_mfa_device(actor: Actor, p: dict[str, Any]) -> None:
    device = mfa.device_by_serial(actor, p["SerialNumber"])
    mfa.delete_virtual_mfa_device(actor=actor, device=device)


def get_mfa_device(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    user = user_named(actor, p["UserName"]) if p.get("UserName") else None
    device = mfa.get_mfa_device(actor, mfa.device_by_serial(actor, p["SerialNumber"]), user)
    owner = device.principal
    return {
        "UserName": owner.name if owner is not None and not owner.is_root else None,
        "SerialNumber": device.arn,
        "EnableDate": device.enabled_at,
    }


def list_mfa_devices(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    owner = caller_or_user(actor, p.get("UserName"), "iam:ListMFADevices")
    devices = access.list_mfa_devices(actor, owner)
    page = listing.page(devices, marker=p.get("Marker"), max_items=p.get("MaxItems"))
    name = owner.name if not owner.is_root else owner.account_id
    rows = [
        {"UserName": name, "SerialNumber": d.arn, "EnableDate": d.enabled_at} for d in page.items
    ]
    return listing.paged(page, "MFADevices", rows)


def list_virtual_mfa_devices(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    devices = mfa.list_virtual_mfa_devices(actor, p.get("AssignmentStatus", "Any"))
    page = listing.page(devices, marker=p.get("Marker"), max_items=p.get("MaxItems"))
    rows = []
    for device in page.items:
        row: dict[str, Any] = {"SerialNumber": device.arn, "Tags": tags_of(device.tags) or None}
        if device.principal is not None:
            row["User"] = user_shape(device.principal)
            row["EnableDate"] = device.enabled_at
        rows.append(row)
    return listing.paged(page, "VirtualMFADevices", rows)


def tag_mfa_device(actor: Actor, p: dict[str, Any]) -> None:
    device = mfa.device_by_serial(actor, p["SerialNumber"])
    mfa.tag_mfa_device(actor=actor, device=device, tags=tag_pairs(p["Tags"]))


def untag_mfa_device(actor: Actor, p: dict[str, Any]) -> None:
    device = mfa.device_by_serial(actor, p["SerialNumber"])
    mfa.untag_mfa_device(actor=actor, device=device, keys=p["TagKeys"])


def list_mfa_device_tags(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    device = mfa.device_by_serial(actor, p["SerialNumber"])
    tags = tags_of(mfa.list_mfa_device_tags(actor, device))
    return listing.paged_list(p, "Tags", tags)


ACTIONS: dict[str, Handler] = {
    "CreateVirtualMFADevice": create_virtual_mfa_device,
    "EnableMFADevice": enable_mfa_device,
    "DeactivateMFADevice": deactivate_mfa_device,
    "ResyncMFADevice": resync_mfa_device,
    "DeleteVirtualMFADevice": delete_virtual_mfa_device,
    "GetMFADevice": get_mfa_device,
    "ListMFADevices": list_mfa_devices,
    "ListVirtualMFADevices": list_virtual_mfa_devices,
    "TagMFADevice": tag_mfa_device,
    "UntagMFADevice": untag_mfa_device,
    "ListMFADeviceTags": list_mfa_device_tags,
}
