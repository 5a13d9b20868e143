from __future__ import annotations

import csv
import io
import re

import pytest
from django.test import Client
from pytest_django.fixtures import DjangoAssertNumQueries

from accounts.models import Account, Principal
from domain import iam as services
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor
from policies.models import ManagedPolicy
from tests.conftest import PASSWORD

DENIED = "is not authorized to perform: "


def readonly(root_actor: Actor, user: Principal) -> None:
    policy = ManagedPolicy.objects.get(name="IAMReadOnlyAccess", account=None)
    policy_services.attach_user_policy(actor=root_actor, user=user, policy=policy)


def page(client: Client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


USER_PAGES = [
    "/users/",
    "/users/details/bob/",
    "/users/details/bob/?tab=groups",
    "/users/details/bob/?tab=tags",
    "/users/details/bob/?tab=security_credentials",
    "/users/details/bob/permissions/add/",
    "/users/details/bob/inline-policies/create/",
    "/users/details/bob/permissions-boundary/",
    "/users/details/bob/tags/",
    "/users/details/bob/console-access/",
]


@pytest.mark.parametrize("url", [*USER_PAGES, "/users/create/", "/users/delete/?user=bob"])
def test_anonymous_visitors_are_sent_to_sign_in(client: Client, bob: Principal, url: str) -> None:
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/")


@pytest.mark.parametrize("url", USER_PAGES)
def test_root_sees_every_user_page(root_client: Client, bob: Principal, url: str) -> None:
    body = page(root_client, url)
    assert "bob" in body
    assert DENIED not in body


@pytest.mark.parametrize("url", USER_PAGES)
def test_a_user_without_policies_sees_the_aws_denial(
    alice_client: Client, alice: Principal, bob: Principal, url: str
) -> None:
    body = page(alice_client, url)
    assert f"User: {alice.arn} {DENIED}iam:" in body


@pytest.mark.parametrize("url", USER_PAGES[1:])
def test_another_accounts_user_is_a_404(outsider_client: Client, bob: Principal, url: str) -> None:
    assert outsider_client.get(url).status_code == 404


def test_the_list_shows_aws_columns(root_client: Client, root_actor: Actor, bob: Principal) -> None:
    services.create_user(actor=root_actor, name="nopass")
    group = services.create_group(actor=root_actor, name="Developers")
    services.add_user_to_group(actor=root_actor, group=group, user=bob)
    key = services.create_access_key(actor=root_actor, user=bob).key
    body = page(root_client, "/users/")
    assert "Users <span" in body and "(2)" in body
    bob_row = body.split('data-testid="user-row-bob"')[1].split("</tr>")[0]
    assert "Developers" in bob_row
    assert f"{key.access_key_id} (Active)" in bob_row
    assert "<td>Never</td>" in bob_row  # console password never used
    nopass_row = body.split('data-testid="user-row-nopass"')[1].split("</tr>")[0]
    assert nopass_row.count("<td>None</td>") >= 3


def test_searching_for_an_access_key_id_finds_its_owner(
    root_client: Client, root_actor: Actor, alice: Principal, bob: Principal
) -> None:
    key = services.create_access_key(actor=root_actor, user=bob).key
    body = page(root_client, f"/users/?q={key.access_key_id[-8:]}")
    assert 'data-testid="user-row-bob"' in body
    assert 'data-testid="user-row-alice"' not in body


def test_the_htmx_filter_returns_only_the_table(root_client: Client, bob: Principal) -> None:
    response = root_client.get("/users/?q=bo", headers={"HX-Request": "true"})
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="users-table"')
    assert "<html" not in body


@pytest.mark.parametrize("count", [3, 60])
def test_the_list_makes_a_constant_number_of_queries(
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
    with django_assert_max_num_queries(12):
        body = page(root_client, "/users/?per_page=50")
    assert body.count('data-testid="user-row-') == min(count, 50)


def test_bad_page_numbers_and_sizes_do_not_fail(root_client: Client, bob: Principal) -> None:
    assert "bob" in page(root_client, "/users/?page=abc&per_page=xyz")
    assert "bob" in page(root_client, "/users/?page=999&per_page=-1")


def test_deleting_one_user_needs_its_name_typed(root_client: Client, bob: Principal) -> None:
    body = page(root_client, "/users/delete/?user=bob")
    assert 'enter <q class="mono">bob</q>' in body
    response = root_client.post("/users/delete/", {"user": "bob", "confirm": "delete"})
    assert "Enter bob to confirm deletion." in response.content.decode()
    assert Principal.objects.filter(name="bob").exists()
    response = root_client.post("/users/delete/", {"user": "bob", "confirm": "bob"})
    assert response["Location"] == "/users/"
    assert not Principal.objects.filter(name="bob").exists()


def test_deleting_several_users_needs_delete_typed(
    root_client: Client, alice: Principal, bob: Principal
) -> None:
    response = root_client.post("/users/delete/", {"user": ["alice", "bob"], "confirm": "delete"})
    assert response.status_code == 302
    assert not Principal.objects.filter(kind="user").exists()


def test_a_denied_delete_shows_the_message_and_keeps_the_user(
    alice_client: Client, alice: Principal, bob: Principal
) -> None:
    body = alice_client.post("/users/delete/", {"user": "bob", "confirm": "bob"}).content.decode()
    assert f"{DENIED}iam:DeleteUser" in body
    assert Principal.objects.filter(name="bob").exists()


def test_the_permissions_tab_shows_policies_by_group_and_a_summary(
    root_client: Client, root_actor: Actor, bob: Principal
) -> None:
    group = services.create_group(actor=root_actor, name="Readers")
    services.add_user_to_group(actor=root_actor, group=group, user=bob)
    readonly(root_actor, group)  # type: ignore[arg-type]
    arn = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"
    body = page(root_client, f"/users/details/bob/?tab=permissions&policy={arn}")
    assert "Group Readers" in body
    summary = body.split('data-testid="policy-summary"')[1]
    assert "IAM" in summary and "Full: List, Read" in summary or "Limited" in summary


def test_an_invalid_inline_policy_is_shown_beside_the_editor_and_not_saved(
    root_client: Client, bob: Principal
) -> None:
    response = root_client.post(
        "/users/details/bob/inline-policies/create/", {"name": "bad", "document": "{not json"}
    )
    body = response.content.decode()
    assert 'class="field-error"' in body
    assert not bob.inline_policies.exists()
    good = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
    )
    response = root_client.post(
        "/users/details/bob/inline-policies/create/", {"name": "s3", "document": good}
    )
    assert response.status_code == 302
    assert bob.inline_policies.get().name == "s3"


def test_tags_are_added_and_removed(root_client: Client, bob: Principal) -> None:
    root_client.post(
        "/users/details/bob/tags/", {"tag_key": ["team"], "tag_value": ["blue"], "save": "1"}
    )
    bob.refresh_from_db()
    assert bob.tags == [{"Key": "team", "Value": "blue"}]
    response = root_client.post(
        "/users/details/bob/tags/", {"tag_key": ["aws:x"], "tag_value": ["1"], "save": "1"}
    )
    assert "reserved prefix" in response.content.decode()
    bob.refresh_from_db()
    assert bob.tags == [{"Key": "team", "Value": "blue"}]
    root_client.post("/users/details/bob/tags/", {"save": "1"})
    bob.refresh_from_db()
    assert bob.tags == []


def test_console_access_reset_shows_the_new_password_once(
    root_client: Client, bob: Principal
) -> None:
    response = root_client.post(
        "/users/details/bob/console-access/",
        {"access": "enable", "password_kind": "autogenerated", "reset_required": "on"},
    )
    assert response["Location"] == "/users/details/bob/console-access/password/"
    body = page(root_client, "/users/details/bob/console-access/password/")
    password = re.search(r'data-testid="new-password">([^<]+)<', body).group(1)  # type: ignore[union-attr]
    bob.refresh_from_db()
    import html

    assert bob.check_password(html.unescape(password)) and bob.password_reset_required
    again = root_client.get("/users/details/bob/console-access/password/")
    assert again.status_code == 302


def test_a_weak_custom_password_is_refused_beside_the_field(
    root_client: Client, bob: Principal
) -> None:
    response = root_client.post(
        "/users/details/bob/console-access/",
        {"access": "enable", "password_kind": "custom", "password": "abc"},
    )
    assert 'class="field-error"' in response.content.decode()
    bob.refresh_from_db()
    assert bob.check_password(PASSWORD)


def test_disabling_console_access(root_client: Client, bob: Principal) -> None:
    root_client.post("/users/details/bob/console-access/", {"access": "disable"})
    bob.refresh_from_db()
    assert not bob.has_console_access


# --- the wizard -------------------------------------------------------------------


def start(client: Client) -> str:
    response = client.get("/users/create/")
    assert response.status_code == 302
    return response["Location"].rsplit("/", 2)[0]


def test_the_wizard_creates_nothing_before_the_last_step_and_keeps_state(
    root_client: Client, account: Account, root_actor: Actor
) -> None:
    group = services.create_group(actor=root_actor, name="Developers")
    base = start(root_client)
    response = root_client.post(
        f"{base}/details/",
        {
            "name": "Mia",
            "console": "on",
            "console_kind": "iam_user",
            "password_kind": "autogenerated",
            "reset_required": "on",
        },
    )
    assert response["Location"] == f"{base}/permissions/"
    assert 'value="Mia"' in page(root_client, f"{base}/details/")  # Back keeps the state
    response = root_client.post(
        f"{base}/permissions/", {"option": "groups", "groups": ["Developers"], "next": "1"}
    )
    assert response["Location"] == f"{base}/review/"
    assert not Principal.objects.filter(name="Mia").exists()
    body = page(root_client, f"{base}/review/")
    assert "Developers" in body and "Mia" in body
    response = root_client.post(
        f"{base}/review/", {"tag_key": ["team"], "tag_value": ["blue"], "create": "1"}
    )
    assert response["Location"] == f"{base}/retrieve/"
    mia = Principal.objects.get(name="Mia")
    assert list(mia.iam_groups.all()) == [group] and mia.tags == [{"Key": "team", "Value": "blue"}]

    download = root_client.get(f"{base}/credentials.csv")
    assert download["Content-Disposition"] == 'attachment; filename="Mia_credentials.csv"'
    raw = download.content
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows[0] == ["User name", "Password", "Console sign-in URL"]
    assert rows[1][0] == "Mia" and mia.check_password(rows[1][1])
    assert rows[1][2] == f"http://testserver/signin/{account.id}/"
    assert "no longer shown" in page(root_client, f"{base}/retrieve/")


def test_step_one_checks_the_name_and_the_custom_password(
    root_client: Client, alice: Principal
) -> None:
    base = start(root_client)
    body = root_client.post(f"{base}/details/", {"name": "ALICE"}).content.decode()
    assert "User with name ALICE already exists." in body
    body = root_client.post(f"{base}/details/", {"name": "bad name!"}).content.decode()
    assert "Valid characters" in body
    body = root_client.post(
        f"{base}/details/",
        {
            "name": "Mia",
            "console": "on",
            "console_kind": "iam_user",
            "password_kind": "custom",
            "password": "short",
        },
    ).content.decode()
    assert "at least 8 characters" in body
    assert root_client.get(f"{base}/review/")["Location"] == f"{base}/details/"


def test_a_user_without_console_access_skips_the_password_page(root_client: Client) -> None:
    base = start(root_client)
    root_client.post(f"{base}/details/", {"name": "Mia"})
    root_client.post(f"{base}/permissions/", {"option": "groups", "next": "1"})
    response = root_client.post(f"{base}/review/", {"create": "1"})
    assert response["Location"] == "/users/details/Mia/"
    assert not Principal.objects.get(name="Mia").has_console_access


def test_a_denied_create_shows_the_aws_message_and_creates_nothing(
    alice_client: Client, root_actor: Actor, alice: Principal
) -> None:
    readonly(root_actor, alice)
    base = start(alice_client)
    alice_client.post(f"{base}/details/", {"name": "Mia"})
    alice_client.post(f"{base}/permissions/", {"option": "policies", "next": "1"})
    body = alice_client.post(f"{base}/review/", {"create": "1"}).content.decode()
    assert f"User: {alice.arn} {DENIED}iam:CreateUser" in body
    assert not Principal.objects.filter(name="Mia").exists()


def test_unknown_wizard_ids_say_so_and_offer_a_new_start(root_client: Client) -> None:
    response = root_client.get("/users/create/nope/review/")
    assert response.status_code == 404
    assert 'href="/users/create/"' in response.content.decode()
    assert root_client.get("/users/create/nope/retrieve/")["Location"] == "/users/"


@pytest.mark.parametrize("name", ["create", "delete", "details"])
def test_users_named_like_console_pages_have_their_own_page(
    root_client: Client, root_actor: Actor, name: str
) -> None:
    services.create_user(actor=root_actor, name=name)
    page = root_client.get(f"/users/details/{name}/").content.decode()
    assert f"arn:aws:iam::{root_actor.account.id}:user/{name}" in page
