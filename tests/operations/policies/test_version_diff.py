from __future__ import annotations

import json

from policies.version_diff import ADDED, BLANK, REMOVED, UNCHANGED, compare


def policy(*actions: str) -> dict[str, object]:
    return {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": a, "Resource": "*"} for a in actions],
    }


def test_formatting_alone_is_not_a_change() -> None:
    compact = json.dumps(policy("s3:GetObject"), separators=(",", ":"))
    indented = json.dumps(policy("s3:GetObject"), indent=2)
    result = compare(compact, indented)
    assert (result.removed, result.added) == (0, 0)
    assert {row.left.change for row in result.rows} == {UNCHANGED}


def test_a_changed_line_faces_its_replacement() -> None:
    result = compare(json.dumps(policy("s3:GetObject")), json.dumps(policy("s3:Get*")))
    assert (result.removed, result.added) == (1, 1)
    [changed] = [row for row in result.rows if row.left.change == REMOVED]
    assert changed.left.text.strip() == '"Action": "s3:GetObject",'
    assert changed.right.text.strip() == '"Action": "s3:Get*",'
    assert changed.right.change == ADDED and changed.left.number == changed.right.number


def test_an_added_statement_is_blank_on_the_left_with_numbers_on_the_right() -> None:
    result = compare(
        json.dumps(policy("s3:GetObject")), json.dumps(policy("s3:GetObject", "s3:PutObject"))
    )
    added = [row for row in result.rows if row.right.change == ADDED]
    assert result.removed == 0 and result.added == len(added) > 0
    assert all(row.left.change == BLANK and row.left.number is None for row in added)
    assert any('"s3:PutObject"' in row.right.text for row in added)
    assert [row.right.number for row in result.rows] == list(range(1, len(result.rows) + 1))


def test_text_that_is_not_json_is_compared_as_stored() -> None:
    result = compare("{\nbroken", "{\nfixed")
    assert [(row.left.text, row.right.text) for row in result.rows] == [
        ("{", "{"),
        ("broken", "fixed"),
    ]
