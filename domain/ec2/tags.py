"""EC2 tags on instances: CreateTags, DeleteTags, DescribeTags."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from domain.ec2 import common
from domain.ec2.common import ec2_authorize, finish_dry_run, instance_context, instance_target
from domain.ec2.instances import Filter
from domain.kernel import audit
from domain.kernel.actors import Actor
from domain.kernel.errors import Ec2Error
from domain.kernel.registry import aws_action, aws_read
from domain.kernel.request_context import tag_request
from ec2 import ids
from ec2.models import Instance

MAX_TAGS = 50


@dataclass(frozen=True)
class TagDescription:
    resource_id: str
    resource_type: str
    key: str
    value: str


def _resources(actor: Actor, resource_ids: Sequence[str], region: str) -> list[Instance]:
    for value in resource_ids:
        if not ids.INSTANCE_ID.fullmatch(value):
            raise Ec2Error("InvalidID", f"The ID '{value}' is not valid")
    return common.instances(actor, resource_ids, region)


@aws_action("ec2:CreateTags")
def create_tags(
    *,
    actor: Actor,
    resource_ids: Sequence[str],
    tags: Sequence[tuple[str, str]],
    region: str | None = None,
    dry_run: bool = False,
) -> None:
    """CreateTags: adds or overwrites tags, authorized per resource with the requested tags."""
    where = common.region_of(actor, region)
    new = common.check_tags(tags)
    found = _resources(actor, resource_ids, where)
    request = tag_request(new)
    for instance in found:
        ec2_authorize(
            actor, "ec2:CreateTags", instance_target(instance), instance_context(instance) | request
        )
    finish_dry_run(dry_run)
    with transaction.atomic():
        for instance in common.instances(actor, resource_ids, where, lock=True):
            merged = instance.tag_dict() | dict(new)
            if len(merged) > MAX_TAGS:
                raise Ec2Error(
                    "TagLimitExceeded",
                    "The maximum number of Tags for a resource has been reached.",
                )
            instance.tags = [{"Key": k, "Value": v} for k, v in merged.items()]
            instance.save(update_fields=["tags"])
            audit.record(actor, "ec2:CreateTags", instance.arn, details={"keys": list(dict(new))})


@aws_action("ec2:DeleteTags")
def delete_tags(
    *,
    actor: Actor,
    resource_ids: Sequence[str],
    tags: Sequence[tuple[str, str | None]] = (),
    region: str | None = None,
    dry_run: bool = False,
) -> None:
    """DeleteTags: a tag given with a value is removed only when the value matches; no tags
    at all removes every tag (as AWS does)."""
    where = common.region_of(actor, region)
    found = _resources(actor, resource_ids, where)
    for instance in found:
        keys = [k for k, _ in tags] if tags else list(instance.tag_dict())
        ec2_authorize(
            actor,
            "ec2:DeleteTags",
            instance_target(instance),
            instance_context(instance) | {"aws:TagKeys": keys},
        )
    finish_dry_run(dry_run)
    with transaction.atomic():
        for instance in common.instances(actor, resource_ids, where, lock=True):
            current = instance.tag_dict()
            for key, value in tags or [(k, None) for k in current]:
                if key in current and (value is None or current[key] == value):
                    del current[key]
            instance.tags = [{"Key": k, "Value": v} for k, v in current.items()]
            instance.save(update_fields=["tags"])
            audit.record(actor, "ec2:DeleteTags", instance.arn)


@aws_read("ec2:DescribeTags")
def describe_tags(
    actor: Actor, *, filters: Sequence[Filter] = (), region: str | None = None
) -> list[TagDescription]:
    where = common.region_of(actor, region)
    ec2_authorize(actor, "ec2:DescribeTags", "*", {"ec2:Region": where})
    wanted: dict[str, list[str]] = {}
    for item in filters:
        if item.name not in ("resource-id", "resource-type", "key", "value"):
            raise Ec2Error.invalid_filter(item.name)
        wanted[item.name] = item.values
    query = Instance.objects.filter(account=actor.account, region=where).order_by("instance_id")
    if "resource-id" in wanted:
        query = query.filter(instance_id__in=wanted["resource-id"])
    if "resource-type" in wanted and "instance" not in wanted["resource-type"]:
        return []
    found = []
    for instance in query:
        if not common.visible(common.observe(instance, actor.now), actor.now):
            continue
        for tag in instance.tags:
            if "key" in wanted and tag["Key"] not in wanted["key"]:
                continue
            if "value" in wanted and tag["Value"] not in wanted["value"]:
                continue
            found.append(TagDescription(instance.instance_id, "instance", tag["Key"], tag["Value"]))
    return found
