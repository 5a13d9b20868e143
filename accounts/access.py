"""Readers: every query is scoped to the actor's account and checked against IAM."""

from __future__ import annotations

from dataclasses import dataclass

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
