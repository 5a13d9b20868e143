"""The Users and Roles lists' "Last activity" (and the role page's) come from the event
history: the newest event by the user, or by a session of the role; failed sign-ins and
requests refused for their credentials are not the user's activity."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AuditEvent, Principal, Role
from domain import iam as services
from domain.iam import last_activity, roles
from domain.kernel import audit
from domain.kernel.actors import Actor
from tests.views.test_switch_role import reader, switch  # noqa: F401  (the fixture)


def event(
    account_id: str,
    actor_arn: str,
    ago: timedelta,
    outcome: str = AuditEvent.Outcome.ALLOWED,
    error_code: str = "",
) -> AuditEvent:
    found = AuditEvent.objects.create(
        account_id=account_id,
        actor_arn=actor_arn,
        action="iam:ListUsers",
        outcome=outcome,
        error_code=error_code,
        event_source="iam.amazonaws.com",
        event_name="ListUsers",
    )
    AuditEvent.objects.filter(pk=found.pk).update(created_at=timezone.now() - ago)
    return found


def users_row(client: Client, name: str) -> str:
    client.post("/preferences/users/", {"page_size": "10", "column": ["last_activity"]})
    page = client.get("/users/").content.decode()
    return page.split(f'data-testid="user-row-{name}"')[1].split("</tr>")[0]


def test_a_users_console_reads_are_its_last_activity(
    root_client: Client, alice_client: Client, alice: Principal, bob: Principal
) -> None:
    alice_client.get("/users/")  # a read (denied or not, alice made a request)
    Principal.objects.filter(pk=alice.pk).update(last_login=None)
    assert "ago</time>" in users_row(root_client, "alice")
    assert "<td>Never</td>" in users_row(root_client, "bob")


def test_the_newest_event_wins_and_failed_sign_ins_do_not_count(
    root_client: Client, root_actor: Actor, bob: Principal
) -> None:
    event(bob.account_id, bob.arn, timedelta(days=3))
    event(bob.account_id, bob.arn, timedelta(days=5))
    # Someone typing a wrong password, or signing an API request badly with bob's key.
    audit.record(
        Actor(principal=bob),
        "signin:ConsoleLogin",
        bob.arn,
        outcome=AuditEvent.Outcome.FAILED,
        error_code="Failed authentication",
    )
    event(
        bob.account_id,
        bob.arn,
        timedelta(0),
        outcome=AuditEvent.Outcome.FAILED,
        error_code="SignatureDoesNotMatch",
    )
    assert "3\xa0days ago</time>" in users_row(root_client, "bob")
    audit.record(Actor(principal=bob), "signin:ConsoleLogin", bob.arn)  # a sign-in counts
    assert "0\xa0minutes ago</time>" in users_row(root_client, "bob")


def test_a_role_sessions_calls_are_the_roles_last_activity(
    root_client: Client, root_actor: Actor
) -> None:
    for name in ("api", "web", "web2"):
        services.create_role(
            actor=root_actor, name=name, trust_policy=roles.service_trust_policy("ec2")
        )
    account = root_actor.account.id
    event(account, f"arn:aws:sts::{account}:assumed-role/web/i-0abc", timedelta(hours=2))
    event(account, f"arn:aws:sts::{account}:assumed-role/web/i-0def", timedelta(hours=7))
    event(account, f"arn:aws:iam::{account}:role/web2", timedelta(hours=1))  # not a session
    root_client.post("/preferences/roles/", {"page_size": "10", "column": ["last_activity"]})
    page = root_client.get("/roles/").content.decode()
    web = page.split('value="web"')[1].split("</tr>")[0]
    web2 = page.split('value="web2"')[1].split("</tr>")[0]
    assert "2\xa0hours ago</time>" in web
    assert "<td>-</td>" in web2
    assert "<td>-</td>" in page.split('value="api"')[1].split("</tr>")[0]
    detail = root_client.get("/roles/details/web/").content.decode()
    shown = detail.split('data-testid="role-last-activity"')[1].split("</dd>")[0]
    assert "2\xa0hours ago" in shown


def test_a_switched_role_session_counts_for_the_role(
    root_client: Client,
    alice_client: Client,
    alice: Principal,
    reader: Role,  # noqa: F811
) -> None:
    switch(alice_client, alice.account_id, "Reader")
    alice_client.get("/users/")
    Role.objects.filter(pk=reader.pk).update(last_used_at=None)  # only the events remain
    assert last_activity.of_role(reader) is not None
    page = root_client.get("/roles/details/Reader/").content.decode()
    assert "ago</time>" in page.split('data-testid="role-last-activity"')[1].split("</dd>")[0]


def test_the_roles_list_reads_last_activity_in_one_query(
    root_client: Client, root_actor: Actor
) -> None:
    trust = roles.service_trust_policy("ec2")
    services.create_role(actor=root_actor, name="r0", trust_policy=trust)
    with CaptureQueriesContext(connection) as few:
        root_client.get("/roles/")
    for n in range(1, 8):
        services.create_role(actor=root_actor, name=f"r{n}", trust_policy=trust)
        event(
            root_actor.account.id,
            f"arn:aws:sts::{root_actor.account.id}:assumed-role/r{n}/s",
            timedelta(0),
        )
    with CaptureQueriesContext(connection) as many:
        root_client.get("/roles/")
    assert len(many) == len(few)
