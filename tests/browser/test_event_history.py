"""CloudTrail → Event history in a browser: a denied click shows up, filtered, with its record."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from playwright.sync_api import Page, expect

from accounts.models import Principal
from tests.browser.test_groups_and_access_keys import sign_in_as_root

pytestmark = pytest.mark.browser


def test_root_filters_the_event_history_and_opens_a_record(
    page: Page, root: Principal, alice: Principal
) -> None:
    alice_client = Client()
    alice_client.force_login(alice)
    alice_client.post("/groups/create/", {"name": "Denied"})  # alice may not: AccessDenied

    sign_in_as_root(page)
    page.get_by_role("link", name="Event history").click()
    expect(page.get_by_role("heading", name="Event history")).to_be_visible()
    page.get_by_label("Lookup attributes").select_option("EventName")
    page.get_by_label("Value").fill("CreateGroup")
    page.get_by_role("button", name="Apply").click()

    rows = page.get_by_test_id("event-row")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("CreateGroup")
    expect(rows.first).to_contain_text("AccessDenied")
    rows.first.get_by_text("CreateGroup", exact=True).click()  # expands the row's record
    record = rows.first.get_by_test_id("event-json")
    expect(record).to_be_visible()
    data = json.loads(record.inner_text())
    assert data["userIdentity"]["userName"] == "alice"
    assert data["errorCode"] == "AccessDenied"
    assert data["eventSource"] == "iam.amazonaws.com"
