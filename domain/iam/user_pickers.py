"""The filterable, paginated lists a person picks from when giving a user permissions
(the wizard's step 2 and the user's "Add permissions" page): groups with their
policies, users to copy from, and policies. Each read authorizes its list action once
and costs a constant number of queries."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Prefetch, Q, QuerySet
from django.db.models.functions import Lower

from accounts import arns
from accounts.models import Group, Principal
from domain.iam.user_listing import list_users
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.search import name_contains
from policies.models import ManagedPolicy, PolicyAttachment

PICKER_PAGE_SIZE = 10


def _attached_policies() -> Prefetch[str, QuerySet[PolicyAttachment], str]:
    return Prefetch(
        "attachments",
        queryset=PolicyAttachment.objects.select_related("policy").order_by(Lower("policy__name")),
    )


def groups(actor: Actor, search: str = "") -> QuerySet[Group]:
    authorize(actor, "iam:ListGroups", arns.account_wildcard(actor.account.id, "group"))
    rows = Group.objects.filter(account=actor.account)
    rows = name_contains(rows, search)
    return rows.order_by(Lower("name")).prefetch_related(_attached_policies())


def users(actor: Actor, search: str = "", exclude: str = "") -> QuerySet[Principal]:
    rows = list_users(actor, search=search).prefetch_related(_attached_policies())
    return rows.exclude(name=exclude) if exclude else rows


def policies(actor: Actor, search: str = "") -> QuerySet[ManagedPolicy]:
    """AWS managed policies and the account's customer managed policies."""
    authorize(actor, "iam:ListPolicies", "*")
    rows = ManagedPolicy.objects.filter(Q(account__isnull=True) | Q(account=actor.account))
    rows = name_contains(rows, search)
    return rows.only("id", "name", "path", "account_id", "description", "job_function").order_by(
        Lower("name"), "id"
    )


def page(rows: QuerySet[Any], number: Any) -> Page[Any]:
    return Paginator(rows, PICKER_PAGE_SIZE).get_page(number)


def groups_by_name(actor: Actor, names: list[str]) -> list[Group]:
    found = {g.name: g for g in Group.objects.filter(account=actor.account, name__in=names)}
    return [found[n] for n in names if n in found]


def policies_by_arn(actor: Actor, arn_list: list[str]) -> list[ManagedPolicy]:
    names = [arn.rsplit("/", 1)[-1] for arn in arn_list]
    candidates = ManagedPolicy.objects.filter(
        Q(account__isnull=True) | Q(account=actor.account), name__in=names
    )
    found = {p.arn: p for p in candidates}
    return [found[arn] for arn in arn_list if arn in found]


def off_page(page: Page[Any] | None, selected: list[str], attr: str) -> list[str]:
    """Picks not on the shown page: posted again as hidden inputs so they are kept.
    (A radio's hidden value comes first in the form, so a radio clicked here wins.)"""
    shown = {str(getattr(row, attr)) for row in page} if page is not None else set()
    return [value for value in selected if value and value not in shown]
