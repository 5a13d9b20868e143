"""The event history keeps EVENT_HISTORY_DAYS: older events are pruned in batches."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

from django.core.management import call_command
from django.utils import timezone
from pytest_django import Settings

from accounts.models import AuditEvent
from domain.kernel import audit
from domain.kernel.actors import Actor


def test_old_events_are_pruned_by_the_command(root_actor: Actor, settings: Settings) -> None:
    settings.EVENT_HISTORY_DAYS = 90
    for _ in range(5):
        audit.record(root_actor, "iam:GetUser", "")
    old = timezone.now() - timedelta(days=91)
    AuditEvent.objects.filter(
        pk__in=list(AuditEvent.objects.values_list("pk", flat=True)[:3])
    ).update(created_at=old)
    kept = AuditEvent.objects.filter(created_at__gt=old).count()
    out = StringIO()
    call_command("prune_events", "--batch", "2", stdout=out)
    assert "3 event(s)" in out.getvalue()
    assert AuditEvent.objects.count() == kept


def test_no_secret_reaches_request_parameters(root_actor: Actor) -> None:
    assert audit.scrub(
        {
            "user_name": "bob",
            "password": "x",
            "new_password": "y",
            "token_code": "1",
            "secret_access_key": "s",
        },
        camel=True,
    ) == {"userName": "bob"}
