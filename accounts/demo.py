"""The demo organisation a newcomer signs in to (python manage.py demo)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from accounts import passwords, services
from accounts.actors import system_actor
from accounts.models import Account, Principal

DEMO_ACCOUNT_ID = "111122223333"
DEMO_ALIAS = "demo"
DEMO_ACCOUNT_NAME = "Demo Organisation"
DEMO_ROOT_EMAIL = "root@demo.example"
ROOT_PASSWORD_FILE = Path(settings.BASE_DIR) / ".demo-root-password"

GROUPS: dict[str, list[str]] = {
    "Developers": ["Mia", "Oliver", "Charles"],
    "Operations": ["Lucas", "James"],
    "Audit Team": ["Charles", "Lucas"],
}
USERS = ["Mia", "Oliver", "Charles", "Lucas", "James", "Henry"]

# AWS group names cannot contain spaces; the console shows this one as "Audit Team".
GROUP_NAMES = {"Developers": "Developers", "Operations": "Operations", "Audit Team": "AuditTeam"}


@dataclass
class DemoResult:
    account: Account
    created: bool
    root_password: str | None
    user_passwords: dict[str, str] = field(default_factory=dict)


def _root_password() -> str:
    """The demo root password, kept in a git-ignored file so `make run` can print it."""
    try:
        return ROOT_PASSWORD_FILE.read_text().strip()
    except FileNotFoundError:
        password = passwords.generate()
        ROOT_PASSWORD_FILE.write_text(password)
        ROOT_PASSWORD_FILE.chmod(0o600)
        return password


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
    services.set_account_alias(actor=actor, alias=DEMO_ALIAS)
    # Users must set a new password at first sign-in, so the account lets them change it.
    services.set_password_policy(
        actor=actor,
        rules=passwords.Rules(custom=True, minimum_length=8, allow_users_to_change=True),
    )
    result = DemoResult(account, True, root_password)
    users = {}
    for name in USERS:
        password = passwords.generate()
        users[name] = services.create_user(
            actor=actor, name=name, password=password, password_reset_required=True
        )
        result.user_passwords[name] = password
    for label, members in GROUPS.items():
        group = services.create_group(actor=actor, name=GROUP_NAMES[label])
        for member in members:
            services.add_user_to_group(actor=actor, group=group, user=users[member])
    return result
