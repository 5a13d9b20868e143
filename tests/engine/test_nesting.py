"""Pathologically nested JSON is refused before any recursive parsing, with a clear
message placed at the first bracket too deep; IAM's grammar nests only a few levels."""

from __future__ import annotations

import pytest

from policies.engine import EngineError, compile_policy, lint, validate
from policies.engine.jsonpos import MAX_DEPTH, JsonTooDeep, check_syntax, too_deep_at

DEEP = [
    "[" * 10_000 + "]" * 10_000,
    '{"a":' * 10_000 + "1" + "}" * 10_000,
    "[" * 10_000,  # and unterminated
    '{"Version": "2012-10-17", "Statement": ' + "[" * 900 + "]" * 900 + "}",
]
TOO_DEEP = "Syntax errors in policy. Arrays and objects are nested more than 32 levels deep."


@pytest.mark.parametrize("text", DEEP)
def test_validate_refuses_deep_nesting_with_a_clear_message(text: str) -> None:
    # (Most are also over the size limit, which is reported as well.)
    assert TOO_DEEP in [e.message for e in validate(text, kind="resource")]


def test_the_error_points_at_the_first_bracket_too_deep() -> None:
    text = '{\n  "Statement":\n' + "[" * 40 + "]" * 40 + "}"
    (error,) = validate(text)
    assert (error.line, error.column) == (3, MAX_DEPTH)


@pytest.mark.parametrize("text", DEEP)
def test_lint_and_compile_refuse_deep_nesting_without_a_crash(text: str) -> None:
    assert isinstance(lint(text), list)
    with pytest.raises(EngineError):
        compile_policy(text)


def test_brackets_inside_strings_do_not_count() -> None:
    text = '{"Sid": "' + "[{" * 500 + '\\"[", "Statement": []}'
    assert too_deep_at(text) == -1
    assert check_syntax(text)


def test_nesting_up_to_the_limit_is_read() -> None:
    assert too_deep_at("[" * MAX_DEPTH + "]" * MAX_DEPTH) == -1
    assert too_deep_at("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1)) == MAX_DEPTH
    with pytest.raises(JsonTooDeep):
        check_syntax("[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1))
