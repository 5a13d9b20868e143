"""console.flows.show_once: a secret waits encrypted, is delivered once per use in order, and is
forgotten on leave, after its last use or after its time to live."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.http import HttpRequest
from django.test import RequestFactory
from django.utils import timezone
from pytest_django import Settings

from console.flows import show_once

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
KIND = show_once.ACCESS_KEY


@pytest.fixture
def request_(db: None) -> HttpRequest:
    request = RequestFactory().get("/")
    request.session = SessionStore()
    return request


def stash(request: HttpRequest, **options: object) -> None:
    show_once.stash(request, KIND, 7, {"id": "AKIAEXAMPLE", "secret": SECRET}, **options)  # type: ignore[arg-type]


def test_the_secret_waits_encrypted_even_in_the_saved_session(request_: HttpRequest) -> None:
    stash(request_)
    request_.session.save()
    saved = SessionStore(session_key=request_.session.session_key).load()
    assert SECRET not in json.dumps(saved)
    assert show_once.peek(request_, KIND, 7) == {"id": "AKIAEXAMPLE", "secret": SECRET}


def test_the_page_then_the_csv_each_get_it_once(request_: HttpRequest) -> None:
    stash(request_)
    assert show_once.take(request_, KIND, 7, show_once.PAGE)["secret"] == SECRET  # type: ignore[index]
    assert show_once.take(request_, KIND, 7, show_once.PAGE) is None
    assert show_once.can_take(request_, KIND, 7, show_once.CSV)
    assert show_once.take(request_, KIND, 7, show_once.CSV)["secret"] == SECRET  # type: ignore[index]
    assert show_once.take(request_, KIND, 7, show_once.CSV) is None
    assert show_once.peek(request_, KIND, 7) is None
    assert show_once.SESSION_KEY not in request_.session


def test_the_download_closes_the_page(request_: HttpRequest) -> None:
    stash(request_)
    assert show_once.take(request_, KIND, 7, show_once.CSV) is not None
    assert show_once.take(request_, KIND, 7, show_once.PAGE) is None


def test_another_owner_or_kind_gets_nothing(request_: HttpRequest) -> None:
    stash(request_)
    assert show_once.take(request_, KIND, 8, show_once.PAGE) is None
    assert show_once.take(request_, show_once.ROOT_ACCESS_KEY, 7, show_once.PAGE) is None


def test_it_is_gone_after_its_time_to_live(
    request_: HttpRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    stash(request_)
    later = timezone.now() + show_once.TTL + timedelta(seconds=1)
    monkeypatch.setattr(show_once, "_now", lambda: later)
    assert show_once.take(request_, KIND, 7, show_once.PAGE) is None
    assert show_once.SESSION_KEY not in request_.session


def test_peek_spends_nothing_and_forget_drops_it(request_: HttpRequest) -> None:
    show_once.stash(request_, show_once.MFA_SEED, 7, {"secret": "JBSWY3DP"}, uses=[])
    assert show_once.peek(request_, show_once.MFA_SEED, 7) == {"secret": "JBSWY3DP"}
    assert show_once.peek(request_, show_once.MFA_SEED, 7) == {"secret": "JBSWY3DP"}
    show_once.forget(request_, show_once.MFA_SEED, 7)
    assert show_once.peek(request_, show_once.MFA_SEED, 7) is None


def test_forgetting_a_kind_forgets_every_owner_of_it_only(request_: HttpRequest) -> None:
    show_once.stash(request_, show_once.NEW_USER_PASSWORD, "w1", {"password": "a"})
    show_once.stash(request_, show_once.NEW_USER_PASSWORD, "w2", {"password": "b"})
    stash(request_)
    show_once.forget(request_, show_once.NEW_USER_PASSWORD)
    assert show_once.peek(request_, show_once.NEW_USER_PASSWORD, "w1") is None
    assert show_once.peek(request_, show_once.NEW_USER_PASSWORD, "w2") is None
    assert show_once.peek(request_, KIND, 7) is not None


def test_a_newer_secret_for_the_same_owner_replaces_the_older(request_: HttpRequest) -> None:
    stash(request_)
    show_once.stash(request_, KIND, 7, {"id": "AKIANEWER", "secret": "newer"})
    assert show_once.take(request_, KIND, 7, show_once.PAGE) == {
        "id": "AKIANEWER",
        "secret": "newer",
    }


def test_a_session_holds_a_bounded_number_of_secrets(request_: HttpRequest) -> None:
    for owner in range(show_once.MAX_SECRETS + 3):
        show_once.stash(request_, KIND, owner, {"secret": str(owner)})
    assert len(request_.session[show_once.SESSION_KEY]) == show_once.MAX_SECRETS
    assert show_once.peek(request_, KIND, 0) is None
    assert show_once.peek(request_, KIND, show_once.MAX_SECRETS + 2) == {
        "secret": str(show_once.MAX_SECRETS + 2)
    }


def test_a_secret_under_a_removed_key_is_simply_gone(
    request_: HttpRequest, settings: Settings
) -> None:
    settings.FIELD_ENCRYPTION_KEYS = ["removed-key"]
    stash(request_)
    settings.FIELD_ENCRYPTION_KEYS = ["other-key"]
    settings.SECRET_KEY = "a-different-secret-key-" + "z" * 30
    assert show_once.take(request_, KIND, 7, show_once.PAGE) is None
