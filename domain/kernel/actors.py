"""Who is acting, and the request context IAM evaluates their call in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from django.http import HttpRequest

    from accounts.models import Account, Principal, Role

MFA_SESSION_KEY = "mfa_authenticated_at"


@dataclass(frozen=True)
class Session:
    """The temporary credentials an Actor acts through (domain.kernel.sessions builds it).

    With a `role` the actor is a role session: its principal ARN is
    arn:aws:sts::<acct>:assumed-role/<role>/<session>, it acts in the role's account with
    the role's policies ∩ its boundary ∩ the session policies, and its principal tags are
    the role's tags overridden by the session tags. Without one (GetSessionToken) it acts as
    the user with the user's policies.
    """

    credential_id: int
    access_key_id: str
    account: Account  # the account the session acts in
    role: Role | None
    name: str  # RoleSessionName ("" for GetSessionToken)
    issued_at: datetime
    expires_at: datetime
    session_policy: str = ""
    session_policy_arns: tuple[str, ...] = ()
    tags: tuple[tuple[str, str], ...] = ()  # session tags (transitive ones included)
    transitive_tag_keys: tuple[str, ...] = ()
    source_identity: str = ""
    chain_depth: int = 0
    source: str = "api"
    mfa_authenticated_at: datetime | None = None

    @property
    def arn(self) -> str:
        assert self.role is not None
        return f"arn:aws:sts::{self.account.id}:assumed-role/{self.role.name}/{self.name}"

    @property
    def userid(self) -> str:
        """aws:userid of a role session: the role's unique ID, a colon, the session name."""
        assert self.role is not None
        return f"{self.role.unique_id}:{self.name}"


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
    # The API's signing region (aws:RequestedRegion); the console sends none.
    requested_region: str | None = None
    now: datetime = field(default_factory=lambda: datetime.now(UTC))
    # The principal's compiled policies for this request, filled by the first decision
    # (domain.kernel.authorization) and tagged with the policy-data generation they were
    # read at, so a change to any policy data makes the next decision read them again.
    policy_cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)
    # Temporary credentials (a role session, or GetSessionToken's); None for long-term ones.
    session: Session | None = None
    # Set only by the API door under IAM_API_AUTH=off, for the test account's root (see
    # domain.iam.test_account.test_root_actor): that root may assume roles, as moto and
    # LocalStack allow, so a public test suite's AssumeRole calls work. AWS itself refuses
    # root ("Roles may not be assumed by root accounts."), and so does every other Actor.
    test_mode_root: bool = False

    @property
    def role_session(self) -> Session | None:
        """The session when the actor is a role session (acting as the role), else None."""
        session = self.session
        return session if session is not None and session.role is not None else None

    @property
    def account(self) -> Account:
        """The account the actor acts in: a role session's is the role's (rule 3 scopes to it)."""
        session = self.session
        return session.account if session is not None else self.principal.account

    @property
    def is_root(self) -> bool:
        return self.principal.is_root and self.role_session is None

    @property
    def arn(self) -> str:
        session = self.role_session
        return session.arn if session is not None else self.principal.arn

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
        session = self.session
        if session is not None:
            ctx["aws:TokenIssueTime"] = iso_time(session.issued_at)
            if session.source_identity:
                ctx["aws:SourceIdentity"] = session.source_identity
            if session.role is not None:
                ctx["aws:RoleSessionName"] = session.name
        if self.requested_region:
            ctx["aws:RequestedRegion"] = self.requested_region
        if self.mfa_authenticated_at is not None:
            ctx["aws:MultiFactorAuthPresent"] = "true"
            age = int((self.now - self.mfa_authenticated_at).total_seconds())
            ctx["aws:MultiFactorAuthAge"] = str(max(age, 0))
        elif self.via == "console" or session is not None:
            # A console session or temporary credentials without MFA carry the key as false;
            # long-term access keys carry no key at all (AWS's documented difference).
            ctx["aws:MultiFactorAuthPresent"] = "false"
        return ctx


def iso_time(moment: datetime) -> str:
    """AWS's timestamp form with milliseconds: 2026-01-02T03:04:05.678Z (UTC)."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def client_ip(request: HttpRequest) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def actor_for(request: HttpRequest) -> Actor:
    """The Actor of a signed-in console request: a role session after Switch role.

    The console middleware puts the switched-to role's Session (still valid) on the request
    as `role_session`; the role session's MFA is the one recorded when it was assumed.
    """
    session: Session | None = getattr(request, "role_session", None)
    if session is not None:
        # Only signed-in requests get here: request.user is a Principal, not AnonymousUser.
        return Actor(
            principal=request.user,  # type: ignore[arg-type]
            source_ip=client_ip(request),
            secure_transport=request.is_secure(),
            mfa_authenticated_at=session.mfa_authenticated_at,
            session=session,
        )
    return signed_in_actor(request)


def signed_in_actor(request: HttpRequest) -> Actor:
    """The Actor of the person signed in, ignoring any role they switched to."""
    # Only signed-in requests get here: request.user is a Principal, not AnonymousUser.
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
