"""The decision flow, boundaries, sessions, resource policies and explanations."""

from __future__ import annotations

import json
from typing import Any

import pytest

from policies.engine import EngineError, compile_policy, evaluate

from .support import (
    ACCOUNT,
    FEDERATED,
    FEDERATED_ARN,
    HENRY,
    ROLE_ARN,
    ROLE_SESSION,
    ROOT,
    ROOT_ARN,
    SESSION_ARN,
    USER_ARN,
    allow,
    decide,
    deny,
    policy,
)

TARGET = f"arn:aws:iam::{ACCOUNT}:user/x"
BUCKET = "arn:aws:s3:::shared"


def resource_policy(*statements: dict[str, Any]) -> dict[str, Any]:
    return policy(*statements)


def test_no_policies_is_an_implicit_deny() -> None:
    decision = decide([])
    assert decision.effect == "implicit_deny"
    assert not decision.allowed
    assert decision.denied_by == "identity"


def test_explicit_deny_beats_allow_in_another_policy() -> None:
    decision = decide([policy(allow()), policy(deny("iam:CreateUser", sid="NoUsers"))])
    assert decision.effect == "explicit_deny"
    assert decision.denied_by == "explicit"
    assert decision.matched[0].sid == "NoUsers"
    assert decision.matched[0].effect == "Deny"
    assert decision.matched[0].policy_type == "identity"


def test_allow_in_any_identity_policy_is_enough() -> None:
    assert decide([policy(allow("s3:*")), policy(allow("iam:CreateUser"))]).allowed


def test_root_user_is_allowed_without_policies() -> None:
    decision = decide([], principal=ROOT)
    assert decision.effect == "allow"


def test_root_user_is_still_explicitly_denied() -> None:
    doc = resource_policy(deny("s3:DeleteBucket", BUCKET, principal={"AWS": ROOT_ARN}))
    decision = evaluate(
        {"identity": [], "resource": [doc]},
        {"principal": ROOT, "action": "s3:DeleteBucket", "resource": BUCKET},
    )
    assert decision.effect == "explicit_deny"
    assert "in a resource-based policy" in decision.message


# -- permissions boundaries


def test_boundary_must_also_allow() -> None:
    decision = decide([policy(allow())], boundary=[policy(allow("s3:*"))])
    assert decision.effect == "implicit_deny"
    assert decision.denied_by == "boundary"
    assert "because no permissions boundary allows the iam:CreateUser action" in decision.message
    assert any("permissions boundary does not allow iam:CreateUser" in r for r in decision.reasons)


def test_boundary_alone_grants_nothing() -> None:
    decision = decide([], boundary=[policy(allow())])
    assert decision.effect == "implicit_deny"
    assert decision.denied_by == "identity"


def test_identity_and_boundary_both_allowing_allows() -> None:
    assert decide([policy(allow("iam:*"))], boundary=[policy(allow("iam:Create*"))]).allowed


def test_deny_in_boundary_is_explicit() -> None:
    decision = decide([policy(allow())], boundary=[policy(allow(), deny("iam:CreateUser"))])
    assert decision.effect == "explicit_deny"
    assert decision.message.endswith("with an explicit deny in a permissions boundary")


def test_boundary_condition_failing_is_an_implicit_deny() -> None:
    boundary = policy(allow(condition={"StringEquals": {"aws:RequestedRegion": "us-east-1"}}))
    decision = decide([policy(allow())], boundary=[boundary])
    assert decision.effect == "implicit_deny"
    assert any("key missing" in r for r in decision.reasons)


# -- session policies


def test_session_policy_intersects_a_role_session() -> None:
    identity = [policy(allow())]
    assert decide(identity, principal=ROLE_SESSION).allowed
    decision = decide(identity, principal=ROLE_SESSION, session=[policy(allow("s3:*"))])
    assert decision.effect == "implicit_deny"
    assert decision.denied_by == "session"
    assert "because no session policy allows the iam:CreateUser action" in decision.message


def test_session_policy_deny_is_explicit() -> None:
    decision = decide([policy(allow())], principal=ROLE_SESSION, session=[policy(deny("iam:*"))])
    assert decision.message.endswith("with an explicit deny in a session policy")


def test_federated_user_without_session_policy_is_denied() -> None:
    decision = decide([policy(allow())], principal=FEDERATED)
    assert decision.effect == "implicit_deny"
    assert decision.denied_by == "session"


def test_federated_user_with_session_policy_gets_the_intersection() -> None:
    assert decide([policy(allow())], principal=FEDERATED, session=[policy(allow("iam:*"))]).allowed
    assert not decide(
        [policy(allow())], principal=FEDERATED, session=[policy(allow("s3:*"))]
    ).allowed


# -- resource-based policies, same account


def test_resource_policy_naming_the_user_allows_without_identity_policy() -> None:
    doc = resource_policy(allow("s3:GetObject", f"{BUCKET}/*", principal={"AWS": USER_ARN}))
    decision = evaluate(
        {"identity": [], "resource": [doc]},
        {"principal": HENRY, "action": "s3:GetObject", "resource": f"{BUCKET}/a"},
    )
    assert decision.allowed
    assert decision.matched[0].policy_type == "resource"


def _s3(
    principal: dict[str, Any], *, identity: list[Any] | None = None, **layers: list[Any]
) -> str:
    return evaluate(
        {"identity": identity or [], **layers},
        {"principal": principal, "action": "s3:GetObject", "resource": f"{BUCKET}/a"},
    ).effect


def test_resource_policy_grant_to_the_user_is_not_limited_by_the_boundary() -> None:
    doc = resource_policy(allow("s3:GetObject", f"{BUCKET}/*", principal={"AWS": [USER_ARN]}))
    assert _s3(HENRY, resource=[doc], boundary=[policy(allow("iam:*"))]) == "allow"


def test_resource_policy_grant_to_everyone_needs_nothing_else() -> None:
    for principal in ("*", {"AWS": "*"}):
        doc = resource_policy(allow("s3:GetObject", f"{BUCKET}/*", principal=principal))
        assert _s3(HENRY, resource=[doc]) == "allow"
        assert _s3(ROLE_SESSION, resource=[doc], session=[policy(allow("iam:*"))]) == "allow"


def test_resource_policy_grant_to_the_account_delegates_to_identity_policies() -> None:
    for who in (ACCOUNT, ROOT_ARN):
        doc = resource_policy(allow("s3:GetObject", f"{BUCKET}/*", principal={"AWS": who}))
        assert _s3(HENRY, resource=[doc]) == "implicit_deny"
        assert _s3(HENRY, resource=[doc], identity=[policy(allow("s3:*"))]) == "allow"


def test_resource_policy_grant_to_the_role_is_limited_by_boundary_and_session() -> None:
    doc = resource_policy(allow("s3:GetObject", f"{BUCKET}/*", principal={"AWS": ROLE_ARN}))
    assert _s3(ROLE_SESSION, resource=[doc]) == "allow"
    assert _s3(ROLE_SESSION, resource=[doc], boundary=[policy(allow("iam:*"))]) == "implicit_deny"
    assert _s3(ROLE_SESSION, resource=[doc], session=[policy(allow("iam:*"))]) == "implicit_deny"
    assert _s3(ROLE_SESSION, resource=[doc], boundary=[policy(allow("s3:*"))]) == "allow"


def test_resource_policy_grant_to_the_session_is_limited_by_neither() -> None:
    doc = resource_policy(allow("s3:GetObject", f"{BUCKET}/*", principal={"AWS": SESSION_ARN}))
    narrow = [policy(allow("iam:*"))]
    assert _s3(ROLE_SESSION, resource=[doc], boundary=narrow, session=narrow) == "allow"


def test_resource_policy_grant_to_a_federated_user_needs_no_session_policy() -> None:
    doc = resource_policy(allow("s3:GetObject", f"{BUCKET}/*", principal={"AWS": FEDERATED_ARN}))
    assert _s3(FEDERATED, resource=[doc]) == "allow"


def test_principal_arns_are_compared_exactly_and_case_sensitively() -> None:
    doc = resource_policy(
        allow("s3:GetObject", f"{BUCKET}/*", principal={"AWS": USER_ARN.replace("Henry", "henry")})
    )
    assert _s3(HENRY, resource=[doc]) == "implicit_deny"


def test_resource_policy_deny_on_the_account_denies_its_users() -> None:
    doc = resource_policy(deny("s3:*", f"{BUCKET}/*", principal={"AWS": ACCOUNT}))
    assert _s3(HENRY, resource=[doc], identity=[policy(allow())]) == "explicit_deny"


def test_not_principal_deny_spares_only_the_listed_principals() -> None:
    doc = resource_policy(deny("s3:*", f"{BUCKET}/*", not_principal={"AWS": [USER_ARN, ROOT_ARN]}))
    assert _s3(HENRY, resource=[doc], identity=[policy(allow())]) == "allow"
    # Listing the account ARN does not exempt the account's other principals.
    assert _s3(ROLE_SESSION, resource=[doc], identity=[policy(allow())]) == "explicit_deny"


def test_not_principal_deny_always_denies_a_principal_with_a_boundary() -> None:
    doc = resource_policy(deny("s3:*", f"{BUCKET}/*", not_principal={"AWS": [USER_ARN]}))
    assert (
        _s3(HENRY, resource=[doc], identity=[policy(allow())], boundary=[policy(allow())])
        == "explicit_deny"
    )


def test_service_principal_can_assume_a_role_through_its_trust_policy() -> None:
    trust = policy(allow("sts:AssumeRole", None, principal={"Service": "ec2.amazonaws.com"}))
    request = {
        "principal": {"service": "ec2.amazonaws.com"},
        "action": "sts:AssumeRole",
        "resource": ROLE_ARN,
    }
    assert evaluate({"identity": [], "resource": [trust]}, request).allowed
    other = {**request, "principal": {"service": "lambda.amazonaws.com"}}
    decision = evaluate({"identity": [], "resource": [trust]}, other)
    assert decision.effect == "implicit_deny"
    assert "because no resource-based policy allows" in decision.message


# -- messages and explanations


def test_implicit_deny_message_uses_aws_wording() -> None:
    decision = decide([])
    assert decision.message == (
        f"User: {USER_ARN} is not authorized to perform: iam:CreateUser on resource: {TARGET} "
        "because no identity-based policy allows the iam:CreateUser action"
    )


def test_message_names_the_resource_even_when_it_is_a_star() -> None:
    decision = decide([], action="iam:ListAccountAliases", resource="*")
    assert decision.message == (
        f"User: {USER_ARN} is not authorized to perform: iam:ListAccountAliases on resource: * "
        "because no identity-based policy allows the iam:ListAccountAliases action"
    )


def test_explicit_deny_message_uses_aws_wording() -> None:
    decision = decide([policy(deny())])
    assert decision.message == (
        f"User: {USER_ARN} is not authorized to perform: iam:CreateUser on resource: {TARGET} "
        "with an explicit deny in an identity-based policy"
    )


def test_allow_decision_lists_the_statements_that_allowed() -> None:
    doc = compile_policy(
        policy(allow("s3:*"), allow("iam:*", sid="Iam")), name="arn:aws:iam::123456789012:policy/P"
    )
    decision = decide([doc])
    assert decision.allowed
    assert [(m.policy, m.index, m.sid) for m in decision.matched] == [
        ("arn:aws:iam::123456789012:policy/P", 1, "Iam")
    ]
    assert decision.message.startswith("Allowed by arn:aws:iam::123456789012:policy/P")


def test_reasons_say_why_statements_did_not_apply() -> None:
    doc = compile_policy(
        policy(
            allow("s3:*"),
            allow("iam:CreateUser", f"arn:aws:iam::{ACCOUNT}:user/admins/*"),
            allow("iam:CreateUser", condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
        ),
        name="inline:Mixed",
    )
    reasons = decide([doc]).reasons
    assert any("resource" in r and "not matched" in r and "statement 1" in r for r in reasons)
    assert any(
        "condition Bool on key aws:MultiFactorAuthPresent not met: key missing" in r
        for r in reasons
    )
    other = compile_policy(policy(allow("ec2:*")), name="inline:Ec2")
    reasons = decide([other]).reasons
    assert any("inline:Ec2: no Allow statement matches action iam:CreateUser" in r for r in reasons)


def test_json_text_and_compiled_policies_are_accepted() -> None:
    text = json.dumps(policy(allow("iam:CreateUser")))
    assert decide([text]).allowed
    assert decide([compile_policy(text)]).allowed


# -- bad input


def test_malformed_policy_raises_engine_error() -> None:
    bad: Any
    for bad in (
        {"Statement": [{"Effect": "allow", "Action": "*", "Resource": "*"}]},
        {"Statement": []},
        {"Statement": [{"Effect": "Allow", "Resource": "*"}]},
        {"Statement": [{"Effect": "Allow", "Action": "iam", "Resource": "*"}]},
        {"Version": "2020-01-01", "Statement": [allow()]},
        {"Statement": [allow()], "Extra": 1},
        '{"Statement": [{"Effect": "Allow", "Effect": "Deny", "Action": "*", "Resource": "*"}]}',
        "not json",
        ["not", "a", "policy"],
    ):
        with pytest.raises(EngineError):
            decide([bad])


def test_identity_policy_with_a_principal_raises_engine_error() -> None:
    with pytest.raises(EngineError):
        decide([policy(allow(principal="*"))])


def test_bad_request_shape_raises_engine_error() -> None:
    good = {"principal": HENRY, "action": "iam:GetUser", "resource": "*"}
    for bad in (
        {**good, "action": "GetUser"},
        {**good, "action": None},
        {**good, "principal": {"arn": "henry"}},
        {**good, "principal": {"arn": "arn:aws:ec2:us-east-1:1:instance/i-1"}},
        {**good, "context": ["a"]},
        {**good, "context": {"k:v": {"nested": 1}}},
        {**good, "resource": 5},
    ):
        with pytest.raises(EngineError):
            evaluate({"identity": [policy(allow(condition={"StringEquals": {"k:v": "x"}}))]}, bad)
    with pytest.raises(EngineError):
        evaluate({"identities": []}, good)
