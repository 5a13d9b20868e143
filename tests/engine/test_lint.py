"""lint(): warnings for documents IAM accepts but that are probably mistakes."""

from __future__ import annotations

import json
from typing import Any

from policies.engine import lint, validate

from .support import allow, deny, policy


def text(*statements: dict[str, Any]) -> str:
    return json.dumps(policy(*statements), indent=2)


def codes(doc: str) -> list[str]:
    return [w.code for w in lint(doc)]


def test_clean_policy_has_no_warnings() -> None:
    assert lint(text(allow(["iam:GetUser", "s3:Get*"], "arn:aws:s3:::b/*"))) == []


def test_unknown_service_and_unknown_action_are_warnings_not_errors() -> None:
    doc = text(allow(["nosuchsvc:DoIt", "iam:NoSuchAction", "iam:GetUser"], "*"))
    assert validate(doc) == []
    warnings = lint(doc)
    assert [w.code for w in warnings] == ["UnknownService", "UnknownAction"]
    assert all(w.severity == "warning" for w in warnings)
    assert "nosuchsvc" in warnings[0].message
    assert warnings[1].line is not None and warnings[1].column is not None


def test_wildcard_that_matches_no_action_is_a_warning() -> None:
    assert codes(text(allow("iam:Frobnicate*", "*"))) == ["UnknownAction"]


def test_duplicate_statements_are_redundant() -> None:
    st = allow("iam:GetUser", "*")
    warnings = lint(text(st, dict(st, Sid="Again")))
    assert [w.code for w in warnings] == ["RedundantStatement"]
    assert "Statement 1 duplicates statement 0" in warnings[0].message


def test_statement_covered_by_a_broader_one_is_redundant() -> None:
    doc = text(allow("iam:*", "*"), allow("iam:Get*", "arn:aws:iam::123456789012:user/*"))
    warnings = lint(doc)
    assert [w.code for w in warnings] == ["RedundantStatement"]
    assert "Statement 1 is redundant" in warnings[0].message


def test_statement_with_fewer_conditions_covers_one_with_more() -> None:
    narrow = allow("iam:GetUser", "*", condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}})
    assert codes(text(allow("iam:Get*", "*"), narrow)) == ["RedundantStatement"]
    assert codes(text(narrow, allow("iam:ListUsers", "*"))) == []
    # The conditional statement does not cover the unconditional one.
    assert (
        codes(
            text(
                allow("iam:GetUser", "*"),
                allow("iam:*", "*", condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
            )
        )
        == []
    )


def test_deny_does_not_make_an_allow_redundant() -> None:
    assert codes(text(deny("iam:*"), allow("iam:GetUser"))) == []


def test_question_mark_does_not_cover_a_star() -> None:
    warnings = lint(text(allow("iam:GetU?er", "*"), allow("iam:GetU*er", "*")))
    assert [w.message.split(":")[0] for w in warnings] == ["Statement 0 is redundant"]


def test_pass_role_on_every_resource_is_a_warning() -> None:
    assert codes(text(allow(["iam:PassRole"], "*"))) == ["PassRoleOnAllResources"]
    assert codes(text(allow("iam:Pass*", "*"))) == ["PassRoleOnAllResources"]
    assert codes(text(allow("iam:*", "*"))) == []
    assert codes(text(allow("iam:PassRole", "arn:aws:iam::123456789012:role/app"))) == []


def test_unparseable_document_gives_no_warnings() -> None:
    assert lint("{not json") == []
