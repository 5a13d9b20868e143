"""Virtual MFA devices through boto3 as AWS documents them (IAM_API_AUTH=off: root of the
test account)."""

from __future__ import annotations

import time
from typing import Any

import pyotp
import pytest
from botocore.exceptions import ClientError


@pytest.fixture
def iam(settings: Any, client_for: Any, db: Any) -> Any:
    settings.IAM_API_AUTH = "off"
    return client_for("testing", "testing")


def two_codes(seed: bytes) -> tuple[str, str]:
    """Two consecutive codes: the previous step's and the current one's."""
    totp = pyotp.TOTP(seed.decode())
    now = time.time()
    return totp.at(now - 30), totp.at(now)


def test_a_device_is_created_unassigned_then_enabled_deactivated_and_deleted(iam: Any) -> None:
    iam.create_user(UserName="alice")
    created = iam.create_virtual_mfa_device(VirtualMFADeviceName="alice-phone", Path="/team/")
    device = created["VirtualMFADevice"]
    serial = device["SerialNumber"]
    assert serial == "arn:aws:iam::123456789012:mfa/team/alice-phone"
    assert device["QRCodePNG"].startswith(b"\x89PNG")
    assert len(device["Base32StringSeed"]) == 32
    unassigned = iam.list_virtual_mfa_devices(AssignmentStatus="Unassigned")
    assert [d["SerialNumber"] for d in unassigned["VirtualMFADevices"]] == [serial]
    assert "User" not in unassigned["VirtualMFADevices"][0]

    code1, code2 = two_codes(device["Base32StringSeed"])
    iam.enable_mfa_device(
        UserName="alice", SerialNumber=serial, AuthenticationCode1=code1, AuthenticationCode2=code2
    )
    listed = iam.list_mfa_devices(UserName="alice")["MFADevices"]
    assert [(d["UserName"], d["SerialNumber"]) for d in listed] == [("alice", serial)]
    assigned = iam.list_virtual_mfa_devices(AssignmentStatus="Assigned")["VirtualMFADevices"]
    assert assigned[0]["User"]["UserName"] == "alice" and "EnableDate" in assigned[0]
    summary = iam.get_account_summary()["SummaryMap"]
    assert (summary["MFADevices"], summary["MFADevicesInUse"]) == (1, 1)

    with pytest.raises(ClientError) as caught:
        iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert caught.value.response["Error"]["Code"] == "DeleteConflict"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 409

    iam.deactivate_mfa_device(UserName="alice", SerialNumber=serial)
    assert iam.list_mfa_devices(UserName="alice")["MFADevices"] == []
    iam.delete_virtual_mfa_device(SerialNumber=serial)
    assert iam.list_virtual_mfa_devices()["VirtualMFADevices"] == []


def test_wrong_codes_are_invalid_authentication_code_403(iam: Any) -> None:
    iam.create_user(UserName="bob")
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="bob")["VirtualMFADevice"][
        "SerialNumber"
    ]
    with pytest.raises(ClientError) as caught:
        iam.enable_mfa_device(
            UserName="bob",
            SerialNumber=serial,
            AuthenticationCode1="123456",
            AuthenticationCode2="654321",
        )
    error = caught.value.response["Error"]
    assert (error["Code"], error["Message"]) == (
        "InvalidAuthenticationCode",
        "Authentication code for device is not valid.",
    )
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_an_unknown_serial_number_is_no_such_entity(iam: Any) -> None:
    with pytest.raises(ClientError) as caught:
        iam.delete_virtual_mfa_device(SerialNumber="arn:aws:iam::123456789012:mfa/nothing")
    assert caught.value.response["Error"]["Code"] == "NoSuchEntity"


def test_a_duplicate_device_name_already_exists(iam: Any) -> None:
    iam.create_virtual_mfa_device(VirtualMFADeviceName="dup")
    with pytest.raises(ClientError) as caught:
        iam.create_virtual_mfa_device(VirtualMFADeviceName="dup")
    assert caught.value.response["Error"]["Code"] == "EntityAlreadyExists"


def test_device_tags_and_pagination(iam: Any) -> None:
    for name in ("a", "b", "c"):
        iam.create_virtual_mfa_device(VirtualMFADeviceName=name, Tags=[{"Key": "k", "Value": name}])
    first = iam.list_virtual_mfa_devices(MaxItems=2)
    assert first["IsTruncated"] and len(first["VirtualMFADevices"]) == 2
    rest = iam.list_virtual_mfa_devices(MaxItems=2, Marker=first["Marker"])
    assert not rest["IsTruncated"] and len(rest["VirtualMFADevices"]) == 1
    serial = "arn:aws:iam::123456789012:mfa/a"
    iam.tag_mfa_device(SerialNumber=serial, Tags=[{"Key": "team", "Value": "blue"}])
    iam.untag_mfa_device(SerialNumber=serial, TagKeys=["k"])
    assert iam.list_mfa_device_tags(SerialNumber=serial)["Tags"] == [
        {"Key": "team", "Value": "blue"}
    ]


def test_resync_with_wrong_codes_is_invalid_authentication_code(iam: Any) -> None:
    iam.create_user(UserName="carol")
    device = iam.create_virtual_mfa_device(VirtualMFADeviceName="carol")["VirtualMFADevice"]
    code1, code2 = two_codes(device["Base32StringSeed"])
    serial = device["SerialNumber"]
    iam.enable_mfa_device(
        UserName="carol", SerialNumber=serial, AuthenticationCode1=code1, AuthenticationCode2=code2
    )
    with pytest.raises(ClientError) as caught:
        iam.resync_mfa_device(
            UserName="carol",
            SerialNumber=serial,
            AuthenticationCode1="000000",
            AuthenticationCode2="111111",
        )
    assert caught.value.response["Error"]["Message"] == (
        "Authentication code for device is not valid."
    )
    assert iam.get_mfa_device(SerialNumber=serial)["UserName"] == "carol"
