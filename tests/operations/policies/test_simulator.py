from __future__ import annotations

import pytest

from accounts.models import Principal
from domain import iam as services
from domain.iam import policies as policy_services
from domain.iam import simulator
from domain.kernel.actors import Actor
from domain.kernel.errors import AccessDenied, MalformedPolicyDocument, ValidationError
from policies.engine import actions as catalogue
from policies.models import ManagedPolicy

READ_ONLY = """{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "ReadReports", "Effect": "Allow", "Action": ["s3:GetObject", "s3:ListBucket"],
     "Resource": "*"},
    {"Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:DeleteObject", "Resource": "*"}
  ]
}"""


@pytest.fixture
def reader(root_actor: Actor, alice: Principal) -> Principal:
    policy = policy_services.create_policy(actor=root_actor, name="Reports", document=READ_ONLY)
    policy_services.attach_user_policy(actor=root_actor, user=alice, policy=policy)
    return alice


def test_an_allowed_action_names_the_allowing_statement(
    root_actor: Actor, reader: Principal
) -> None:
    subject = simulator.for_user(root_actor, reader)
    [result] = simulator.simulate(subject, ["s3:GetObject"], ["arn:aws:s3:::reports/a.csv"])
    assert result.decision == "allowed"
    assert [(e.policy.endswith(":policy/Reports"), e.statement) for e in result.statements] == [
        (True, "Sid ReadReports")
    ]


def test_an_explicit_deny_names_the_denying_statement_and_aws_message(
    root_actor: Actor, reader: Principal
) -> None:
    [result] = simulator.simulate(
        simulator.for_user(root_actor, reader), ["s3:DeleteObject"], ["*"]
    )
    assert result.decision == "explicitly denied"
    assert [e.statement for e in result.statements] == ["Sid NoDeletes"]
    assert result.message.endswith("with an explicit deny in an identity-based policy")


def test_an_implicit_deny_says_why_nothing_applied(root_actor: Actor, reader: Principal) -> None:
    [result] = simulator.simulate(simulator.for_user(root_actor, reader), ["iam:CreateUser"], ["*"])
    assert result.decision == "implicitly denied"
    assert result.statements == ()
    assert any("no Allow statement matches action iam:CreateUser" in r for r in result.reasons)
    assert "because no identity-based policy allows the iam:CreateUser action" in result.message


def test_a_role_is_simulated_as_a_session_of_the_role(root_actor: Actor) -> None:
    role = services.create_role_with_permissions(
        actor=root_actor,
        name="EC2-S3-Access",
        trust_policy=services.service_trust_policy("ec2"),
        policies=[ManagedPolicy.objects.get(name="AmazonS3FullAccess", account=None)],
    )
    subject = simulator.for_role(root_actor, role)
    assert subject.caller_arn.endswith(":assumed-role/EC2-S3-Access/simulator")
    allowed, denied = simulator.simulate(subject, ["s3:PutObject", "ec2:RunInstances"], ["*"])
    assert allowed.allowed and "AmazonS3FullAccess" in allowed.statements[0].policy
    assert not denied.allowed and "assumed-role/EC2-S3-Access/simulator" in denied.message


def test_a_group_is_simulated_with_its_own_policies(root_actor: Actor) -> None:
    group = services.create_group(actor=root_actor, name="Auditors")
    policy_services.attach_group_policy(
        actor=root_actor,
        group=group,
        policy=ManagedPolicy.objects.get(name="IAMReadOnlyAccess", account=None),
    )
    subject = simulator.for_group(root_actor, group)
    get, create = simulator.simulate(subject, ["iam:GetUser", "iam:CreateUser"], ["*"])
    assert get.allowed and not create.allowed


def test_a_condition_is_met_only_with_the_context_key(root_actor: Actor) -> None:
    document = (
        '{"Version":"2012-10-17","Statement":[{"Sid":"WithMfa","Effect":"Allow",'
        '"Action":"ec2:StopInstances","Resource":"*",'
        '"Condition":{"Bool":{"aws:MultiFactorAuthPresent":"true"}}}]}'
    )
    subject = simulator.for_documents(root_actor, [document])
    [without] = simulator.simulate(subject, ["ec2:StopInstances"], ["*"])
    assert not without.allowed
    assert any("aws:MultiFactorAuthPresent" in r for r in without.reasons)
    context = simulator.parse_context([("aws:MultiFactorAuthPresent", "true")])
    [with_mfa] = simulator.simulate(subject, ["ec2:StopInstances"], ["*"], context)
    assert with_mfa.allowed and with_mfa.statements[0].statement == "Sid WithMfa"


def test_a_pasted_document_with_an_error_is_refused_with_its_position(root_actor: Actor) -> None:
    with pytest.raises(MalformedPolicyDocument, match=r"Syntax errors in policy. \(line 1"):
        simulator.for_documents(root_actor, ['{"Version": '])


def test_literal_actions_take_the_catalogues_spelling() -> None:
    assert simulator.parse_actions("s3:getobject, iam:CreateUser") == [
        "s3:GetObject",
        "iam:CreateUser",
    ]
    with pytest.raises(ValidationError, match="is not an action name"):
        simulator.parse_actions("s3:Get(1)")


def test_an_action_pattern_runs_every_catalogue_action_it_matches() -> None:
    actions, patterns = simulator.parse_action_patterns("s3:Get*\ns3:GetObject")
    assert actions == catalogue.expand_action("s3:Get*")
    assert "s3:GetObject" in actions and "s3:PutObject" not in actions
    assert patterns == [("s3:Get*", len(actions))]


def test_a_pattern_matching_more_than_the_cap_is_refused_with_its_count() -> None:
    count = len(catalogue.expand_action("ec2:*"))
    assert count > simulator.MAX_ACTIONS
    with pytest.raises(ValidationError, match=f"ec2:\\* matches {count} actions"):
        simulator.parse_actions("ec2:*")
    with pytest.raises(ValidationError, match="matches no action"):
        simulator.parse_actions("s3:Fly*")


def test_a_pattern_run_decides_each_action_it_stands_for(root_actor: Actor) -> None:
    policy = (
        '{"Version":"2012-10-17","Statement":'
        '[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}'
    )
    subject = simulator.for_documents(root_actor, [policy])
    results = simulator.simulate(subject, simulator.parse_actions("s3:GetObject*"), ["*"])
    decided = {r.action: r.allowed for r in results}
    assert decided["s3:GetObject"] is True
    assert decided["s3:GetObjectAcl"] is False


def test_a_user_without_permission_cannot_simulate(alice: Principal, bob: Principal) -> None:
    with pytest.raises(AccessDenied, match="iam:SimulatePrincipalPolicy"):
        simulator.for_user(Actor(principal=alice), bob)
