from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from accounts import crypto
from accounts.models import AccessKey, MFADevice, Principal
from accounts.passwords import Rules
from domain import iam as services
from domain.kernel.actors import Actor
from tests.conftest import PASSWORD


def test_root_sees_mfa_and_access_key_sections(root_client: Client) -> None:
    page = root_client.get("/security-credentials/").content.decode()
    assert "My security credentials" in page
    assert "Assign MFA device" in page
    assert "Create access key" in page


def test_root_access_key_needs_i_understand_then_downloads_rootkey_csv(
    root_client: Client, root: Principal
) -> None:
    response = root_client.post("/security-credentials/root-access-key/", {})
    assert "Confirm that you understand" in response.content.decode()
    assert not AccessKey.objects.exists()
    response = root_client.post("/security-credentials/root-access-key/", {"understand": "1"})
    assert response["Location"] == "/security-credentials/root-access-key/retrieve/"
    key = AccessKey.objects.get(principal=root)
    csv_response = root_client.get("/security-credentials/root-access-key/rootkey.csv")
    assert csv_response["Content-Disposition"] == 'attachment; filename="rootkey.csv"'
    lines = csv_response.content.decode().splitlines()
    secret = crypto.decrypt(key.secret_encrypted)
    assert lines == [f"AWSAccessKeyId={key.access_key_id}", f"AWSSecretKey={secret}"]
    root_client.post("/security-credentials/root-access-key/retrieve/")
    assert root_client.get("/security-credentials/root-access-key/rootkey.csv").status_code == 302
    assert secret not in root_client.get("/security-credentials/").content.decode()


def test_root_deactivates_then_deletes_an_access_key(root_client: Client, root: Principal) -> None:
    root_client.post("/security-credentials/root-access-key/", {"understand": "1"})
    key = AccessKey.objects.get(principal=root)
    url = f"/security-credentials/root-access-key/{key.access_key_id}/"
    root_client.post(url, {"operation": "deactivate"})
    key.refresh_from_db()
    assert key.status == "Inactive"
    root_client.post(url, {"operation": "delete"})
    assert not AccessKey.objects.exists()


def test_an_iam_user_cannot_use_the_root_key_pages(alice_client: Client) -> None:
    alice_client.post("/security-credentials/root-access-key/", {"understand": "1"})
    assert not AccessKey.objects.exists()


def test_root_changes_password_under_aws_default_rules_not_the_iam_policy(
    root_client: Client, root_actor: Actor, root: Principal
) -> None:
    services.update_account_password_policy(
        actor=root_actor, rules=Rules(custom=True, minimum_length=30)
    )
    data = {"old_password": PASSWORD, "new_password": "Root-New-Pass-1"}
    response = root_client.post(
        "/security-credentials/password/", data | {"confirm_password": "Root-New-Pass-1"}
    )
    assert response["Location"] == "/security-credentials/"
    root.refresh_from_db()
    assert root.check_password("Root-New-Pass-1")
    assert root_client.get("/security-credentials/").status_code == 200  # still signed in


def test_a_wrong_current_password_is_shown_beside_the_field(root_client: Client) -> None:
    response = root_client.post(
        "/security-credentials/password/",
        {
            "old_password": "nope",
            "new_password": "Root-New-Pass-1",
            "confirm_password": "Root-New-Pass-1",
        },
    )
    assert "The current password is incorrect." in response.content.decode()


def test_a_user_changes_their_password_when_the_policy_allows(
    alice_client: Client, root_actor: Actor, alice: Principal
) -> None:
    services.update_account_password_policy(
        actor=root_actor, rules=Rules(custom=True, minimum_length=8, allow_users_to_change=True)
    )
    response = alice_client.post(
        "/security-credentials/password/",
        {
            "old_password": PASSWORD,
            "new_password": "Alice-Pass-22",
            "confirm_password": "Alice-Pass-22",
        },
    )
    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.check_password("Alice-Pass-22")


def test_a_user_without_permission_sees_the_denial(alice_client: Client, alice: Principal) -> None:
    response = alice_client.post(
        "/security-credentials/password/",
        {
            "old_password": PASSWORD,
            "new_password": "Alice-Pass-22",
            "confirm_password": "Alice-Pass-22",
        },
    )
    assert "not authorized to perform: iam:ChangePassword" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password(PASSWORD)


# --- dashboard security recommendations -----------------------------------------------


def test_recommendations_list_what_is_true(
    root_client: Client, root_actor: Actor, root: Principal, alice: Principal
) -> None:
    services.create_access_key(actor=root_actor, user=root)
    page = root_client.get("/").content.decode()
    assert "Root user has no MFA." in page
    assert "Root user has active access keys." in page
    assert "IAM user(s) with console access have no MFA: alice." in page
    assert "older than 90 days" not in page


def test_old_and_unused_credentials_are_recommended(
    root_client: Client, root_actor: Actor, alice: Principal
) -> None:
    key = services.create_access_key(actor=root_actor, user=alice).key
    old = timezone.now() - timedelta(days=120)
    AccessKey.objects.filter(pk=key.pk).update(created_at=old)
    Principal.objects.filter(pk=alice.pk).update(created_at=old)
    page = root_client.get("/").content.decode()
    assert "1 active access key(s) are older than 90 days" in page
    assert "Credentials unused for 90 days: 1 password(s), 1 access key(s)" in page


def test_when_all_is_well_the_dashboard_says_so(root_client: Client, root: Principal) -> None:
    MFADevice.objects.create(account=root.account, principal=root, name="r", secret_encrypted="x")
    page = root_client.get("/").content.decode()
    assert "No security recommendations" in page


def test_a_user_who_cannot_read_the_account_sees_the_denial_there(alice_client: Client) -> None:
    page = alice_client.get("/").content.decode()
    assert 'data-testid="security-recommendations"' in page
    assert "not authorized to perform: iam:GetAccountSummary" in page


def test_an_iam_user_sees_their_own_mfa_and_access_keys_sections(
    alice_client: Client, alice: Principal
) -> None:
    page = alice_client.get("/security-credentials/").content.decode()
    assert alice.arn in page
    assert 'data-testid="mfa-section"' in page
    assert 'id="access-keys"' in page
    assert "not authorized to perform: iam:ListMFADevices" in page  # no policies at all
