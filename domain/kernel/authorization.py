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

from typing import Any

from accounts.models import AuditEvent, Principal
from domain.kernel import attachments, audit
from domain.kernel.actors import Actor
from domain.kernel.errors import AccessDenied
from domain.kernel.request_context import Resource, Target, context_for, resource_arn
from policies.engine import Decision, evaluate

__all__ = [
    "Resource",
    "Target",
    "authorize",
    "decide",
    "is_allowed",
    "policies_for",
    "policies_for_actor",
]


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
    actor: Actor, action: str, resource: Resource, context: dict[str, Any] | None = None
) -> Decision | None:
    """The engine's decision for a non-root actor; None for root (always allowed)."""
    if actor.is_root:
        resource_arn(resource)  # the same misuse fails for root as for everyone else
        return None
    return evaluate(policies_of(actor), request_for(actor, action, resource, context))


def is_allowed(
    actor: Actor, action: str, resource: Resource, context: dict[str, Any] | None = None
) -> bool:
    decision = decide(actor, action, resource, context)
    return decision is None or decision.allowed


def authorize(
    actor: Actor, action: str, resource: Resource, context: dict[str, Any] | None = None
) -> None:
    decision = decide(actor, action, resource, context)
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
