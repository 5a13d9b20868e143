"""Loads the AWS managed policy catalogue into the database, idempotently."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from django.db import transaction

from policies import catalog

_ID_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def aws_policy_unique_id(name: str) -> str:
    """A stable ANPA... ID per AWS managed policy, so every installation agrees."""
    digest = hashlib.sha256(f"aws-managed-policy:{name}".encode()).digest()
    return "ANPA" + "".join(_ID_ALPHABET[b % 32] for b in digest[:17])


def sync_managed_policies(policy_model: Any, version_model: Any) -> tuple[int, int]:
    """Creates missing AWS managed policies and updates changed ones.

    Returns (created, updated). The caller passes the models: data migration 0002 its
    historical ones, the sync command and the demo loader `ManagedPolicy` and `PolicyVersion`
    (this module sits below the models, so migrations can load the catalogue).
    """
    existing = {
        p.name: p
        for p in policy_model.objects.filter(account__isnull=True).only("id", "name", "updated_at")
    }
    created = updated = 0
    with transaction.atomic():
        new_policies, new_versions = [], []
        for entry in catalog.all_policies():
            updated_at = datetime.fromisoformat(entry.update_date)
            document = json.dumps(entry.document, indent=4)
            row = existing.get(entry.name)
            if row is None:
                row = policy_model(
                    account=None,
                    name=entry.name,
                    path=entry.path,
                    unique_id=aws_policy_unique_id(entry.name),
                    description=entry.description[:1000],
                    job_function=entry.job_function,
                    created_at=datetime.fromisoformat(entry.create_date),
                    updated_at=updated_at,
                )
                new_policies.append(row)
                new_versions.append((row, entry.default_version_id, document, updated_at))
                created += 1
            elif row.updated_at != updated_at:
                version_model.objects.filter(policy=row).delete()
                policy_model.objects.filter(pk=row.pk).update(
                    path=entry.path,
                    description=entry.description[:1000],
                    job_function=entry.job_function,
                    updated_at=updated_at,
                )
                new_versions.append((row, entry.default_version_id, document, updated_at))
                updated += 1
        policy_model.objects.bulk_create(new_policies, batch_size=500)
        version_model.objects.bulk_create(
            [
                version_model(
                    policy=row, version_id=vid, document=doc, is_default=True, created_at=at
                )
                for row, vid, doc, at in new_versions
            ],
            batch_size=500,
        )
    return created, updated
