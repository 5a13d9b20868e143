"""Giving an existing user permissions in one step, as the console's "Add permissions"
page does: add to several groups, attach several policies, or copy another user's
permissions. Each is all-or-nothing: every call is authorized before anything is written.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from accounts.models import Group, Principal
from domain.iam.groups import _authorize_add_user_to_group, _write_add_user_to_group
from domain.iam.policies import (
    _authorize_attach,
    _authorize_put_boundary,
    _authorize_put_inline,
    _write_attach,
    _write_put_boundary,
    _write_put_inline,
)
from domain.kernel.actors import Actor
from domain.kernel.authorization import Resource
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
        _authorize_add_user_to_group(actor, group)
    for policy in policies:
        _authorize_attach(actor, "user", user, policy)
    if inline:
        _authorize_put_inline(actor, "user", user)
    if boundary is not None:
        _authorize_put_boundary(actor, "user", user, boundary)


def grant(
    actor: Actor,
    user: Principal,
    *,
    groups: Sequence[Group] = (),
    policies: Sequence[ManagedPolicy] = (),
    inline: Sequence[InlinePolicy] = (),
    boundary: ManagedPolicy | None = None,
) -> None:
    """The write halves of what `authorize_grants` decided, inside the caller's transaction."""
    for group in groups:
        _write_add_user_to_group(actor, group, user)
    for policy in policies:
        _write_attach(actor, user, policy)
    for source in inline:
        _write_put_inline(actor, user, source.name, source.document)
    if boundary is not None:
        _write_put_boundary(actor, user, boundary)


def add_user_to_groups(*, actor: Actor, user: Principal, groups: list[Group]) -> None:
    """Add permissions > Add user to groups: AddUserToGroup for each, all or nothing."""
    authorize_grants(actor, user, groups=groups)
    with transaction.atomic():
        grant(actor, user, groups=groups)


def attach_user_policies(*, actor: Actor, user: Principal, policies: list[ManagedPolicy]) -> None:
    """Add permissions > Attach policies directly: AttachUserPolicy for each, all or nothing."""
    authorize_grants(actor, user, policies=policies)
    with transaction.atomic():
        grant(actor, user, policies=policies)


def copy_user_permissions(*, actor: Actor, user: Principal, source: Principal) -> Permissions:
    """Gives `user` `source`'s groups, managed policies, inline policies and boundary."""
    if source.account_id != user.account_id:
        raise ValueError("users of different accounts")
    copied = permissions_of(source)
    parts = {
        "groups": copied.groups,
        "policies": copied.policies,
        "inline": copied.inline,
        "boundary": copied.boundary,
    }
    authorize_grants(actor, user, **parts)  # type: ignore[arg-type]
    with transaction.atomic():
        grant(actor, user, **parts)  # type: ignore[arg-type]
    return copied
