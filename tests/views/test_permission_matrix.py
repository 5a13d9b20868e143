"""Every console action, as five actors: root, an administrator, a read-only user, a user
without policies, and another account's root.

Expectations: root and the administrator may do everything; the read-only user reads but
every write shows AWS's denial and changes nothing; the user without policies sees the
denial for reads and writes; another account's root gets a 404 for this account's objects
and never changes them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest
from django.test import Client

from accounts.models import AccessKey, Account, Group, GroupMembership, Principal
from domain import iam as services
from domain.iam.policies import attach_policy, put_inline_policy
from domain.kernel.actors import Actor
from policies.models import InlinePolicy, ManagedPolicy, PolicyAttachment
from tests.conftest import PASSWORD

DOC = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
DENIED = "is not authorized to perform: "
ACTORS = ["root", "admin", "readonly", "nopolicy", "outsider"]


@dataclass(frozen=True)
class Case:
    name: str
    method: str
    url: str
    data: dict[str, Any] = field(default_factory=dict)
    action: str = ""  # the IAM action a denied actor is told about ("" = any)
    scoped: bool = True  # an object of the account: another account gets a 404

    @property
    def write(self) -> bool:
        return self.method == "post"


def aws(name: str) -> ManagedPolicy:
    return ManagedPolicy.objects.get(name=name, account=None)


READS = [
    Case("dashboard", "get", "/", action="iam:GetAccountSummary", scoped=False),
    Case("groups list", "get", "/groups/", action="iam:ListGroups", scoped=False),
    Case("create group page", "get", "/groups/create/", action="iam:ListUsers", scoped=False),
    Case("group users tab", "get", "/groups/details/Ops/", action="iam:GetGroup"),
    Case(
        "group permissions tab",
        "get",
        "/groups/details/Ops/?tab=permissions",
        action="iam:GetGroup",
    ),
    Case("group edit page", "get", "/groups/details/Ops/edit/", action="iam:GetGroup"),
    Case("group add users page", "get", "/groups/details/Ops/users/add/", action="iam:GetGroup"),
    Case("group attach page", "get", "/groups/details/Ops/policies/attach/", action="iam:GetGroup"),
    Case("access keys", "get", "/users/details/bob/access-keys/", action="iam:ListAccessKeys"),
    Case("users list", "get", "/users/", action="iam:ListUsers", scoped=False),
    Case("user detail", "get", "/users/details/bob/", action="iam:GetUser"),
]

WRITES = [
    Case("create group", "post", "/groups/create/", {"name": "New"}, "iam:CreateGroup", False),
    Case(
        "rename group", "post", "/groups/details/Ops/edit/", {"name": "Renamed"}, "iam:UpdateGroup"
    ),
    Case(
        "delete group",
        "post",
        "/groups/delete/",
        {"groups": ["Ops"], "confirm": "Ops"},
        "iam:DeleteGroup",
        scoped=False,  # the list's form: another account's names match nothing
    ),
    Case(
        "add user to group",
        "post",
        "/groups/details/Ops/users/add/",
        {"picks": ["carol"]},
        "iam:AddUserToGroup",
    ),
    Case(
        "remove user from group",
        "post",
        "/groups/details/Ops/users/remove/",
        {"picks": ["bob"]},
        "iam:RemoveUserFromGroup",
    ),
    Case(
        "attach group policy",
        "post",
        "/groups/details/Ops/policies/attach/",
        {"picks": ["arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess"]},
        "iam:AttachGroupPolicy",
    ),
    Case(
        "detach group policy",
        "post",
        "/groups/details/Ops/policies/detach/",
        {"picks": ["arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess"]},
        "iam:DetachGroupPolicy",
    ),
    Case(
        "put group inline policy",
        "post",
        "/groups/details/Ops/inline/create/",
        {"name": "more", "document": DOC},
        "iam:PutGroupPolicy",
    ),
    Case(
        "delete group inline policy",
        "post",
        "/groups/details/Ops/inline/keep/delete/",
        action="iam:DeleteGroupPolicy",
    ),
    Case(
        "create access key",
        "post",
        "/users/details/carol/access-keys/create/",
        {"use_case": "cli", "confirm": "on", "create": "1"},
        "iam:CreateAccessKey",
    ),
    Case(
        "deactivate access key",
        "post",
        "/users/details/bob/access-keys/{active}/status/",
        {"status": "Inactive"},
        "iam:UpdateAccessKey",
    ),
    Case(
        "delete access key",
        "post",
        "/users/details/bob/access-keys/{inactive}/delete/",
        {"confirm": "{inactive}"},
        "iam:DeleteAccessKey",
    ),
    Case(
        "set account alias",
        "post",
        "/account-alias/",
        {"alias": "matrix-alias"},
        "iam:CreateAccountAlias",
        scoped=False,
    ),
]


@pytest.fixture
def world(root_actor: Actor, alice: Principal, bob: Principal) -> dict[str, Any]:
    """The account under test: group Ops (bob, one managed and one inline policy), users
    carol, admin and reader, and bob's two access keys (one active, one inactive)."""
    carol = services.create_user(actor=root_actor, name="carol")
    admin = services.create_user(actor=root_actor, name="admin", password=PASSWORD)
    reader = services.create_user(actor=root_actor, name="reader", password=PASSWORD)
    attach_policy(actor=root_actor, target=admin, policy=aws("AdministratorAccess"))
    attach_policy(actor=root_actor, target=reader, policy=aws("IAMReadOnlyAccess"))
    group = services.create_group(
        actor=root_actor, name="Ops", members=[bob], policies=[aws("AmazonS3ReadOnlyAccess")]
    )
    put_inline_policy(actor=root_actor, target=group, name="keep", document=DOC)
    active = services.create_access_key(actor=root_actor, user=bob).key.access_key_id
    inactive = services.create_access_key(actor=root_actor, user=bob).key.access_key_id
    services.update_access_key(
        actor=root_actor, user=bob, access_key_id=inactive, status="Inactive"
    )
    return {
        "account": root_actor.account,
        "carol": carol,
        "admin": admin,
        "reader": reader,
        "active": active,
        "inactive": inactive,
    }


def snapshot(account: Account) -> tuple[Any, ...]:
    """Everything the writes above could change in the account under test."""
    account.refresh_from_db()
    return (
        account.alias,
        sorted(Group.objects.filter(account=account).values_list("name", flat=True)),
        GroupMembership.objects.filter(group__account=account).count(),
        PolicyAttachment.objects.filter(group__account=account).count(),
        sorted(InlinePolicy.objects.filter(group__account=account).values_list("name", flat=True)),
        sorted(
            AccessKey.objects.filter(principal__account=account).values_list(
                "access_key_id", "status"
            )
        ),
        sorted(Principal.objects.filter(account=account).values_list("name", flat=True)),
    )


def client_for(who: str, request: pytest.FixtureRequest, world: dict[str, Any]) -> Client:
    if who in ("root", "nopolicy", "outsider"):
        fixture = {"root": "root_client", "nopolicy": "alice_client", "outsider": "outsider_client"}
        return request.getfixturevalue(fixture[who])
    client = Client()
    client.force_login(world["admin" if who == "admin" else "reader"])
    return client


def fill(value: Any, world: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return value.replace("{active}", world["active"]).replace("{inactive}", world["inactive"])
    if isinstance(value, list):
        return [fill(v, world) for v in value]
    return value


def expected(who: str, case: Case) -> str:
    if who == "outsider":
        return "404" if case.scoped else "own-account"
    if who in ("root", "admin"):
        return "allowed"
    if who == "readonly":
        return "denied" if case.write else "allowed"
    return "denied"


@pytest.mark.parametrize("who", ACTORS)
@pytest.mark.parametrize("case", READS + WRITES, ids=lambda c: c.name)
def test_permission_matrix(
    who: str, case: Case, world: dict[str, Any], request: pytest.FixtureRequest
) -> None:
    client = client_for(who, request, world)
    before = snapshot(world["account"])
    url = fill(case.url, world)
    if case.write:
        response = client.post(url, {k: fill(v, world) for k, v in case.data.items()})
    else:
        response = client.get(url)
    page = response.content.decode()
    outcome = expected(who, case)
    assert response.status_code < 500
    if outcome == "404":
        assert response.status_code == 404
    elif outcome == "denied":
        assert DENIED in page, page[-3000:]
        if who == "readonly" or not case.scoped or not case.write:
            assert f"{DENIED}{case.action}" in page
    elif outcome in ("allowed", "own-account"):
        assert DENIED not in page, page[-3000:]
        assert response.status_code in (200, 302)
    after = snapshot(world["account"])
    if case.write and outcome == "allowed":
        assert after != before, "an allowed write changed nothing"
    else:
        assert after == before
