"""Giving an existing user permissions in one step, as the console's "Add permissions"
page does: add to several groups, attach several policies, or copy another user's
permissions. Each is all-or-nothing: every call is authorized before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from accounts.models import Group, Principal
from domain.iam import policies as policy_services
from domain.iam.groups import add_user_to_group
from domain.kernel.actors import Actor
from domain.kernel.authorization import Resource, authorize
from policies.models import InlinePolicy, ManagedPolicy


@dataclass(frozen=True)
class Permissions:
    """What "Copy permissions" copies from a user."""

    groups: list[Group]
    policies: list[ManagedPolicy]
    inline: list[InlinePolicy]
    boundary: ManagedPolicy | None


def permissions_of(source: Principal) -> Permissions:
    boundary = (
        ManagedPolicy.objects.filter(pk=source.permissions_boundary_id).first()
        if source.permissions_boundary_id
        else None
    )
    return Permissions(
        groups=list(Group.objects.filter(groupmembership__principal=source)),
        policies=list(ManagedPolicy.objects.filter(attachments__user=source).order_by("name")),
        inline=list(InlinePolicy.objects.filter(user=source)),
        boundary=boundary,
    )


def authorize_grants(
    actor: Actor,
    user: Resource,
    *,
    groups: Sequence[Group] = (),
    policies: Sequence[ManagedPolicy] = (),
    inline: Sequence[InlinePolicy] = (),
    boundary: ManagedPolicy | None = None,
) -> None:
    """Every call the console would make, decided before any of them writes.

    `user` is the user as those calls see it: an existing Principal, or for the Create user
    wizard a Target carrying the tags and boundary it is created with."""
    for group in groups:
        authorize(actor, "iam:AddUserToGroup", group)
    for policy in policies:
        authorize(actor, "iam:AttachUserPolicy", user, {"iam:PolicyARN": policy.arn})
    if inline:
        authorize(actor, "iam:PutUserPolicy", user)
    if boundary is not None:
        authorize(
            actor,
            "iam:PutUserPermissionsBoundary",
            user,
            {"iam:PermissionsBoundary": boundary.arn},
        )


def add_user_to_groups(*, actor: Actor, user: Principal, groups: list[Group]) -> None:
    authorize_grants(actor, user, groups=groups)
    with transaction.atomic():
        for group in groups:
            add_user_to_group(actor=actor, group=group, user=user)


def attach_user_policies(*, actor: Actor, user: Principal, policies: list[ManagedPolicy]) -> None:
    authorize_grants(actor, user, policies=policies)
    with transaction.atomic():
        for policy in policies:
            policy_services.attach_policy(actor=actor, target=user, policy=policy)


def copy_user_permissions(*, actor: Actor, user: Principal, source: Principal) -> Permissions:
    """Gives `user` `source`'s groups, managed policies, inline policies and boundary."""
    if source.account_id != user.account_id:
        raise ValueError("users of different accounts")
    copied = permissions_of(source)
    authorize_grants(
        actor,
        user,
        groups=copied.groups,
        policies=copied.policies,
        inline=copied.inline,
        boundary=copied.boundary,
    )
    with transaction.atomic():
        for group in copied.groups:
            add_user_to_group(actor=actor, group=group, user=user)
        for policy in copied.policies:
            policy_services.attach_policy(actor=actor, target=user, policy=policy)
        for inline in copied.inline:
            policy_services.put_inline_policy(
                actor=actor, target=user, name=inline.name, document=inline.document
            )
        if copied.boundary is not None:
            policy_services.put_permissions_boundary(
                actor=actor, target=user, policy=copied.boundary
            )
    return copied
