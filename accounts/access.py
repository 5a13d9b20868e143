"""Readers: every query is scoped to the actor's account and checked against IAM."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q
from django.http import Http404

from accounts.actors import Actor
from accounts.models import Group, Principal, Role
from policies.authorization import authorize
from policies.models import ManagedPolicy


@dataclass(frozen=True)
class AccountSummary:
    users: int
    groups: int
    roles: int
    policies: int


def account_summary(actor: Actor) -> AccountSummary:
    """AWS's GetAccountSummary counts, as the dashboard's "IAM resources" shows them."""
    authorize(actor, "iam:GetAccountSummary", "*")
    account = actor.account
    return AccountSummary(
        users=Principal.objects.filter(account=account, kind=Principal.Kind.USER).count(),
        groups=Group.objects.filter(account=account).count(),
        roles=Role.objects.filter(account=account).count(),
        policies=ManagedPolicy.objects.filter(account=account).count(),
    )


def account_aliases(actor: Actor) -> list[str]:
    authorize(actor, "iam:ListAccountAliases", "*")
    alias = actor.account.alias
    return [alias] if alias else []


# --- single objects: scoped to the actor's account; anything else is a 404 ----------


def get_user(actor: Actor, name: str, *, action: str = "iam:GetUser") -> Principal:
    """The IAM user `name` of the actor's account (names match ignoring case).

    Raises Http404 when there is none, so another account's user looks like no user;
    then checks `action` (default iam:GetUser) on the user's ARN.
    """
    user = (
        Principal.objects.select_related("account")
        .filter(account=actor.account, kind=Principal.Kind.USER, name__iexact=name)
        .first()
    )
    if user is None:
        raise Http404(f"The user with name {name} cannot be found.")
    authorize(actor, action, user.arn)
    return user


def get_group(actor: Actor, name: str, *, action: str = "iam:GetGroup") -> Group:
    group = Group.objects.filter(account=actor.account, name__iexact=name).first()
    if group is None:
        raise Http404(f"The group with name {name} cannot be found.")
    authorize(actor, action, group.arn)
    return group


def get_role(actor: Actor, name: str, *, action: str = "iam:GetRole") -> Role:
    role = Role.objects.filter(account=actor.account, name__iexact=name).first()
    if role is None:
        raise Http404(f"The role with name {name} cannot be found.")
    authorize(actor, action, role.arn)
    return role


def get_policy(actor: Actor, arn: str, *, action: str = "iam:GetPolicy") -> ManagedPolicy:
    """An AWS managed policy or a customer managed policy of the actor's account, by ARN."""
    name = arn.rsplit("/", 1)[-1]
    candidates = ManagedPolicy.objects.filter(
        Q(account__isnull=True) | Q(account=actor.account), name=name
    )
    policy = next((p for p in candidates if p.arn == arn), None)
    if policy is None:
        raise Http404(f"Policy {arn} does not exist.")
    authorize(actor, action, policy.arn)
    return policy


def get_policy_by_name(
    actor: Actor, name: str, *, aws_managed: bool, action: str = "iam:GetPolicy"
) -> ManagedPolicy:
    """An AWS managed policy (names are unique across AWS's) or a customer managed policy
    of the actor's account, by name ignoring case; the console's URLs use these keys."""
    scope = Q(account__isnull=True) if aws_managed else Q(account=actor.account)
    policy = ManagedPolicy.objects.filter(scope, name__iexact=name).first()
    if policy is None:
        raise Http404(f"Policy {name} does not exist.")
    authorize(actor, action, policy.arn)
    return policy
