"""IAM roles: trust policies, the role's settings and tags, and EC2 instance profiles."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction

from accounts import arns, ids
from accounts.models import Account, InstanceProfile, Role
from domain.iam import tagging
from domain.iam.entity_writes import write_delete_unused
from domain.iam.policies import (
    MAX_ATTACHED,
    _authorize_attach,
    _authorize_delete_inline,
    _authorize_detach,
    _write_attach,
    _write_delete_inline,
    _write_detach,
    check_document,
)
from domain.kernel import audit, validators
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import (
    DeleteConflict,
    EntityAlreadyExists,
    LimitExceeded,
    NoSuchEntity,
    ValidationError,
)
from domain.kernel.registry import aws_action, aws_read
from domain.kernel.request_context import Resource, Target, new_entity, tag_request
from policies.models import InlinePolicy, PolicyAttachment

if TYPE_CHECKING:
    from policies.models import ManagedPolicy

MAX_ROLES_PER_ACCOUNT = 1000
MAX_INSTANCE_PROFILES_PER_ACCOUNT = 1000
MIN_SESSION_SECONDS = 3600
MAX_SESSION_SECONDS = 43200
MAX_DESCRIPTION = 1000
_EXTERNAL_ID = re.compile(r"[\w+=,.@:/-]{2,1224}", re.ASCII)
_ACCOUNT_ID = re.compile(r"\d{12}")

# The AWS service use cases the create-role wizard offers, with their service principals.
SERVICE_PRINCIPALS = {"ec2": "ec2.amazonaws.com", "lambda": "lambda.amazonaws.com"}


# --- trust policies the wizard builds ----------------------------------------------


def _trust_document(statement: dict[str, object]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, indent=4)


def service_trust_policy(service: str) -> str:
    """The trust policy AWS writes for an AWS service use case (EC2, Lambda)."""
    principal = SERVICE_PRINCIPALS.get(service)
    if principal is None:
        raise ValidationError("Choose a service or use case.", field="service")
    return _trust_document(
        {"Effect": "Allow", "Principal": {"Service": principal}, "Action": "sts:AssumeRole"}
    )


def account_trust_policy(
    account_id: str, *, external_id: str | None = None, require_mfa: bool = False
) -> str:
    """The trust policy for "AWS account": the account's root principal, with options."""
    if not _ACCOUNT_ID.fullmatch(account_id):
        raise ValidationError("The account ID must be 12 digits.", field="account_id")
    condition: dict[str, dict[str, str]] = {}
    if external_id is not None:
        if not _EXTERNAL_ID.fullmatch(external_id):
            raise ValidationError(
                "The external ID must be 2 to 1224 characters: letters, digits and "
                "+ = , . @ : / - _",
                field="external_id",
            )
        condition["StringEquals"] = {"sts:ExternalId": external_id}
    if require_mfa:
        condition["Bool"] = {"aws:MultiFactorAuthPresent": "true"}
    statement: dict[str, object] = {
        "Effect": "Allow",
        "Principal": {"AWS": arns.root_arn(account_id)},
        "Action": "sts:AssumeRole",
    }
    if condition:
        statement["Condition"] = condition
    return _trust_document(statement)


def is_ec2_trust(document: str) -> bool:
    """True when the trust policy lets EC2 assume the role (AWS then makes an instance
    profile of the same name)."""
    try:
        parsed = json.loads(document)
    except ValueError:
        return False
    statements = parsed.get("Statement", []) if isinstance(parsed, dict) else []
    if isinstance(statements, dict):
        statements = [statements]
    for statement in statements:
        principal = statement.get("Principal") if isinstance(statement, dict) else None
        services = principal.get("Service") if isinstance(principal, dict) else None
        if services == SERVICE_PRINCIPALS["ec2"] or (
            isinstance(services, list) and SERVICE_PRINCIPALS["ec2"] in services
        ):
            return True
    return False


# --- checks ------------------------------------------------------------------------


def _check_description(description: str) -> None:
    if len(description) > MAX_DESCRIPTION:
        raise ValidationError(
            f"The description must be {MAX_DESCRIPTION} characters or fewer.", field="description"
        )


def _check_session_duration(seconds: int) -> None:
    if not MIN_SESSION_SECONDS <= seconds <= MAX_SESSION_SECONDS:
        raise ValidationError(
            f"The maximum session duration must be between {MIN_SESSION_SECONDS} and "
            f"{MAX_SESSION_SECONDS} seconds (1 to 12 hours).",
            field="max_session_duration",
        )


def _lock_account(account: Account) -> None:
    # Quotas are counted while the account row is locked, so two concurrent creates
    # cannot both pass the check.
    Account.objects.select_for_update().filter(pk=account.pk).first()


# --- roles -------------------------------------------------------------------------


def _authorize_create_role(
    actor: Actor,
    arn: str,
    tags: list[tuple[str, str]] | None,
    boundary: ManagedPolicy | None,
) -> None:
    # CreateRole carries the tags and the boundary. With tags, AWS also requires iam:TagRole.
    requested = tag_request(tags) if tags else {}
    if boundary is not None:
        requested["iam:PermissionsBoundary"] = boundary.arn
    authorize(actor, "iam:CreateRole", Target(arn), requested)
    if tags:
        authorize(actor, "iam:TagRole", Target(arn), tag_request(tags))


def _check_create_role(
    actor: Actor,
    *,
    name: str,
    trust_policy: str,
    description: str,
    max_session_duration: int,
    tags: list[tuple[str, str]] | None,
    boundary: ManagedPolicy | None,
) -> list[dict[str, str]]:
    _check_description(description)
    _check_session_duration(max_session_duration)
    tag_list = validators.tags(tags or [], case_insensitive_keys=True)
    check_document(trust_policy, kind="trust", field="trust_policy")
    if boundary is not None and boundary.account_id not in (None, actor.account.id):
        raise NoSuchEntity.policy(boundary.arn)
    if Role.objects.filter(account=actor.account, name__iexact=name).exists():
        raise EntityAlreadyExists.role(name)
    return tag_list


def _write_create_role(
    actor: Actor,
    *,
    name: str,
    path: str,
    trust_policy: str,
    description: str,
    max_session_duration: int,
    tags: list[dict[str, str]],
    boundary: ManagedPolicy | None,
) -> Role:
    """Inside the caller's transaction."""
    account = actor.account
    _lock_account(account)
    if Role.objects.filter(account=account).count() >= MAX_ROLES_PER_ACCOUNT:
        raise LimitExceeded.quota("RolesPerAccount", MAX_ROLES_PER_ACCOUNT)
    try:
        with transaction.atomic():
            role = Role.objects.create(
                account=account,
                name=name,
                path=path,
                unique_id=ids.unique_id(ids.ROLE_PREFIX),
                description=description,
                trust_policy=trust_policy,
                max_session_duration=max_session_duration,
                tags=tags,
                permissions_boundary=boundary,
            )
    except IntegrityError:
        raise EntityAlreadyExists.role(name) from None
    audit.record(actor, "iam:CreateRole", role.arn)
    return role


@aws_action("iam:CreateRole")
def create_role(
    *,
    actor: Actor,
    name: str,
    trust_policy: str,
    description: str = "",
    path: str = "/",
    max_session_duration: int = MIN_SESSION_SECONDS,
    tags: list[tuple[str, str]] | None = None,
    permissions_boundary: ManagedPolicy | None = None,
) -> Role:
    """CreateRole, with AWS's parameters. The console's wizard (policies and an EC2
    instance profile in the same step) is `create_role_with_permissions`."""
    return create_role_with_permissions(
        actor=actor,
        name=name,
        trust_policy=trust_policy,
        description=description,
        path=path,
        max_session_duration=max_session_duration,
        tags=tags,
        permissions_boundary=permissions_boundary,
    )


def create_role_with_permissions(
    *,
    actor: Actor,
    name: str,
    trust_policy: str,
    description: str = "",
    path: str = "/",
    max_session_duration: int = MIN_SESSION_SECONDS,
    tags: list[tuple[str, str]] | None = None,
    policies: Sequence[ManagedPolicy] = (),
    permissions_boundary: ManagedPolicy | None = None,
    instance_profile: bool = False,
) -> Role:
    """The Create role wizard: CreateRole, then AttachRolePolicy for each policy and, for
    EC2, CreateInstanceProfile + AddRoleToInstanceProfile under the same name. Every call is
    decided first; the writers' write halves run in one transaction. All or nothing."""
    validators.role_name(name)
    validators.path(path)
    account = actor.account
    arn = arns.iam_arn(account.id, "role", path, name)
    _authorize_create_role(actor, arn, tags, permissions_boundary)
    # The calls after CreateRole see the role as created with its tags and boundary.
    created = new_entity(arn, tags=tags, boundary=permissions_boundary)
    for policy in policies:
        _authorize_attach(actor, "role", created, policy)
    profile_arn = arns.iam_arn(account.id, "instance-profile", path, name)
    if instance_profile:
        _authorize_create_instance_profile(actor, profile_arn)
        _authorize_add_role_to_instance_profile(actor, Target(profile_arn), created)
    tag_list = _check_create_role(
        actor,
        name=name,
        trust_policy=trust_policy,
        description=description,
        max_session_duration=max_session_duration,
        tags=tags,
        boundary=permissions_boundary,
    )
    if len(policies) > MAX_ATTACHED["role"]:
        raise LimitExceeded.quota("PoliciesPerRole", MAX_ATTACHED["role"], field="policies")
    for policy in policies:
        if policy.account_id not in (None, account.id):
            raise NoSuchEntity.policy(policy.arn, field="policies")
    with transaction.atomic():
        role = _write_create_role(
            actor,
            name=name,
            path=path,
            trust_policy=trust_policy,
            description=description,
            max_session_duration=max_session_duration,
            tags=tag_list,
            boundary=permissions_boundary,
        )
        for policy in policies:
            _write_attach(actor, role, policy)
        if instance_profile:
            profile = _write_create_instance_profile(actor, name=role.name, path=role.path)
            _write_add_role_to_instance_profile(actor, profile, role)
    return role


# --- instance profiles -------------------------------------------------------------


def _authorize_create_instance_profile(
    actor: Actor, profile_arn: str, tags: Sequence[tuple[str, str]] = ()
) -> None:
    authorize(actor, "iam:CreateInstanceProfile", Target(profile_arn), tag_request(list(tags)))


def _write_create_instance_profile(
    actor: Actor, *, name: str, path: str, tags: Sequence[tuple[str, str]] = ()
) -> InstanceProfile:
    account = actor.account
    _lock_account(account)
    if InstanceProfile.objects.filter(account=account, name__iexact=name).exists():
        raise EntityAlreadyExists.instance_profile(name)
    if InstanceProfile.objects.filter(account=account).count() >= (
        MAX_INSTANCE_PROFILES_PER_ACCOUNT
    ):
        raise LimitExceeded.quota("InstanceProfilesPerAccount", MAX_INSTANCE_PROFILES_PER_ACCOUNT)
    profile = InstanceProfile.objects.create(
        account=account,
        name=name,
        path=path,
        unique_id=ids.unique_id(ids.INSTANCE_PROFILE_PREFIX),
        tags=[{"Key": k, "Value": v} for k, v in tags],
    )
    audit.record(actor, "iam:CreateInstanceProfile", profile.arn)
    return profile


@aws_action("iam:CreateInstanceProfile")
def create_instance_profile(
    *, actor: Actor, name: str, path: str = "/", tags: Sequence[tuple[str, str]] = ()
) -> InstanceProfile:
    validators.instance_profile_name(name)
    validators.path(path)
    validators.tags(list(tags), case_insensitive_keys=False)
    _authorize_create_instance_profile(
        actor, arns.iam_arn(actor.account.id, "instance-profile", path, name), tags
    )
    with transaction.atomic():
        return _write_create_instance_profile(actor, name=name, path=path, tags=tags)


def _authorize_add_role_to_instance_profile(
    actor: Actor, profile: Resource, role: Resource
) -> None:
    authorize(actor, "iam:AddRoleToInstanceProfile", profile)
    # AddRoleToInstanceProfile hands the role to EC2: the caller must be allowed to pass
    # it (AWS's API reference), with iam:PassedToService naming the service.
    authorize(actor, "iam:PassRole", role, {"iam:PassedToService": SERVICE_PRINCIPALS["ec2"]})


def _write_add_role_to_instance_profile(actor: Actor, profile: InstanceProfile, role: Role) -> None:
    locked = InstanceProfile.objects.select_for_update().get(pk=profile.pk)
    if locked.role_id is not None:
        # An instance profile holds one role, and AWS names the quota so (checked against
        # AWS: "Cannot exceed quota for InstanceSessionsPerInstanceProfile: 1").
        raise LimitExceeded.quota("InstanceSessionsPerInstanceProfile", 1)
    locked.role = role
    locked.save(update_fields=["role"])
    profile.role = role
    audit.record(actor, "iam:AddRoleToInstanceProfile", profile.arn, details={"role": role.name})


@aws_action("iam:AddRoleToInstanceProfile")
def add_role_to_instance_profile(*, actor: Actor, profile: InstanceProfile, role: Role) -> None:
    _authorize_add_role_to_instance_profile(actor, profile, role)
    with transaction.atomic():
        _write_add_role_to_instance_profile(actor, profile, role)


def _authorize_remove_role_from_instance_profile(actor: Actor, profile: InstanceProfile) -> None:
    authorize(actor, "iam:RemoveRoleFromInstanceProfile", profile)


def _write_remove_role_from_instance_profile(
    actor: Actor, profile: InstanceProfile, role: Role
) -> None:
    locked = InstanceProfile.objects.select_for_update().get(pk=profile.pk)
    if locked.role_id != role.pk:
        raise NoSuchEntity.role(role.name)
    locked.role = None
    locked.save(update_fields=["role"])
    profile.role = None
    audit.record(
        actor, "iam:RemoveRoleFromInstanceProfile", profile.arn, details={"role": role.name}
    )


@aws_action("iam:RemoveRoleFromInstanceProfile")
def remove_role_from_instance_profile(
    *, actor: Actor, profile: InstanceProfile, role: Role
) -> None:
    """Takes `role` out of `profile` (NoSuchEntity if the profile does not hold it)."""
    _authorize_remove_role_from_instance_profile(actor, profile)
    if profile.role_id != role.pk:
        raise NoSuchEntity.role(role.name)
    with transaction.atomic():
        _write_remove_role_from_instance_profile(actor, profile, role)


def _authorize_delete_instance_profile(actor: Actor, profile: InstanceProfile) -> None:
    authorize(actor, "iam:DeleteInstanceProfile", profile)


def _write_delete_instance_profile(actor: Actor, profile: InstanceProfile) -> None:
    arn = profile.arn
    locked = InstanceProfile.objects.select_for_update().filter(pk=profile.pk).first()
    if locked is None:
        raise NoSuchEntity.instance_profile(profile.name)
    if locked.role_id is not None:
        raise DeleteConflict.must_first("remove roles from instance profile")
    locked.delete()
    audit.record(actor, "iam:DeleteInstanceProfile", arn)


@aws_action("iam:DeleteInstanceProfile")
def delete_instance_profile(*, actor: Actor, profile: InstanceProfile) -> None:
    """Deletes an empty instance profile (DeleteConflict while it holds a role)."""
    _authorize_delete_instance_profile(actor, profile)
    with transaction.atomic():
        _write_delete_instance_profile(actor, profile)


@aws_action("iam:TagInstanceProfile")
def tag_instance_profile(
    *, actor: Actor, profile: InstanceProfile, tags: list[tuple[str, str]]
) -> None:
    tagging.add_tags(
        actor=actor,
        obj=profile,
        action="iam:TagInstanceProfile",
        tags=tags,
        case_insensitive_keys=False,
    )


@aws_action("iam:UntagInstanceProfile")
def untag_instance_profile(*, actor: Actor, profile: InstanceProfile, keys: list[str]) -> None:
    tagging.remove_tags(
        actor=actor,
        obj=profile,
        action="iam:UntagInstanceProfile",
        keys=keys,
        case_insensitive_keys=False,
    )


def instance_profile_named(actor: Actor, name: str) -> InstanceProfile:
    """The actor's account's instance profile `name` (ignoring case), unauthorized: each
    action authorizes with its own context. NoSuchEntity as AWS."""
    profile = (
        InstanceProfile.objects.select_related("role__permissions_boundary")
        .filter(account=actor.account, name__iexact=name)
        .first()
    )
    if profile is None:
        raise NoSuchEntity.instance_profile(name)
    return profile


@aws_read("iam:GetInstanceProfile")
def get_instance_profile(actor: Actor, name: str) -> InstanceProfile:
    profile = instance_profile_named(actor, name)
    authorize(actor, "iam:GetInstanceProfile", profile)
    return profile


@aws_read("iam:ListInstanceProfiles")
def list_instance_profiles(
    actor: Actor, *, path_prefix: str | None = None
) -> list[InstanceProfile]:
    """The account's instance profiles with their roles, by path then name, as AWS lists."""
    authorize(
        actor,
        "iam:ListInstanceProfiles",
        arns.account_wildcard(actor.account.id, "instance-profile"),
    )
    profiles = InstanceProfile.objects.filter(account=actor.account).select_related(
        "role__permissions_boundary"
    )
    if path_prefix:
        profiles = profiles.filter(path__startswith=path_prefix)
    return sorted(profiles, key=lambda p: (p.path, p.name.lower()))


@aws_read("iam:ListInstanceProfileTags")
def list_instance_profile_tags(actor: Actor, profile: InstanceProfile) -> list[dict[str, str]]:
    authorize(actor, "iam:ListInstanceProfileTags", profile)
    return list(profile.tags)


@aws_action("iam:UpdateRole")
def update_role(*, actor: Actor, role: Role, description: str, max_session_duration: int) -> None:
    """The Summary's Edit: description and maximum session duration (UpdateRole)."""
    authorize(actor, "iam:UpdateRole", role)
    _check_description(description)
    _check_session_duration(max_session_duration)
    role.max_session_duration = max_session_duration
    _write_role_settings(actor, "iam:UpdateRole", role, description)


@aws_action("iam:UpdateRoleDescription")
def update_role_description(*, actor: Actor, role: Role, description: str) -> None:
    """UpdateRoleDescription: AWS's older call that changes only the description."""
    authorize(actor, "iam:UpdateRoleDescription", role)
    _check_description(description)
    _write_role_settings(actor, "iam:UpdateRoleDescription", role, description)


def _write_role_settings(actor: Actor, action: str, role: Role, description: str) -> None:
    with transaction.atomic():
        role.description = description
        role.save(update_fields=["description", "max_session_duration"])
        audit.record(actor, action, role.arn)


@aws_action("iam:UpdateAssumeRolePolicy")
def update_assume_role_policy(*, actor: Actor, role: Role, document: str) -> None:
    """Replaces the trust policy; an invalid document changes nothing."""
    authorize(actor, "iam:UpdateAssumeRolePolicy", role)
    check_document(document, kind="trust", field="document")
    with transaction.atomic():
        role.trust_policy = document
        role.save(update_fields=["trust_policy"])
        audit.record(actor, "iam:UpdateAssumeRolePolicy", role.arn)


@aws_action("iam:DeleteRole")
def delete_role(*, actor: Actor, role: Role) -> None:
    """DeleteRole, as AWS's API does it: refused (DeleteConflict) while the role is in an
    instance profile or has policies. The console's Delete is `delete_role_with_dependents`."""
    authorize(actor, "iam:DeleteRole", role)
    uses = [
        (InstanceProfile.objects.filter(role=role), "remove roles from instance profile"),
        (InlinePolicy.objects.filter(role=role), "delete policies"),
        (PolicyAttachment.objects.filter(role=role), "detach all policies"),
    ]
    write_delete_unused(actor, role, "iam:DeleteRole", NoSuchEntity.role(role.name), uses)


def delete_role_with_dependents(*, actor: Actor, role: Role) -> None:
    """What the console's Delete does: removes the role from its instance profiles and
    deletes them, detaches managed policies, deletes inline policies, then the role."""
    arn = role.arn
    profiles = list(InstanceProfile.objects.filter(role=role))
    attached = list(PolicyAttachment.objects.filter(role=role).select_related("policy"))
    inline = list(InlinePolicy.objects.filter(role=role).values_list("name", flat=True))
    authorize(actor, "iam:DeleteRole", role)
    for profile in profiles:
        _authorize_remove_role_from_instance_profile(actor, profile)
        if profile.name.lower() == role.name.lower():
            _authorize_delete_instance_profile(actor, profile)
    for attachment in attached:
        _authorize_detach(actor, role, attachment.policy)
    if inline:
        _authorize_delete_inline(actor, role)
    with transaction.atomic():
        for profile in profiles:
            _write_remove_role_from_instance_profile(actor, profile, role)
            # The console deletes only the same-named profile it created with the role;
            # any other profile just loses its role.
            if profile.name.lower() == role.name.lower():
                _write_delete_instance_profile(actor, profile)
        for attachment in attached:
            _write_detach(actor, role, attachment.policy)
        for name in inline:
            _write_delete_inline(actor, role, name)
        role.delete()
        audit.record(actor, "iam:DeleteRole", arn)


# --- tags --------------------------------------------------------------------------


@aws_action("iam:TagRole")
def tag_role(*, actor: Actor, role: Role, tags: list[tuple[str, str]]) -> None:
    tagging.add_tags(actor=actor, obj=role, action="iam:TagRole", tags=tags)


@aws_action("iam:UntagRole")
def untag_role(*, actor: Actor, role: Role, keys: list[str]) -> None:
    tagging.remove_tags(actor=actor, obj=role, action="iam:UntagRole", keys=keys)


def trusted_entities(document: str) -> list[str]:
    """The Roles list's "Trusted entities": "AWS Service: ec2", "Account: 123456789012"."""
    try:
        parsed = json.loads(document)
    except ValueError:
        return []
    statements = parsed.get("Statement", []) if isinstance(parsed, dict) else []
    statements = [statements] if isinstance(statements, dict) else statements
    found: list[str] = []
    for statement in statements:
        principal = statement.get("Principal") if isinstance(statement, dict) else None
        if principal == "*":
            found.append("Everyone (*)")
            continue
        if not isinstance(principal, dict):
            continue
        for kind, values in principal.items():
            for value in values if isinstance(values, list) else [values]:
                found.append(_entity_label(kind, str(value)))
    return list(dict.fromkeys(found))


def _entity_label(kind: str, value: str) -> str:
    if kind == "Service":
        return f"AWS Service: {value.removesuffix('.amazonaws.com')}"
    if kind == "AWS":
        account = (
            value.split(":")[4] if value.startswith("arn:") and value.count(":") >= 5 else value
        )
        return f"Account: {account}" if value.endswith(":root") or value.isdigit() else value
    if kind == "Federated":
        return f"Identity Provider: {value}"
    return f"{kind}: {value}"
