"""Condition operators, missing keys, set operators (policy-language.md section 3)."""

from __future__ import annotations

from typing import Any

import pytest

from policies.engine import EngineError, compile_policy

from .support import allow, decide, deny, policy


def holds(operator: str, key: str, values: Any, context: dict[str, Any] | None = None) -> bool:
    """Does an Allow with this single condition allow the request?"""
    doc = policy(allow(condition={operator: {key: values}}))
    return decide([doc], context=context or {}).allowed


# -- string operators


def test_string_equals_is_case_sensitive_and_star_is_literal() -> None:
    assert holds("StringEquals", "s3:prefix", "home/", {"s3:prefix": "home/"})
    assert not holds("StringEquals", "s3:prefix", "Home/", {"s3:prefix": "home/"})
    assert not holds("StringEquals", "s3:prefix", "home/*", {"s3:prefix": "home/x"})
    assert holds("StringEquals", "s3:prefix", "home/*", {"s3:prefix": "home/*"})


def test_string_equals_ignore_case_ignores_case() -> None:
    assert holds("StringEqualsIgnoreCase", "aws:PrincipalTag/team", "RED", {})
    assert not holds("StringNotEqualsIgnoreCase", "aws:PrincipalTag/team", "RED", {})


def test_string_values_are_ored() -> None:
    assert holds(
        "StringEquals", "ec2:Region", ["us-east-1", "eu-west-1"], {"ec2:Region": "eu-west-1"}
    )


def test_string_like_globs_case_sensitively() -> None:
    ctx = {"s3:prefix": "home/Henry/docs"}
    assert holds("StringLike", "s3:prefix", "home/*/docs", ctx)
    assert holds("StringLike", "s3:prefix", "home/Henr?/*", ctx)
    assert not holds("StringLike", "s3:prefix", "home/henry/*", ctx)
    assert not holds("StringLike", "s3:prefix", "home/H.nry/*", ctx)


def test_negated_operators_combine_values_as_nor() -> None:
    ctx = {"aws:RequestedRegion": "eu-west-1"}
    assert not holds("StringNotEquals", "aws:RequestedRegion", ["us-east-1", "eu-west-1"], ctx)
    assert holds("StringNotEquals", "aws:RequestedRegion", ["us-east-1", "us-west-2"], ctx)
    assert not holds("StringNotLike", "aws:RequestedRegion", ["us-*", "eu-*"], ctx)


def test_condition_key_names_ignore_case_including_the_tag_part() -> None:
    assert holds("StringEquals", "AWS:PRINCIPALTAG/TEAM", "red")
    assert holds("StringEquals", "aws:resourcetag/Owner", "me", {"aws:ResourceTag/OWNER": "me"})
    assert holds("StringEquals", "AWS:RequestTag/env", "prod", {"aws:requesttag/ENV": "prod"})


# -- missing keys


def test_positive_operator_on_missing_key_is_false() -> None:
    assert not holds("StringEquals", "aws:SourceVpc", "vpc-1")
    assert not holds("StringLike", "aws:SourceVpc", "*")
    assert not holds("ArnLike", "aws:SourceArn", "*")
    assert not holds("NumericLessThan", "s3:max-keys", "10")
    assert not holds("Bool", "aws:MultiFactorAuthPresent", "true")


def test_negated_operator_on_missing_key_is_true() -> None:
    assert holds("StringNotEquals", "aws:SourceVpc", "vpc-1")
    assert holds("StringNotLike", "aws:SourceVpc", "vpc-*")
    assert holds("ArnNotLike", "aws:SourceArn", "arn:aws:sns:*:*:topic")
    assert holds("NotIpAddress", "aws:SourceIp", "10.0.0.0/8")


def test_if_exists_is_true_when_key_is_missing_and_normal_when_present() -> None:
    assert holds("StringEqualsIfExists", "ec2:InstanceType", "t3.micro")
    assert holds(
        "StringEqualsIfExists", "ec2:InstanceType", "t3.micro", {"ec2:InstanceType": "t3.micro"}
    )
    assert not holds(
        "StringEqualsIfExists", "ec2:InstanceType", "t3.micro", {"ec2:InstanceType": "m5.large"}
    )


def test_deny_with_string_not_equals_if_exists_still_denies_when_key_is_missing() -> None:
    doc = policy(
        allow(),
        deny(condition={"StringNotEqualsIfExists": {"aws:RequestedRegion": "us-east-1"}}),
    )
    assert decide([doc]).effect == "explicit_deny"


def test_null_true_means_absent_and_false_means_present() -> None:
    assert holds("Null", "aws:TokenIssueTime", "true")
    assert not holds("Null", "aws:TokenIssueTime", "false")
    assert holds(
        "Null", "aws:TokenIssueTime", False, {"aws:TokenIssueTime": "2024-01-01T00:00:00Z"}
    )
    assert holds("Null", "aws:TokenIssueTime", [True, False])


def test_no_implicit_secure_transport_or_current_time() -> None:
    assert not holds("Bool", "aws:SecureTransport", "true")
    assert holds("Null", "aws:SecureTransport", "true")
    assert holds("Null", "aws:CurrentTime", "true")


# -- numeric, date, bool, binary, ip


def test_numeric_operators_compare_numbers_not_strings() -> None:
    ctx = {"s3:max-keys": "10"}
    assert holds("NumericGreaterThan", "s3:max-keys", "9", ctx)
    assert not holds("NumericLessThan", "s3:max-keys", "9", ctx)
    assert holds("NumericEquals", "s3:max-keys", "10.0", ctx)
    assert holds("NumericLessThanEquals", "s3:max-keys", 10, ctx)
    assert holds("NumericGreaterThanEquals", "s3:max-keys", "1e1", ctx)
    assert holds("NumericNotEquals", "s3:max-keys", ["1", "2"], ctx)
    assert not holds("NumericNotEquals", "s3:max-keys", ["10", "2"], ctx)


def test_numeric_request_value_that_does_not_parse_does_not_match() -> None:
    assert not holds("NumericLessThan", "s3:max-keys", "10", {"s3:max-keys": "ten"})
    assert not holds("NumericNotEquals", "s3:max-keys", "10", {"s3:max-keys": "ten"})


def test_json_numbers_and_booleans_in_context_are_their_text() -> None:
    assert holds("NumericEquals", "s3:max-keys", "5", {"s3:max-keys": 5})
    assert holds("StringEquals", "s3:max-keys", "5", {"s3:max-keys": 5})
    assert holds("Bool", "aws:MultiFactorAuthPresent", True, {"aws:MultiFactorAuthPresent": True})
    assert holds("Bool", "aws:MultiFactorAuthPresent", "true", {"aws:MultiFactorAuthPresent": True})
    assert not holds(
        "Bool", "aws:MultiFactorAuthPresent", "true", {"aws:MultiFactorAuthPresent": "false"}
    )


def test_date_operators_compare_points_in_time() -> None:
    ctx = {"aws:CurrentTime": "2024-06-01T12:00:00Z"}
    assert holds("DateGreaterThan", "aws:CurrentTime", "2024-01-01T00:00:00Z", ctx)
    assert holds("DateLessThan", "aws:CurrentTime", "2024-06-01T13:00:00+00:00", ctx)
    # 12:00Z is 14:00 at +02:00
    assert holds("DateEquals", "aws:CurrentTime", "2024-06-01T14:00:00+02:00", ctx)
    assert holds("DateLessThanEquals", "aws:CurrentTime", "2024-06-01T12:00:00Z", ctx)
    assert holds("DateGreaterThanEquals", "aws:CurrentTime", "2024-06-01", ctx)
    assert holds("DateNotEquals", "aws:CurrentTime", "2024-06", ctx)


def test_date_operators_accept_epoch_seconds() -> None:
    ctx = {"aws:EpochTime": "1717243200"}  # 2024-06-01T12:00:00Z
    assert holds("DateEquals", "aws:EpochTime", "2024-06-01T12:00:00Z", ctx)
    assert holds("DateGreaterThan", "aws:EpochTime", 1717243199, ctx)
    assert not holds(
        "DateGreaterThan", "aws:CurrentTime", "2024-01-01", {"aws:CurrentTime": "soon"}
    )


def test_a_policy_date_that_does_not_parse_is_an_engine_error() -> None:
    with pytest.raises(EngineError):
        compile_policy(policy(allow(condition={"DateLessThan": {"aws:CurrentTime": "nope"}})))


def test_bool_compares_true_and_false() -> None:
    ctx = {"aws:SecureTransport": "false"}
    assert holds("Bool", "aws:SecureTransport", "false", ctx)
    assert not holds("Bool", "aws:SecureTransport", "true", ctx)
    assert holds("BoolIfExists", "aws:SecureTransport", "true")


def test_binary_equals_compares_base64_values() -> None:
    assert holds("BinaryEquals", "key", "QmluYXJ5VmFsdWU=", {"key": "QmluYXJ5VmFsdWU="})
    assert holds("BinaryEquals", "key", "QmluYXJ5VmFsdWU=", {"key": b"BinaryValue"})
    assert not holds("BinaryEquals", "key", "QmluYXJ5VmFsdWU=", {"key": "b3RoZXI="})


def test_ip_address_matches_ipv4_and_ipv6_ranges() -> None:
    assert holds("IpAddress", "aws:SourceIp", "203.0.113.0/24", {"aws:SourceIp": "203.0.113.7"})
    assert not holds("IpAddress", "aws:SourceIp", "203.0.113.0/24", {"aws:SourceIp": "203.0.114.7"})
    assert holds("IpAddress", "aws:SourceIp", "203.0.113.7", {"aws:SourceIp": "203.0.113.7"})
    assert not holds("IpAddress", "aws:SourceIp", "203.0.113.7", {"aws:SourceIp": "203.0.113.8"})
    v6 = "2001:DB8:1234:5678::/64"
    assert holds("IpAddress", "aws:SourceIp", v6, {"aws:SourceIp": "2001:db8:1234:5678::1"})
    assert not holds("IpAddress", "aws:SourceIp", v6, {"aws:SourceIp": "203.0.113.7"})
    assert holds("NotIpAddress", "aws:SourceIp", "10.0.0.0/8", {"aws:SourceIp": "203.0.113.7"})


def test_ip_request_value_that_does_not_parse_matches_neither_way() -> None:
    assert not holds("IpAddress", "aws:SourceIp", "10.0.0.0/8", {"aws:SourceIp": "garbage"})
    assert not holds("NotIpAddress", "aws:SourceIp", "10.0.0.0/8", {"aws:SourceIp": "garbage"})


# -- ARN operators


def test_arn_like_matches_segment_by_segment() -> None:
    ctx = {"aws:SourceArn": "arn:aws:sns:us-east-1:123456789012:topic"}
    assert holds("ArnLike", "aws:SourceArn", "arn:aws:sns:*:123456789012:*", ctx)
    # As a plain string glob this would match (the "*" swallows "sns:us-east-1");
    # segment by segment the service position cannot hold a colon.
    pattern = "arn:aws:*:123456789012:topic"
    assert holds("StringLike", "aws:SourceArn", pattern, ctx)
    assert not holds("ArnLike", "aws:SourceArn", pattern, ctx)


def test_arn_equals_behaves_like_arn_like() -> None:
    ctx = {"aws:SourceArn": "arn:aws:s3:::bucket/key"}
    assert holds("ArnEquals", "aws:SourceArn", "arn:aws:s3:::bucket/*", ctx)
    assert not holds("ArnNotEquals", "aws:SourceArn", "arn:aws:s3:::bucket/*", ctx)
    assert holds("ArnNotLike", "aws:SourceArn", "arn:aws:s3:::other/*", ctx)


def test_arn_matching_is_case_sensitive() -> None:
    ctx = {"aws:SourceArn": "arn:aws:s3:::Bucket"}
    assert not holds("ArnEquals", "aws:SourceArn", "arn:aws:s3:::bucket", ctx)


# -- combining


def test_operators_and_keys_are_anded() -> None:
    cond = {
        "StringEquals": {"aws:PrincipalTag/team": "red", "ec2:Region": "us-east-1"},
        "Bool": {"aws:MultiFactorAuthPresent": "true"},
    }
    doc = policy(allow(condition=cond))
    ctx = {"ec2:Region": "us-east-1", "aws:MultiFactorAuthPresent": True}
    assert decide([doc], context=ctx).allowed
    assert not decide([doc], context={**ctx, "ec2:Region": "eu-west-1"}).allowed
    assert not decide([doc], context={"ec2:Region": "us-east-1"}).allowed


def test_empty_condition_block_and_empty_operator_always_hold() -> None:
    assert decide([policy(allow(condition={}))]).allowed
    assert decide([policy(allow(condition={"StringEquals": {}}))]).allowed
    assert decide([policy(allow(condition={"SomeFutureOperator": {}}))]).allowed


def test_unknown_operator_with_keys_is_an_engine_error() -> None:
    with pytest.raises(EngineError, match="unknown condition operator"):
        compile_policy(policy(allow(condition={"StringSortOf": {"a:b": "c"}})))


def test_null_cannot_take_if_exists() -> None:
    with pytest.raises(EngineError):
        compile_policy(policy(allow(condition={"NullIfExists": {"a:b": "true"}})))


# -- set operators


def test_for_all_values_requires_every_request_value_to_match() -> None:
    op, key = "ForAllValues:StringEquals", "aws:TagKeys"
    assert holds(op, key, ["env", "team"], {"aws:TagKeys": ["env"]})
    assert holds(op, key, ["env", "team"], {"aws:TagKeys": ["env", "team"]})
    assert not holds(op, key, ["env", "team"], {"aws:TagKeys": ["env", "cost"]})


def test_for_all_values_is_true_when_key_is_missing_or_empty() -> None:
    op, key = "ForAllValues:StringEquals", "aws:TagKeys"
    assert holds(op, key, ["env"])
    assert holds(op, key, ["env"], {"aws:TagKeys": []})


def test_for_any_value_requires_one_match_and_is_false_when_missing() -> None:
    op, key = "ForAnyValue:StringEquals", "aws:TagKeys"
    assert holds(op, key, ["env"], {"aws:TagKeys": ["cost", "env"]})
    assert not holds(op, key, ["env"], {"aws:TagKeys": ["cost"]})
    assert not holds(op, key, ["env"])
    assert not holds(op, key, ["env"], {"aws:TagKeys": []})


def test_for_all_values_string_not_like_follows_the_aws_table() -> None:
    op, key = "ForAllValues:StringNotLike", "aws:TagKeys"
    assert not holds(op, key, "key1*", {"aws:TagKeys": ["key1:legal"]})
    assert holds(op, key, "key1*", {"aws:TagKeys": ["key2:audit"]})
    assert holds(op, key, "key1*")


def test_for_any_value_with_negated_operator_needs_one_value_matching_none() -> None:
    op, key = "ForAnyValue:StringNotEquals", "aws:TagKeys"
    assert holds(op, key, ["a"], {"aws:TagKeys": ["a", "b"]})
    assert not holds(op, key, ["a", "b"], {"aws:TagKeys": ["a", "b"]})


def test_single_valued_operator_on_a_multivalued_key_matches_any_value() -> None:
    assert holds("StringEquals", "aws:TagKeys", "env", {"aws:TagKeys": ["cost", "env"]})
    assert not holds("StringNotEquals", "aws:TagKeys", "env", {"aws:TagKeys": ["cost", "env"]})


def test_failed_condition_on_allow_is_an_implicit_not_explicit_deny() -> None:
    doc = policy(allow(condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}))
    assert decide([doc]).effect == "implicit_deny"
