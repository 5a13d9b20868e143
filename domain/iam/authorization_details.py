"""GetAccountAuthorizationDetails: every user, group, role and managed policy of the account
with the policies that apply to it, as AWS returns them (users, then groups, roles and
policies; AWS managed policies only when attached in the account, unless asked for by
filter).

`get_account_authorization_details` authorizes and lists what a page may hold, in AWS's
order; `describe` loads the details of one page's entries in a constant number of queries,
so a caller pages first and never loads the whole account's documents.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db.models import Count, Q
from django.db.models.functions import Lower

from accounts.models import Group, GroupMembership, InstanceProfile, Principal, Role
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import ValidationError
from domain.kernel.registry import aws_read
from policies.models import InlinePolicy, ManagedPolicy, PolicyAttachment, PolicyVersion

FILTERS = ("User", "Role", "Group", "LocalManagedPolicy", "AWSManagedPolicy")

Entry = Principal | Group | Role | ManagedPolicy


@dataclass
class Detail:
    """One entry with what applies to it (the fields its kind has)."""

    entity: Entry
    inline: list[InlinePolicy] = field(default_factory=list)
    attached: list[ManagedPolicy] = field(default_factory=list)
    groups: list[Group] = field(default_factory=list)  # a user's
    instance_profiles: list[InstanceProfile] = field(default_factory=list)  # a role's
    versions: list[PolicyVersion] = field(default_factory=list)  # a policy's
    attachment_count: int = 0  # a policy's, in this account
    boundary_count: int = 0  # a policy's uses as a permissions boundary, in this account


def _check_filters(filters: Sequence[str]) -> set[str]:
    for name in filters:
        if name not in FILTERS:
            raise ValidationError(
                f"1 validation error detected: Value '[{', '.join(filters)}]' at 'filter' "
                "failed to satisfy constraint: Member must satisfy constraint: [Member must "
                "satisfy enum value set: [User, Role, Group, LocalManagedPolicy, "
                "AWSManagedPolicy]]"
            )
    return set(filters) or set(FILTERS)


def _used_aws_policies(actor: Actor) -> Q:
    """AWS managed policies attached to, or bounding, something in the actor's account."""
    account = actor.account
    return (
        Q(attachments__user__account=account)
        | Q(attachments__group__account=account)
        | Q(attachments__role__account=account)
        | Q(bounded_roles__account=account)
        | Q(bounded_users__account=account)
    )


@aws_read("iam:GetAccountAuthorizationDetails")
def get_account_authorization_details(actor: Actor, filters: Sequence[str] = ()) -> list[Entry]:
    """The entries the call returns, in AWS's order: users, groups, roles, then policies."""
    wanted = _check_filters(filters)
    authorize(actor, "iam:GetAccountAuthorizationDetails", "*")
    account = actor.account
    entries: list[Entry] = []
    if "User" in wanted:
        users = Principal.objects.filter(account=account, kind=Principal.Kind.USER)
        entries += list(users.select_related("permissions_boundary").order_by(Lower("name")))
    if "Group" in wanted:
        entries += list(Group.objects.filter(account=account).order_by(Lower("name")))
    if "Role" in wanted:
        roles = Role.objects.filter(account=account).select_related("permissions_boundary")
        entries += list(roles.order_by(Lower("name")))
    policies = ManagedPolicy.objects.none()
    if "LocalManagedPolicy" in wanted:
        policies = ManagedPolicy.objects.filter(account=account)
    if "AWSManagedPolicy" in wanted:
        aws = ManagedPolicy.objects.filter(account__isnull=True)
        if filters:
            policies = policies | aws
        else:
            policies = policies | aws.filter(pk__in=aws.filter(_used_aws_policies(actor)))
    entries += list(policies.distinct().order_by(Lower("name"), "id"))
    return entries


def _owner(row: InlinePolicy | PolicyAttachment) -> tuple[str, int]:
    if row.user_id is not None:
        return "user", row.user_id
    if row.group_id is not None:
        return "group", row.group_id
    return "role", row.role_id  # type: ignore[return-value]


def describe(actor: Actor, entries: Sequence[Entry]) -> list[Detail]:
    """The details of `entries` (from `get_account_authorization_details`, one page)."""
    users = [e for e in entries if isinstance(e, Principal)]
    groups = [e for e in entries if isinstance(e, Group)]
    roles = [e for e in entries if isinstance(e, Role)]
    policies = [e for e in entries if isinstance(e, ManagedPolicy)]
    owner_filter = Q(user__in=users) | Q(group__in=groups) | Q(role__in=roles)

    inline: dict[tuple[str, int], list[InlinePolicy]] = defaultdict(list)
    for policy in InlinePolicy.objects.filter(owner_filter).order_by("name"):
        inline[_owner(policy)].append(policy)
    attached: dict[tuple[str, int], list[ManagedPolicy]] = defaultdict(list)
    for attachment in (
        PolicyAttachment.objects.filter(owner_filter)
        .select_related("policy")
        .order_by(Lower("policy__name"))
    ):
        attached[_owner(attachment)].append(attachment.policy)
    memberships: dict[int, list[Group]] = defaultdict(list)
    for membership in (
        GroupMembership.objects.filter(principal__in=users)
        .select_related("group")
        .order_by(Lower("group__name"))
    ):
        memberships[membership.principal_id].append(membership.group)
    profiles: dict[int, list[InstanceProfile]] = defaultdict(list)
    for profile in InstanceProfile.objects.filter(role__in=roles).select_related("role"):
        profiles[profile.role_id].append(profile)  # type: ignore[index]

    versions: dict[int, list[PolicyVersion]] = defaultdict(list)
    for version in PolicyVersion.objects.filter(policy__in=policies).order_by("created_at", "id"):
        versions[version.policy_id].append(version)
    account = actor.account
    attachment_counts = dict(
        PolicyAttachment.objects.filter(
            Q(user__account=account) | Q(group__account=account) | Q(role__account=account),
            policy__in=policies,
        )
        .values("policy_id")
        .annotate(n=Count("id"))
        .values_list("policy_id", "n")
    )
    boundary_counts: dict[int, int] = defaultdict(int)
    for model in (Principal, Role):
        for policy_id, n in (
            model.objects.filter(account=account, permissions_boundary__in=policies)
            .values("permissions_boundary_id")
            .annotate(n=Count("id"))
            .values_list("permissions_boundary_id", "n")
        ):
            boundary_counts[policy_id] += n

    details: list[Detail] = []
    for entry in entries:
        if isinstance(entry, ManagedPolicy):
            details.append(
                Detail(
                    entity=entry,
                    versions=versions[entry.pk],
                    attachment_count=attachment_counts.get(entry.pk, 0),
                    boundary_count=boundary_counts[entry.pk],
                )
            )
            continue
        key = ({Principal: "user", Group: "group", Role: "role"}[type(entry)], entry.pk)
        details.append(
            Detail(
                entity=entry,
                inline=inline[key],
                attached=attached[key],
                groups=memberships[entry.pk] if isinstance(entry, Principal) else [],
                instance_profiles=profiles[entry.pk] if isinstance(entry, Role) else [],
            )
        )
    return details
