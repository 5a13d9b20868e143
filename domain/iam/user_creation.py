"""The Create user wizard's single write: the user, its console password, groups,
policies, copied permissions, boundary and tags in one transaction. If any call is
denied or fails, nothing is created."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from accounts import arns
from accounts.models import Group, GroupMembership, Principal
from domain.iam.groups import MAX_GROUPS_PER_USER
from domain.iam.login_profiles import change_password_policy, change_password_policy_needed
from domain.iam.policies import MAX_ATTACHED
from domain.iam.tagging import tag_request_context
from domain.iam.user_permissions import authorize_grants, permissions_of
from domain.iam.users import check_password_meets_policy, check_user_name_is_free, insert_user
from domain.kernel import audit, validators
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import LimitExceeded
from domain.kernel.request_context import Target, new_entity
from policies.models import InlinePolicy, ManagedPolicy, PolicyAttachment

MAX_POLICIES_PER_USER = MAX_ATTACHED["user"]


@dataclass(frozen=True)
class NewUser:
    """Everything the wizard collected. `console_password` None: no console access."""

    name: str
    console_password: str | None = None
    password_reset_required: bool = True
    groups: list[Group] = field(default_factory=list)
    policies: list[ManagedPolicy] = field(default_factory=list)
    copy_from: Principal | None = None
    boundary: ManagedPolicy | None = None
    tags: list[tuple[str, str]] = field(default_factory=list)


def _unique[T: (Group, ManagedPolicy)](items: list[T]) -> list[T]:
    """Drops repeats (a group picked and also copied), keeping the first."""
    by_pk: dict[int, T] = {}
    for item in items:
        by_pk.setdefault(item.pk, item)
    return list(by_pk.values())


def create_user_from_wizard(*, actor: Actor, new: NewUser) -> Principal:
    validators.user_name(new.name)
    account = actor.account
    arn = arns.user_arn(account.id, new.name)
    groups, policies, inline, boundary = list(new.groups), list(new.policies), [], new.boundary
    if new.copy_from is not None:
        copied = permissions_of(new.copy_from)
        groups += copied.groups
        policies += copied.policies
        inline = copied.inline
        boundary = boundary or copied.boundary
    # The console's CreateUser carries the tags and the boundary; the calls after it see
    # the user as created with them (aws:ResourceTag, iam:PermissionsBoundary).
    requested = tag_request_context(new.tags) if new.tags else {}
    if boundary is not None:
        requested["iam:PermissionsBoundary"] = boundary.arn
    authorize(actor, "iam:CreateUser", Target(arn), requested)
    created = new_entity(arn, tags=new.tags, boundary=boundary)
    console = new.console_password is not None
    if console:
        authorize(actor, "iam:CreateLoginProfile", created)
    if console and change_password_policy_needed(account, new.password_reset_required):
        extra = change_password_policy()
        if extra is not None:
            policies.append(extra)
    groups, policies = _unique(groups), _unique(policies)
    authorize_grants(
        actor, created, groups=groups, policies=policies, inline=inline, boundary=boundary
    )
    if new.tags:
        authorize(actor, "iam:TagUser", Target(arn), tag_request_context(new.tags))
    tags = validators.tags(new.tags, case_insensitive_keys=True)
    check_user_name_is_free(account, new.name)
    if new.console_password is not None:
        check_password_meets_policy(account, new.console_password)
    # The user row is new and invisible to other transactions until commit, so these
    # counts cannot race.
    if len(groups) > MAX_GROUPS_PER_USER:
        raise LimitExceeded(
            f"Cannot exceed quota for GroupsPerUser: {MAX_GROUPS_PER_USER}.", field="groups"
        )
    if len(policies) > MAX_POLICIES_PER_USER:
        raise LimitExceeded(
            f"Cannot exceed quota for PoliciesPerUser: {MAX_POLICIES_PER_USER}", field="policies"
        )
    with transaction.atomic():
        user = insert_user(
            actor,
            name=new.name,
            path="/",
            password=new.console_password,
            password_reset_required=new.password_reset_required,
            tags=tags,
        )
        _grant(actor, user, groups, policies, inline, boundary)
    return user


def _grant(
    actor: Actor,
    user: Principal,
    groups: list[Group],
    policies: list[ManagedPolicy],
    inline: list[InlinePolicy],
    boundary: ManagedPolicy | None,
) -> None:
    for group in groups:
        GroupMembership.objects.create(group=group, principal=user)
        audit.record(actor, "iam:AddUserToGroup", group.arn, details={"user": user.name})
    for policy in policies:
        PolicyAttachment.objects.create(policy=policy, user=user)
        audit.record(actor, "iam:AttachUserPolicy", user.arn, details={"policy": policy.arn})
    for source in inline:
        InlinePolicy.objects.create(name=source.name, document=source.document, user=user)
        audit.record(actor, "iam:PutUserPolicy", user.arn, details={"policy": source.name})
    if boundary is not None:
        user.permissions_boundary = boundary
        user.save(update_fields=["permissions_boundary"])
        audit.record(
            actor, "iam:PutUserPermissionsBoundary", user.arn, details={"policy": boundary.arn}
        )
