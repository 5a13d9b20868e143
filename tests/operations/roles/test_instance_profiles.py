"""Instance profiles one AWS action at a time: create, add a role (one at most, PassRole to
EC2 checked), remove it, delete the empty profile, tags."""

from __future__ import annotations

import json

import pytest

from accounts.models import AuditEvent, InstanceProfile, Principal, Role
from domain import iam as services
from domain.iam import policies as policy_services
from domain.iam import roles
from domain.kernel.actors import Actor, system_actor
from domain.kernel.errors import AccessDenied, DeleteConflict, LimitExceeded, NoSuchEntity


def make_role(actor: Actor, name: str) -> Role:
    return services.create_role(
        actor=actor, name=name, trust_policy=roles.service_trust_policy("ec2")
    )


def test_a_profile_holds_one_role_as_aws_quota_says(root_actor: Actor) -> None:
    profile = services.create_instance_profile(actor=root_actor, name="web", path="/app/")
    assert profile.arn == f"arn:aws:iam::{root_actor.account.id}:instance-profile/app/web"
    assert profile.unique_id.startswith("AIPA")
    first, second = make_role(root_actor, "first"), make_role(root_actor, "second")
    services.add_role_to_instance_profile(actor=root_actor, profile=profile, role=first)
    with pytest.raises(LimitExceeded) as caught:
        services.add_role_to_instance_profile(actor=root_actor, profile=profile, role=second)
    assert caught.value.message == "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1"
    assert InstanceProfile.objects.get(pk=profile.pk).role == first


def test_a_profile_with_a_role_cannot_be_deleted_until_the_role_is_removed(
    root_actor: Actor,
) -> None:
    profile = services.create_instance_profile(actor=root_actor, name="web")
    role = make_role(root_actor, "web-role")
    services.add_role_to_instance_profile(actor=root_actor, profile=profile, role=role)
    with pytest.raises(DeleteConflict) as caught:
        services.delete_instance_profile(actor=root_actor, profile=profile)
    assert caught.value.message == (
        "Cannot delete entity, must remove roles from instance profile first."
    )
    services.remove_role_from_instance_profile(actor=root_actor, profile=profile, role=role)
    services.delete_instance_profile(actor=root_actor, profile=profile)
    assert not InstanceProfile.objects.exists()
    assert AuditEvent.objects.filter(action="iam:RemoveRoleFromInstanceProfile").count() == 1
    deletes = AuditEvent.objects.filter(action="iam:DeleteInstanceProfile")
    assert list(deletes.order_by("id").values_list("outcome", "error_code")) == [
        ("failed", "DeleteConflict"),
        ("allowed", ""),
    ]


def test_removing_a_role_the_profile_does_not_hold_is_no_such_entity(root_actor: Actor) -> None:
    profile = services.create_instance_profile(actor=root_actor, name="web")
    with pytest.raises(NoSuchEntity):
        services.remove_role_from_instance_profile(
            actor=root_actor, profile=profile, role=make_role(root_actor, "other")
        )


def test_adding_a_role_needs_pass_role_to_ec2(root_actor: Actor, alice: Principal) -> None:
    profile = services.create_instance_profile(actor=root_actor, name="web")
    role = make_role(root_actor, "web-role")
    policy_services.put_user_policy(
        actor=root_actor,
        user=alice,
        name="profiles",
        document=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Effect": "Allow", "Action": "iam:AddRoleToInstanceProfile", "Resource": "*"}
                ],
            }
        ),
    )
    with pytest.raises(AccessDenied) as caught:
        services.add_role_to_instance_profile(actor=system_actor(alice), profile=profile, role=role)
    assert "iam:PassRole" in caught.value.message
    assert InstanceProfile.objects.get(pk=profile.pk).role is None


def test_the_console_delete_role_runs_the_profile_writers(root_actor: Actor) -> None:
    role = services.create_role_with_permissions(
        actor=root_actor,
        name="EC2-Role",
        trust_policy=roles.service_trust_policy("ec2"),
        instance_profile=True,
    )
    other = services.create_instance_profile(actor=root_actor, name="other")
    services.add_role_to_instance_profile(actor=root_actor, profile=other, role=role)
    services.delete_role_with_dependents(actor=root_actor, role=role)
    # The same-named profile goes with the role; the other one only loses it.
    assert [(p.name, p.role) for p in InstanceProfile.objects.all()] == [("other", None)]


def test_readers_list_and_find_profiles_and_their_tags(root_actor: Actor) -> None:
    services.create_instance_profile(actor=root_actor, name="b", path="/x/")
    services.create_instance_profile(actor=root_actor, name="a", tags=[("k", "v")])
    assert [p.name for p in roles.list_instance_profiles(root_actor)] == ["a", "b"]
    assert [p.name for p in roles.list_instance_profiles(root_actor, path_prefix="/x/")] == ["b"]
    found = roles.get_instance_profile(root_actor, "A")
    assert roles.list_instance_profile_tags(root_actor, found) == [{"Key": "k", "Value": "v"}]
    services.untag_instance_profile(actor=root_actor, profile=found, keys=["k"])
    services.tag_instance_profile(actor=root_actor, profile=found, tags=[("n", "1")])
    assert InstanceProfile.objects.get(name="a").tags == [{"Key": "n", "Value": "1"}]
    with pytest.raises(NoSuchEntity):
        roles.get_instance_profile(root_actor, "missing")
