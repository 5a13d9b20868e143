"""Deletes events older than EVENT_HISTORY_DAYS (90 by default) from the event history.

Requests also prune now and then (one small batch after about 1 in 512 recorded events);
this command empties the backlog in batches of 1,000 (each a short DELETE by primary key
over the created_at index, so no long lock). Run it from cron, e.g. daily.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from domain.kernel import audit


class Command(BaseCommand):
    help = "Delete events older than the event history's retention (EVENT_HISTORY_DAYS)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--batch", type=int, default=audit.PRUNE_BATCH)

    def handle(self, *args: Any, **options: Any) -> None:
        removed = 0
        while deleted := audit.prune_batch(options["batch"]):
            removed += deleted
        self.stdout.write(f"{removed} event(s) older than the retention period deleted.")
