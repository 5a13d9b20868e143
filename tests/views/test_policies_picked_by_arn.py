"""A customer managed policy may be named like an AWS managed one (ReadOnlyAccess): every
attach, detach and boundary choice picks the policy by its ARN, never by name."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Principal, Role
from domain import iam as services
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor
from policies.models import ManagedPolicy
from tests.views.wizards import role_wizard

DOC = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}'


@pytest.fixture
def mine(root_actor: Actor) -> ManagedPolicy:
    return policy_services.create_policy(actor=root_actor, name="ReadOnlyAccess", document=DOC)


@pytest.fixture
def aws() -> ManagedPolicy:
    return ManagedPolicy.objects.get(account=None, name="ReadOnlyAccess")


@pytest.fixture
def web(root_actor: Actor) -> Role:
    return services.create_role(
        actor=root_actor, name="web", trust_policy=services.service_trust_policy("ec2")
    )


@pytest.mark.parametrize("which", ["mine", "aws"])
def test_either_policy_is_detached_from_a_users_page(
    root_client: Client, root_actor: Actor, alice: Principal, mine: ManagedPolicy,
    aws: ManagedPolicy, which: str,
) -> None:  # fmt: skip
    for policy in (mine, aws):
        policy_services.attach_user_policy(actor=root_actor, user=alice, policy=policy)
    gone = mine if which == "mine" else aws
    root_client.post("/users/details/alice/permissions/detach/", {"policy": gone.arn})
    remaining = set(ManagedPolicy.objects.filter(attachments__user=alice))
    assert remaining == {mine, aws} - {gone}


@pytest.mark.parametrize("which", ["mine", "aws"])
def test_either_policy_becomes_a_users_boundary(
    root_client: Client, alice: Principal, mine: ManagedPolicy, aws: ManagedPolicy, which: str
) -> None:
    chosen = mine if which == "mine" else aws
    response = root_client.post(
        "/users/details/alice/permissions-boundary/", {"boundary": chosen.arn, "set": "1"}
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.permissions_boundary == chosen


def test_a_role_attaches_detaches_and_takes_a_boundary_by_arn(
    root_client: Client, web: Role, mine: ManagedPolicy, aws: ManagedPolicy
) -> None:
    url = "/roles/details/web/action/"
    for policy in (mine, aws):
        root_client.post(url, {"op": "attach", "policy": policy.arn})
    assert set(ManagedPolicy.objects.filter(attachments__role=web)) == {mine, aws}
    page = root_client.get("/roles/details/web/?tab=permissions").content.decode()
    assert f'name="policy" value="{mine.arn}"' in page  # Remove posts the ARN
    root_client.post(url, {"op": "detach", "policy": mine.arn})
    assert set(ManagedPolicy.objects.filter(attachments__role=web)) == {aws}
    root_client.post(url, {"op": "set_boundary", "policy": mine.arn})
    web.refresh_from_db()
    assert web.permissions_boundary == mine


def test_a_role_refuses_a_name_two_policies_share_and_asks_for_the_arn(
    root_client: Client, web: Role, mine: ManagedPolicy, aws: ManagedPolicy
) -> None:
    response = root_client.post(
        "/roles/details/web/action/", {"op": "attach", "policy": "ReadOnlyAccess"}
    )
    assert response.status_code == 400
    assert "More than one policy is named ReadOnlyAccess. Enter the policy ARN." in (
        response.content.decode()
    )
    assert not ManagedPolicy.objects.filter(attachments__role=web).exists()
    # A name only one policy has still works.
    root_client.post("/roles/details/web/action/", {"op": "attach", "policy": "IAMReadOnlyAccess"})
    assert ManagedPolicy.objects.filter(attachments__role=web, name="IAMReadOnlyAccess").exists()


def test_the_role_wizard_takes_the_customer_policy_as_boundary_by_arn(
    root_client: Client, mine: ManagedPolicy, aws: ManagedPolicy
) -> None:
    root_client.post(role_wizard(root_client, "trust"), {"trust_type": "service", "service": "ec2"})
    root_client.post(
        role_wizard(root_client, "permissions"),
        {"use_boundary": "on", "boundary": mine.arn, "go": "next"},
    )
    root_client.post(role_wizard(root_client, "review"), {"name": "bounded"})
    role = Role.objects.get(name="bounded")
    assert role.permissions_boundary == mine


def test_a_group_detaches_the_customer_policy_by_arn(
    root_client: Client, root_actor: Actor, mine: ManagedPolicy, aws: ManagedPolicy
) -> None:
    group = services.create_group(actor=root_actor, name="Ops")
    for policy in (mine, aws):
        policy_services.attach_group_policy(actor=root_actor, group=group, policy=policy)
    root_client.post("/groups/details/Ops/policies/detach/", {"picks": [mine.arn]})
    assert set(ManagedPolicy.objects.filter(attachments__group=group)) == {aws}
