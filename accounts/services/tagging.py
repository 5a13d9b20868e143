"""Tags on users and roles: AWS treats their keys case-insensitively, so adding
`department` replaces `Department`. One implementation serves both."""

from __future__ import annotations

from django.db import models, transaction

from accounts import audit, validators
from accounts.actors import Actor
from iamconsole.errors import LimitExceeded
from policies.authorization import authorize


def tag_request_context(tags: list[tuple[str, str]]) -> dict[str, object]:
    """The condition keys AWS sets on a tagging request (aws:TagKeys, aws:RequestTag/k)."""
    context: dict[str, object] = {"aws:TagKeys": [key for key, _ in tags]}
    for key, value in tags:
        context[f"aws:RequestTag/{key}"] = value
    return context


def add_tags(*, actor: Actor, obj: models.Model, action: str, tags: list[tuple[str, str]]) -> None:
    """Adds or replaces tags on `obj` (a user or role with `tags` and `arn`)."""
    arn: str = obj.arn  # type: ignore[attr-defined]
    authorize(actor, action, arn, tag_request_context(tags))
    validators.tags(tags, case_insensitive_keys=True)
    with transaction.atomic():
        locked = type(obj).objects.select_for_update().get(pk=obj.pk)  # type: ignore[attr-defined]
        new_keys = {key.lower() for key, _ in tags}
        kept = [tag for tag in locked.tags if tag["Key"].lower() not in new_keys]
        merged = kept + [{"Key": key, "Value": value} for key, value in tags]
        if len(merged) > validators.MAX_TAGS:
            raise LimitExceeded(f"You can add up to {validators.MAX_TAGS} tags.", field="tags")
        locked.tags = merged
        locked.save(update_fields=["tags"])
        obj.tags = merged  # type: ignore[attr-defined]
        audit.record(actor, action, arn, details={"keys": [key for key, _ in tags]})


def remove_tags(*, actor: Actor, obj: models.Model, action: str, keys: list[str]) -> None:
    arn: str = obj.arn  # type: ignore[attr-defined]
    authorize(actor, action, arn, {"aws:TagKeys": list(keys)})
    with transaction.atomic():
        locked = type(obj).objects.select_for_update().get(pk=obj.pk)  # type: ignore[attr-defined]
        gone = {key.lower() for key in keys}
        locked.tags = [tag for tag in locked.tags if tag["Key"].lower() not in gone]
        locked.save(update_fields=["tags"])
        obj.tags = locked.tags  # type: ignore[attr-defined]
        audit.record(actor, action, arn, details={"keys": sorted(gone)})
