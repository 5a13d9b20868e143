"""EC2's actions over the API (botocore's `ec2` protocol): action name -> a small handler
that turns the input members into one call of domain.ec2 and its result into the output
shape. The domain authorizes, validates and raises EC2's errors."""

from __future__ import annotations

from typing import Any

from api.iam_actions import Handler
from domain.ec2 import catalog as catalog_services
from domain.ec2 import iam_profiles, instances, tags
from domain.ec2.iam_profiles import Association
from domain.ec2.instances import Filter, StateChange
from domain.kernel.actors import Actor
from ec2 import catalog, states
from ec2.models import Instance


def _filters(p: dict[str, Any]) -> list[Filter]:
    return [Filter(f.get("Name", ""), list(f.get("Values") or [])) for f in p.get("Filters") or []]


def _tags(items: list[dict[str, Any]] | None) -> list[dict[str, str]]:
    return [{"Key": t["Key"], "Value": t["Value"]} for t in items or []]


def _state(name: str) -> dict[str, Any]:
    return {"Code": states.CODES[name], "Name": name}


def instance_shape(instance: Instance) -> dict[str, Any]:
    image = catalog.IMAGES_BY_ID.get(instance.image_id)
    private_dns = f"ip-{instance.private_ip.replace('.', '-')}.ec2.internal"
    shape: dict[str, Any] = {
        "InstanceId": instance.instance_id,
        "ImageId": instance.image_id,
        "State": _state(instance.state),
        "PrivateDnsName": private_dns,
        "PublicDnsName": (
            f"ec2-{instance.public_ip.replace('.', '-')}.compute-1.amazonaws.com"
            if instance.public_ip
            else ""
        ),
        "StateTransitionReason": instance.state_reason,
        "AmiLaunchIndex": 0,
        "InstanceType": instance.instance_type,
        "LaunchTime": instance.launch_time,
        "Placement": {
            "AvailabilityZone": instance.availability_zone,
            "GroupName": "",
            "Tenancy": "default",
        },
        "Monitoring": {"State": "disabled"},
        "PrivateIpAddress": instance.private_ip,
        "Architecture": image.architecture if image else "x86_64",
        "RootDeviceType": "ebs",
        "RootDeviceName": image.root_device_name if image else "/dev/xvda",
        "VirtualizationType": "hvm",
        "Hypervisor": "xen",
        "Tags": _tags(instance.tags) or None,
        "PlatformDetails": image.platform_details if image else "Linux/UNIX",
        "MetadataOptions": {
            "State": "applied",
            "HttpTokens": "required",
            "HttpPutResponseHopLimit": 2,
            "HttpEndpoint": "enabled",
        },
    }
    if instance.key_name:
        shape["KeyName"] = instance.key_name
    if instance.public_ip:
        shape["PublicIpAddress"] = instance.public_ip
    if image is not None and image.platform:
        shape["Platform"] = image.platform
    if instance.state_reason:
        shape["StateReason"] = {
            "Code": instance.state_reason.split(":", 1)[0],
            "Message": instance.state_reason,
        }
    profile = instance.instance_profile
    if profile is not None:
        shape["IamInstanceProfile"] = {"Arn": profile.arn, "Id": profile.unique_id}
    return shape


def _reservation(reservation: instances.Reservation) -> dict[str, Any]:
    return {
        "ReservationId": reservation.reservation_id,
        "OwnerId": reservation.owner_id,
        "Groups": [],
        "Instances": [instance_shape(i) for i in reservation.instances],
    }


def run_instances(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    instance_tags: list[tuple[str, str]] = []
    for spec in p.get("TagSpecifications") or []:
        if spec.get("ResourceType", "instance") == "instance":
            instance_tags += [
                (t.get("Key", ""), t.get("Value", "")) for t in spec.get("Tags") or []
            ]
    profile = p.get("IamInstanceProfile") or {}
    reservation = instances.run_instances(
        actor=actor,
        image_id=p["ImageId"],
        instance_type=p.get("InstanceType", catalog.DEFAULT_INSTANCE_TYPE),
        min_count=p["MinCount"],
        max_count=p["MaxCount"],
        key_name=p.get("KeyName", ""),
        tags=instance_tags,
        instance_profile_arn=profile.get("Arn"),
        instance_profile_name=profile.get("Name"),
        availability_zone=(p.get("Placement") or {}).get("AvailabilityZone"),
        dry_run=p.get("DryRun", False),
    )
    return _reservation(reservation)


def describe_instances(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    page = instances.describe_instances(
        actor,
        instance_ids=p.get("InstanceIds") or (),
        filters=_filters(p),
        max_results=p.get("MaxResults"),
        next_token=p.get("NextToken"),
    )
    return {
        "Reservations": [_reservation(r) for r in page.reservations],
        "NextToken": page.next_token,
    }


def _changes(changes: list[StateChange]) -> list[dict[str, Any]]:
    return [
        {
            "InstanceId": c.instance_id,
            "CurrentState": _state(c.current),
            "PreviousState": _state(c.previous),
        }
        for c in changes
    ]


def start_instances(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    changes = instances.start_instances(
        actor=actor, instance_ids=p["InstanceIds"], dry_run=p.get("DryRun", False)
    )
    return {"StartingInstances": _changes(changes)}


def stop_instances(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    changes = instances.stop_instances(
        actor=actor, instance_ids=p["InstanceIds"], dry_run=p.get("DryRun", False)
    )
    return {"StoppingInstances": _changes(changes)}


def terminate_instances(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    changes = instances.terminate_instances(
        actor=actor, instance_ids=p["InstanceIds"], dry_run=p.get("DryRun", False)
    )
    return {"TerminatingInstances": _changes(changes)}


def reboot_instances(actor: Actor, p: dict[str, Any]) -> None:
    instances.reboot_instances(
        actor=actor, instance_ids=p["InstanceIds"], dry_run=p.get("DryRun", False)
    )


def create_tags(actor: Actor, p: dict[str, Any]) -> None:
    tags.create_tags(
        actor=actor,
        resource_ids=p["Resources"],
        tags=[(t.get("Key", ""), t.get("Value", "")) for t in p["Tags"]],
        dry_run=p.get("DryRun", False),
    )


def delete_tags(actor: Actor, p: dict[str, Any]) -> None:
    tags.delete_tags(
        actor=actor,
        resource_ids=p["Resources"],
        tags=[(t.get("Key", ""), t.get("Value")) for t in p.get("Tags") or []],
        dry_run=p.get("DryRun", False),
    )


def describe_tags(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    found = tags.describe_tags(actor, filters=_filters(p))
    return {
        "Tags": [
            {
                "ResourceId": t.resource_id,
                "ResourceType": t.resource_type,
                "Key": t.key,
                "Value": t.value,
            }
            for t in found
        ]
    }


def _association(found: Association) -> dict[str, Any]:
    return {
        "AssociationId": found.association_id,
        "InstanceId": found.instance_id,
        "IamInstanceProfile": {"Arn": found.profile_arn, "Id": found.profile_id},
        "State": found.state,
    }


def associate_iam_instance_profile(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    profile = p["IamInstanceProfile"]
    found = iam_profiles.associate_iam_instance_profile(
        actor=actor,
        instance_id=p["InstanceId"],
        profile_arn=profile.get("Arn"),
        profile_name=profile.get("Name"),
    )
    return {"IamInstanceProfileAssociation": _association(found)}


def replace_iam_instance_profile_association(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    profile = p["IamInstanceProfile"]
    found = iam_profiles.replace_iam_instance_profile_association(
        actor=actor,
        association_id=p["AssociationId"],
        profile_arn=profile.get("Arn"),
        profile_name=profile.get("Name"),
    )
    return {"IamInstanceProfileAssociation": _association(found)}


def disassociate_iam_instance_profile(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    found = iam_profiles.disassociate_iam_instance_profile(
        actor=actor, association_id=p["AssociationId"]
    )
    return {"IamInstanceProfileAssociation": _association(found)}


def describe_iam_instance_profile_associations(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    found = iam_profiles.describe_iam_instance_profile_associations(
        actor, association_ids=p.get("AssociationIds") or (), filters=_filters(p)
    )
    return {"IamInstanceProfileAssociations": [_association(a) for a in found]}


def describe_images(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    found = catalog_services.describe_images(
        actor,
        image_ids=p.get("ImageIds") or (),
        owners=p.get("Owners") or (),
        filters=_filters(p),
    )
    return {
        "Images": [
            {
                "ImageId": i.image_id,
                "ImageLocation": f"{i.owner_alias or i.owner_id}/{i.name}",
                "State": "available",
                "OwnerId": i.owner_id,
                "CreationDate": i.creation_date,
                "Public": True,
                "Architecture": i.architecture,
                "ImageType": "machine",
                "Platform": i.platform or None,
                "PlatformDetails": i.platform_details,
                "ImageOwnerAlias": i.owner_alias or None,
                "Name": i.name,
                "Description": i.description,
                "RootDeviceName": i.root_device_name,
                "RootDeviceType": "ebs",
                "VirtualizationType": "hvm",
                "Hypervisor": "xen",
                "EnaSupport": True,
            }
            for i in found
        ]
    }


def describe_instance_types(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    found = catalog_services.describe_instance_types(
        actor, instance_types=p.get("InstanceTypes") or ()
    )
    return {
        "InstanceTypes": [
            {
                "InstanceType": t.name,
                "CurrentGeneration": True,
                "FreeTierEligible": t.free_tier,
                "VCpuInfo": {"DefaultVCpus": t.vcpus},
                "MemoryInfo": {"SizeInMiB": t.memory_mib},
                "SupportedRootDeviceTypes": ["ebs"],
            }
            for t in found
        ]
    }


def describe_regions(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    found = catalog_services.describe_regions(actor, region_names=p.get("RegionNames") or ())
    return {
        "Regions": [
            {
                "RegionName": r,
                "Endpoint": f"ec2.{r}.amazonaws.com",
                "OptInStatus": "opt-in-not-required",
            }
            for r in found
        ]
    }


def describe_availability_zones(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    found = catalog_services.describe_availability_zones(actor)
    return {
        "AvailabilityZones": [
            {
                "ZoneName": z.name,
                "ZoneId": z.zone_id,
                "State": "available",
                "RegionName": z.region,
                "ZoneType": "availability-zone",
                "OptInStatus": "opt-in-not-required",
                "GroupName": z.region,
                "NetworkBorderGroup": z.region,
            }
            for z in found
        ]
    }


ACTIONS: dict[str, Handler] = {
    "RunInstances": run_instances,
    "DescribeInstances": describe_instances,
    "StartInstances": start_instances,
    "StopInstances": stop_instances,
    "RebootInstances": reboot_instances,
    "TerminateInstances": terminate_instances,
    "CreateTags": create_tags,
    "DeleteTags": delete_tags,
    "DescribeTags": describe_tags,
    "AssociateIamInstanceProfile": associate_iam_instance_profile,
    "ReplaceIamInstanceProfileAssociation": replace_iam_instance_profile_association,
    "DisassociateIamInstanceProfile": disassociate_iam_instance_profile,
    "DescribeIamInstanceProfileAssociations": describe_iam_instance_profile_associations,
    "DescribeImages": describe_images,
    "DescribeInstanceTypes": describe_instance_types,
    "DescribeRegions": describe_regions,
    "DescribeAvailabilityZones": describe_availability_zones,
}
