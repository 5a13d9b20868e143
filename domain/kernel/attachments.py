"""Which policies apply to a principal: attached managed, inline, through groups, boundary.

Documents are compiled once per immutable key: a managed policy version never changes
(an edit makes a new version) and an inline policy is keyed by its last update.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q

from accounts.models import Principal, Role
from policies.engine import CompiledPolicy, compile_policy
from policies.models import AWS_POLICY_ARN_PREFIX, InlinePolicy, PolicyVersion


def _managed_arn(version: PolicyVersion) -> str:
    policy = version.policy
    if policy.account_id is None:
        return f"{AWS_POLICY_ARN_PREFIX}{policy.path}{policy.name}"
    return f"arn:aws:iam::{policy.account_id}:policy{policy.path}{policy.name}"


def _compile_versions(versions: Any, policy_type: str = "identity") -> list[CompiledPolicy]:
    return [
        compile_policy(
            v.document, name=_managed_arn(v), key=("version", v.pk), policy_type=policy_type
        )
        for v in versions
    ]


def _compile_inline(policies: Any, owner: str) -> list[CompiledPolicy]:
    return [
        compile_policy(
            p.document,
            name=f"{owner} inline policy {p.name}",
            key=("inline", p.pk, p.updated_at.isoformat()),
        )
        for p in policies
    ]


def _default_versions(q: Q) -> Any:
    return (
        PolicyVersion.objects.filter(q, is_default=True)
        .select_related("policy")
        .only("id", "document", "policy__name", "policy__path", "policy__account_id")
        .distinct()
        .order_by("policy__name")
    )


def policies_for(principal: Principal) -> dict[str, list[Any]]:
    """The policies the engine weighs for an IAM user's requests."""
    managed = _default_versions(
        Q(policy__attachments__user=principal)
        | Q(policy__attachments__group__groupmembership__principal=principal)
    )
    inline = (
        InlinePolicy.objects.filter(
            Q(user=principal) | Q(group__groupmembership__principal=principal)
        )
        .select_related("group")
        .distinct()
    )
    identity: list[Any] = _compile_versions(managed)
    for policy in inline:
        owner = f"group {policy.group.name}" if policy.group else f"user {principal.name}"
        identity += _compile_inline([policy], owner)
    result: dict[str, list[Any]] = {"identity": identity}
    if principal.permissions_boundary_id:
        result["boundary"] = _compile_versions(
            _default_versions(Q(policy_id=principal.permissions_boundary_id)), "boundary"
        )
    return result


def policies_for_role(role: Role) -> dict[str, list[Any]]:
    """The policies the engine weighs for a session of `role`."""
    managed = _default_versions(Q(policy__attachments__role=role))
    identity: list[Any] = _compile_versions(managed)
    identity += _compile_inline(InlinePolicy.objects.filter(role=role), f"role {role.name}")
    result: dict[str, list[Any]] = {"identity": identity}
    if role.permissions_boundary_id:
        result["boundary"] = _compile_versions(
            _default_versions(Q(policy_id=role.permissions_boundary_id)), "boundary"
        )
    return result
