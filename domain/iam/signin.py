"""Console sign-in: credentials check, throttling and the audit trail of sign-ins."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, login
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from accounts.backends import find_root, find_user, root_identity, user_identity
from accounts.models import AuditEvent, MFADevice, Principal
from domain.iam import password_history
from domain.iam.mfa import verify_mfa_code
from domain.kernel import audit, throttle
from domain.kernel.actors import MFA_SESSION_KEY, Actor, client_ip

INCORRECT = "Your authentication information is incorrect. Please try again."
HARD_EXPIRED = (
    "Your password has expired and only an administrator can reset it. Contact your administrator."
)
MFA_INCORRECT = (
    "The MFA code is not valid. Enter the current code from your authenticator app; "
    "each code can be used only once."
)
MFA_TIMED_OUT = "Your sign-in has timed out. Sign in again."
MFA_CHOOSE = "Choose an MFA device."
# After a correct password the MFA code must follow within this time.
PENDING_MFA_KEY = "signin_mfa_pending"
PENDING_MFA_SECONDS = 5 * 60
KNOWN_DEVICE_COOKIE = "iam_known_device"
KNOWN_DEVICE_SALT = "accounts.signin.known-device"
KNOWN_DEVICE_SECONDS = 90 * 24 * 60 * 60
KNOWN_DEVICE_MAX_PRINCIPALS = 8


class MFARequired(Exception):
    """The password was right; the principal has an MFA device, so a code comes next."""


class SignInFailed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def sign_in_root(request: HttpRequest, *, email: str, password: str) -> Principal:
    return _sign_in(
        request,
        root_identity(email),
        lambda: authenticate(request, email=email, password=password),
        find_root(email),
    )


def sign_in_user(request: HttpRequest, *, account: str, username: str, password: str) -> Principal:
    return _sign_in(
        request,
        user_identity(account, username),
        lambda: authenticate(request, account=account, username=username, password=password),
        find_user(account, username),
    )


def _sign_in(
    request: HttpRequest,
    identity: str,
    check: Callable[[], Principal | None],
    known: Principal | None,
) -> Principal:
    address = client_ip(request)
    if throttle.sign_in_blocked(identity, address, lambda: _trust(request, known, address)):
        _audit_refusal(known, identity, address)
        raise SignInFailed(throttle.MESSAGE)
    principal = check()
    if principal is None:
        throttle.sign_in_failed(identity, address)
        if known is not None:
            _refused(known, address, "Failed authentication")
        raise SignInFailed(INCORRECT)
    throttle.password_accepted(identity, address)
    actor = Actor(principal=principal, source_ip=address)
    rules = password_history.rules_of(principal)
    if rules is not None and rules.hard_expiry and password_history.is_expired(principal):
        _refused(principal, address, "Password expired")
        raise SignInFailed(HARD_EXPIRED)
    if MFADevice.objects.filter(principal=principal).exists():
        request.session[PENDING_MFA_KEY] = {
            "principal": principal.pk,
            "started": timezone.now().isoformat(),
        }
        raise MFARequired
    _signed_in(request, principal, address)
    audit.record(actor, "signin:ConsoleLogin", principal.arn)
    return principal


def _refused(
    principal: Principal, address: str | None, reason: str, details: dict[str, Any] | None = None
) -> None:
    """Records a refused console sign-in of `principal` (ConsoleLogin, Failure: `reason`)."""
    audit.record(
        Actor(principal=principal, source_ip=address),
        "signin:ConsoleLogin",
        principal.arn,
        outcome=AuditEvent.Outcome.FAILED,
        error_code=reason,
        details=details,
    )


def _signed_in(request: HttpRequest, principal: Principal, address: str | None) -> None:
    login(request, principal)
    throttle.remember_address(principal.unique_id, address)


def _trust(request: HttpRequest, known: Principal | None, address: str | None) -> throttle.Trust:
    if known is None:
        return throttle.Trust()
    return throttle.Trust(
        known_address=throttle.is_known_address(known.unique_id, address),
        known_device=known.unique_id in _known_devices(request),
    )


def _audit_refusal(known: Principal | None, identity: str, address: str | None) -> None:
    """A refused sign-in is recorded for a known principal, once per window and address."""
    if known is None or not throttle.first_refusal(identity, address):
        return
    _refused(known, address, "Throttling", {"reason": throttle.MESSAGE})


def _known_devices(request: HttpRequest) -> list[str]:
    """Principals that signed in from this browser before (a signed cookie)."""
    value = request.get_signed_cookie(
        KNOWN_DEVICE_COOKIE, default="", salt=KNOWN_DEVICE_SALT, max_age=KNOWN_DEVICE_SECONDS
    )
    return value.split() if value else []


def remember_device(
    request: HttpRequest, response: HttpResponse, principal: Principal
) -> HttpResponse:
    """After a complete sign-in, marks this browser as a known device of the principal,
    so lock-outs caused by strangers elsewhere do not apply to it."""
    others = [pid for pid in _known_devices(request) if pid != principal.unique_id]
    response.set_signed_cookie(
        KNOWN_DEVICE_COOKIE,
        " ".join([principal.unique_id, *others][:KNOWN_DEVICE_MAX_PRINCIPALS]),
        salt=KNOWN_DEVICE_SALT,
        max_age=KNOWN_DEVICE_SECONDS,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
    return response


def pending_mfa_principal(request: HttpRequest) -> Principal | None:
    """Who gave a correct password and still owes an MFA code (None once timed out)."""
    pending = request.session.get(PENDING_MFA_KEY)
    if not isinstance(pending, dict):
        return None
    try:
        started = datetime.fromisoformat(str(pending.get("started")))
    except ValueError:
        return None
    if timezone.now() - started > timedelta(seconds=PENDING_MFA_SECONDS):
        request.session.pop(PENDING_MFA_KEY, None)
        return None
    principal_id = pending.get("principal")
    if principal_id is None:
        return None
    return Principal.objects.select_related("account").filter(pk=principal_id).first()


def mfa_devices(principal: Principal) -> list[MFADevice]:
    """The principal's devices in the order they were assigned (the sign-in choice list)."""
    return list(MFADevice.objects.filter(principal=principal).only("id", "name", "enabled_at"))


def chosen_mfa_device(request: HttpRequest, principal: Principal) -> MFADevice | None:
    """The device whose code the sign-in asks for: the only one, or the one picked."""
    devices = list(MFADevice.objects.filter(principal=principal))
    if len(devices) == 1:
        return devices[0]
    pending = request.session.get(PENDING_MFA_KEY)
    picked = pending.get("device") if isinstance(pending, dict) else None
    return next((device for device in devices if device.pk == picked), None)


def choose_mfa_device(request: HttpRequest, principal: Principal, device_id: object) -> MFADevice:
    """Remembers which of the principal's devices the person will give a code from."""
    pending = request.session.get(PENDING_MFA_KEY)
    device = MFADevice.objects.filter(principal=principal, pk=_as_int(device_id)).first()
    if device is None or not isinstance(pending, dict):
        raise SignInFailed(MFA_CHOOSE)
    # A new dict, so the session notices the change.
    request.session[PENDING_MFA_KEY] = pending | {"device": device.pk}
    return device


def _as_int(raw: object) -> int:
    try:
        return int(str(raw))
    except ValueError:
        return 0


def sign_in_with_mfa(request: HttpRequest, *, code: str) -> Principal:
    """The second step: a code from the chosen device, accepted once."""
    principal = pending_mfa_principal(request)
    if principal is None:
        raise SignInFailed(MFA_TIMED_OUT)
    device = chosen_mfa_device(request, principal)
    if device is None:
        raise SignInFailed(MFA_CHOOSE)
    address = client_ip(request)
    identity = f"mfa:{principal.unique_id}"
    if throttle.sign_in_blocked(identity, address, lambda: _trust(request, principal, address)):
        _audit_refusal(principal, identity, address)
        raise SignInFailed(throttle.MESSAGE)
    actor = Actor(principal=principal, source_ip=address)
    if verify_mfa_code(principal, code, device=device) is None:
        throttle.sign_in_failed(identity, address)
        _refused(principal, address, "Failed MFA authentication", {"mfa_device": device.arn})
        raise SignInFailed(MFA_INCORRECT)
    throttle.password_accepted(identity, address)
    request.session.pop(PENDING_MFA_KEY, None)
    _signed_in(request, principal, address)
    # Console requests now carry aws:MultiFactorAuthPresent and aws:MultiFactorAuthAge.
    request.session[MFA_SESSION_KEY] = timezone.now().isoformat()
    audit.record(actor, "signin:ConsoleLogin", principal.arn, details={"mfa_device": device.arn})
    return principal


def must_set_new_password(principal: Principal) -> bool:
    """A reset is required, or the password has expired (hard expiry never gets this far)."""
    return principal.password_reset_required or password_history.is_expired(principal)
