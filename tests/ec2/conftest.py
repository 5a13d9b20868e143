"""EC2 fixtures: a role that EC2 may assume, with its instance profile, and users with
inline policies."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pytest_django import Settings

from accounts.models import Principal, Role
from domain import iam as services
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor
from tests.api.conftest import (  # noqa: F401  (the live server's boto3 fixtures)
    _restore_aws_managed_policies,
    client_for,
    root_keys,
)


@pytest.fixture(autouse=True)
def _instant_transitions(settings: Settings) -> None:
    """pending -> running (and stopping -> stopped) at once, unless a test says otherwise."""
    settings.EC2_TRANSITION_SECONDS = 0


def allow(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


@pytest.fixture
def ec2_role(root_actor: Actor) -> Role:
    role = services.create_role_with_permissions(
        actor=root_actor,
        name="AppServer",
        trust_policy=services.service_trust_policy("ec2"),
        instance_profile=True,
    )
    policy_services.put_role_policy(
        actor=root_actor,
        role=role,
        name="ReadIam",
        document=allow(
            {"Effect": "Allow", "Action": ["iam:GetUser", "ec2:Describe*"], "Resource": "*"}
        ),
    )
    return role


def user_with(root_actor: Actor, name: str, document: str) -> Principal:
    user = services.create_user(actor=root_actor, name=name)
    policy_services.put_user_policy(actor=root_actor, user=user, name="Inline", document=document)
    return user
