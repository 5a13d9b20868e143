"""What every EC2 action shares: the region a call acts in, the instance lookup scoped to the
actor's account and region, the state an instance is in now, and authorization as EC2 answers
it (UnauthorizedOperation with an encoded authorization failure message, DryRunOperation)."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings

from domain.kernel import authorization_messages
from domain.kernel.actors import Actor
from domain.kernel.authorization import Target, authorize
from domain.kernel.errors import AccessDenied, DryRunOperation, Ec2Error, UnauthorizedOperation
from ec2 import catalog, ids, states
from ec2.models import Instance

# Seconds a transition state lasts (pending, stopping, shutting-down).
DEFAULT_TRANSITION_SECONDS = 5.0
# Terminated instances stay visible this long, as in AWS (about an hour).
TERMINATED_VISIBLE_SECONDS = 3600

USER_SHUTDOWN = "Client.UserInitiatedShutdown: User initiated shutdown"
_TAG_KEY_PREFIX = re.compile(r"aws:", re.I)


def transition_seconds() -> float:
    return float(getattr(settings, "EC2_TRANSITION_SECONDS", DEFAULT_TRANSITION_SECONDS))


def region_of(actor: Actor, region: str | None = None) -> str:
    """The region a call acts in: the one given, else the API's signing region, else the
    default."""
    chosen = region or actor.requested_region or catalog.DEFAULT_REGION
    if chosen not in catalog.REGIONS:
        raise Ec2Error.invalid_region(chosen)
    return chosen


def observe(instance: Instance, now: datetime) -> Instance:
    """`instance` as it is at `now`: a finished transition moves it on (in memory; the next
    write stores it). A stopped or terminated instance has no public IP."""
    state, since = states.current(instance.state, instance.state_since, now, transition_seconds())
    if state != instance.state:
        instance.state, instance.state_since = state, since
        if state in (states.STOPPED, states.TERMINATED):
            instance.public_ip = ""
            instance.state_reason = USER_SHUTDOWN
    return instance


def visible(instance: Instance, now: datetime) -> bool:
    """A terminated instance is listed for an hour after it terminated."""
    return instance.state != states.TERMINATED or now - instance.state_since < timedelta(
        seconds=TERMINATED_VISIBLE_SECONDS
    )


def check_instance_ids(instance_ids: Iterable[str]) -> list[str]:
    found = list(dict.fromkeys(instance_ids))
    for value in found:
        if not ids.INSTANCE_ID.fullmatch(value):
            raise Ec2Error.malformed_instance_id(value)
    return found


def instances(
    actor: Actor, instance_ids: Sequence[str], region: str, *, lock: bool = False
) -> list[Instance]:
    """The actor's instances with these IDs in `region`, in the order asked; any other ID
    (another account's, another region's) is InvalidInstanceID.NotFound."""
    wanted = check_instance_ids(instance_ids)
    if not wanted:
        raise Ec2Error.missing("InstanceId")
    query = Instance.objects.filter(
        account=actor.account, region=region, instance_id__in=wanted
    ).select_related("instance_profile", "instance_profile__role")
    if lock:
        # Only the instance rows: PostgreSQL locks no nullable side of an outer join.
        query = query.select_for_update(of=("self",))
    by_id = {row.instance_id: row for row in query}
    missing = [value for value in wanted if value not in by_id]
    if missing:
        raise Ec2Error.instance_not_found(missing)
    return [observe(by_id[value], actor.now) for value in wanted]


def instance_target(instance: Instance) -> Target:
    return Target(arn=instance.arn, tags=tuple((t["Key"], t["Value"]) for t in instance.tags))


def instance_context(instance: Instance) -> dict[str, Any]:
    """EC2's condition keys about an instance."""
    context: dict[str, Any] = {
        "ec2:Region": instance.region,
        "ec2:AvailabilityZone": instance.availability_zone,
        "ec2:InstanceType": instance.instance_type,
        "ec2:InstanceID": instance.instance_id,
        "ec2:RootDeviceType": "ebs",
        "ec2:Tenancy": "default",
    }
    profile = instance.instance_profile
    if profile is not None:
        context["ec2:InstanceProfile"] = profile.arn
    for key, value in instance.tag_dict().items():
        context[f"ec2:ResourceTag/{key}"] = value
    return context


def ec2_authorize(
    actor: Actor, action: str, resource: Target | str, context: dict[str, Any] | None = None
) -> None:
    """`authorize`, with EC2's UnauthorizedOperation (and its encoded message) for a denial."""
    try:
        authorize(actor, action, resource, context)
    except UnauthorizedOperation:
        raise
    except AccessDenied as denied:
        encoded = authorization_messages.encode(denied, actor.account.id)
        raise UnauthorizedOperation.of(denied, encoded) from None


def authorize_on_instances(actor: Actor, action: str, found: Iterable[Instance]) -> None:
    for instance in found:
        ec2_authorize(actor, action, instance_target(instance), instance_context(instance))


def finish_dry_run(dry_run: bool) -> None:
    """After every authorization passed: a dry run stops here, as AWS answers it."""
    if dry_run:
        raise DryRunOperation()


def check_tags(tags: Sequence[tuple[str, str]], *, field: str = "tags") -> list[tuple[str, str]]:
    """EC2's tag rules: key 1-128, value 0-256 characters, no `aws:` prefix, 50 per resource."""
    for key, value in tags:
        if not key:
            raise Ec2Error.parameter("Tag key cannot be empty", field=field)
        if len(key) > 128:
            raise Ec2Error.parameter(
                "Tag key exceeds the maximum length of 128 characters", field=field
            )
        if len(value) > 256:
            raise Ec2Error.parameter(
                "Tag value exceeds the maximum length of 256 characters", field=field
            )
        if _TAG_KEY_PREFIX.match(key):
            raise Ec2Error.parameter(
                "Tag keys starting with 'aws:' are reserved for internal use", field=field
            )
    if len({key for key, _ in tags}) > 50:
        raise Ec2Error(
            "TagLimitExceeded", "The maximum number of Tags for a resource has been reached."
        )
    return list(tags)
