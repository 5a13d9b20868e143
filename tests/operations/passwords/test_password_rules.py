from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import PasswordHistory, PasswordPolicy, Principal
from accounts.passwords import Rules
from domain import iam as services
from domain.iam import password_history
from domain.kernel.actors import Actor, system_actor
from domain.kernel.errors import PasswordPolicyViolation, ValidationError
from tests.conftest import PASSWORD


def custom(**kwargs: object) -> Rules:
    return Rules(custom=True, allow_users_to_change=True, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        (custom(minimum_length=5), "minimum_length"),
        (custom(minimum_length=129), "minimum_length"),
        (custom(max_age_days=0), "max_age_days"),
        (custom(max_age_days=1096), "max_age_days"),
        (custom(reuse_prevention=0), "reuse_prevention"),
        (custom(reuse_prevention=25), "reuse_prevention"),
    ],
)
def test_values_just_outside_the_ranges_are_refused_and_change_nothing(
    root_actor: Actor, rules: Rules, field: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        services.update_account_password_policy(actor=root_actor, rules=rules)
    assert caught.value.field == field
    assert not PasswordPolicy.objects.exists()


@pytest.mark.parametrize(
    "rules",
    [
        custom(minimum_length=6),
        custom(minimum_length=128),
        custom(max_age_days=1),
        custom(max_age_days=1095),
        custom(reuse_prevention=1),
        custom(reuse_prevention=24),
    ],
)
def test_values_at_the_bounds_are_saved(root_actor: Actor, rules: Rules) -> None:
    services.update_account_password_policy(actor=root_actor, rules=rules)
    saved = PasswordPolicy.objects.get()
    assert saved.minimum_password_length == rules.minimum_length
    assert saved.max_password_age == rules.max_age_days
    assert saved.password_reuse_prevention == rules.reuse_prevention


def change(user: Principal, old: str, new: str) -> None:
    services.change_password(actor=system_actor(user), old_password=old, new_password=new)


def test_reuse_prevention_refuses_the_remembered_passwords(
    root_actor: Actor, alice: Principal
) -> None:
    services.update_account_password_policy(actor=root_actor, rules=custom(reuse_prevention=2))
    change(alice, PASSWORD, "Second-Pass-2")
    with pytest.raises(PasswordPolicyViolation, match="password reuse prevention"):
        change(alice, "Second-Pass-2", PASSWORD)  # one back: remembered
    change(alice, "Second-Pass-2", "Third-Pass-3")
    change(alice, "Third-Pass-3", PASSWORD)  # two back with N=2: allowed again
    assert PasswordHistory.objects.filter(principal=alice).count() == 3


def test_without_reuse_prevention_an_old_password_may_return(
    root_actor: Actor, alice: Principal
) -> None:
    services.update_account_password_policy(actor=root_actor, rules=custom())
    change(alice, PASSWORD, "Second-Pass-2")
    change(alice, "Second-Pass-2", PASSWORD)


def test_a_password_older_than_the_max_age_has_expired(root_actor: Actor, alice: Principal) -> None:
    services.update_account_password_policy(actor=root_actor, rules=custom(max_age_days=90))
    alice.refresh_from_db()
    assert not password_history.is_expired(alice)
    later = timezone.now() + timedelta(days=91)
    assert password_history.is_expired(alice, now=later)


def test_the_warning_starts_fifteen_days_before_expiry(root_actor: Actor, alice: Principal) -> None:
    services.update_account_password_policy(actor=root_actor, rules=custom(max_age_days=90))
    alice.refresh_from_db()
    changed = alice.password_last_changed
    assert changed is not None
    assert password_history.days_left(alice, now=changed + timedelta(days=74)) is None
    assert password_history.days_left(alice, now=changed + timedelta(days=76)) == 14
    assert password_history.days_left(alice, now=changed + timedelta(days=91)) is None


def test_the_root_user_is_not_subject_to_the_iam_password_policy(
    root_actor: Actor, root: Principal
) -> None:
    services.update_account_password_policy(
        actor=root_actor, rules=custom(minimum_length=20, max_age_days=1, reuse_prevention=5)
    )
    root.refresh_from_db()
    assert not password_history.is_expired(root, now=timezone.now() + timedelta(days=30))
    change(root, PASSWORD, "Root-Pass-22")  # 12 characters: AWS's default rules apply
    with pytest.raises(PasswordPolicyViolation):
        change(root, "Root-Pass-22", "short")
