"""Write halves that IAM users, groups and roles share: a rename (UpdateUser, UpdateGroup)
and a delete refused while the entity is still in use (DeleteGroup, DeleteRole)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from accounts.models import Group, Principal, Role
from domain.kernel import audit
from domain.kernel.actors import Actor
from domain.kernel.errors import DeleteConflict, EntityAlreadyExists, NoSuchEntity


def write_rename(
    actor: Actor,
    entity: Principal | Group,
    action: str,
    name: str,
    path: str,
    taken: EntityAlreadyExists,
) -> None:
    """Renames and moves `entity` in one transaction and audits it under its old ARN;
    `taken` is raised when another entity got the name first (the unique constraint)."""
    old_arn, old_name, old_path = entity.arn, entity.name, entity.path
    try:
        with transaction.atomic():
            entity.name, entity.path = name, path
            entity.save(update_fields=["name", "path"])
            audit.record(actor, action, old_arn, details={"new_name": name, "new_path": path})
    except IntegrityError:
        # the caller's object keeps what the database kept
        entity.name, entity.path = old_name, old_path
        raise taken from None


def write_delete_unused(
    actor: Actor,
    entity: Group | Role,
    action: str,
    missing: NoSuchEntity,
    uses: Sequence[tuple[QuerySet[Any], str]],
) -> None:
    """Deletes `entity` under a row lock unless one of `uses` (what still refers to it, in
    the order AWS checks) exists: DeleteConflict "Cannot delete entity, must <first> first."
    `missing` is raised when the entity is already gone."""
    arn = entity.arn
    with transaction.atomic():
        locked = type(entity)._default_manager.select_for_update().filter(pk=entity.pk).first()
        if locked is None:
            raise missing
        for in_use, first in uses:
            if in_use.exists():
                raise DeleteConflict.must_first(first)
        locked.delete()
        audit.record(actor, action, arn)
