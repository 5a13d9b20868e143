"""Pathologically nested JSON and names far longer than any IAM name are refused with a
clear answer, never a server error (RecursionError; SQLite's "LIKE or GLOB pattern too
complex" past 50,000 bytes)."""

from __future__ import annotations

import html

import pytest
from django.test import Client
from pytest_django.fixtures import DjangoAssertNumQueries

from accounts.models import Principal, Role
from domain import iam as services
from domain.kernel.actors import Actor
from tests.views.wizards import policy_wizard

DEEP_ARRAYS = "[" * 10_000 + "]" * 10_000
DEEP_OBJECTS = '{"a":' * 10_000 + "1" + "}" * 10_000
DEEP = [DEEP_ARRAYS, DEEP_OBJECTS]
# Deep, yet short enough to pass every size limit, and within the json module's own depth.
DEEP_SMALL = ["[" * 600 + "]" * 600, '{"a":' * 300 + "1" + "}" * 300]
TOO_DEEP = "Arrays and objects are nested more than 32 levels deep."
LONG = "n" * 60_000


@pytest.fixture
def web(root_actor: Actor) -> Role:
    return services.create_role(
        actor=root_actor, name="web", trust_policy=services.service_trust_policy("ec2")
    )


@pytest.mark.parametrize("document", DEEP)
def test_the_visual_editor_refuses_a_deeply_nested_document_and_keeps_it(
    root_client: Client, document: str
) -> None:
    response = root_client.post(
        policy_wizard(root_client, "permissions"),
        {
            "step": "visual",
            "service": "s3",
            "all_actions": "on",
            "effect": "Allow",
            "resource_scope": "all",
            "document": document,
        },
    )
    page = html.unescape(response.content.decode())
    assert response.status_code == 400
    assert TOO_DEEP in page
    assert document[:100] in page


@pytest.mark.parametrize("document", DEEP)
def test_the_json_editors_check_refuses_deep_nesting_with_a_clear_message(
    root_client: Client, document: str
) -> None:
    for kind in ("managed", "trust", "inline-user"):
        response = root_client.post("/policies/validate/", {"document": document, "kind": kind})
        assert response.status_code == 200
        assert TOO_DEEP in response.content.decode()


@pytest.mark.parametrize("document", DEEP + DEEP_SMALL)
def test_every_policy_entry_point_refuses_deep_nesting_without_saving(
    root_client: Client, alice: Principal, web: Role, document: str
) -> None:
    posts = [
        # (the review step only ever sees a document that passed this step)
        (policy_wizard(root_client, "permissions"), {"step": "review", "document": document}),
        ("/users/details/alice/inline-policies/create/", {"name": "deep", "document": document}),
        ("/roles/details/web/inline/", {"name": "deep", "document": document}),
        ("/roles/details/web/trust/", {"document": document}),
    ]
    for url, data in posts:
        response = root_client.post(url, data)
        assert response.status_code < 500, url
        if document in DEEP_SMALL:  # (the long ones may first be over a size limit)
            assert TOO_DEEP in html.unescape(response.content.decode()), url
    simulated = root_client.post(
        "/simulator/",
        {"entity": "custom", "document": document, "run": "1", "actions": "s3:GetObject"},
    )
    assert simulated.status_code == 200
    assert not alice.inline_policies.exists() and not web.inline_policies.exists()


@pytest.mark.parametrize(
    "url",
    [
        f"/users/details/{LONG}/",
        f"/users/details/{LONG}/permissions/add/",
        f"/groups/details/{LONG}/",
        f"/roles/details/{LONG}/",
        f"/roles/details/{LONG}/edit/",
        f"/policies/create/?{LONG}",
    ],
)
def test_a_name_longer_than_any_iam_name_is_not_found(
    root_client: Client, root_actor: Actor, alice: Principal, web: Role, url: str
) -> None:
    # (SQLite checks a LIKE pattern only when a row is there to compare it with.)
    services.create_group(actor=root_actor, name="Ops")
    response = root_client.get(url, follow=True)  # (Create policy starts a wizard first)
    assert response.status_code in (200, 404)
    if "/details/" in url:
        assert response.status_code == 404


@pytest.mark.parametrize(
    "url",
    [
        "/users/",
        "/groups/",
        "/roles/",
        "/policies/",
        "/groups/create/",
        "/users/details/alice/permissions/add/",
    ],
)
def test_a_very_long_filter_finds_nothing_and_does_not_fail(
    root_client: Client, alice: Principal, web: Role, url: str
) -> None:
    query = {"q": LONG, "user_q": LONG, "policy_q": LONG, "groups_q": LONG, "policies_q": LONG}
    if url == "/groups/create/":  # its pickers filter by POST
        response = root_client.post(url, query | {"filter": "1"})
    else:
        response = root_client.get(url, query)
    assert response.status_code == 200
    assert "AdministratorAccess" not in response.content.decode()


def test_the_readers_never_query_with_a_name_longer_than_any_iam_name(
    root_actor: Actor,
    alice: Principal,
    web: Role,
    django_assert_num_queries: DjangoAssertNumQueries,
) -> None:
    from domain.iam import access

    with django_assert_num_queries(0):
        for reader in (access.get_user, access.get_group, access.get_role):
            with pytest.raises(Exception, match="cannot be found"):
                reader(root_actor, LONG)
    assert list(access.list_roles(root_actor, search=LONG)) == []
    assert list(access.list_users_for_picking(root_actor, search="x" * 129)) == []
