"""Accounts: sign-up, the account alias and the password policy."""

from __future__ import annotations

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import ids, passwords
from accounts.backends import normalize_email
from accounts.models import Account, PasswordPolicy, Principal
from domain.iam.password_policy import validate_password_policy
from domain.kernel import audit, throttle, validators
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import (
    EntityAlreadyExists,
    PasswordPolicyViolation,
    Throttled,
    ValidationError,
)
from domain.kernel.registry import aws_action

# --- accounts ----------------------------------------------------------------------


def sign_up(
    *, email: str, account_name: str, password: str, source_ip: str | None = None
) -> Account:
    """Creates an account and its root user (public sign-up: one account per student).

    The email is stored in its one normalized form (the form sign-in looks up), and
    sign-ups from one address are limited (`SIGNUP_LIMIT_PER_ADDRESS` an hour).
    """
    email = normalize_email(email)
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
    if Principal.objects.filter(email=email).exists():
        raise EntityAlreadyExists.account_email()
    if not throttle.reserve_signup(source_ip):
        raise Throttled(throttle.SIGNUP_MESSAGE)
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
        raise EntityAlreadyExists.account_email() from None
    return account


def _free_account_id() -> str:
    while True:
        candidate = ids.account_id()
        if not Account.objects.filter(id=candidate).exists():
            return candidate


@aws_action("iam:CreateAccountAlias")
def create_account_alias(*, actor: Actor, alias: str) -> Account:
    """Creates or replaces the account alias (one per account, unique installation-wide)."""
    alias = alias.strip()
    authorize(actor, "iam:CreateAccountAlias", "*")
    validators.account_alias(alias)
    account = actor.account
    if Account.objects.filter(alias=alias).exclude(id=account.id).exists():
        raise EntityAlreadyExists.account_alias(alias)
    try:
        with transaction.atomic():
            old = account.alias
            account.alias = alias
            account.save(update_fields=["alias"])
            audit.record(actor, "iam:CreateAccountAlias", "*", details={"old": old, "new": alias})
    except IntegrityError:
        raise EntityAlreadyExists.account_alias(alias) from None
    return account


@aws_action("iam:DeleteAccountAlias")
def delete_account_alias(*, actor: Actor) -> Account:
    authorize(actor, "iam:DeleteAccountAlias", "*")
    account = actor.account
    with transaction.atomic():
        old = account.alias
        account.alias = None
        account.save(update_fields=["alias"])
        audit.record(actor, "iam:DeleteAccountAlias", "*", details={"old": old})
    return account


@aws_action("iam:UpdateAccountPasswordPolicy")
def update_account_password_policy(*, actor: Actor, rules: passwords.Rules) -> None:
    """Sets the account's custom password policy."""
    authorize(actor, "iam:UpdateAccountPasswordPolicy", "*")
    validate_password_policy(rules)
    with transaction.atomic():
        PasswordPolicy.objects.update_or_create(
            account=actor.account,
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


@aws_action("iam:DeleteAccountPasswordPolicy")
def delete_account_password_policy(*, actor: Actor) -> None:
    """Restores the IAM default password policy."""
    authorize(actor, "iam:DeleteAccountPasswordPolicy", "*")
    with transaction.atomic():
        PasswordPolicy.objects.filter(account=actor.account).delete()
        audit.record(actor, "iam:DeleteAccountPasswordPolicy", "*")
