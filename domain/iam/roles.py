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
from domain.iam.policies import MAX_ATTACHED, check_document
from domain.kernel import audit, validators
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import EntityAlreadyExists, LimitExceeded, ValidationError
from domain.kernel.request_context import Target, new_entity, tag_request
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


def _role_exists(name: str) -> EntityAlreadyExists:
    return EntityAlreadyExists(f"Role with name {name} already exists.", field="name")


# --- roles -------------------------------------------------------------------------


def create_role(
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
    """CreateRole, then what the console's wizard does with it in the same step:
    AttachRolePolicy for each policy and, for EC2, CreateInstanceProfile +
    AddRoleToInstanceProfile under the same name. All or nothing."""
    validators.role_name(name)
    validators.path(path)
    account = actor.account
    arn = arns.iam_arn(account.id, "role", path, name)
    # CreateRole carries the tags and the boundary; the calls after it see the role as
    # created with them. With tags, AWS also requires iam:TagRole.
    requested = tag_request(tags) if tags else {}
    if permissions_boundary is not None:
        requested["iam:PermissionsBoundary"] = permissions_boundary.arn
    authorize(actor, "iam:CreateRole", Target(arn), requested)
    if tags:
        authorize(actor, "iam:TagRole", Target(arn), tag_request(tags))
    created = new_entity(arn, tags=tags, boundary=permissions_boundary)
    for policy in policies:
        authorize(actor, "iam:AttachRolePolicy", created, {"iam:PolicyARN": policy.arn})
    profile_arn = arns.iam_arn(account.id, "instance-profile", path, name)
    if instance_profile:
        authorize(actor, "iam:CreateInstanceProfile", Target(profile_arn))
        authorize(actor, "iam:AddRoleToInstanceProfile", Target(profile_arn))
        # AddRoleToInstanceProfile hands the role to EC2: the caller must be allowed to
        # pass it (AWS's API reference), with iam:PassedToService naming the service.
        authorize(
            actor, "iam:PassRole", created, {"iam:PassedToService": SERVICE_PRINCIPALS["ec2"]}
        )
    _check_description(description)
    _check_session_duration(max_session_duration)
    tag_list = validators.tags(tags or [], case_insensitive_keys=True)
    check_document(trust_policy, kind="trust", field="trust_policy")
    if len(policies) > MAX_ATTACHED["role"]:
        raise LimitExceeded(
            f"Cannot exceed quota for PoliciesPerRole: {MAX_ATTACHED['role']}", field="policies"
        )
    for policy in [*policies, *([permissions_boundary] if permissions_boundary else [])]:
        if policy.account_id not in (None, account.id):
            raise ValidationError(f"Policy {policy.arn} does not exist or is not attachable.")
    if Role.objects.filter(account=account, name__iexact=name).exists():
        raise _role_exists(name)
    try:
        with transaction.atomic():
            _lock_account(account)
            if Role.objects.filter(account=account).count() >= MAX_ROLES_PER_ACCOUNT:
                raise LimitExceeded(
                    f"Cannot exceed quota for RolesPerAccount: {MAX_ROLES_PER_ACCOUNT}."
                )
            role = Role.objects.create(
                account=account,
                name=name,
                path=path,
                unique_id=ids.unique_id(ids.ROLE_PREFIX),
                description=description,
                trust_policy=trust_policy,
                max_session_duration=max_session_duration,
                tags=tag_list,
                permissions_boundary=permissions_boundary,
            )
            audit.record(actor, "iam:CreateRole", arn)
            for policy in policies:
                PolicyAttachment.objects.create(policy=policy, role=role)
                audit.record(actor, "iam:AttachRolePolicy", arn, details={"policy": policy.arn})
            if instance_profile:
                _create_instance_profile(actor, role, profile_arn)
    except IntegrityError:
        raise _role_exists(name) from None
    return role


def _create_instance_profile(actor: Actor, role: Role, profile_arn: str) -> InstanceProfile:
    account = actor.account
    if InstanceProfile.objects.filter(account=account, name__iexact=role.name).exists():
        raise EntityAlreadyExists(f"Instance Profile {role.name} already exists.", field="name")
    if InstanceProfile.objects.filter(account=account).count() >= (
        MAX_INSTANCE_PROFILES_PER_ACCOUNT
    ):
        raise LimitExceeded(
            "Cannot exceed quota for InstanceProfilesPerAccount: "
            f"{MAX_INSTANCE_PROFILES_PER_ACCOUNT}."
        )
    profile = InstanceProfile.objects.create(
        account=account,
        name=role.name,
        path=role.path,
        unique_id=ids.unique_id(ids.INSTANCE_PROFILE_PREFIX),
        role=role,
    )
    audit.record(actor, "iam:CreateInstanceProfile", profile_arn)
    audit.record(actor, "iam:AddRoleToInstanceProfile", profile_arn, details={"role": role.name})
    return profile


def update_role(*, actor: Actor, role: Role, description: str, max_session_duration: int) -> None:
    """The Summary's Edit: description and maximum session duration (UpdateRole)."""
    authorize(actor, "iam:UpdateRole", role)
    _check_description(description)
    _check_session_duration(max_session_duration)
    with transaction.atomic():
        role.description = description
        role.max_session_duration = max_session_duration
        role.save(update_fields=["description", "max_session_duration"])
        audit.record(actor, "iam:UpdateRole", role.arn)


def update_assume_role_policy(*, actor: Actor, role: Role, document: str) -> None:
    """Replaces the trust policy; an invalid document changes nothing."""
    authorize(actor, "iam:UpdateAssumeRolePolicy", role)
    check_document(document, kind="trust", field="document")
    with transaction.atomic():
        role.trust_policy = document
        role.save(update_fields=["trust_policy"])
        audit.record(actor, "iam:UpdateAssumeRolePolicy", role.arn)


def delete_role(*, actor: Actor, role: Role) -> None:
    """What the console's Delete does: removes the role from its instance profiles and
    deletes them, detaches managed policies, deletes inline policies, then the role."""
    arn = role.arn
    profiles = list(InstanceProfile.objects.filter(role=role))
    attached = list(PolicyAttachment.objects.filter(role=role).select_related("policy"))
    inline = list(InlinePolicy.objects.filter(role=role).values_list("name", flat=True))
    authorize(actor, "iam:DeleteRole", role)
    for profile in profiles:
        authorize(actor, "iam:RemoveRoleFromInstanceProfile", profile)
        authorize(actor, "iam:DeleteInstanceProfile", profile)
    for attachment in attached:
        authorize(actor, "iam:DetachRolePolicy", role, {"iam:PolicyARN": attachment.policy.arn})
    if inline:
        authorize(actor, "iam:DeleteRolePolicy", role)
    with transaction.atomic():
        for profile in profiles:
            audit.record(actor, "iam:RemoveRoleFromInstanceProfile", profile.arn)
            # The console deletes only the same-named profile it created with the role;
            # any other profile just loses its role.
            if profile.name.lower() == role.name.lower():
                profile.delete()
                audit.record(actor, "iam:DeleteInstanceProfile", profile.arn)
            else:
                profile.role = None
                profile.save(update_fields=["role"])
        for attachment in attached:
            attachment.delete()
            audit.record(
                actor, "iam:DetachRolePolicy", arn, details={"policy": attachment.policy.arn}
            )
        for name in inline:
            audit.record(actor, "iam:DeleteRolePolicy", arn, details={"policy": name})
        InlinePolicy.objects.filter(role=role).delete()
        role.delete()
        audit.record(actor, "iam:DeleteRole", arn)


# --- tags --------------------------------------------------------------------------


def tag_role(*, actor: Actor, role: Role, tags: list[tuple[str, str]]) -> None:
    tagging.add_tags(actor=actor, obj=role, action="iam:TagRole", tags=tags)


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
