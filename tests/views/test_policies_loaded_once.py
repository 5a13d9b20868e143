"""An IAM user's applicable policies are loaded once per request, whatever the number of
decisions a page makes (the Actor carries them for the request)."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import Principal
from domain.iam import policies as policy_services
from domain.kernel import attachments
from domain.kernel.actors import Actor
from policies.models import ManagedPolicy

pytestmark = pytest.mark.django_db


@pytest.fixture
def reader(root_actor: Actor, alice: Principal) -> Principal:
    """alice with IAMReadOnlyAccess and an inline policy: every read is allowed."""
    read_only = ManagedPolicy.objects.get(account__isnull=True, name="IAMReadOnlyAccess")
    policy_services.attach_user_policy(actor=root_actor, user=alice, policy=read_only)
    policy_services.put_user_policy(
        actor=root_actor,
        user=alice,
        name="Extra",
        document='{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Action":"iam:GetAccountSummary","Resource":"*"}]}',
    )
    return alice


def _measure(client: Client, url: str) -> tuple[int, int]:
    # The first page after sign-in also does one-off work (the role history read into the
    # session, the session saved); measure a page as every later visit costs it.
    assert client.get(url).status_code == 200
    with (
        mock.patch.object(attachments, "policies_for", wraps=attachments.policies_for) as loads,
        CaptureQueriesContext(connection) as queries,
    ):
        response = client.get(url)
    assert response.status_code == 200
    return loads.call_count, len(queries.captured_queries)


def test_the_user_page_loads_the_readers_policies_once(
    reader: Principal, alice_client: Client, bob: Principal
) -> None:
    loads, queries = _measure(alice_client, f"/users/details/{bob.name}/")
    # Four decisions (GetUser, the permissions, groups and keys reads); was 4 loads, 17 queries.
    assert loads == 1
    assert queries <= 11


def test_the_dashboard_loads_the_readers_policies_once(
    reader: Principal, alice_client: Client
) -> None:
    loads, queries = _measure(alice_client, "/")
    # Was 4 loads, 23 queries; the event history adds one INSERT per recorded call.
    assert loads == 1
    assert queries <= 18


def test_a_policy_attached_during_the_request_counts_for_the_next_decision(
    root_actor: Actor, alice: Principal
) -> None:
    from domain.kernel.authorization import is_allowed

    actor = Actor(principal=alice)
    assert not is_allowed(actor, "iam:ListUsers", "*")
    read_only = ManagedPolicy.objects.get(account__isnull=True, name="IAMReadOnlyAccess")
    policy_services.attach_user_policy(actor=root_actor, user=alice, policy=read_only)
    assert is_allowed(actor, "iam:ListUsers", "*")
    policy_services.detach_user_policy(actor=root_actor, user=alice, policy=read_only)
    assert not is_allowed(actor, "iam:ListUsers", "*")
