from __future__ import annotations

import pytest

from accounts import crypto
from accounts.models import AccessKey, AuditEvent, Principal
from domain import iam as services
from domain.iam.access_keys import secret_of
from domain.kernel.actors import Actor
from domain.kernel.errors import AccessDenied, DeleteConflict, LimitExceeded, ValidationError


def test_a_new_key_has_aws_shaped_id_and_secret_stored_encrypted(
    root_actor: Actor, alice: Principal
) -> None:
    new = services.create_access_key(actor=root_actor, user=alice)
    key = AccessKey.objects.get(principal=alice)
    assert key.access_key_id.startswith("AKIA") and len(key.access_key_id) == 20
    assert len(new.secret) == 40
    assert key.status == "Active"
    assert new.secret not in key.secret_encrypted
    assert crypto.decrypt(key.secret_encrypted) == new.secret == secret_of(key)


def test_at_most_two_keys_and_inactive_keys_count(root_actor: Actor, alice: Principal) -> None:
    first = services.create_access_key(actor=root_actor, user=alice)
    services.create_access_key(actor=root_actor, user=alice)
    services.update_access_key(
        actor=root_actor, user=alice, access_key_id=first.key.access_key_id, status="Inactive"
    )
    with pytest.raises(LimitExceeded, match="AccessKeysPerUser: 2"):
        services.create_access_key(actor=root_actor, user=alice)
    assert AccessKey.objects.filter(principal=alice).count() == 2


def test_root_keys_use_the_root_arn(root_actor: Actor, root: Principal) -> None:
    services.create_access_key(actor=root_actor, user=root)
    event = AuditEvent.objects.get(action="iam:CreateAccessKey")
    assert event.resource == f"arn:aws:iam::{root.account_id}:root"


def test_the_description_is_a_user_tag_keyed_by_the_key_id(
    root_actor: Actor, alice: Principal
) -> None:
    new = services.create_access_key(actor=root_actor, user=alice, description="laptop CLI")
    alice.refresh_from_db()
    assert alice.tag_dict() == {new.key.access_key_id: "laptop CLI"}


@pytest.mark.parametrize("description", ["x" * 257, "semi;colon", "<script>"])
def test_a_bad_description_creates_nothing(
    root_actor: Actor, alice: Principal, description: str
) -> None:
    with pytest.raises(ValidationError) as error:
        services.create_access_key(actor=root_actor, user=alice, description=description)
    assert error.value.field == "description"
    assert not AccessKey.objects.exists()


def test_the_console_asks_to_deactivate_an_active_key_before_deleting_it(
    root_actor: Actor, alice: Principal
) -> None:
    new = services.create_access_key(actor=root_actor, user=alice)
    with pytest.raises(DeleteConflict, match="Deactivate it before you delete it"):
        services.delete_inactive_access_key(
            actor=root_actor, user=alice, access_key_id=new.key.access_key_id
        )
    assert AccessKey.objects.filter(principal=alice).count() == 1


def test_delete_access_key_deletes_an_active_key_as_aws_does(
    root_actor: Actor, alice: Principal
) -> None:
    new = services.create_access_key(actor=root_actor, user=alice)
    services.delete_access_key(actor=root_actor, user=alice, access_key_id=new.key.access_key_id)
    assert not AccessKey.objects.filter(principal=alice).exists()


def test_deleting_an_inactive_key_removes_it_and_its_description(
    root_actor: Actor, alice: Principal
) -> None:
    new = services.create_access_key(actor=root_actor, user=alice, description="old")
    key_id = new.key.access_key_id
    services.update_access_key(
        actor=root_actor, user=alice, access_key_id=key_id, status="Inactive"
    )
    services.delete_access_key(actor=root_actor, user=alice, access_key_id=key_id)
    alice.refresh_from_db()
    assert not AccessKey.objects.exists()
    assert alice.tags == []


def test_a_user_without_permission_cannot_create_keys_for_another(
    root_actor: Actor, alice: Principal, bob: Principal
) -> None:
    with pytest.raises(AccessDenied, match="iam:CreateAccessKey"):
        services.create_access_key(actor=Actor(principal=alice), user=bob)
    assert not AccessKey.objects.exists()
    assert AuditEvent.objects.filter(action="iam:CreateAccessKey", outcome="denied").exists()


def test_a_description_needs_tag_user_permission(root_actor: Actor, alice: Principal) -> None:
    from domain.iam.policies import attach_user_policy, create_policy

    policy = create_policy(
        actor=root_actor,
        name="KeysOnly",
        document='{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Action":"iam:CreateAccessKey","Resource":"*"}]}',
    )
    attach_user_policy(actor=root_actor, user=alice, policy=policy)
    with pytest.raises(AccessDenied, match="iam:TagUser"):
        services.create_access_key(actor=Actor(principal=alice), user=alice, description="d")
    services.create_access_key(actor=Actor(principal=alice), user=alice)
    assert AccessKey.objects.filter(principal=alice).count() == 1
