"""validate() checks the json-parsed document first and reads positions only to place an
error: both readings must report exactly what one careful reading would."""

from __future__ import annotations

from policies.engine import validate

from .test_validate import OK_STATEMENT, doc, only, where


def test_a_duplicate_key_before_a_later_syntax_error_reports_the_syntax_error() -> None:
    text = doc('{"Effect": "Allow", "Effect": "Deny", "Action": "a:b", "Resource": "*"}')
    broken = text[:-1] + ", }"  # a stray comma on the last line, after the duplicate
    error = only(validate(broken))
    assert error.message == "Syntax errors in policy."
    assert (error.line, error.column) == (6, 1)  # where json stops, not the duplicate


def test_a_duplicate_key_in_a_nested_condition_is_placed_at_the_second_key() -> None:
    statement = (
        '{"Effect": "Allow", "Action": "a:b", "Resource": "*", "Condition": '
        '{"Bool": {"aws:SecureTransport": "true", "aws:SecureTransport": "false"}}}'
    )
    text = doc(statement)
    error = only(validate(text))
    assert error.message == "Syntax errors in policy."
    assert (error.line, error.column) == where(text, '"aws:SecureTransport"', 1)


def test_a_problem_late_in_a_valid_looking_document_is_still_found_and_placed() -> None:
    text = doc(*([OK_STATEMENT] * 20), '{"Effect": "Allow", "Action": "a:b:c", "Resource": "*"}')
    error = only(validate(text))
    assert error.message == "Actions/Condition can contain only one colon."
    assert (error.line, error.column) == where(text, '"a:b:c"')


def test_a_valid_document_over_the_size_quota_reports_only_the_quota() -> None:
    text = doc(*([OK_STATEMENT] * 120))
    assert only(validate(text)).code == "LimitExceeded"
