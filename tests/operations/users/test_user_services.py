from __future__ import annotations

import json

import pytest

from accounts import crypto, passwords
from accounts.models import AccessKey, AuditEvent, GroupMembership, MFADevice, Principal
from domain import iam as services
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor
from domain.kernel.errors import (
    AccessDenied,
    DeleteConflict,
    EntityAlreadyExists,
    PasswordPolicyViolation,
)
from policies.models import InlinePolicy, ManagedPolicy, PolicyAttachment
from tests.conftest import PASSWORD

DOC = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
)


def aws_policy(name: str) -> ManagedPolicy:
    return ManagedPolicy.objects.get(name=name, account=None)


def allow(root_actor: Actor, user: Principal, *actions: str) -> None:
    document = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}],
        }
    )
    policy_services.put_user_policy(
        actor=root_actor, user=user, name="allow-" + str(len(actions)), document=document
    )


def test_deleting_a_user_removes_everything_it_owns_and_keeps_the_policies(
    root_actor: Actor,
) -> None:
    user = services.create_user_with_access(
        actor=root_actor,
        new=services.NewUser(name="Mia", console_password=PASSWORD, password_reset_required=False),
    )
    group = services.create_group(actor=root_actor, name="Developers")
    services.add_user_to_group(actor=root_actor, group=group, user=user)
    readonly = aws_policy("IAMReadOnlyAccess")
    policy_services.attach_user_policy(actor=root_actor, user=user, policy=readonly)
    policy_services.put_user_policy(actor=root_actor, user=user, name="s3", document=DOC)
    policy_services.put_user_permissions_boundary(actor=root_actor, user=user, policy=readonly)
    AccessKey.objects.create(
        principal=user, access_key_id="AKIAEXAMPLE000000001", secret_encrypted=crypto.encrypt("s")
    )
    MFADevice.objects.create(
        account=user.account, principal=user, name="Mia", secret_encrypted=crypto.encrypt("s")
    )

    services.delete_user_with_dependents(actor=root_actor, user=user)

    assert not Principal.objects.filter(name="Mia").exists()
    assert not GroupMembership.objects.exists()
    assert not AccessKey.objects.exists()
    assert not MFADevice.objects.exists()
    assert not InlinePolicy.objects.exists()
    assert not PolicyAttachment.objects.filter(user__isnull=False).exists()
    assert ManagedPolicy.objects.filter(pk=readonly.pk).exists()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "iam:RemoveUserFromGroup",
        "iam:DeleteLoginProfile",
        "iam:DeleteAccessKey",
        "iam:DeactivateMFADevice",
        "iam:DeleteUserPolicy",
        "iam:DetachUserPolicy",
        "iam:DeleteUserPermissionsBoundary",
        "iam:DeleteUser",
    } <= actions


def test_a_user_allowed_only_delete_user_cannot_delete_a_user_with_a_password(
    root_actor: Actor, alice: Principal, bob: Principal
) -> None:
    allow(root_actor, alice, "iam:DeleteUser")
    with pytest.raises(AccessDenied, match="iam:DeleteLoginProfile"):
        services.delete_user_with_dependents(actor=Actor(principal=alice), user=bob)
    assert Principal.objects.filter(pk=bob.pk).exists()
    bob.refresh_from_db()
    assert bob.has_usable_password()


def test_the_wizard_creates_nothing_when_a_group_add_is_denied(
    root_actor: Actor, alice: Principal
) -> None:
    allow(root_actor, alice, "iam:CreateUser", "iam:CreateLoginProfile")
    group = services.create_group(actor=root_actor, name="Developers")
    with pytest.raises(AccessDenied, match="iam:AddUserToGroup"):
        services.create_user_with_access(
            actor=Actor(principal=alice),
            new=services.NewUser(name="Mia", console_password=PASSWORD, groups=[group]),
        )
    assert not Principal.objects.filter(name="Mia").exists()
    assert AuditEvent.objects.filter(action="iam:AddUserToGroup", outcome="denied").exists()


def test_the_wizard_creates_user_groups_policies_boundary_and_tags_together(
    root_actor: Actor,
) -> None:
    group = services.create_group(actor=root_actor, name="Developers")
    readonly = aws_policy("IAMReadOnlyAccess")
    user = services.create_user_with_access(
        actor=root_actor,
        new=services.NewUser(
            name="Mia",
            console_password=PASSWORD,
            password_reset_required=False,
            groups=[group],
            policies=[readonly],
            boundary=readonly,
            tags=[("team", "blue")],
        ),
    )
    assert user.check_password(PASSWORD)
    assert list(user.iam_groups.all()) == [group]
    assert list(ManagedPolicy.objects.filter(attachments__user=user)) == [readonly]
    assert user.permissions_boundary == readonly
    assert user.tags == [{"Key": "team", "Value": "blue"}]


def test_a_bad_tag_creates_no_user(root_actor: Actor) -> None:
    with pytest.raises(Exception, match="reserved prefix"):
        services.create_user_with_access(
            actor=root_actor, new=services.NewUser(name="Mia", tags=[("aws:x", "1")])
        )
    assert not Principal.objects.filter(name="Mia").exists()


def test_the_wizard_refuses_a_name_taken_in_another_case(
    root_actor: Actor, alice: Principal
) -> None:
    with pytest.raises(EntityAlreadyExists):
        services.create_user_with_access(actor=root_actor, new=services.NewUser(name="ALICE"))


@pytest.mark.parametrize(("allow_change", "attached"), [(False, True), (True, False)])
def test_change_password_policy_is_attached_only_when_users_cannot_change_their_own(
    root_actor: Actor, allow_change: bool, attached: bool
) -> None:
    services.update_account_password_policy(
        actor=root_actor,
        rules=passwords.Rules(custom=True, minimum_length=8, allow_users_to_change=allow_change),
    )
    user = services.create_user_with_access(
        actor=root_actor,
        new=services.NewUser(name="Mia", console_password=PASSWORD, password_reset_required=True),
    )
    names = set(ManagedPolicy.objects.filter(attachments__user=user).values_list("name", flat=True))
    assert ("IAMUserChangePassword" in names) is attached
    assert user.password_reset_required


def test_no_change_password_policy_without_a_forced_reset(root_actor: Actor) -> None:
    user = services.create_user_with_access(
        actor=root_actor,
        new=services.NewUser(name="Mia", console_password=PASSWORD, password_reset_required=False),
    )
    assert not PolicyAttachment.objects.filter(user=user).exists()


def test_copy_permissions_copies_groups_policies_inline_policies_and_boundary(
    root_actor: Actor, alice: Principal
) -> None:
    group = services.create_group(actor=root_actor, name="Developers")
    services.add_user_to_group(actor=root_actor, group=group, user=alice)
    readonly = aws_policy("IAMReadOnlyAccess")
    policy_services.attach_user_policy(actor=root_actor, user=alice, policy=readonly)
    policy_services.put_user_policy(actor=root_actor, user=alice, name="s3", document=DOC)
    policy_services.put_user_permissions_boundary(actor=root_actor, user=alice, policy=readonly)

    user = services.create_user_with_access(
        actor=root_actor, new=services.NewUser(name="Mia", copy_from=alice)
    )
    assert list(user.iam_groups.all()) == [group]
    assert list(ManagedPolicy.objects.filter(attachments__user=user)) == [readonly]
    assert list(InlinePolicy.objects.filter(user=user).values_list("name", "document")) == [
        ("s3", DOC)
    ]
    assert user.permissions_boundary == readonly
    assert not user.has_console_access


def test_copying_onto_an_existing_user_is_all_or_nothing(
    root_actor: Actor, alice: Principal, bob: Principal
) -> None:
    group = services.create_group(actor=root_actor, name="Developers")
    services.add_user_to_group(actor=root_actor, group=group, user=alice)
    policy_services.put_user_policy(actor=root_actor, user=alice, name="s3", document=DOC)
    services.copy_user_permissions(actor=root_actor, user=bob, source=alice)
    assert list(bob.iam_groups.all()) == [group]
    assert InlinePolicy.objects.filter(user=bob, name="s3").exists()


def test_console_access_is_enabled_reset_and_disabled(root_actor: Actor, bob: Principal) -> None:
    services.delete_login_profile(actor=root_actor, user=bob)
    assert not bob.has_console_access
    with pytest.raises(PasswordPolicyViolation):
        services.create_login_profile(actor=root_actor, user=bob, password="short")
    services.create_login_profile(
        actor=root_actor, user=bob, password="New-Pass-123", password_reset_required=False
    )
    assert bob.check_password("New-Pass-123") and not bob.password_reset_required
    with pytest.raises(EntityAlreadyExists):
        services.create_login_profile(actor=root_actor, user=bob, password="New-Pass-123")
    services.update_login_profile(
        actor=root_actor, user=bob, password=None, password_reset_required=True
    )
    assert bob.check_password("New-Pass-123") and bob.password_reset_required


def test_user_tag_keys_are_case_insensitive_and_at_most_fifty(
    root_actor: Actor, bob: Principal
) -> None:
    services.tag_user(actor=root_actor, user=bob, tags=[("Department", "a")])
    services.tag_user(actor=root_actor, user=bob, tags=[("department", "b")])
    bob.refresh_from_db()
    assert bob.tags == [{"Key": "department", "Value": "b"}]
    with pytest.raises(Exception, match="up to 50 tags"):
        services.tag_user(actor=root_actor, user=bob, tags=[(f"k{i}", "v") for i in range(50)])
    services.untag_user(actor=root_actor, user=bob, keys=["DEPARTMENT"])
    bob.refresh_from_db()
    assert bob.tags == []


def test_delete_user_refuses_a_user_with_an_mfa_device_as_aws_does(
    root_actor: Actor, root: Principal
) -> None:
    user = services.create_user(actor=root_actor, name="Moe")
    MFADevice.objects.create(
        account=user.account, principal=user, name="Moe", secret_encrypted=crypto.encrypt("s")
    )
    with pytest.raises(DeleteConflict) as error:
        services.delete_user(actor=root_actor, user=user)
    assert error.value.message == "Cannot delete entity, must delete MFA device first."
    assert Principal.objects.filter(pk=user.pk).exists()


def test_delete_user_deletes_a_user_with_nothing_left(root_actor: Actor) -> None:
    user = services.create_user(actor=root_actor, name="Bare")
    services.delete_user(actor=root_actor, user=user)
    assert not Principal.objects.filter(name="Bare").exists()
    assert AuditEvent.objects.filter(action="iam:DeleteUser").exists()
