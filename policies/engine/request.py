"""The request being authorized: who (principal), what (action), on what (resource), context.

The principal's type comes from its ARN (policy-language.md section 0). Global keys
derived from the principal (aws:username, aws:userid, aws:PrincipalAccount,
aws:PrincipalArn, aws:PrincipalType, aws:PrincipalTag/*, aws:PrincipalIsAWSService,
aws:PrincipalServiceName) always come from the principal: a context entry with one of
those names is ignored. Every other context key is taken as given; nothing is invented
(no implicit aws:SecureTransport or aws:CurrentTime).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

from .errors import EngineError

USER = "User"
ASSUMED_ROLE = "AssumedRole"
FEDERATED_USER = "FederatedUser"
ACCOUNT = "Account"
SERVICE = "Service"

_DERIVED_EXACT = frozenset(
    {
        "aws:username",
        "aws:userid",
        "aws:principalaccount",
        "aws:principalarn",
        "aws:principaltype",
        "aws:principalisawsservice",
        "aws:principalservicename",
    }
)
_DERIVED_PREFIX = "aws:principaltag/"

Values = tuple[str, ...]


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bytes):
        import base64

        return base64.b64encode(value).decode("ascii")
    raise EngineError(f"context value {value!r} is not a string, number, boolean or list")


def _values(value: object) -> Values | None:
    if type(value) is str:
        return (value,)
    if value is None:
        return None
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_text(v) for v in value)
    return (_text(value),)


@lru_cache(maxsize=4096)
def _parse_arn(arn: str) -> tuple[str, str, str, str | None]:
    """(kind, partition, account, role ARN for a role session) of a principal ARN."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or not parts[4]:
        raise EngineError(f"principal ARN {arn!r} is not an ARN")
    _, partition, service_part, _, account, rest = parts
    if service_part == "iam" and rest == "root":
        return ACCOUNT, partition, account, None
    if service_part == "iam" and rest.startswith("user/"):
        return USER, partition, account, None
    if service_part == "sts" and rest.startswith("assumed-role/"):
        bits = rest.split("/")
        if len(bits) < 3 or not bits[1]:
            raise EngineError(f"role session ARN {arn!r} has no role name")
        return ASSUMED_ROLE, partition, account, f"arn:{partition}:iam::{account}:role/{bits[1]}"
    if service_part == "sts" and rest.startswith("federated-user/"):
        return FEDERATED_USER, partition, account, None
    raise EngineError(f"principal ARN {arn!r} is not a user, role session, federated user or root")


@lru_cache(maxsize=4096)
def _parse_action(action: str) -> tuple[str, str]:
    if action.count(":") != 1:
        raise EngineError(f"request action {action!r} must look like 'service:Action'")
    lower = action.lower()
    return lower, lower.partition(":")[0]


class Principal:
    """The caller, with its type and the ARNs resource policies may name."""

    __slots__ = (
        "arn",
        "kind",
        "account",
        "username",
        "userid",
        "tags",
        "role_arn",
        "service",
        "federated",
        "partition",
    )

    def __init__(self, raw: Mapping[str, Any]) -> None:
        if type(raw) is not dict and not isinstance(raw, Mapping):
            raise EngineError("request['principal'] must be a mapping")
        get = raw.get
        arn = get("arn")
        service = get("service")
        self.service: str | None = service if isinstance(service, str) and service else None
        federated = get("federated")
        self.federated: str | None = federated if isinstance(federated, str) else None
        account = get("account")
        if arn is None and self.service is not None:
            self.arn = self.service
            self.kind = SERVICE
            self.partition = "aws"
            self.role_arn: str | None = None
            self.account: str | None = str(account) if account else None
        else:
            if type(arn) is not str:
                raise EngineError("request['principal']['arn'] must be a string")
            self.arn = arn
            self.kind, self.partition, arn_account, self.role_arn = _parse_arn(arn)
            if self.role_arn is not None:
                given = get("role_arn")
                if isinstance(given, str) and given:
                    self.role_arn = given
            self.account = str(account) if account else arn_account
        username = get("username")
        self.username: str | None = username if type(username) is str and username else None
        userid = get("userid")
        self.userid: str | None = str(userid) if userid else None
        tags = get("tags") or {}
        if type(tags) is not dict and not isinstance(tags, Mapping):
            raise EngineError("request['principal']['tags'] must be a mapping")
        self.tags: Mapping[str, Any] = tags

    @property
    def principal_arn(self) -> str:
        """aws:PrincipalArn: the role ARN for a role session, else the caller's ARN."""
        return self.role_arn or self.arn

    def derived_keys(self) -> dict[str, Values]:
        keys = dict(
            _derived_base(
                self.kind, self.arn, self.principal_arn, self.account, self.username, self.userid
            )
        )
        for k, v in self.tags.items():
            values = _values(v)
            if values is not None:
                keys[_DERIVED_PREFIX + str(k).lower()] = values
        return keys


@lru_cache(maxsize=4096)
def _derived_base(
    kind: str,
    arn: str,
    principal_arn: str,
    account: str | None,
    username: str | None,
    userid: str | None,
) -> dict[str, Values]:
    """The principal-derived keys other than tags (cached: callers copy, never mutate)."""
    keys: dict[str, Values] = {}
    if kind == SERVICE:
        keys["aws:principalisawsservice"] = ("true",)
        keys["aws:principalservicename"] = (arn,)
        return keys
    keys["aws:principalisawsservice"] = ("false",)
    keys["aws:principalarn"] = (principal_arn,)
    keys["aws:principaltype"] = (kind,)
    if account:
        keys["aws:principalaccount"] = (account,)
    if username:
        keys["aws:username"] = (username,)
    if userid:
        keys["aws:userid"] = (userid,)
    return keys


class Request:
    """A normalised request. The context dict is built on first use."""

    __slots__ = ("principal", "action", "action_lower", "service", "resource", "_raw", "_ctx")

    def __init__(self, raw: Mapping[str, Any]) -> None:
        if type(raw) is not dict and not isinstance(raw, Mapping):
            raise EngineError("request must be a mapping")
        self.principal = Principal(raw.get("principal") or {})
        action = raw.get("action")
        if type(action) is not str:
            raise EngineError(f"request action {action!r} must look like 'service:Action'")
        self.action = action
        self.action_lower, self.service = _parse_action(action)
        resource = raw.get("resource", "*")
        if resource is None:
            resource = "*"
        if not isinstance(resource, str):
            raise EngineError("request['resource'] must be a string")
        self.resource = resource
        context = raw.get("context") or {}
        if type(context) is not dict and not isinstance(context, Mapping):
            raise EngineError("request['context'] must be a mapping")
        self._raw: Mapping[str, Any] = context
        self._ctx: dict[str, Values | _Raw | None] | None = None

    def _build(self) -> dict[str, Values | _Raw | None]:
        """Principal-derived keys, then the context's other keys (values converted on use)."""
        ctx: dict[str, Values | _Raw | None] = {}
        for key, value in self._raw.items():
            if type(key) is not str:
                raise EngineError("context keys must be strings")
            lower = key.lower()
            if lower in _DERIVED_EXACT or lower.startswith(_DERIVED_PREFIX):
                continue
            ctx[lower] = _Raw(value)
        ctx.update(self.principal.derived_keys())
        self._ctx = ctx
        return ctx

    def get(self, key: str) -> Values | None:
        """Values of a (lower-cased) context key, or None if absent."""
        ctx = self._ctx
        if ctx is None:
            ctx = self._build()
        found = ctx.get(key)
        if isinstance(found, _Raw):
            values = ctx[key] = _values(found.value)
            return values
        return found

    def single(self, key: str) -> str | None:
        """A policy variable's value: only single-valued keys resolve."""
        values = self.get(key)
        if values is None or len(values) != 1:
            return None
        return values[0]


class _Raw:
    """A context value not yet converted to a tuple of strings."""

    __slots__ = ("value",)

    def __init__(self, value: object) -> None:
        self.value = value
