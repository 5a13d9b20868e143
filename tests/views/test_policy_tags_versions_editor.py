"""The policy pages' Tags tab and the Review step's tags, Compare on the Policy versions
tab, and the visual editor on Edit policy."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from accounts.models import Principal
from domain.iam import policies as services
from domain.kernel.actors import Actor
from policies.models import ManagedPolicy, PolicyVersion
from tests.views.wizards import policy_to_review


def document(*actions: str) -> str:
    statements = [{"Effect": "Allow", "Action": a, "Resource": "*"} for a in actions]
    return json.dumps({"Version": "2012-10-17", "Statement": statements}, indent=4)


@pytest.fixture
def reports(root_actor: Actor) -> ManagedPolicy:
    return services.create_policy(actor=root_actor, name="Reports", document=document("s3:Get*"))


def read_only(root_actor: Actor, user: Principal) -> None:
    policy = ManagedPolicy.objects.get(name="IAMReadOnlyAccess", account=None)
    services.attach_user_policy(actor=root_actor, user=user, policy=policy)


def tags_of(policy: ManagedPolicy) -> list[dict[str, str]]:
    tags: list[dict[str, str]] = ManagedPolicy.objects.get(pk=policy.pk).tags
    return tags


# --- the Tags tab ------------------------------------------------------------------


def test_adding_and_removing_tags_on_the_tags_tab(
    root_client: Client, reports: ManagedPolicy
) -> None:
    url = "/policies/local/Reports/tags/"
    response = root_client.post(url, {"key": "Team", "value": "blue"})
    assert response.status_code == 302 and response["Location"].endswith("?tab=tags")
    root_client.post(url, {"key": "team", "value": "red"})
    page = root_client.get("/policies/local/Reports/?tab=tags").content.decode()
    assert 'Tags <span class="table-count">(2)</span>' in page
    assert "<td>Team</td><td>blue</td>" in page and "<td>team</td><td>red</td>" in page
    root_client.post(url, {"key": "Team", "remove": "1"})
    assert tags_of(reports) == [{"Key": "team", "Value": "red"}]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"key": "", "value": "x"}, "Enter a tag key (1 to 128 characters)."),
        ({"key": "aws:team", "value": "x"}, "Tag keys cannot start with the reserved prefix aws:."),
        ({"key": "Team", "value": "<b>"}, "Tag values can be up to 256 characters"),
        ({"key": "k" * 129, "value": ""}, "Tag keys must be 1 to 128 characters"),
    ],
)
def test_bad_tags_get_a_message_beside_the_field_and_change_nothing(
    root_client: Client, reports: ManagedPolicy, data: dict[str, str], message: str
) -> None:
    response = root_client.post("/policies/local/Reports/tags/", data)
    assert response.status_code == 400
    error = re.search(r'data-testid="tags-error">([^<]*)<', response.content.decode())
    assert error is not None and message in error.group(1).replace("'", "'")
    assert tags_of(reports) == []


def test_a_read_only_user_sees_the_tags_but_tagging_shows_the_aws_denial(
    root_actor: Actor, alice: Principal, alice_client: Client, reports: ManagedPolicy
) -> None:
    services.tag_policy(actor=root_actor, policy=reports, tags=[("Team", "blue")])
    read_only(root_actor, alice)
    page = alice_client.get("/policies/local/Reports/?tab=tags").content.decode()
    assert "<td>Team</td><td>blue</td>" in page and 'aria-label="Remove tag Team"' in page
    for data in ({"key": "Owner", "value": "me"}, {"key": "Team", "remove": "1"}):
        page = alice_client.post("/policies/local/Reports/tags/", data).content.decode()
        action = "iam:UntagPolicy" if "remove" in data else "iam:TagPolicy"
        assert (
            f"User: {alice.arn} is not authorized to perform: {action} on resource: "
            f"{reports.arn}" in page
        )
    assert tags_of(reports) == [{"Key": "Team", "Value": "blue"}]


def test_a_user_without_get_policy_sees_the_denial_not_an_error(
    alice_client: Client, reports: ManagedPolicy
) -> None:
    response = alice_client.post("/policies/local/Reports/tags/", {"key": "Team"})
    assert response.status_code == 200
    assert "is not authorized to perform: iam:GetPolicy" in response.content.decode()
    assert tags_of(reports) == []


def test_aws_managed_policies_have_no_tags_tab_and_another_account_gets_404(
    root_client: Client, outsider_client: Client, reports: ManagedPolicy
) -> None:
    page = root_client.get("/policies/aws/IAMReadOnlyAccess/").content.decode()
    assert "?tab=tags" not in page
    assert (
        root_client.post("/policies/local/IAMReadOnlyAccess/tags/", {"key": "a"}).status_code == 404
    )
    assert outsider_client.post("/policies/local/Reports/tags/", {"key": "a"}).status_code == 404
    assert tags_of(reports) == []


# --- tags on the Review and create step -------------------------------------------


def test_review_step_adds_tag_rows_keeping_what_was_typed_then_creates_with_tags(
    root_client: Client,
) -> None:
    review = policy_to_review(root_client, document("s3:GetObject"))
    base = {"name": "Tagged", "description": "d"}
    page = root_client.post(review, {**base, "add_tag": "1"}).content.decode()
    assert 'id="tag-key-0"' in page and 'value="Tagged"' in page
    rows = {"tag_key": ["Team", "team", "Gone"], "tag_value": ["blue", "red", "x"]}
    content = root_client.post(review, {**base, **rows, "remove_tag": "2"}).content
    assert b'id="tag-key-1"' in content and b'id="tag-key-2"' not in content
    response = root_client.post(
        review,
        {**base, "tag_key": ["Team", "team"], "tag_value": ["blue", "red"], "step": "create"},
    )
    assert response.status_code == 302
    assert tags_of(ManagedPolicy.objects.get(name="Tagged")) == [
        {"Key": "Team", "Value": "blue"},
        {"Key": "team", "Value": "red"},
    ]


def test_a_bad_tag_on_review_is_shown_beside_the_tags_and_creates_nothing(
    root_client: Client,
) -> None:
    response = root_client.post(
        policy_to_review(root_client, document("s3:GetObject")),
        {
            "name": "Tagged",
            "tag_key": ["Team", "Team"],
            "tag_value": ["a", "b"],
            "step": "create",
        },
    )
    assert response.status_code == 400
    assert 'data-testid="tags-error">Duplicate tag key: Team.' in response.content.decode()
    assert not ManagedPolicy.objects.filter(name="Tagged").exists()


# --- Compare on the Policy versions tab --------------------------------------------


def test_comparing_two_versions_marks_removed_and_added_lines(
    root_client: Client, root_actor: Actor, reports: ManagedPolicy
) -> None:
    services.create_policy_version(
        actor=root_actor, policy=reports, document=document("s3:GetObject", "s3:ListBucket")
    )
    page = root_client.get("/policies/local/Reports/?tab=versions").content.decode()
    assert '<option value="v1" selected>v1</option>' in page  # older on the left by default
    page = root_client.get(
        "/policies/local/Reports/?tab=versions&left=v1&right=v2"
    ).content.decode()
    assert "Comparing v1 with v2" in page
    removed = re.findall(
        r'diff-removed"><span class="visually-hidden">Removed: </span>([^<]*)<', page
    )
    added = re.findall(r'diff-added"><span class="visually-hidden">Added: </span>([^<]*)<', page)
    assert [line.strip() for line in removed] == ["&quot;Action&quot;: &quot;s3:Get*&quot;,"]
    assert "&quot;Action&quot;: &quot;s3:GetObject&quot;," in [a.strip() for a in added]
    assert "&quot;Action&quot;: &quot;s3:ListBucket&quot;," in [a.strip() for a in added]
    counts = re.search(r'data-testid="diff-counts">([^<]*)<', page)
    assert counts is not None
    assert counts.group(1) == f"1 line removed, {len(added)} lines added."


@pytest.mark.parametrize(
    ("right", "shown"), [("v9", "v9"), ("x" * 500, "x" * 16), ("v1%00", "v1\x00")]
)
def test_comparing_with_a_version_that_does_not_exist_says_so(
    root_client: Client, reports: ManagedPolicy, right: str, shown: str
) -> None:
    response = root_client.get(f"/policies/local/Reports/?tab=versions&left=v1&right={right}")
    page = response.content.decode()
    assert response.status_code in (200, 400) and "Comparing" not in page
    if response.status_code == 200:
        assert f"Policy {reports.arn} version {shown} does not exist." in page


def test_compare_needs_get_policy_version(
    root_actor: Actor, alice: Principal, alice_client: Client, reports: ManagedPolicy
) -> None:
    only_list = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["iam:GetPolicy", "iam:ListPolicyVersions"],
                "Resource": "*",
            }
        ],
    }
    services.put_user_policy(
        actor=root_actor, user=alice, name="ListOnly", document=json.dumps(only_list)
    )
    services.create_policy_version(actor=root_actor, policy=reports, document=document("s3:*"))
    page = alice_client.get(
        "/policies/local/Reports/?tab=versions&left=v1&right=v2"
    ).content.decode()
    assert "is not authorized to perform: iam:GetPolicyVersion" in page
    assert "Comparing" not in page


# --- the visual editor on Edit policy ---------------------------------------------


def test_edit_policy_offers_the_visual_editor_starting_from_the_default_version(
    root_client: Client, reports: ManagedPolicy
) -> None:
    page = root_client.get("/policies/local/Reports/edit/?editor=visual&service=s3").content
    text = page.decode()
    assert "The visual editor adds a statement, or changes one you open with Edit" in text
    assert "The visual editor can't show the action s3:Get*" in text  # a wildcard: JSON only
    assert 'action="/policies/local/Reports/edit/"' in text and 'value="s3:PutObject"' in text
    assert "&quot;s3:Get*&quot;" in text  # the current document travels with the editor


def test_a_visual_statement_is_appended_and_saved_only_with_save_changes(
    root_client: Client, reports: ManagedPolicy
) -> None:
    current = services.default_document(reports)
    page = root_client.post(
        "/policies/local/Reports/edit/",
        {
            "step": "visual",
            "service": "s3",
            "document": current,
            "effect": "Deny",
            "actions": ["s3:DeleteObject"],
            "resource_scope": "all",
        },
    ).content.decode()
    assert reports.versions.count() == 1
    textarea = re.search(r'data-testid="policy-editor"[^>]*>([^<]*)</textarea>', page)
    assert textarea is not None
    edited = json.loads(textarea.group(1).replace("&quot;", '"'))
    assert [s["Action"] for s in edited["Statement"]] == ["s3:Get*", ["s3:DeleteObject"]]
    assert edited["Statement"][1]["Effect"] == "Deny"
    response = root_client.post(
        "/policies/local/Reports/edit/", {"document": json.dumps(edited), "save": "1"}
    )
    assert response.status_code == 302
    default = PolicyVersion.objects.get(policy=reports, is_default=True)
    assert default.version_id == "v2" and "s3:DeleteObject" in default.document


def test_switching_editors_on_edit_saves_nothing(
    root_client: Client, reports: ManagedPolicy
) -> None:
    page = root_client.post(
        "/policies/local/Reports/edit/", {"step": "json", "document": document("s3:*")}
    ).content.decode()
    assert "&quot;s3:*&quot;" in page
    assert reports.versions.count() == 1


def test_a_visual_statement_without_actions_is_refused_beside_the_field(
    root_client: Client, reports: ManagedPolicy
) -> None:
    response = root_client.post(
        "/policies/local/Reports/edit/",
        {"step": "visual", "service": "s3", "document": "{}", "resource_scope": "all"},
    )
    assert response.status_code == 400
    assert "Choose at least one action." in response.content.decode()
    assert reports.versions.count() == 1
