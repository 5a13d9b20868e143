"""IAM users and their passwords."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from accounts import arns, audit, ids, password_history, passwords, validators
from accounts.actors import Actor
from accounts.models import Account, Principal
from iamconsole.errors import (
    AccessDenied,
    EntityAlreadyExists,
    LimitExceeded,
    PasswordPolicyViolation,
    ValidationError,
)
from policies.authorization import authorize, decide

MAX_USERS_PER_ACCOUNT = 5000


# --- users -------------------------------------------------------------------------


def create_user(
    *,
    actor: Actor,
    name: str,
    path: str = "/",
    password: str | None = None,
    password_reset_required: bool = False,
    tags: list[tuple[str, str]] | None = None,
) -> Principal:
    """Creates an IAM user; with `password`, also its console access (login profile)."""
    validators.user_name(name)
    validators.path(path)
    account = actor.account
    arn = arns.user_arn(account.id, name, path)
    authorize(actor, "iam:CreateUser", arn)
    tag_list = validators.tags(tags or [], case_insensitive_keys=True)
    if password is not None:
        _check_new_password(account, password)
    if _user_exists(account, name):
        raise EntityAlreadyExists(f"User with name {name} already exists.", field="name")
    try:
        with transaction.atomic():
            if Principal.objects.filter(account=account, kind=Principal.Kind.USER).count() >= (
                MAX_USERS_PER_ACCOUNT
            ):
                raise LimitExceeded(
                    f"Cannot exceed quota for UsersPerAccount: {MAX_USERS_PER_ACCOUNT}."
                )
            user = Principal(
                account=account,
                kind=Principal.Kind.USER,
                name=name,
                path=path,
                unique_id=ids.unique_id(ids.USER_PREFIX),
                tags=tag_list,
            )
            if password is None:
                user.set_unusable_password()
            else:
                user.set_password(password)
                user.password_last_changed = timezone.now()
                user.password_reset_required = password_reset_required
            user.save()
            audit.record(actor, "iam:CreateUser", arn)
    except IntegrityError:
        raise EntityAlreadyExists(f"User with name {name} already exists.", field="name") from None
    return user


def _user_exists(account: Account, name: str) -> bool:
    return (
        Principal.objects.filter(account=account, kind=Principal.Kind.USER)
        .annotate(lname=Lower("name"))
        .filter(lname=name.lower())
        .exists()
    )


def _check_new_password(account: Account, password: str, field: str = "password") -> None:
    broken = passwords.problems(
        password, passwords.rules_for(account), forbidden=(account.name, _root_email(account))
    )
    if broken:
        raise PasswordPolicyViolation(" ".join(broken), field=field)


def _root_email(account: Account) -> str:
    root = Principal.objects.filter(account=account, kind=Principal.Kind.ROOT).first()
    return root.email or "" if root else ""


def change_own_password(*, actor: Actor, old_password: str, new_password: str) -> None:
    """A user (or root) changes their own password, e.g. at a forced reset."""
    principal = actor.principal
    if not principal.is_root:
        _authorize_change_password(actor)
    if not principal.check_password(old_password):
        raise ValidationError("The current password is incorrect.", field="old_password")
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
        _check_new_password(principal.account, new_password, field="new_password")
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


def _authorize_change_password(actor: Actor) -> None:
    """AWS lets users change their own password when the account's password policy
    allows it, and otherwise only with iam:ChangePassword (IAMUserChangePassword)."""
    arn = actor.principal.arn
    decision = decide(actor, "iam:ChangePassword", arn)
    if decision is not None and decision.effect == "explicit_deny":
        raise AccessDenied(decision.message)
    if passwords.rules_for(actor.account).allow_users_to_change:
        return
    # An expired password (without hard expiry) must be changeable at sign-in.
    if password_history.is_expired(actor.principal):
        return
    authorize(actor, "iam:ChangePassword", arn)
