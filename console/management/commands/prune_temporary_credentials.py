"""Deletes temporary credentials (ASIA...) that expired more than a day ago.

Expired credentials are already refused (ExpiredToken); their rows are kept a day so the
API can tell "expired" from "unknown", then pruned in batches over the expires_at index.
Run it from cron, e.g. hourly.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from django.core.management.base import BaseCommand

from domain.iam.sts import prune_expired_credentials


class Command(BaseCommand):
    help = "Delete temporary credentials that expired more than a day ago."

    def handle(self, *args: Any, **options: Any) -> None:
        removed = prune_expired_credentials(before=datetime.now(UTC) - timedelta(days=1))
        self.stdout.write(f"{removed} expired temporary credential(s) deleted.")
