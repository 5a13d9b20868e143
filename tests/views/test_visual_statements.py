"""The visual editor edits a document's statements in place (issue 14, round 2): a statement
it can represent opens filled in and goes back where it was; any other statement is listed
read-only and comes out of every edit unchanged."""

from __future__ import annotations

import html
import json
import re
from typing import Any

import pytest
from django.test import Client

from accounts.models import Principal
from console.flows import visual_editor as visual
from domain.iam import policies as services
from domain.kernel.actors import Actor
from policies.models import ManagedPolicy

READ = {"Sid": "Read", "Effect": "Deny", "Action": ["s3:GetObject"], "Resource": "arn:aws:s3:::b/*"}
NOT_ACTION = {"Effect": "Deny", "NotAction": "iam:*", "Resource": "*"}
CONDITIONED = {
    "Effect": "Allow",
    "Action": "ec2:StartInstances",
    "Resource": "*",
    "Condition": {"StringEquals": {"aws:RequestedRegion": "eu-west-1"}},
}
DOCUMENT = {"Version": "2012-10-17", "Statement": [READ, NOT_ACTION, CONDITIONED]}


def text(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=4)


def editor_text(page: str) -> dict[str, Any]:
    found = re.search(r'data-testid="policy-editor"[^>]*>([^<]*)</textarea>', page)
    assert found is not None
    parsed: dict[str, Any] = json.loads(html.unescape(found.group(1)))
    return parsed


@pytest.fixture
def mixed(root_actor: Actor) -> ManagedPolicy:
    return services.create_policy(actor=root_actor, name="Mixed", document=text(DOCUMENT))


def test_statements_the_visual_editor_cannot_show_are_read_only_with_the_reason() -> None:
    shown = visual.statements(
        text(
            {
                "Statement": [
                    READ,
                    NOT_ACTION,
                    CONDITIONED,
                    {
                        "Effect": "Allow",
                        "Principal": "*",
                        "Action": "s3:GetObject",
                        "Resource": "*",
                    },
                    {"Effect": "Allow", "Action": "s3:Get*", "Resource": "*"},
                    {
                        "Effect": "Allow",
                        "Action": ["s3:GetObject", "ec2:RunInstances"],
                        "Resource": "*",
                    },
                    {"Effect": "Allow", "Action": "s3:*", "Resource": ["*"]},
                    {"Effect": "Allow", "Action": "*", "Resource": "*"},
                ]
            }
        )
    )
    assert [s.editable for s in shown] == [True, False, False, False, False, False, True, False]
    assert shown[0].service == "s3" and shown[0].actions == ("s3:GetObject",)
    assert shown[0].resources == ("arn:aws:s3:::b/*",) and shown[0].effect == "Deny"
    assert "NotAction" in shown[1].problems and "Condition" in shown[2].problems
    assert "Principal" in shown[3].problems
    assert shown[4].problems == ("the action s3:Get*",)
    assert "actions of more than one service" in shown[5].problems
    assert shown[6].all_actions and shown[6].all_resources


def test_an_edited_statement_goes_back_in_place_and_the_others_are_untouched() -> None:
    new = {"Effect": "Allow", "Action": ["s3:PutObject"], "Resource": "*"}
    out = json.loads(visual.put_statement(text(DOCUMENT), "0", new))
    assert out["Statement"] == [{"Sid": "Read", **new}, NOT_ACTION, CONDITIONED]
    # A read-only statement is never replaced: the new one is appended instead.
    out = json.loads(visual.put_statement(text(DOCUMENT), "1", new))
    assert out["Statement"] == [READ, NOT_ACTION, CONDITIONED, new]
    # One statement standing alone (not in a list) is kept, not started afresh.
    alone = text({"Version": "2012-10-17", "Statement": NOT_ACTION})
    assert json.loads(visual.add_statement(alone, new))["Statement"] == [NOT_ACTION, new]


def test_edit_opens_the_statement_filled_in_and_conditions_stay_json_only(
    root_client: Client, mixed: ManagedPolicy
) -> None:
    page = root_client.get(
        "/policies/local/Mixed/edit/", {"editor": "visual", "edit": "0"}
    ).content.decode()
    assert "Edit statement 1: Read" in page
    assert re.search(r'value="s3:GetObject"\s+checked', page)
    assert re.search(r'value="Deny"\s+checked', page)
    assert re.search(r'value="specific"\s+checked', page)
    assert ">arn:aws:s3:::b/*</textarea>" in page
    assert "The visual editor doesn't change the conditions" in page
    assert "Update statement and show JSON" in page
    assert page.count('aria-label="Edit statement') == 1  # only statement 1 can be edited
    assert "The visual editor can't show NotAction" in page
    assert "The visual editor can't show Condition" in page


def test_update_puts_the_statement_back_and_saves_nothing_yet(
    root_client: Client, mixed: ManagedPolicy
) -> None:
    response = root_client.post(
        "/policies/local/Mixed/edit/",
        {
            "step": "visual",
            "statement": "0",
            "service": "s3",
            "document": services.default_document(mixed),
            "effect": "Allow",
            "actions": ["s3:GetObject", "s3:ListBucket"],
            "resource_scope": "all",
        },
    )
    assert response.status_code == 200
    edited = editor_text(response.content.decode())
    assert edited["Statement"] == [
        {
            "Sid": "Read",
            "Effect": "Allow",
            "Action": ["s3:GetObject", "s3:ListBucket"],
            "Resource": "*",
        },
        NOT_ACTION,
        CONDITIONED,
    ]
    assert mixed.versions.count() == 1


def test_a_refused_update_keeps_the_choices_and_the_statement_open(
    root_client: Client, mixed: ManagedPolicy
) -> None:
    response = root_client.post(
        "/policies/local/Mixed/edit/",
        {
            "step": "visual",
            "statement": "0",
            "service": "s3",
            "document": services.default_document(mixed),
            "effect": "Deny",
            "actions": ["s3:GetObject"],
            "resource_scope": "specific",
            "resources": "",
        },
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Add at least one resource ARN" in page
    assert "Edit statement 1: Read" in page and 'name="statement" value="0"' in page
    assert re.search(r'value="s3:GetObject"\s+checked', page)


@pytest.mark.parametrize("edit", ["abc", "-1", "7", "99999999999", "1"])
def test_an_edit_that_points_nowhere_editable_adds_a_statement_instead(
    root_client: Client, mixed: ManagedPolicy, edit: str
) -> None:
    response = root_client.get("/policies/local/Mixed/edit/", {"editor": "visual", "edit": edit})
    assert response.status_code == 200
    assert "Add a statement" in response.content.decode()


def test_the_inline_editor_edits_statements_in_place_too(
    root_client: Client, root_actor: Actor, alice: Principal
) -> None:
    services.put_user_policy(actor=root_actor, user=alice, name="Mixed", document=text(DOCUMENT))
    url = "/users/details/alice/inline-policies/Mixed/edit/"
    page = root_client.get(url, {"editor": "visual", "edit": "0"}).content.decode()
    assert "Edit statement 1: Read" in page
    assert re.search(r'value="s3:GetObject"\s+checked', page)


def test_a_deeply_nested_or_broken_document_lists_no_statements_and_answers() -> None:
    deep = '{"Statement": [' + "[" * 5000 + "]" * 5000 + "]}"
    assert visual.statements(deep) == []
    assert visual.statements("{not json") == []
    assert visual.statements('{"Statement": 3}') == []
    assert visual.editing(deep, "0") is None
