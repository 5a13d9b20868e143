"""EC2 instances: RunInstances, DescribeInstances, and the state changes (Start, Stop,
Reboot, Terminate). States move on by time when read (ec2.states); nothing runs behind."""

from __future__ import annotations

import base64
import binascii
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import QuerySet

from accounts.models import InstanceProfile
from domain.ec2 import common
from domain.ec2.common import ec2_authorize, finish_dry_run
from domain.kernel import audit
from domain.kernel.actors import Actor
from domain.kernel.authorization import Target
from domain.kernel.errors import Ec2Error
from domain.kernel.registry import aws_action, aws_read
from domain.kernel.request_context import tag_request
from ec2 import catalog, ids, states
from ec2.models import Instance

MAX_INSTANCES_PER_CALL = 20
MAX_RESULTS_RANGE = (5, 1000)
EC2_SERVICE = "ec2.amazonaws.com"


@dataclass(frozen=True)
class StateChange:
    instance_id: str
    previous: str
    current: str


@dataclass(frozen=True)
class Reservation:
    reservation_id: str
    owner_id: str
    instances: list[Instance]


@dataclass(frozen=True)
class Page:
    reservations: list[Reservation]
    next_token: str | None = None


@dataclass(frozen=True)
class Filter:
    name: str
    values: list[str] = field(default_factory=list)


# --- RunInstances ------------------------------------------------------------------------


def find_instance_profile(actor: Actor, *, arn: str | None, name: str | None) -> InstanceProfile:
    """The instance profile a request names (by ARN or name) in the actor's account."""
    query = InstanceProfile.objects.filter(account=actor.account).select_related(
        "role", "role__account"
    )
    if arn:
        parameter = "iamInstanceProfile.arn"
        profile_name = arn.rpartition("/")[2]
        prefix = f"arn:aws:iam::{actor.account.id}:instance-profile/"
        found = query.filter(name=profile_name).first() if arn.startswith(prefix) else None
        if found is not None and found.arn != arn:
            found = None
        shown = arn
    else:
        parameter = "iamInstanceProfile.name"
        shown = name or ""
        found = query.filter(name=shown).first() if shown else None
    if found is None:
        raise Ec2Error.invalid_instance_profile(shown, parameter)
    return found


def authorize_pass_profile(actor: Actor, profile: InstanceProfile, instance_arn: str) -> None:
    """iam:PassRole on the profile's role, passed to EC2, as AWS checks it."""
    role = profile.role
    if role is None:
        return
    ec2_authorize(
        actor,
        "iam:PassRole",
        Target(arn=role.arn, tags=tuple((t["Key"], t["Value"]) for t in role.tags)),
        {"iam:PassedToService": EC2_SERVICE, "iam:AssociatedResourceARN": instance_arn},
    )


def _private_ip() -> str:
    return f"172.31.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


def _public_ip() -> str:
    first = secrets.choice((3, 18, 34, 44, 52, 54))
    return f"{first}.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


def _check_run(
    image_id: str,
    instance_type: str,
    min_count: int,
    max_count: int,
    zone: str | None,
    region: str,
) -> catalog.Image:
    if not image_id.startswith("ami-"):
        raise Ec2Error.malformed_image_id(image_id)
    image = catalog.IMAGES_BY_ID.get(image_id)
    if image is None:
        raise Ec2Error.image_not_found(image_id)
    if instance_type not in catalog.TYPES_BY_NAME:
        raise Ec2Error.invalid_value(instance_type, "InstanceType")
    if min_count < 1 or max_count < min_count:
        raise Ec2Error.parameter(
            "Value for parameter MinCount or MaxCount is invalid", field="count"
        )
    if min_count > MAX_INSTANCES_PER_CALL:
        raise Ec2Error(
            "InstanceLimitExceeded",
            f"You have requested more instances ({min_count}) than your current instance "
            f"limit of {MAX_INSTANCES_PER_CALL} allows for the specified instance type.",
        )
    if zone is not None and zone not in catalog.zones(region):
        raise Ec2Error.invalid_value(zone, "availabilityZone")
    return image


@aws_action("ec2:RunInstances")
def run_instances(
    *,
    actor: Actor,
    image_id: str,
    instance_type: str = catalog.DEFAULT_INSTANCE_TYPE,
    min_count: int = 1,
    max_count: int = 1,
    key_name: str = "",
    tags: Sequence[tuple[str, str]] = (),
    instance_profile_arn: str | None = None,
    instance_profile_name: str | None = None,
    availability_zone: str | None = None,
    region: str | None = None,
    dry_run: bool = False,
) -> Reservation:
    """RunInstances: authorized on the new instances (with their requested tags, type and
    profile), on the image, with ec2:CreateTags for tags on create, and iam:PassRole for
    the profile's role; then `min(max_count, 20)` instances start pending."""
    where = common.region_of(actor, region)
    image = _check_run(image_id, instance_type, min_count, max_count, availability_zone, where)
    new_tags = common.check_tags(tags)
    profile = None
    if instance_profile_arn or instance_profile_name:
        profile = find_instance_profile(actor, arn=instance_profile_arn, name=instance_profile_name)
    account_id = actor.account.id
    instance_arn = ids.instance_arn(where, account_id, "*")
    context = {
        "ec2:Region": where,
        "ec2:InstanceType": instance_type,
        "ec2:ImageID": image.image_id,
        "ec2:RootDeviceType": "ebs",
        "ec2:Tenancy": "default",
        **({"ec2:AvailabilityZone": availability_zone} if availability_zone else {}),
        **({"ec2:InstanceProfile": profile.arn} if profile is not None else {}),
        **({"ec2:KeyPairName": key_name} if key_name else {}),
        **(tag_request(new_tags) if new_tags else {}),
    }
    ec2_authorize(actor, "ec2:RunInstances", instance_arn, context)
    ec2_authorize(
        actor,
        "ec2:RunInstances",
        ids.image_arn(where, image.image_id),
        {
            "ec2:Region": where,
            "ec2:ImageID": image.image_id,
            "ec2:ImageType": "machine",
            "ec2:Owner": image.owner_alias or image.owner_id,
            "ec2:Public": "true",
            "ec2:RootDeviceType": "ebs",
        },
    )
    if new_tags:
        ec2_authorize(
            actor,
            "ec2:CreateTags",
            instance_arn,
            {"ec2:Region": where, "ec2:CreateAction": "RunInstances", **tag_request(new_tags)},
        )
    if profile is not None:
        authorize_pass_profile(actor, profile, instance_arn)
    finish_dry_run(dry_run)
    count = min(max_count, MAX_INSTANCES_PER_CALL)
    now = actor.now
    reservation_id = ids.resource_id(ids.RESERVATION_PREFIX)
    zones = catalog.zones(where)
    created: list[Instance] = []
    with transaction.atomic():
        for _ in range(count):
            instance_id = ids.resource_id(ids.INSTANCE_PREFIX)
            created.append(
                Instance.objects.create(
                    instance_id=instance_id,
                    reservation_id=reservation_id,
                    account=actor.account,
                    region=where,
                    availability_zone=availability_zone or secrets.choice(zones),
                    image_id=image.image_id,
                    instance_type=instance_type,
                    key_name=key_name,
                    state=states.PENDING,
                    state_since=now,
                    launch_time=now,
                    private_ip=_private_ip(),
                    public_ip=_public_ip(),
                    tags=[{"Key": k, "Value": v} for k, v in new_tags],
                    instance_profile=profile,
                    association_id=ids.resource_id(ids.ASSOCIATION_PREFIX) if profile else "",
                    metadata_secret=ids.metadata_secret(),
                    launched_by=actor.arn,
                )
            )
            audit.record(actor, "ec2:RunInstances", created[-1].arn)
    return Reservation(reservation_id, account_id, created)


# --- DescribeInstances ---------------------------------------------------------------------


def _apply_filter(query: QuerySet[Instance], item: Filter) -> tuple[QuerySet[Instance], Filter]:
    """Filters the database can apply; state and tag filters are applied after (see below)."""
    if item.name == "instance-id":
        return query.filter(instance_id__in=item.values), item
    if item.name == "instance-type":
        return query.filter(instance_type__in=item.values), item
    if item.name == "availability-zone":
        return query.filter(availability_zone__in=item.values), item
    if item.name == "image-id":
        return query.filter(image_id__in=item.values), item
    if item.name in ("instance-state-name", "tag-key", "iam-instance-profile.arn") or (
        item.name.startswith("tag:") and len(item.name) > 4
    ):
        return query, item
    raise Ec2Error.invalid_filter(item.name)


def _matches(instance: Instance, item: Filter) -> bool:
    values = item.values
    tags = instance.tag_dict()
    if item.name == "instance-state-name":
        return instance.state in values
    if item.name == "tag-key":
        return any(key in tags for key in values)
    if item.name.startswith("tag:"):
        key = item.name[4:]
        return key in tags and tags[key] in values
    if item.name == "iam-instance-profile.arn":
        profile = instance.instance_profile
        return profile is not None and profile.arn in values
    return True


def _token(instance_id: str) -> str:
    return base64.urlsafe_b64encode(instance_id.encode()).decode()


def _after(token: str) -> str:
    try:
        value = base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeError, ValueError):
        raise Ec2Error.invalid_next_token(token) from None
    if not ids.INSTANCE_ID.fullmatch(value):
        raise Ec2Error.invalid_next_token(token)
    return value


@aws_read("ec2:DescribeInstances")
def describe_instances(
    actor: Actor,
    *,
    instance_ids: Sequence[str] = (),
    filters: Sequence[Filter] = (),
    max_results: int | None = None,
    next_token: str | None = None,
    region: str | None = None,
) -> Page:
    """DescribeInstances in the actor's account and region, by reservation; paged by
    instance ID when MaxResults is given."""
    where = common.region_of(actor, region)
    ec2_authorize(actor, "ec2:DescribeInstances", "*", {"ec2:Region": where})
    if max_results is not None:
        if instance_ids:
            raise Ec2Error(
                "InvalidParameterCombination",
                "The parameter instancesSet cannot be used with the parameter maxResults",
            )
        low, high = MAX_RESULTS_RANGE
        if not low <= max_results <= high:
            raise Ec2Error.parameter(
                f"Value ( {max_results} ) for parameter maxResults is invalid. Expecting a "
                f"value greater than {low - 1}."
            )
    query = (
        Instance.objects.filter(account=actor.account, region=where)
        .select_related("instance_profile")
        .order_by("instance_id")
    )
    wanted = common.check_instance_ids(instance_ids)
    if wanted:
        query = query.filter(instance_id__in=wanted)
    later: list[Filter] = []
    for item in filters:
        query, kept = _apply_filter(query, item)
        later.append(kept)
    if next_token:
        query = query.filter(instance_id__gt=_after(next_token))
    now = actor.now
    found: list[Instance] = []
    more = False
    for row in query.iterator(chunk_size=500):
        instance = common.observe(row, now)
        if not common.visible(instance, now) or not all(_matches(instance, f) for f in later):
            continue
        if max_results is not None and len(found) == max_results:
            more = True
            break
        found.append(instance)
    if wanted:
        missing = [value for value in wanted if value not in {i.instance_id for i in found}]
        if missing:
            raise Ec2Error.instance_not_found(missing)
    by_reservation: dict[str, list[Instance]] = {}
    for instance in found:
        by_reservation.setdefault(instance.reservation_id, []).append(instance)
    reservations = [
        Reservation(rid, actor.account.id, members) for rid, members in by_reservation.items()
    ]
    token = _token(found[-1].instance_id) if more and found else None
    return Page(reservations, token)


def get_instance(actor: Actor, instance_id: str, *, region: str | None = None) -> Instance:
    """One instance for the console's pages (DescribeInstances with its ID)."""
    where = common.region_of(actor, region)
    ec2_authorize(actor, "ec2:DescribeInstances", "*", {"ec2:Region": where})
    return common.instances(actor, [instance_id], where)[0]


# --- state changes -----------------------------------------------------------------------


def _change(
    actor: Actor,
    action: str,
    instance_ids: Sequence[str],
    region: str | None,
    dry_run: bool,
    move: dict[str, str],
    verb: str,
) -> list[StateChange]:
    """One state change over several instances: every instance is authorized and checked
    first, then all move in one transaction. `move` maps a current state to the new one;
    a state absent from it is IncorrectInstanceState."""
    where = common.region_of(actor, region)
    found = common.instances(actor, instance_ids, where)
    common.authorize_on_instances(actor, action, found)
    for instance in found:
        if instance.state not in move:
            raise Ec2Error.incorrect_state(instance.instance_id, verb)
    finish_dry_run(dry_run)
    changes: list[StateChange] = []
    now = actor.now
    with transaction.atomic():
        for instance in common.instances(actor, instance_ids, where, lock=True):
            previous = instance.state
            if previous not in move:
                raise Ec2Error.incorrect_state(instance.instance_id, verb)
            target = move[previous]
            if target != previous:
                instance.state, instance.state_since = target, now
                if target == states.PENDING:
                    instance.public_ip = _public_ip()
                    instance.state_reason = ""
                elif target in (states.STOPPING, states.SHUTTING_DOWN):
                    instance.state_reason = common.USER_SHUTDOWN
                instance.save()
            audit.record(actor, action, instance.arn, details={"from": previous, "to": target})
            changes.append(StateChange(instance.instance_id, previous, target))
    return changes


@aws_action("ec2:StartInstances")
def start_instances(
    *, actor: Actor, instance_ids: Sequence[str], region: str | None = None, dry_run: bool = False
) -> list[StateChange]:
    move = {
        states.STOPPED: states.PENDING,
        states.PENDING: states.PENDING,
        states.RUNNING: states.RUNNING,
    }
    return _change(actor, "ec2:StartInstances", instance_ids, region, dry_run, move, "started")


@aws_action("ec2:StopInstances")
def stop_instances(
    *, actor: Actor, instance_ids: Sequence[str], region: str | None = None, dry_run: bool = False
) -> list[StateChange]:
    move = {
        states.RUNNING: states.STOPPING,
        states.STOPPING: states.STOPPING,
        states.STOPPED: states.STOPPED,
    }
    return _change(actor, "ec2:StopInstances", instance_ids, region, dry_run, move, "stopped")


@aws_action("ec2:RebootInstances")
def reboot_instances(
    *, actor: Actor, instance_ids: Sequence[str], region: str | None = None, dry_run: bool = False
) -> None:
    move = {states.RUNNING: states.RUNNING}
    _change(actor, "ec2:RebootInstances", instance_ids, region, dry_run, move, "rebooted")


@aws_action("ec2:TerminateInstances")
def terminate_instances(
    *, actor: Actor, instance_ids: Sequence[str], region: str | None = None, dry_run: bool = False
) -> list[StateChange]:
    move = {state: states.SHUTTING_DOWN for state in states.ALL}
    move[states.SHUTTING_DOWN] = states.SHUTTING_DOWN
    move[states.TERMINATED] = states.TERMINATED
    return _change(
        actor, "ec2:TerminateInstances", instance_ids, region, dry_run, move, "terminated"
    )
