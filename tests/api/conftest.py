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

# No retries: a test sees AWS's first answer, as the user would.
NO_RETRIES = Config(retries={"max_attempts": 1, "mode": "standard"})


@pytest.fixture
def client_for(live_server: Any) -> Callable[..., Any]:
    """boto3 clients of `service` signed with the given key, against the live server."""

    def make(key_id: str, secret: str, service: str = "iam", **kwargs: Any) -> Any:
        return boto3.client(
            service,
            endpoint_url=live_server.url,
            region_name="us-east-1",
            aws_access_key_id=key_id,
            aws_secret_access_key=secret,
            config=NO_RETRIES,
            **kwargs,
        )

    return make


@pytest.fixture
def root_keys(root_actor: Actor, root: Principal) -> tuple[str, str]:
    new = services.create_access_key(actor=root_actor, user=root)
    return new.key.access_key_id, new.secret


@pytest.fixture
def root_iam(client_for: Callable[..., Any], root_keys: tuple[str, str]) -> Any:
    return client_for(*root_keys)
