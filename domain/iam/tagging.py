"""Tags on users, roles and customer managed policies. AWS treats the keys of users and
roles case-insensitively (adding `department` replaces `Department`) and the keys of other
resources, policies among them, case-sensitively. One implementation serves all three."""

from __future__ import annotations

from django.db import transaction

from accounts.models import (
    InstanceProfile,
    MFADevice,
    OpenIDConnectProvider,
    Principal,
    Role,
    SAMLProvider,
)
from domain.kernel import audit, request_context, validators
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import LimitExceeded
from policies.models import ManagedPolicy

# What carries tags: IAM users, roles and customer managed policies.
Taggable = (
    Principal
    | Role
    | ManagedPolicy
    | InstanceProfile
    | MFADevice
    | SAMLProvider
    | OpenIDConnectProvider
)


def tag_request_context(tags: list[tuple[str, str]]) -> dict[str, object]:
    """The condition keys AWS sets on a tagging request (aws:TagKeys, aws:RequestTag/k)."""
    return request_context.tag_request(tags)


def _fold(key: str, case_insensitive_keys: bool) -> str:
    return key.lower() if case_insensitive_keys else key


def add_tags(
    *,
    actor: Actor,
    obj: Taggable,
    action: str,
    tags: list[tuple[str, str]],
    case_insensitive_keys: bool = True,
) -> None:
    """Adds or replaces tags on `obj`."""
    arn = obj.arn
    authorize(actor, action, obj, tag_request_context(tags))
    validators.tags(tags, case_insensitive_keys=case_insensitive_keys)
    with transaction.atomic():
        locked = type(obj).objects.select_for_update().get(pk=obj.pk)
        new_keys = {_fold(key, case_insensitive_keys) for key, _ in tags}
        kept = [
            tag for tag in locked.tags if _fold(tag["Key"], case_insensitive_keys) not in new_keys
        ]
        merged = kept + [{"Key": key, "Value": value} for key, value in tags]
        if len(merged) > validators.MAX_TAGS:
            raise LimitExceeded(f"You can add up to {validators.MAX_TAGS} tags.", field="tags")
        locked.tags = merged
        locked.save(update_fields=["tags"])
        obj.tags = merged
        audit.record(actor, action, arn, details={"keys": [key for key, _ in tags]})


def remove_tags(
    *,
    actor: Actor,
    obj: Taggable,
    action: str,
    keys: list[str],
    case_insensitive_keys: bool = True,
) -> None:
    arn = obj.arn
    authorize(actor, action, obj, {"aws:TagKeys": list(keys)})
    with transaction.atomic():
        locked = type(obj).objects.select_for_update().get(pk=obj.pk)
        gone = {_fold(key, case_insensitive_keys) for key in keys}
        locked.tags = [
            tag for tag in locked.tags if _fold(tag["Key"], case_insensitive_keys) not in gone
        ]
        locked.save(update_fields=["tags"])
        obj.tags = locked.tags
        audit.record(actor, action, arn, details={"keys": sorted(gone)})
