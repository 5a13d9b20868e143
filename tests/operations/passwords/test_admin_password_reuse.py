"""An administrator's password reset (CreateLoginProfile, UpdateLoginProfile) follows the
password policy's reuse prevention, as a user's own change does."""

from __future__ import annotations

import pytest

from accounts.models import AuditEvent, PasswordHistory, Principal
from accounts.passwords import Rules
from domain import iam as services
from domain.iam import password_history
from domain.kernel.actors import Actor
from domain.kernel.errors import PasswordPolicyViolation
from tests.conftest import PASSWORD

SECOND = "Second-Pass-22"
THIRD = "Third-Pass-333"


def remember(root_actor: Actor, count: int) -> None:
    services.update_account_password_policy(
        actor=root_actor,
        rules=Rules(
            custom=True, minimum_length=8, allow_users_to_change=True, reuse_prevention=count
        ),
    )


def reset(root_actor: Actor, user: Principal, password: str) -> None:
    services.update_login_profile(
        actor=root_actor, user=user, password=password, password_reset_required=False
    )


def test_an_admin_cannot_reset_a_password_to_the_current_one(
    root_actor: Actor, alice: Principal
) -> None:
    remember(root_actor, 1)
    before = alice.password
    with pytest.raises(PasswordPolicyViolation) as refused:
        reset(root_actor, alice, PASSWORD)
    assert refused.value.message == password_history.REUSE_MESSAGE
    assert refused.value.field == "password"
    alice.refresh_from_db()
    assert alice.password == before
    assert not PasswordHistory.objects.filter(principal=alice).exists()
    assert not AuditEvent.objects.filter(
        action="iam:UpdateLoginProfile", outcome="allowed"
    ).exists()


def test_an_admin_reset_refuses_the_remembered_passwords_and_allows_older_ones(
    root_actor: Actor, alice: Principal
) -> None:
    remember(root_actor, 2)
    reset(root_actor, alice, SECOND)
    reset(root_actor, alice, THIRD)
    # Remembered: THIRD (current) and SECOND; PASSWORD is three passwords back.
    for password in (THIRD, SECOND):
        with pytest.raises(PasswordPolicyViolation):
            reset(root_actor, alice, password)
    reset(root_actor, alice, PASSWORD)
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_without_reuse_prevention_an_admin_may_set_the_same_password_again(
    root_actor: Actor, alice: Principal
) -> None:
    reset(root_actor, alice, PASSWORD)
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


def test_console_access_enabled_again_cannot_bring_back_a_remembered_password(
    root_actor: Actor, alice: Principal
) -> None:
    remember(root_actor, 3)
    services.delete_login_profile(actor=root_actor, user=alice)
    with pytest.raises(PasswordPolicyViolation, match="password reuse prevention"):
        services.create_login_profile(actor=root_actor, user=alice, password=PASSWORD)
    alice.refresh_from_db()
    assert not alice.has_usable_password()
    services.create_login_profile(actor=root_actor, user=alice, password=SECOND)
    alice.refresh_from_db()
    assert alice.check_password(SECOND)


def test_a_reset_by_an_admin_counts_for_the_users_own_next_change(
    root_actor: Actor, alice: Principal
) -> None:
    remember(root_actor, 2)
    reset(root_actor, alice, SECOND)
    alice.refresh_from_db()
    alice_actor = Actor(principal=alice, source_ip="127.0.0.1")
    with pytest.raises(PasswordPolicyViolation):
        services.change_password(actor=alice_actor, old_password=SECOND, new_password=PASSWORD)
