"""User groups: creating, renaming, members, deleting (the console's Create group step,
with members and policies at once, is `domain.iam.composites.create_group_with_members`)."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction

from accounts import arns, ids
from accounts.models import Account, Group, GroupMembership, Principal
from domain.iam.entity_writes import write_delete_unused, write_rename
from domain.iam.policies import (
    MAX_ATTACHED,
    QUOTA_NAMES,
    _authorize_attach,
    _authorize_delete_inline,
    _authorize_detach,
    _write_attach,
    _write_delete_inline,
    _write_detach,
)
from domain.kernel import audit, validators
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import EntityAlreadyExists, LimitExceeded, NoSuchEntity
from domain.kernel.registry import aws_action
from policies.models import InlinePolicy, ManagedPolicy

MAX_GROUPS_PER_USER = 10
MAX_GROUPS_PER_ACCOUNT = 300


# --- groups ------------------------------------------------------------------------


def _group_arn(actor: Actor, name: str, path: str) -> str:
    validators.group_name(name)
    validators.path(path)
    return arns.group_arn(actor.account.id, name, path)


def _authorize_create_group(actor: Actor, arn: str) -> None:
    authorize(actor, "iam:CreateGroup", arn)


def _check_group_name_is_free(account: Account, name: str) -> None:
    if Group.objects.filter(account=account, name__iexact=name).exists():
        raise EntityAlreadyExists.group(name)


def _write_create_group(actor: Actor, name: str, path: str) -> Group:
    """Inside the caller's transaction; the unique constraint on the name decides races."""
    account = actor.account
    # The account row is the lock that makes the 300-groups quota exact.
    Account.objects.select_for_update().filter(pk=account.pk).first()
    if Group.objects.filter(account=account).count() >= MAX_GROUPS_PER_ACCOUNT:
        raise LimitExceeded.quota("GroupsPerAccount", MAX_GROUPS_PER_ACCOUNT)
    try:
        with transaction.atomic():
            group = Group.objects.create(
                account=account, name=name, path=path, unique_id=ids.unique_id(ids.GROUP_PREFIX)
            )
    except IntegrityError:
        raise EntityAlreadyExists.group(name) from None
    audit.record(actor, "iam:CreateGroup", group.arn)
    return group


@aws_action("iam:CreateGroup")
def create_group(*, actor: Actor, name: str, path: str = "/") -> Group:
    arn = _group_arn(actor, name, path)
    _authorize_create_group(actor, arn)
    _check_group_name_is_free(actor.account, name)
    with transaction.atomic():
        return _write_create_group(actor, name, path)


def create_group_with_members(
    *,
    actor: Actor,
    name: str,
    path: str = "/",
    members: Sequence[Principal] = (),
    policies: Sequence[ManagedPolicy] = (),
) -> Group:
    """The console's Create group step: CreateGroup, then AddUserToGroup and
    AttachGroupPolicy for its picks. Every call is decided before anything is written, and
    the writers' write halves run in one transaction: a failing member or policy leaves no
    group behind."""
    arn = _group_arn(actor, name, path)
    _authorize_create_group(actor, arn)
    if members:
        _authorize_add_user_to_group(actor, arn)
    for policy in policies:
        _authorize_attach(actor, "group", arn, policy)
    _check_picks(actor.account, members, policies)
    _check_group_name_is_free(actor.account, name)
    with transaction.atomic():
        group = _write_create_group(actor, name, path)
        for user in members:
            _write_add_user_to_group(actor, group, user, field="members")
        for policy in policies:
            _write_attach(actor, group, policy)
    return group


def _check_picks(
    account: Account, members: Sequence[Principal], policies: Sequence[ManagedPolicy]
) -> None:
    for user in members:
        if user.account_id != account.id or user.is_root:
            raise NoSuchEntity.user(user.name, field="members")
    for policy in policies:
        if policy.account_id not in (None, account.id):
            raise NoSuchEntity.policy(policy.arn, field="policies")
    if len({p.pk for p in policies}) > MAX_ATTACHED["group"]:
        raise LimitExceeded.quota(QUOTA_NAMES["group"], MAX_ATTACHED["group"], field="policies")


@aws_action("iam:UpdateGroup")
def update_group(
    *, actor: Actor, group: Group, new_name: str, new_path: str | None = None
) -> Group:
    """UpdateGroup: renames a group or moves it to another path; its ID, members and
    policies stay."""
    validators.group_name(new_name)
    path = group.path if new_path is None else new_path
    validators.path(path)
    new_arn = arns.group_arn(group.account_id, new_name, path)
    # AWS requires permission on both the old and the new name.
    authorize(actor, "iam:UpdateGroup", group.arn)
    if new_arn != group.arn:
        authorize(actor, "iam:UpdateGroup", new_arn)
    taken = Group.objects.filter(account_id=group.account_id, name__iexact=new_name).exclude(
        pk=group.pk
    )
    if taken.exists():
        raise EntityAlreadyExists.group(new_name)
    write_rename(
        actor, group, "iam:UpdateGroup", new_name, path, EntityAlreadyExists.group(new_name)
    )
    return group


@aws_action("iam:DeleteGroup")
def delete_group(*, actor: Actor, group: Group) -> None:
    """DeleteGroup, as AWS's API does it: refused (DeleteConflict) while the group still
    has members or policies. The console's Delete is `delete_group_with_dependents`."""
    authorize(actor, "iam:DeleteGroup", group.arn)
    uses = [
        (GroupMembership.objects.filter(group=group), "remove users from group"),
        (InlinePolicy.objects.filter(group=group), "delete policies"),
        (ManagedPolicy.objects.filter(attachments__group=group), "detach all policies"),
    ]
    write_delete_unused(actor, group, "iam:DeleteGroup", NoSuchEntity.group(group.name), uses)


def delete_group_with_dependents(*, actor: Actor, group: Group) -> None:
    """Deletes a group the way the console does: it first removes its users, detaches its
    managed policies and deletes its inline policies. Each of those calls is authorized
    up front, then all of it runs in one transaction.
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
    # One decision per kind of call: they all act on this group with the same keys
    # (a detach also carries the policy's ARN, so each policy is decided).
    if members:
        _authorize_remove_user_from_group(actor, group)
    for policy in attached:
        _authorize_detach(actor, group, policy)
    if inline:
        _authorize_delete_inline(actor, group)
    with transaction.atomic():
        for user in members:
            _write_remove_user_from_group(actor, group, user)
        for policy in attached:
            _write_detach(actor, group, policy)
        for name in inline:
            _write_delete_inline(actor, group, name)
        group.delete()
        audit.record(actor, "iam:DeleteGroup", arn)


# --- members -----------------------------------------------------------------------


def _authorize_add_user_to_group(actor: Actor, group: Group | str) -> None:
    """`group` is the group, or its ARN while the Create group step is creating it."""
    authorize(actor, "iam:AddUserToGroup", group if isinstance(group, str) else group.arn)


def _write_add_user_to_group(
    actor: Actor, group: Group, user: Principal, *, field: str = "groups"
) -> None:
    if user.account_id != group.account_id or user.is_root:
        raise NoSuchEntity.user(user.name, field=field)
    # Lock the user row so two concurrent adds cannot both pass the quota check.
    Principal.objects.select_for_update().filter(pk=user.pk).first()
    memberships = GroupMembership.objects.filter(principal=user)
    if memberships.filter(group=group).exists():
        return
    if memberships.count() >= MAX_GROUPS_PER_USER:
        raise LimitExceeded.quota("GroupsPerUser", MAX_GROUPS_PER_USER, field=field)
    GroupMembership.objects.create(group=group, principal=user)
    audit.record(actor, "iam:AddUserToGroup", group.arn, details={"user": user.name})


@aws_action("iam:AddUserToGroup")
def add_user_to_group(
    *, actor: Actor, group: Group, user: Principal, field: str = "groups"
) -> None:
    _authorize_add_user_to_group(actor, group)
    with transaction.atomic():
        _write_add_user_to_group(actor, group, user, field=field)


def _authorize_remove_user_from_group(actor: Actor, group: Group) -> None:
    authorize(actor, "iam:RemoveUserFromGroup", group.arn)


def _write_remove_user_from_group(actor: Actor, group: Group, user: Principal) -> None:
    deleted, _ = GroupMembership.objects.filter(group=group, principal=user).delete()
    if not deleted:
        raise NoSuchEntity.user(user.name)
    audit.record(actor, "iam:RemoveUserFromGroup", group.arn, details={"user": user.name})


@aws_action("iam:RemoveUserFromGroup")
def remove_user_from_group(*, actor: Actor, group: Group, user: Principal) -> None:
    _authorize_remove_user_from_group(actor, group)
    with transaction.atomic():
        _write_remove_user_from_group(actor, group, user)
