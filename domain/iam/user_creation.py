"""The Create user wizard's single write: the user, its console password, groups,
policies, copied permissions, boundary and tags in one transaction, through the same
writers as each call alone (their authorize and write halves). If any call is denied or
fails, nothing is created."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction

from accounts import arns
from accounts.models import Group, Principal
from domain.iam.groups import MAX_GROUPS_PER_USER
from domain.iam.login_profiles import (
    _authorize_create_login_profile,
    _write_create_login_profile,
    change_password_policy,
    change_password_policy_needed,
)
from domain.iam.policies import MAX_ATTACHED
from domain.iam.user_permissions import authorize_grants, grant, permissions_of
from domain.iam.users import (
    _authorize_create_user,
    _authorize_tag_new_user,
    _write_create_user,
    check_password_meets_policy,
    check_user_name_is_free,
)
from domain.kernel import validators
from domain.kernel.actors import Actor
from domain.kernel.errors import LimitExceeded
from domain.kernel.request_context import new_entity
from policies.models import ManagedPolicy

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


def create_user_with_access(*, actor: Actor, new: NewUser) -> Principal:
    """The Create user wizard: CreateUser, CreateLoginProfile, AddUserToGroup,
    AttachUserPolicy (IAMUserChangePassword too when AWS adds it), PutUserPolicy,
    PutUserPermissionsBoundary and the tags, as the console sends them.

    Every call is decided first, against the user as created (its tags and boundary), so a
    refusal writes nothing; then the writers' write halves run in one transaction.
    """
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
    _authorize_create_user(actor, arn, new.tags, boundary)
    # The calls after CreateUser see the user as created with its tags and boundary.
    created = new_entity(arn, tags=new.tags, boundary=boundary)
    console = new.console_password is not None
    if console:
        _authorize_create_login_profile(actor, created)
    if console and change_password_policy_needed(account, new.password_reset_required):
        # AWS attaches IAMUserChangePassword; it is decided with the other policies.
        extra = change_password_policy()
        if extra is not None:
            policies.append(extra)
    groups, policies = _unique(groups), _unique(policies)
    authorize_grants(
        actor, created, groups=groups, policies=policies, inline=inline, boundary=boundary
    )
    if new.tags:
        _authorize_tag_new_user(actor, arn, new.tags)
    tags = validators.tags(new.tags, case_insensitive_keys=True)
    check_user_name_is_free(account, new.name)
    if new.console_password is not None:
        check_password_meets_policy(account, new.console_password)
    # The user row is new and invisible to other transactions until commit, so these
    # counts cannot race (the write halves count again under their locks).
    if len(groups) > MAX_GROUPS_PER_USER:
        raise LimitExceeded.quota("GroupsPerUser", MAX_GROUPS_PER_USER, field="groups")
    if len(policies) > MAX_POLICIES_PER_USER:
        raise LimitExceeded.quota("PoliciesPerUser", MAX_POLICIES_PER_USER, field="policies")
    with transaction.atomic():
        user = _write_create_user(actor, name=new.name, path="/", tags=tags)
        if new.console_password is not None:
            _write_create_login_profile(
                actor, user, new.console_password, new.password_reset_required
            )
        grant(actor, user, groups=groups, policies=policies, inline=inline, boundary=boundary)
    return user
