"""The catalogue's readers: DescribeImages, DescribeInstanceTypes, DescribeRegions,
DescribeAvailabilityZones."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from domain.ec2 import common
from domain.ec2.common import ec2_authorize
from domain.ec2.instances import Filter
from domain.kernel.actors import Actor
from domain.kernel.errors import Ec2Error
from domain.kernel.registry import aws_read
from ec2 import catalog


@dataclass(frozen=True)
class Zone:
    name: str
    zone_id: str
    region: str


@aws_read("ec2:DescribeImages")
def describe_images(
    actor: Actor,
    *,
    image_ids: Sequence[str] = (),
    owners: Sequence[str] = (),
    filters: Sequence[Filter] = (),
    region: str | None = None,
) -> list[catalog.Image]:
    where = common.region_of(actor, region)
    ec2_authorize(actor, "ec2:DescribeImages", "*", {"ec2:Region": where})
    for image_id in image_ids:
        if image_id not in catalog.IMAGES_BY_ID:
            if not image_id.startswith("ami-"):
                raise Ec2Error.malformed_image_id(image_id)
            raise Ec2Error.image_not_found(image_id)
    found = [i for i in catalog.IMAGES if not image_ids or i.image_id in image_ids]
    if owners:
        found = [i for i in found if i.owner_id in owners or i.owner_alias in owners]
    for item in filters:
        if item.name == "name":
            found = [i for i in found if i.name in item.values]
        elif item.name == "image-id":
            found = [i for i in found if i.image_id in item.values]
        elif item.name == "platform":
            found = [i for i in found if i.platform in item.values]
        else:
            raise Ec2Error.invalid_filter(item.name)
    return found


@aws_read("ec2:DescribeInstanceTypes")
def describe_instance_types(
    actor: Actor, *, instance_types: Sequence[str] = (), region: str | None = None
) -> list[catalog.InstanceType]:
    where = common.region_of(actor, region)
    ec2_authorize(actor, "ec2:DescribeInstanceTypes", "*", {"ec2:Region": where})
    for name in instance_types:
        if name not in catalog.TYPES_BY_NAME:
            raise Ec2Error.invalid_value(name, "InstanceType")
    return [t for t in catalog.INSTANCE_TYPES if not instance_types or t.name in instance_types]


@aws_read("ec2:DescribeRegions")
def describe_regions(
    actor: Actor, *, region_names: Sequence[str] = (), region: str | None = None
) -> list[str]:
    where = common.region_of(actor, region)
    ec2_authorize(actor, "ec2:DescribeRegions", "*", {"ec2:Region": where})
    for name in region_names:
        if name not in catalog.REGIONS:
            raise Ec2Error.invalid_region(name)
    return [r for r in catalog.REGIONS if not region_names or r in region_names]


@aws_read("ec2:DescribeAvailabilityZones")
def describe_availability_zones(actor: Actor, *, region: str | None = None) -> list[Zone]:
    where = common.region_of(actor, region)
    ec2_authorize(actor, "ec2:DescribeAvailabilityZones", "*", {"ec2:Region": where})
    return [Zone(z, catalog.zone_id(z), where) for z in catalog.zones(where)]
