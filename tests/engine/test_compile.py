"""compile_policy(): caching and compile-time errors."""

from __future__ import annotations

import pytest

from policies.engine import CompiledPolicy, EngineError, compile_policy
from policies.engine.policy import clear_cache

from .support import allow, decide, policy


def test_compiling_with_a_key_returns_the_cached_policy() -> None:
    clear_cache()
    doc = policy(allow("iam:*"))
    first = compile_policy(doc, name="P", key=("policy-1", "v1"))
    second = compile_policy(doc, name="P", key=("policy-1", "v1"))
    assert first is second
    assert compile_policy(doc, name="P", key=("policy-1", "v2")) is not first


def test_compiling_without_a_key_builds_a_new_policy() -> None:
    doc = policy(allow("iam:*"))
    assert compile_policy(doc) is not compile_policy(doc)


def test_compiled_policy_carries_its_name_and_type() -> None:
    compiled = compile_policy(policy(allow()), name="inline:Admin")
    assert isinstance(compiled, CompiledPolicy)
    assert compiled.name == "inline:Admin"
    assert compiled.policy_type == "identity"
    decision = decide([compiled])
    assert decision.matched[0].policy == "inline:Admin"


def test_unknown_policy_type_is_an_engine_error() -> None:
    with pytest.raises(EngineError):
        compile_policy(policy(allow()), policy_type="scp")


def test_resource_policy_compiled_as_identity_cannot_be_used_as_resource_policy() -> None:
    compiled = compile_policy(policy(allow()))
    with pytest.raises(EngineError):
        decide([], resource=[compiled])  # type: ignore[arg-type]


def test_bad_values_in_conditions_are_engine_errors() -> None:
    for cond in (
        {"NumericLessThan": {"s3:max-keys": "ten"}},
        {"IpAddress": {"aws:SourceIp": "999.1.1.1/8"}},
        {"BinaryEquals": {"k:v": "not base64!"}},
        {"StringEquals": {"k:v": {"nested": "object"}}},
        {"StringEquals": "not an object"},
    ):
        with pytest.raises(EngineError):
            compile_policy(policy(allow(condition=cond)))


def test_action_memo_gives_the_same_answer_on_repeated_calls() -> None:
    compiled = compile_policy(policy(allow("iam:Get*"), allow("s3:*")))
    for _ in range(3):
        assert decide([compiled], action="iam:GetUser").allowed
        assert not decide([compiled], action="iam:CreateUser").allowed
