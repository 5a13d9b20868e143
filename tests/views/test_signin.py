from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import AuditEvent, Principal
from domain import iam as services
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor, system_actor
from tests.conftest import PASSWORD
from tests.responses import ClientResponse

INCORRECT = "Your authentication information is incorrect."


def post_user(client: Client, account: str, username: str, password: str) -> ClientResponse:
    return client.post(
        f"/signin/{account}/", {"account": account, "username": username, "password": password}
    )


def test_anonymous_visitor_is_sent_to_sign_in(db: None) -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith("/signin/?next=/")


def test_root_signs_in_with_email_then_password(root: Principal) -> None:
    client = Client()
    response = client.post("/signin/", {"kind": "root", "email": "OWNER@example.com"})
    assert response["Location"] == "/signin/root/"
    page = client.get("/signin/root/")
    assert b"OWNER@example.com" in page.content
    response = client.post("/signin/root/", {"password": PASSWORD})
    assert response.status_code == 302
    dashboard = client.get("/")
    assert dashboard.status_code == 200
    assert b"Example Corp @ " + root.account.id.encode() in dashboard.content


def test_root_with_wrong_password_sees_one_message_that_reveals_nothing(root: Principal) -> None:
    client = Client()
    client.post("/signin/", {"kind": "root", "email": "owner@example.com"})
    wrong_password = client.post("/signin/root/", {"password": "nope-nope-1A"})
    client.post("/signin/", {"kind": "root", "email": "nobody@example.com"})
    no_such_email = client.post("/signin/root/", {"password": "nope-nope-1A"})
    for response in (wrong_password, no_such_email):
        assert response.status_code == 200
        assert INCORRECT in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_iam_user_signs_in_by_account_id_and_by_alias(alice: Principal, root: Principal) -> None:
    response = post_user(Client(), alice.account_id, "alice", PASSWORD)
    assert response.status_code == 302
    services.create_account_alias(actor=system_actor(root), alias="example-corp")
    client = Client()
    response = post_user(client, "example-corp", "ALICE", PASSWORD)
    assert response.status_code == 302
    assert b"alice @ example-corp" in client.get("/").content


def test_account_id_may_be_typed_with_hyphens(alice: Principal) -> None:
    acct = alice.account_id
    dashed = f"{acct[:4]}-{acct[4:8]}-{acct[8:]}"
    assert post_user(Client(), dashed, "alice", PASSWORD).status_code == 302


def test_user_of_another_account_cannot_sign_in_here(alice: Principal, outsider: Principal) -> None:
    response = post_user(Client(), outsider.account_id, "alice", PASSWORD)
    assert INCORRECT in response.content.decode()


def test_user_without_console_access_cannot_sign_in(root_actor: Actor) -> None:
    services.create_user(actor=root_actor, name="robot")
    response = post_user(Client(), root_actor.account.id, "robot", "")
    assert response.status_code == 200
    response = post_user(Client(), root_actor.account.id, "robot", "anything-1A")
    assert INCORRECT in response.content.decode()


def test_per_account_sign_in_url_prefills_the_account(alice: Principal) -> None:
    page = Client().get(f"/signin/{alice.account_id}/").content.decode()
    assert f'value="{alice.account_id}"' in page


def test_repeated_failures_are_throttled_even_with_the_right_password(alice: Principal) -> None:
    client = Client()
    for _ in range(5):
        post_user(client, alice.account_id, "alice", "wrong-Password-1")
    response = post_user(client, alice.account_id, "alice", PASSWORD)
    assert "Too many failed sign-in attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_failures_from_one_address_are_throttled_across_users(alice: Principal) -> None:
    client = Client()
    for i in range(30):
        post_user(client, alice.account_id, f"nobody{i}", "wrong-Password-1")
    response = post_user(client, alice.account_id, "alice", PASSWORD)
    assert "Too many failed sign-in attempts" in response.content.decode()


def test_sign_in_and_failures_are_audited(alice: Principal) -> None:
    post_user(Client(), alice.account_id, "alice", "wrong-Password-1")
    post_user(Client(), alice.account_id, "alice", PASSWORD)
    outcomes = list(
        AuditEvent.objects.filter(action="signin:ConsoleLogin", actor_arn=alice.arn)
        .order_by("id")
        .values_list("outcome", flat=True)
    )
    assert outcomes == ["failed", "allowed"]


def test_sign_in_form_shows_missing_fields_beside_them(db: None) -> None:
    response = Client().post("/signin/", {"kind": "user", "account": ""})
    assert "Enter your account ID or account alias." in response.content.decode()


def test_sign_out_ends_the_session(root_client: Client) -> None:
    root_client.post("/signout/")
    assert root_client.get("/").status_code == 302


@pytest.fixture
def reset_user(root_actor: Actor) -> Principal:
    user = services.create_user_with_access(
        actor=root_actor,
        new=services.NewUser(
            name="newbie", console_password=PASSWORD, password_reset_required=True
        ),
    )
    # As the API's CreateLoginProfile leaves it: a reset required and no IAMUserChangePassword
    # (the console's wizard attaches it).
    policy_services.detach_user_policy(
        actor=root_actor, user=user, policy=policy_services.attachable_policy(
            root_actor, "arn:aws:iam::aws:policy/IAMUserChangePassword"
        ),
    )  # fmt: skip
    return user


def test_user_who_must_reset_reaches_no_page_before_a_new_password(reset_user: Principal) -> None:
    client = Client()
    post_user(client, reset_user.account_id, "newbie", PASSWORD)
    response = client.get("/")
    assert response["Location"] == "/signin/new-password/"


def test_forced_reset_needs_the_old_password_and_matching_new_ones(
    reset_user: Principal, root_actor: Actor
) -> None:
    services.delete_account_password_policy(actor=root_actor)
    client = Client()
    client.force_login(reset_user)
    response = client.post(
        "/signin/new-password/",
        {"old_password": "wrong", "new_password": "Brand-New-Pass1", "confirm_password": "x"},
    )
    page = response.content.decode()
    assert "The passwords do not match." in page
    response = client.post(
        "/signin/new-password/",
        {
            "old_password": "wrong",
            "new_password": "Brand-New-Pass1",
            "confirm_password": "Brand-New-Pass1",
        },
    )
    assert response.status_code == 200
    reset_user.refresh_from_db()
    assert reset_user.password_reset_required
    assert reset_user.check_password(PASSWORD)


def test_forced_reset_applies_the_account_password_rules(
    reset_user: Principal, root_actor: Actor
) -> None:
    from accounts.passwords import Rules

    services.update_account_password_policy(
        actor=root_actor, rules=Rules(custom=True, minimum_length=12, allow_users_to_change=True)
    )
    client = Client()
    client.force_login(reset_user)
    response = client.post(
        "/signin/new-password/",
        {
            "old_password": PASSWORD,
            "new_password": "Short-Pass1",
            "confirm_password": "Short-Pass1",
        },
    )
    assert "Password must be at least 12 characters." in response.content.decode()
    reset_user.refresh_from_db()
    assert reset_user.password_reset_required


def test_without_change_permission_a_user_cannot_reset(reset_user: Principal) -> None:
    # No custom password policy, no IAMUserChangePassword: AWS refuses the change.
    client = Client()
    client.force_login(reset_user)
    response = client.post(
        "/signin/new-password/",
        {
            "old_password": PASSWORD,
            "new_password": "Brand-New-Pass1",
            "confirm_password": "Brand-New-Pass1",
        },
    )
    assert "is not authorized to perform: iam:ChangePassword" in response.content.decode()


def test_allowed_reset_clears_the_flag_and_keeps_the_session(
    reset_user: Principal, root_actor: Actor
) -> None:
    from accounts.passwords import Rules

    services.update_account_password_policy(
        actor=root_actor, rules=Rules(custom=True, allow_users_to_change=True)
    )
    client = Client()
    client.force_login(reset_user)
    response = client.post(
        "/signin/new-password/",
        {
            "old_password": PASSWORD,
            "new_password": "Brand-New-Pass1",
            "confirm_password": "Brand-New-Pass1",
        },
    )
    assert response["Location"] == "/"
    reset_user.refresh_from_db()
    assert not reset_user.password_reset_required
    assert reset_user.check_password("Brand-New-Pass1")
    assert client.get("/").status_code == 200
