"""Calls the audit trail used to miss: an explicitly denied ChangePassword, and credential
report downloads served from a report generated earlier."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from accounts.models import AuditEvent, CredentialReport, Principal
from accounts.passwords import Rules
from domain import iam as services
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor
from tests.conftest import PASSWORD

DENY_CHANGE = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"iam:ChangePassword",'
    '"Resource":"*"}]}'
)
NEW = {
    "old_password": PASSWORD,
    "new_password": "Alice-Pass-22",
    "confirm_password": "Alice-Pass-22",
}


def test_an_explicitly_denied_password_change_is_shown_and_recorded(
    alice_client: Client, root_actor: Actor, alice: Principal
) -> None:
    services.update_account_password_policy(
        actor=root_actor, rules=Rules(custom=True, minimum_length=8, allow_users_to_change=True)
    )
    policy_services.put_user_policy(
        actor=root_actor, user=alice, name="no-change", document=DENY_CHANGE
    )
    response = alice_client.post("/security-credentials/password/", NEW)
    assert "with an explicit deny" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)
    event = AuditEvent.objects.get(action="iam:ChangePassword")
    assert event.outcome == AuditEvent.Outcome.DENIED
    assert event.actor_arn == alice.arn and event.resource == alice.arn
    assert event.error_code == "AccessDenied"


def test_a_password_change_denied_for_lack_of_permission_is_recorded_once(
    alice_client: Client, alice: Principal
) -> None:
    alice_client.post("/security-credentials/password/", NEW)
    events = AuditEvent.objects.filter(action="iam:ChangePassword")
    assert [e.outcome for e in events] == [AuditEvent.Outcome.DENIED]


def test_every_download_of_the_credential_report_is_recorded_even_when_reused(
    root_client: Client, root: Principal
) -> None:
    for _ in range(2):
        assert root_client.post("/credential-report/").status_code == 200
    report = CredentialReport.objects.get(account=root.account)
    generated = AuditEvent.objects.filter(action="iam:GenerateCredentialReport").order_by("id")
    assert [e.details.get("reused", False) for e in generated] == [False, True]
    reads = AuditEvent.objects.filter(action="iam:GetCredentialReport")
    assert reads.count() == 2
    assert all(e.details["generated_at"] == report.generated_at.isoformat() for e in reads)
    assert all(e.outcome == AuditEvent.Outcome.ALLOWED for e in reads)


def test_a_report_older_than_four_hours_is_generated_again_and_recorded(
    root_client: Client, root: Principal
) -> None:
    root_client.post("/credential-report/")
    CredentialReport.objects.update(generated_at=timezone.now() - timedelta(hours=5))
    root_client.post("/credential-report/")
    generated = AuditEvent.objects.filter(action="iam:GenerateCredentialReport")
    assert [e.details.get("reused", False) for e in generated] == [False, False]
