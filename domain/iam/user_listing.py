"""Reads behind the Users pages: the list with AWS's columns (in a constant number of
queries, whatever the row count; page size and visible columns are the person's list
preferences, `console.flows.list_preferences.USERS`) and what a user's detail tabs show."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone

from accounts import arns
from accounts.models import AccessKey, Group, GroupMembership, MFADevice, Principal
from domain.iam import last_activity
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.registry import aws_read
from domain.kernel.search import name_contains, under_path
from policies.engine.summary import ServiceSummary, summarize
from policies.models import InlinePolicy, ManagedPolicy, PolicyAttachment, PolicyVersion


@aws_read("iam:ListUsers")
def list_users(
    actor: Actor, *, search: str = "", path_prefix: str | None = None, columns: bool = True
) -> QuerySet[Principal]:
    """The account's IAM users for the Users table; `search` matches the user name or
    any of its access key IDs ("searching for an access key ID finds its owner")."""
    account = actor.account
    authorize(actor, "iam:ListUsers", arns.account_wildcard(account.id, "user"))
    users = under_path(
        Principal.objects.filter(account=account, kind=Principal.Kind.USER), path_prefix
    )
    if search:
        owners = AccessKey.objects.filter(access_key_id__icontains=search).values("principal_id")
        users = name_contains(users, search, Q(pk__in=owners))
    users = users.order_by(Lower("name"), "id")
    if not columns:  # the API's ListUsers answers without the console table's columns
        return users
    return users.prefetch_related(
        Prefetch("iam_groups", queryset=Group.objects.only("id", "name").order_by(Lower("name"))),
        Prefetch("access_keys", queryset=AccessKey.objects.order_by("created_at", "id")),
        Prefetch("mfa_devices", queryset=MFADevice.objects.only("id", "principal_id")),
    )


class KeyCell(NamedTuple):
    """What the Users table shows of one access key."""

    access_key_id: str
    status: str
    created_at: datetime
    last_used_at: datetime | None


@dataclass(frozen=True)
class UserRow:
    """One row of the Users table, computed from prefetched relations."""

    user: Principal
    groups: list[str]
    keys: list[KeyCell]
    mfa: str
    last_activity: datetime | None
    password_age_days: int | None
    active_key_age_days: int | None

    @property
    def access_key_last_used(self) -> datetime | None:
        return max((k.last_used_at for k in self.keys if k.last_used_at), default=None)

    @property
    def console_last_sign_in(self) -> datetime | str:
        if not self.user.has_usable_password():
            return "None"
        return self.user.last_login or "Never"


def _days(since: datetime | None, now: datetime) -> int | None:
    return None if since is None else max((now - since).days, 0)


def user_rows(users: Iterable[Principal], now: datetime | None = None) -> list[UserRow]:
    """The rows of one page of users (from `list_users(..., columns=False)`) in four
    queries whatever the page size: plain values, no prefetch machinery, which costs
    more than the rows themselves. "Last activity" is read from the event history
    (domain.iam.last_activity says what counts)."""
    now = now or timezone.now()
    users = list(users)
    ids = [user.pk for user in users]
    groups: dict[int, list[str]] = defaultdict(list)
    memberships = GroupMembership.objects.filter(principal_id__in=ids)
    for principal_id, name in memberships.order_by(Lower("group__name")).values_list(
        "principal_id", "group__name"
    ):
        groups[principal_id].append(name)
    keys: dict[int, list[KeyCell]] = defaultdict(list)
    shown = ("principal_id", "access_key_id", "status", "created_at", "last_used_at")
    for principal_id, *cell in (
        AccessKey.objects.filter(principal_id__in=ids)
        .order_by("created_at", "id")
        .values_list(*shown)
    ):
        keys[principal_id].append(KeyCell(*cell))
    devices = MFADevice.objects.filter(principal_id__in=ids)
    with_mfa = set(devices.values_list("principal_id", flat=True))
    events = last_activity.of_users(users)
    return [
        _row(user, groups[user.pk], keys[user.pk], user.pk in with_mfa, events.get(user.arn), now)
        for user in users
    ]


def _row(
    user: Principal,
    groups: list[str],
    keys: list[KeyCell],
    mfa: bool,
    last_event: datetime | None,
    now: datetime,
) -> UserRow:
    # The newest event, or the stored sign-in / key use that outlives the event history.
    used = [k.last_used_at for k in keys if k.last_used_at] + [user.last_login, last_event]
    active = [k.created_at for k in keys if k.status == AccessKey.Status.ACTIVE]
    console = user.has_usable_password()
    return UserRow(
        user=user,
        groups=groups,
        keys=keys,
        mfa="Virtual" if mfa else "None",
        last_activity=max((u for u in used if u), default=None),
        password_age_days=_days(user.password_last_changed, now) if console else None,
        active_key_age_days=_days(min(active), now) if active else None,
    )


# --- the detail page's Permissions tab ------------------------------------------


@dataclass(frozen=True)
class PolicyRow:
    """A policy that applies to the user: attached directly, through a group, or inline."""

    key: str  # the policy ARN, or "inline:<name>"
    name: str
    type_label: str
    attached_via: str  # "Directly" or "Group <name>"
    removable: bool
    document: str


def permission_rows(actor: Actor, user: Principal) -> list[PolicyRow]:
    authorize(actor, "iam:ListAttachedUserPolicies", user)
    authorize(actor, "iam:ListUserPolicies", user)
    authorize(actor, "iam:ListGroupsForUser", user)
    attachments = (
        PolicyAttachment.objects.filter(Q(user=user) | Q(group__groupmembership__principal=user))
        .select_related("policy", "group")
        .order_by(Lower("policy__name"))
    )
    documents = dict(
        PolicyVersion.objects.filter(
            policy__in=[a.policy_id for a in attachments], is_default=True
        ).values_list("policy_id", "document")
    )
    rows = [
        PolicyRow(
            key=a.policy.arn,
            name=a.policy.name,
            type_label=a.policy.type_label,
            attached_via=f"Group {a.group.name}" if a.group is not None else "Directly",
            removable=not a.group_id,
            document=documents.get(a.policy_id, "{}"),
        )
        for a in attachments
    ]
    for inline in InlinePolicy.objects.filter(user=user):
        rows.append(
            PolicyRow(
                key=f"inline:{inline.name}",
                name=inline.name,
                type_label="Customer inline",
                attached_via="Inline",
                removable=True,
                document=inline.document,
            )
        )
    group_inline = InlinePolicy.objects.filter(group__groupmembership__principal=user)
    for inline in group_inline.select_related("group"):
        assert inline.group is not None  # the filter above reaches it through its group
        rows.append(
            PolicyRow(
                key=f"group-inline:{inline.group.name}:{inline.name}",
                name=inline.name,
                type_label="Customer inline",
                attached_via=f"Group {inline.group.name}",
                removable=False,
                document=inline.document,
            )
        )
    return rows


def group_permission_rows(actor: Actor, group: Group) -> list[PolicyRow]:
    """A group's Permissions tab: its managed policies, then its inline ones, as the rows of
    a user's tab (the same table shows both)."""
    authorize(actor, "iam:ListAttachedGroupPolicies", group)
    authorize(actor, "iam:ListGroupPolicies", group)
    policies = list(ManagedPolicy.objects.filter(attachments__group=group).order_by(Lower("name")))
    documents = dict(
        PolicyVersion.objects.filter(policy__in=policies, is_default=True).values_list(
            "policy_id", "document"
        )
    )
    rows = [
        PolicyRow(
            key=p.arn,
            name=p.name,
            type_label=p.type_label,
            attached_via="Directly",
            removable=True,
            document=documents.get(p.pk, "{}"),
        )
        for p in policies
    ]
    rows += [
        PolicyRow(
            key=f"inline:{inline.name}",
            name=inline.name,
            type_label="Customer inline",
            attached_via="Inline",
            removable=True,
            document=inline.document,
        )
        for inline in InlinePolicy.objects.filter(group=group).order_by(Lower("name"))
    ]
    return rows


def policy_summary(document: str) -> list[ServiceSummary]:
    """AWS's policy summary rows; a document that does not parse summarizes to nothing."""
    try:
        parsed = json.loads(document)
    except ValueError:
        return []
    return summarize(parsed) if isinstance(parsed, dict) else []


def groups_of(actor: Actor, user: Principal) -> list[tuple[Group, list[ManagedPolicy]]]:
    """The user's groups, each with its attached policies (the Groups tab)."""
    authorize(actor, "iam:ListGroupsForUser", user)
    groups = list(
        Group.objects.filter(groupmembership__principal=user)
        .order_by(Lower("name"))
        .prefetch_related(
            Prefetch("attachments", queryset=PolicyAttachment.objects.select_related("policy"))
        )
    )
    return [(g, [a.policy for a in g.attachments.all()]) for g in groups]


def authorize_read(actor: Actor, action: str, user: Principal) -> None:
    """A tab's read (e.g. iam:ListUserTags) on the user's ARN."""
    authorize(actor, action, user)


def access_keys_of(user: Principal) -> list[AccessKey]:
    return list(AccessKey.objects.filter(principal=user))


def key_summary(key: AccessKey | None) -> dict[str, Any] | None:
    if key is None:
        return None
    return {"id": key.access_key_id, "status": key.status, "created": key.created_at}
