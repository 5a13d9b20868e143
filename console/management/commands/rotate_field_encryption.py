from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from domain.iam.key_rotation import rotate_stored_secrets


class Command(BaseCommand):
    help = (
        "Re-encrypts every stored secret (access key secrets, MFA seeds) with the newest "
        "field-encryption key, so older keys can be removed. Safe to run again."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        unreadable = 0
        for counts in rotate_stored_secrets():
            self.stdout.write(
                f"{counts.label}: {counts.reencrypted} re-encrypted, "
                f"{counts.current} already current, {counts.unreadable} unreadable"
            )
            unreadable += counts.unreadable
        if unreadable:
            raise CommandError(
                f"{unreadable} secret(s) could not be decrypted with any configured key; "
                "they were left unchanged. Add the key that encrypted them and run again."
            )
        self.stdout.write(self.style.SUCCESS("Every stored secret uses the newest key."))
