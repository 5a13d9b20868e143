"""The account password policy's ranges (aws-console.md §4), checked before it is saved."""

from __future__ import annotations

from accounts.passwords import Rules
from domain.kernel.errors import ValidationError

MIN_LENGTH_RANGE = (6, 128)
MAX_AGE_RANGE = (1, 1095)
REUSE_RANGE = (1, 24)


def validate_password_policy(rules: Rules) -> None:
    """Raises ValidationError beside the form field of the first value out of range."""
    low, high = MIN_LENGTH_RANGE
    if not low <= rules.minimum_length <= high:
        raise ValidationError(
            f"Password minimum length must be from {low} to {high} characters.",
            field="minimum_length",
        )
    low, high = MAX_AGE_RANGE
    if rules.max_age_days is not None and not low <= rules.max_age_days <= high:
        raise ValidationError(
            f"Password expiration must be from {low} to {high} days.", field="max_age_days"
        )
    low, high = REUSE_RANGE
    if rules.reuse_prevention is not None and not low <= rules.reuse_prevention <= high:
        raise ValidationError(f"Remember from {low} to {high} passwords.", field="reuse_prevention")
