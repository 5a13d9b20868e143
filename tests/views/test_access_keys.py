from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from accounts.models import AccessKey, Principal
from domain import iam as services
from domain.iam.policies import attach_user_policy
from domain.kernel.actors import Actor
from policies.models import ManagedPolicy
from tests.views.wizards import access_key_wizard, start

USE_CASE = {"use_case": "cli", "confirm": "on"}


def create_key(client: Client, user: str = "alice", description: str = "") -> str:
    response = access_key_wizard(client, user, description=description)
    assert response.status_code == 302, response.content.decode()[-2000:]
    assert response["Location"] == f"/users/details/{user}/access-keys/retrieve/"
    return AccessKey.objects.filter(principal__name=user).latest("created_at").access_key_id


def test_the_use_case_page_lists_six_use_cases_and_requires_the_checkbox(
    root_client: Client, alice: Principal
) -> None:
    response = root_client.get("/users/details/alice/access-keys/create/", follow=True)
    page = response.content.decode()
    for label in [
        "Command Line Interface (CLI)",
        "Local code",
        "Application running on an AWS compute service",
        "Third-party service",
        "Application running outside AWS",
        "Other",
    ]:
        assert label in page
    step = start(root_client, "/users/details/alice/access-keys/create/") + "use_case/"
    response = root_client.post(step, {"use_case": "cli"})
    assert "Confirm that you understand the recommendation." in response.content.decode()
    assert not AccessKey.objects.exists()


def test_the_confirmed_use_case_leads_to_the_description_step(
    root_client: Client, alice: Principal
) -> None:
    step = start(root_client, "/users/details/alice/access-keys/create/") + "use_case/"
    page = root_client.post(step, USE_CASE, follow=True).content.decode()
    assert "Description tag value" in page
    assert not AccessKey.objects.exists()


def test_retrieve_shows_the_secret_once_and_the_csv_has_aws_format(
    root_client: Client, alice: Principal
) -> None:
    key_id = create_key(root_client, description="laptop")
    key = AccessKey.objects.get(access_key_id=key_id)
    secret = services.access_keys.secret_of(key)
    page = root_client.get("/users/details/alice/access-keys/retrieve/").content.decode()
    assert key_id in page and secret in page
    download = root_client.post("/users/details/alice/access-keys/download/")
    assert download["Content-Disposition"] == 'attachment; filename="alice_accessKeys.csv"'
    raw = download.content
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert rows == [["Access key ID", "Secret access key"], [key_id, secret]]
    again = root_client.get("/users/details/alice/access-keys/retrieve/")
    assert again.status_code == 302
    assert secret not in root_client.get("/users/details/alice/access-keys/").content.decode()


def test_the_section_lists_keys_with_description_and_disables_create_at_two(
    root_client: Client, alice: Principal
) -> None:
    first = create_key(root_client, description="laptop")
    services.update_access_key(
        actor=Actor(principal=alice.account.principals.get(kind="root")),
        user=alice,
        access_key_id=first,
        status="Inactive",
    )
    page = root_client.get("/users/details/alice/access-keys/").content.decode()
    assert first in page and "laptop" in page and "Inactive" in page
    assert 'href="/users/details/alice/access-keys/create/"' in page
    create_key(root_client)
    page = root_client.get("/users/details/alice/access-keys/").content.decode()
    assert 'href="/users/details/alice/access-keys/create/"' not in page
    assert "disabled" in page


def test_a_bad_description_is_shown_beside_the_field(root_client: Client, alice: Principal) -> None:
    page = access_key_wizard(root_client, "alice", description="a;b").content.decode()
    assert 'class="field-error"' in page and "The description can contain only" in page
    assert not AccessKey.objects.exists()


def test_deactivate_then_delete_by_typing_the_key_id(root_client: Client, alice: Principal) -> None:
    key_id = create_key(root_client)
    page = root_client.post(
        f"/users/details/alice/access-keys/{key_id}/delete/", {"confirm": key_id}
    ).content.decode()
    assert "Deactivate it before you delete it." in page
    root_client.post(f"/users/details/alice/access-keys/{key_id}/status/", {"status": "Inactive"})
    assert AccessKey.objects.get(access_key_id=key_id).status == "Inactive"
    page = root_client.post(
        f"/users/details/alice/access-keys/{key_id}/delete/", {"confirm": "wrong"}
    ).content.decode()
    assert f"Enter {key_id} to confirm deletion." in page
    response = root_client.post(
        f"/users/details/alice/access-keys/{key_id}/delete/", {"confirm": key_id}
    )
    assert response.status_code == 302
    assert not AccessKey.objects.exists()


def test_bad_status_and_unknown_key_change_nothing(root_client: Client, alice: Principal) -> None:
    key_id = create_key(root_client)
    response = root_client.post(
        f"/users/details/alice/access-keys/{key_id}/status/", {"status": "Gone"}
    )
    assert response.status_code == 400
    assert AccessKey.objects.get(access_key_id=key_id).status == "Active"
    response = root_client.post(
        "/users/details/alice/access-keys/AKIANOPE/status/", {"status": "Inactive"}
    )
    assert "cannot be found" in response.content.decode()
    assert root_client.get("/users/details/alice/access-keys/AKIANOPE/delete/").status_code == 404


def test_a_user_without_policies_sees_the_denial_and_creates_nothing(
    alice_client: Client, alice: Principal, bob: Principal
) -> None:
    response = access_key_wizard(alice_client, "bob")
    assert "is not authorized to perform: iam:CreateAccessKey" in response.content.decode()
    assert not AccessKey.objects.exists()


def test_a_read_only_user_sees_keys_but_cannot_change_them(
    root_actor: Actor, alice_client: Client, alice: Principal, bob: Principal
) -> None:
    attach_user_policy(
        actor=root_actor,
        user=alice,
        policy=ManagedPolicy.objects.get(name="IAMReadOnlyAccess", account=None),
    )
    new = services.create_access_key(actor=root_actor, user=bob)
    key_id = new.key.access_key_id
    page = alice_client.get("/users/details/bob/access-keys/").content.decode()
    assert key_id in page
    response = alice_client.post(
        f"/users/details/bob/access-keys/{key_id}/status/", {"status": "Inactive"}
    )
    assert "is not authorized to perform: iam:UpdateAccessKey" in response.content.decode()
    assert AccessKey.objects.get(access_key_id=key_id).status == "Active"


def test_another_accounts_user_is_a_404(outsider_client: Client, alice: Principal) -> None:
    assert outsider_client.get("/users/details/alice/access-keys/").status_code == 404
    assert outsider_client.get("/users/details/alice/access-keys/create/").status_code == 404


@pytest.mark.parametrize(
    "url", ["/users/details/alice/access-keys/", "/users/details/alice/access-keys/create/"]
)
def test_access_key_pages_need_sign_in(alice: Principal, url: str) -> None:
    response = Client().get(url)
    assert response.status_code == 302 and response["Location"].startswith("/signin/")
