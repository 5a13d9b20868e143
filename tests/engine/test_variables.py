"""Policy variables and principal-derived keys (policy-language.md sections 0 and 4)."""

from __future__ import annotations

from typing import Any

from .support import ACCOUNT, ROLE_ARN, ROLE_SESSION, allow, decide, deny, policy

HOME = "arn:aws:s3:::home/"


def get_object(doc: dict[str, Any], key: str, **kwargs: object) -> str:
    return decide([doc], action="s3:GetObject", resource=HOME + key, **kwargs).effect  # type: ignore[arg-type]


def test_username_variable_is_substituted_in_resources() -> None:
    doc = policy(allow("s3:GetObject", HOME + "${aws:username}/*"))
    assert get_object(doc, "Henry/notes.txt") == "allow"
    assert get_object(doc, "Bob/notes.txt") == "implicit_deny"


def test_variables_are_literal_text_in_version_2008_10_17() -> None:
    doc = policy(allow("s3:GetObject", HOME + "${aws:username}/*"), version="2008-10-17")
    assert get_object(doc, "Henry/notes.txt") == "implicit_deny"
    assert get_object(doc, "${aws:username}/notes.txt") == "allow"


def test_variables_are_literal_text_without_a_version() -> None:
    doc = policy(allow("s3:GetObject", HOME + "${aws:username}/*"), version=None)
    assert get_object(doc, "Henry/x") == "implicit_deny"
    assert get_object(doc, "${aws:username}/x") == "allow"


def test_wildcards_still_work_in_old_versions() -> None:
    doc = policy(allow("s3:Get*", HOME + "*"), version="2008-10-17")
    assert get_object(doc, "anything") == "allow"


def test_variable_names_ignore_case() -> None:
    doc = policy(allow("s3:GetObject", HOME + "${AWS:UserName}/*"))
    assert get_object(doc, "Henry/x") == "allow"


def test_unresolved_variable_makes_the_resource_entry_match_nothing() -> None:
    doc = policy(allow("s3:GetObject", [HOME + "${aws:username}/*"]))
    assert get_object(doc, "/x", principal=ROLE_SESSION) == "implicit_deny"
    assert get_object(doc, "${aws:username}/x", principal=ROLE_SESSION) == "implicit_deny"


def test_unresolved_variable_in_not_resource_excludes_nothing() -> None:
    doc = policy(allow("s3:GetObject", None, not_resource=HOME + "${aws:username}/*"))
    assert get_object(doc, "x/y", principal=ROLE_SESSION) == "allow"


def test_default_value_is_used_when_the_key_is_missing() -> None:
    doc = policy(allow("s3:GetObject", HOME + "${aws:PrincipalTag/dept, 'company-wide'}/*"))
    assert get_object(doc, "company-wide/x") == "allow"
    assert get_object(doc, "engineering/x") == "implicit_deny"


def test_default_value_is_ignored_when_the_key_is_present() -> None:
    doc = policy(allow("s3:GetObject", HOME + "${aws:PrincipalTag/team, 'company-wide'}/*"))
    assert get_object(doc, "red/x") == "allow"
    assert get_object(doc, "company-wide/x") == "implicit_deny"


def test_special_character_variables_are_literals_not_wildcards() -> None:
    doc = policy(allow("s3:GetObject", HOME + "file${*}${?}${$}"))
    assert get_object(doc, "file*?$") == "allow"
    assert get_object(doc, "fileAB$") == "implicit_deny"


def test_substituted_values_are_literal_even_with_wildcard_characters() -> None:
    principal = {"arn": f"arn:aws:iam::{ACCOUNT}:user/star", "username": "a*", "account": ACCOUNT}
    doc = policy(allow("s3:GetObject", HOME + "${aws:username}"))
    assert get_object(doc, "a*", principal=principal) == "allow"
    assert get_object(doc, "abc", principal=principal) == "implicit_deny"


def test_variables_work_only_after_the_fifth_colon() -> None:
    doc = policy(allow("iam:GetUser", "arn:aws:iam::${aws:PrincipalAccount}:user/*"))
    resource = f"arn:aws:iam::{ACCOUNT}:user/Henry"
    assert decide([doc], action="iam:GetUser", resource=resource).effect == "implicit_deny"


def test_variable_in_a_string_condition_is_substituted() -> None:
    cond = {"StringEquals": {"aws:ResourceTag/owner": "${aws:username}"}}
    doc = policy(allow(condition=cond))
    assert decide([doc], context={"aws:ResourceTag/owner": "Henry"}).allowed
    assert not decide([doc], context={"aws:ResourceTag/owner": "Bob"}).allowed


def test_variable_in_string_like_keeps_the_literal_parts_wildcards() -> None:
    cond = {"StringLike": {"s3:prefix": ["home/${aws:username}/*"]}}
    doc = policy(allow(condition=cond))
    assert decide([doc], context={"s3:prefix": "home/Henry/docs"}).allowed
    assert not decide([doc], context={"s3:prefix": "home/Bob/docs"}).allowed


def test_unresolved_variable_in_positive_condition_does_not_match() -> None:
    cond = {"StringEquals": {"aws:ResourceTag/owner": "${aws:username}"}}
    doc = policy(allow(condition=cond))
    context = {"aws:ResourceTag/owner": "${aws:username}"}
    assert not decide([doc], principal=ROLE_SESSION, context=context).allowed


def test_unresolved_variable_in_negated_condition_matches() -> None:
    cond = {"StringNotEquals": {"aws:ResourceTag/owner": "${aws:username}"}}
    doc = policy(allow(condition=cond))
    assert decide([doc], principal=ROLE_SESSION, context={"aws:ResourceTag/owner": "x"}).allowed
    cond_like = {"StringNotLike": {"aws:ResourceTag/owner": "${aws:username}*"}}
    doc_like = policy(allow(condition=cond_like))
    assert decide(
        [doc_like], principal=ROLE_SESSION, context={"aws:ResourceTag/owner": "x"}
    ).allowed


def test_variable_in_arn_condition_is_substituted() -> None:
    cond = {"ArnLike": {"aws:SourceArn": "arn:aws:iam::${aws:PrincipalAccount}:user/*"}}
    doc = policy(allow(condition=cond))
    ctx = {"aws:SourceArn": f"arn:aws:iam::{ACCOUNT}:user/x"}
    assert decide([doc], context=ctx).allowed
    assert not decide([doc], context={"aws:SourceArn": "arn:aws:iam::999999999999:user/x"}).allowed


def test_variables_are_not_read_in_numeric_conditions() -> None:
    # "${aws:username}" is not a number: IAM rejects such a document, so does the engine.
    from policies.engine import EngineError, compile_policy

    try:
        compile_policy(policy(allow(condition={"NumericEquals": {"s3:max-keys": "${x:y}"}})))
    except EngineError:
        pass
    else:  # pragma: no cover
        raise AssertionError("expected EngineError")


# -- principal-derived keys


def test_username_key_exists_only_for_iam_users() -> None:
    doc = policy(allow(condition={"Null": {"aws:username": "false"}}))
    assert decide([doc]).allowed
    assert not decide([doc], principal=ROLE_SESSION).allowed


def test_principal_arn_of_a_role_session_is_the_role_arn() -> None:
    doc = policy(allow(condition={"ArnEquals": {"aws:PrincipalArn": ROLE_ARN}}))
    assert decide([doc], principal=ROLE_SESSION).allowed


def test_principal_type_account_and_userid_are_derived() -> None:
    cond = {
        "StringEquals": {
            "aws:PrincipalType": "User",
            "aws:PrincipalAccount": ACCOUNT,
            "aws:userid": "AIDAHENRY",
        }
    }
    assert decide([policy(allow(condition=cond))]).allowed
    role_cond = {"StringEquals": {"aws:PrincipalType": "AssumedRole"}}
    assert decide([policy(allow(condition=role_cond))], principal=ROLE_SESSION).allowed


def test_principal_tags_come_from_the_principal_not_the_context() -> None:
    doc = policy(deny(condition={"StringEquals": {"aws:PrincipalTag/team": "blue"}}), allow())
    assert decide([doc], context={"aws:PrincipalTag/team": "blue"}).allowed
    assert decide([doc], context={"aws:username": "someone-else"}).allowed


def test_context_keys_that_are_not_principal_derived_are_taken_as_given() -> None:
    doc = policy(allow(condition={"StringEquals": {"aws:RequestedRegion": "us-east-1"}}))
    assert decide([doc], context={"aws:RequestedRegion": "us-east-1"}).allowed
