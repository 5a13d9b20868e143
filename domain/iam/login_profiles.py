"""Console access of IAM users: AWS's login profile (a password, and whether it must be
changed at the next sign-in)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts import passwords
from accounts.models import Principal
from domain.iam import password_history
from domain.iam.users import check_password_meets_policy
from domain.kernel import audit
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import EntityAlreadyExists, NoSuchEntity
from policies.models import ManagedPolicy, PolicyAttachment

CHANGE_PASSWORD_POLICY = "IAMUserChangePassword"


def change_password_policy_needed(user_account: object, password_reset_required: bool) -> bool:
    """AWS attaches IAMUserChangePassword when a reset is required and the account's
    password policy does not let users change their own password."""
    return password_reset_required and not passwords.rules_for(user_account).allow_users_to_change


def change_password_policy() -> ManagedPolicy | None:
    return ManagedPolicy.objects.filter(account__isnull=True, name=CHANGE_PASSWORD_POLICY).first()


def _lock(user: Principal) -> Principal:
    locked = Principal.objects.select_for_update().filter(pk=user.pk, kind="user").first()
    if locked is None:
        raise NoSuchEntity(f"The user with name {user.name} cannot be found.")
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


def _attach_change_password(actor: Actor, user: Principal) -> None:
    # Called inside the caller's transaction after the caller authorized the attachment.
    policy = change_password_policy()
    if policy is None or PolicyAttachment.objects.filter(policy=policy, user=user).exists():
        return
    PolicyAttachment.objects.create(policy=policy, user=user)
    audit.record(actor, "iam:AttachUserPolicy", user.arn, details={"policy": policy.arn})


def _authorize_change_password_attachment(actor: Actor, user: Principal, reset: bool) -> bool:
    needed = change_password_policy_needed(user.account, reset)
    policy = change_password_policy() if needed else None
    if policy is not None:
        authorize(actor, "iam:AttachUserPolicy", user, {"iam:PolicyARN": policy.arn})
    return policy is not None


def create_login_profile(
    *, actor: Actor, user: Principal, password: str, password_reset_required: bool = True
) -> None:
    """Enables console access with `password` (CreateLoginProfile)."""
    authorize(actor, "iam:CreateLoginProfile", user)
    attach = _authorize_change_password_attachment(actor, user, password_reset_required)
    if user.has_usable_password():
        raise EntityAlreadyExists(f"Login Profile for user {user.name} already exists.")
    _check_new_password(user, password)
    with transaction.atomic():
        locked = _lock(user)
        if locked.has_usable_password():
            raise EntityAlreadyExists(f"Login Profile for user {user.name} already exists.")
        _set_password(locked, password, password_reset_required)
        if attach:
            _attach_change_password(actor, locked)
        audit.record(actor, "iam:CreateLoginProfile", user.arn)
    user.refresh_from_db()


def update_login_profile(
    *,
    actor: Actor,
    user: Principal,
    password: str | None,
    password_reset_required: bool,
) -> None:
    """Resets the password (None keeps it) and sets the reset-required flag."""
    authorize(actor, "iam:UpdateLoginProfile", user)
    attach = _authorize_change_password_attachment(actor, user, password_reset_required)
    if not user.has_usable_password():
        raise NoSuchEntity(f"Login Profile for User {user.name} cannot be found.")
    if password is not None:
        _check_new_password(user, password)
    with transaction.atomic():
        locked = _lock(user)
        if password is None:
            locked.password_reset_required = password_reset_required
            locked.save(update_fields=["password_reset_required"])
        else:
            _set_password(locked, password, password_reset_required)
        if attach:
            _attach_change_password(actor, locked)
        audit.record(
            actor,
            "iam:UpdateLoginProfile",
            user.arn,
            details={"new_password": password is not None, "reset": password_reset_required},
        )
    user.refresh_from_db()


def delete_login_profile(*, actor: Actor, user: Principal) -> None:
    """Disables console access: the user can no longer sign in with a password."""
    authorize(actor, "iam:DeleteLoginProfile", user)
    if not user.has_usable_password():
        raise NoSuchEntity(f"Login Profile for User {user.name} cannot be found.")
    with transaction.atomic():
        locked = _lock(user)
        # Kept for reuse prevention: enabling console access again cannot bring it back.
        password_history.remember_current_password(locked)
        locked.set_unusable_password()
        locked.password_reset_required = False
        locked.save(update_fields=["password", "password_reset_required"])
        audit.record(actor, "iam:DeleteLoginProfile", user.arn)
    user.refresh_from_db()
