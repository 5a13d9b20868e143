"""AWS managed policies, read from the snapshot in ``policies/data/aws_managed_policies.json``.

Pure Python (no Django): the ``sync_managed_policies`` command and the tests read it.
The file is loaded once per process, on first use, and never changes at run time; refresh it
with ``policies/data/generate.py``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Final

DATA_FILE: Final = Path(__file__).resolve().parent / "data" / "aws_managed_policies.json"
ARN_PREFIX: Final = "arn:aws:iam::aws:policy"


@dataclass(frozen=True, slots=True)
class AwsManagedPolicy:
    name: str  # "ViewOnlyAccess"
    arn: str  # "arn:aws:iam::aws:policy/job-function/ViewOnlyAccess"
    path: str  # "/job-function/"
    description: str
    default_version_id: str  # "v11"
    create_date: str  # ISO 8601, "2015-02-06T18:39:46+00:00"
    update_date: str
    # The parsed policy document, shared by every caller: treat it as read-only.
    document: dict[str, Any] = field(compare=False, hash=False, repr=False)
    job_function: bool = False  # the console's "AWS managed - job function"
    service_role: bool = False  # path /service-role/ or /aws-service-role/

    @property
    def type_label(self) -> str:
        """The console's Type column."""
        return "AWS managed - job function" if self.job_function else "AWS managed"


@dataclass(frozen=True, slots=True)
class _Catalog:
    source: str
    snapshot_date: str
    policies: tuple[AwsManagedPolicy, ...]
    by_name: dict[str, AwsManagedPolicy]
    by_lower_name: dict[str, AwsManagedPolicy]
    by_arn: dict[str, AwsManagedPolicy]


@cache
def _catalog() -> _Catalog:
    with DATA_FILE.open(encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    policies = tuple(
        AwsManagedPolicy(
            name=p["name"],
            arn=p["arn"],
            path=p["path"],
            description=p["description"],
            default_version_id=p["default_version_id"],
            create_date=p["create_date"],
            update_date=p["update_date"],
            document=p["document"],
            job_function=p["job_function"],
            service_role=p["service_role"],
        )
        for p in data["policies"]
    )
    return _Catalog(
        source=data["source"],
        snapshot_date=data["snapshot_date"],
        policies=policies,
        by_name={p.name: p for p in policies},
        by_lower_name={p.name.lower(): p for p in policies},
        by_arn={p.arn: p for p in policies},
    )


def all_policies() -> list[AwsManagedPolicy]:
    """Every AWS managed policy in the snapshot, sorted by name."""
    return list(_catalog().policies)


def get(name_or_arn: str) -> AwsManagedPolicy | None:
    """A policy by ARN (exact) or by name (exact, else ignoring case, as IAM names are)."""
    catalog = _catalog()
    if name_or_arn.startswith("arn:"):
        return catalog.by_arn.get(name_or_arn)
    return catalog.by_name.get(name_or_arn) or catalog.by_lower_name.get(name_or_arn.lower())


def snapshot_date() -> str:
    """The date of the source data (its newest policy update), e.g. ``"2026-09-30"``."""
    return _catalog().snapshot_date


def source() -> str:
    """Where the snapshot came from, e.g. ``"moto 5.2.5"``."""
    return _catalog().source
