from __future__ import annotations

import pytest

from accounts.models import AuditEvent, Group, GroupMembership, Principal
from domain import iam as services
from domain.iam import groups as group_services
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor, system_actor
from domain.kernel.errors import AccessDenied, EntityAlreadyExists, LimitExceeded, NoSuchEntity
from policies.models import InlinePolicy, ManagedPolicy, PolicyAttachment

DOC = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'


def aws_policy(name: str) -> ManagedPolicy:
    return ManagedPolicy.objects.get(name=name, account=None)


def test_create_group_adds_members_and_attaches_policies_at_once(
    root_actor: Actor, alice: Principal, bob: Principal
) -> None:
    group = services.create_group_with_members(
        actor=root_actor,
        name="Developers",
        members=[alice, bob],
        policies=[aws_policy("PowerUserAccess"), aws_policy("IAMReadOnlyAccess")],
    )
    assert sorted(group.members.values_list("name", flat=True)) == ["alice", "bob"]
    assert sorted(
        PolicyAttachment.objects.filter(group=group).values_list("policy__name", flat=True)
    ) == ["IAMReadOnlyAccess", "PowerUserAccess"]
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))[-5:]
    assert actions == [
        "iam:CreateGroup",
        "iam:AddUserToGroup",
        "iam:AddUserToGroup",
        "iam:AttachGroupPolicy",
        "iam:AttachGroupPolicy",
    ]


def test_create_group_leaves_nothing_behind_when_a_member_is_over_quota(
    root_actor: Actor, alice: Principal, bob: Principal
) -> None:
    for i in range(10):
        services.create_group_with_members(actor=root_actor, name=f"g{i}", members=[bob])
    with pytest.raises(LimitExceeded, match="GroupsPerUser: 10") as error:
        services.create_group_with_members(
            actor=root_actor,
            name="Late",
            members=[alice, bob],
            policies=[aws_policy("IAMReadOnlyAccess")],
        )
    assert error.value.field == "members"
    assert not Group.objects.filter(name="Late").exists()
    assert not GroupMembership.objects.filter(principal=alice).exists()


def test_create_group_refuses_more_than_ten_policies(root_actor: Actor) -> None:
    eleven = list(ManagedPolicy.objects.filter(account=None).order_by("name")[:11])
    with pytest.raises(LimitExceeded, match="PoliciesPerGroup: 10"):
        services.create_group_with_members(actor=root_actor, name="Many", policies=eleven)
    assert not Group.objects.filter(name="Many").exists()


def test_create_group_refuses_another_accounts_user(root_actor: Actor, outsider: Principal) -> None:
    stranger = services.create_user(actor=system_actor(outsider), name="stranger")
    with pytest.raises(NoSuchEntity):
        services.create_group_with_members(actor=root_actor, name="Mixed", members=[stranger])
    assert not Group.objects.filter(name="Mixed").exists()


def test_the_account_may_hold_at_most_300_groups(
    root_actor: Actor, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(group_services, "MAX_GROUPS_PER_ACCOUNT", 2)
    services.create_group(actor=root_actor, name="one")
    services.create_group(actor=root_actor, name="two")
    with pytest.raises(LimitExceeded, match="GroupsPerAccount: 2"):
        services.create_group(actor=root_actor, name="three")
    assert Group.objects.filter(account=root_actor.account).count() == 2


def test_a_user_without_permission_cannot_create_a_group_and_it_is_audited(
    alice: Principal,
) -> None:
    with pytest.raises(AccessDenied, match="iam:CreateGroup"):
        services.create_group(actor=Actor(principal=alice), name="Nope")
    assert not Group.objects.filter(name="Nope").exists()
    assert AuditEvent.objects.filter(action="iam:CreateGroup", outcome="denied").exists()


def test_rename_keeps_id_and_members_and_refuses_a_taken_name(
    root_actor: Actor, alice: Principal
) -> None:
    group = services.create_group_with_members(actor=root_actor, name="Ops", members=[alice])
    services.create_group(actor=root_actor, name="Admins")
    unique_id = group.unique_id
    services.update_group(actor=root_actor, group=group, new_name="Operations")
    group.refresh_from_db()
    assert (group.name, group.unique_id) == ("Operations", unique_id)
    assert list(group.members.all()) == [alice]
    with pytest.raises(EntityAlreadyExists, match="Group with name admins already exists."):
        services.update_group(actor=root_actor, group=group, new_name="admins")
    services.update_group(actor=root_actor, group=group, new_name="OPERATIONS")
    group.refresh_from_db()
    assert group.name == "OPERATIONS"


def test_deleting_a_group_removes_members_policies_and_inline_policies(
    root_actor: Actor, alice: Principal
) -> None:
    group = services.create_group_with_members(
        actor=root_actor, name="Doomed", members=[alice], policies=[aws_policy("IAMReadOnlyAccess")]
    )
    policy_services.put_group_policy(actor=root_actor, group=group, name="s3", document=DOC)
    services.delete_group_with_dependents(actor=root_actor, group=group)
    assert not Group.objects.filter(name="Doomed").exists()
    assert not GroupMembership.objects.exists()
    assert not PolicyAttachment.objects.filter(group_id=group.pk).exists()
    assert not InlinePolicy.objects.exists()
    assert Principal.objects.filter(pk=alice.pk).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "iam:RemoveUserFromGroup",
        "iam:DetachGroupPolicy",
        "iam:DeleteGroupPolicy",
        "iam:DeleteGroup",
    } <= actions


def test_deleting_a_group_needs_permission_for_every_cleanup_step(
    root_actor: Actor, alice: Principal, bob: Principal
) -> None:
    group = services.create_group_with_members(actor=root_actor, name="Kept", members=[bob])
    policy = policy_services.create_policy(
        actor=root_actor,
        name="OnlyDeleteGroup",
        document='{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Action":"iam:DeleteGroup","Resource":"*"}]}',
    )
    policy_services.attach_user_policy(actor=root_actor, user=alice, policy=policy)
    with pytest.raises(AccessDenied, match="iam:RemoveUserFromGroup"):
        services.delete_group_with_dependents(actor=Actor(principal=alice), group=group)
    assert list(Group.objects.get(pk=group.pk).members.all()) == [bob]


def test_remove_user_from_group(root_actor: Actor, alice: Principal) -> None:
    group = services.create_group_with_members(actor=root_actor, name="Team", members=[alice])
    services.remove_user_from_group(actor=root_actor, group=group, user=alice)
    assert not group.members.exists()
    with pytest.raises(NoSuchEntity):
        services.remove_user_from_group(actor=root_actor, group=group, user=alice)
