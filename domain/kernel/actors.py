"""Who is acting, and the request context IAM evaluates their call in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import Account, Principal

MFA_SESSION_KEY = "mfa_authenticated_at"


@dataclass(frozen=True)
class Actor:
    """A principal plus the facts of the request it acts through.

    Services take an Actor (keyword-only `actor=`) so authorization sees the same
    context keys AWS would: source IP, MFA, secure transport, time.
    """

    principal: Principal
    source_ip: str | None = None
    secure_transport: bool = False
    # None: the session did not use MFA. The API with long-term keys sets via="api".
    mfa_authenticated_at: datetime | None = None
    via: str = "console"
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    # The principal's compiled policies for this request, filled by the first decision
    # (domain.kernel.authorization) and tagged with the policy-data generation they were
    # read at, so a change to any policy data makes the next decision read them again.
    policy_cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def account(self) -> Account:
        return self.principal.account

    @property
    def is_root(self) -> bool:
        return self.principal.is_root

    @property
    def arn(self) -> str:
        return self.principal.arn

    def context(self) -> dict[str, Any]:
        """Global condition keys of this request (the principal's own keys come from the engine)."""
        ctx: dict[str, Any] = {
            "aws:CurrentTime": self.now.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "aws:EpochTime": str(int(self.now.timestamp())),
            "aws:SecureTransport": "true" if self.secure_transport else "false",
            "aws:ViaAWSService": "false",
        }
        if self.source_ip:
            ctx["aws:SourceIp"] = self.source_ip
        if self.mfa_authenticated_at is not None:
            ctx["aws:MultiFactorAuthPresent"] = "true"
            age = int((self.now - self.mfa_authenticated_at).total_seconds())
            ctx["aws:MultiFactorAuthAge"] = str(max(age, 0))
        elif self.via == "console":
            # A console session without MFA carries the key as false; long-term access
            # keys carry no key at all (AWS's documented difference).
            ctx["aws:MultiFactorAuthPresent"] = "false"
        return ctx


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def actor_for(request: HttpRequest) -> Actor:
    """The Actor of a signed-in console request."""
    principal: Principal = request.user  # type: ignore[assignment]
    mfa_at = request.session.get(MFA_SESSION_KEY)
    return Actor(
        principal=principal,
        source_ip=client_ip(request),
        secure_transport=request.is_secure(),
        mfa_authenticated_at=datetime.fromisoformat(mfa_at) if mfa_at else None,
    )


def system_actor(principal: Principal) -> Actor:
    """For management commands acting as a principal (the demo loader acts as root)."""
    return Actor(principal=principal, via="system")
