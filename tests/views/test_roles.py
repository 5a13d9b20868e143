from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.models import Account, InstanceProfile, Principal, Role
from domain import iam as services
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor
from policies.models import ManagedPolicy
from tests.views.wizards import role_wizard

EC2_TRUST = services.service_trust_policy("ec2")


@pytest.fixture
def web(root_actor: Actor) -> Role:
    return services.create_role_with_permissions(
        actor=root_actor,
        name="web",
        trust_policy=EC2_TRUST,
        policies=[ManagedPolicy.objects.get(account=None, name="AmazonS3FullAccess")],
        instance_profile=True,
    )


def s3_full_arn() -> str:
    return ManagedPolicy.objects.get(account=None, name="AmazonS3FullAccess").arn


# --- who may see what ---------------------------------------------------------------


@pytest.mark.parametrize("url", ["/roles/", "/roles/create/", "/roles/details/web/"])
def test_role_pages_need_sign_in(db: None, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/signin/")


def test_a_user_without_policies_sees_the_aws_denial(
    alice_client: Client, alice: Principal, web: Role
) -> None:
    page = alice_client.get("/roles/").content.decode()
    assert (
        f"User: {alice.arn} is not authorized to perform: iam:ListRoles on resource: "
        f"arn:aws:iam::{alice.account_id}:role/*" in page
    )
    assert ">web<" not in page
    assert (
        "is not authorized to perform: iam:GetRole"
        in alice_client.get("/roles/details/web/").content.decode()
    )


def test_a_user_without_policies_cannot_delete_and_nothing_changes(
    alice_client: Client, web: Role
) -> None:
    page = alice_client.post("/roles/delete/", {"role": "web", "confirm": "web"}).content.decode()
    assert "is not authorized to perform: iam:DeleteRole" in page
    assert Role.objects.filter(pk=web.pk).exists()


def test_another_accounts_role_is_not_found(outsider_client: Client, web: Role) -> None:
    assert outsider_client.get("/roles/details/web/").status_code == 404
    assert (
        outsider_client.post("/roles/details/web/action/", {"op": "untag", "key": "x"}).status_code
        == 404
    )
    page = outsider_client.post(
        "/roles/delete/", {"role": "web", "confirm": "web"}
    ).content.decode()
    assert "cannot be found" in page
    assert Role.objects.filter(pk=web.pk).exists()


def test_a_read_only_user_sees_roles_but_cannot_change_the_trust_policy(
    root_actor: Actor, alice: Principal, alice_client: Client, web: Role
) -> None:
    policy_services.attach_user_policy(
        actor=root_actor,
        user=alice,
        policy=ManagedPolicy.objects.get(account=None, name="IAMReadOnlyAccess"),
    )
    assert "AWS Service: ec2" in alice_client.get("/roles/").content.decode()
    page = alice_client.post(
        "/roles/details/web/trust/", {"document": services.service_trust_policy("lambda")}
    ).content.decode()
    assert "is not authorized to perform: iam:UpdateAssumeRolePolicy" in page
    web.refresh_from_db()
    assert web.trust_policy == EC2_TRUST


# --- list and page --------------------------------------------------------------------


def test_the_list_shows_trusted_entities(root_client: Client, root_actor: Actor, web: Role) -> None:
    services.create_role(
        actor=root_actor,
        name="cross",
        trust_policy=services.account_trust_policy("444455556666"),
    )
    page = root_client.get("/roles/").content.decode()
    assert "AWS Service: ec2" in page and "Account: 444455556666" in page


def test_the_role_page_shows_the_instance_profile_arn(root_client: Client, web: Role) -> None:
    page = root_client.get("/roles/details/web/").content.decode()
    assert f"arn:aws:iam::{web.account_id}:instance-profile/web" in page
    assert web.arn in page and "AmazonS3FullAccess" in page and "1 hour" in page


def test_deleting_needs_the_role_name_typed(root_client: Client, web: Role) -> None:
    page = root_client.post("/roles/delete/", {"role": "web", "confirm": "wrong"}).content.decode()
    assert "To confirm deletion, enter web." in page
    response = root_client.post("/roles/delete/", {"role": "web", "confirm": "web"})
    assert response.status_code == 302
    assert not Role.objects.exists() and not InstanceProfile.objects.exists()


# --- the wizard ---------------------------------------------------------------------


def test_the_wizard_creates_nothing_until_the_end_then_an_ec2_role_with_its_profile(
    root_client: Client, account: Account
) -> None:
    root_client.post(role_wizard(root_client, "trust"), {"trust_type": "service", "service": "ec2"})
    root_client.post(
        role_wizard(root_client, "permissions"),
        {"shown": s3_full_arn(), "policy": s3_full_arn(), "go": "next"},
    )
    review = root_client.get(role_wizard(root_client, "review")).content.decode()
    assert "ec2.amazonaws.com" in review and "AmazonS3FullAccess" in review
    assert not Role.objects.exists()
    response = root_client.post(
        role_wizard(root_client, "review"), {"name": "EC2-S3", "description": "x"}
    )
    assert response["Location"] == "/roles/details/EC2-S3/"
    role = Role.objects.get(account=account, name="EC2-S3")
    assert role.attachments.get().policy.name == "AmazonS3FullAccess"
    assert InstanceProfile.objects.get(role=role).name == "EC2-S3"


def test_the_wizard_builds_an_account_trust_with_external_id_and_mfa(
    root_client: Client, account: Account
) -> None:
    root_client.post(
        role_wizard(root_client, "trust"),
        {
            "trust_type": "account",
            "account_choice": "another",
            "account_id": "444455556666",
            "require_external_id": "on",
            "external_id": "partner-42",
            "require_mfa": "on",
        },
    )
    root_client.post(role_wizard(root_client, "permissions"), {"go": "next"})
    root_client.post(role_wizard(root_client, "review"), {"name": "Partner"})
    statement = json.loads(Role.objects.get(name="Partner").trust_policy)["Statement"][0]
    assert statement["Principal"] == {"AWS": "arn:aws:iam::444455556666:root"}
    assert statement["Condition"]["StringEquals"] == {"sts:ExternalId": "partner-42"}
    assert not InstanceProfile.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"trust_type": "account", "account_choice": "another", "account_id": "12"}, "12 digits"),
        (
            {"trust_type": "account", "require_external_id": "on", "external_id": "x"},
            "2 to 1224 characters",
        ),
        ({"trust_type": "custom", "document": '{"Version": "2012-10-17",'}, "Syntax errors"),
        (
            {
                "trust_type": "custom",
                "document": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
                '"Action":"sts:AssumeRole"}]}',
            },
            "Missing required field Principal",
        ),
    ],
)
def test_step_one_refuses_bad_input_beside_the_field(
    root_client: Client, data: dict[str, str], message: str
) -> None:
    response = root_client.post(role_wizard(root_client, "trust"), data)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_the_review_step_refuses_a_taken_name(root_client: Client, web: Role) -> None:
    root_client.post(
        role_wizard(root_client, "trust"), {"trust_type": "service", "service": "lambda"}
    )
    root_client.post(role_wizard(root_client, "permissions"), {"go": "next"})
    page = root_client.post(role_wizard(root_client, "review"), {"name": "WEB"}).content.decode()
    assert "Role with name WEB already exists." in page
    assert Role.objects.count() == 1


def test_later_steps_without_step_one_go_back_to_it(root_client: Client) -> None:
    review = role_wizard(root_client, "review")
    assert root_client.get(review)["Location"] == review.replace("/review/", "/trust/")


# --- editing ------------------------------------------------------------------------


def test_a_bad_trust_policy_is_refused_with_its_position_and_changes_nothing(
    root_client: Client, web: Role
) -> None:
    page = root_client.post(
        "/roles/details/web/trust/", {"document": '{\n  "Version": 1'}
    ).content.decode()
    assert "Syntax errors in policy. (line 2" in page
    web.refresh_from_db()
    assert web.trust_policy == EC2_TRUST


def test_an_oversize_trust_policy_is_refused(root_client: Client, web: Role) -> None:
    big = json.loads(EC2_TRUST)
    big["Statement"][0]["Principal"] = {"AWS": [f"arn:aws:iam::{n:012d}:root" for n in range(80)]}
    page = root_client.post(
        "/roles/details/web/trust/", {"document": json.dumps(big)}
    ).content.decode()
    assert "Cannot exceed quota for ACLSizePerRole: 2048" in page
    web.refresh_from_db()
    assert web.trust_policy == EC2_TRUST


def test_editing_the_session_duration_with_a_preset_or_custom_seconds(
    root_client: Client, web: Role
) -> None:
    root_client.post("/roles/details/web/edit/", {"description": "d", "duration": "14400"})
    web.refresh_from_db()
    assert web.max_session_duration == 14400
    page = root_client.post(
        "/roles/details/web/edit/", {"duration": "custom", "custom_seconds": "50000"}
    ).content.decode()
    assert "between 3600 and 43200 seconds" in page
    root_client.post("/roles/details/web/edit/", {"duration": "custom", "custom_seconds": "5400"})
    web.refresh_from_db()
    assert web.max_session_duration == 5400


def test_permissions_tab_buttons_attach_detach_and_set_a_boundary(
    root_client: Client, web: Role
) -> None:
    root_client.post("/roles/details/web/action/", {"op": "attach", "policy": "IAMReadOnlyAccess"})
    assert web.attachments.count() == 2
    root_client.post("/roles/details/web/action/", {"op": "detach", "policy": "AmazonS3FullAccess"})
    assert [a.policy.name for a in web.attachments.all()] == ["IAMReadOnlyAccess"]
    root_client.post(
        "/roles/details/web/action/", {"op": "set_boundary", "policy": "PowerUserAccess"}
    )
    web.refresh_from_db()
    assert web.permissions_boundary is not None
    assert web.permissions_boundary.name == "PowerUserAccess"
    page = root_client.post(
        "/roles/details/web/action/", {"op": "attach", "policy": "NoSuchPolicy"}
    ).content.decode()
    assert "Policy NoSuchPolicy does not exist or is not attachable." in page


def test_inline_policies_are_created_and_deleted(root_client: Client, web: Role) -> None:
    document = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"logs:*","Resource":"*"}]}'
    )
    root_client.post("/roles/details/web/inline/", {"name": "logs", "document": document})
    assert web.inline_policies.get().name == "logs"
    root_client.post("/roles/details/web/action/", {"op": "delete_inline", "policy": "logs"})
    assert not web.inline_policies.exists()


def test_tags_tab_adds_and_removes_tags_ignoring_key_case(root_client: Client, web: Role) -> None:
    root_client.post(
        "/roles/details/web/action/", {"op": "tag", "key": "Team", "value": "a", "tab": "tags"}
    )
    root_client.post(
        "/roles/details/web/action/", {"op": "tag", "key": "team", "value": "b", "tab": "tags"}
    )
    web.refresh_from_db()
    assert web.tags == [{"Key": "team", "Value": "b"}]
    root_client.post("/roles/details/web/action/", {"op": "untag", "key": "TEAM", "tab": "tags"})
    web.refresh_from_db()
    assert web.tags == []
