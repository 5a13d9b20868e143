"""The fixed account test suites act in when the API runs with IAM_API_AUTH=off.

As moto and LocalStack do, every request signed with an unknown key acts as the root user of
account 123456789012, created on demand; `reset_test_account` empties it between tests.
Only the API door calls these, and only in that mode.
"""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, transaction

from accounts.models import Account, Principal, Role
from domain.kernel import audit
from domain.kernel.actors import Actor

TEST_ACCOUNT_ID = "123456789012"
TEST_ROOT_EMAIL = "root@123456789012.invalid"


def test_root() -> Principal:
    """The root user of account 123456789012, creating the account the first time."""
    root = (
        Principal.objects.select_related("account")
        .filter(account_id=TEST_ACCOUNT_ID, kind=Principal.Kind.ROOT)
        .first()
    )
    if root is not None:
        return root
    try:
        with transaction.atomic():
            account = Account.objects.create(id=TEST_ACCOUNT_ID, name="Test account")
            root = Principal(
                account=account,
                kind=Principal.Kind.ROOT,
                name="",
                unique_id=TEST_ACCOUNT_ID,
                email=TEST_ROOT_EMAIL,
            )
            root.set_unusable_password()  # nobody signs in to it: it exists for the API
            root.save()
            audit.record(None, "signin:CreateAccount", account.root_arn, account=account)
    except IntegrityError:
        pass  # another request created it first
    return Principal.objects.select_related("account").get(
        account_id=TEST_ACCOUNT_ID, kind=Principal.Kind.ROOT
    )


def test_root_actor(**facts: Any) -> Actor:
    """The Actor of a request with an unknown key under IAM_API_AUTH=off: the test account's
    root, marked so that it may assume roles whose trust policy allows it (a documented
    test-mode deviation: AWS refuses root, and so does this server with signatures on)."""
    return Actor(principal=test_root(), via="api", test_mode_root=True, **facts)


def reset_test_account() -> None:
    """Deletes account 123456789012 and everything in it (it comes back on the next call)."""
    with transaction.atomic():
        # Boundaries protect their policies; clear them so the account's rows can all go.
        Principal.objects.filter(account_id=TEST_ACCOUNT_ID).update(permissions_boundary=None)
        Role.objects.filter(account_id=TEST_ACCOUNT_ID).update(permissions_boundary=None)
        Account.objects.filter(id=TEST_ACCOUNT_ID).delete()
