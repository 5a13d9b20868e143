from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import Principal
from domain import iam as services
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor
from policies.models import ManagedPolicy

REPORTS = (
    '{"Version":"2012-10-17","Statement":['
    '{"Sid":"ReadReports","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},'
    '{"Sid":"NeverDelete","Effect":"Deny","Action":"s3:DeleteObject","Resource":"*"}]}'
)


@pytest.fixture
def reader(root_actor: Actor, alice: Principal) -> Principal:
    policy = policy_services.create_policy(actor=root_actor, name="Reports", document=REPORTS)
    policy_services.attach_user_policy(actor=root_actor, user=alice, policy=policy)
    return alice


def run(client: Client, **data: object) -> str:
    return client.post("/simulator/", {"run": "1", "resources": "*", **data}).content.decode()


def test_the_simulator_needs_sign_in(db: None) -> None:
    assert Client().get("/simulator/")["Location"].startswith("/signin/")


def test_the_users_simulate_link_prefills_the_user(root_client: Client, alice: Principal) -> None:
    page = root_client.get("/simulator/?user=alice").content.decode()
    assert '<option value="user:alice" selected>' in page


def test_results_name_the_deciding_statements(root_client: Client, reader: Principal) -> None:
    page = run(
        root_client, entity="user:alice", actions="s3:GetObject\ns3:DeleteObject\nec2:RunInstances"
    )
    assert "allowed" in page and "Sid ReadReports" in page
    assert "explicitly denied" in page and "Sid NeverDelete" in page
    assert "implicitly denied" in page
    assert "because no identity-based policy allows the ec2:RunInstances action" in page


def test_a_role_is_simulated_as_a_session(root_client: Client, root_actor: Actor) -> None:
    services.create_role_with_permissions(
        actor=root_actor,
        name="EC2-S3-Access",
        trust_policy=services.service_trust_policy("ec2"),
        policies=[ManagedPolicy.objects.get(account=None, name="AmazonS3FullAccess")],
    )
    page = run(root_client, entity="role:EC2-S3-Access", actions="s3:PutObject")
    assert "assumed-role/EC2-S3-Access/simulator" in page
    assert "arn:aws:iam::aws:policy/AmazonS3FullAccess" in page


def test_picked_actions_and_context_keys_are_used(root_client: Client) -> None:
    document = (
        '{"Version":"2012-10-17","Statement":[{"Sid":"FromOffice","Effect":"Allow",'
        '"Action":"s3:ListBucket","Resource":"*",'
        '"Condition":{"IpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}'
    )
    outside = run(root_client, entity="custom", document=document, action="s3:ListBucket")
    assert "implicitly denied" in outside and "aws:SourceIp" in outside
    inside = run(
        root_client,
        entity="custom",
        document=document,
        action="s3:ListBucket",
        ctx_key="aws:SourceIp",
        ctx_value="203.0.113.9",
    )
    assert "Sid FromOffice" in inside


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"entity": "user:nobody", "actions": "s3:GetObject"}, "Choose a user, group or role"),
        ({"entity": "user:alice", "actions": "s3:Get(x)"}, "is not an action name"),
        ({"entity": "user:alice", "actions": "s3:Fly*"}, "matches no action in the AWS"),
        (
            {"entity": "user:alice", "actions": "ec2:*"},
            "the simulator runs at most 200 at once. Narrow the pattern",
        ),
        ({"entity": "user:alice", "actions": ""}, "Choose at least one action."),
        ({"entity": "custom", "document": "{", "actions": "s3:GetObject"}, "line 1, column"),
        ({"entity": "user:alice", "actions": "s3:GetObject", "resources": "bucket"}, "not an ARN"),
    ],
)
def test_bad_input_gets_a_clear_message_not_an_error_page(
    root_client: Client, alice: Principal, data: dict[str, str], message: str
) -> None:
    response = root_client.post("/simulator/", {"run": "1", **data})
    assert response.status_code == 200
    assert message in response.content.decode()


def test_a_user_without_permission_sees_the_aws_denial(
    alice_client: Client, bob: Principal
) -> None:
    page = run(alice_client, entity="user:bob", actions="s3:GetObject")
    assert "is not authorized to perform: iam:GetUser" in page or (
        "is not authorized to perform: iam:SimulatePrincipalPolicy" in page
    )
    page = run(alice_client, entity="custom", document=REPORTS, actions="s3:GetObject")
    assert "is not authorized to perform: iam:SimulateCustomPolicy" in page


def test_another_accounts_user_cannot_be_simulated(
    outsider_client: Client, alice: Principal
) -> None:
    page = run(outsider_client, entity="user:alice", actions="s3:GetObject")
    assert "Choose a user, group or role of this account." in page
