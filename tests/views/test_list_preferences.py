"""The tables' gear icon: page size and visible columns, kept in the session per list."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from pytest_django.fixtures import DjangoAssertNumQueries

from accounts.models import Principal
from domain import iam as services
from domain.kernel.actors import Actor
from tests.conftest import PASSWORD

USER_DEFAULT_HEADERS = [
    "User name",
    "Path",
    "Groups",
    "Last activity",
    "MFA",
    "Password age",
    "Console last sign-in",
    "Access key ID",
    "Active key age",
]


def headers(body: str) -> list[str]:
    """The column headers of the page's table, without the selection column."""
    head = re.search(r"<thead>(.*?)</thead>", body, re.S)
    assert head, "the page has a table"
    return [h for h in re.findall(r"<th[^>]*>([^<]*)</th>", head.group(1)) if h.strip()]


def get(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_users_table_shows_aws_default_columns(root_client: Client, alice: Principal) -> None:
    body = get(root_client, "/users/")
    assert headers(body) == USER_DEFAULT_HEADERS
    assert 'data-testid="preferences-users"' in body
    assert alice.arn not in body


def test_saved_preferences_choose_the_columns_and_page_size_and_keep_the_filter(
    root_client: Client, root_actor: Actor, alice: Principal
) -> None:
    for i in range(12):
        services.create_user(actor=root_actor, name=f"student{i:02}")
    response = root_client.post(
        "/preferences/users/",
        {"page_size": "10", "column": ["groups", "arn", "console_access"], "q": "student"},
    )
    assert response["Location"] == "/users/?q=student"
    body = get(root_client, "/users/?q=student")
    assert headers(body) == ["User name", "Groups", "ARN", "Console access"]
    assert body.count('data-testid="user-row-') == 10
    assert f"arn:aws:iam::{alice.account_id}:user/student00" in body
    assert "Disabled" in body  # student users were created without a password
    alice_row = get(root_client, "/users/?q=alice")
    assert alice.arn in alice_row and "Enabled" in alice_row


def test_the_htmx_table_swap_uses_the_same_columns(root_client: Client, alice: Principal) -> None:
    root_client.post("/preferences/users/", {"column": ["mfa"]})
    response = root_client.get("/users/?q=ali", headers={"HX-Request": "true"})
    assert headers(response.content.decode()) == ["User name", "MFA"]


def test_a_per_page_link_wins_over_the_saved_page_size(
    root_client: Client, root_actor: Actor
) -> None:
    for i in range(12):
        services.create_user(actor=root_actor, name=f"student{i:02}")
    root_client.post("/preferences/users/", {"page_size": "10", "column": ["path"]})
    body = get(root_client, "/users/?per_page=25")
    assert body.count('data-testid="user-row-') == 12


def test_bad_preferences_change_nothing_and_never_fail(
    root_client: Client, alice: Principal
) -> None:
    root_client.post("/preferences/users/", {"page_size": "7", "column": ["mfa", "<script>"]})
    assert headers(get(root_client, "/users/")) == ["User name", "MFA"]
    body = get(root_client, "/users/")
    assert 'value="25" checked' in body  # the page size stayed at the default
    assert root_client.post("/preferences/nothing/", {}).status_code == 404
    assert root_client.get("/preferences/users/").status_code == 405
    session = root_client.session
    session["list_preferences"] = {"users": {"page_size": "x", "columns": "not-a-list"}}
    session.save()
    assert headers(get(root_client, "/users/")) == USER_DEFAULT_HEADERS


def test_preferences_are_per_list_and_per_session(
    root_client: Client, root: Principal, alice: Principal
) -> None:
    root_client.post("/preferences/users/", {"column": ["arn"]})
    assert headers(get(root_client, "/groups/")) == [
        "Group name",
        "Users",
        "Permissions",
        "Creation time",
    ]
    other = Client()
    other.force_login(root)
    assert headers(get(other, "/users/")) == USER_DEFAULT_HEADERS


def test_groups_and_roles_lists_have_preferences_too(
    root_client: Client, root_actor: Actor
) -> None:
    group = services.create_group(actor=root_actor, name="Developers")
    role = services.create_role(
        actor=root_actor,
        name="Auditor",
        trust_policy=services.service_trust_policy("ec2"),
        description="Reads logs",
        max_session_duration=7200,
    )
    root_client.post("/preferences/groups/", {"column": ["arn"]})
    body = get(root_client, "/groups/")
    assert headers(body) == ["Group name", "ARN"]
    assert group.arn in body
    root_client.post("/preferences/roles/", {"column": ["description", "max_session"]})
    body = get(root_client, "/roles/")
    assert headers(body) == ["Role name", "Description", "Max session duration"]
    assert "Reads logs" in body and "2 hours" in body
    assert role.arn not in body


@pytest.mark.parametrize("count", [3, 60])
def test_the_users_list_with_every_column_makes_a_constant_number_of_queries(
    root_client: Client,
    root_actor: Actor,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    count: int,
) -> None:
    group = services.create_group(actor=root_actor, name="Developers")
    for i in range(count):
        user = services.create_user_with_access(
            actor=root_actor,
            new=services.NewUser(
                name=f"user{i:03}", console_password=PASSWORD, password_reset_required=False
            ),
        )
        services.add_user_to_group(actor=root_actor, group=group, user=user)
        services.create_access_key(actor=root_actor, user=user)
    every = ["path", "groups", "last_activity", "mfa", "password_age", "console_last_sign_in"]
    every += ["access_key_id", "active_key_age", "access_key_last_used", "arn"]
    every += ["creation_time", "console_access"]
    root_client.post("/preferences/users/", {"page_size": "100", "column": every})
    with django_assert_max_num_queries(12):
        body = get(root_client, "/users/")
    assert len(headers(body)) == 13
    assert body.count('data-testid="user-row-') == count
