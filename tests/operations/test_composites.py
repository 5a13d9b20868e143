"""Composite flows (the console's multi-call steps) decide every call first, each once, and
then write through the same writers: a refusal of a later call leaves nothing written."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any
from unittest import mock

import pytest

from accounts.models import AuditEvent, Group, InstanceProfile, Principal, Role
from domain import iam as services
from domain.iam import policies as policy_services
from domain.kernel import authorization
from domain.kernel.actors import Actor
from domain.kernel.errors import AccessDenied
from policies.engine import Decision, evaluate
from policies.engine.evaluate import PolicyLike
from policies.models import ManagedPolicy, PolicyAttachment

pytestmark = pytest.mark.django_db

TRUST_EC2 = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Service": "ec2.amazonaws.com"},
                "Action": "sts:AssumeRole",
            }
        ],
    }
)


def aws_policy(name: str) -> ManagedPolicy:
    return ManagedPolicy.objects.get(account__isnull=True, name=name)


def admin_denied(root_actor: Actor, *denied: str) -> Actor:
    """An IAM user allowed every IAM and STS action except `denied`."""
    statements: list[dict[str, object]] = [
        {"Effect": "Allow", "Action": ["iam:*"], "Resource": "*"}
    ]
    if denied:
        statements.append({"Effect": "Deny", "Action": list(denied), "Resource": "*"})
    admin = services.create_user(actor=root_actor, name="admin")
    policy_services.put_user_policy(
        actor=root_actor,
        user=admin,
        name="Admin",
        document=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )
    return Actor(principal=admin)


@contextmanager
def decisions() -> Iterator[Counter[str]]:
    """Counts the engine's decisions by action while the block runs."""
    seen: Counter[str] = Counter()
    real = evaluate  # what authorization calls, until patched below

    def counting(
        policies: Mapping[str, Sequence[PolicyLike]], request: Mapping[str, Any]
    ) -> Decision:
        seen[request["action"]] += 1
        return real(policies, request)

    with mock.patch.object(authorization, "evaluate", side_effect=counting):
        yield seen


def allowed_rows(actor: Actor) -> Counter[str]:
    rows = AuditEvent.objects.filter(actor_arn=actor.arn, outcome=AuditEvent.Outcome.ALLOWED)
    return Counter(rows.values_list("action", flat=True))


def new_user(**extra: object) -> services.NewUser:
    fields: dict[str, object] = {
        "name": "newbie",
        "console_password": "Correct-Horse-9",
        "password_reset_required": False,
        "policies": [aws_policy("ReadOnlyAccess")],
        "boundary": aws_policy("PowerUserAccess"),
        "tags": [("team", "blue")],
    }
    return services.NewUser(**(fields | extra))  # type: ignore[arg-type]


# --- the Create user wizard -------------------------------------------------------------


def test_the_wizard_decides_and_records_each_call_once(root_actor: Actor) -> None:
    group = services.create_group(actor=root_actor, name="devs")
    actor = admin_denied(root_actor)
    with decisions() as seen:
        services.create_user_with_access(actor=actor, new=new_user(groups=[group]))
    expected = {
        "iam:CreateUser": 1,
        "iam:CreateLoginProfile": 1,
        "iam:AddUserToGroup": 1,
        "iam:AttachUserPolicy": 1,
        "iam:PutUserPermissionsBoundary": 1,
        "iam:TagUser": 1,
    }
    assert dict(seen) == expected
    assert dict(allowed_rows(actor)) == expected


def test_a_refused_tag_in_the_wizard_creates_nothing(root_actor: Actor) -> None:
    group = services.create_group(actor=root_actor, name="devs")
    actor = admin_denied(root_actor, "iam:TagUser")
    with decisions() as seen, pytest.raises(AccessDenied):
        services.create_user_with_access(actor=actor, new=new_user(groups=[group]))
    assert not Principal.objects.filter(name="newbie").exists()
    assert not allowed_rows(actor)
    assert max(seen.values()) == 1


# --- Create group, Create role ----------------------------------------------------------


def test_create_group_with_members_decides_each_call_once_and_a_refusal_writes_nothing(
    root_actor: Actor, alice: Principal
) -> None:
    actor = admin_denied(root_actor)
    with decisions() as seen:
        services.create_group_with_members(
            actor=actor, name="devs", members=[alice], policies=[aws_policy("ReadOnlyAccess")]
        )
    assert seen == Counter(
        {"iam:CreateGroup": 1, "iam:AddUserToGroup": 1, "iam:AttachGroupPolicy": 1}
    )
    refused = admin_denied_again(root_actor, "iam:AttachGroupPolicy")
    with pytest.raises(AccessDenied):
        services.create_group_with_members(
            actor=refused, name="ops", members=[alice], policies=[aws_policy("ReadOnlyAccess")]
        )
    assert not Group.objects.filter(name="ops").exists()
    assert not allowed_rows(refused)


def admin_denied_again(root_actor: Actor, *denied: str) -> Actor:
    """A second admin (named admin2) with other denials."""
    statements = [
        {"Effect": "Allow", "Action": ["iam:*"], "Resource": "*"},
        {"Effect": "Deny", "Action": list(denied), "Resource": "*"},
    ]
    user = services.create_user(actor=root_actor, name="admin2")
    policy_services.put_user_policy(
        actor=root_actor,
        user=user,
        name="Admin",
        document=json.dumps({"Version": "2012-10-17", "Statement": statements}),
    )
    return Actor(principal=user)


def test_create_role_with_an_instance_profile_writes_nothing_when_pass_role_is_refused(
    root_actor: Actor,
) -> None:
    actor = admin_denied(root_actor, "iam:PassRole")
    with decisions() as seen, pytest.raises(AccessDenied):
        services.create_role_with_permissions(
            actor=actor,
            name="web",
            trust_policy=TRUST_EC2,
            policies=[aws_policy("ReadOnlyAccess")],
            instance_profile=True,
        )
    assert not Role.objects.filter(name="web").exists()
    assert not InstanceProfile.objects.filter(name="web").exists()
    assert not allowed_rows(actor)
    assert max(seen.values()) == 1


def test_create_role_with_an_instance_profile_records_each_call_once(root_actor: Actor) -> None:
    actor = admin_denied(root_actor)
    services.create_role_with_permissions(
        actor=actor,
        name="web",
        trust_policy=TRUST_EC2,
        policies=[aws_policy("ReadOnlyAccess")],
        instance_profile=True,
    )
    assert allowed_rows(actor) == Counter(
        {
            "iam:CreateRole": 1,
            "iam:AttachRolePolicy": 1,
            "iam:CreateInstanceProfile": 1,
            "iam:AddRoleToInstanceProfile": 1,
        }
    )
    assert InstanceProfile.objects.get(name="web").role == Role.objects.get(name="web")


# --- Add permissions to an existing user ------------------------------------------------


def test_copy_permissions_decides_each_call_once_and_a_refused_boundary_copies_nothing(
    root_actor: Actor, alice: Principal, bob: Principal
) -> None:
    group = services.create_group(actor=root_actor, name="devs")
    services.add_user_to_group(actor=root_actor, group=group, user=alice)
    policy_services.attach_user_policy(
        actor=root_actor, user=alice, policy=aws_policy("ReadOnlyAccess")
    )
    policy_services.put_user_policy(
        actor=root_actor,
        user=alice,
        name="Inline",
        document='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",'
        '"Resource":"*"}]}',
    )
    policy_services.put_user_permissions_boundary(
        actor=root_actor, user=alice, policy=aws_policy("PowerUserAccess")
    )
    refused = admin_denied(root_actor, "iam:PutUserPermissionsBoundary")
    with decisions() as seen, pytest.raises(AccessDenied):
        services.copy_user_permissions(actor=refused, user=bob, source=alice)
    assert max(seen.values()) == 1
    assert not PolicyAttachment.objects.filter(user=bob).exists()
    assert not bob.iam_groups.exists()
    assert not allowed_rows(refused)

    allowed = admin_denied_again(root_actor, "iam:CreateAccessKey")
    with decisions() as seen:
        services.copy_user_permissions(actor=allowed, user=bob, source=alice)
    assert seen == Counter(
        {
            "iam:AddUserToGroup": 1,
            "iam:AttachUserPolicy": 1,
            "iam:PutUserPolicy": 1,
            "iam:PutUserPermissionsBoundary": 1,
        }
    )
    assert allowed_rows(allowed) == seen


# --- Delete the console's way -------------------------------------------------------------


def test_deleting_a_group_the_console_way_writes_nothing_when_a_detach_is_refused(
    root_actor: Actor, alice: Principal
) -> None:
    group = services.create_group_with_members(
        actor=root_actor, name="devs", members=[alice], policies=[aws_policy("ReadOnlyAccess")]
    )
    actor = admin_denied(root_actor, "iam:DetachGroupPolicy")
    with decisions() as seen, pytest.raises(AccessDenied):
        services.delete_group_with_dependents(actor=actor, group=group)
    assert max(seen.values()) == 1
    assert Group.objects.filter(pk=group.pk).exists()
    assert alice.iam_groups.filter(pk=group.pk).exists()
    assert not allowed_rows(actor)


def test_deleting_a_role_the_console_way_writes_nothing_when_an_inline_delete_is_refused(
    root_actor: Actor,
) -> None:
    role = services.create_role_with_permissions(
        actor=root_actor,
        name="web",
        trust_policy=TRUST_EC2,
        policies=[aws_policy("ReadOnlyAccess")],
        instance_profile=True,
    )
    policy_services.put_role_policy(
        actor=root_actor,
        role=role,
        name="Inline",
        document='{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*",'
        '"Resource":"*"}]}',
    )
    actor = admin_denied(root_actor, "iam:DeleteRolePolicy")
    with decisions() as seen, pytest.raises(AccessDenied):
        services.delete_role_with_dependents(actor=actor, role=role)
    assert max(seen.values()) == 1
    assert Role.objects.filter(pk=role.pk).exists()
    assert InstanceProfile.objects.filter(role=role).exists()
    assert PolicyAttachment.objects.filter(role=role).exists()
    assert not allowed_rows(actor)


def test_deleting_a_user_the_console_way_writes_nothing_when_a_detach_is_refused(
    root_actor: Actor, alice: Principal
) -> None:
    policy_services.attach_user_policy(
        actor=root_actor, user=alice, policy=aws_policy("ReadOnlyAccess")
    )
    services.create_access_key(actor=root_actor, user=alice)
    actor = admin_denied(root_actor, "iam:DetachUserPolicy")
    with decisions() as seen, pytest.raises(AccessDenied):
        services.delete_user_with_dependents(actor=actor, user=alice)
    assert max(seen.values()) == 1
    assert Principal.objects.filter(pk=alice.pk).exists()
    assert alice.access_keys.count() == 1
    assert not allowed_rows(actor)
