"""IAM_API_AUTH=off's documented deviation: the test account's root (an Actor only that door
builds) may assume a role whose trust policy allows it; every other root is refused, as AWS
refuses it."""

from __future__ import annotations

import json

import pytest

from accounts.models import Role
from domain import iam as services
from domain.iam import sts, test_account
from domain.kernel.actors import Actor
from domain.kernel.errors import AccessDenied


def trust(principal: object) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}],
        }
    )


def role(actor: Actor, name: str, principal: object) -> Role:
    return services.create_role(actor=actor, name=name, trust_policy=trust(principal))


@pytest.fixture
def test_root(db: object) -> Actor:
    return test_account.test_root_actor()


@pytest.mark.parametrize(
    "principal",
    [
        {"AWS": "123456789012"},
        {"AWS": "arn:aws:iam::123456789012:root"},
        {"AWS": "*"},
        "*",
    ],
)
def test_the_test_accounts_root_assumes_a_role_its_trust_policy_allows(
    test_root: Actor, principal: object
) -> None:
    target = role(test_root, "ci-role", principal)
    assumed = sts.assume_role(actor=test_root, role_arn=target.arn, role_session_name="ci")
    assert assumed.arn == "arn:aws:sts::123456789012:assumed-role/ci-role/ci"
    assert assumed.credentials.access_key_id.startswith("ASIA")


def test_the_trust_policy_still_decides_in_test_mode(test_root: Actor) -> None:
    target = role(test_root, "other-trust", {"AWS": "arn:aws:iam::111122223333:root"})
    with pytest.raises(AccessDenied, match="not authorized to perform: sts:AssumeRole"):
        sts.assume_role(actor=test_root, role_arn=target.arn, role_session_name="ci")


def test_the_test_accounts_root_without_the_test_door_is_refused_as_aws_refuses(
    test_root: Actor,
) -> None:
    target = role(test_root, "ci-role", {"AWS": "123456789012"})
    plain_root = Actor(principal=test_root.principal, via="api")
    with pytest.raises(AccessDenied, match="Roles may not be assumed by root accounts."):
        sts.assume_role(actor=plain_root, role_arn=target.arn, role_session_name="ci")
