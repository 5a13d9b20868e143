"""User groups and their members."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from accounts import arns, audit, ids, validators
from accounts.actors import Actor
from accounts.models import Group, GroupMembership, Principal
from iamconsole.errors import (
    EntityAlreadyExists,
    LimitExceeded,
)
from policies.authorization import authorize

MAX_GROUPS_PER_USER = 10
MAX_GROUPS_PER_ACCOUNT = 300


# --- groups ------------------------------------------------------------------------


def create_group(*, actor: Actor, name: str, path: str = "/") -> Group:
    validators.group_name(name)
    validators.path(path)
    account = actor.account
    arn = arns.group_arn(account.id, name, path)
    authorize(actor, "iam:CreateGroup", arn)
    if Group.objects.filter(account=account, name__iexact=name).exists():
        raise EntityAlreadyExists(f"Group with name {name} already exists.", field="name")
    try:
        with transaction.atomic():
            if Group.objects.filter(account=account).count() >= MAX_GROUPS_PER_ACCOUNT:
                raise LimitExceeded(
                    f"Cannot exceed quota for GroupsPerAccount: {MAX_GROUPS_PER_ACCOUNT}."
                )
            group = Group.objects.create(
                account=account, name=name, path=path, unique_id=ids.unique_id(ids.GROUP_PREFIX)
            )
            audit.record(actor, "iam:CreateGroup", arn)
    except IntegrityError:
        raise EntityAlreadyExists(f"Group with name {name} already exists.", field="name") from None
    return group


def add_user_to_group(*, actor: Actor, group: Group, user: Principal) -> None:
    authorize(actor, "iam:AddUserToGroup", group.arn)
    with transaction.atomic():
        # Lock the user row so two concurrent adds cannot both pass the quota check.
        Principal.objects.select_for_update().filter(pk=user.pk).first()
        memberships = GroupMembership.objects.filter(principal=user)
        if memberships.filter(group=group).exists():
            return
        if memberships.count() >= MAX_GROUPS_PER_USER:
            raise LimitExceeded(
                f"Cannot exceed quota for GroupsPerUser: {MAX_GROUPS_PER_USER}.", field="groups"
            )
        GroupMembership.objects.create(group=group, principal=user)
        audit.record(actor, "iam:AddUserToGroup", group.arn, details={"user": user.name})
