"""The demo organisation a newcomer signs in to (python manage.py demo)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from accounts import passwords
from accounts.models import Account, Principal
from domain import iam as services
from domain.iam import demo_mfa, demo_roles
from domain.iam import policies as policy_services
from domain.kernel.actors import system_actor
from iamconsole import private_files
from policies.models import ManagedPolicy, PolicyVersion
from policies.sync import sync_managed_policies

DEMO_ACCOUNT_ID = "111122223333"
DEMO_ALIAS = "demo"
DEMO_ACCOUNT_NAME = "Demo Organisation"
DEMO_ROOT_EMAIL = "root@demo.example"
ROOT_PASSWORD_FILE = Path(settings.BASE_DIR) / ".demo-root-password"

GROUPS: dict[str, list[str]] = {
    "Developers": ["Mia", "Oliver", "Charles"],
    "Operations": ["Lucas", "James"],
    "Audit Team": ["Charles", "Lucas"],
    "Administrators": ["Ava"],
}
USERS = ["Mia", "Oliver", "Charles", "Lucas", "James", "Henry", "Ava"]

# AWS managed policies: each group's, and those attached to a user directly.
GROUP_POLICIES: dict[str, list[str]] = {
    "Developers": ["PowerUserAccess"],
    "Operations": ["AmazonEC2FullAccess"],
    "Audit Team": ["SecurityAudit"],
    "Administrators": ["AdministratorAccess"],
}
USER_POLICIES: dict[str, list[str]] = {"Henry": ["AmazonEC2ReadOnlyAccess"]}

# AWS group names cannot contain spaces; the console shows this one as "Audit Team".
GROUP_NAMES = {
    "Developers": "Developers",
    "Operations": "Operations",
    "Audit Team": "AuditTeam",
    "Administrators": "Administrators",
}


@dataclass
class DemoResult:
    account: Account
    created: bool
    root_password: str | None
    user_passwords: dict[str, str] = field(default_factory=dict)


def _root_password() -> str:
    """The demo root password, kept in a git-ignored file so `make run` can print it."""
    return private_files.read_or_create(ROOT_PASSWORD_FILE, passwords.generate)


def load(*, reset: bool = False) -> DemoResult:
    existing = Account.objects.filter(id=DEMO_ACCOUNT_ID).first()
    if existing and reset:
        existing.delete()
        ROOT_PASSWORD_FILE.unlink(missing_ok=True)
        existing = None
    if existing:
        root = Principal.objects.get(account=existing, kind=Principal.Kind.ROOT)
        password = _root_password()
        return DemoResult(existing, False, password if root.check_password(password) else None)
    return _create()


@transaction.atomic
def _create() -> DemoResult:
    root_password = _root_password()
    account = Account.objects.create(id=DEMO_ACCOUNT_ID, name=DEMO_ACCOUNT_NAME)
    root = Principal(
        account=account,
        kind=Principal.Kind.ROOT,
        name="",
        unique_id=account.id,
        email=DEMO_ROOT_EMAIL,
    )
    root.set_password(root_password)
    root.save()
    actor = system_actor(root)
    services.create_account_alias(actor=actor, alias=DEMO_ALIAS)
    # Users must set a new password at first sign-in, so the account lets them change it.
    services.update_account_password_policy(
        actor=actor,
        rules=passwords.Rules(custom=True, minimum_length=8, allow_users_to_change=True),
    )
    result = DemoResult(account, True, root_password)
    users = {}
    for name in USERS:
        password = passwords.generate()
        users[name] = services.create_user_with_access(
            actor=actor,
            new=services.NewUser(
                name=name, console_password=password, password_reset_required=True
            ),
        )
        result.user_passwords[name] = password
    for label, members in GROUPS.items():
        services.create_group_with_members(
            actor=actor,
            name=GROUP_NAMES[label],
            members=[users[member] for member in members],
            policies=[_aws_policy(name) for name in GROUP_POLICIES[label]],
        )
    for user_name, policy_names in USER_POLICIES.items():
        for policy_name in policy_names:
            policy_services.attach_user_policy(
                actor=actor, user=users[user_name], policy=_aws_policy(policy_name)
            )
    demo_mfa.load(actor, users)  # the MFARequired group and its Force_MFA policy
    demo_roles.load(actor)  # the EC2-S3-Access role and the S3BucketReadOnly policy
    return result


def _aws_policy(name: str) -> ManagedPolicy:
    """An AWS managed policy row. The migration loads them; a test database flushed
    between tests (transactional_db) has none, so load the catalogue again then."""
    policy = ManagedPolicy.objects.filter(account=None, name=name).first()
    if policy is None:
        sync_managed_policies(ManagedPolicy, PolicyVersion)
        policy = ManagedPolicy.objects.get(account=None, name=name)
    return policy
