"""An instance's IAM instance profile: Associate, Replace, Disassociate, Describe."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction

from accounts.models import InstanceProfile
from domain.ec2 import common
from domain.ec2.common import ec2_authorize, finish_dry_run, instance_context, instance_target
from domain.ec2.instances import Filter, authorize_pass_profile, find_instance_profile
from domain.kernel import audit
from domain.kernel.actors import Actor
from domain.kernel.errors import Ec2Error
from domain.kernel.registry import aws_action, aws_read
from ec2 import ids, states
from ec2.models import Instance

ASSOCIATED = "associated"


@dataclass(frozen=True)
class Association:
    association_id: str
    instance_id: str
    profile_arn: str
    profile_id: str
    state: str = ASSOCIATED


def association_of(instance: Instance) -> Association | None:
    profile = instance.instance_profile
    if profile is None or not instance.association_id:
        return None
    return Association(
        instance.association_id, instance.instance_id, profile.arn, profile.unique_id
    )


def _by_association(actor: Actor, association_id: str, region: str) -> Instance:
    if not ids.ASSOCIATION_ID.fullmatch(association_id):
        raise Ec2Error.association_not_found(association_id)
    found = (
        Instance.objects.filter(account=actor.account, region=region, association_id=association_id)
        .select_related("instance_profile")
        .first()
    )
    if found is None or found.instance_profile is None:
        raise Ec2Error.association_not_found(association_id)
    return common.observe(found, actor.now)


def _authorize_profile_change(
    actor: Actor, action: str, instance: Instance, profile: InstanceProfile | None
) -> None:
    context = instance_context(instance)
    if profile is not None:
        context["ec2:NewInstanceProfile"] = profile.arn
    ec2_authorize(actor, action, instance_target(instance), context)
    if profile is not None:
        authorize_pass_profile(actor, profile, instance.arn)


def _write(
    actor: Actor, action: str, instance_id: str, region: str, profile: InstanceProfile | None
) -> Association | None:
    with transaction.atomic():
        instance = common.instances(actor, [instance_id], region, lock=True)[0]
        instance.instance_profile = profile
        instance.association_id = ids.resource_id(ids.ASSOCIATION_PREFIX) if profile else ""
        # New role, new credentials: the metadata endpoint issues them on its next read.
        instance.imds_credential = None
        instance.imds_token_encrypted = ""
        instance.save(
            update_fields=[
                "instance_profile",
                "association_id",
                "imds_credential",
                "imds_token_encrypted",
            ]
        )
        audit.record(
            actor, action, instance.arn, details={"profile": profile.arn if profile else ""}
        )
        return association_of(instance)


def _set_profile(
    actor: Actor,
    action: str,
    instance: Instance,
    region: str,
    profile: tuple[str | None, str | None],
    dry_run: bool,
) -> Association:
    """Associate or Replace: authorize the new profile (and its role's PassRole), check,
    then write a new association."""
    found = find_instance_profile(actor, arn=profile[0], name=profile[1])
    _authorize_profile_change(actor, action, instance, found)
    if action == "ec2:AssociateIamInstanceProfile":
        if association_of(instance) is not None:
            raise Ec2Error.existing_association(instance.instance_id)
        if instance.state in (states.SHUTTING_DOWN, states.TERMINATED):
            raise Ec2Error.incorrect_state(instance.instance_id, "associated")
    finish_dry_run(dry_run)
    association = _write(actor, action, instance.instance_id, region, found)
    assert association is not None
    return association


@aws_action("ec2:AssociateIamInstanceProfile")
def associate_iam_instance_profile(
    *,
    actor: Actor,
    instance_id: str,
    profile_arn: str | None = None,
    profile_name: str | None = None,
    region: str | None = None,
    dry_run: bool = False,
) -> Association:
    where = common.region_of(actor, region)
    instance = common.instances(actor, [instance_id], where)[0]
    return _set_profile(
        actor,
        "ec2:AssociateIamInstanceProfile",
        instance,
        where,
        (profile_arn, profile_name),
        dry_run,
    )


@aws_action("ec2:ReplaceIamInstanceProfileAssociation")
def replace_iam_instance_profile_association(
    *,
    actor: Actor,
    association_id: str,
    profile_arn: str | None = None,
    profile_name: str | None = None,
    region: str | None = None,
    dry_run: bool = False,
) -> Association:
    where = common.region_of(actor, region)
    instance = _by_association(actor, association_id, where)
    return _set_profile(
        actor,
        "ec2:ReplaceIamInstanceProfileAssociation",
        instance,
        where,
        (profile_arn, profile_name),
        dry_run,
    )


@aws_action("ec2:DisassociateIamInstanceProfile")
def disassociate_iam_instance_profile(
    *, actor: Actor, association_id: str, region: str | None = None, dry_run: bool = False
) -> Association:
    where = common.region_of(actor, region)
    instance = _by_association(actor, association_id, where)
    before = association_of(instance)
    assert before is not None
    _authorize_profile_change(actor, "ec2:DisassociateIamInstanceProfile", instance, None)
    finish_dry_run(dry_run)
    _write(actor, "ec2:DisassociateIamInstanceProfile", instance.instance_id, where, None)
    return Association(
        before.association_id,
        before.instance_id,
        before.profile_arn,
        before.profile_id,
        "disassociating",
    )


@aws_read("ec2:DescribeIamInstanceProfileAssociations")
def describe_iam_instance_profile_associations(
    actor: Actor,
    *,
    association_ids: Sequence[str] = (),
    filters: Sequence[Filter] = (),
    region: str | None = None,
) -> list[Association]:
    where = common.region_of(actor, region)
    ec2_authorize(actor, "ec2:DescribeIamInstanceProfileAssociations", "*", {"ec2:Region": where})
    query = (
        Instance.objects.filter(account=actor.account, region=where)
        .exclude(association_id="")
        .select_related("instance_profile")
        .order_by("instance_id")
    )
    if association_ids:
        query = query.filter(association_id__in=list(association_ids))
    for item in filters:
        if item.name == "instance-id":
            query = query.filter(instance_id__in=item.values)
        elif item.name == "state":
            if ASSOCIATED not in item.values:
                return []
        else:
            raise Ec2Error.invalid_filter(item.name)
    found = [association_of(row) for row in query]
    result = [a for a in found if a is not None]
    missing = set(association_ids) - {a.association_id for a in result}
    if missing:
        raise Ec2Error.association_not_found(sorted(missing)[0])
    return result
