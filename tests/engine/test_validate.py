"""validate(): IAM's messages, with the line and column of the offending element."""

from __future__ import annotations

import json

import pytest

from policies.engine import EngineError, PolicyError, validate

OK_STATEMENT = '{"Effect": "Allow", "Action": "iam:GetUser", "Resource": "*"}'


def doc(*statements: str, version: str | None = "2012-10-17") -> str:
    head = f'{{\n  "Version": "{version}",\n' if version else "{\n"
    return head + '  "Statement": [\n    ' + ",\n    ".join(statements) + "\n  ]\n}"


def only(errors: list[PolicyError]) -> PolicyError:
    assert len(errors) == 1, errors
    return errors[0]


def where(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based line/column of the nth occurrence of needle in text."""
    offset = -1
    for _ in range(nth + 1):
        offset = text.index(needle, offset + 1)
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def test_a_valid_managed_policy_has_no_errors() -> None:
    assert validate(doc(OK_STATEMENT)) == []


def test_odd_but_valid_documents_have_no_errors() -> None:
    valid = [
        '{"Version": "2012-10-17", "Statement": ' + OK_STATEMENT + "}",
        doc('{"Resource": ["*", "arn:aws:s3:::b"], "Action": ["s3:*"], "Effect": "Deny"}'),
        doc('{"Effect": "Allow", "Action": "iam:*", "Resource": "*", "Condition": {}}'),
        doc('{"Effect": "Allow", "Action": "x:Y", "Resource": "*", "Condition": {"Foo": {}}}'),
        doc(
            '{"Sid": "", "Effect": "Allow", "Action": "a:b", "Resource": "*"}',
            '{"Sid": "", "Effect": "Allow", "Action": "a:c", "Resource": "*"}',
        ),
        doc('{"Effect": "Allow", "Action": "nosuchservice:Nope", "NotResource": "*"}'),
        doc(
            '{"Effect": "Allow", "Action": "iam:*", "Resource": "*", '
            '"Condition": {"Bool": {"aws:SecureTransport": true}, "Null": {"a:b": false},'
            ' "NumericLessThan": {"s3:max-keys": 10}}}'
        ),
        '{"Version": "2012-10-17", "Id": "x", "Statement": ' + OK_STATEMENT + "}",
    ]
    for text in valid:
        assert validate(text) == [], text


def test_json_syntax_error_reports_its_position() -> None:
    text = '{\n  "Version": "2012-10-17"\n  "Statement": []\n}'
    error = only(validate(text))
    assert error.message == "Syntax errors in policy."
    assert error.code == "MalformedPolicyDocument"
    assert (error.line, error.column) == (3, 3)


def test_non_object_top_level_is_a_syntax_error() -> None:
    assert only(validate("[1, 2]")).message == "Syntax errors in policy."


def test_duplicate_keys_are_a_syntax_error_at_the_second_key() -> None:
    text = doc('{"Effect": "Allow", "Effect": "Deny", "Action": "a:b", "Resource": "*"}')
    error = only(validate(text))
    assert error.message == "Syntax errors in policy."
    assert (error.line, error.column) == where(text, '"Effect"', 1)


def test_unknown_elements_are_syntax_errors() -> None:
    text = doc('{"Effect": "Allow", "Actions": "a:b", "Action": "a:b", "Resource": "*"}')
    error = only(validate(text))
    assert error.message == "Syntax errors in policy."
    assert (error.line, error.column) == where(text, '"Actions"')
    top = '{"Version": "2012-10-17", "Statements": [], "Statement": ' + OK_STATEMENT + "}"
    assert only(validate(top)).message == "Syntax errors in policy."


def test_missing_or_empty_statement_is_a_syntax_error() -> None:
    assert only(validate('{"Version": "2012-10-17"}')).message == "Syntax errors in policy."
    assert only(validate('{"Version": "2012-10-17", "Statement": []}')).message == (
        "Syntax errors in policy."
    )
    assert only(validate(doc('"just a string"'))).message == "Syntax errors in policy."


def test_both_action_and_not_action_is_a_syntax_error() -> None:
    text = doc('{"Effect": "Allow", "Action": "a:b", "NotAction": "a:c", "Resource": "*"}')
    assert only(validate(text)).message == "Syntax errors in policy."


def test_both_resource_and_not_resource_is_a_syntax_error() -> None:
    text = doc('{"Effect": "Allow", "Action": "a:b", "Resource": "*", "NotResource": "*"}')
    assert only(validate(text)).message == "Syntax errors in policy."


def test_missing_effect_is_a_syntax_error() -> None:
    text = doc('{"Action": "a:b", "Resource": "*"}')
    assert only(validate(text)).message == "Syntax errors in policy."


def test_lower_case_effect_fails_legacy_parsing() -> None:
    text = doc('{"Effect": "allow", "Action": "a:b", "Resource": "*"}')
    error = only(validate(text))
    assert error.message == "The policy failed legacy parsing"
    assert (error.line, error.column) == where(text, '"allow"')


def test_missing_actions() -> None:
    text = doc('{"Effect": "Allow", "Resource": "*"}')
    error = only(validate(text))
    assert error.message == "Policy statement must contain actions."
    assert (error.line, error.column) == where(text, '{"Effect"')
    empty = doc('{"Effect": "Allow", "Action": [], "Resource": "*"}')
    assert only(validate(empty)).message == "Policy statement must contain actions."


def test_missing_resources() -> None:
    text = doc('{"Effect": "Allow", "Action": "a:b"}')
    assert only(validate(text)).message == "Policy statement must contain resources."
    empty = doc('{"Effect": "Allow", "Action": "a:b", "Resource": []}')
    assert only(validate(empty)).message == "Policy statement must contain resources."


def test_action_format_messages() -> None:
    cases = {
        "iam": "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc.",
        "iam:Get:User": "Actions/Condition can contain only one colon.",
        "i am:GetUser": "Vendor i am is not valid",
    }
    for action, message in cases.items():
        text = doc(f'{{"Effect": "Allow", "Action": ["a:b", "{action}"], "Resource": "*"}}')
        error = only(validate(text))
        assert error.message == message
        assert (error.line, error.column) == where(text, f'"{action}"')


def test_resource_format_messages() -> None:
    cases = {
        "bucket": 'Resource bucket must be in ARN format or "*".',
        "arn:aws": "Resource vendor must be fully qualified and cannot contain regexes.",
        "arn:nope:s3:::b": 'Partition "nope" is not valid for resource "arn:nope:s3:::b".',
        "arn:aws:iam:us-east-1:123456789012:user/x": (
            "IAM resource arn:aws:iam:us-east-1:123456789012:user/x cannot contain region "
            "information."
        ),
    }
    for resource, message in cases.items():
        text = doc(f'{{"Effect": "Allow", "Action": "a:b", "Resource": ["*", "{resource}"]}}')
        error = only(validate(text))
        assert error.message == message, resource
        assert (error.line, error.column) == where(text, f'"{resource}"')


def test_sid_must_be_alphanumeric() -> None:
    text = doc('{"Sid": "Allow reads", "Effect": "Allow", "Action": "a:b", "Resource": "*"}')
    error = only(validate(text))
    assert error.message.startswith("Statement IDs (SID) must be alpha-numeric.")
    assert (error.line, error.column) == where(text, '"Allow reads"')


def test_sids_must_be_unique() -> None:
    text = doc(
        '{"Sid": "One", "Effect": "Allow", "Action": "a:b", "Resource": "*"}',
        '{"Sid": "One", "Effect": "Allow", "Action": "a:c", "Resource": "*"}',
    )
    error = only(validate(text))
    assert error.message == "Statement IDs (SID) in a single policy must be unique."
    assert (error.line, error.column) == where(text, '"One"', 1)


def test_managed_policy_needs_version_2012_10_17() -> None:
    for text in (doc(OK_STATEMENT, version=None), doc(OK_STATEMENT, version="2008-10-17")):
        error = only(validate(text))
        assert error.message == "Policy document must be version 2012-10-17 or greater."
    assert validate(doc(OK_STATEMENT, version=None), kind="inline-user") == []
    assert validate(doc(OK_STATEMENT, version="2008-10-17"), kind="inline-role") == []


def test_unknown_version_is_a_syntax_error() -> None:
    error = only(validate(doc(OK_STATEMENT, version="2012-10-18"), kind="inline-user"))
    assert error.message == "Syntax errors in policy."


def test_identity_policies_must_not_name_a_principal() -> None:
    text = doc('{"Effect": "Allow", "Principal": "*", "Action": "a:b", "Resource": "*"}')
    for kind in ("managed", "inline-user", "inline-group", "inline-role"):
        error = only(validate(text, kind=kind))
        assert error.message == "Policy document should not specify a principal."
        assert (error.line, error.column) == where(text, '"Principal"')


def test_trust_policy_needs_a_principal_and_sts_actions_and_no_resource() -> None:
    missing = doc('{"Effect": "Allow", "Action": "sts:AssumeRole"}')
    assert only(validate(missing, kind="trust")).message == "Missing required field Principal"
    bad_action = doc(
        '{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "s3:*"}'
    )
    assert only(validate(bad_action, kind="trust")).message.startswith(
        "Trust Policy statement actions can only be sts:AssumeRole"
    )
    with_resource = doc(
        '{"Effect": "Allow", "Principal": {"AWS": "123456789012"}, "Action": "sts:AssumeRole",'
        ' "Resource": "*"}'
    )
    assert only(validate(with_resource, kind="trust")).message == "Has prohibited field Resource."
    good = doc(
        '{"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"},'
        ' "Action": ["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]}'
    )
    assert validate(good, kind="trust") == []


def test_invalid_aws_principal_is_reported() -> None:
    text = doc('{"Effect": "Allow", "Principal": {"AWS": "henry"}, "Action": "sts:AssumeRole"}')
    assert (
        only(validate(text, kind="trust")).message == 'Invalid principal in policy: "AWS":"henry"'
    )


def test_resource_policy_needs_a_principal() -> None:
    text = doc('{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}')
    assert only(validate(text, kind="resource")).message == "Missing required field Principal"


def test_unknown_condition_operator_with_keys_is_a_syntax_error() -> None:
    text = doc(
        '{"Effect": "Allow", "Action": "a:b", "Resource": "*",'
        ' "Condition": {"StringRoughly": {"a:b": "c"}}}'
    )
    error = only(validate(text))
    assert error.message == "Syntax errors in policy."
    assert (error.line, error.column) == where(text, '"StringRoughly"')


def test_condition_must_be_an_object() -> None:
    text = doc('{"Effect": "Allow", "Action": "a:b", "Resource": "*", "Condition": "yes"}')
    assert only(validate(text)).message == "Syntax errors in policy."


def test_bad_date_in_condition_fails_legacy_parsing() -> None:
    text = doc(
        '{"Effect": "Allow", "Action": "a:b", "Resource": "*",'
        ' "Condition": {"DateGreaterThan": {"aws:CurrentTime": "last tuesday"}}}'
    )
    error = only(validate(text))
    assert error.message == "The policy failed legacy parsing"
    assert (error.line, error.column) == where(text, '"last tuesday"')


def test_size_limit_counts_non_whitespace_characters() -> None:
    actions = ", ".join(f'"s3:GetObjectVersion{i:04d}"' for i in range(300))
    big = doc(f'{{"Effect": "Allow", "Action": [{actions}], "Resource": "*"}}')
    errors = validate(big)
    assert any(
        e.code == "LimitExceeded" and e.message == "Cannot exceed quota for PolicySize: 6144"
        for e in errors
    )
    padded = doc(OK_STATEMENT).replace(" ", " " * 200)
    assert validate(padded) == []


def test_size_limits_per_kind_and_messages() -> None:
    statement = {"Effect": "Allow", "Action": [f"s3:A{i:05d}" for i in range(250)], "Resource": "*"}
    text = json.dumps({"Version": "2012-10-17", "Statement": [statement]})  # ~3000 chars
    assert not [e for e in validate(text) if e.code == "LimitExceeded"]
    assert not [e for e in validate(text, kind="inline-group") if e.code == "LimitExceeded"]
    user = [e for e in validate(text, kind="inline-user") if e.code == "LimitExceeded"]
    assert user[0].message == "Maximum policy size of 2048 bytes exceeded for user"
    named = [
        e for e in validate(text, kind="inline-user", entity="Henry") if e.code == "LimitExceeded"
    ]
    assert named[0].message == "Maximum policy size of 2048 bytes exceeded for user Henry"
    trust_statement = {
        "Effect": "Allow",
        "Principal": {"AWS": [f"{i:012d}" for i in range(150)]},
        "Action": "sts:AssumeRole",
    }
    trust = json.dumps({"Version": "2012-10-17", "Statement": [trust_statement]})
    errors = [e for e in validate(trust, kind="trust") if e.code == "LimitExceeded"]
    assert errors[0].message == "Cannot exceed quota for ACLSizePerRole: 2048"


def test_characters_outside_the_allowed_range_are_rejected() -> None:
    text = doc('{"Sid": "Caf\u00e9", "Effect": "Allow", "Action": "a:b", "Resource": "*"}')
    assert all("regular expression pattern" not in e.message for e in validate(text))
    snowman = doc('{"Effect": "Allow", "Action": "a:b", "Resource": "arn:aws:s3:::\u2603"}')
    errors = validate(snowman)
    bad = [e for e in errors if "regular expression pattern" in e.message]
    assert bad and (bad[0].line, bad[0].column) == where(snowman, "\u2603")


def test_every_problem_is_reported_in_document_order() -> None:
    text = doc(
        '{"Sid": "a-b", "Effect": "Allow", "Action": "iam", "Resource": "*"}',
        '{"Effect": "Allow", "Action": "a:b", "Resource": "bucket"}',
    )
    messages = [e.message for e in validate(text)]
    assert messages[0].startswith("Statement IDs (SID) must be alpha-numeric")
    assert messages[1].startswith("Actions/Conditions must be prefaced by a vendor")
    assert messages[2] == 'Resource bucket must be in ARN format or "*".'
    assert all(e.severity == "error" for e in validate(text))


def test_unknown_kind_is_an_engine_error() -> None:
    with pytest.raises(EngineError):
        validate("{}", kind="scp")


def test_resource_policy_needs_resources() -> None:
    text = doc('{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject"}')
    assert only(validate(text, kind="resource")).message == (
        "Policy statement must contain resources."
    )


def test_deeply_nested_json_is_a_syntax_error_not_a_crash() -> None:
    text = "[" * 3000 + "]" * 3000
    assert only(validate(text, kind="resource")).message.startswith("Syntax errors in policy.")
