"""Access Advisor: the "Last accessed" tab of users and roles, from the event history."""

from __future__ import annotations

from django.test import Client

from accounts.models import Principal
from domain import iam as services
from domain.iam import policies as policy_services
from domain.iam import roles
from domain.iam.access import policy_for_input
from domain.kernel.actors import Actor

READ_ONLY = "arn:aws:iam::aws:policy/IAMReadOnlyAccess"


def attach(root_actor: Actor, user: Principal, arn: str) -> None:
    policy = policy_for_input(root_actor, arn)
    policy_services.attach_user_policy(actor=root_actor, user=user, policy=policy)


def test_a_user_who_used_iam_shows_it_and_others_are_not_accessed(
    root_client: Client, alice_client: Client, root_actor: Actor, alice: Principal, bob: Principal
) -> None:
    attach(root_actor, alice, READ_ONLY)
    attach(root_actor, bob, READ_ONLY)
    alice_client.get("/users/")  # alice lists users: an IAM call
    page = root_client.get("/users/details/alice/", {"tab": "last_accessed"}).content.decode()
    assert "Identity and Access Management" in page
    assert "ago</time>" in page
    bob_page = root_client.get("/users/details/bob/", {"tab": "last_accessed"}).content.decode()
    assert "Not accessed in the tracking period" in bob_page
    assert "IAMReadOnlyAccess" in bob_page  # unused for 90 days: a candidate to remove
    assert "IAMReadOnlyAccess" not in page.split('data-testid="unused-policies"')[1]


def test_the_tab_needs_access_advisor_permissions(alice_client: Client, bob: Principal) -> None:
    page = alice_client.get("/users/details/bob/", {"tab": "last_accessed"}).content.decode()
    assert "iam:" in page and "not authorized" in page


def test_a_role_page_has_the_tab(root_client: Client, root_actor: Actor) -> None:
    services.create_role(
        actor=root_actor, name="web", trust_policy=roles.service_trust_policy("ec2")
    )
    page = root_client.get("/roles/details/web/", {"tab": "last_accessed"}).content.decode()
    assert 'data-testid="last-accessed"' in page
    assert "Unused permissions" in page


def test_a_group_page_names_the_member_who_used_a_service(
    root_client: Client, alice_client: Client, root_actor: Actor, alice: Principal
) -> None:
    group = services.create_group(actor=root_actor, name="Readers")
    services.add_user_to_group(actor=root_actor, group=group, user=alice)
    policy = policy_for_input(root_actor, READ_ONLY)
    policy_services.attach_group_policy(actor=root_actor, group=group, policy=policy)
    alice_client.get("/users/")
    page = root_client.get("/groups/details/Readers/", {"tab": "last_accessed"}).content.decode()
    assert alice.arn in page


def test_a_policy_page_names_who_used_its_services(
    root_client: Client, alice_client: Client, root_actor: Actor, alice: Principal
) -> None:
    attach(root_actor, alice, READ_ONLY)
    alice_client.get("/users/")
    page = root_client.get(
        "/policies/aws/IAMReadOnlyAccess/", {"tab": "last_accessed"}
    ).content.decode()
    assert 'data-testid="last-accessed"' in page
    assert alice.arn in page


def test_a_user_who_used_iam_and_s3_shows_both(
    root_client: Client, alice_client: Client, root_actor: Actor, alice: Principal
) -> None:
    attach(root_actor, alice, READ_ONLY)
    attach(root_actor, alice, "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess")
    alice_client.get("/users/")
    assert alice_client.get("/s3/").status_code == 200  # ListBuckets in the S3 console
    page = root_client.get("/users/details/alice/", {"tab": "last_accessed"}).content.decode()
    assert "Identity and Access Management" in page
    assert "Amazon S3" in page
    assert page.count("ago</time>") >= 2
