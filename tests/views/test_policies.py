from __future__ import annotations

import json

import pytest
from django.test import Client
from pytest_django.fixtures import DjangoAssertNumQueries

from accounts.models import Account, Principal
from domain.iam import policies as services
from domain.kernel.actors import Actor
from policies.models import ManagedPolicy, PolicyVersion
from tests.views.wizards import policy_to_review, policy_wizard


def document(action: str = "s3:GetObject", sid: str = "Read") -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Sid": sid, "Effect": "Allow", "Action": action, "Resource": "*"}],
        },
        indent=4,
    )


@pytest.fixture
def reports(root_actor: Actor) -> ManagedPolicy:
    return services.create_policy(actor=root_actor, name="Reports", document=document())


# --- who may see what ---------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["/policies/", "/policies/aws/AmazonS3FullAccess/", "/policies/create/"]
)
def test_policy_pages_need_sign_in(db: None, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/signin/")


def test_a_user_without_policies_sees_the_aws_denial_instead_of_the_list(
    alice_client: Client, alice: Principal
) -> None:
    page = alice_client.get("/policies/").content.decode()
    assert (
        f"User: {alice.arn} is not authorized to perform: iam:ListPolicies on resource: *" in page
    )
    assert "AmazonS3FullAccess" not in page


def test_a_user_without_policies_sees_the_denial_on_a_policy_page(alice_client: Client) -> None:
    page = alice_client.get("/policies/aws/AmazonS3FullAccess/").content.decode()
    assert "is not authorized to perform: iam:GetPolicy" in page


def test_another_accounts_policy_is_not_found(
    outsider_client: Client, reports: ManagedPolicy
) -> None:
    assert outsider_client.get("/policies/local/Reports/").status_code == 404
    assert (
        outsider_client.post("/policies/local/Reports/delete/", {"confirm": "Reports"}).status_code
        == 404
    )
    assert ManagedPolicy.objects.filter(pk=reports.pk).exists()


# --- the list ------------------------------------------------------------------------


def test_the_list_shows_aws_and_customer_policies_with_used_as(
    root_client: Client, root_actor: Actor, reports: ManagedPolicy, alice: Principal
) -> None:
    services.attach_user_policy(actor=root_actor, user=alice, policy=reports)
    page = root_client.get("/policies/?q=Reports").content.decode()
    assert "Customer managed" in page and "Permissions policy (1)" in page
    everything = ManagedPolicy.objects.filter(account=None).count() + 1
    assert f"({everything})" in root_client.get("/policies/").content.decode()


def test_the_type_filter_and_search_narrow_the_list(
    root_client: Client, reports: ManagedPolicy
) -> None:
    page = root_client.get("/policies/?type=customer").content.decode()
    assert ">Reports<" in page and "AmazonS3FullAccess" not in page
    page = root_client.get("/policies/?type=job&q=admin").content.decode()
    assert "AdministratorAccess" in page and "AWS managed - job function" in page


def test_the_list_makes_a_constant_number_of_queries(
    root_client: Client,
    root_actor: Actor,
    django_assert_max_num_queries: DjangoAssertNumQueries,
    alice: Principal,
) -> None:
    for n in range(30):
        policy = services.create_policy(actor=root_actor, name=f"P{n}", document=document())
        if n < 8:
            services.attach_user_policy(actor=root_actor, user=alice, policy=policy)
    with django_assert_max_num_queries(8):
        root_client.get("/policies/")
    with django_assert_max_num_queries(8):
        root_client.get("/policies/?page=40&type=all")


def test_htmx_requests_get_only_the_table(root_client: Client) -> None:
    page = root_client.get("/policies/?q=S3Full", HTTP_HX_REQUEST="true").content.decode()
    assert page.lstrip().startswith('<div id="policy-table">')
    assert "AmazonS3FullAccess" in page


def test_a_bad_page_number_is_not_an_error(root_client: Client) -> None:
    assert root_client.get("/policies/?page=abc").status_code == 200
    assert root_client.get("/policies/?page=99999").status_code == 200


# --- a policy's page -------------------------------------------------------------------


def test_the_permissions_tab_shows_the_summary_and_the_json(root_client: Client) -> None:
    page = root_client.get("/policies/aws/AmazonS3ReadOnlyAccess/").content.decode()
    assert "arn:aws:iam::aws:policy/AmazonS3ReadOnlyAccess" in page
    assert "Amazon S3" in page and "All resources" in page
    assert "&quot;s3:Get*&quot;" in page
    assert ">Edit<" not in page  # AWS managed policies cannot be edited


def test_attaching_and_detaching_from_the_entities_tab(
    root_client: Client, reports: ManagedPolicy, alice: Principal
) -> None:
    root_client.post("/policies/local/Reports/attach/", {"entity": "user:alice"})
    assert reports.attachments.filter(user=alice).exists()
    page = root_client.get("/policies/local/Reports/?tab=entities").content.decode()
    assert ">alice<" in page
    root_client.post("/policies/local/Reports/attach/", {"entity": "user:alice", "detach": "1"})
    assert not reports.attachments.exists()


def test_setting_the_default_version_and_deleting_a_version(
    root_client: Client, root_actor: Actor, reports: ManagedPolicy
) -> None:
    services.create_policy_version(actor=root_actor, policy=reports, document=document("s3:*"))
    root_client.post("/policies/local/Reports/versions/", {"version": "v1"})
    assert PolicyVersion.objects.get(policy=reports, is_default=True).version_id == "v1"
    page = root_client.post(
        "/policies/local/Reports/versions/", {"version": "v1", "delete": "1"}
    ).content.decode()
    assert "Cannot delete the default version of a policy." in page
    root_client.post("/policies/local/Reports/versions/", {"version": "v2", "delete": "1"})
    assert list(reports.versions.values_list("version_id", flat=True)) == ["v1"]


def test_delete_needs_the_name_typed_and_detaches_first(
    root_client: Client, root_actor: Actor, reports: ManagedPolicy, alice: Principal
) -> None:
    services.attach_user_policy(actor=root_actor, user=alice, policy=reports)
    page = root_client.post("/policies/local/Reports/delete/", {"confirm": "nope"}).content.decode()
    assert "To confirm deletion, enter Reports." in page
    assert ManagedPolicy.objects.filter(pk=reports.pk).exists()
    response = root_client.post("/policies/local/Reports/delete/", {"confirm": "Reports"})
    assert response["Location"] == "/policies/"
    assert not ManagedPolicy.objects.filter(pk=reports.pk).exists()


# --- create and edit -------------------------------------------------------------------


def test_the_validate_endpoint_reports_line_and_column(root_client: Client) -> None:
    text = (
        '{\n  "Version": "2012-10-17",\n  "Statement": [\n'
        '    {"Effect": "Allow" "Action": "*"}\n  ]\n}'
    )
    page = root_client.post("/policies/validate/", {"document": text}).content.decode()
    assert "Line 4, Column" in page and "Syntax errors in policy." in page


def test_the_validate_endpoint_lists_warnings_apart(root_client: Client) -> None:
    page = root_client.post(
        "/policies/validate/", {"document": document("s3:GetObjekt")}
    ).content.decode()
    assert "No errors." in page and "Warnings: 1" in page and "s3:GetObjekt" in page


def test_creating_a_policy_through_review(root_client: Client, account: Account) -> None:
    review = root_client.post(
        policy_wizard(root_client, "permissions"),
        {"document": document(), "step": "review"},
        follow=True,
    )
    assert "Review and create" in review.content.decode()
    assert "Amazon S3" in review.content.decode()
    response = root_client.post(
        policy_wizard(root_client, "review"),
        {"step": "create", "name": "ReadS3", "description": "r"},
    )
    assert response["Location"] == "/policies/local/ReadS3/"
    assert ManagedPolicy.objects.get(account=account, name="ReadS3").description == "r"


def test_a_duplicate_name_gets_the_aws_message_beside_the_field(
    root_client: Client, reports: ManagedPolicy
) -> None:
    review = policy_to_review(root_client, document())
    page = root_client.post(review, {"step": "create", "name": "REPORTS"}).content.decode()
    assert "A policy called REPORTS already exists. Duplicate names are not allowed." in page
    assert 'class="field-error"' in page


def test_an_invalid_document_stays_on_the_editor(root_client: Client) -> None:
    page = root_client.post(
        policy_wizard(root_client, "permissions"),
        {"document": '{"Version": "2012-10-17"}', "step": "review"},
    ).content.decode()
    assert "Specify permissions" in page and "Syntax errors in policy." in page


def test_the_visual_editor_builds_the_statement(root_client: Client) -> None:
    visual = root_client.get("/policies/create/?editor=visual&service=s3", follow=True)
    assert "Permissions management" in visual.content.decode()
    assert 'value="s3:GetObject"' in visual.content.decode()
    page = root_client.post(
        policy_wizard(root_client, "permissions"),
        {
            "step": "visual",
            "service": "s3",
            "effect": "Allow",
            "actions": ["s3:GetObject", "s3:ListBucket"],
            "resource_scope": "specific",
            "resources": "arn:aws:s3:::reports/*",
            "condition_key": "aws:SecureTransport",
            "condition_operator": "Bool",
            "condition_value": "true",
        },
    ).content.decode()
    assert "&quot;s3:GetObject&quot;" in page and "arn:aws:s3:::reports/*" in page
    assert "&quot;aws:SecureTransport&quot;: &quot;true&quot;" in page


def test_editing_makes_a_new_default_version(root_client: Client, reports: ManagedPolicy) -> None:
    response = root_client.post("/policies/local/Reports/edit/", {"document": document("s3:*")})
    assert response.status_code == 302
    assert PolicyVersion.objects.get(policy=reports, is_default=True).version_id == "v2"


def test_a_sixth_version_is_refused_with_the_aws_message(
    root_client: Client, root_actor: Actor, reports: ManagedPolicy
) -> None:
    for n in range(4):
        services.create_policy_version(
            actor=root_actor, policy=reports, document=document(sid=f"S{n}")
        )
    page = root_client.post(
        "/policies/local/Reports/edit/", {"document": document("ec2:*")}
    ).content.decode()
    assert (
        "A managed policy can have up to 5 versions. Before you create a new version, "
        "you must delete an existing version." in page
    )
    assert reports.versions.count() == 5


def test_an_oversize_document_is_refused_with_the_aws_message(
    root_client: Client, reports: ManagedPolicy
) -> None:
    big = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": f"s3:GetObject{n}", "Resource": "*"}
                for n in range(150)
            ],
        }
    )
    page = root_client.post("/policies/local/Reports/edit/", {"document": big}).content.decode()
    assert "Cannot exceed quota for PolicySize: 6144" in page
    assert reports.versions.count() == 1


def test_aws_managed_policies_have_no_edit_page(root_client: Client) -> None:
    assert root_client.get("/policies/local/AmazonS3FullAccess/edit/").status_code == 404


def test_an_older_versions_document_can_be_read(
    root_client: Client, root_actor: Actor, reports: ManagedPolicy
) -> None:
    services.create_policy_version(actor=root_actor, policy=reports, document=document("s3:*"))
    page = root_client.get("/policies/local/Reports/?tab=versions&version=v1").content.decode()
    assert "Version v1" in page and "&quot;s3:GetObject&quot;" in page
    assert root_client.get("/policies/local/Reports/?tab=versions&version=v9").status_code == 200
