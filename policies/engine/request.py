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
    if value is None:
        return None
    if isinstance(value, list | tuple | set | frozenset):
        return tuple(_text(v) for v in value)
    return (_text(value),)


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
        if not isinstance(raw, Mapping):
            raise EngineError("request['principal'] must be a mapping")
        arn = raw.get("arn")
        service = raw.get("service")
        self.service: str | None = service if isinstance(service, str) and service else None
        federated = raw.get("federated")
        self.federated: str | None = federated if isinstance(federated, str) else None
        self.role_arn: str | None = None
        self.partition = "aws"
        account = raw.get("account")
        if arn is None and self.service is not None:
            self.arn = self.service
            self.kind = SERVICE
            self.account = str(account) if account else None
        else:
            if not isinstance(arn, str):
                raise EngineError("request['principal']['arn'] must be a string")
            self.arn = arn
            parts = arn.split(":", 5)
            if len(parts) != 6 or parts[0] != "arn" or not parts[4]:
                raise EngineError(f"principal ARN {arn!r} is not an ARN")
            _, partition, service_part, _, arn_account, rest = parts
            self.partition = partition
            if service_part == "iam" and rest == "root":
                self.kind = ACCOUNT
            elif service_part == "iam" and rest.startswith("user/"):
                self.kind = USER
            elif service_part == "sts" and rest.startswith("assumed-role/"):
                bits = rest.split("/")
                if len(bits) < 3 or not bits[1]:
                    raise EngineError(f"role session ARN {arn!r} has no role name")
                self.kind = ASSUMED_ROLE
                given = raw.get("role_arn")
                self.role_arn = (
                    given
                    if isinstance(given, str) and given
                    else f"arn:{partition}:iam::{arn_account}:role/{bits[1]}"
                )
            elif service_part == "sts" and rest.startswith("federated-user/"):
                self.kind = FEDERATED_USER
            else:
                raise EngineError(
                    f"principal ARN {arn!r} is not a user, role session, federated user or root"
                )
            self.account = str(account) if account else arn_account
        username = raw.get("username")
        self.username: str | None = username if isinstance(username, str) and username else None
        userid = raw.get("userid")
        self.userid: str | None = str(userid) if userid else None
        tags = raw.get("tags") or {}
        if not isinstance(tags, Mapping):
            raise EngineError("request['principal']['tags'] must be a mapping")
        self.tags: Mapping[str, Any] = tags

    @property
    def principal_arn(self) -> str:
        """aws:PrincipalArn: the role ARN for a role session, else the caller's ARN."""
        return self.role_arn or self.arn

    def derived_keys(self) -> dict[str, Values]:
        keys: dict[str, Values] = {}
        if self.kind == SERVICE:
            keys["aws:principalisawsservice"] = ("true",)
            keys["aws:principalservicename"] = (self.arn,)
            return keys
        keys["aws:principalisawsservice"] = ("false",)
        keys["aws:principalarn"] = (self.principal_arn,)
        keys["aws:principaltype"] = (self.kind,)
        if self.account:
            keys["aws:principalaccount"] = (self.account,)
        if self.username:
            keys["aws:username"] = (self.username,)
        if self.userid:
            keys["aws:userid"] = (self.userid,)
        for k, v in self.tags.items():
            values = _values(v)
            if values is not None:
                keys[_DERIVED_PREFIX + str(k).lower()] = values
        return keys


class Request:
    """A normalised request. The context dict is built on first use."""

    __slots__ = ("principal", "action", "action_lower", "service", "resource", "_raw", "_ctx")

    def __init__(self, raw: Mapping[str, Any]) -> None:
        if not isinstance(raw, Mapping):
            raise EngineError("request must be a mapping")
        self.principal = Principal(raw.get("principal") or {})
        action = raw.get("action")
        if not isinstance(action, str) or action.count(":") != 1:
            raise EngineError(f"request action {action!r} must look like 'service:Action'")
        self.action = action
        self.action_lower = action.lower()
        self.service = self.action_lower.partition(":")[0]
        resource = raw.get("resource", "*")
        if resource is None:
            resource = "*"
        if not isinstance(resource, str):
            raise EngineError("request['resource'] must be a string")
        self.resource = resource
        context = raw.get("context") or {}
        if not isinstance(context, Mapping):
            raise EngineError("request['context'] must be a mapping")
        self._raw: Mapping[str, Any] = context
        self._ctx: dict[str, Values] | None = None

    def _build(self) -> dict[str, Values]:
        ctx: dict[str, Values] = {}
        for key, value in self._raw.items():
            if not isinstance(key, str):
                raise EngineError("context keys must be strings")
            lower = key.lower()
            if lower in _DERIVED_EXACT or lower.startswith(_DERIVED_PREFIX):
                continue
            values = _values(value)
            if values is not None:
                ctx[lower] = values
        ctx.update(self.principal.derived_keys())
        self._ctx = ctx
        return ctx

    def get(self, key: str) -> Values | None:
        """Values of a (lower-cased) context key, or None if absent."""
        ctx = self._ctx
        if ctx is None:
            ctx = self._build()
        return ctx.get(key)

    def single(self, key: str) -> str | None:
        """A policy variable's value: only single-valued keys resolve."""
        ctx = self._ctx
        if ctx is None:
            ctx = self._build()
        values = ctx.get(key)
        if values is None or len(values) != 1:
            return None
        return values[0]
