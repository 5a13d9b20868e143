"""The write half of UpdateUser and UpdateGroup: a new name and path under the same ID."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from accounts.models import Group, Principal
from domain.kernel import audit
from domain.kernel.actors import Actor
from domain.kernel.errors import EntityAlreadyExists


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
