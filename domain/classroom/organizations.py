"""Member accounts, as AWS Organizations creates and closes them for a management account
(here: an instructor's account and its classes' student accounts)."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from accounts import ids
from accounts.models import Account, Principal, Role
from classroom.models import Student
from domain import s3
from domain.iam import roles
from domain.kernel import audit
from domain.kernel.actors import Actor, system_actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import AccessDenied, ValidationError
from domain.kernel.registry import aws_action
from policies.models import ManagedPolicy

ACCESS_ROLE = "OrganizationAccountAccessRole"
ADMINISTRATOR_ACCESS = "AdministratorAccess"
MEMBER_CANNOT_MANAGE = (
    "You don't have permissions to access this resource. "
    "A member account of a class cannot create or close accounts."
)


def _free_account_id() -> str:
    while True:
        candidate = ids.account_id()
        if not Account.objects.filter(id=candidate).exists():
            return candidate


def check_management_account(actor: Actor) -> None:
    """Only a management account creates or closes accounts: a student's account cannot."""
    if Student.objects.filter(student_account=actor.account).exists():
        raise AccessDenied(MEMBER_CANNOT_MANAGE)


@aws_action("organizations:CreateAccount")
def create_account(*, actor: Actor, email: str, account_name: str) -> Account:
    """A member account with its root user (no password: as in AWS, its root signs in only
    after a password reset) and the OrganizationAccountAccessRole, which grants
    AdministratorAccess to the management account. Inside the caller's transaction."""
    authorize(actor, "organizations:CreateAccount", "*")
    check_management_account(actor)
    if not account_name or len(account_name) > 50:
        raise ValidationError("The account name must be 1 to 50 characters.", field="name")
    with transaction.atomic():
        account = Account.objects.create(id=_free_account_id(), name=account_name)
        root = Principal(
            account=account,
            kind=Principal.Kind.ROOT,
            name="",
            unique_id=account.id,
            email=email.replace("{account}", account.id),
            password_last_changed=timezone.now(),
        )
        root.set_unusable_password()
        root.save()
        audit.record(
            actor, "organizations:CreateAccount", account.root_arn, details={"name": account_name}
        )
        audit.record(None, "signin:CreateAccount", account.root_arn, account=account)
        member_root = system_actor(root)
        roles.create_role_with_permissions(
            actor=member_root,
            name=ACCESS_ROLE,
            trust_policy=roles.account_trust_policy(actor.account.id),
            policies=[administrator_access()],
        )
    return account


def administrator_access() -> ManagedPolicy:
    return ManagedPolicy.objects.get(account__isnull=True, name=ADMINISTRATOR_ACCESS)


def member_root(account: Account) -> Actor:
    """The member account's root, as the management account acts in it (StackSets with
    service-managed permissions, the class's resets)."""
    return system_actor(Principal.objects.get(account=account, kind=Principal.Kind.ROOT))


@aws_action("organizations:CloseAccount")
def close_account(*, actor: Actor, account: Account) -> None:
    """Closes a member account of one of the actor's classes: the account and everything in
    it are deleted."""
    authorize(actor, "organizations:CloseAccount", "*")
    check_management_account(actor)
    student = Student.objects.filter(
        student_account=account, lab_class__account=actor.account
    ).first()
    if student is None:
        raise AccessDenied(MEMBER_CANNOT_MANAGE)
    with transaction.atomic():
        audit.record(actor, "organizations:CloseAccount", account.root_arn)
        # Boundaries protect their policies from deletion; everything goes at once here.
        Principal.objects.filter(account=account).update(permissions_boundary=None)
        Role.objects.filter(account=account).update(permissions_boundary=None)
        # Its buckets and objects go with it; their stored bytes once this commits.
        s3.discard_account_bytes(account)
        account.delete()
