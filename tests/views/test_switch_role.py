"""Switch role in the console: the trust policy decides, the console then acts as the role
session (in the role's account), shows its colour, and Switch back restores the user."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from django.test import Client

from accounts.models import Principal, Role, TemporaryCredential
from domain import iam as services
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor, system_actor
from policies.models import ManagedPolicy
from tests.conftest import make_account
from tests.responses import ClientResponse

ALLOW_ASSUME = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
    }
)


def trust(principal: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Principal": {"AWS": principal}, "Action": "sts:AssumeRole"}
            ],
        }
    )


def readonly() -> ManagedPolicy:
    return ManagedPolicy.objects.get(account=None, name="IAMReadOnlyAccess")


@pytest.fixture
def reader(root_actor: Actor, alice: Principal) -> Role:
    return services.create_role_with_permissions(
        actor=root_actor, name="Reader", trust_policy=trust(alice.arn), policies=[readonly()]
    )


def switch(
    client: Client, account: str, role: str, color: str = "B7CA9D", **extra: str
) -> ClientResponse:
    data = {"account": account, "role_name": role, "display_name": "", "color": color} | extra
    return client.post("/switchrole/", data)


def test_the_account_menu_offers_switch_role(alice_client: Client) -> None:
    page = alice_client.get("/").content.decode()
    assert 'href="/switchrole/"' in page


def test_a_user_switches_to_a_trusting_role_and_acts_with_its_permissions(
    alice_client: Client, alice: Principal, reader: Role
) -> None:
    assert alice_client.get("/users/").status_code in (200, 403)
    assert (
        "not authorized to perform: iam:ListUsers" in alice_client.get("/users/").content.decode()
    )
    response = switch(alice_client, alice.account_id, "Reader", display_name="Read only")
    assert response.status_code == 302
    page = alice_client.get("/users/").content.decode()
    assert "not authorized" not in page
    assert "alice" in page
    assert 'class="role-badge role-color-B7CA9D"' in page
    assert "Read only" in page
    assert "Switch back" in page
    row = TemporaryCredential.objects.get()
    assert row.source == "console"
    assert row.expires_at - row.issued_at == timedelta(seconds=reader.max_session_duration)
    # The role cannot write.
    created = alice_client.post("/groups/create/", {"name": "devs"})
    assert (
        "assumed-role/Reader/alice is not authorized to perform: iam:CreateGroup"
        in created.content.decode()
    )
    # Switch back: alice again, with her own (no) permissions.
    alice_client.post("/switchrole/back/")
    page = alice_client.get("/users/").content.decode()
    assert "not authorized to perform: iam:ListUsers" in page
    assert "role-badge" not in page
    # The role is remembered in the account menu.
    assert 'class="recent-roles"' in page
    assert "Read only</button>" in page


def test_a_denied_switch_reads_like_aws(
    alice_client: Client, alice: Principal, root_actor: Actor
) -> None:
    services.create_role(actor=root_actor, name="Other", trust_policy=trust(root_actor.account.id))
    response = switch(alice_client, alice.account_id, "Other")
    assert response.status_code == 403
    page = response.content.decode()
    assert "Invalid information in one or more fields." in page
    assert (
        f"User: {alice.arn} is not authorized to perform: sts:AssumeRole on resource: "
        f"arn:aws:iam::{alice.account_id}:role/Other"
    ) in page
    assert "role-badge" not in alice_client.get("/").content.decode()


def test_an_unknown_role_or_account_is_denied_the_same_way(alice_client: Client) -> None:
    response = switch(alice_client, "000000000000", "Nope")
    assert response.status_code == 403
    assert (
        "sts:AssumeRole on resource: arn:aws:iam::000000000000:role/Nope"
        in response.content.decode()
    )


def test_cross_account_switch_works_only_when_both_sides_allow(
    alice_client: Client, alice: Principal, root_actor: Actor
) -> None:
    b = make_account("b@example.com", "Account B")
    b_root = system_actor(Principal.objects.get(account=b, kind=Principal.Kind.ROOT))
    services.create_account_alias(actor=b_root, alias="account-b")
    services.create_user(actor=b_root, name="b-only-user")
    services.create_role_with_permissions(
        actor=b_root, name="Partner", trust_policy=trust(alice.account_id), policies=[readonly()]
    )
    assert switch(alice_client, "account-b", "Partner").status_code == 403
    policy_services.put_user_policy(
        actor=root_actor, user=alice, name="assume", document=ALLOW_ASSUME
    )
    assert switch(alice_client, "account-b", "Partner").status_code == 302
    page = alice_client.get("/users/").content.decode()
    assert "b-only-user" in page  # the acting account is B
    assert ">alice<" not in page
    assert b.id in alice_client.get("/").content.decode()
    # Objects of A are not reachable from B's session.
    assert alice_client.get("/users/details/alice/").status_code == 404


def test_own_security_credentials_wait_for_switch_back(
    alice_client: Client, alice: Principal, reader: Role
) -> None:
    switch(alice_client, alice.account_id, "Reader")
    response = alice_client.get("/security-credentials/")
    assert response.status_code == 302


def test_an_expired_role_session_returns_to_the_user_with_a_message(
    alice_client: Client, alice: Principal, reader: Role
) -> None:
    switch(alice_client, alice.account_id, "Reader")
    TemporaryCredential.objects.update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    page = alice_client.get("/", follow=True).content.decode()
    assert "has expired. You are back to alice." in page
    assert "role-badge" not in page


def test_revoke_active_sessions_needs_the_acknowledgement_then_denies_older_sessions(
    root_client: Client, alice_client: Client, alice: Principal, reader: Role
) -> None:
    switch(alice_client, alice.account_id, "Reader")
    TemporaryCredential.objects.update(issued_at=datetime.now(UTC) - timedelta(minutes=5))
    assert "not authorized" not in alice_client.get("/users/").content.decode()
    url = "/roles/details/Reader/action/"
    refused = root_client.post(url, {"op": "revoke_sessions", "tab": "sessions"})
    assert "Select the acknowledgement" in refused.content.decode()
    root_client.post(url, {"op": "revoke_sessions", "tab": "sessions", "acknowledge": "yes"})
    assert reader.inline_policies.filter(name="AWSRevokeOlderSessions").exists()
    page = alice_client.get("/users/").content.decode()
    assert "with an explicit deny in an identity-based policy" in page
    alice_client.post("/switchrole/back/")
    switch(alice_client, alice.account_id, "Reader")
    assert "not authorized" not in alice_client.get("/users/").content.decode()


def test_the_revoke_sessions_tab_shows_aws_confirmation(root_client: Client, reader: Role) -> None:
    page = root_client.get("/roles/details/Reader/?tab=sessions").content.decode()
    assert "attaches an inline policy named AWSRevokeOlderSessions" in page
    assert "I acknowledge that I am revoking all active sessions for this role." in page


def test_the_root_user_cannot_switch_role(
    root_client: Client, root: Principal, root_actor: Actor
) -> None:
    services.create_role(actor=root_actor, name="Any", trust_policy=trust(root.account_id))
    response = switch(root_client, root.account_id, "Any")
    assert "Roles may not be assumed by root accounts." in response.content.decode()
