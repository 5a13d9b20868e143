from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db.models import Q

from accounts.models import Account, Group, Principal
from domain.iam import demo
from domain.kernel.actors import Actor
from domain.kernel.authorization import Target, is_allowed
from policies.models import PolicyAttachment


@pytest.fixture(autouse=True)
def _password_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "ROOT_PASSWORD_FILE", tmp_path / "demo-root-password")


def test_demo_builds_the_example_organisation(db: None) -> None:
    out = StringIO()
    call_command("demo", stdout=out)
    account = Account.objects.get(id=demo.DEMO_ACCOUNT_ID)
    members = {
        g.name: sorted(m.name for m in g.members.all())
        for g in Group.objects.filter(account=account)
    }
    assert {
        "Developers": ["Charles", "Mia", "Oliver"],
        "Operations": ["James", "Lucas"],
        "AuditTeam": ["Charles", "Lucas"],
        "Administrators": ["Ava"],
    }.items() <= members.items()
    henry = Principal.objects.get(account=account, name="Henry")
    assert henry.iam_groups.count() == 0 and henry.password_reset_required
    ava = Principal.objects.get(account=account, name="Ava")
    assert ava.password_reset_required and ava.has_console_access
    text = out.getvalue()
    root_password = demo.ROOT_PASSWORD_FILE.read_text()
    assert demo.DEMO_ROOT_EMAIL in text and root_password in text
    assert "Henry" in text and "Ava" in text


def holder_name(attachment: PolicyAttachment) -> str:
    """The attachment's group's name, or its user's (the demo attaches nothing else here)."""
    holder = attachment.group or attachment.user
    assert holder is not None
    return holder.name


def test_demo_groups_and_henry_carry_aws_managed_policies(db: None) -> None:
    call_command("demo", stdout=StringIO())
    attached = {
        (holder_name(a), a.policy.name)
        for a in PolicyAttachment.objects.filter(
            Q(group__account_id=demo.DEMO_ACCOUNT_ID) | Q(user__account_id=demo.DEMO_ACCOUNT_ID)
        ).select_related("group", "user", "policy")
    }
    assert {
        ("Developers", "PowerUserAccess"),
        ("Operations", "AmazonEC2FullAccess"),
        ("AuditTeam", "SecurityAudit"),
        ("Administrators", "AdministratorAccess"),
        ("Henry", "AmazonEC2ReadOnlyAccess"),
    } <= attached
    ava = Principal.objects.get(account_id=demo.DEMO_ACCOUNT_ID, name="Ava")
    new_user = Target("arn:aws:iam::111122223333:user/x")
    assert is_allowed(Actor(principal=ava), "iam:CreateUser", new_user)
    henry = Principal.objects.get(account_id=demo.DEMO_ACCOUNT_ID, name="Henry")
    assert is_allowed(Actor(principal=henry), "ec2:DescribeInstances", "*")
    assert not is_allowed(Actor(principal=henry), "ec2:RunInstances", "*")


def test_demo_is_idempotent_and_reset_rebuilds_it(db: None) -> None:
    call_command("demo", stdout=StringIO())
    again = StringIO()
    call_command("demo", stdout=again)
    assert Principal.objects.filter(account_id=demo.DEMO_ACCOUNT_ID).count() == 8
    assert "printed when the demo was created" in again.getvalue()
    Principal.objects.filter(name="Henry").delete()
    call_command("demo", "--reset", stdout=StringIO())
    assert Principal.objects.filter(account_id=demo.DEMO_ACCOUNT_ID, name="Henry").exists()


def test_every_demo_user_can_pass_the_forced_reset_at_first_sign_in(db: None) -> None:
    from domain import iam as services

    result = demo.load()
    for name, password in result.user_passwords.items():
        user = Principal.objects.get(account=result.account, name=name)
        services.change_password(
            actor=Actor(principal=user), old_password=password, new_password=f"{name}-New-Pass-1"
        )
        user.refresh_from_db()
        assert not user.password_reset_required, name
