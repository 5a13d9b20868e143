"""Pure TOTP helpers for virtual MFA devices (RFC 6238: SHA1, 6 digits, 30-second steps).

Nothing here touches the database: the services decide what to store and use
`MFADevice.last_used_step` to refuse a code that was already accepted.
"""

from __future__ import annotations

import re
import secrets
from datetime import datetime
from urllib.parse import quote

import pyotp
import qrcode
import qrcode.image.svg

STEP_SECONDS = 30
# One step of clock drift either way, as authenticator apps and AWS tolerate.
DRIFT_STEPS = 1
_CODE = re.compile(r"\d{6}")


def new_secret() -> str:
    """A fresh base32 seed (160 bits, the RFC 4226 recommended size)."""
    return pyotp.random_base32(length=32)


def otpauth_uri(*, secret: str, device_name: str, account_label: str, issuer: str) -> str:
    """AWS's shape: otpauth://totp/<ISSUER>:<device>@<alias or id>?secret=...&issuer=..."""
    label = quote(f"{issuer}:{device_name}@{account_label}", safe=":@")
    return f"otpauth://totp/{label}?secret={secret}&issuer={quote(issuer, safe='')}"


def qr_svg(uri: str) -> str:
    """The QR code of `uri` as an inline SVG with no style attribute (the CSP forbids them)."""
    image = qrcode.make(uri, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    svg: str = image.to_string(encoding="unicode")
    # Size comes from CSS (.mfa-qr svg); drop the fixed millimetre size and any style.
    svg = re.sub(r'\s(?:width|height|style)="[^"]*"', "", svg, count=0)
    return svg.replace("<svg", '<svg role="img" aria-label="QR code"', 1)


def step_at(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def code_at_step(secret: str, step: int) -> str:
    return pyotp.TOTP(secret).at(step * STEP_SECONDS)


def is_code_shaped(code: str) -> bool:
    return bool(_CODE.fullmatch(code))


def matching_step(secret: str, code: str, *, now: datetime, after: int | None = None) -> int | None:
    """The step within the drift window whose code is `code`, later than `after`.

    `after` is the device's last accepted step: a code at or before it is a replay.
    """
    code = code.strip()
    if not is_code_shaped(code):
        return None
    current = step_at(now)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if after is not None and step <= after:
            continue
        if secrets.compare_digest(code_at_step(secret, step), code):
            return step
    return None


def consecutive_step(
    secret: str, code1: str, code2: str, *, now: datetime, after: int | None = None
) -> int | None:
    """The step of `code2` when `code1` and `code2` are two consecutive codes near `now`.

    Used to enrol and to resync a device: two codes in a row prove the app holds the
    secret and its clock is in step with ours.
    """
    first = matching_step(secret, code1, now=now, after=after)
    if first is None:
        return None
    second = first + 1
    if second > step_at(now) + DRIFT_STEPS:
        return None
    if not is_code_shaped(code2.strip()):
        return None
    if secrets.compare_digest(code_at_step(secret, second), code2.strip()):
        return second
    return None
