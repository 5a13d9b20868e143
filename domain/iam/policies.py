"""The operations layer for policies: managed policies and their versions, attachments,
inline policies and permissions boundaries. Each function authorizes the actor,
validates, writes in one transaction and records an audit event."""

from __future__ import annotations

import re
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone

from accounts import ids
from accounts.models import Group, Principal, Role
from domain.iam import tagging
from domain.iam.tagging import tag_request_context
from domain.kernel import audit, request_context, validators
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import (
    DeleteConflict,
    EntityAlreadyExists,
    InvalidInput,
    LimitExceeded,
    MalformedPolicyDocument,
    NoSuchEntity,
    ValidationError,
)
from domain.kernel.registry import aws_action
from domain.kernel.request_context import Resource
from policies.engine import PolicyError, validate
from policies.models import InlinePolicy, ManagedPolicy, PolicyAttachment, PolicyVersion

MAX_VERSIONS = 5
MAX_CUSTOMER_POLICIES = 1500
MAX_ATTACHED = {"user": 10, "group": 10, "role": 10}
QUOTA_NAMES = {"user": "PoliciesPerUser", "group": "PoliciesPerGroup", "role": "PoliciesPerRole"}
INLINE_QUOTA = {"user": 2048, "group": 5120, "role": 10240}
INLINE_KIND = {"user": "inline-user", "group": "inline-group", "role": "inline-role"}
MAX_DESCRIPTION = 1000
_WHITESPACE = re.compile(r"\s+")

Target = Principal | Group | Role


def target_kind(target: Target) -> str:
    if isinstance(target, Group):
        return "group"
    if isinstance(target, Role):
        return "role"
    return "user"


def _verb(kind: str) -> str:
    return {"user": "User", "group": "Group", "role": "Role"}[kind]


def check_document(text: str, *, kind: str = "managed", field: str = "document") -> None:
    """Raises the first error AWS would report for `text` as a policy of `kind`."""
    errors: list[PolicyError] = validate(text, kind=kind)
    if not errors:
        return
    first = errors[0]
    where = f" (line {first.line}, column {first.column})" if first.line else ""
    if first.code == "LimitExceeded":
        raise LimitExceeded(first.message, field=field)
    raise MalformedPolicyDocument(first.message + where, field=field)


def _policy_arn(account_id: str, path: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:policy{path}{name}"


# --- managed policies --------------------------------------------------------------


@aws_action("iam:CreatePolicy")
def create_policy(
    *,
    actor: Actor,
    name: str,
    document: str,
    description: str = "",
    path: str = "/",
    tags: list[tuple[str, str]] | None = None,
) -> ManagedPolicy:
    """CreatePolicy; with tags, as the Review and create step sends them, the actor also
    needs iam:TagPolicy (with aws:RequestTag/aws:TagKeys), as in AWS."""
    validators.policy_name(name)
    validators.path(path)
    account = actor.account
    arn = _policy_arn(account.id, path, name)
    # CreatePolicy carries the requested tags as well (aws:RequestTag, aws:TagKeys).
    new_policy = request_context.Target(arn)
    authorize(actor, "iam:CreatePolicy", new_policy, tag_request_context(tags) if tags else None)
    if tags:
        authorize(actor, "iam:TagPolicy", new_policy, tag_request_context(tags))
    # Policy tag keys are case-sensitive: Team and team are two tags.
    tag_list = validators.tags(tags or [], case_insensitive_keys=False)
    if len(description) > MAX_DESCRIPTION:
        raise ValidationError(
            f"The description must be {MAX_DESCRIPTION} characters or fewer.", field="description"
        )
    check_document(document)
    if ManagedPolicy.objects.filter(account=account, name__iexact=name).exists():
        raise EntityAlreadyExists.policy(name)
    now = timezone.now()
    try:
        with transaction.atomic():
            if ManagedPolicy.objects.filter(account=account).count() >= MAX_CUSTOMER_POLICIES:
                raise LimitExceeded.quota("PoliciesPerAccount", MAX_CUSTOMER_POLICIES)
            policy = ManagedPolicy.objects.create(
                account=account,
                name=name,
                path=path,
                unique_id=ids.unique_id(ids.POLICY_PREFIX),
                description=description,
                created_at=now,
                updated_at=now,
                tags=tag_list,
            )
            PolicyVersion.objects.create(
                policy=policy, version_id="v1", document=document, is_default=True, created_at=now
            )
            audit.record(actor, "iam:CreatePolicy", arn)
    except IntegrityError:
        raise EntityAlreadyExists.policy(name) from None
    return policy


def _customer_policy(policy: ManagedPolicy) -> None:
    if policy.is_aws_managed:
        raise InvalidInput("AWS managed policies cannot be edited or deleted.")


# --- tags (customer managed policies only; keys are case-sensitive) -----------------


def _taggable(policy: ManagedPolicy) -> None:
    if policy.is_aws_managed:
        raise InvalidInput("AWS managed policies cannot be tagged.", field="tags")


@aws_action("iam:TagPolicy")
def tag_policy(*, actor: Actor, policy: ManagedPolicy, tags: list[tuple[str, str]]) -> None:
    """TagPolicy: adds tags or replaces the values of keys spelled exactly the same."""
    if policy.is_aws_managed:
        authorize(actor, "iam:TagPolicy", policy, tagging.tag_request_context(tags))
        _taggable(policy)
    tagging.add_tags(
        actor=actor, obj=policy, action="iam:TagPolicy", tags=tags, case_insensitive_keys=False
    )


@aws_action("iam:UntagPolicy")
def untag_policy(*, actor: Actor, policy: ManagedPolicy, keys: list[str]) -> None:
    """UntagPolicy: removes the tags whose keys match exactly."""
    if policy.is_aws_managed:
        authorize(actor, "iam:UntagPolicy", policy, {"aws:TagKeys": list(keys)})
        _taggable(policy)
    tagging.remove_tags(
        actor=actor, obj=policy, action="iam:UntagPolicy", keys=keys, case_insensitive_keys=False
    )


@aws_action("iam:CreatePolicyVersion")
def create_policy_version(
    *, actor: Actor, policy: ManagedPolicy, document: str, set_as_default: bool = True
) -> PolicyVersion:
    """A new version (edits never change a version). At most 5 are kept."""
    authorize(actor, "iam:CreatePolicyVersion", policy)
    _customer_policy(policy)
    check_document(document)
    now = timezone.now()
    with transaction.atomic():
        locked = ManagedPolicy.objects.select_for_update().get(pk=policy.pk)
        versions = list(
            PolicyVersion.objects.filter(policy=locked).values_list("version_id", flat=True)
        )
        if len(versions) >= MAX_VERSIONS:
            raise LimitExceeded(
                "A managed policy can have up to 5 versions. Before you create a new version, "
                "you must delete an existing version.",
                field="document",
            )
        next_number = max(int(v[1:]) for v in versions) + 1 if versions else 1
        if set_as_default:
            PolicyVersion.objects.filter(policy=locked, is_default=True).update(is_default=False)
        version = PolicyVersion.objects.create(
            policy=locked,
            version_id=f"v{next_number}",
            document=document,
            is_default=set_as_default,
            created_at=now,
        )
        locked.updated_at = now
        locked.save(update_fields=["updated_at"])
        audit.record(
            actor, "iam:CreatePolicyVersion", policy.arn, details={"version": version.version_id}
        )
    return version


@aws_action("iam:SetDefaultPolicyVersion")
def set_default_policy_version(*, actor: Actor, policy: ManagedPolicy, version_id: str) -> None:
    authorize(actor, "iam:SetDefaultPolicyVersion", policy)
    _customer_policy(policy)
    with transaction.atomic():
        version = PolicyVersion.objects.filter(policy=policy, version_id=version_id).first()
        if version is None:
            raise NoSuchEntity.policy_version(policy.arn, version_id)
        PolicyVersion.objects.filter(policy=policy, is_default=True).update(is_default=False)
        version.is_default = True
        version.save(update_fields=["is_default"])
        audit.record(
            actor, "iam:SetDefaultPolicyVersion", policy.arn, details={"version": version_id}
        )


@aws_action("iam:DeletePolicyVersion")
def delete_policy_version(*, actor: Actor, policy: ManagedPolicy, version_id: str) -> None:
    authorize(actor, "iam:DeletePolicyVersion", policy)
    _customer_policy(policy)
    with transaction.atomic():
        version = PolicyVersion.objects.filter(policy=policy, version_id=version_id).first()
        if version is None:
            raise NoSuchEntity.policy_version(policy.arn, version_id)
        if version.is_default:
            raise DeleteConflict.default_version()
        version.delete()
        audit.record(actor, "iam:DeletePolicyVersion", policy.arn, details={"version": version_id})


@aws_action("iam:DeletePolicy")
def delete_policy(*, actor: Actor, policy: ManagedPolicy) -> None:
    """DeletePolicy, as AWS's API does it: refused (DeleteConflict) while the policy is
    attached to anything, is a permissions boundary, or has versions besides the default.
    The console's Delete is `delete_policy_with_dependents`."""
    authorize(actor, "iam:DeletePolicy", policy)
    _customer_policy(policy)
    with transaction.atomic():
        locked = ManagedPolicy.objects.select_for_update().filter(pk=policy.pk).first()
        if locked is None:
            raise NoSuchEntity.policy(policy.arn)
        if (
            PolicyAttachment.objects.filter(policy=locked).exists()
            or Principal.objects.filter(permissions_boundary=locked).exists()
            or Role.objects.filter(permissions_boundary=locked).exists()
        ):
            raise DeleteConflict.policy_attached()
        if PolicyVersion.objects.filter(policy=locked, is_default=False).exists():
            raise DeleteConflict.non_default_versions()
        locked.delete()
        audit.record(actor, "iam:DeletePolicy", policy.arn)


def delete_policy_with_dependents(*, actor: Actor, policy: ManagedPolicy) -> None:
    """What the console's Delete does: detaches the policy from every user, group and role
    and deletes its non-default versions, all in one transaction. A policy used as a
    permissions boundary is still refused."""
    attachments = list(
        PolicyAttachment.objects.filter(policy=policy).select_related(
            "user__permissions_boundary", "group", "role__permissions_boundary"
        )
    )
    targets: list[Target] = [
        a.user or a.group or a.role  # type: ignore[misc]
        for a in attachments
    ]
    older_versions = list(
        PolicyVersion.objects.filter(policy=policy, is_default=False).values_list(
            "version_id", flat=True
        )
    )
    for target in targets:
        _authorize_detach(actor, target, policy)
    if older_versions:
        authorize(actor, "iam:DeletePolicyVersion", policy)
    authorize(actor, "iam:DeletePolicy", policy)
    _customer_policy(policy)
    with transaction.atomic():
        if (
            Principal.objects.filter(permissions_boundary=policy).exists()
            or Role.objects.filter(permissions_boundary=policy).exists()
        ):
            raise DeleteConflict.policy_attached()
        for target in targets:
            _write_detach(actor, target, policy)
        if PolicyAttachment.objects.filter(policy=policy).exists():
            raise DeleteConflict.policy_attached()
        for version_id in older_versions:
            audit.record(
                actor, "iam:DeletePolicyVersion", policy.arn, details={"version": version_id}
            )
        policy.delete()
        audit.record(actor, "iam:DeletePolicy", policy.arn)


def attachable_policy(actor: Actor, arn: str) -> ManagedPolicy:
    """An AWS managed policy or one of the actor's account's policies, by ARN."""
    # A customer managed policy may share its name with an AWS managed one: the ARN decides.
    candidates = ManagedPolicy.objects.filter(
        Q(account__isnull=True) | Q(account=actor.account), name=arn.rsplit("/", 1)[-1]
    )
    policy = next((p for p in candidates if p.arn == arn), None)
    if policy is None:
        raise NoSuchEntity.policy(arn)
    return policy


# --- attachments ------------------------------------------------------------------
#
# One implementation per AWS verb, three public writers (user, group, role) named after the
# AWS actions. Each writer has two halves that composite flows (the Create user wizard,
# Create role, Add permissions, Copy permissions) call separately: `_authorize_*` decides
# the call as AWS would (all parts of a flow are decided before anything is written), and
# `_write_*` validates under a row lock, writes and audits, inside the caller's transaction.


def _authorize_attach(actor: Actor, kind: str, seen_as: Resource, policy: ManagedPolicy) -> None:
    """`seen_as` is the entity as the call sees it: itself, or a Target for one being created."""
    authorize(actor, f"iam:Attach{_verb(kind)}Policy", seen_as, {"iam:PolicyARN": policy.arn})


def _write_attach(
    actor: Actor, target: Target, policy: ManagedPolicy, *, field: str = "policies"
) -> None:
    kind = target_kind(target)
    if policy.account_id not in (None, target.account_id):
        raise NoSuchEntity.policy(policy.arn, field=field)
    # The target's row is the lock: two concurrent attaches cannot both pass the quota.
    type(target).objects.select_for_update().filter(pk=target.pk).first()
    attached = PolicyAttachment.objects.filter(**{kind: target})
    if attached.filter(policy=policy).exists():
        return
    if attached.count() >= MAX_ATTACHED[kind]:
        raise LimitExceeded.quota(QUOTA_NAMES[kind], MAX_ATTACHED[kind], field=field)
    PolicyAttachment.objects.create(policy=policy, **{kind: target})
    audit.record(
        actor, f"iam:Attach{_verb(kind)}Policy", target.arn, details={"policy": policy.arn}
    )


def _attach(actor: Actor, target: Target, policy: ManagedPolicy) -> None:
    _authorize_attach(actor, target_kind(target), target, policy)
    with transaction.atomic():
        _write_attach(actor, target, policy)


@aws_action("iam:AttachUserPolicy")
def attach_user_policy(*, actor: Actor, user: Principal, policy: ManagedPolicy) -> None:
    _attach(actor, user, policy)


@aws_action("iam:AttachGroupPolicy")
def attach_group_policy(*, actor: Actor, group: Group, policy: ManagedPolicy) -> None:
    _attach(actor, group, policy)


@aws_action("iam:AttachRolePolicy")
def attach_role_policy(*, actor: Actor, role: Role, policy: ManagedPolicy) -> None:
    _attach(actor, role, policy)


def _authorize_detach(actor: Actor, target: Target, policy: ManagedPolicy) -> None:
    kind = target_kind(target)
    authorize(actor, f"iam:Detach{_verb(kind)}Policy", target, {"iam:PolicyARN": policy.arn})


def _write_detach(actor: Actor, target: Target, policy: ManagedPolicy) -> None:
    kind = target_kind(target)
    deleted, _ = PolicyAttachment.objects.filter(policy=policy, **{kind: target}).delete()
    if not deleted:
        raise NoSuchEntity.policy_not_attached(policy.arn)
    audit.record(
        actor, f"iam:Detach{_verb(kind)}Policy", target.arn, details={"policy": policy.arn}
    )


def _detach(actor: Actor, target: Target, policy: ManagedPolicy) -> None:
    _authorize_detach(actor, target, policy)
    with transaction.atomic():
        _write_detach(actor, target, policy)


@aws_action("iam:DetachUserPolicy")
def detach_user_policy(*, actor: Actor, user: Principal, policy: ManagedPolicy) -> None:
    _detach(actor, user, policy)


@aws_action("iam:DetachGroupPolicy")
def detach_group_policy(*, actor: Actor, group: Group, policy: ManagedPolicy) -> None:
    _detach(actor, group, policy)


@aws_action("iam:DetachRolePolicy")
def detach_role_policy(*, actor: Actor, role: Role, policy: ManagedPolicy) -> None:
    _detach(actor, role, policy)


# --- inline policies ---------------------------------------------------------------


def _size(text: str) -> int:
    return len(_WHITESPACE.sub("", text))


def _authorize_put_inline(actor: Actor, kind: str, seen_as: Resource) -> None:
    authorize(actor, f"iam:Put{_verb(kind)}Policy", seen_as)


def _check_inline(kind: str, name: str, document: str) -> None:
    validators.policy_name(name)
    check_document(document, kind=INLINE_KIND[kind])


def _write_put_inline(actor: Actor, target: Target, name: str, document: str) -> InlinePolicy:
    kind = target_kind(target)
    type(target).objects.select_for_update().filter(pk=target.pk).first()
    others = InlinePolicy.objects.filter(**{kind: target}).exclude(name=name)
    total = _size(document) + sum(_size(p.document) for p in others)
    if total > INLINE_QUOTA[kind]:
        raise LimitExceeded(
            f"Maximum policy size of {INLINE_QUOTA[kind]} bytes exceeded for {kind} {target.name}",
            field="document",
        )
    owner: dict[str, Any] = {kind: target}
    policy, _created = InlinePolicy.objects.update_or_create(
        name=name, defaults={"document": document}, **owner
    )
    audit.record(actor, f"iam:Put{_verb(kind)}Policy", target.arn, details={"policy": name})
    return policy


def _put_inline(actor: Actor, target: Target, name: str, document: str) -> InlinePolicy:
    """PutUserPolicy / PutGroupPolicy / PutRolePolicy: creates or replaces by name."""
    kind = target_kind(target)
    validators.policy_name(name)
    _authorize_put_inline(actor, kind, target)
    _check_inline(kind, name, document)
    with transaction.atomic():
        return _write_put_inline(actor, target, name, document)


@aws_action("iam:PutUserPolicy")
def put_user_policy(*, actor: Actor, user: Principal, name: str, document: str) -> InlinePolicy:
    return _put_inline(actor, user, name, document)


@aws_action("iam:PutGroupPolicy")
def put_group_policy(*, actor: Actor, group: Group, name: str, document: str) -> InlinePolicy:
    return _put_inline(actor, group, name, document)


@aws_action("iam:PutRolePolicy")
def put_role_policy(*, actor: Actor, role: Role, name: str, document: str) -> InlinePolicy:
    return _put_inline(actor, role, name, document)


def _authorize_delete_inline(actor: Actor, target: Target) -> None:
    authorize(actor, f"iam:Delete{_verb(target_kind(target))}Policy", target)


def _write_delete_inline(actor: Actor, target: Target, name: str) -> None:
    kind = target_kind(target)
    deleted, _ = InlinePolicy.objects.filter(name=name, **{kind: target}).delete()
    if not deleted:
        raise NoSuchEntity.inline_policy(kind, name)
    audit.record(actor, f"iam:Delete{_verb(kind)}Policy", target.arn, details={"policy": name})


def _delete_inline(actor: Actor, target: Target, name: str) -> None:
    _authorize_delete_inline(actor, target)
    with transaction.atomic():
        _write_delete_inline(actor, target, name)


@aws_action("iam:DeleteUserPolicy")
def delete_user_policy(*, actor: Actor, user: Principal, name: str) -> None:
    _delete_inline(actor, user, name)


@aws_action("iam:DeleteGroupPolicy")
def delete_group_policy(*, actor: Actor, group: Group, name: str) -> None:
    _delete_inline(actor, group, name)


@aws_action("iam:DeleteRolePolicy")
def delete_role_policy(*, actor: Actor, role: Role, name: str) -> None:
    _delete_inline(actor, role, name)


# --- permissions boundaries --------------------------------------------------------


def _authorize_put_boundary(
    actor: Actor, kind: str, seen_as: Resource, policy: ManagedPolicy
) -> None:
    # The requested boundary, not the current one, is what AWS checks here.
    authorize(
        actor,
        f"iam:Put{_verb(kind)}PermissionsBoundary",
        seen_as,
        {"iam:PermissionsBoundary": policy.arn},
    )


def _write_put_boundary(actor: Actor, target: Principal | Role, policy: ManagedPolicy) -> None:
    if policy.account_id not in (None, target.account_id):
        raise NoSuchEntity.policy(policy.arn)
    target.permissions_boundary = policy
    target.save(update_fields=["permissions_boundary"])
    audit.record(
        actor,
        f"iam:Put{_verb(target_kind(target))}PermissionsBoundary",
        target.arn,
        details={"policy": policy.arn},
    )


def _put_boundary(actor: Actor, target: Principal | Role, policy: ManagedPolicy) -> None:
    _authorize_put_boundary(actor, target_kind(target), target, policy)
    with transaction.atomic():
        _write_put_boundary(actor, target, policy)


@aws_action("iam:PutUserPermissionsBoundary")
def put_user_permissions_boundary(*, actor: Actor, user: Principal, policy: ManagedPolicy) -> None:
    _put_boundary(actor, user, policy)


@aws_action("iam:PutRolePermissionsBoundary")
def put_role_permissions_boundary(*, actor: Actor, role: Role, policy: ManagedPolicy) -> None:
    _put_boundary(actor, role, policy)


def _authorize_delete_boundary(actor: Actor, target: Principal | Role) -> None:
    authorize(actor, f"iam:Delete{_verb(target_kind(target))}PermissionsBoundary", target)


def _write_delete_boundary(actor: Actor, target: Principal | Role) -> None:
    target.permissions_boundary = None
    target.save(update_fields=["permissions_boundary"])
    audit.record(actor, f"iam:Delete{_verb(target_kind(target))}PermissionsBoundary", target.arn)


def _delete_boundary(actor: Actor, target: Principal | Role) -> None:
    _authorize_delete_boundary(actor, target)
    with transaction.atomic():
        _write_delete_boundary(actor, target)


@aws_action("iam:DeleteUserPermissionsBoundary")
def delete_user_permissions_boundary(*, actor: Actor, user: Principal) -> None:
    _delete_boundary(actor, user)


@aws_action("iam:DeleteRolePermissionsBoundary")
def delete_role_permissions_boundary(*, actor: Actor, role: Role) -> None:
    _delete_boundary(actor, role)


def default_document(policy: ManagedPolicy) -> str:
    version = PolicyVersion.objects.filter(policy=policy, is_default=True).only("document").first()
    return version.document if version else "{}"


def documents_by_policy(policies: list[ManagedPolicy]) -> dict[int, Any]:
    """Default version documents for several policies in one query."""
    return dict(
        PolicyVersion.objects.filter(policy__in=policies, is_default=True).values_list(
            "policy_id", "document"
        )
    )
