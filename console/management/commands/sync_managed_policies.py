from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from policies import catalog
from policies.models import ManagedPolicy, PolicyVersion
from policies.sync import sync_managed_policies


class Command(BaseCommand):
    help = "Loads the AWS managed policies of policies/data/ into the database (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        created, updated = sync_managed_policies(ManagedPolicy, PolicyVersion)
        self.stdout.write(
            f"AWS managed policies (snapshot {catalog.snapshot_date()}): "
            f"{created} created, {updated} updated."
        )
