"""The request being authorized: who (principal), what (action), on what (resource), context.

The principal's type comes from its ARN (policy-language.md section 0). Global keys
derived from the principal (aws:username, aws:userid, aws:PrincipalAccount,
aws:PrincipalArn, aws:PrincipalType, aws:PrincipalTag/*, aws:PrincipalIsAWSService,
aws:PrincipalServiceName) always come from the principal: a context entry with one of
those names is ignored. Every other context key is taken as given; nothing is invented
(no implicit aws:SecureTransport or aws:CurrentTime).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from datetime import datetime
from functools import lru_cache
from typing import Any

from .cache import BoundedCache, short_text_cache, text_size
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


@short_text_cache(4096)
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
def _cached_action(action: str) -> tuple[str, str]:
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
        "_derived",
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
        self._derived: dict[str, Values] | None = None

    @property
    def principal_arn(self) -> str:
        """aws:PrincipalArn: the role ARN for a role session, else the caller's ARN."""
        return self.role_arn or self.arn

    def derived(self) -> dict[str, Values]:
        """The principal-derived global keys (read-only: shared by cached principals)."""
        found = self._derived
        if found is None:
            found = self._derived = _build_derived(self)
        return found

    def derived_keys(self) -> dict[str, Values]:
        """A private copy of the principal-derived global keys."""
        return dict(self.derived())


def _build_derived(principal: Principal) -> dict[str, Values]:
    keys: dict[str, Values] = {}
    if principal.kind == SERVICE:
        keys["aws:principalisawsservice"] = ("true",)
        keys["aws:principalservicename"] = (principal.arn,)
    else:
        keys["aws:principalisawsservice"] = ("false",)
        keys["aws:principalarn"] = (principal.principal_arn,)
        keys["aws:principaltype"] = (principal.kind,)
        if principal.account:
            keys["aws:principalaccount"] = (principal.account,)
        if principal.username:
            keys["aws:username"] = (principal.username,)
        if principal.userid:
            keys["aws:userid"] = (principal.userid,)
    for k, v in principal.tags.items():
        values = _values(v)
        if values is not None:
            keys[_DERIVED_PREFIX + str(k).lower()] = values
    return keys


# Principals by what they are made of: the app asks about the same few callers all day,
# and parsing one and building its derived keys was a sixth of a decision. Only plain
# strings are keyed (tags included): other types convert to text in ways that
# equal-comparing values (1, 1.0, True) would not tell apart. Bounded; cleared when full.
# Bounded by bytes: a principal's object and derived keys take about three times its
# fields' text.
_PRINCIPALS: BoundedCache[tuple[object, ...], Principal] = BoundedCache("principals", 8 << 20)
_STR_OR_NONE = frozenset({str, type(None)})
_STR = frozenset({str})
# Every field Principal.__init__ reads, but tags.
_PRINCIPAL_FIELDS = ("arn", "service", "federated", "account", "role_arn", "username", "userid")


def principal_for(raw: object) -> Principal:
    """The request's principal: shared (and read-only) when its fields are plain strings."""
    if type(raw) is not dict:
        return Principal(raw)  # type: ignore[arg-type]
    fields = tuple(map(raw.get, _PRINCIPAL_FIELDS))
    tags = raw.get("tags")
    if not _STR_OR_NONE.issuperset(map(type, fields)):
        return Principal(raw)
    if not tags:
        tag_items: tuple[tuple[str, str], ...] = ()
    elif (
        type(tags) is dict
        and _STR.issuperset(map(type, tags))
        and _STR.issuperset(map(type, tags.values()))
    ):
        tag_items = tuple(tags.items())
    else:
        return Principal(raw)
    key = (fields, tag_items)
    found = _PRINCIPALS.peek(key)
    if found is None:
        found = Principal(raw)
        found.tags = dict(tag_items)  # its own copy: the caller may change theirs
        found._derived = _build_derived(found)
        texts = [f for f in fields if f is not None] + [t for item in tag_items for t in item]
        _PRINCIPALS.put(key, found, 3 * text_size(*texts) + 600)
    return found


def _keymap(context: Mapping[str, Any]) -> dict[str, str]:
    """Lower-cased context key -> the key as given, without the principal-derived names.

    Later keys win over earlier ones differing only in case. Cached by the tuple of keys:
    a request's context is a fresh dict with the same few keys every time.
    """
    keys = tuple(context)
    try:
        found = _KEYMAP_CACHE.peek(keys)
    except TypeError:  # an unhashable key of an odd Mapping: rejected below
        found = None
    if found is not None:
        return found
    out: dict[str, str] = {}
    for key in keys:
        if type(key) is not str:
            raise EngineError("context keys must be strings")
        lower = key.lower()
        if lower in _DERIVED_EXACT or lower.startswith(_DERIVED_PREFIX):
            continue
        out[lower] = key
    # The key tuple and the map hold each key about three times.
    _KEYMAP_CACHE.put(keys, out, 3 * text_size(*keys) + 300)
    return out


_KEYMAP_CACHE: BoundedCache[tuple[str, ...], dict[str, str]] = BoundedCache(
    "context key maps", 2 << 20
)
_NO_KEYS: dict[str, Values] = {}  # shared and never written to


class Request:
    """A normalised request. Context keys are looked up lazily, when a condition asks."""

    __slots__ = (
        "principal",
        "action",
        "action_lower",
        "service",
        "resource",
        "_raw",
        "_keymap",
        "_derived",
    )

    def __init__(self, raw: Mapping[str, Any]) -> None:
        if type(raw) is not dict and not isinstance(raw, Mapping):
            raise EngineError("request must be a mapping")
        self.principal = principal_for(raw.get("principal") or {})
        action = raw.get("action")
        if type(action) is not str:
            raise EngineError(f"request action {action!r} must look like 'service:Action'")
        self.action = action
        # Only short names are remembered, so the cache is bounded in bytes too.
        parse = _cached_action if len(action) <= 256 else _cached_action.__wrapped__
        self.action_lower, self.service = parse(action)
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
        self._keymap: dict[str, str] | None = None
        self._derived: dict[str, Values] = _NO_KEYS

    def get(self, key: str) -> Values | None:
        """Values of a (lower-cased) context key, or None if absent."""
        keymap = self._keymap
        if keymap is None:
            # Same order of checks (and errors) as building the whole context up front.
            keymap = self._keymap = _keymap(self._raw) if self._raw else {}
            self._derived = self.principal.derived()
        found = self._derived.get(key)
        if found is not None:
            return found
        given = keymap.get(key)
        if given is None:
            return None
        return _values(self._raw[given])

    def single(self, key: str) -> str | None:
        """A policy variable's value: only single-valued keys resolve."""
        values = self.get(key)
        if values is None or len(values) != 1:
            return None
        return values[0]

    def snapshot(self) -> None:
        """Keep a private copy of the context, for explanations worked out later.

        List values become tuples, so a caller changing its dict (or a list in it) after
        `evaluate` returned cannot change a decision's reasons.
        """
        if self._keymap is None:
            return  # no condition read the context, so no explanation will either
        self._raw = {k: tuple(v) if type(v) is list else v for k, v in self._raw.items()}
