"""Access keys of an IAM user or the root user: at most 2, the secret shown only once."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction

from accounts import crypto, ids
from accounts.models import AccessKey, Principal
from domain.kernel import audit, validators
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import (
    DeleteConflict,
    IamError,
    LimitExceeded,
    NoSuchEntity,
    ValidationError,
)
from domain.kernel.registry import aws_action
from domain.kernel.request_context import tag_request

MAX_ACCESS_KEYS = 2
MAX_DESCRIPTION = 256


@dataclass(frozen=True)
class NewAccessKey:
    """A key just created: the only moment its secret exists in plaintext."""

    key: AccessKey
    secret: str


@aws_action("iam:CreateAccessKey")
def create_access_key(*, actor: Actor, user: Principal, description: str = "") -> NewAccessKey:
    """CreateAccessKey; with a description, also TagUser (key = the access key ID)."""
    authorize(actor, "iam:CreateAccessKey", user)
    description = description.strip()
    # Drawn before any decision: the description's TagUser call names the key ID as its
    # tag key (aws:TagKeys, aws:RequestTag/<key ID>).
    key_id = ids.access_key_id()
    if description:
        if user.is_root:
            raise ValidationError("The root user cannot be tagged.", field="description")
        authorize(actor, "iam:TagUser", user, tag_request([(key_id, description)]))
        _check_description(description)
    with transaction.atomic():
        # The principal's row is the lock: two concurrent creates cannot both see 1 key.
        locked = Principal.objects.select_for_update().get(pk=user.pk)
        # Inactive keys count too, as in AWS.
        if AccessKey.objects.filter(principal=locked).count() >= MAX_ACCESS_KEYS:
            raise LimitExceeded.quota("AccessKeysPerUser", MAX_ACCESS_KEYS, field="access_key")
        secret = ids.secret_access_key()
        key = AccessKey.objects.create(
            principal=locked,
            access_key_id=key_id,
            secret_encrypted=crypto.encrypt(secret),
        )
        audit.record(
            actor, "iam:CreateAccessKey", user.arn, details={"access_key_id": key.access_key_id}
        )
        if description:
            _tag_key(actor, locked, key.access_key_id, description)
    user.tags = locked.tags
    return NewAccessKey(key=key, secret=secret)


def _check_description(description: str) -> None:
    if len(description) > MAX_DESCRIPTION:
        raise ValidationError(
            f"The description must be {MAX_DESCRIPTION} characters or fewer.", field="description"
        )
    try:
        validators.tags([("description", description)], case_insensitive_keys=True)
    except IamError:
        raise ValidationError(
            "The description can contain only letters, numbers, spaces and _ . : / = + - @.",
            field="description",
        ) from None


def _tag_key(actor: Actor, user: Principal, key_id: str, description: str) -> None:
    tags = [t for t in user.tags if t["Key"].lower() != key_id.lower()]
    tags.append({"Key": key_id, "Value": description})
    if len(tags) > validators.MAX_TAGS:
        raise LimitExceeded(
            f"The user already has {validators.MAX_TAGS} tags; remove one to add a description.",
            field="description",
        )
    user.tags = tags
    user.save(update_fields=["tags"])
    audit.record(actor, "iam:TagUser", user.arn, details={"keys": [key_id]})


def _key_of(user: Principal, access_key_id: str) -> AccessKey:
    key = AccessKey.objects.filter(principal=user, access_key_id=access_key_id).first()
    if key is None:
        raise NoSuchEntity.access_key(access_key_id)
    return key


@aws_action("iam:UpdateAccessKey")
def update_access_key(
    *, actor: Actor, user: Principal, access_key_id: str, status: str
) -> AccessKey:
    """UpdateAccessKey: Active or Inactive."""
    authorize(actor, "iam:UpdateAccessKey", user)
    if status not in AccessKey.Status.values:
        raise ValidationError("The status must be Active or Inactive.", field="status")
    with transaction.atomic():
        key = _key_of(user, access_key_id)
        if key.status != status:
            key.status = status
            key.save(update_fields=["status"])
        audit.record(
            actor,
            "iam:UpdateAccessKey",
            user.arn,
            details={"access_key_id": access_key_id, "status": status},
        )
    return key


@aws_action("iam:DeleteAccessKey")
def delete_access_key(*, actor: Actor, user: Principal, access_key_id: str) -> None:
    """DeleteAccessKey (active or not, as AWS's API allows). The key's description tag
    goes with it (the console's UntagUser call)."""
    authorize(actor, "iam:DeleteAccessKey", user)
    tagged = any(t["Key"].lower() == access_key_id.lower() for t in user.tags)
    if tagged:
        authorize(actor, "iam:UntagUser", user, {"aws:TagKeys": [access_key_id]})
    with transaction.atomic():
        locked = Principal.objects.select_for_update().get(pk=user.pk)
        key = _key_of(locked, access_key_id)
        key.delete()
        audit.record(
            actor, "iam:DeleteAccessKey", user.arn, details={"access_key_id": access_key_id}
        )
        if tagged:
            locked.tags = [t for t in locked.tags if t["Key"].lower() != access_key_id.lower()]
            locked.save(update_fields=["tags"])
            audit.record(actor, "iam:UntagUser", user.arn, details={"keys": [access_key_id]})
    user.tags = locked.tags


def delete_inactive_access_key(*, actor: Actor, user: Principal, access_key_id: str) -> None:
    """The console's Delete: it asks for the key to be deactivated first (AWS's console
    does), then calls DeleteAccessKey."""
    key = AccessKey.objects.filter(principal=user, access_key_id=access_key_id).first()
    if key is not None and key.status == AccessKey.Status.ACTIVE:
        raise DeleteConflict(
            f"Access key {access_key_id} is active. Deactivate it before you delete it.",
            field="confirm",
        )
    delete_access_key(actor=actor, user=user, access_key_id=access_key_id)


def secret_of(key: AccessKey) -> str:
    """The stored secret, for SigV4 verification (never for display)."""
    return crypto.decrypt(key.secret_encrypted)
