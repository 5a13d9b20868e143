"""Action, NotAction, Resource and NotResource matching (policy-language.md section 2)."""

from __future__ import annotations

from .support import allow, deny, effect_of

BUCKET = "arn:aws:s3:::bucket"


def test_action_match_ignores_case_on_both_sides() -> None:
    assert effect_of(allow("IAM:createuser"), action="iam:CreateUser") == "allow"
    assert effect_of(allow("iam:CreateUser"), action="IAM:CREATEUSER") == "allow"


def test_action_star_matches_every_action() -> None:
    assert effect_of(allow("*"), action="ec2:RunInstances") == "allow"


def test_action_star_matches_any_run_including_empty() -> None:
    assert effect_of(allow("iam:*User"), action="iam:User") == "allow"
    assert effect_of(allow("iam:Create*"), action="iam:CreateAccessKey") == "allow"
    assert effect_of(allow("iam:Create*"), action="iam:DeleteUser") == "implicit_deny"


def test_question_mark_in_action_stands_for_exactly_one_character() -> None:
    assert effect_of(allow("iam:?etUser"), action="iam:GetUser") == "allow"
    assert effect_of(allow("iam:?etUser"), action="iam:GeetUser") == "implicit_deny"
    assert effect_of(allow("iam:?etUser"), action="iam:etUser") == "implicit_deny"


def test_regex_metacharacters_in_actions_are_literal() -> None:
    assert effect_of(allow("iam:Get.ser"), action="iam:GetUser") == "implicit_deny"
    assert effect_of(allow("iam:Get(User)+"), action="iam:GetUser") == "implicit_deny"
    assert effect_of(allow("iam:Get[U]ser"), action="iam:GetUser") == "implicit_deny"


def test_action_list_matches_any_entry() -> None:
    st = allow(["s3:GetObject", "iam:GetUser"])
    assert effect_of(st, action="iam:getuser") == "allow"
    assert effect_of(st, action="iam:ListUsers") == "implicit_deny"


def test_wildcard_service_part_matches_across_services() -> None:
    assert effect_of(allow("*:Get*"), action="ec2:GetConsoleOutput") == "allow"
    assert effect_of(allow("i?m:GetUser"), action="iam:GetUser") == "allow"


def test_not_action_with_allow_grants_everything_else() -> None:
    st = allow(not_action="iam:*")
    assert effect_of(st, action="s3:GetObject") == "allow"
    assert effect_of(st, action="iam:CreateUser") == "implicit_deny"


def test_not_action_with_deny_denies_everything_else() -> None:
    statements = (allow("*"), deny(not_action=["iam:Get*", "iam:List*"]))
    assert effect_of(*statements, action="iam:GetUser") == "allow"
    assert effect_of(*statements, action="iam:CreateUser") == "explicit_deny"


def test_resource_match_is_case_sensitive() -> None:
    st = allow("s3:GetObject", f"{BUCKET}/Reports/*")
    assert effect_of(st, action="s3:GetObject", resource=f"{BUCKET}/Reports/q1") == "allow"
    assert effect_of(st, action="s3:GetObject", resource=f"{BUCKET}/reports/q1") == "implicit_deny"


def test_resource_star_crosses_slashes_as_in_the_s3_example() -> None:
    st = allow("s3:GetObject", f"{BUCKET}/*/test/*")
    for key in ("/test/object.jpg", "1/test/", "a/b/test/c/d"):
        assert effect_of(st, action="s3:GetObject", resource=f"{BUCKET}/{key}") == "allow", key
    assert (
        effect_of(st, action="s3:GetObject", resource=f"{BUCKET}/test/object.jpg")
        == "implicit_deny"
    )


def test_resource_star_in_the_resource_part_spans_colons() -> None:
    st = allow("logs:PutLogEvents", "arn:aws:logs:us-east-1:123456789012:log-group:app:*")
    resource = "arn:aws:logs:us-east-1:123456789012:log-group:app:log-stream:web"
    assert effect_of(st, action="logs:PutLogEvents", resource=resource) == "allow"


def test_resource_wildcard_does_not_cross_colons_in_the_first_five_parts() -> None:
    six_parts = allow("iam:GetUser", "arn:aws:i*::123456789012:user/Henry")
    resource = "arn:aws:iam::123456789012:user/Henry"
    assert effect_of(six_parts, action="iam:GetUser", resource=resource) == "allow"
    crossing = "arn:aws:iam:extra::123456789012:user/Henry"
    assert effect_of(six_parts, action="iam:GetUser", resource=crossing) == "implicit_deny"
    middle = allow("iam:GetUser", "arn:aws:*:user/Henry")
    assert effect_of(middle, action="iam:GetUser", resource=resource) == "implicit_deny"


def test_short_resource_pattern_lets_its_last_part_span_the_rest() -> None:
    st = allow("iam:GetUser", "arn:aws:iam::*")
    resource = "arn:aws:iam::123456789012:user/Henry"
    assert effect_of(st, action="iam:GetUser", resource=resource) == "allow"
    assert effect_of(allow("iam:GetUser", "arn:*"), action="iam:GetUser", resource=resource) == (
        "allow"
    )


def test_account_wildcard_stays_in_its_segment() -> None:
    st = allow("iam:GetUser", "arn:aws:iam::*:user/Henry")
    ok = "arn:aws:iam::123456789012:user/Henry"
    assert effect_of(st, action="iam:GetUser", resource=ok) == "allow"
    assert effect_of(st, action="iam:GetUser", resource="arn:aws:iam::1:2:user/Henry") == (
        "implicit_deny"
    )


def test_question_mark_in_resource_matches_one_character() -> None:
    st = allow("s3:GetObject", f"{BUCKET}/file?.txt")
    assert effect_of(st, action="s3:GetObject", resource=f"{BUCKET}/file1.txt") == "allow"
    assert effect_of(st, action="s3:GetObject", resource=f"{BUCKET}/file12.txt") == (
        "implicit_deny"
    )


def test_regex_metacharacters_in_resources_are_literal() -> None:
    st = allow("s3:GetObject", f"{BUCKET}/a.b+(c)")
    assert effect_of(st, action="s3:GetObject", resource=f"{BUCKET}/a.b+(c)") == "allow"
    assert effect_of(st, action="s3:GetObject", resource=f"{BUCKET}/aXbb(c)") == "implicit_deny"
    assert effect_of(st, action="s3:GetObject", resource=f"{BUCKET}/a.bb+c") == "implicit_deny"


def test_resource_list_mixing_star_and_arns_matches_everything() -> None:
    st = allow("s3:GetObject", [f"{BUCKET}/x", "*"])
    assert effect_of(st, action="s3:GetObject", resource="arn:aws:s3:::other/y") == "allow"


def test_not_resource_matches_everything_except_the_listed() -> None:
    st = allow("s3:GetObject", None, not_resource=f"{BUCKET}/secret/*")
    assert effect_of(st, action="s3:GetObject", resource=f"{BUCKET}/public/a") == "allow"
    assert effect_of(st, action="s3:GetObject", resource=f"{BUCKET}/secret/a") == ("implicit_deny")


def test_not_resource_star_matches_nothing() -> None:
    st = deny("*", None, not_resource="*")
    assert effect_of(allow(), st, action="s3:GetObject", resource=f"{BUCKET}/a") == "allow"


def test_deny_with_not_resource_protects_everything_outside_the_list() -> None:
    statements = (allow(), deny("s3:*", None, not_resource=[BUCKET, f"{BUCKET}/*"]))
    assert effect_of(*statements, action="s3:GetObject", resource=f"{BUCKET}/a") == "allow"
    other = "arn:aws:s3:::other/a"
    assert effect_of(*statements, action="s3:GetObject", resource=other) == "explicit_deny"
