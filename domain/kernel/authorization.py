"""The console enforces IAM on itself: every service call is decided here.

`authorize(actor, action, resource, context)` allows the root user always (IAM policies
cannot limit root) and asks the engine about everyone else, over the policies that apply to
them. `resource` is the object acted on (a user, role, policy, ...), a `Target` for one
being created, or an ARN string only for account-wide resources ("*", list wildcards,
groups): the request context then carries the caller's keys and the keys AWS sends about the
target and the request (domain.kernel.request_context). A denial is recorded in the audit trail
and raised as AccessDenied with the engine's AWS-style message.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accounts.models import AuditEvent, Principal
from domain.kernel import attachments, audit
from domain.kernel.actors import Actor
from domain.kernel.errors import NO_RESOURCE_POLICY, AccessDenied
from domain.kernel.request_context import Resource, Target, context_for, resource_arn
from policies.engine import Decision, evaluate
from policies.engine.explain import EXPLICIT_DENY, IMPLICIT_DENY

__all__ = [
    "Resource",
    "ResourcePolicy",
    "Target",
    "authorize",
    "decide",
    "is_allowed",
    "policies_for",
    "policies_for_actor",
]


@dataclass(frozen=True, slots=True)
class ResourcePolicy:
    """The resource-based policy of the resource acted on (a bucket policy) and the account
    that owns the resource (policy-language.md sections 1 and 9).

    Same account: identity and resource policies are a union (the resource policy alone may
    allow; the owner's root is always allowed). Another account: both sides must allow, and
    that account's root is limited by the resource policy alone.
    """

    owner_account_id: str
    document: str = ""


def policies_for(principal: Principal) -> dict[str, list[Any]]:
    """The policy documents the engine weighs for `principal`'s requests."""
    return attachments.policies_for(principal)


def policies_for_actor(actor: Actor) -> dict[str, list[Any]]:
    """The caller's policies: a role session's are the role's (identity, boundary) plus the
    session policies it was given; anyone else's are their principal's."""
    session = actor.role_session
    if session is None:
        return policies_for(actor.principal)
    assert session.role is not None
    policies = attachments.policies_for_role(session.role)
    if session.session_policy or session.session_policy_arns:
        policies["session"] = attachments.session_policies(
            session.credential_id, session.session_policy, session.session_policy_arns
        )
    return policies


def principal_for(actor: Actor) -> dict[str, Any]:
    """The engine's view of the caller (its ARN, aws:userid, aws:PrincipalTag/*, ...)."""
    session = actor.role_session
    if session is not None:
        role = session.role
        assert role is not None
        # A role session's principal tags: the role's, overridden by the session tags.
        tags = {t["Key"]: t["Value"] for t in role.tags} | dict(session.tags)
        return {
            "arn": session.arn,
            "role_arn": role.arn,
            "username": None,
            "userid": session.userid,
            "account": role.account_id,
            "tags": tags,
        }
    principal = actor.principal
    return {
        "arn": principal.arn,
        "username": None if principal.is_root else principal.name,
        "userid": principal.unique_id,
        "account": principal.account_id,
        "tags": principal.tag_dict(),
    }


def policies_of(actor: Actor) -> dict[str, list[Any]]:
    """`actor`'s policies, read once per request: N decisions on one page cost one load."""
    cache = actor.policy_cache
    current = attachments.generation()
    if cache.get("generation") != current or "policies" not in cache:
        cache["policies"] = policies_for_actor(actor)
        cache["generation"] = current
    policies: dict[str, list[Any]] = cache["policies"]
    return policies


def request_for(
    actor: Actor, action: str, resource: Resource, context: dict[str, Any] | None
) -> dict[str, Any]:
    return {
        "principal": principal_for(actor),
        "action": action,
        "resource": resource_arn(resource),
        "context": actor.context() | context_for(action, resource, context),
    }


def decide(
    actor: Actor,
    action: str,
    resource: Resource,
    context: dict[str, Any] | None = None,
    resource_policy: ResourcePolicy | None = None,
) -> Decision | None:
    """The engine's decision for a non-root actor; None for root (always allowed)."""
    if resource_policy is not None and resource_policy.owner_account_id != actor.account.id:
        return _decide_cross_account(actor, action, resource, context, resource_policy)
    if actor.is_root:
        resource_arn(resource)  # the same misuse fails for root as for everyone else
        return None
    if isinstance(resource, Principal) and resource.is_root:
        # The root user's own credentials (password, keys, MFA) answer to root alone: no
        # policy lets a user or a role session (a federated one acts for the account) near them.
        return Decision(
            IMPLICIT_DENY, False, message=_not_root_message(actor, action, resource.arn)
        )
    policies = policies_of(actor)
    if resource_policy is not None and resource_policy.document:
        policies = policies | {"resource": [resource_policy.document]}
    return evaluate(policies, request_for(actor, action, resource, context))


def _decide_cross_account(
    actor: Actor,
    action: str,
    resource: Resource,
    context: dict[str, Any] | None,
    resource_policy: ResourcePolicy,
) -> Decision:
    """Both sides must allow: the caller's own policies (its account's root needs none) and
    a statement of the resource policy naming the caller or its account; a deny on either
    side denies."""
    request = request_for(actor, action, resource, context)
    identity = {} if actor.is_root else policies_of(actor)
    layers = dict(identity)
    if resource_policy.document:
        layers["resource"] = [resource_policy.document]
    combined = evaluate(layers, request)
    if combined.effect == EXPLICIT_DENY:
        return combined
    if not actor.is_root:
        own = evaluate(identity, request)
        if not own.allowed:
            return own
    if any(ref.policy_type == "resource" for ref in combined.matched):
        return combined
    message = NO_RESOURCE_POLICY.format(arn=actor.arn, action=action, resource=request["resource"])
    return Decision(IMPLICIT_DENY, False, (), (), "resource", message)


def _not_root_message(actor: Actor, action: str, arn: str) -> str:
    return (
        f"User: {actor.arn} is not authorized to perform: {action} on resource: {arn} "
        "because only the root user can manage the root user's credentials"
    )


def is_allowed(
    actor: Actor,
    action: str,
    resource: Resource,
    context: dict[str, Any] | None = None,
    resource_policy: ResourcePolicy | None = None,
) -> bool:
    decision = decide(actor, action, resource, context, resource_policy)
    return decision is None or decision.allowed


def authorize(
    actor: Actor,
    action: str,
    resource: Resource,
    context: dict[str, Any] | None = None,
    resource_policy: ResourcePolicy | None = None,
) -> None:
    decision = decide(actor, action, resource, context, resource_policy)
    if decision is None or decision.allowed:
        return
    audit.record(
        actor,
        action,
        resource_arn(resource),
        outcome=AuditEvent.Outcome.DENIED,
        error_code=AccessDenied.code,
        error_message=decision.message,
        details={"effect": decision.effect},
    )
    denied = AccessDenied(decision.message)
    denied.decision = decision
    denied.request = request_for(actor, action, resource, context)
    raise denied
