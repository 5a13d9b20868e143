"""Sign-in throttling that holds: not flushed, not sidestepped by spelling, not a lock-out
tool for strangers (issue 9, section 5)."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.models import AuditEvent, Principal, ThrottleCounter
from domain import iam as services
from domain.kernel import throttle
from domain.kernel.actors import Actor, system_actor
from tests.conftest import PASSWORD, make_account

TOO_MANY = "Too many failed sign-in attempts"
INCORRECT = "Your authentication information is incorrect."
HOME = "198.51.100.7"
STRANGER = "203.0.113.66"


def post_user(
    client: Client, account: str, username: str, password: str, address: str = STRANGER
) -> str:
    response = client.post(
        f"/signin/{account}/",
        {"account": account, "username": username, "password": password},
        REMOTE_ADDR=address,
    )
    return response.content.decode() if response.status_code == 200 else "signed in"


def post_root(client: Client, email: str, password: str, address: str = STRANGER) -> str:
    client.post("/signin/", {"kind": "root", "email": email}, REMOTE_ADDR=address)
    response = client.post("/signin/root/", {"password": password}, REMOTE_ADDR=address)
    return response.content.decode() if response.status_code == 200 else "signed in"


def lock(account: str, username: str, address: str = STRANGER) -> None:
    for _ in range(throttle.MAX_FAILURES_PER_PAIR):
        assert INCORRECT in post_user(Client(), account, username, "wrong-Password-1", address)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The throttle's clock, moved by hand instead of sleeping."""
    now = [1_900_000_000.0]
    monkeypatch.setattr(throttle, "_now", lambda: now[0])
    return now


def test_four_hundred_junk_failures_do_not_flush_a_locked_users_counter(alice: Principal) -> None:
    lock(alice.account_id, "alice")
    # 400 failures against 400 other names from 20 addresses (each under its own limit).
    for i in range(400):
        address = f"192.0.2.{i % 20 + 1}"
        post_user(Client(), alice.account_id, f"junk{i}", "wrong-Password-1", address)
    assert TOO_MANY in post_user(Client(), alice.account_id, "alice", PASSWORD)
    assert ThrottleCounter.objects.count() > 400


def test_the_lock_holds_for_fifteen_minutes_then_lifts(
    alice: Principal, clock: list[float]
) -> None:
    lock(alice.account_id, "alice")
    clock[0] += 14 * 60 + 59
    assert TOO_MANY in post_user(Client(), alice.account_id, "alice", PASSWORD)
    clock[0] += 2
    assert post_user(Client(), alice.account_id, "alice", PASSWORD) == "signed in"


def test_account_id_alias_and_hyphenated_id_share_one_counter(
    alice: Principal, root: Principal
) -> None:
    services.create_account_alias(actor=system_actor(root), alias="example-corp")
    acct = alice.account_id
    dashed = f"{acct[:4]}-{acct[4:8]}-{acct[8:]}"
    for ref in ("example-corp", "EXAMPLE-CORP", dashed, acct, "example-corp"):
        assert INCORRECT in post_user(Client(), ref, "Alice", "wrong-Password-1")
    for ref in (acct, dashed, "example-corp"):
        assert TOO_MANY in post_user(Client(), ref, "alice", PASSWORD)


def test_a_non_ascii_look_alike_name_is_a_plain_failure_even_on_postgresql(
    root_actor: Actor,
) -> None:
    # On PostgreSQL UPPER('ſıſı') = 'SISI': the old iexact lookup signed this in as sisi.
    services.create_user_with_access(
        actor=root_actor,
        new=services.NewUser(name="sisi", console_password=PASSWORD, password_reset_required=False),
    )
    account = root_actor.account.id
    lock(account, "sisi")
    assert INCORRECT in post_user(Client(), account, "ſıſı", PASSWORD)
    assert TOO_MANY in post_user(Client(), account, "SISI", PASSWORD)
    assert INCORRECT in post_user(Client(), account, "ſıſı", PASSWORD, address=HOME)


def test_a_look_alike_root_email_counts_against_the_same_root(db: None) -> None:
    make_account("root-p@sec.example", "Sec Corp")
    for _ in range(throttle.MAX_FAILURES_PER_PAIR):
        assert INCORRECT in post_root(Client(), "root-p@sec.example", "wrong-Password-1")
    # On PostgreSQL UPPER() folds ſ to S: this spelling used to reach the root unthrottled.
    assert TOO_MANY in post_root(Client(), "root-p@ſec.example", PASSWORD)
    assert TOO_MANY in post_root(Client(), "ROOT-P@SEC.EXAMPLE", PASSWORD)


def test_a_look_alike_email_cannot_sign_up_as_a_second_account(db: None) -> None:
    make_account("root-p@sec.example", "Sec Corp")
    form = {
        "email": "Root-P@ſec.example",
        "account_name": "Copy Corp",
        "password": "Strong-Pass-42",
        "confirm_password": "Strong-Pass-42",
    }
    response = Client().post("/signup/", form)
    assert "already exists" in response.content.decode()
    assert list(Principal.objects.filter(kind="root").values_list("email", flat=True)) == [
        "root-p@sec.example"
    ]


def test_a_stranger_cannot_lock_the_owner_out_of_their_own_network(alice: Principal) -> None:
    assert post_user(Client(), alice.account_id, "alice", PASSWORD, address=HOME) == "signed in"
    lock(alice.account_id, "alice", address=STRANGER)
    assert TOO_MANY in post_user(Client(), alice.account_id, "alice", PASSWORD, address=STRANGER)
    assert post_user(Client(), alice.account_id, "alice", PASSWORD, address=HOME) == "signed in"


def test_many_strangers_lock_new_addresses_out_but_not_the_owners_home_or_device(
    alice: Principal,
) -> None:
    device = Client()
    assert post_user(device, alice.account_id, "alice", PASSWORD, address=HOME) == "signed in"
    device.post("/signout/")
    failures = 0
    for n in range(1, 10):
        for _ in range(throttle.MAX_FAILURES_PER_PAIR):
            post_user(Client(), alice.account_id, "alice", "wrong-Password-1", f"192.0.2.{n}")
            failures += 1
    assert failures >= throttle.MAX_FAILURES_PER_IDENTITY
    # A new address without the device cookie meets the identity-wide lock ...
    assert TOO_MANY in post_user(Client(), alice.account_id, "alice", PASSWORD, "192.0.2.200")
    # ... the owner's known address and known device do not.
    assert post_user(Client(), alice.account_id, "alice", PASSWORD, address=HOME) == "signed in"
    assert post_user(device, alice.account_id, "alice", PASSWORD, "192.0.2.201") == "signed in"


def test_a_forged_known_device_cookie_does_not_pass(alice: Principal) -> None:
    for n in range(1, 6):
        for _ in range(throttle.MAX_FAILURES_PER_PAIR):
            post_user(Client(), alice.account_id, "alice", "wrong-Password-1", f"192.0.2.{n}")
    forger = Client()
    forger.cookies["iam_known_device"] = alice.unique_id
    assert TOO_MANY in post_user(forger, alice.account_id, "alice", PASSWORD, "192.0.2.100")


def test_the_per_address_limit_still_stops_spraying_across_names(alice: Principal) -> None:
    for i in range(throttle.MAX_FAILURES_PER_ADDRESS):
        post_user(Client(), alice.account_id, f"nobody{i}", "wrong-Password-1")
    assert TOO_MANY in post_user(Client(), alice.account_id, "alice", PASSWORD)
    assert post_user(Client(), alice.account_id, "alice", PASSWORD, address=HOME) == "signed in"


def test_failures_and_refusals_while_throttled_are_audited_once_per_window(
    alice: Principal,
) -> None:
    lock(alice.account_id, "alice")
    for _ in range(3):
        assert TOO_MANY in post_user(Client(), alice.account_id, "alice", PASSWORD)
    events = AuditEvent.objects.filter(action="signin:ConsoleLogin", actor_arn=alice.arn)
    codes = list(events.order_by("id").values_list("error_code", flat=True))
    assert codes == ["Failed authentication"] * 5 + ["Throttling"]
    refused = events.get(error_code="Throttling")
    assert refused.outcome == "failed" and refused.source_ip == STRANGER


def test_a_known_device_behind_a_sprayed_address_still_signs_in(alice: Principal) -> None:
    device = Client()
    assert post_user(device, alice.account_id, "alice", PASSWORD) == "signed in"
    device.post("/signout/")
    for i in range(throttle.MAX_FAILURES_PER_ADDRESS):
        post_user(Client(), alice.account_id, f"nobody{i}", "wrong-Password-1")
    assert TOO_MANY in post_user(Client(), alice.account_id, "alice", PASSWORD)
    assert post_user(device, alice.account_id, "alice", PASSWORD) == "signed in"
