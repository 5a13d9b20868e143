"""CSV files the console writes keep AWS's columns and format, and a name a spreadsheet
would run as a formula (IAM names may begin with = + - @) arrives as text."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from accounts.models import Account, Principal
from domain import iam as services
from domain.iam import credential_report_rows as credential_report
from domain.kernel.actors import Actor
from domain.kernel.csv_files import cell, csv_text
from tests.conftest import PASSWORD

FORMULA_NAMES = ["=1+2", "+1+2", "-1+2", "@A1", "=cmd"]


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("=1+2", '"\'=1+2"'),
        ("+1+2", '"\'+1+2"'),
        ("-1+2", '"\'-1+2"'),
        ("@A1", '"\'@A1"'),
        ("\tx", '"\'\tx"'),
        ("\rx", '"\'\rx"'),
        ('=A1,"b"', '"\'=A1,""b"""'),
        ("alice", "alice"),
        ("a,b", '"a,b"'),
        ("arn:aws:iam::123456789012:user/=x", "arn:aws:iam::123456789012:user/=x"),
        ("2026-01-01T00:00:00+00:00", "2026-01-01T00:00:00+00:00"),
        (
            "https://123456789012.signin.example/console",
            "https://123456789012.signin.example/console",
        ),
    ],
)
def test_a_cell_a_spreadsheet_would_run_gets_an_apostrophe_and_quotes(
    value: str, written: str
) -> None:
    assert cell(value) == written


def test_verbatim_columns_are_written_exactly_and_files_keep_bom_and_crlf() -> None:
    text = csv_text([("Access key ID", "Secret access key"), ("AKIA", "+abc/def")], bom=True,
                    verbatim=frozenset({1}))  # fmt: skip
    assert text == "\ufeffAccess key ID,Secret access key\r\nAKIA,+abc/def\r\n"


def test_the_credential_report_neutralizes_formula_names_and_keeps_aws_columns(
    root_actor: Actor, account: Account
) -> None:
    for name in FORMULA_NAMES:
        services.create_user(actor=root_actor, name=name)
    text = credential_report.build(account)
    header, *lines = text.split("\n")
    assert header.split(",") == list(credential_report.COLUMNS)
    assert "\r" not in text
    rows = list(csv.DictReader(io.StringIO(text)))
    users = {row["user"] for row in rows}
    assert users == {"<root_account>", *(f"'{name}" for name in FORMULA_NAMES)}
    by_user = {row["user"]: row for row in rows}
    # The ARN keeps the real name; only the cell a spreadsheet would run changes.
    assert by_user["'=1+2"]["arn"] == f"arn:aws:iam::{account.id}:user/=1+2"
    assert all(len(row) == 22 for row in rows)


def test_the_new_users_credentials_file_neutralizes_the_name_only(
    root_client: Client, account: Account
) -> None:
    base = root_client.get("/users/create/")["Location"].rsplit("/", 2)[0]
    root_client.post(
        f"{base}/details/",
        {"name": "=1+2", "console": "on", "console_kind": "iam_user",
         "password_kind": "custom", "password": "-" + PASSWORD},
    )  # fmt: skip
    root_client.post(f"{base}/permissions/", {"option": "groups", "next": "1"})
    assert root_client.post(f"{base}/review/", {"create": "1"}).status_code == 302
    raw = root_client.get(f"{base}/credentials.csv").content
    assert raw.startswith(b"\xef\xbb\xbf") and raw.endswith(b"\r\n")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["User name", "Password", "Console sign-in URL"]
    assert rows[1][0] == "'=1+2"
    user = Principal.objects.get(account=account, name="=1+2")
    assert rows[1][1] == "-" + PASSWORD and user.check_password(rows[1][1])
    assert rows[1][2] == f"http://testserver/signin/{account.id}/"
