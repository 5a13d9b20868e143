"""GenerateCredentialReport: builds the account's report, or keeps one under 4 hours old."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone

from accounts.models import Account, CredentialReport
from domain.iam import credential_report_rows as credential_report
from domain.kernel import audit
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.registry import aws_action

# AWS regenerates at most every 4 hours; a newer request returns the stored report.
REPORT_REUSE = timedelta(hours=4)


@aws_action("iam:GenerateCredentialReport")
def generate_credential_report(*, actor: Actor, now: datetime | None = None) -> CredentialReport:
    authorize(actor, "iam:GenerateCredentialReport", "*")
    now = now or timezone.now()
    with transaction.atomic():
        # The account row lock lets one of two concurrent requests build the report.
        account = Account.objects.select_for_update().get(pk=actor.account.pk)
        report = CredentialReport.objects.filter(account=account).first()
        if report is not None and now - report.generated_at < REPORT_REUSE:
            # AWS answers COMPLETE with the report it has; the call is still recorded.
            details = {"reused": True, "generated_at": report.generated_at.isoformat()}
            audit.record(actor, "iam:GenerateCredentialReport", "*", details=details)
            return report
        content = credential_report.build(account)
        if report is None:
            report = CredentialReport.objects.create(
                account=account, generated_at=now, content=content
            )
        else:
            report.generated_at = now
            report.content = content
            report.save(update_fields=["generated_at", "content"])
        audit.record(actor, "iam:GenerateCredentialReport", "*")
    return report
