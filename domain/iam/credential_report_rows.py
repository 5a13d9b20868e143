"""The credential report: AWS's 22 columns, one row for the root user and one per IAM user.

Value conventions (aws-console.md §3): ISO 8601 dates with +00:00, lowercase true/false,
`not_supported` for the root user's password columns, `no_information` for a password
never used, `N/A` for anything that does not apply. Signing certificates do not exist
here, so their columns are always false / N/A.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.db.models import Exists, OuterRef, Prefetch
from django.db.models.functions import Lower

from accounts.models import AccessKey, Account, MFADevice, Principal
from accounts.passwords import rules_for
from domain.kernel.csv_files import csv_text

COLUMNS = (
    "user",
    "arn",
    "user_creation_time",
    "password_enabled",
    "password_last_used",
    "password_last_changed",
    "password_next_rotation",
    "mfa_active",
    "access_key_1_active",
    "access_key_1_last_rotated",
    "access_key_1_last_used_date",
    "access_key_1_last_used_region",
    "access_key_1_last_used_service",
    "access_key_2_active",
    "access_key_2_last_rotated",
    "access_key_2_last_used_date",
    "access_key_2_last_used_region",
    "access_key_2_last_used_service",
    "cert_1_active",
    "cert_1_last_rotated",
    "cert_2_active",
    "cert_2_last_rotated",
)
NA = "N/A"
ROOT_NAME = "<root_account>"


def iso(moment: datetime | None) -> str:
    if moment is None:
        return NA
    return moment.astimezone(UTC).replace(microsecond=0).isoformat()


def flag(value: bool) -> str:
    return "true" if value else "false"


def _key_columns(key: AccessKey | None) -> list[str]:
    if key is None:
        return ["false", NA, NA, NA, NA]
    return [
        flag(key.status == AccessKey.Status.ACTIVE),
        iso(key.created_at),
        iso(key.last_used_at),
        key.last_used_region or NA,
        key.last_used_service or NA,
    ]


def _password_columns(principal: Principal, max_age_days: int | None) -> list[str]:
    """password_enabled, password_last_used, password_last_changed, password_next_rotation."""
    if principal.is_root:
        last_used = iso(principal.last_login) if principal.last_login else "no_information"
        return ["not_supported", last_used, "not_supported", "not_supported"]
    if not principal.has_usable_password():
        return ["false", NA, NA, NA]
    last_used = iso(principal.last_login) if principal.last_login else "no_information"
    changed = principal.password_last_changed
    rotation = iso(changed + timedelta(days=max_age_days)) if changed and max_age_days else NA
    return ["true", last_used, iso(changed), rotation]


def row_for(principal: Principal, max_age_days: int | None) -> list[str]:
    keys: list[AccessKey] = list(principal.access_keys.all())  # created order (Meta.ordering)
    return [
        ROOT_NAME if principal.is_root else principal.name,
        principal.arn,
        iso(principal.created_at),
        *_password_columns(principal, max_age_days),
        flag(bool(getattr(principal, "has_mfa", False))),
        *_key_columns(keys[0] if keys else None),
        *_key_columns(keys[1] if len(keys) > 1 else None),
        "false",
        NA,
        "false",
        NA,
    ]


def build(account: Account) -> str:
    """The report's CSV text for `account`, in a constant number of queries."""
    principals = (
        Principal.objects.filter(account=account)
        .select_related("account")
        .annotate(has_mfa=Exists(MFADevice.objects.filter(principal=OuterRef("pk"))))
        .prefetch_related(
            Prefetch("access_keys", queryset=AccessKey.objects.order_by("created_at", "id"))
        )
        .order_by("kind", Lower("name"))  # "root" sorts before "user"
    )
    max_age = rules_for(account).max_age_days
    rows = [COLUMNS, *(row_for(principal, max_age) for principal in principals)]
    return csv_text(rows, line_end="\n")
