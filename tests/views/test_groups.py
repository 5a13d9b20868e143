from __future__ import annotations

import pytest
from django.test import Client
from pytest_django.fixtures import DjangoAssertNumQueries

from accounts.models import Group, Principal
from domain import iam as services
from domain.iam.policies import attach_user_policy
from domain.kernel.actors import Actor, system_actor
from policies.models import InlinePolicy, ManagedPolicy, PolicyAttachment

DOC = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'


def aws(name: str) -> ManagedPolicy:
    return ManagedPolicy.objects.get(name=name, account=None)


def test_root_creates_a_group_with_users_and_a_policy(
    root_client: Client, alice: Principal, bob: Principal
) -> None:
    response = root_client.post(
        "/groups/create/",
        {
            "name": "Developers",
            "members": ["alice", "bob"],
            "policies": [aws("PowerUserAccess").arn],
        },
    )
    assert response["Location"] == "/groups/"
    group = Group.objects.get(name="Developers")
    assert sorted(group.members.values_list("name", flat=True)) == ["alice", "bob"]
    page = root_client.get("/groups/details/Developers/?tab=permissions").content.decode()
    assert "PowerUserAccess" in page and "AWS managed" in page
    assert f"arn:aws:iam::{group.account_id}:group/Developers" in page


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "This field is required."),
        ("has space", "Valid characters: A-Z, a-z, 0-9, and + = , . @ _ - (hyphen)."),
        ("x" * 129, "at most 128 characters"),
        ("DEVELOPERS", "Group with name DEVELOPERS already exists."),
    ],
)
def test_bad_group_names_are_shown_beside_the_field_and_create_nothing(
    root_client: Client, root_actor: Actor, name: str, message: str
) -> None:
    services.create_group(actor=root_actor, name="Developers")
    page = root_client.post("/groups/create/", {"name": name}).content.decode()
    assert message in page and 'class="field-error"' in page
    assert Group.objects.count() == 1


def test_an_unknown_policy_or_user_creates_nothing(root_client: Client, alice: Principal) -> None:
    page = root_client.post(
        "/groups/create/",
        {"name": "G", "members": ["alice"], "policies": ["arn:aws:iam::aws:policy/Nope"]},
    ).content.decode()
    assert "Policy arn:aws:iam::aws:policy/Nope does not exist or is not attachable." in page
    page = root_client.post("/groups/create/", {"name": "G", "members": ["ghost"]}).content.decode()
    assert "The user with name ghost cannot be found." in page
    assert not Group.objects.exists()


def test_the_policy_filter_keeps_the_form_and_the_picks(
    root_client: Client, alice: Principal
) -> None:
    arn = aws("IAMReadOnlyAccess").arn
    page = root_client.post(
        "/groups/create/",
        {"name": "G", "members": ["alice"], "policies": [arn], "policy_q": "ec2", "filter": "x"},
    ).content.decode()
    assert "AmazonEC2FullAccess" in page
    assert f'type="hidden" name="policies" value="{arn}"' in page
    assert 'value="G"' in page
    assert not Group.objects.exists()


def test_the_list_filters_and_paginates_with_a_constant_number_of_queries(
    root_client: Client,
    root_actor: Actor,
    alice: Principal,
    django_assert_max_num_queries: DjangoAssertNumQueries,
) -> None:
    for i in range(3):
        services.create_group_with_members(actor=root_actor, name=f"team{i}", members=[alice])
    with django_assert_max_num_queries(12) as few:
        root_client.get("/groups/")
    for i in range(3, 45):
        services.create_group_with_members(
            actor=root_actor, name=f"team{i}", members=[alice] if i < 10 else []
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = root_client.get("/groups/").content.decode()
    assert "User groups <span" in page and "(45)" in page
    assert page.count('name="groups"') == 20
    page = root_client.get("/groups/?page=3").content.decode()
    assert page.count('name="groups"') == 5
    assert root_client.get("/groups/?page=zzz").status_code == 200
    page = root_client.get("/groups/?q=team4").content.decode()
    assert "team4<" in page and "team41<" in page and "team3<" not in page


def test_an_htmx_filter_returns_only_the_table(root_client: Client, root_actor: Actor) -> None:
    services.create_group(actor=root_actor, name="Ops")
    page = root_client.get("/groups/?q=op", headers={"HX-Request": "true"}).content.decode()
    assert page.lstrip().startswith('<div id="group-table">') and "Ops" in page
    assert "<html" not in page


def test_rename_and_refuse_a_taken_name(root_client: Client, root_actor: Actor) -> None:
    services.create_group(actor=root_actor, name="Ops")
    services.create_group(actor=root_actor, name="Admins")
    page = root_client.post("/groups/details/Ops/edit/", {"name": "admins"}).content.decode()
    assert "Group with name admins already exists." in page
    response = root_client.post("/groups/details/Ops/edit/", {"name": "Operations"})
    assert response["Location"] == "/groups/details/Operations/"
    assert Group.objects.filter(name="Operations").exists()


def test_delete_one_group_by_typing_its_name(
    root_client: Client, root_actor: Actor, alice: Principal
) -> None:
    group = services.create_group_with_members(
        actor=root_actor, name="Ops", members=[alice], policies=[aws("IAMReadOnlyAccess")]
    )
    page = root_client.post("/groups/delete/", {"groups": ["Ops"], "confirm": "ops"})
    assert "Enter Ops to confirm deletion." in page.content.decode()
    response = root_client.post("/groups/delete/", {"groups": ["Ops"], "confirm": "Ops"})
    assert response["Location"] == "/groups/"
    assert not Group.objects.exists()
    assert not PolicyAttachment.objects.filter(group_id=group.pk).exists()
    assert Principal.objects.filter(name="alice").exists()


def test_deleting_several_groups_asks_for_n_user_groups(
    root_client: Client, root_actor: Actor
) -> None:
    for name in ("a1", "a2", "a3"):
        services.create_group(actor=root_actor, name=name)
    page = root_client.get("/groups/delete/?groups=a1&groups=a2").content.decode()
    assert "2 user groups" in page
    root_client.post("/groups/delete/", {"groups": ["a1", "a2"], "confirm": "2 user groups"})
    assert list(Group.objects.values_list("name", flat=True)) == ["a3"]


def test_users_tab_adds_and_removes_members(
    root_client: Client, root_actor: Actor, alice: Principal, bob: Principal
) -> None:
    group = services.create_group(actor=root_actor, name="Ops")
    page = root_client.get("/groups/details/Ops/users/add/").content.decode()
    assert 'value="alice"' in page and 'value="bob"' in page
    root_client.post("/groups/details/Ops/users/add/", {"picks": ["alice", "bob"]})
    assert group.members.count() == 2
    assert 'value="alice"' not in root_client.get("/groups/details/Ops/users/add/").content.decode()
    root_client.post("/groups/details/Ops/users/remove/?tab=users", {"picks": ["bob"]})
    assert list(group.members.values_list("name", flat=True)) == ["alice"]
    response = root_client.post("/groups/details/Ops/users/remove/", {})
    assert response.status_code == 400


def test_permissions_tab_attaches_detaches_and_edits_inline_policies(
    root_client: Client, root_actor: Actor
) -> None:
    group = services.create_group(actor=root_actor, name="Ops")
    arn = aws("AmazonEC2FullAccess").arn
    root_client.post("/groups/details/Ops/policies/attach/", {"picks": [arn]})
    assert PolicyAttachment.objects.filter(group=group).count() == 1
    root_client.post("/groups/details/Ops/policies/detach/", {"picks": [arn]})
    assert not PolicyAttachment.objects.filter(group=group).exists()
    page = root_client.post(
        "/groups/details/Ops/inline/create/", {"name": "s3", "document": "{not json"}
    ).content.decode()
    assert 'class="field-error"' in page and not InlinePolicy.objects.exists()
    root_client.post("/groups/details/Ops/inline/create/", {"name": "s3", "document": DOC})
    assert InlinePolicy.objects.get(group=group).name == "s3"
    assert "s3:*" in root_client.get("/groups/details/Ops/inline/s3/edit/").content.decode()
    root_client.post("/groups/details/Ops/inline/s3/delete/")
    assert not InlinePolicy.objects.exists()
    assert root_client.get("/groups/details/Ops/inline/nope/edit/").status_code == 404


def test_a_user_without_policies_sees_denials_and_changes_nothing(
    alice_client: Client, alice: Principal, root_actor: Actor
) -> None:
    services.create_group(actor=root_actor, name="Ops")
    page = alice_client.get("/groups/").content.decode()
    assert f"User: {alice.arn} is not authorized to perform: iam:ListGroups" in page
    response = alice_client.post("/groups/create/", {"name": "Mine"})
    assert "is not authorized to perform: iam:CreateGroup" in response.content.decode()
    assert response.status_code == 403
    response = alice_client.get("/groups/details/Ops/")
    assert "is not authorized to perform: iam:GetGroup" in response.content.decode()
    assert list(Group.objects.values_list("name", flat=True)) == ["Ops"]


def test_a_read_only_user_reads_groups_but_cannot_delete_them(
    alice_client: Client, alice: Principal, root_actor: Actor
) -> None:
    attach_user_policy(actor=root_actor, user=alice, policy=aws("IAMReadOnlyAccess"))
    services.create_group(actor=root_actor, name="Ops")
    assert "Ops" in alice_client.get("/groups/").content.decode()
    assert "Ops" in alice_client.get("/groups/details/Ops/?tab=permissions").content.decode()
    page = alice_client.post("/groups/delete/", {"groups": ["Ops"], "confirm": "Ops"})
    assert "is not authorized to perform: iam:DeleteGroup" in page.content.decode()
    assert Group.objects.filter(name="Ops").exists()


def test_another_accounts_groups_are_invisible(
    outsider_client: Client, root_actor: Actor, outsider: Principal
) -> None:
    services.create_group(actor=root_actor, name="Ops")
    services.create_group(actor=system_actor(outsider), name="Theirs")
    assert outsider_client.get("/groups/details/Ops/").status_code == 404
    assert outsider_client.post("/groups/details/Ops/edit/", {"name": "X"}).status_code == 404
    page = outsider_client.get("/groups/").content.decode()
    assert "Theirs" in page and "Ops<" not in page
    outsider_client.post("/groups/delete/", {"groups": ["Ops"], "confirm": "Ops"})
    assert Group.objects.filter(name="Ops").exists()


@pytest.mark.parametrize("url", ["/groups/", "/groups/create/", "/groups/details/Ops/"])
def test_group_pages_need_sign_in(db: None, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/signin/")


def test_a_group_named_create_has_its_own_page(root_client: Client, root_actor: Actor) -> None:
    services.create_group(actor=root_actor, name="create")
    page = root_client.get("/groups/details/create/").content.decode()
    assert f"arn:aws:iam::{root_actor.account.id}:group/create" in page


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("/groups/details/Ops/users/remove/", "Select at least one user to remove."),
        ("/groups/details/Ops/policies/detach/", "Select at least one policy to remove."),
    ],
)
def test_removing_nothing_says_what_to_select(
    root_client: Client, root_actor: Actor, alice: Principal, url: str, message: str
) -> None:
    group = services.create_group(actor=root_actor, name="Ops")
    services.add_user_to_group(actor=root_actor, group=group, user=alice)
    response = root_client.post(url, {})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert list(group.members.all()) == [alice]
