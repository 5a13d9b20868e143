"""Requests refused before any operation ran (a bad signature, a deactivated key, an unknown
action) are events of the key owner's account with their errorCode; an unknown key records
nothing. None of them is the user's "Last activity" unless the request authenticated."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import botocore.auth
import botocore.awsrequest
import botocore.credentials
import pytest
from botocore.exceptions import ClientError
from pytest_django.live_server_helper import LiveServer

from accounts.models import AuditEvent, Principal
from domain import iam as services
from domain.iam import last_activity
from domain.kernel.actors import Actor
from tests.api.conftest import http

pytestmark = pytest.mark.django_db(transaction=True)


def refused(call: Callable[[], object]) -> str:
    with pytest.raises(ClientError) as caught:
        call()
    code: str = caught.value.response["Error"]["Code"]
    return code


def failures(principal: Principal) -> list[tuple[str, str, str]]:
    events = AuditEvent.objects.filter(account_id=principal.account_id, outcome="failed")
    return list(events.order_by("id").values_list("event_name", "error_code", "access_key_id"))


def test_a_bad_signature_or_a_deactivated_key_is_an_event_of_the_owner(
    client_for: Callable[..., Any], root_actor: Actor, alice: Principal
) -> None:
    new = services.create_access_key(actor=root_actor, user=alice)
    key_id = new.key.access_key_id
    assert refused(client_for(key_id, "x" * 40).list_users) == "SignatureDoesNotMatch"
    services.update_access_key(
        actor=root_actor, user=alice, access_key_id=key_id, status="Inactive"
    )
    assert refused(client_for(key_id, new.secret).get_user) == "InvalidClientTokenId"
    assert failures(alice) == [
        ("ListUsers", "SignatureDoesNotMatch", key_id),
        ("GetUser", "InvalidClientTokenId", key_id),
    ]
    event = AuditEvent.objects.get(error_code="SignatureDoesNotMatch")
    assert event.actor_arn == alice.arn and event.event_source == "iam.amazonaws.com"
    assert event.user_identity["type"] == "IAMUser"
    # Nobody authenticated as alice: not her last activity.
    assert last_activity.of_users([alice]) == {}


def test_an_unknown_key_records_nothing(
    client_for: Callable[..., Any], root_actor: Actor, alice: Principal
) -> None:
    before = AuditEvent.objects.count()
    unknown = client_for("AKIA" + "Z" * 16, "x" * 40)
    assert refused(unknown.list_users) == "InvalidClientTokenId"
    assert AuditEvent.objects.count() == before


def test_an_unknown_action_of_a_known_key_is_recorded_with_invalid_action(
    root_actor: Actor, alice: Principal, live_server: LiveServer
) -> None:
    new = services.create_access_key(actor=root_actor, user=alice)
    request = botocore.awsrequest.AWSRequest(
        method="POST",
        url=live_server.url + "/",
        data={"Action": "FlyToTheMoon", "Version": "2010-05-08"},
    )
    credentials = botocore.credentials.Credentials(new.key.access_key_id, new.secret)
    botocore.auth.SigV4Auth(credentials, "iam", "us-east-1").add_auth(request)
    prepared = request.prepare()
    body = prepared.body.encode() if isinstance(prepared.body, str) else prepared.body
    status, _ = http(prepared.url, data=body, headers=dict(prepared.headers))
    assert status == 400
    assert failures(alice) == [("FlyToTheMoon", "InvalidAction", new.key.access_key_id)]
    # The request authenticated as alice: that is activity.
    assert alice.arn in last_activity.of_users([alice])
