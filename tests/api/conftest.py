"""boto3 and the AWS CLI against a live server: root's keys, and clients made from any key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import boto3
import pytest
from botocore.config import Config

from accounts.models import Principal
from domain import iam as services
from domain.kernel.actors import Actor
from policies.models import ManagedPolicy, PolicyVersion
from policies.sync import sync_managed_policies

# No retries: a test sees AWS's first answer, as the user would.
NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"})


@pytest.fixture(scope="module", autouse=True)
def _restore_aws_managed_policies(django_db_blocker: Any) -> Any:
    """Live-server tests flush the database, AWS managed policies included: put them back
    for the tests that run after this module in the same worker."""
    yield
    with django_db_blocker.unblock():
        if not ManagedPolicy.objects.filter(account__isnull=True).exists():
            sync_managed_policies(ManagedPolicy, PolicyVersion)


@pytest.fixture
def client_for(live_server: Any) -> Callable[..., Any]:
    """boto3 clients of `service` signed with the given key, against the live server."""

    def make(key_id: str, secret: str, service: str = "iam", **kwargs: Any) -> Any:
        return boto3.client(
            service,
            endpoint_url=live_server.url,
            aws_access_key_id=key_id,
            aws_secret_access_key=secret,
            **({"config": NO_RETRIES, "region_name": "us-east-1"} | kwargs),
        )

    return make


@pytest.fixture
def root_keys(root_actor: Actor, root: Principal) -> tuple[str, str]:
    new = services.create_access_key(actor=root_actor, user=root)
    return new.key.access_key_id, new.secret


@pytest.fixture
def root_iam(client_for: Callable[..., Any], root_keys: tuple[str, str]) -> Any:
    return client_for(*root_keys)


def http(
    url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, str]:
    """A plain HTTP call (urllib): the status and the body, errors included."""
    import urllib.error
    import urllib.request

    request = urllib.request.Request(url, data=data, headers=headers or {})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
