"""What keeps the busiest pages cheap (issue 15; figures in `make bench`, bench/goals.py):
the simulator's htmx run reads no entity list, a policy's summary is built once per
document, and the Users table's rows (rendered in Python) read the same as the template's
and cost the same number of queries at any page size."""

from __future__ import annotations

import subprocess
import sys
from collections import OrderedDict
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import AccessKey, Principal
from console.flows import summary_cache
from domain import iam as services
from domain.iam import policy_listing, user_listing
from domain.kernel.actors import Actor


def test_an_htmx_simulator_run_does_not_read_the_entity_picker(
    root_client: Client, alice: Principal, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse(actor: Actor) -> list[tuple[str, str]]:
        raise AssertionError("the results partial read every user, group and role")

    monkeypatch.setattr(policy_listing, "attachable_entities", refuse)
    response = root_client.post(
        "/simulator/",
        {"run": "1", "entity": "user:alice", "actions": "s3:GetObject", "resources": "*"},
        headers={"HX-Request": "true"},
    )
    assert "implicitly denied" in response.content.decode()


def test_the_full_simulator_page_still_lists_the_entities(
    root_client: Client, alice: Principal
) -> None:
    page = root_client.get("/simulator/").content.decode()
    assert '<option value="user:alice" >User: alice</option>' in page


def test_a_policy_summary_is_built_once_per_document(
    root_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(summary_cache, "_local", OrderedDict())
    built: list[str] = []
    original = user_listing.policy_summary

    def counting(document: str) -> object:
        built.append(document)
        return original(document)

    monkeypatch.setattr(summary_cache, "policy_summary", counting)
    for _ in range(2):
        page = root_client.get("/policies/aws/AmazonS3ReadOnlyAccess/").content.decode()
        assert 'data-testid="policy-summary"' in page and "Amazon S3" in page
    other = root_client.get("/policies/aws/AmazonEC2ReadOnlyAccess/").content.decode()
    assert "Amazon S3" not in other.split("policy-summary")[1].split("</table>")[0]
    assert len(built) == 2  # one per document, not per request


def test_the_summary_is_shared_between_processes_through_the_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    document = (
        '{"Version":"2012-10-17","Statement":'
        '[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}'
    )
    first = summary_cache.summary_table(document)
    monkeypatch.setattr(summary_cache, "_local", OrderedDict())  # another worker
    monkeypatch.setattr(summary_cache, "policy_summary", lambda document: [])
    assert summary_cache.summary_table(document) == first


def test_users_rows_show_every_column_and_queries_do_not_grow_with_the_page(
    root_client: Client, root_actor: Actor, alice: Principal
) -> None:
    group = services.create_group(actor=root_actor, name="Dev+Ops")
    services.add_user_to_group(actor=root_actor, group=group, user=alice)
    AccessKey.objects.create(
        principal=alice,
        access_key_id="AKIAEXAMPLE000000001",
        secret_encrypted="x",
        last_used_at=timezone.now() - timedelta(hours=5),
    )
    every = [
        "path", "groups", "last_activity", "mfa", "password_age", "console_last_sign_in",
        "access_key_id", "active_key_age", "access_key_last_used", "arn", "creation_time",
        "console_access",
    ]  # fmt: skip
    root_client.post("/preferences/users/", {"page_size": "10", "column": every})
    page = root_client.get("/users/").content.decode()
    row = page.split('data-testid="user-row-alice"')[1].split("</tr>")[0]
    for text in (
        '<a href="/users/details/alice/">alice</a>',
        "<td>Dev+Ops</td>",
        "5\xa0hours ago</time>",
        "<div>AKIAEXAMPLE000000001 (Active)</div>",
        "<td>0 days</td>",
        f"arn:aws:iam::{root_actor.account.id}:user/alice",
        "<td>Enabled</td>",
    ):
        assert text in row
    with CaptureQueriesContext(connection) as few:
        root_client.get("/users/")
    for n in range(12):
        services.create_user(actor=root_actor, name=f"user{n}")
    with CaptureQueriesContext(connection) as many:
        root_client.get("/users/")
    assert len(many) == len(few)


def test_redis_keeps_the_sessions_when_it_is_configured() -> None:
    code = "from django.conf import settings; print(settings.SESSION_ENGINE)"
    env = {"DJANGO_SETTINGS_MODULE": "iamconsole.settings", "REDIS_URL": "redis://127.0.0.1:1/0"}
    out = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        env=env | {"PATH": "/usr/bin:/bin", "SECRET_KEY": "x"},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert out == "django.contrib.sessions.backends.cache"
