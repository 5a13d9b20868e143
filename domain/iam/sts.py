"""STS: AssumeRole, GetSessionToken, GetCallerIdentity, GetAccessKeyInfo and
DecodeAuthorizationMessage, one function per action; the console's Switch role; and the
role page's "Revoke active sessions".

Assuming a role follows policy-language.md section 9: the role's trust policy must always
allow the caller; in the same account a trust policy naming the caller's own ARN is
enough, one naming the account delegates to the caller's identity policies; across
accounts both the trust policy and the caller's identity policies must allow. The
resulting credentials (ASIA...) are stored with their secret encrypted and only a hash of
the session token; domain.kernel.sessions turns them back into an Actor.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import re
import secrets
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from accounts import crypto, ids
from accounts.models import (
    AccessKey,
    Account,
    AuditEvent,
    MFADevice,
    OpenIDConnectProvider,
    Principal,
    RecentSwitchRole,
    Role,
    SAMLProvider,
    TemporaryCredential,
)
from domain.iam import mfa as mfa_services
from domain.iam import policies as policy_services
from domain.iam import saml
from domain.kernel import audit, authorization_messages
from domain.kernel.actors import Actor, iso_time
from domain.kernel.authorization import authorize, policies_for_actor, request_for
from domain.kernel.errors import (
    AccessDenied,
    ExpiredTokenException,
    InvalidAuthorizationMessage,
    InvalidIdentityToken,
    InvalidInput,
    MalformedPolicyDocument,
    PackedPolicyTooLarge,
    ValidationError,
)
from domain.kernel.request_context import tag_request
from domain.kernel.sessions import session_of, token_hash
from policies.engine import CompiledPolicy, Decision, compile_policy, evaluate, validate
from policies.models import AWS_POLICY_ARN_PREFIX, ManagedPolicy

MIN_DURATION = 900
MAX_ROLE_DURATION = 43_200
ROLE_CHAINING_MAX = 3_600
DEFAULT_SESSION_TOKEN_DURATION = 43_200
MAX_SESSION_TOKEN_DURATION = 129_600
ROOT_SESSION_TOKEN_MAX = 3_600
SESSION_POLICY_MAX_CHARS = 2_048
MAX_SESSION_POLICY_ARNS = 10
MAX_SESSION_TAGS = 50
# The packed size AWS allows session policies and tags (compressed) to take.
PACKED_LIMIT_BYTES = 2_048

REVOKE_POLICY_NAME = "AWSRevokeOlderSessions"
# What the console says before putting AWSRevokeOlderSessions on a role.
REVOKE_CONFIRMATION = (
    "If you choose Revoke active sessions, IAM attaches an inline policy named "
    "AWSRevokeOlderSessions to the role. This policy denies access to all current users "
    "and applications that assumed the role before now. Users and applications that assume "
    "the role after you revoke active sessions are not affected."
)
SWITCH_ROLE_INVALID = (
    "Invalid information in one or more fields. Check your information or contact your "
    "administrator."
)
# AWS's five Switch role display colours (the hex the console keeps in its cookie).
SWITCH_ROLE_COLORS = {
    "F2B0A9": "Red",
    "FBBF93": "Orange",
    "FAD791": "Yellow",
    "B7CA9D": "Green",
    "99BCE3": "Blue",
}
RECENT_ROLES_KEPT = 5

_SESSION_NAME = re.compile(r"[\w+=,.@-]*")
_EXTERNAL_ID = re.compile(r"[\w+=,./@:-]*")
_SERIAL = re.compile(r"[\w+=/:,.@-]*")
_TOKEN_CODE = re.compile(r"\d{6}")
_ACCESS_KEY_ID = re.compile(r"\w+")
_ROLE_ARN = re.compile(r"arn:aws:iam::(\d{12}):role(/(?:[\x21-\x7e]*/)?)([\w+=,.@-]{1,64})")


@dataclass(frozen=True)
class Credentials:
    """What STS hands out: shown once, never stored in the clear (but the secret, encrypted)."""

    access_key_id: str
    secret_access_key: str
    session_token: str
    expiration: datetime


@dataclass(frozen=True)
class AssumedRole:
    credentials: Credentials
    assumed_role_id: str  # AROA...:session-name
    arn: str  # arn:aws:sts::<acct>:assumed-role/<role>/<session>
    packed_policy_size: int | None
    source_identity: str
    role: Role


@dataclass(frozen=True)
class CallerIdentity:
    user_id: str
    account: str
    arn: str


# --- validation, with AWS's messages --------------------------------------------------


def _constraint(value: object, field: str, constraint: str) -> ValidationError:
    return ValidationError(
        f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy "
        f"constraint: {constraint}",
        field=field,
    )


def _check_text(
    value: str, field: str, *, low: int, high: int, pattern: re.Pattern[str], shown: str
) -> None:
    if len(value) < low:
        raise _constraint(value, field, f"Member must have length greater than or equal to {low}")
    if len(value) > high:
        raise _constraint(value, field, f"Member must have length less than or equal to {high}")
    if not pattern.fullmatch(value):
        raise _constraint(value, field, f"Member must satisfy regular expression pattern: {shown}")


def _check_session_name(value: str, field: str) -> None:
    """A role session name or source identity: 2 to 64 of the session name characters."""
    _check_text(value, field, low=2, high=64, pattern=_SESSION_NAME, shown=r"[\w+=,.@-]*")


def _check_duration(seconds: int, field: str, low: int, high: int) -> None:
    if seconds < low:
        raise _constraint(seconds, field, f"Member must have value greater than or equal to {low}")
    if seconds > high:
        raise _constraint(seconds, field, f"Member must have value less than or equal to {high}")


def _check_mfa_input(serial_number: str | None, token_code: str | None) -> None:
    if serial_number is not None:
        _check_text(
            serial_number, "serialNumber", low=9, high=256, pattern=_SERIAL, shown=r"[\w+=/:,.@-]*"
        )
    if token_code is not None and not _TOKEN_CODE.fullmatch(token_code):
        raise _constraint(
            token_code, "tokenCode", r"Member must satisfy regular expression pattern: [\d]*"
        )


def _check_tags(tags: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    pairs = list(tags)
    if len(pairs) > MAX_SESSION_TAGS:
        raise _constraint(pairs, "tags", "Member must have length less than or equal to 50")
    seen: set[str] = set()
    for key, value in pairs:
        if not 1 <= len(key) <= 128:
            raise _constraint(
                key, "tags.member.key", "Member must have length less than or equal to 128"
            )
        if len(value) > 256:
            raise _constraint(
                value, "tags.member.value", "Member must have length less than or equal to 256"
            )
        if key.lower() in seen:
            raise ValidationError(
                "Duplicate tag keys found. Please note that Tag keys are case insensitive.",
                field="tags",
            )
        seen.add(key.lower())
    return pairs


def _check_session_policy(policy: str | None, policy_arns: tuple[str, ...]) -> None:
    if policy is not None:
        if len(policy) > SESSION_POLICY_MAX_CHARS:
            raise _constraint("...", "policy", "Member must have length less than or equal to 2048")
        errors = validate(policy, kind="inline-role")
        if errors:
            raise MalformedPolicyDocument(errors[0].message, field="policy")
    if len(policy_arns) > MAX_SESSION_POLICY_ARNS:
        raise _constraint(
            list(policy_arns), "policyArns", "Member must have length less than or equal to 10"
        )


def _packed_size(
    policy: str | None, policy_arns: tuple[str, ...], tags: list[tuple[str, str]]
) -> int | None:
    """PackedPolicySize: the percentage of AWS's packed space the session policies and tags take."""
    if policy is None and not policy_arns and not tags:
        return None
    packed = json.dumps([policy or "", list(policy_arns), tags], separators=(",", ":"))
    size = len(zlib.compress(packed.encode(), 9))
    percent = math.ceil(100 * size / PACKED_LIMIT_BYTES)
    if percent > 100:
        raise PackedPolicyTooLarge(
            f"Packed policy consumes {percent}% of allotted space, please use smaller policy.",
            field="policy",
        )
    return percent


# --- finding the role and the MFA device -----------------------------------------------


def _role_by_arn(role_arn: str) -> Role | None:
    match = _ROLE_ARN.fullmatch(role_arn)
    if match is None:
        return None
    account_id, path, name = match.groups()
    return (
        Role.objects.select_related("account", "permissions_boundary")
        .filter(account_id=account_id, path=path, name__iexact=name)
        .first()
    )


def _mfa_actor(
    actor: Actor, serial_number: str | None, token_code: str | None, now: datetime
) -> Actor:
    """The actor with MFA present when a serial number and a valid code came with the call."""
    if serial_number is None and token_code is None:
        return actor
    failed = AccessDenied("MultiFactorAuthentication failed with invalid MFA one time pass code. ")
    if serial_number is None or token_code is None or actor.role_session is not None:
        raise failed
    device = next(
        (
            d
            for d in MFADevice.objects.filter(principal=actor.principal).select_related("principal")
            if d.arn == serial_number
        ),
        None,
    )
    # The same check as sign-in: a code is spent once, so it cannot be replayed.
    if (
        device is None
        or mfa_services.verify_mfa_code(actor.principal, token_code, device=device, now=now) is None
    ):
        audit.record(
            actor,
            "sts:AssumeRole",
            serial_number,
            outcome=AuditEvent.Outcome.FAILED,
            error_code="AccessDenied",
            details={"reason": "invalid MFA code"},
        )
        raise failed
    return replace(actor, mfa_authenticated_at=now)


# --- the decision ----------------------------------------------------------------------


def _trust_policy(role: Role) -> CompiledPolicy:
    # Keyed by the text's hash: an edited trust policy is a new cache entry.
    digest = hashlib.sha256(role.trust_policy.encode("utf-8", "surrogatepass")).digest()
    return compile_policy(
        role.trust_policy,
        name=f"role {role.name} trust policy",
        key=("trust", role.pk, digest),
        policy_type="resource",
    )


def _trust_allows(decision: Decision) -> bool:
    return decision.effect != "explicit_deny" and any(
        ref.policy_type == "resource" and ref.effect == "Allow" for ref in decision.matched
    )


def _assume_decision(actor: Actor, action: str, role: Role, context: dict[str, Any]) -> Decision:
    """Section 9: the trust policy always has to allow; the caller's identity policies
    too when the trust policy names the account, or when the role is in another account."""
    request = request_for(actor, action, role, context)
    trust = _trust_policy(role)
    caller = policies_for_actor(actor)
    if actor.account.id == role.account_id:
        decision = evaluate({**caller, "resource": [trust]}, request)
        if decision.allowed and not _trust_allows(decision):
            # Only identity policies allowed: never enough to assume a role.
            return evaluate({"resource": [trust]}, request)
        return decision
    trusted = evaluate({"resource": [trust]}, request)
    if not _trust_allows(trusted):
        return trusted
    return evaluate(caller, request)


def _authorize_assume(
    actor: Actor, action: str, role: Role | None, role_arn: str, context: dict[str, Any]
) -> None:
    decision = None if role is None else _assume_decision(actor, action, role, context)
    if decision is not None and actor.test_mode_root and not _trust_allows(decision):
        # IAM_API_AUTH=off's root may assume a role only when the trust policy itself
        # allows it (a root's own permissions would allow anything).
        decision = None
    if decision is not None and decision.allowed:
        return
    audit.record(
        actor,
        action,
        role_arn,
        outcome=AuditEvent.Outcome.DENIED,
        error_code=AccessDenied.code,
        details={"effect": decision.effect if decision else "implicit_deny"},
    )
    # AWS's message names the role whether or not it exists, and says no more.
    denied = AccessDenied(
        f"User: {actor.arn} is not authorized to perform: {action} on resource: {role_arn}"
    )
    if decision is not None and role is not None:
        denied.decision = decision
        denied.request = request_for(actor, action, role, context)
    raise denied


# --- issuing credentials ---------------------------------------------------------------


def _new_credentials(
    *, expires_at: datetime, fields: dict[str, Any]
) -> tuple[Credentials, TemporaryCredential]:
    secret = ids.secret_access_key()
    token = base64.b64encode(secrets.token_bytes(192)).decode()
    for _attempt in range(3):
        key_id = ids.access_key_id(ids.TEMPORARY_KEY_PREFIX)
        try:
            with transaction.atomic():
                row = TemporaryCredential.objects.create(
                    access_key_id=key_id,
                    secret_encrypted=crypto.encrypt(secret),
                    token_hash=token_hash(token),
                    expires_at=expires_at,
                    **fields,
                )
        except IntegrityError:  # an ID drawn twice: draw again
            continue
        return Credentials(key_id, secret, token, expires_at), row
    raise IntegrityError("could not draw a free temporary access key ID")


def assume_role(
    *,
    actor: Actor,
    role_arn: str,
    role_session_name: str,
    duration_seconds: int = 3600,
    external_id: str | None = None,
    serial_number: str | None = None,
    token_code: str | None = None,
    policy: str | None = None,
    policy_arns: Iterable[str] = (),
    tags: Iterable[tuple[str, str]] = (),
    transitive_tag_keys: Iterable[str] = (),
    source_identity: str | None = None,
    source: str = TemporaryCredential.Source.API,
    now: datetime | None = None,
) -> AssumedRole:
    """AssumeRole: temporary credentials for a session of the role at `role_arn`."""
    now = now or datetime.now(UTC)
    arns = tuple(policy_arns)
    _check_session_name(role_session_name, "roleSessionName")
    _check_duration(duration_seconds, "durationSeconds", MIN_DURATION, MAX_ROLE_DURATION)
    if external_id is not None:
        _check_text(
            external_id,
            "externalId",
            low=2,
            high=1224,
            pattern=_EXTERNAL_ID,
            shown=r"[\w+=,.@:\/-]*",
        )
    if source_identity is not None:
        _check_session_name(source_identity, "sourceIdentity")
        if source_identity.lower().startswith("aws:"):
            raise ValidationError(
                "SourceIdentity cannot start with the 'aws:' prefix.", field="sourceIdentity"
            )
    _check_mfa_input(serial_number, token_code)
    _check_session_policy(policy, arns)
    new_tags = _check_tags(tags)
    transitive = list(dict.fromkeys(transitive_tag_keys))
    tag_keys = {key.lower() for key, _ in new_tags}
    for key in transitive:
        if key.lower() not in tag_keys:
            raise ValidationError(
                f"Transitive tag key {key} is not one of the session tags.",
                field="transitiveTagKeys",
            )

    if actor.is_root and not actor.test_mode_root:
        raise AccessDenied("Roles may not be assumed by root accounts.")
    caller_session = actor.role_session
    # Role chaining: the caller's transitive tags and source identity go with it.
    inherited: list[tuple[str, str]] = []
    if caller_session is not None:
        carried = {k.lower() for k in caller_session.transitive_tag_keys}
        inherited = [(k, v) for k, v in caller_session.tags if k.lower() in carried]
        for key, _ in inherited:
            if key.lower() in tag_keys:
                raise ValidationError(
                    f"Cannot override transitive tag key {key} of the calling session.",
                    field="tags",
                )
        transitive += [k for k in caller_session.transitive_tag_keys if k not in transitive]
        if source_identity is None and caller_session.source_identity:
            source_identity = caller_session.source_identity
    caller = _mfa_actor(actor, serial_number, token_code, now)
    role = _role_by_arn(role_arn)

    context: dict[str, Any] = {"sts:RoleSessionName": role_session_name}
    if external_id is not None:
        context["sts:ExternalId"] = external_id
    if source_identity is not None:
        context["sts:SourceIdentity"] = source_identity
    if new_tags:
        context |= tag_request(new_tags)
    if transitive:
        context["sts:TransitiveTagKeys"] = transitive
    _authorize_assume(caller, "sts:AssumeRole", role, role_arn, context)
    assert role is not None
    if new_tags:
        _authorize_assume(caller, "sts:TagSession", role, role_arn, context)
    if source_identity is not None and (
        caller_session is None or source_identity != caller_session.source_identity
    ):
        _authorize_assume(caller, "sts:SetSourceIdentity", role, role_arn, context)

    if duration_seconds > role.max_session_duration:
        raise ValidationError(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            field="durationSeconds",
        )
    if caller_session is not None and duration_seconds > ROLE_CHAINING_MAX:
        raise ValidationError(
            "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed "
            "by role chaining.",
            field="durationSeconds",
        )
    _check_policy_arns(arns, role.account_id)
    all_tags = inherited + new_tags
    packed = _packed_size(policy, arns, new_tags)

    expires_at = now + timedelta(seconds=duration_seconds)
    credentials, row = _new_credentials(
        expires_at=expires_at,
        fields={
            "account": role.account,
            "principal": actor.principal,
            "role": role,
            "caller_arn": actor.arn,
            "session_name": role_session_name,
            "issued_at": now,
            "session_policy": policy or "",
            "session_policy_arns": list(arns),
            "session_tags": [{"Key": k, "Value": v} for k, v in all_tags],
            "transitive_tag_keys": transitive,
            "source_identity": source_identity or "",
            "mfa_authenticated_at": caller.mfa_authenticated_at,
            "chain_depth": caller_session.chain_depth + 1 if caller_session else 0,
            "source": source,
        },
    )
    session_arn = row.arn
    details = {"session": session_arn, "access_key_id": credentials.access_key_id, "source": source}
    with transaction.atomic():
        Role.objects.filter(pk=role.pk).update(last_used_at=now)
        audit.record(actor, "sts:AssumeRole", role.arn, details=details)
        if role.account_id != actor.account.id:
            # Both accounts see a cross-account assumption in their history.
            audit.record(actor, "sts:AssumeRole", role.arn, account=role.account, details=details)
    return AssumedRole(
        credentials=credentials,
        assumed_role_id=f"{role.unique_id}:{role_session_name}",
        arn=session_arn,
        packed_policy_size=packed,
        source_identity=source_identity or "",
        role=role,
    )


def _check_policy_arns(policy_arns: tuple[str, ...], account_id: str) -> None:
    """Managed session policies must exist: AWS managed or in the role's account."""
    for arn in policy_arns:
        if arn.startswith(AWS_POLICY_ARN_PREFIX + "/"):
            owner: str | None = None
        elif arn.startswith(f"arn:aws:iam::{account_id}:policy/"):
            owner = account_id
        else:
            raise ValidationError.policy_not_attachable(arn, field="policyArns")
        name = arn.rsplit("/", 1)[-1]
        candidates = ManagedPolicy.objects.filter(account_id=owner, name=name)
        if not any(p.arn == arn for p in candidates):
            raise ValidationError.policy_not_attachable(arn, field="policyArns")


def get_session_token(
    *,
    actor: Actor,
    duration_seconds: int = DEFAULT_SESSION_TOKEN_DURATION,
    serial_number: str | None = None,
    token_code: str | None = None,
    now: datetime | None = None,
) -> Credentials:
    """GetSessionToken: temporary credentials acting as the calling user (or root).

    No IAM policy governs it; MFA passed here makes aws:MultiFactorAuthPresent true for
    every call made with the credentials.
    """
    now = now or datetime.now(UTC)
    _check_duration(duration_seconds, "durationSeconds", MIN_DURATION, MAX_SESSION_TOKEN_DURATION)
    _check_mfa_input(serial_number, token_code)
    if actor.session is not None:
        raise AccessDenied("Cannot call GetSessionToken with session credentials")
    if actor.principal.is_root:
        # AWS: sessions of the account owner are held to one hour, without complaint.
        duration_seconds = min(duration_seconds, ROOT_SESSION_TOKEN_MAX)
    caller = _mfa_actor(actor, serial_number, token_code, now)
    credentials, row = _new_credentials(
        expires_at=now + timedelta(seconds=duration_seconds),
        fields={
            "account": actor.principal.account,
            "principal": actor.principal,
            "role": None,
            "caller_arn": actor.arn,
            "issued_at": now,
            "mfa_authenticated_at": caller.mfa_authenticated_at,
        },
    )
    audit.record(
        actor, "sts:GetSessionToken", actor.arn, details={"access_key_id": row.access_key_id}
    )
    return credentials


def get_caller_identity(*, actor: Actor) -> CallerIdentity:
    """GetCallerIdentity: always allowed, whatever the policies say (as in AWS)."""
    session = actor.role_session
    if session is not None:
        return CallerIdentity(session.userid, actor.account.id, session.arn)
    principal = actor.principal
    return CallerIdentity(principal.unique_id, principal.account_id, principal.arn)


def get_access_key_info(*, actor: Actor, access_key_id: str) -> str:
    """GetAccessKeyInfo: the account ID that owns an access key (long-term or temporary)."""
    _check_text(
        access_key_id, "accessKeyId", low=16, high=128, pattern=_ACCESS_KEY_ID, shown=r"[\w]*"
    )
    authorize(actor, "sts:GetAccessKeyInfo", "*")
    found: QuerySet[Any, str]
    if access_key_id.startswith(ids.TEMPORARY_KEY_PREFIX):
        found = TemporaryCredential.objects.filter(access_key_id=access_key_id).values_list(
            "account_id", flat=True
        )
    else:
        found = AccessKey.objects.filter(access_key_id=access_key_id).values_list(
            "principal__account_id", flat=True
        )
    account_id = found.first()
    if account_id is None:
        raise ValidationError(
            f"The access key ID {access_key_id} does not belong to an account here.",
            field="accessKeyId",
        )
    return account_id


def decode_authorization_message(*, actor: Actor, encoded_message: str) -> str:
    """DecodeAuthorizationMessage: the engine's explanation of a denial, as JSON text."""
    _check_text(
        encoded_message,
        "encodedMessage",
        low=1,
        high=10240,
        pattern=re.compile(r".*", re.S),
        shown=".*",
    )
    authorize(actor, "sts:DecodeAuthorizationMessage", "*")
    decoded = authorization_messages.decode(encoded_message, actor.account.id)
    if decoded is None:
        raise InvalidAuthorizationMessage("Message is invalid", field="encodedMessage")
    return json.dumps(decoded, separators=(",", ":"))


# --- the role page: Revoke active sessions --------------------------------------------


def revoke_policy_document(now: datetime) -> str:
    """AWS's AWSRevokeOlderSessions: deny everything to sessions issued before `now`."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Deny",
                    "Action": ["*"],
                    "Resource": ["*"],
                    "Condition": {"DateLessThan": {"aws:TokenIssueTime": iso_time(now)}},
                }
            ],
        },
        indent=2,
    )


def revoke_role_sessions(*, actor: Actor, role: Role, now: datetime | None = None) -> None:
    """Revoke active sessions: PutRolePolicy AWSRevokeOlderSessions, as AWS's console does."""
    policy_services.put_role_policy(
        actor=actor,
        role=role,
        name=REVOKE_POLICY_NAME,
        document=revoke_policy_document(now or datetime.now(UTC)),
    )


# --- the console's Switch role ---------------------------------------------------------


def _account_for(account: str) -> Account | None:
    account = account.strip()
    if re.fullmatch(r"\d{12}", account):
        return Account.objects.filter(pk=account).first()
    return Account.objects.filter(alias__iexact=account).first() if account else None


def switch_role(
    *, actor: Actor, account: str, role_name: str, now: datetime | None = None
) -> AssumedRole:
    """Switch role: AssumeRole from the console for the role's maximum session duration,
    the session named after the user (MFA comes from the console sign-in)."""
    if actor.principal.is_root:
        raise AccessDenied("Roles may not be assumed by root accounts.")
    found = _account_for(account)
    account_id = found.id if found else account.strip()
    role = (
        Role.objects.filter(account=found, name__iexact=role_name.strip()).first()
        if found and role_name.strip()
        else None
    )
    role_arn = role.arn if role else f"arn:aws:iam::{account_id}:role/{role_name.strip()}"
    if role is None:
        _authorize_assume(actor, "sts:AssumeRole", None, role_arn, {})
        raise AssertionError("unreachable")  # pragma: no cover
    assumed = assume_role(
        actor=actor,
        role_arn=role_arn,
        role_session_name=actor.principal.name,
        duration_seconds=role.max_session_duration,
        source=TemporaryCredential.Source.CONSOLE,
        now=now,
    )
    audit.record(actor, "signin:SwitchRole", role.arn, details={"session": assumed.arn})
    return assumed


@dataclass(frozen=True)
class RecentRole:
    account_id: str
    role_name: str
    display_name: str
    color: str


def remember_switch_role(
    *,
    actor: Actor,
    account_id: str,
    role_name: str,
    display_name: str,
    color: str,
    now: datetime | None = None,
) -> list[RecentRole]:
    """Puts a role first in the person's recent roles (the last five are kept)."""
    principal = actor.principal
    now = now or datetime.now(UTC)
    with transaction.atomic():
        RecentSwitchRole.objects.update_or_create(
            principal=principal,
            account_id=account_id,
            role_name__iexact=role_name,
            defaults={
                "role_name": role_name,
                "display_name": display_name,
                "color": color,
                "used_at": now,
            },
        )
        keep = RecentSwitchRole.objects.filter(principal=principal).values_list("pk", flat=True)[
            :RECENT_ROLES_KEPT
        ]
        RecentSwitchRole.objects.filter(principal=principal).exclude(pk__in=list(keep)).delete()
    return recent_switch_roles(actor=actor)


def recent_switch_roles(*, actor: Actor) -> list[RecentRole]:
    """The person's last five roles, newest first."""
    return [
        RecentRole(r.account_id, r.role_name, r.display_name, r.color)
        for r in RecentSwitchRole.objects.filter(principal=actor.principal)[:RECENT_ROLES_KEPT]
    ]


def prune_expired_credentials(*, before: datetime, batch: int = 1000) -> int:
    """Deletes credentials that expired before `before`, a batch at a time (indexed)."""
    removed = 0
    while True:
        pks = list(
            TemporaryCredential.objects.filter(expires_at__lt=before).values_list("pk", flat=True)[
                :batch
            ]
        )
        if not pks:
            return removed
        removed += TemporaryCredential.objects.filter(pk__in=pks).delete()[0]


# --- federation: AssumeRoleWithWebIdentity and AssumeRoleWithSAML ----------------------
# Both are unsigned calls: the token or assertion is the credential. The provider must be
# registered in the role's account; its keys (the OIDC provider's JWKS, the SAML
# provider's metadata certificate) verify the signature; the trust policy decides with the
# federated principal (the provider's ARN) and its condition keys.

WEB_IDENTITY_DENIED = "Not authorized to perform sts:AssumeRoleWithWebIdentity"
SAML_DENIED = "Not authorized to perform sts:AssumeRoleWithSAML"  # same wording as the trust's
MAX_WEB_IDENTITY_TOKEN_CHARS = 20_000
CLOCK_SKEW = timedelta(minutes=5)


@dataclass(frozen=True)
class FederatedRole:
    """AssumeRoleWithWebIdentity's or AssumeRoleWithSAML's answer."""

    assumed: AssumedRole
    subject: str
    audience: str
    issuer: str  # the token's iss (web identity) or the assertion's Issuer (SAML)
    subject_type: str = ""  # SAML only
    name_qualifier: str = ""  # SAML only


def _federated_decision(
    action: str,
    role: Role,
    provider_arn: str,
    session_name: str,
    keys: dict[str, Any],
    now: datetime,
) -> Decision:
    session_arn = f"arn:aws:sts::{role.account_id}:assumed-role/{role.name}/{session_name}"
    context = {
        "aws:CurrentTime": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "aws:EpochTime": str(int(now.timestamp())),
        "aws:FederatedProvider": provider_arn,
        **keys,
    }
    request = {
        "principal": {"arn": session_arn, "federated": provider_arn, "account": role.account_id},
        "action": action,
        "resource": role.arn,
        "context": context,
    }
    return evaluate({"resource": [_trust_policy(role)]}, request)


def federation_anchor(role: Role) -> Principal:
    """A federated session has no IAM user behind it: its row (and a console session from
    a SAML sign-in) is anchored to the role's account's root principal, and acts only as
    the role: it never falls back to the anchor (the console signs out instead)."""
    return Principal.objects.get(account_id=role.account_id, kind=Principal.Kind.ROOT)


def _issue_federated(
    *,
    role: Role,
    action: str,
    caller_arn: str,
    keys: dict[str, Any],
    session_name: str,
    duration_seconds: int,
    policy: str | None,
    policy_arns: tuple[str, ...],
    source: str,
    now: datetime,
) -> AssumedRole:
    """The trust policy decides with the federated keys (the provider, `caller_arn`, as the
    Federated principal); then the session is issued like AssumeRole's."""
    decision = _federated_decision(action, role, caller_arn, session_name, keys, now)
    if not (decision.allowed and _trust_allows(decision)):
        raise AccessDenied(f"Not authorized to perform {action}")
    if duration_seconds > role.max_session_duration:
        raise ValidationError(
            "The requested DurationSeconds exceeds the MaxSessionDuration set for this role.",
            field="durationSeconds",
        )
    _check_policy_arns(policy_arns, role.account_id)
    packed = _packed_size(policy, policy_arns, [])
    anchor = federation_anchor(role)
    credentials, row = _new_credentials(
        expires_at=now + timedelta(seconds=duration_seconds),
        fields={
            "account": role.account,
            "principal": anchor,
            "role": role,
            "caller_arn": caller_arn,
            "session_name": session_name,
            "issued_at": now,
            "session_policy": policy or "",
            "session_policy_arns": list(policy_arns),
            "source": source,
        },
    )
    session_actor = Actor(principal=anchor, via="api", now=now, session=session_of(row))
    with transaction.atomic():
        Role.objects.filter(pk=role.pk).update(last_used_at=now)
        audit.record(
            session_actor,
            action,
            role.arn,
            details={"provider": caller_arn, "access_key_id": credentials.access_key_id},
        )
    return AssumedRole(
        credentials=credentials,
        assumed_role_id=f"{role.unique_id}:{session_name}",
        arn=row.arn,
        packed_policy_size=packed,
        source_identity="",
        role=role,
    )


def _check_federated_input(
    role_session_name: str | None, duration_seconds: int, policy: str | None, arns: tuple[str, ...]
) -> None:
    if role_session_name is not None:
        _check_session_name(role_session_name, "roleSessionName")
    _check_duration(duration_seconds, "durationSeconds", MIN_DURATION, MAX_ROLE_DURATION)
    _check_session_policy(policy, arns)


def _verified_claims(token: str, provider: OpenIDConnectProvider, now: datetime) -> dict[str, Any]:
    try:
        header = jwt.get_unverified_header(token)
        keys = jwt.PyJWKSet.from_json(provider.jwks).keys if provider.jwks else []
    except (jwt.PyJWKSetError, jwt.InvalidTokenError):
        raise InvalidIdentityToken.no_key() from None
    key = next((k for k in keys if header.get("kid") in (None, k.key_id)), None)
    if key is None or header.get("alg") != "RS256":
        raise InvalidIdentityToken.no_key()
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            key=key,
            algorithms=["RS256"],
            audience=list(provider.client_ids) or ["\0no audience registered"],
            issuer=f"https://{provider.url}",
            leeway=CLOCK_SKEW,
            options={"require": ["exp", "iat", "sub", "aud", "iss"]},
        )
    except jwt.ExpiredSignatureError:
        raise ExpiredTokenException.web_identity() from None
    except jwt.InvalidAudienceError:
        raise InvalidIdentityToken.bad_audience() from None
    except jwt.InvalidTokenError:
        raise InvalidIdentityToken("Token signature or claims are invalid") from None
    if datetime.fromtimestamp(float(claims["exp"]), UTC) <= now - CLOCK_SKEW:
        raise ExpiredTokenException.web_identity()
    return claims


def assume_role_with_web_identity(
    *,
    role_arn: str,
    role_session_name: str,
    web_identity_token: str,
    provider_id: str | None = None,
    duration_seconds: int = 3600,
    policy: str | None = None,
    policy_arns: Iterable[str] = (),
    now: datetime | None = None,
) -> FederatedRole:
    """AssumeRoleWithWebIdentity: a role session for the holder of an OIDC ID token that the
    role's account's provider signed (RS256 against its JWKS), for one of its audiences."""
    now = now or datetime.now(UTC)
    arns = tuple(policy_arns)
    _check_federated_input(role_session_name, duration_seconds, policy, arns)
    if not 4 <= len(web_identity_token) <= MAX_WEB_IDENTITY_TOKEN_CHARS:
        raise _constraint(
            "...", "webIdentityToken", "Member must have length greater than or equal to 4"
        )
    if provider_id is not None:
        raise ValidationError(
            "ProviderId is only for OAuth 2.0 providers (Amazon, Facebook); OpenID Connect "
            "providers are found from the token's issuer.",
            field="providerId",
        )
    try:
        unverified = jwt.decode(web_identity_token, options={"verify_signature": False})
    except jwt.InvalidTokenError:
        raise InvalidIdentityToken.not_a_jwt() from None
    issuer = unverified.get("iss")
    if not isinstance(issuer, str) or not issuer:
        raise InvalidIdentityToken.not_a_jwt()
    role = _role_by_arn(role_arn)
    if role is None:
        raise AccessDenied(WEB_IDENTITY_DENIED)
    host_path = issuer.removeprefix("https://").rstrip("/")
    provider = OpenIDConnectProvider.objects.filter(account=role.account, url=host_path).first()
    if provider is None or not issuer.startswith("https://"):
        raise InvalidIdentityToken.no_provider(issuer)
    claims = _verified_claims(web_identity_token, provider, now)
    audience = claims["aud"] if isinstance(claims["aud"], str) else claims["aud"][0]
    keys: dict[str, Any] = {
        f"{host_path}:aud": audience,
        f"{host_path}:sub": str(claims["sub"]),
        f"{host_path}:oaud": audience,
        "sts:RoleSessionName": role_session_name,
    }
    if "amr" in claims:
        keys[f"{host_path}:amr"] = claims["amr"]
    assumed = _issue_federated(
        role=role,
        action="sts:AssumeRoleWithWebIdentity",
        caller_arn=provider.arn,
        keys=keys,
        session_name=role_session_name,
        duration_seconds=duration_seconds,
        policy=policy,
        policy_arns=arns,
        source=TemporaryCredential.Source.WEB_IDENTITY,
        now=now,
    )
    return FederatedRole(assumed, str(claims["sub"]), audience, issuer)


def saml_name_qualifier(issuer: str, provider: SAMLProvider) -> str:
    """SAML:namequalifier: base64 of SHA-1 over the issuer, the account ID and the
    provider's name, as AWS documents it."""
    digest = hashlib.sha1(
        f"{issuer}{provider.account_id}/{provider.name}".encode(), usedforsecurity=False
    ).digest()
    return base64.b64encode(digest).decode()


def _saml_provider(principal_arn: str) -> SAMLProvider | None:
    match = re.fullmatch(r"arn:aws:iam::(\d{12}):saml-provider/([\w._-]{1,128})", principal_arn)
    if match is None:
        return None
    return SAMLProvider.objects.filter(account_id=match[1], name=match[2]).first()


def _saml_duration(assertion: saml.Assertion, requested: int | None) -> int:
    if requested is not None:
        return requested
    given = assertion.attributes.get(saml.SESSION_DURATION_ATTRIBUTE, [])
    try:
        return int(given[0]) if given else 3600
    except ValueError:
        raise InvalidIdentityToken("SessionDuration must be a number of seconds") from None


def verify_saml_response(
    *, principal_arn: str, saml_assertion: str, now: datetime | None = None
) -> tuple[SAMLProvider, saml.Assertion]:
    """The provider and the claims of a SAML response it signed, still valid now; the
    console's SAML sign-in reads the roles offered from it before AssumeRoleWithSAML."""
    now = now or datetime.now(UTC)
    if not 4 <= len(saml_assertion) <= saml.MAX_RESPONSE_CHARS:
        raise _constraint(
            "...", "SAMLAssertion", "Member must have length less than or equal to 100000"
        )
    provider = _saml_provider(principal_arn)
    if provider is None or provider.valid_until <= now:
        raise InvalidIdentityToken.saml_provider()
    xml = saml.decode_response(saml_assertion)
    try:
        certificates = saml.parse_metadata(provider.metadata_document).certificates
    except InvalidInput:
        raise InvalidIdentityToken.saml_provider() from None
    assertion = saml.verify_response(xml, certificates)
    if assertion.issuer != provider.entity_id:
        raise InvalidIdentityToken(
            "Issuer of the SAML response does not match the provider's metadata"
        )
    if assertion.not_before is not None and assertion.not_before > now + CLOCK_SKEW:
        raise InvalidIdentityToken("Assertion is not yet valid")
    if assertion.not_on_or_after is None or assertion.not_on_or_after <= now - CLOCK_SKEW:
        raise ExpiredTokenException.saml()
    return provider, assertion


def saml_sign_in_roles(*, saml_response: str, now: datetime | None = None) -> list[tuple[str, str]]:
    """The console's SAML sign-in: the (role ARN, provider ARN) pairs a response offers,
    from each provider it names whose key signed it (InvalidIdentityToken if none did)."""
    xml = saml.decode_response(saml_response)
    offered: list[tuple[str, str]] = []
    failure: Exception = InvalidIdentityToken.saml_malformed()
    for provider_arn in saml.unverified_providers(xml):
        try:
            provider, assertion = verify_saml_response(
                principal_arn=provider_arn, saml_assertion=saml_response, now=now
            )
        except (InvalidIdentityToken, ExpiredTokenException, ValidationError) as error:
            failure = error
            continue
        offered += [(role, provider.arn) for role in saml_roles(provider, assertion)]
    if not offered:
        raise failure
    return offered


def saml_roles(provider: SAMLProvider, assertion: saml.Assertion) -> list[str]:
    """The role ARNs the assertion offers with this provider (the "Select a role" list)."""
    return [role for role, idp in assertion.role_pairs() if idp == provider.arn]


def assume_role_with_saml(
    *,
    role_arn: str,
    principal_arn: str,
    saml_assertion: str,
    duration_seconds: int | None = None,
    policy: str | None = None,
    policy_arns: Iterable[str] = (),
    source: str = TemporaryCredential.Source.SAML,
    now: datetime | None = None,
) -> FederatedRole:
    """AssumeRoleWithSAML: a role session for the subject of a SAML response the provider
    signed, when its Role attribute offers this role with this provider."""
    now = now or datetime.now(UTC)
    arns = tuple(policy_arns)
    _check_federated_input(None, duration_seconds or 3600, policy, arns)
    provider, assertion = verify_saml_response(
        principal_arn=principal_arn, saml_assertion=saml_assertion, now=now
    )
    role = _role_by_arn(role_arn)
    if role is None or role.account_id != provider.account_id:
        raise AccessDenied(SAML_DENIED)
    if role.arn not in saml_roles(provider, assertion):
        raise AccessDenied(SAML_DENIED)
    names = assertion.attributes.get(saml.SESSION_NAME_ATTRIBUTE, [])
    if not names:
        raise InvalidIdentityToken("RoleSessionName is required in AuthnResponse")
    session_name = names[0]
    if not 2 <= len(session_name) <= 64 or not _SESSION_NAME.fullmatch(session_name):
        raise InvalidIdentityToken("RoleSessionName in AuthnResponse is invalid")
    duration = _saml_duration(assertion, duration_seconds)
    _check_duration(duration, "durationSeconds", MIN_DURATION, MAX_ROLE_DURATION)
    qualifier = saml_name_qualifier(assertion.issuer, provider)
    keys: dict[str, Any] = {
        "SAML:aud": assertion.recipient,
        "SAML:sub": assertion.name_id,
        "SAML:sub_type": assertion.sub_type,
        "SAML:iss": assertion.issuer,
        "SAML:namequalifier": qualifier,
        "SAML:doc": f"{provider.account_id}/{provider.name}",
    }
    assumed = _issue_federated(
        role=role,
        action="sts:AssumeRoleWithSAML",
        caller_arn=provider.arn,
        keys=keys,
        session_name=session_name,
        duration_seconds=duration,
        policy=policy,
        policy_arns=arns,
        source=source,
        now=now,
    )
    return FederatedRole(
        assumed,
        assertion.name_id,
        assertion.recipient,
        assertion.issuer,
        assertion.sub_type,
        qualifier,
    )


__all__ = [
    "AssumedRole",
    "CallerIdentity",
    "FederatedRole",
    "assume_role_with_saml",
    "assume_role_with_web_identity",
    "federation_anchor",
    "saml_sign_in_roles",
    "verify_saml_response",
    "Credentials",
    "assume_role",
    "decode_authorization_message",
    "get_access_key_info",
    "get_caller_identity",
    "get_session_token",
    "prune_expired_credentials",
    "revoke_role_sessions",
    "switch_role",
]


# --- a service's session of a role (EC2's instance profile credentials) ---------------------


def service_trusts(role: Role, service: str) -> bool:
    """Whether `role`'s trust policy lets `service` (ec2.amazonaws.com) assume it."""
    request = {
        "principal": {"service": service},
        "action": "sts:AssumeRole",
        "resource": role.arn,
        "context": {},
    }
    return _trust_allows(evaluate({"resource": [_trust_policy(role)]}, request))


def service_role_session(
    *,
    role: Role,
    service: str,
    session_name: str,
    now: datetime,
    duration_seconds: int = 6 * 3600,
) -> tuple[Credentials, TemporaryCredential]:
    """Temporary credentials of `role` that `service` obtains for one of its resources (EC2
    for an instance: session `assumed-role/<role>/<instance-id>`). The caller checked
    `service_trusts`; the session starts with the account's root as its principal (the chain
    has no person in it) and is recorded as the service's AssumeRole."""
    root = Principal.objects.get(account_id=role.account_id, kind=Principal.Kind.ROOT)
    credentials, row = _new_credentials(
        expires_at=now + timedelta(seconds=duration_seconds),
        fields={
            "account_id": role.account_id,
            "principal": root,
            "role": role,
            "caller_arn": service,
            "session_name": session_name,
            "issued_at": now,
        },
    )
    with transaction.atomic():
        Role.objects.filter(pk=role.pk).update(last_used_at=now)
        audit.record(
            None,
            "sts:AssumeRole",
            role.arn,
            account=role.account,
            details={"session": row.arn, "access_key_id": row.access_key_id, "service": service},
        )
    return credentials, row
