"""The event history: one CloudTrail record per call, allowed or denied, reads included.

`record` is the one writer of `accounts.AuditEvent`. It is called by the operations for
each change, by `authorize` for each denial, by the sign-in flow, and by the registry's
wrappers (domain.kernel.registry) for reads and failed calls. It builds CloudTrail's record
shape (eventSource, eventName, userIdentity, requestParameters without secrets, ...) from
the Actor and the call in progress (domain.kernel.calls) and writes it with one INSERT.
Events older than settings.EVENT_HISTORY_DAYS are pruned in small batches (`prune_batch`),
now and then after a write and by the `prune_events` command.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from accounts.models import Account, AuditEvent
from domain.kernel import calls
from domain.kernel.actors import Actor, iso_time

# Parameter names (snake_case or camelCase, lower-cased) whose values are never stored.
_SECRET_WORDS = ("password", "secret", "token", "authentication_code", "authenticationcode")
_READ_PREFIXES = ("Get", "List", "Describe", "Lookup", "Simulate")
# 1 in PRUNE_EVERY writes also deletes one batch of expired events (after its commit).
PRUNE_EVERY = 512
PRUNE_BATCH = 1000
_SIGN_IN_SOURCE = "signin"
_RESOURCE_TYPES = {
    "user": "AWS::IAM::User",
    "group": "AWS::IAM::Group",
    "role": "AWS::IAM::Role",
    "policy": "AWS::IAM::Policy",
    "instance-profile": "AWS::IAM::InstanceProfile",
    "mfa": "AWS::IAM::MFADevice",
    "assumed-role": "AWS::STS::AssumedRole",
    "root": "AWS::IAM::Root",
}


def record(
    actor: Actor | None,
    action: str,
    resource: str = "",
    *,
    outcome: str = AuditEvent.Outcome.ALLOWED,
    error_code: str = "",
    error_message: str = "",
    account: Account | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    target = account if account is not None else actor.account if actor else None
    if target is None:
        raise ValueError("an audit event needs an account")
    request = calls.current_request() or calls.Request()
    call = calls.current_call()
    if call is not None:
        call.recorded.append(error_code)
    service, _, name = action.partition(":")
    identity, user_name = user_identity(actor, request.access_key_id)
    resource_type, resource_name = resource_of(resource)
    in_call = call is not None and call.action == action
    if not resource_name and in_call and call is not None:
        resource_type, resource_name = _named(call.parameters)
    sign_in = service == _SIGN_IN_SOURCE
    event = AuditEvent.objects.create(
        account=target,
        actor_arn=actor.arn if actor else "",
        action=action,
        resource=resource,
        outcome=outcome,
        error_code=error_code,
        error_message=error_message,
        source_ip=actor.source_ip if actor else None,
        details=scrub(details or {}),
        event_id=uuid.uuid4(),
        event_source=f"{service}.amazonaws.com",
        event_name=name,
        event_type="AwsConsoleSignIn" if sign_in else "AwsApiCall",
        read_only=call.read_only if in_call and call else name.startswith(_READ_PREFIXES),
        user_name=user_name,
        access_key_id=identity.get("accessKeyId", ""),
        resource_type=resource_type,
        resource_name=resource_name[:512],
        request_id=request.request_id,
        user_agent=request.user_agent[:1024],
        aws_region=request.region or "us-east-1",
        user_identity=identity,
        request_parameters=_parameters(request, call) if in_call else None,
        response_elements=_sign_in_response(name, outcome) if sign_in else None,
    )
    if random.random() * PRUNE_EVERY < 1:  # noqa: S311 (sampling, not security)
        transaction.on_commit(prune_batch)
    return event


def _parameters(request: calls.Request, call: calls.Call | None) -> Any:
    """requestParameters: the API's input as AWS names it, else the operation's own."""
    if request.parameters is not None:
        return {_lower_first(k): v for k, v in scrub(request.parameters).items()}
    return scrub(call.parameters, camel=True) if call is not None else None


def _lower_first(name: str) -> str:
    return name[:1].lower() + name[1:]


def _sign_in_response(name: str, outcome: str) -> dict[str, str] | None:
    if name != "ConsoleLogin":
        return None
    return {name: "Success" if outcome == AuditEvent.Outcome.ALLOWED else "Failure"}


def user_identity(actor: Actor | None, access_key_id: str = "") -> tuple[dict[str, Any], str]:
    """CloudTrail's userIdentity of `actor`, and the event's user name (AWS's "User name")."""
    if actor is None:
        return {}, ""
    principal = actor.principal
    session = actor.session
    key = session.access_key_id if session is not None else access_key_id
    role_session = actor.role_session
    if role_session is not None and role_session.role is not None:
        role = role_session.role
        identity: dict[str, Any] = {
            "type": "AssumedRole",
            "principalId": role_session.userid,
            "arn": role_session.arn,
            "accountId": role.account_id,
            "accessKeyId": key,
            "sessionContext": {
                "sessionIssuer": {
                    "type": "Role",
                    "principalId": role.unique_id,
                    "arn": role.arn,
                    "accountId": role.account_id,
                    "userName": role.name,
                },
                "attributes": _session_attributes(actor),
            },
        }
        return identity, role_session.name
    if principal.is_root:
        identity = {
            "type": "Root",
            "principalId": principal.account_id,
            "arn": principal.arn,
            "accountId": principal.account_id,
            "accessKeyId": key,
        }
        user_name = "root"
    else:
        identity = {
            "type": "IAMUser",
            "principalId": principal.unique_id,
            "arn": principal.arn,
            "accountId": principal.account_id,
            "accessKeyId": key,
            "userName": principal.name,
        }
        user_name = principal.name
    if session is not None:
        identity["sessionContext"] = {"attributes": _session_attributes(actor)}
    return identity, user_name


def _session_attributes(actor: Actor) -> dict[str, str]:
    session = actor.session
    assert session is not None
    return {
        "creationDate": iso_time(session.issued_at),
        "mfaAuthenticated": "true" if actor.mfa_authenticated_at is not None else "false",
    }


_NAMED = {
    "user_name": "AWS::IAM::User",
    "group_name": "AWS::IAM::Group",
    "role_name": "AWS::IAM::Role",
    "instance_profile_name": "AWS::IAM::InstanceProfile",
}


def _named(parameters: Mapping[str, Any]) -> tuple[str, str]:
    """The resource a call names by its name parameter (GetUser's user_name)."""
    for key, resource_type in _NAMED.items():
        value = parameters.get(key)
        if isinstance(value, str) and value:
            return resource_type, value[:512]
    return "", ""


def resource_of(arn: str) -> tuple[str, str]:
    """(AWS::IAM::User, bob) for arn:aws:iam::123456789012:user/dev/bob; ("", "") for "*"."""
    parts = arn.split(":", 5)
    if len(parts) < 6:
        return "", ""
    kind, slash, rest = parts[5].partition("/")
    resource_type = _RESOURCE_TYPES.get(kind, "")
    if not slash:
        return resource_type, kind
    return resource_type, rest.rsplit("/", 1)[-1]


def scrub(value: Any, *, camel: bool = False) -> Any:
    """A JSON-safe copy of `value` without secrets: parameters named like a password,
    secret key, session token or MFA code are dropped; objects become their ARN. With
    `camel`, keys become CloudTrail's camelCase (user_name -> userName)."""
    if isinstance(value, Mapping):
        return {
            (_camel(str(k)) if camel else str(k)): scrub(v, camel=camel)
            for k, v in value.items()
            if not any(word in str(k).lower() for word in _SECRET_WORDS)
        }
    if isinstance(value, (list, tuple, set, frozenset)):
        return [scrub(item, camel=camel) for item in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    arn = getattr(value, "arn", None)
    return arn if isinstance(arn, str) else type(value).__name__


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def retention_cutoff(now: datetime | None = None) -> datetime:
    return (now or timezone.now()) - timedelta(days=settings.EVENT_HISTORY_DAYS)


def prune_batch(batch: int = PRUNE_BATCH, now: datetime | None = None) -> int:
    """Deletes up to `batch` events older than the retention period (oldest first), in one
    short statement; returns how many went."""
    ids = list(
        AuditEvent.objects.filter(created_at__lt=retention_cutoff(now))
        .order_by("created_at")
        .values_list("id", flat=True)[:batch]
    )
    if not ids:
        return 0
    deleted, _ = AuditEvent.objects.filter(id__in=ids).delete()
    return deleted
