"""The engine's speed-ups (cached principal keys and context key maps, lazy explanations)
must never change a decision."""

from __future__ import annotations

import pickle
from typing import Any

import pytest

from policies.engine import Decision, compile_policy, evaluate

from .support import ACCOUNT, HENRY, USER_ARN, allow, decide, deny, policy

TEAM_RED = policy(allow("iam:*", condition={"StringEquals": {"aws:PrincipalTag/team": "red"}}))
FLAG_TRUE = policy(allow("iam:*", condition={"StringEquals": {"aws:PrincipalTag/flag": "true"}}))
OWN_NAME = policy(allow("iam:*", condition={"StringEquals": {"aws:username": "Henry"}}))
OFFICE = policy(allow("iam:*", condition={"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}}))


def henry(**changes: Any) -> dict[str, Any]:
    return {**HENRY, **changes}


def test_the_same_principal_with_different_tags_does_not_share_derived_keys() -> None:
    red, blue = henry(tags={"team": "red"}), henry(tags={"team": "blue"})
    for _ in range(3):  # alternate, so each call finds the other's keys cached
        assert decide([TEAM_RED], principal=red).allowed
        assert not decide([TEAM_RED], principal=blue).allowed


def test_tag_values_that_compare_equal_but_read_differently_are_not_confused() -> None:
    # True == 1 in Python, but the tag reads as "true" in one case and "1" in the other.
    assert decide([FLAG_TRUE], principal=henry(tags={"flag": True})).allowed
    assert not decide([FLAG_TRUE], principal=henry(tags={"flag": 1})).allowed
    assert decide([FLAG_TRUE], principal=henry(tags={"flag": True})).allowed


def test_a_different_user_name_with_the_same_arn_and_tags_is_read_afresh() -> None:
    assert decide([OWN_NAME], principal=henry()).allowed
    assert not decide([OWN_NAME], principal=henry(username="Mallory")).allowed
    assert decide([OWN_NAME], principal=henry()).allowed


def test_changing_a_tags_dict_between_calls_changes_the_next_decision() -> None:
    tags = {"team": "red"}
    principal = henry(tags=tags)
    assert decide([TEAM_RED], principal=principal).allowed
    tags["team"] = "blue"
    assert not decide([TEAM_RED], principal=principal).allowed


def test_a_context_key_written_twice_in_different_case_keeps_the_last_in_either_order() -> None:
    inside, outside = "203.0.113.9", "10.0.0.1"
    for _ in range(2):  # the second round reads the cached key maps
        assert decide([OFFICE], context={"aws:sourceip": outside, "aws:SourceIp": inside}).allowed
        assert not decide(
            [OFFICE], context={"aws:SourceIp": inside, "aws:sourceip": outside}
        ).allowed


def test_the_same_context_keys_with_other_values_decide_on_the_new_values() -> None:
    assert decide([OFFICE], context={"aws:SourceIp": "203.0.113.9"}).allowed
    assert not decide([OFFICE], context={"aws:SourceIp": "10.0.0.1"}).allowed


def test_a_context_entry_cannot_stand_in_for_a_principal_tag_once_keys_are_cached() -> None:
    blue = henry(tags={"team": "blue"})
    context = {"aws:PrincipalTag/team": "red"}
    for _ in range(2):
        assert not decide([TEAM_RED], principal=blue, context=context).allowed


def test_a_decision_message_is_a_string_attribute() -> None:
    denied = decide([])
    assert isinstance(denied.message, str)
    assert denied.message == (
        f"User: {USER_ARN} is not authorized to perform: iam:CreateUser on resource: "
        f"arn:aws:iam::{ACCOUNT}:user/x because no identity-based policy allows the "
        "iam:CreateUser action"
    )
    assert decide([policy(allow())]).message == "Allowed by identity policy #1 statement 0"


def test_reasons_do_not_change_when_the_caller_changes_its_request_afterwards() -> None:
    context: dict[str, Any] = {"aws:SourceIp": "10.0.0.1"}
    identity = [compile_policy(OFFICE, name="Office")]
    request = {"principal": HENRY, "action": "iam:GetUser", "resource": "*", "context": context}
    decision = evaluate({"identity": identity}, request)
    context.clear()
    identity.clear()
    assert decision.reasons == (
        "identity-based policies do not allow iam:GetUser",
        "Office statement 0: condition IpAddress on key aws:SourceIp not met",
    )


def test_decisions_compare_hash_print_and_pickle_by_their_fields() -> None:
    first, second = decide([]), decide([])
    assert first == second
    assert hash(first) == hash(second)
    assert first != decide([policy(allow())])
    assert repr(first).startswith("Decision(effect='implicit_deny', allowed=False, matched=()")
    assert pickle.loads(pickle.dumps(first)) == first
    built = Decision(effect="allow", allowed=True, message="Allowed")
    assert (built.reasons, built.message, built.denied_by) == ((), "Allowed", None)


def test_a_decision_cannot_be_changed() -> None:
    decision = decide([])
    with pytest.raises(AttributeError):
        decision.message = "Allowed"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        decision.allowed = True  # type: ignore[misc]
    assert not decision.allowed


def test_a_policy_list_changed_between_calls_is_decided_afresh() -> None:
    identity = [compile_policy(policy(allow("iam:*")), name="Allow", key=("cache-test", 1))]
    request = {"principal": HENRY, "action": "iam:GetUser", "resource": "*"}
    assert evaluate({"identity": identity}, request).effect == "allow"
    identity.append(compile_policy(policy(deny("iam:Get*")), name="Deny", key=("cache-test", 2)))
    assert evaluate({"identity": identity}, request).effect == "explicit_deny"
    identity.clear()
    assert evaluate({"identity": identity}, request).effect == "implicit_deny"


def test_the_same_policy_in_another_layer_is_not_confused() -> None:
    admin = compile_policy(policy(allow("iam:*")), name="Admin", key=("cache-test", 3))
    request = {"principal": HENRY, "action": "iam:GetUser", "resource": "*"}
    as_identity = evaluate({"identity": [admin], "boundary": []}, request)
    as_boundary = evaluate({"identity": [], "boundary": [admin]}, request)
    assert as_identity.effect == "allow"
    assert (as_boundary.effect, as_boundary.denied_by) == ("implicit_deny", "identity")


def test_a_plan_is_per_action() -> None:
    reader = compile_policy(policy(allow("iam:Get*")), name="Reader", key=("cache-test", 4))
    layers = {"identity": [reader]}
    base = {"principal": HENRY, "resource": "*"}
    assert evaluate(layers, base | {"action": "iam:GetUser"}).allowed
    assert not evaluate(layers, base | {"action": "iam:DeleteUser"}).allowed
    assert evaluate(layers, base | {"action": "IAM:getuser"}).allowed
