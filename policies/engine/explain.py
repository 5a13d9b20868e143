"""The decision and its explanation: matched statements, reasons, AWS's message."""

from __future__ import annotations

from dataclasses import dataclass

from .conditions import CompiledTest
from .policy import CompiledPolicy, CompiledStatement
from .request import Request

ALLOW = "allow"
EXPLICIT_DENY = "explicit_deny"
IMPLICIT_DENY = "implicit_deny"

# How AWS names each policy type in AccessDenied messages.
_TYPE_PHRASE = {
    "identity": "identity-based policy",
    "boundary": "permissions boundary",
    "session": "session policy",
    "resource": "resource-based policy",
}
_ARTICLE = {
    "identity": "an",
    "boundary": "a",
    "session": "a",
    "resource": "a",
}
_LAYER_NAME = {
    "identity": "identity-based policies",
    "boundary": "the permissions boundary",
    "session": "the session policy",
    "resource": "the resource-based policy",
}


@dataclass(frozen=True, slots=True)
class StatementRef:
    """A statement that took part in the decision."""

    policy: str
    policy_type: str  # "identity" | "boundary" | "session" | "resource"
    sid: str | None
    index: int  # 0-based position in the policy's Statement list
    effect: str  # "Allow" | "Deny"

    def label(self) -> str:
        sid = f" ({self.sid})" if self.sid else ""
        return f"{self.policy} statement {self.index}{sid}"


@dataclass(frozen=True, slots=True)
class Decision:
    effect: str  # "allow" | "explicit_deny" | "implicit_deny"
    allowed: bool
    matched: tuple[StatementRef, ...] = ()
    reasons: tuple[str, ...] = ()
    denied_by: str | None = None  # "identity" | "boundary" | "session" | "explicit"
    message: str = ""


def ref(policy: CompiledPolicy, statement: CompiledStatement, layer: str) -> StatementRef:
    """The (immutable, so cached per policy) reference to a statement in a layer."""
    key = (statement.index, layer)
    found: StatementRef | None = policy.refs.get(key)
    if found is None:
        found = StatementRef(policy.name, layer, statement.sid, statement.index, statement.effect)
        policy.refs[key] = found
    return found


def _head(request: Request) -> str:
    text = f"User: {request.principal.arn} is not authorized to perform: {request.action}"
    # AWS names the resource even when it is "*" (actions with no resource type, such as
    # iam:ListAccountAliases: "... on resource: * because no identity-based policy ...").
    if request.resource:
        text += f" on resource: {request.resource}"
    return text


def explicit_deny_message(request: Request, policy_type: str) -> str:
    return (
        f"{_head(request)} with an explicit deny in {_ARTICLE[policy_type]} "
        f"{_TYPE_PHRASE[policy_type]}"
    )


def implicit_deny_message(request: Request, layer: str) -> str:
    return f"{_head(request)} because no {_TYPE_PHRASE[layer]} allows the {request.action} action"


def allow_message(matched: tuple[StatementRef, ...]) -> str:
    if not matched:
        return "Allowed: the account root user is allowed unless explicitly denied"
    return "Allowed by " + ", ".join(r.label() for r in matched)


def _describe_test(test: CompiledTest, request: Request) -> str:
    values = request.get(test.key)
    if values is None and test.spec.family != "null":
        return f"condition {test.spec.name} on key {test.key_text} not met: key missing"
    return f"condition {test.spec.name} on key {test.key_text} not met"


def policy_reasons(policy: CompiledPolicy, request: Request, *, check_principal: bool) -> list[str]:
    """Why no Allow statement of this policy applies to the request."""
    candidates = [
        s for s in policy.candidates(request.action_lower, request.service) if not s.is_deny
    ]
    if not candidates:
        # Depends only on the action: remembered per policy, like the candidates.
        memo = policy.reason_memo
        found = memo.get(request.action)
        if found is None:
            if not policy.has_allow:
                found = (f"{policy.name}: has no Allow statements",)
            else:
                found = (f"{policy.name}: no Allow statement matches action {request.action}",)
            if len(memo) >= 2048:
                memo.clear()
            memo[request.action] = found
        return list(found)
    out: list[str] = []
    for st in candidates:
        where = f"{policy.name} statement {st.index}" + (f" ({st.sid})" if st.sid else "")
        if check_principal and st.principal is not None:
            if st.not_principal:
                if st.principal.lists(request.principal):
                    out.append(f"{where}: principal is excluded by NotPrincipal")
                    continue
            elif not st.principal.grant(request.principal):
                out.append(f"{where}: principal not matched")
                continue
        if not st.resource_matches(request):
            out.append(f"{where}: resource {request.resource} not matched")
            continue
        failed = None
        get, single = request.get, request.single
        for test in st.conditions:
            if not test.evaluate(get, single):
                failed = test
                break
        if failed is not None:
            out.append(f"{where}: {_describe_test(failed, request)}")
            continue
        out.append(f"{where}: applies")
    return out


def layer_summary(layer: str, request: Request) -> str:
    return (
        f"{_LAYER_NAME[layer]} do not allow {request.action}"
        if layer == "identity"
        else (f"{_LAYER_NAME[layer]} does not allow {request.action}")
    )
