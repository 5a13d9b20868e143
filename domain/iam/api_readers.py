"""Readers the AWS API needs beyond the console's: AWS's list calls with PathPrefix and
Marker / MaxItems / IsTruncated, and the lookups by access key ID.

Pages are keyset pages on (name ignoring case, id), so page 50 of 5,000 users costs what
page 1 costs; the marker is opaque to the caller, as AWS's is.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower

from accounts.models import AccessKey, Group, InstanceProfile, MFADevice, Principal, Role
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import NoSuchEntity, ValidationError
from policies.models import InlinePolicy, ManagedPolicy, PolicyAttachment, PolicyVersion

DEFAULT_MAX_ITEMS = 100
MAX_MAX_ITEMS = 1000


@dataclass(frozen=True)
class Page:
    items: list[Any]
    marker: str | None  # the next page's marker; None on the last page

    @property
    def is_truncated(self) -> bool:
        return self.marker is not None


def _encode(lname: str, pk: int) -> str:
    return base64.urlsafe_b64encode(json.dumps([lname, pk]).encode()).decode()


def _decode(marker: str) -> tuple[str, int]:
    try:
        lname, pk = json.loads(base64.urlsafe_b64decode(marker.encode()))
    except (ValueError, TypeError, binascii.Error):
        raise ValidationError("Invalid Marker.") from None
    if not isinstance(lname, str) or not isinstance(pk, int):
        raise ValidationError("Invalid Marker.")
    return lname, pk


def _page_size(max_items: int | None) -> int:
    size = DEFAULT_MAX_ITEMS if max_items is None else max_items
    if not 1 <= size <= MAX_MAX_ITEMS:
        raise ValidationError(
            f"1 validation error detected: Value '{size}' at 'maxItems' failed to satisfy "
            f"constraint: Member must have value {'greater' if size < 1 else 'less'} than or "
            f"equal to {1 if size < 1 else MAX_MAX_ITEMS}"
        )
    return size


def page(rows: QuerySet[Any], *, marker: str | None, max_items: int | None) -> Page:
    """One page of `rows` in name order (ignoring case), from `marker`."""
    size = _page_size(max_items)
    ordered = rows.annotate(lname=Lower("name")).order_by("lname", "id")
    if marker:
        lname, pk = _decode(marker)
        ordered = ordered.filter(Q(lname__gt=lname) | Q(lname=lname, id__gt=pk))
    items = list(ordered[: size + 1])
    if len(items) > size:
        last = items[size - 1]
        return Page(items[:size], _encode(last.lname, last.pk))
    return Page(items, None)


def page_items(items: list[Any], *, marker: str | None, max_items: int | None) -> Page:
    """One page of a short list already in AWS's order (an entity's keys, tags, inline or
    attached policies, a policy's versions), with a marker of the same opaque shape."""
    size = _page_size(max_items)
    start = 0
    if marker:
        _, start = _decode(marker)
        if start < 0:
            raise ValidationError("Invalid Marker.")
    end = start + size
    return Page(items[start:end], _encode("", end) if end < len(items) else None)


def groups_for_user(
    actor: Actor, user: Principal, *, marker: str | None, max_items: int | None
) -> Page:
    authorize(actor, "iam:ListGroupsForUser", user)
    groups = Group.objects.filter(account=actor.account, groupmembership__principal=user)
    return page(groups, marker=marker, max_items=max_items)


def group_users(actor: Actor, group: Group, *, marker: str | None, max_items: int | None) -> Page:
    """GetGroup's users (iam:GetGroup was checked by the reader that found the group)."""
    users = Principal.objects.filter(account=actor.account, groupmembership__group=group)
    return page(users, marker=marker, max_items=max_items)


def attachment_counts(actor: Actor, policies: list[ManagedPolicy]) -> dict[int, int]:
    """How many of the actor's account's users, groups and roles each policy is attached to."""
    counts = dict.fromkeys((p.pk for p in policies), 0)
    rows = PolicyAttachment.objects.filter(
        Q(user__account=actor.account)
        | Q(group__account=actor.account)
        | Q(role__account=actor.account),
        policy__in=[p.pk for p in policies],
    ).values_list("policy_id", flat=True)
    for policy_id in rows:
        counts[policy_id] += 1
    return counts


def boundary_counts(actor: Actor, policies: list[ManagedPolicy]) -> dict[int, int]:
    """How many of the actor's account's users and roles use each policy as their
    permissions boundary (PermissionsBoundaryUsageCount)."""
    counts = dict.fromkeys((p.pk for p in policies), 0)
    wanted = [p.pk for p in policies]
    for model in (Principal, Role):
        rows = model.objects.filter(
            account=actor.account, permissions_boundary__in=wanted
        ).values_list("permissions_boundary_id", flat=True)
        for policy_id in rows:
            counts[policy_id] += 1
    return counts


def default_version_ids(policies: list[ManagedPolicy]) -> dict[int, str]:
    rows = PolicyVersion.objects.filter(policy__in=policies, is_default=True).values_list(
        "policy_id", "version_id"
    )
    return dict(rows)


def attached_policies(actor: Actor, entity: Principal | Group | Role) -> list[ManagedPolicy]:
    """ListAttached{User,Group,Role}Policies: the entity came from its reader."""
    kind = {Principal: "User", Group: "Group", Role: "Role"}[type(entity)]
    authorize(actor, f"iam:ListAttached{kind}Policies", entity)
    field = {"User": "user", "Group": "group", "Role": "role"}[kind]
    return list(
        ManagedPolicy.objects.filter(**{f"attachments__{field}": entity}).order_by(Lower("name"))
    )


def inline_policies(actor: Actor, entity: Principal | Group | Role) -> list[InlinePolicy]:
    """List{User,Group,Role}Policies: the entity came from its reader."""
    kind = {Principal: "User", Group: "Group", Role: "Role"}[type(entity)]
    authorize(actor, f"iam:List{kind}Policies", entity)
    field = {"User": "user", "Group": "group", "Role": "role"}[kind]
    return list(InlinePolicy.objects.filter(**{field: entity}).order_by("name"))


def inline_policy(actor: Actor, entity: Principal | Group | Role, name: str) -> InlinePolicy:
    """Get{User,Group,Role}Policy; NoSuchEntity as AWS words it."""
    kind = {Principal: "User", Group: "Group", Role: "Role"}[type(entity)]
    authorize(actor, f"iam:Get{kind}Policy", entity)
    field = {"User": "user", "Group": "group", "Role": "role"}[kind]
    found = InlinePolicy.objects.filter(**{field: entity}, name=name).first()
    if found is None:
        raise NoSuchEntity.inline_policy(kind.lower(), name)
    return found


def access_key_owner(actor: Actor, access_key_id: str) -> tuple[AccessKey, Principal]:
    """GetAccessKeyLastUsed: the key of the actor's account with this ID, and its owner."""
    key = (
        AccessKey.objects.select_related("principal__account")
        .filter(access_key_id=access_key_id, principal__account=actor.account)
        .first()
    )
    if key is None:
        raise NoSuchEntity.access_key(access_key_id)
    owner = key.principal
    if not owner.is_root:
        authorize(actor, "iam:GetAccessKeyLastUsed", owner)
    return key, owner


def account_key_counts(actor: Actor) -> dict[str, int]:
    """GetAccountSummary's counts beyond the dashboard's four (the caller checked it)."""
    account = actor.account
    root_keys = AccessKey.objects.filter(
        principal__account=account, principal__kind=Principal.Kind.ROOT
    )
    return {
        "AccountAccessKeysPresent": int(root_keys.exists()),
        "Policies": ManagedPolicy.objects.filter(account=account).count(),
        "PolicyVersionsInUse": PolicyVersion.objects.filter(policy__account=account).count(),
    }


@dataclass(frozen=True)
class SummaryExtras:
    """GetAccountSummary's counts of instance profiles, MFA devices and the root's
    credentials (the dashboard shows none of them, so they are read only for the API)."""

    instance_profiles: int
    mfa_devices: int  # virtual devices, assigned or not
    mfa_devices_in_use: int
    root_mfa_enabled: bool
    root_password_present: bool


def account_summary_extras(actor: Actor) -> SummaryExtras:
    """The caller checked iam:GetAccountSummary (through access.get_account_summary)."""
    account = actor.account
    devices = MFADevice.objects.filter(account=account).aggregate(
        total=Count("id"),
        in_use=Count("id", filter=Q(principal__isnull=False)),
        root=Count("id", filter=Q(principal__kind=Principal.Kind.ROOT)),
    )
    root = Principal.objects.filter(account=account, kind=Principal.Kind.ROOT)
    return SummaryExtras(
        instance_profiles=InstanceProfile.objects.filter(account=account).count(),
        mfa_devices=devices["total"],
        mfa_devices_in_use=devices["in_use"],
        root_mfa_enabled=devices["root"] > 0,
        # Django marks an unusable password with a leading "!".
        root_password_present=root.exclude(password__startswith="!").exists(),
    )
