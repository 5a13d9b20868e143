"""The console's policy summary (policies.engine.summary), on real AWS managed policies."""

from __future__ import annotations

from typing import Any

from policies import catalog
from policies.engine.summary import ServiceSummary, counts, summarize


def managed(name: str) -> dict[str, Any]:
    policy = catalog.get(name)
    assert policy is not None
    return policy.document


def rows_by_prefix(rows: list[ServiceSummary], effect: str = "Allow") -> dict[str, ServiceSummary]:
    return {row.prefix: row for row in rows if row.effect == effect}


def test_administrator_access_is_full_access_to_all_services_on_all_resources() -> None:
    rows = summarize(managed("AdministratorAccess"))
    assert len(rows) == 1
    (row,) = rows
    assert row.effect == "Allow"
    assert row.all_services
    assert row.name == "All services"
    assert row.access == "Full access"
    assert row.resource_text == "All resources"
    assert row.condition_text == "None"
    assert row.note == ""


def test_administrator_access_counts_every_service_as_allowed() -> None:
    result = counts(summarize(managed("AdministratorAccess")))
    assert result["Deny"] == 0
    assert result["Allow"] > 300


def test_iam_user_change_password_is_limited_read_and_write_in_iam() -> None:
    rows = summarize(managed("IAMUserChangePassword"))
    assert [row.prefix for row in rows] == ["iam"]
    (iam,) = rows
    assert iam.name == "AWS Identity and Access Management (IAM)"
    assert iam.access == "Limited: Read, Write"
    assert [(lc.level, lc.granted) for lc in iam.levels] == [("Read", 1), ("Write", 1)]
    assert iam.granted_actions == 2
    assert iam.resources == (
        "arn:aws:iam::*:user/${aws:username}",
        "arn:aws:iam::*:user/*/${aws:username}",
        "*",
    )
    assert iam.resource_text == "Multiple"


def test_s3_read_only_access_grants_all_list_and_most_read_actions_of_s3() -> None:
    rows = rows_by_prefix(summarize(managed("AmazonS3ReadOnlyAccess")))
    assert set(rows) == {"s3", "s3-object-lambda"}
    s3 = rows["s3"]
    levels = {lc.level: lc for lc in s3.levels}
    assert set(levels) == {"List", "Read"}
    assert levels["List"].full
    assert levels["Read"].granted >= levels["Read"].total - 2
    assert s3.access.startswith("Full: List")
    assert s3.resource_text == "All resources"


def test_read_only_access_is_list_and_read_across_hundreds_of_services() -> None:
    rows = summarize(managed("ReadOnlyAccess"))
    recognized = [row for row in rows if row.recognized]
    assert len(recognized) > 200
    assert all(row.effect == "Allow" for row in rows)
    # A few Get*/List* patterns catch actions AWS classes as Write or Permissions management
    # (athena:GetSessionEndpoint, s3express:CreateSession); the rest is List and Read only.
    beyond_read = [
        row.prefix for row in recognized if {lc.level for lc in row.levels} - {"List", "Read"}
    ]
    assert "athena" in beyond_read
    assert len(beyond_read) < 20
    iam = rows_by_prefix(rows)["iam"]
    assert {lc.level for lc in iam.levels} == {"List", "Read"}


def test_iam_read_only_access_is_list_and_read_in_iam_only() -> None:
    (iam,) = summarize(managed("IAMReadOnlyAccess"))
    assert iam.prefix == "iam"
    assert iam.access in {"Full: List, Read", "Full: List; Limited: Read"}


def test_power_user_access_is_all_services_except_iam_organizations_and_account() -> None:
    rows = summarize(managed("PowerUserAccess"))
    everything = rows[0]
    assert everything.all_services
    assert everything.access == "Full access"
    assert everything.note == "Except iam:*, organizations:*, account:*"
    assert everything.excluded_services == ("account", "iam", "organizations")
    by_prefix = rows_by_prefix(rows)
    # What its second statement gives back of the excluded services:
    assert by_prefix["iam"].access == "Limited: List, Write"
    assert by_prefix["organizations"].access == "Limited: Read"


def test_not_action_on_part_of_a_service_leaves_a_limited_row_for_that_service() -> None:
    rows = summarize(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "NotAction": "s3:Delete*", "Resource": "*"}],
        }
    )
    assert rows[0].all_services
    assert rows[0].note == "Except s3:Delete*"
    assert rows[0].excluded_services == ()
    s3 = rows_by_prefix(rows)["s3"]
    assert s3.access.startswith("Full: List, Read")
    assert "Limited: Write" in s3.access
    assert s3.granted_actions < s3.total_actions


def test_explicit_deny_rows_come_first_and_apart_from_allow_rows() -> None:
    rows = summarize(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
                {
                    "Effect": "Deny",
                    "Action": ["s3:DeleteBucket", "s3:DeleteObject"],
                    "Resource": "arn:aws:s3:::prod-bucket/*",
                },
            ],
        }
    )
    assert [(row.effect, row.prefix) for row in rows] == [("Deny", "s3"), ("Allow", "s3")]
    deny, allow = rows
    assert deny.is_deny
    assert deny.access == "Limited: Write"
    assert deny.resource_text == "arn:aws:s3:::prod-bucket/*"
    assert allow.access == "Full access"
    assert counts(rows) == {"Allow": 1, "Deny": 1}


def test_a_condition_is_shown_as_key_operator_and_values() -> None:
    (row,) = summarize(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Action": "ec2:Describe*",
                "Resource": "*",
                "Condition": {"IpAddress": {"aws:SourceIp": ["203.0.113.0/24", "198.51.100.7"]}},
            },
        }
    )
    assert row.condition_text == "aws:SourceIp (IpAddress): 203.0.113.0/24, 198.51.100.7"
    assert row.access.endswith("Read") or "List" in row.access


def test_two_conditions_read_as_multiple() -> None:
    (row,) = summarize(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Action": "iam:ListUsers",
                "Resource": "*",
                "Condition": {
                    "Bool": {"aws:MultiFactorAuthPresent": True},
                    "StringEquals": {"aws:RequestedRegion": "eu-west-1"},
                },
            },
        }
    )
    assert row.condition_text == "Multiple"
    assert row.conditions == (
        "aws:MultiFactorAuthPresent (Bool): true",
        "aws:RequestedRegion (StringEquals): eu-west-1",
    )


def test_unknown_services_are_listed_as_unrecognized_after_the_known_ones() -> None:
    rows = summarize(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Action": ["notaservice:DoThing", "s3:GetObject"],
                "Resource": "*",
            },
        }
    )
    assert [(row.prefix, row.recognized) for row in rows] == [
        ("s3", True),
        ("notaservice", False),
    ]
    unknown = rows[1]
    assert unknown.access == "Unrecognized service"
    assert unknown.unrecognized_actions == ("notaservice:DoThing",)
    assert counts(rows)["Allow"] == 1


def test_a_misspelled_action_of_a_known_service_is_flagged_on_its_row() -> None:
    (row,) = summarize(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Allow",
                "Action": ["s3:GetObject", "s3:GetObjekt"],
                "Resource": "*",
            },
        }
    )
    assert row.access == "Limited: Read"
    assert row.granted_actions == 1
    assert row.unrecognized_actions == ("s3:GetObjekt",)


def test_a_service_row_under_an_unconditional_full_grant_is_not_repeated() -> None:
    rows = summarize(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": "*", "Resource": "*"},
                {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
            ],
        }
    )
    assert [row.prefix for row in rows] == ["*"]


def test_not_resource_reads_as_all_resources_except() -> None:
    (row,) = summarize(
        {
            "Version": "2012-10-17",
            "Statement": {
                "Effect": "Deny",
                "Action": "s3:*",
                "NotResource": ["arn:aws:s3:::public", "arn:aws:s3:::public/*"],
            },
        }
    )
    assert row.is_deny
    assert row.access == "Full access"
    assert row.resource_text == ("All resources except arn:aws:s3:::public, arn:aws:s3:::public/*")


def test_an_empty_or_odd_document_summarizes_to_nothing() -> None:
    assert summarize({}) == []
    assert summarize({"Statement": "nonsense"}) == []
    assert summarize({"Statement": [{"Effect": "Maybe", "Action": "*", "Resource": "*"}]}) == []


def test_full_and_limited_levels_are_listed_in_the_consoles_order() -> None:
    rows = rows_by_prefix(summarize(managed("Billing")))
    budgets = rows["budgets"]
    order = ["List", "Read", "Write", "Permissions management", "Tagging"]
    levels = [lc.level for lc in budgets.levels]
    assert levels == sorted(levels, key=order.index)
    assert "; " in budgets.access or budgets.access.startswith(("Full", "Limited"))
