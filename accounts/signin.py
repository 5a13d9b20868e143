"""Console sign-in: credentials check, throttling and the audit trail of sign-ins."""

from __future__ import annotations

from django.contrib.auth import authenticate, login
from django.http import HttpRequest

from accounts import audit, throttle
from accounts.actors import Actor, client_ip
from accounts.backends import find_root, find_user
from accounts.models import AuditEvent, Principal

INCORRECT = "Your authentication information is incorrect. Please try again."


class SignInFailed(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def sign_in_root(request: HttpRequest, *, email: str, password: str) -> Principal:
    identity = f"root:{email.strip()}"
    return _sign_in(
        request,
        identity,
        lambda: authenticate(request, email=email, password=password),
        lambda: find_root(email),
    )


def sign_in_user(request: HttpRequest, *, account: str, username: str, password: str) -> Principal:
    identity = f"user:{account.strip().replace('-', '')}:{username.strip()}"
    return _sign_in(
        request,
        identity,
        lambda: authenticate(request, account=account, username=username, password=password),
        lambda: find_user(account, username),
    )


def _sign_in(request: HttpRequest, identity: str, check, lookup) -> Principal:  # type: ignore[no-untyped-def]
    address = client_ip(request)
    if throttle.is_blocked(identity, address):
        raise SignInFailed(throttle.MESSAGE)
    principal = check()
    if principal is None:
        throttle.record_failure(identity, address)
        known = lookup()
        if known is not None:
            audit.record(
                Actor(principal=known, source_ip=address),
                "signin:ConsoleLogin",
                known.arn,
                outcome=AuditEvent.Outcome.FAILED,
                error_code="Failed authentication",
            )
        raise SignInFailed(INCORRECT)
    throttle.clear(identity)
    login(request, principal)
    audit.record(
        Actor(principal=principal, source_ip=address), "signin:ConsoleLogin", principal.arn
    )
    return principal


def must_set_new_password(principal: Principal) -> bool:
    return principal.password_reset_required
