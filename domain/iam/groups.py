"""User groups: creating (with members and policies at once), renaming, members, deleting."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction

from accounts import arns, ids
from accounts.models import Account, Group, GroupMembership, Principal
from domain.iam.policies import MAX_ATTACHED, QUOTA_NAMES, attach_policy
from domain.kernel import audit, validators
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import EntityAlreadyExists, LimitExceeded, NoSuchEntity
from policies.models import InlinePolicy, ManagedPolicy, PolicyAttachment

MAX_GROUPS_PER_USER = 10
MAX_GROUPS_PER_ACCOUNT = 300


def _exists_message(name: str) -> str:
    return f"Group with name {name} already exists."


# --- groups ------------------------------------------------------------------------


def create_group(
    *,
    actor: Actor,
    name: str,
    path: str = "/",
    members: Sequence[Principal] = (),
    policies: Sequence[ManagedPolicy] = (),
) -> Group:
    """CreateGroup, then AddUserToGroup and AttachGroupPolicy for the console's picks.

    Every call is authorized before anything is written, and all of it happens in one
    transaction: a failing member or policy leaves no group behind.
    """
    validators.group_name(name)
    validators.path(path)
    account = actor.account
    arn = arns.group_arn(account.id, name, path)
    authorize(actor, "iam:CreateGroup", arn)
    if members:
        authorize(actor, "iam:AddUserToGroup", arn)
    for policy in policies:
        authorize(actor, "iam:AttachGroupPolicy", arn, {"iam:PolicyARN": policy.arn})
    _check_picks(account, members, policies)
    if Group.objects.filter(account=account, name__iexact=name).exists():
        raise EntityAlreadyExists(_exists_message(name), field="name")
    try:
        with transaction.atomic():
            # The account row is the lock that makes the 300-groups quota exact.
            Account.objects.select_for_update().filter(pk=account.pk).first()
            if Group.objects.filter(account=account).count() >= MAX_GROUPS_PER_ACCOUNT:
                raise LimitExceeded(
                    f"Cannot exceed quota for GroupsPerAccount: {MAX_GROUPS_PER_ACCOUNT}."
                )
            group = Group.objects.create(
                account=account, name=name, path=path, unique_id=ids.unique_id(ids.GROUP_PREFIX)
            )
            audit.record(actor, "iam:CreateGroup", arn)
            for user in members:
                add_user_to_group(actor=actor, group=group, user=user, field="members")
            for policy in policies:
                attach_policy(actor=actor, target=group, policy=policy)
    except IntegrityError:
        raise EntityAlreadyExists(_exists_message(name), field="name") from None
    return group


def _check_picks(
    account: Account, members: Sequence[Principal], policies: Sequence[ManagedPolicy]
) -> None:
    for user in members:
        if user.account_id != account.id or user.is_root:
            raise NoSuchEntity(f"The user with name {user.name} cannot be found.", field="members")
    for policy in policies:
        if policy.account_id not in (None, account.id):
            raise NoSuchEntity(
                f"Policy {policy.arn} does not exist or is not attachable.", field="policies"
            )
    if len({p.pk for p in policies}) > MAX_ATTACHED["group"]:
        raise LimitExceeded(
            f"Cannot exceed quota for {QUOTA_NAMES['group']}: {MAX_ATTACHED['group']}",
            field="policies",
        )


def update_group(*, actor: Actor, group: Group, new_name: str) -> Group:
    """UpdateGroup: renames a group; its ID, members and policies stay."""
    validators.group_name(new_name)
    new_arn = arns.group_arn(group.account_id, new_name, group.path)
    # AWS requires permission on both the old and the new name.
    authorize(actor, "iam:UpdateGroup", group.arn)
    if new_arn != group.arn:
        authorize(actor, "iam:UpdateGroup", new_arn)
    taken = Group.objects.filter(account_id=group.account_id, name__iexact=new_name).exclude(
        pk=group.pk
    )
    if taken.exists():
        raise EntityAlreadyExists(_exists_message(new_name), field="name")
    old_arn, old_name = group.arn, group.name
    try:
        with transaction.atomic():
            group.name = new_name
            group.save(update_fields=["name"])
            audit.record(actor, "iam:UpdateGroup", old_arn, details={"new_name": new_name})
    except IntegrityError:
        group.name = old_name  # the caller's object keeps the name the database kept
        raise EntityAlreadyExists(_exists_message(new_name), field="name") from None
    return group


def delete_group(*, actor: Actor, group: Group) -> None:
    """Deletes a group the way the console does.

    The API refuses a group that still has members or policies (DeleteConflict); the
    console first removes its users, detaches its managed policies and deletes its
    inline policies. Each of those calls is authorized up front, then all of it runs
    in one transaction.
    """
    arn = group.arn
    authorize(actor, "iam:DeleteGroup", arn)
    members = list(Principal.objects.filter(groupmembership__group=group).only("id", "name"))
    attached = list(
        ManagedPolicy.objects.filter(attachments__group=group).only(
            "id", "name", "path", "account_id"
        )
    )
    inline = list(InlinePolicy.objects.filter(group=group).values_list("name", flat=True))
    if members:
        authorize(actor, "iam:RemoveUserFromGroup", arn)
    for policy in attached:
        authorize(actor, "iam:DetachGroupPolicy", arn, {"iam:PolicyARN": policy.arn})
    if inline:
        authorize(actor, "iam:DeleteGroupPolicy", arn)
    with transaction.atomic():
        GroupMembership.objects.filter(group=group).delete()
        for user in members:
            audit.record(actor, "iam:RemoveUserFromGroup", arn, details={"user": user.name})
        PolicyAttachment.objects.filter(group=group).delete()
        for policy in attached:
            audit.record(actor, "iam:DetachGroupPolicy", arn, details={"policy": policy.arn})
        InlinePolicy.objects.filter(group=group).delete()
        for name in inline:
            audit.record(actor, "iam:DeleteGroupPolicy", arn, details={"policy": name})
        group.delete()
        audit.record(actor, "iam:DeleteGroup", arn)


# --- members -----------------------------------------------------------------------


def add_user_to_group(
    *, actor: Actor, group: Group, user: Principal, field: str = "groups"
) -> None:
    authorize(actor, "iam:AddUserToGroup", group.arn)
    if user.account_id != group.account_id or user.is_root:
        raise NoSuchEntity(f"The user with name {user.name} cannot be found.", field=field)
    with transaction.atomic():
        # Lock the user row so two concurrent adds cannot both pass the quota check.
        Principal.objects.select_for_update().filter(pk=user.pk).first()
        memberships = GroupMembership.objects.filter(principal=user)
        if memberships.filter(group=group).exists():
            return
        if memberships.count() >= MAX_GROUPS_PER_USER:
            raise LimitExceeded(
                f"Cannot exceed quota for GroupsPerUser: {MAX_GROUPS_PER_USER}.", field=field
            )
        GroupMembership.objects.create(group=group, principal=user)
        audit.record(actor, "iam:AddUserToGroup", group.arn, details={"user": user.name})


def remove_user_from_group(*, actor: Actor, group: Group, user: Principal) -> None:
    authorize(actor, "iam:RemoveUserFromGroup", group.arn)
    with transaction.atomic():
        deleted, _ = GroupMembership.objects.filter(group=group, principal=user).delete()
        if not deleted:
            raise NoSuchEntity(f"The user with name {user.name} cannot be found.")
        audit.record(actor, "iam:RemoveUserFromGroup", group.arn, details={"user": user.name})
