from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from django.test import Client
from django.utils import timezone
from pytest_django.fixtures import DjangoAssertNumQueries

from accounts.models import AccessKey, CredentialReport, MFADevice, Principal
from accounts.passwords import Rules
from domain import iam as services
from domain.iam import credential_report_rows as credential_report
from domain.kernel.actors import Actor

HEADER = (
    "user,arn,user_creation_time,password_enabled,password_last_used,password_last_changed,"
    "password_next_rotation,mfa_active,access_key_1_active,access_key_1_last_rotated,"
    "access_key_1_last_used_date,access_key_1_last_used_region,access_key_1_last_used_service,"
    "access_key_2_active,access_key_2_last_rotated,access_key_2_last_used_date,"
    "access_key_2_last_used_region,access_key_2_last_used_service,cert_1_active,"
    "cert_1_last_rotated,cert_2_active,cert_2_last_rotated"
)
ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00")


def download(client: Client) -> tuple[str, dict[str, dict[str, str]]]:
    response = client.post("/credential-report/")
    assert response.status_code == 200
    text = response.content.decode()
    rows = {row["user"]: row for row in csv.DictReader(io.StringIO(text))}
    return response["Content-Disposition"], rows | {"__text__": {"text": text}}


def test_the_report_has_aws_columns_in_order_and_a_root_row(
    root_client: Client, root: Principal
) -> None:
    disposition, rows = download(root_client)
    assert re.fullmatch(
        r'attachment; filename="status_reports_\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.csv"', disposition
    )
    assert rows["__text__"]["text"].splitlines()[0] == HEADER
    assert len(HEADER.split(",")) == 22
    root_row = rows["<root_account>"]
    assert root_row["arn"] == f"arn:aws:iam::{root.account_id}:root"
    assert root_row["password_enabled"] == "not_supported"
    assert root_row["password_last_changed"] == "not_supported"
    assert root_row["password_next_rotation"] == "not_supported"
    assert ISO.fullmatch(root_row["user_creation_time"])
    assert root_row["mfa_active"] == "false"
    assert root_row["access_key_1_active"] == "false"
    assert root_row["access_key_1_last_rotated"] == "N/A"
    assert root_row["cert_1_active"] == "false" and root_row["cert_2_last_rotated"] == "N/A"


def test_users_with_and_without_passwords_keys_and_mfa(root_actor: Actor, alice: Principal) -> None:
    services.update_account_password_policy(
        actor=root_actor, rules=Rules(custom=True, minimum_length=8, max_age_days=90)
    )
    robot = services.create_user(actor=root_actor, name="robot")
    first = services.create_access_key(actor=root_actor, user=robot).key
    second = services.create_access_key(actor=root_actor, user=robot).key
    used = datetime(2024, 5, 1, 10, 0, 0, tzinfo=UTC)
    AccessKey.objects.filter(pk=first.pk).update(
        last_used_at=used, last_used_region="us-east-1", last_used_service="iam"
    )
    AccessKey.objects.filter(pk=second.pk).update(status="Inactive")
    MFADevice.objects.create(account=alice.account, principal=alice, name="p", secret_encrypted="x")
    rows = {
        r["user"]: r for r in csv.DictReader(io.StringIO(credential_report.build(alice.account)))
    }
    alice.refresh_from_db()
    a = rows["alice"]
    assert a["password_enabled"] == "true"
    assert a["password_last_used"] == "no_information"
    assert ISO.fullmatch(a["password_last_changed"])
    assert alice.password_last_changed is not None
    expected = (alice.password_last_changed + timedelta(days=90)).astimezone(UTC)
    assert a["password_next_rotation"] == expected.replace(microsecond=0).isoformat()
    assert a["mfa_active"] == "true"
    assert a["access_key_1_active"] == "false" and a["access_key_1_last_used_date"] == "N/A"
    r = rows["robot"]
    assert r["password_enabled"] == "false"
    assert r["password_last_used"] == "N/A" and r["password_next_rotation"] == "N/A"
    assert r["mfa_active"] == "false"
    assert r["access_key_1_active"] == "true"
    assert ISO.fullmatch(r["access_key_1_last_rotated"])
    assert r["access_key_1_last_used_date"] == "2024-05-01T10:00:00+00:00"
    assert r["access_key_1_last_used_region"] == "us-east-1"
    assert r["access_key_1_last_used_service"] == "iam"
    assert r["access_key_2_active"] == "false"
    assert r["access_key_2_last_used_date"] == "N/A"
    assert r["access_key_2_last_used_region"] == "N/A"


def test_a_used_password_shows_its_last_use(alice: Principal) -> None:
    alice.last_login = datetime(2025, 1, 2, 3, 4, 5, tzinfo=UTC)
    alice.save(update_fields=["last_login"])
    rows = {
        r["user"]: r for r in csv.DictReader(io.StringIO(credential_report.build(alice.account)))
    }
    assert rows["alice"]["password_last_used"] == "2025-01-02T03:04:05+00:00"


def test_a_report_younger_than_four_hours_is_reused(root_actor: Actor, root_client: Client) -> None:
    download(root_client)
    generated = CredentialReport.objects.get().generated_at
    services.create_user(actor=root_actor, name="newcomer")
    _, rows = download(root_client)
    assert "newcomer" not in rows
    CredentialReport.objects.update(generated_at=timezone.now() - timedelta(hours=4, minutes=1))
    _, rows = download(root_client)
    assert "newcomer" in rows
    assert CredentialReport.objects.get().generated_at > generated


def test_a_user_without_permission_sees_the_denial_and_gets_no_file(alice_client: Client) -> None:
    response = alice_client.post("/credential-report/")
    assert response["Content-Type"].startswith("text/html")
    assert "not authorized to perform: iam:GenerateCredentialReport" in response.content.decode()
    assert not CredentialReport.objects.exists()


def test_the_report_makes_a_constant_number_of_queries(
    root_actor: Actor,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    for n in range(15):
        user = services.create_user(actor=root_actor, name=f"u{n}")
        services.create_access_key(actor=root_actor, user=user)
    with django_assert_max_num_queries(5):
        credential_report.build(root_actor.account)
