from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from accounts import demo
from accounts.models import Account, Group, Principal


@pytest.fixture(autouse=True)
def _password_file(tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(demo, "ROOT_PASSWORD_FILE", tmp_path / "demo-root-password")


def test_demo_builds_the_example_organisation(db) -> None:  # type: ignore[no-untyped-def]
    out = StringIO()
    call_command("demo", stdout=out)
    account = Account.objects.get(id=demo.DEMO_ACCOUNT_ID)
    members = {
        g.name: sorted(m.name for m in g.members.all())
        for g in Group.objects.filter(account=account)
    }
    assert members == {
        "Developers": ["Charles", "Mia", "Oliver"],
        "Operations": ["James", "Lucas"],
        "AuditTeam": ["Charles", "Lucas"],
    }
    henry = Principal.objects.get(account=account, name="Henry")
    assert henry.iam_groups.count() == 0 and henry.password_reset_required
    text = out.getvalue()
    root_password = demo.ROOT_PASSWORD_FILE.read_text()
    assert demo.DEMO_ROOT_EMAIL in text and root_password in text
    assert "Henry" in text


def test_demo_is_idempotent_and_reset_rebuilds_it(db) -> None:  # type: ignore[no-untyped-def]
    call_command("demo", stdout=StringIO())
    again = StringIO()
    call_command("demo", stdout=again)
    assert Principal.objects.filter(account_id=demo.DEMO_ACCOUNT_ID).count() == 7
    assert "printed when the demo was created" in again.getvalue()
    Principal.objects.filter(name="Henry").delete()
    call_command("demo", "--reset", stdout=StringIO())
    assert Principal.objects.filter(account_id=demo.DEMO_ACCOUNT_ID, name="Henry").exists()
