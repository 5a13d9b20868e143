"""IAM users and their passwords."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from accounts import arns, ids, passwords
from accounts.models import (
    AccessKey,
    Account,
    AuditEvent,
    Group,
    GroupMembership,
    MFADevice,
    PasswordHistory,
    Principal,
)
from domain.iam import password_history, tagging
from domain.iam.entity_writes import write_rename
from domain.iam.tagging import tag_request_context
from domain.kernel import audit, throttle, validators
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize, decide
from domain.kernel.errors import (
    DeleteConflict,
    EntityAlreadyExists,
    InvalidUserType,
    LimitExceeded,
    NoSuchEntity,
    PasswordPolicyViolation,
    Throttled,
    ValidationError,
)
from domain.kernel.registry import aws_action
from domain.kernel.request_context import Target
from policies.models import InlinePolicy, ManagedPolicy, PolicyAttachment

MAX_USERS_PER_ACCOUNT = 5000
# AWS's InvalidUserType, as its API reference words it.
INVALID_USER_TYPE = (
    "The request was rejected because the type of user for the transaction was incorrect."
)


# --- users -------------------------------------------------------------------------


def _authorize_create_user(
    actor: Actor,
    arn: str,
    tags: list[tuple[str, str]] | None,
    boundary: ManagedPolicy | None = None,
) -> None:
    """CreateUser carries the requested tags and boundary (aws:RequestTag, aws:TagKeys,
    iam:PermissionsBoundary)."""
    requested = tag_request_context(tags) if tags else {}
    if boundary is not None:
        requested["iam:PermissionsBoundary"] = boundary.arn
    authorize(actor, "iam:CreateUser", Target(arn), requested or None)


def _authorize_tag_new_user(actor: Actor, arn: str, tags: list[tuple[str, str]]) -> None:
    # With tags, AWS also requires iam:TagUser.
    authorize(actor, "iam:TagUser", Target(arn), tag_request_context(tags))


def _write_create_user(
    actor: Actor, *, name: str, path: str, tags: list[dict[str, str]]
) -> Principal:
    """Writes a new user row and its audit, inside the caller's transaction."""
    account = actor.account
    arn = arns.user_arn(account.id, name, path)
    # The account row is locked while users are counted, so two concurrent creates
    # cannot both pass the quota check.
    Account.objects.select_for_update().filter(pk=account.pk).first()
    if Principal.objects.filter(account=account, kind=Principal.Kind.USER).count() >= (
        MAX_USERS_PER_ACCOUNT
    ):
        raise LimitExceeded.quota("UsersPerAccount", MAX_USERS_PER_ACCOUNT)
    user = Principal(
        account=account,
        kind=Principal.Kind.USER,
        name=name,
        path=path,
        unique_id=ids.unique_id(ids.USER_PREFIX),
        tags=tags,
    )
    user.set_unusable_password()
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        # The functional unique constraint on Lower(name) decides a race.
        raise EntityAlreadyExists.user(name) from None
    audit.record(actor, "iam:CreateUser", arn)
    if tags:
        audit.record(actor, "iam:TagUser", arn, details={"keys": [t["Key"] for t in tags]})
    return user


@aws_action("iam:CreateUser")
def create_user(
    *,
    actor: Actor,
    name: str,
    path: str = "/",
    tags: list[tuple[str, str]] | None = None,
) -> Principal:
    """CreateUser (with tags, also TagUser). Console access is CreateLoginProfile; the
    Create user wizard is `domain.iam.user_creation.create_user_with_access`."""
    validators.user_name(name)
    validators.path(path)
    account = actor.account
    arn = arns.user_arn(account.id, name, path)
    _authorize_create_user(actor, arn, tags)
    if tags:
        _authorize_tag_new_user(actor, arn, tags)
    tag_list = validators.tags(tags or [], case_insensitive_keys=True)
    check_user_name_is_free(account, name)
    with transaction.atomic():
        return _write_create_user(actor, name=name, path=path, tags=tag_list)


def check_user_name_is_free(account: Account, name: str) -> None:
    """Names are unique per account ignoring case (the wizard checks this at step 1)."""
    validators.user_name(name)
    if _user_exists(account, name):
        raise EntityAlreadyExists.user(name)


def _user_exists(account: Account, name: str) -> bool:
    return (
        Principal.objects.filter(account=account, kind=Principal.Kind.USER)
        .annotate(lname=Lower("name"))
        .filter(lname=name.lower())
        .exists()
    )


def check_password_meets_policy(account: Account, password: str, field: str = "password") -> None:
    """Raises PasswordPolicyViolation when `password` breaks the account's password policy."""
    broken = passwords.problems(
        password, passwords.rules_for(account), forbidden=(account.name, _root_email(account))
    )
    if broken:
        raise PasswordPolicyViolation(" ".join(broken), field=field)


def _root_email(account: Account) -> str:
    root = Principal.objects.filter(account=account, kind=Principal.Kind.ROOT).first()
    return root.email or "" if root else ""


@aws_action("iam:UpdateUser")
def update_user(
    *, actor: Actor, user: Principal, new_name: str | None = None, new_path: str | None = None
) -> Principal:
    """UpdateUser: renames a user or moves it to another path; its ID, keys, groups and
    policies stay. Only the API renames users (the console's user page does not)."""
    name = user.name if new_name is None else new_name
    path = user.path if new_path is None else new_path
    validators.user_name(name)
    validators.path(path)
    new_arn = arns.user_arn(user.account_id, name, path)
    # AWS requires permission on both the old and the new name.
    authorize(actor, "iam:UpdateUser", user)
    if new_arn != user.arn:
        authorize(actor, "iam:UpdateUser", Target(new_arn))
    if name.lower() != user.name.lower() and _user_exists(user.account, name):
        raise EntityAlreadyExists.user(name)
    write_rename(actor, user, "iam:UpdateUser", name, path, EntityAlreadyExists.user(name))
    return user


@aws_action("iam:DeleteUser")
def delete_user(*, actor: Actor, user: Principal) -> None:
    """DeleteUser, as AWS's API does it: refused (DeleteConflict) while the user still has
    a password, access keys, group memberships, MFA devices or policies. The console's
    Delete, which removes those first, is `delete_user_with_dependents`."""
    arn = user.arn
    authorize(actor, "iam:DeleteUser", user)
    with transaction.atomic():
        locked = Principal.objects.select_for_update().filter(pk=user.pk).first()
        if locked is None:
            raise NoSuchEntity.user(user.name)
        what = _what_user_still_has(locked)
        if what:
            raise DeleteConflict.must_first(what)
        PasswordHistory.objects.filter(principal=locked).delete()
        locked.delete()
        audit.record(actor, "iam:DeleteUser", arn)


def _what_user_still_has(user: Principal) -> str | None:
    """What AWS names in DeleteUser's DeleteConflict, in the order it checks."""
    if user.has_usable_password():
        return "delete login profile"
    if AccessKey.objects.filter(principal=user).exists():
        return "delete access keys"
    if GroupMembership.objects.filter(principal=user).exists():
        return "remove users from group"
    if MFADevice.objects.filter(principal=user).exists():
        return "delete MFA device"
    if InlinePolicy.objects.filter(user=user).exists():
        return "delete policies"
    if PolicyAttachment.objects.filter(user=user).exists():
        return "detach all policies"
    return None


def delete_user_with_dependents(*, actor: Actor, user: Principal) -> None:
    """Deletes a user the way the console does: first its group memberships, password,
    access keys, MFA devices and inline policies, then detaches its managed policies and
    clears its boundary (the policies themselves stay), all in one transaction.

    The console makes one API call per step, so each step that has something to remove
    is authorized too: a user allowed only iam:DeleteUser cannot delete a user with keys.
    """
    arn = user.arn
    authorize(actor, "iam:DeleteUser", user)
    plan = _deletion_plan(user)
    for action, resource, context in plan:
        authorize(actor, action, resource, context)
    with transaction.atomic():
        locked = Principal.objects.select_for_update().filter(pk=user.pk).first()
        if locked is None:
            raise NoSuchEntity.user(user.name)
        GroupMembership.objects.filter(principal=locked).delete()
        AccessKey.objects.filter(principal=locked).delete()
        MFADevice.objects.filter(principal=locked).delete()
        InlinePolicy.objects.filter(user=locked).delete()
        PolicyAttachment.objects.filter(user=locked).delete()
        PasswordHistory.objects.filter(principal=locked).delete()
        for action, resource, context in plan:
            audit.record(actor, action, resource.arn, details=_plain(context) | {"user": user.name})
        locked.delete()
        audit.record(actor, "iam:DeleteUser", arn)


def _plain(context: dict[str, object] | None) -> dict[str, object]:
    return dict(context or {})


def _deletion_plan(
    user: Principal,
) -> list[tuple[str, Principal | Group, dict[str, object] | None]]:
    """The calls the console makes before DeleteUser, for what `user` actually has."""
    plan: list[tuple[str, Principal | Group, dict[str, object] | None]] = []
    for group in Group.objects.filter(groupmembership__principal=user):
        plan.append(("iam:RemoveUserFromGroup", group, None))
    if user.has_usable_password():
        plan.append(("iam:DeleteLoginProfile", user, None))
    for key_id in AccessKey.objects.filter(principal=user).values_list("access_key_id", flat=True):
        plan.append(("iam:DeleteAccessKey", user, {"accessKeyId": key_id}))
    for device in MFADevice.objects.filter(principal=user):
        plan.append(("iam:DeactivateMFADevice", user, {"serialNumber": device.arn}))
    for name in InlinePolicy.objects.filter(user=user).values_list("name", flat=True):
        plan.append(("iam:DeleteUserPolicy", user, {"policyName": name}))
    for policy in ManagedPolicy.objects.filter(attachments__user=user):
        plan.append(("iam:DetachUserPolicy", user, {"iam:PolicyARN": policy.arn}))
    if user.permissions_boundary_id:
        plan.append(("iam:DeleteUserPermissionsBoundary", user, None))
    return plan


# --- tags --------------------------------------------------------------------------


@aws_action("iam:TagUser")
def tag_user(*, actor: Actor, user: Principal, tags: list[tuple[str, str]]) -> None:
    tagging.add_tags(actor=actor, obj=user, action="iam:TagUser", tags=tags)


@aws_action("iam:UntagUser")
def untag_user(*, actor: Actor, user: Principal, keys: list[str]) -> None:
    tagging.remove_tags(actor=actor, obj=user, action="iam:UntagUser", keys=keys)


# --- own password ------------------------------------------------------------------


@aws_action("iam:ChangePassword")
def change_password(*, actor: Actor, old_password: str, new_password: str) -> None:
    """A user (or root) changes their own password, e.g. at a forced reset."""
    if actor.role_session is not None:
        # A role session is not the person who assumed the role: never their password.
        raise InvalidUserType(INVALID_USER_TYPE)
    principal = actor.principal
    if not principal.is_root:
        _authorize_change_password(actor)
    confirm_current_password(
        actor, old_password, action="iam:ChangePassword", resource=principal.arn
    )
    if new_password == old_password:
        raise PasswordPolicyViolation(
            "The new password must be different from the current password.",
            field="new_password",
        )
    if principal.is_root:
        # The root user follows AWS's default rules, never the account's IAM policy.
        broken = passwords.problems(
            new_password,
            passwords.DEFAULT_RULES,
            forbidden=(principal.account.name, principal.email or ""),
        )
        if broken:
            raise PasswordPolicyViolation(" ".join(broken), field="new_password")
    else:
        check_password_meets_policy(principal.account, new_password, field="new_password")
        password_history.check_not_reused(
            principal, new_password, passwords.rules_for(principal.account)
        )
    with transaction.atomic():
        password_history.remember_current_password(principal)
        principal.set_password(new_password)
        principal.password_last_changed = timezone.now()
        principal.password_reset_required = False
        principal.save(
            update_fields=["password", "password_last_changed", "password_reset_required"]
        )
        audit.record(actor, "iam:ChangePassword", principal.arn)


def confirm_current_password(
    actor: Actor,
    password: str,
    *,
    action: str,
    resource: str,
    field: str = "old_password",
    message: str = "The current password is incorrect.",
) -> None:
    """The acting principal re-enters their own password (a password change, an MFA
    device removal): throttled per principal, and every wrong one is audited."""
    principal = actor.principal
    if throttle.current_password_blocked(principal.unique_id):
        audit.record(
            actor, action, resource, outcome=AuditEvent.Outcome.FAILED, error_code="Throttling"
        )
        raise Throttled(throttle.CURRENT_PASSWORD_MESSAGE, field=field)
    if not password or not principal.check_password(password):
        throttle.current_password_failed(principal.unique_id)
        audit.record(
            actor,
            action,
            resource,
            outcome=AuditEvent.Outcome.FAILED,
            error_code="Failed authentication",
            details={"reason": "wrong current password"},
        )
        raise ValidationError(message, field=field)


def _authorize_change_password(actor: Actor) -> None:
    """AWS lets users change their own password when the account's password policy
    allows it, and otherwise only with iam:ChangePassword (IAMUserChangePassword)."""
    me = actor.principal
    decision = decide(actor, "iam:ChangePassword", me)
    if decision is not None and decision.effect == "explicit_deny":
        authorize(actor, "iam:ChangePassword", me)  # records the denial, then raises
    if passwords.rules_for(actor.account).allow_users_to_change:
        return
    # An expired password (without hard expiry) must be changeable at sign-in.
    if password_history.is_expired(actor.principal):
        return
    authorize(actor, "iam:ChangePassword", me)
