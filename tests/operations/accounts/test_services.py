from __future__ import annotations

import pytest

from accounts.models import AuditEvent, Group, Principal
from domain import iam as services
from domain.kernel.actors import Actor, system_actor
from domain.kernel.errors import AccessDenied, EntityAlreadyExists, LimitExceeded


def test_create_user_gives_aws_shaped_ids_and_arns(root_actor: Actor) -> None:
    user = services.create_user(actor=root_actor, name="Mia", path="/dev/")
    assert user.unique_id.startswith("AIDA") and len(user.unique_id) == 21
    assert user.arn == f"arn:aws:iam::{root_actor.account.id}:user/dev/Mia"
    assert not user.has_console_access


def test_user_names_are_unique_ignoring_case(root_actor: Actor) -> None:
    services.create_user(actor=root_actor, name="Mia")
    with pytest.raises(EntityAlreadyExists):
        services.create_user(actor=root_actor, name="MIA")
    assert Principal.objects.filter(account=root_actor.account, kind="user").count() == 1


def test_the_same_name_is_free_in_another_account(root_actor: Actor, outsider: Principal) -> None:
    services.create_user(actor=root_actor, name="Mia")
    services.create_user(actor=system_actor(outsider), name="Mia")
    assert Principal.objects.filter(name="Mia").count() == 2


def test_user_without_permission_cannot_create_users_and_it_is_audited(alice: Principal) -> None:
    actor = Actor(principal=alice)
    with pytest.raises(AccessDenied) as denied:
        services.create_user(actor=actor, name="sneaky")
    assert denied.value.message.startswith(
        f"User: {alice.arn} is not authorized to perform: iam:CreateUser on resource: "
        f"arn:aws:iam::{alice.account_id}:user/sneaky"
    )
    assert not Principal.objects.filter(name="sneaky").exists()
    event = AuditEvent.objects.get(action="iam:CreateUser", outcome="denied")
    assert (event.outcome, event.actor_arn) == ("denied", alice.arn)


def test_every_change_is_audited(root_actor: Actor) -> None:
    user = services.create_user(actor=root_actor, name="Mia")
    group = services.create_group(actor=root_actor, name="Developers")
    services.add_user_to_group(actor=root_actor, group=group, user=user)
    actions = list(AuditEvent.objects.order_by("id").values_list("action", flat=True))
    assert actions[-3:] == ["iam:CreateUser", "iam:CreateGroup", "iam:AddUserToGroup"]


def test_groups_get_agpa_ids_and_unique_names_ignoring_case(root_actor: Actor) -> None:
    group = services.create_group(actor=root_actor, name="Developers")
    assert group.unique_id.startswith("AGPA")
    with pytest.raises(EntityAlreadyExists):
        services.create_group(actor=root_actor, name="developers")


def test_a_user_may_be_in_at_most_ten_groups(root_actor: Actor) -> None:
    user = services.create_user(actor=root_actor, name="Mia")
    for i in range(10):
        group = services.create_group(actor=root_actor, name=f"g{i}")
        services.add_user_to_group(actor=root_actor, group=group, user=user)
    eleventh = services.create_group(actor=root_actor, name="g10")
    with pytest.raises(LimitExceeded, match="GroupsPerUser: 10"):
        services.add_user_to_group(actor=root_actor, group=eleventh, user=user)
    assert user.iam_groups.count() == 10


def test_adding_a_member_twice_is_harmless(root_actor: Actor) -> None:
    user = services.create_user(actor=root_actor, name="Mia")
    group = services.create_group(actor=root_actor, name="Developers")
    services.add_user_to_group(actor=root_actor, group=group, user=user)
    services.add_user_to_group(actor=root_actor, group=group, user=user)
    assert list(Group.objects.get(pk=group.pk).members.all()) == [user]


def test_account_alias_is_unique_across_the_installation(
    root_actor: Actor, outsider: Principal
) -> None:
    services.create_account_alias(actor=root_actor, alias="school")
    with pytest.raises(EntityAlreadyExists):
        services.create_account_alias(actor=system_actor(outsider), alias="school")
