"""The operations layer for accounts, users and groups.

Every change is a function here: it authorizes the actor, validates, writes inside one
transaction and records an audit event. Views, commands and the API call these and
hold no business logic of their own.
"""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from accounts import arns, audit, ids, passwords, validators
from accounts.actors import Actor
from accounts.models import Account, Group, GroupMembership, PasswordPolicy, Principal
from iamconsole.errors import (
    AccessDenied,
    EntityAlreadyExists,
    LimitExceeded,
    PasswordPolicyViolation,
    ValidationError,
)
from policies.authorization import authorize, decide

MAX_GROUPS_PER_USER = 10
MAX_USERS_PER_ACCOUNT = 5000
MAX_GROUPS_PER_ACCOUNT = 300

# --- accounts ----------------------------------------------------------------------


def sign_up(*, email: str, account_name: str, password: str) -> Account:
    """Creates an account and its root user (public sign-up: one account per student)."""
    email = email.strip()
    account_name = account_name.strip()
    try:
        validate_email(email)
    except DjangoValidationError:
        raise ValidationError("Enter a valid email address.", field="email") from None
    if not account_name or len(account_name) > 50:
        raise ValidationError("The account name must be 1 to 50 characters.", field="account_name")
    broken = passwords.problems(password, passwords.DEFAULT_RULES, forbidden=(account_name, email))
    if broken:
        raise PasswordPolicyViolation(" ".join(broken), field="password")
    if Principal.objects.filter(email__iexact=email).exists():
        raise EntityAlreadyExists(
            "An account with this email address already exists.", field="email"
        )
    try:
        with transaction.atomic():
            account = Account.objects.create(id=_free_account_id(), name=account_name)
            Principal.objects.create(
                account=account,
                kind=Principal.Kind.ROOT,
                name="",
                unique_id=account.id,
                email=email,
                password=make_password(password),
                password_last_changed=timezone.now(),
            )
            audit.record(None, "signin:CreateAccount", account.root_arn, account=account)
    except IntegrityError:
        raise EntityAlreadyExists(
            "An account with this email address already exists.", field="email"
        ) from None
    return account


def _free_account_id() -> str:
    while True:
        candidate = ids.account_id()
        if not Account.objects.filter(id=candidate).exists():
            return candidate


def set_account_alias(*, actor: Actor, alias: str) -> Account:
    """Creates or replaces the account alias (one per account, unique installation-wide)."""
    alias = alias.strip()
    authorize(actor, "iam:CreateAccountAlias", "*")
    validators.account_alias(alias)
    account = actor.account
    if Account.objects.filter(alias=alias).exclude(id=account.id).exists():
        raise EntityAlreadyExists(f"The account alias {alias} already exists.", field="alias")
    try:
        with transaction.atomic():
            old = account.alias
            account.alias = alias
            account.save(update_fields=["alias"])
            audit.record(actor, "iam:CreateAccountAlias", "*", details={"old": old, "new": alias})
    except IntegrityError:
        raise EntityAlreadyExists(
            f"The account alias {alias} already exists.", field="alias"
        ) from None
    return account


def delete_account_alias(*, actor: Actor) -> Account:
    authorize(actor, "iam:DeleteAccountAlias", "*")
    account = actor.account
    with transaction.atomic():
        old = account.alias
        account.alias = None
        account.save(update_fields=["alias"])
        audit.record(actor, "iam:DeleteAccountAlias", "*", details={"old": old})
    return account


def set_password_policy(*, actor: Actor, rules: passwords.Rules | None) -> None:
    """Sets the custom password policy, or restores the IAM default with None."""
    authorize(
        actor,
        "iam:UpdateAccountPasswordPolicy" if rules else "iam:DeleteAccountPasswordPolicy",
        "*",
    )
    account = actor.account
    with transaction.atomic():
        if rules is None:
            PasswordPolicy.objects.filter(account=account).delete()
            audit.record(actor, "iam:DeleteAccountPasswordPolicy", "*")
            return
        PasswordPolicy.objects.update_or_create(
            account=account,
            defaults={
                "minimum_password_length": rules.minimum_length,
                "require_symbols": rules.require_symbols,
                "require_numbers": rules.require_numbers,
                "require_uppercase_characters": rules.require_uppercase,
                "require_lowercase_characters": rules.require_lowercase,
                "allow_users_to_change_password": rules.allow_users_to_change,
                "max_password_age": rules.max_age_days,
                "password_reuse_prevention": rules.reuse_prevention,
                "hard_expiry": rules.hard_expiry,
            },
        )
        audit.record(actor, "iam:UpdateAccountPasswordPolicy", "*")


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
    _check_new_password(principal.account, new_password, field="new_password")
    with transaction.atomic():
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
    authorize(actor, "iam:ChangePassword", arn)


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
