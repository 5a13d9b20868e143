"""Console access of IAM users: AWS's login profile (a password, and whether it must be
changed at the next sign-in)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts import passwords
from accounts.models import Account, Principal
from domain.iam import password_history
from domain.iam.policies import _authorize_attach, _write_attach
from domain.iam.users import check_password_meets_policy
from domain.kernel import audit
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import EntityAlreadyExists, NoSuchEntity
from domain.kernel.registry import aws_action
from domain.kernel.request_context import Resource
from policies.models import ManagedPolicy

CHANGE_PASSWORD_POLICY = "IAMUserChangePassword"


def change_password_policy_needed(user_account: Account, password_reset_required: bool) -> bool:
    """AWS attaches IAMUserChangePassword when a reset is required and the account's
    password policy does not let users change their own password."""
    return password_reset_required and not passwords.rules_for(user_account).allow_users_to_change


def change_password_policy() -> ManagedPolicy | None:
    return ManagedPolicy.objects.filter(account__isnull=True, name=CHANGE_PASSWORD_POLICY).first()


def _lock(user: Principal) -> Principal:
    locked = Principal.objects.select_for_update().filter(pk=user.pk, kind="user").first()
    if locked is None:
        raise NoSuchEntity.user(user.name)
    return locked


def _set_password(user: Principal, password: str, reset_required: bool) -> None:
    password_history.remember_current_password(user)
    user.set_password(password)
    user.password_last_changed = timezone.now()
    user.password_reset_required = reset_required
    user.save(update_fields=["password", "password_last_changed", "password_reset_required"])


def _check_new_password(user: Principal, password: str) -> None:
    """The password policy's rules and its reuse prevention, as when users change their own:
    an administrator cannot hand back a password the user had recently either."""
    check_password_meets_policy(user.account, password)
    password_history.check_not_reused(
        user, password, passwords.rules_for(user.account), field="password"
    )


def _change_password_attachment(
    actor: Actor, seen_as: Resource, account: Account, reset: bool
) -> ManagedPolicy | None:
    """The IAMUserChangePassword policy AWS attaches with a required reset (when the
    password policy does not let users change their own), its AttachUserPolicy decided."""
    policy = change_password_policy() if change_password_policy_needed(account, reset) else None
    if policy is not None:
        _authorize_attach(actor, "user", seen_as, policy)
    return policy


def _authorize_create_login_profile(actor: Actor, seen_as: Resource) -> None:
    authorize(actor, "iam:CreateLoginProfile", seen_as)


def _write_create_login_profile(
    actor: Actor, user: Principal, password: str, password_reset_required: bool
) -> None:
    """Inside the caller's transaction (callers check the password first)."""
    locked = _lock(user)
    if locked.has_usable_password():
        raise EntityAlreadyExists.login_profile(user.name)
    _set_password(locked, password, password_reset_required)
    user.password = locked.password
    user.password_last_changed = locked.password_last_changed
    user.password_reset_required = locked.password_reset_required
    audit.record(actor, "iam:CreateLoginProfile", user.arn)


@aws_action("iam:CreateLoginProfile")
def create_login_profile(
    *, actor: Actor, user: Principal, password: str, password_reset_required: bool = True
) -> None:
    """Enables console access with `password` (CreateLoginProfile)."""
    _authorize_create_login_profile(actor, user)
    extra = _change_password_attachment(actor, user, user.account, password_reset_required)
    if user.has_usable_password():
        raise EntityAlreadyExists.login_profile(user.name)
    _check_new_password(user, password)
    with transaction.atomic():
        _write_create_login_profile(actor, user, password, password_reset_required)
        if extra is not None:
            _write_attach(actor, user, extra)
    user.refresh_from_db()


@aws_action("iam:UpdateLoginProfile")
def update_login_profile(
    *,
    actor: Actor,
    user: Principal,
    password: str | None,
    password_reset_required: bool,
) -> None:
    """Resets the password (None keeps it) and sets the reset-required flag."""
    authorize(actor, "iam:UpdateLoginProfile", user)
    extra = _change_password_attachment(actor, user, user.account, password_reset_required)
    if not user.has_usable_password():
        raise NoSuchEntity.login_profile(user.name)
    if password is not None:
        _check_new_password(user, password)
    with transaction.atomic():
        locked = _lock(user)
        if password is None:
            locked.password_reset_required = password_reset_required
            locked.save(update_fields=["password_reset_required"])
        else:
            _set_password(locked, password, password_reset_required)
        if extra is not None:
            _write_attach(actor, locked, extra)
        audit.record(
            actor,
            "iam:UpdateLoginProfile",
            user.arn,
            details={"new_password": password is not None, "reset": password_reset_required},
        )
    user.refresh_from_db()


@aws_action("iam:DeleteLoginProfile")
def delete_login_profile(*, actor: Actor, user: Principal) -> None:
    """Disables console access: the user can no longer sign in with a password."""
    authorize(actor, "iam:DeleteLoginProfile", user)
    if not user.has_usable_password():
        raise NoSuchEntity.login_profile(user.name)
    with transaction.atomic():
        locked = _lock(user)
        # Kept for reuse prevention: enabling console access again cannot bring it back.
        password_history.remember_current_password(locked)
        locked.set_unusable_password()
        locked.password_reset_required = False
        locked.save(update_fields=["password", "password_reset_required"])
        audit.record(actor, "iam:DeleteLoginProfile", user.arn)
    user.refresh_from_db()
