"""Reads behind the policy pages: the filtered policy list with its "Used as" counts, the
entities a policy is attached to, and a policy's versions. Every read is scoped to the
actor's account and authorized first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, Lower
from django.http import Http404

from accounts import arns
from accounts.models import Account, Group, Principal, Role
from domain.iam import access
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize, is_allowed
from domain.kernel.errors import NoSuchEntity
from domain.kernel.registry import aws_read
from domain.kernel.search import name_contains, under_path
from policies.models import ManagedPolicy, PolicyAttachment, PolicyVersion

TYPE_FILTERS = {
    "all": "All types",
    "aws": "AWS managed",
    "customer": "Customer managed",
    "job": "AWS managed - job function",
}


def _count(queryset: QuerySet[Any], field: str) -> Coalesce:
    """A correlated COUNT subquery, so the page's counts cost no extra queries."""
    counted = (
        queryset.filter(**{field: OuterRef("pk")})
        .order_by()
        .values(field)
        .annotate(n=Count("pk"))
        .values("n")[:1]
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), Value(0))


@aws_read("iam:ListPolicies")
def list_policies(
    actor: Actor,
    *,
    type_filter: str = "all",
    search: str = "",
    used: str = "",
    path_prefix: str | None = None,
) -> QuerySet[ManagedPolicy]:
    """AWS managed policies and the account's customer managed ones, annotated with how
    often each is attached (`attached`) or used as a boundary (`boundaries`) here."""
    authorize(actor, "iam:ListPolicies", "*")
    account = actor.account
    mine = Q(user__account=account) | Q(group__account=account) | Q(role__account=account)
    queryset = ManagedPolicy.objects.filter(Q(account__isnull=True) | Q(account=account))
    if type_filter == "aws":
        queryset = queryset.filter(account__isnull=True, job_function=False)
    elif type_filter == "customer":
        queryset = queryset.filter(account=account)
    elif type_filter == "aws_managed":  # the API's Scope=AWS: job functions included
        queryset = queryset.filter(account__isnull=True)
    elif type_filter == "job":
        queryset = queryset.filter(account__isnull=True, job_function=True)
    queryset = name_contains(under_path(queryset, path_prefix), search)
    queryset = queryset.annotate(
        attached=_count(PolicyAttachment.objects.filter(mine), "policy"),
        boundaries=_count(Principal.objects.filter(account=account), "permissions_boundary")
        + _count(Role.objects.filter(account=account), "permissions_boundary"),
    )
    if used == "permissions":
        queryset = queryset.filter(attached__gt=0)
    elif used == "boundary":
        queryset = queryset.filter(boundaries__gt=0)
    return queryset.only(
        "id", "name", "path", "account_id", "description", "job_function"
    ).order_by(Lower("name"), "id")


@dataclass
class Entities:
    users: list[Principal]
    groups: list[Group]
    roles: list[Role]
    bounded_users: list[Principal]
    bounded_roles: list[Role]

    @property
    def count(self) -> int:
        return len(self.users) + len(self.groups) + len(self.roles)


@aws_read("iam:ListEntitiesForPolicy")
def list_entities_for_policy(actor: Actor, policy: ManagedPolicy) -> Entities:
    """ListEntitiesForPolicy, within the actor's account only."""
    authorize(actor, "iam:ListEntitiesForPolicy", policy)
    account: Account = actor.account
    attached = PolicyAttachment.objects.filter(policy=policy)
    return Entities(
        users=list(Principal.objects.filter(account=account, attachments__in=attached)),
        groups=list(Group.objects.filter(account=account, attachments__in=attached)),
        roles=list(Role.objects.filter(account=account, attachments__in=attached)),
        bounded_users=list(Principal.objects.filter(account=account, permissions_boundary=policy)),
        bounded_roles=list(Role.objects.filter(account=account, permissions_boundary=policy)),
    )


@aws_read("iam:ListPolicyVersions")
def list_policy_versions(actor: Actor, policy: ManagedPolicy) -> list[PolicyVersion]:
    authorize(actor, "iam:ListPolicyVersions", policy)
    return list(
        PolicyVersion.objects.filter(policy=policy).defer("document").order_by("-created_at", "-id")
    )


@aws_read("iam:GetPolicyVersion")
def get_policy_version(
    actor: Actor, policy: ManagedPolicy, version_id: str
) -> PolicyVersion | None:
    """One version's document (iam:GetPolicyVersion), or None when there is no such version."""
    authorize(actor, "iam:GetPolicyVersion", policy)
    return PolicyVersion.objects.filter(policy=policy, version_id=version_id[:16]).first()


def version_pair(
    actor: Actor, policy: ManagedPolicy, left_id: str, right_id: str
) -> tuple[PolicyVersion, PolicyVersion]:
    """Two versions to compare (iam:GetPolicyVersion), in one query; NoSuchEntity names
    the first one that does not exist."""
    authorize(actor, "iam:GetPolicyVersion", policy)
    wanted = [left_id[:16], right_id[:16]]
    found = {
        v.version_id: v for v in PolicyVersion.objects.filter(policy=policy, version_id__in=wanted)
    }
    for version_id in wanted:
        if version_id not in found:
            raise NoSuchEntity.policy_version(policy.arn, version_id)
    return found[wanted[0]], found[wanted[1]]


@aws_read("iam:ListPolicyTags")
def list_policy_tags(actor: Actor, policy: ManagedPolicy) -> list[dict[str, str]]:
    """ListPolicyTags: the customer managed policy's tags, in the order they were added."""
    authorize(actor, "iam:ListPolicyTags", policy)
    return list(policy.tags)


def default_version(actor: Actor, policy: ManagedPolicy) -> PolicyVersion:
    authorize(actor, "iam:GetPolicyVersion", policy)
    return PolicyVersion.objects.get(policy=policy, is_default=True)


def attachable_entities(actor: Actor) -> list[tuple[str, str]]:
    """("user:alice", "User: alice") choices for the attach and simulator pickers; a kind
    whose list action the actor may not call is left out."""
    account = actor.account
    choices: list[tuple[str, str]] = []
    if is_allowed(actor, "iam:ListUsers", arns.account_wildcard(account.id, "user")):
        users = Principal.objects.filter(account=account, kind=Principal.Kind.USER)
        user_names = users.order_by(Lower("name")).values_list("name", flat=True)
        choices += [(f"user:{name}", f"User: {name}") for name in user_names]
    # Names only: a class account can hold thousands of users, and a model instance per
    # option costs ten times the option itself.
    if is_allowed(actor, "iam:ListGroups", arns.account_wildcard(account.id, "group")):
        group_names = account.groups.values_list("name", flat=True)
        choices += [(f"group:{name}", f"Group: {name}") for name in group_names]
    if is_allowed(actor, "iam:ListRoles", arns.account_wildcard(account.id, "role")):
        role_names = account.roles.values_list("name", flat=True)
        choices += [(f"role:{name}", f"Role: {name}") for name in role_names]
    return choices


def entity_from_key(
    actor: Actor, key: str, *, action: str | None = None
) -> Principal | Group | Role:
    """The user, group or role a picker value ("role:web") names; Http404 when unknown."""
    kind, _, name = key.partition(":")
    getters: dict[str, Callable[..., Principal | Group | Role]]
    getters = {"user": access.get_user, "group": access.get_group, "role": access.get_role}
    if kind not in getters or not name:
        raise Http404("Choose a user, group or role.")
    if action is None:
        return getters[kind](actor, name)
    return getters[kind](actor, name, action=action)
