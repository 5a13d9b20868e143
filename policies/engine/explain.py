"""The decision and its explanation: matched statements, reasons, AWS's message."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .conditions import CompiledTest
from .policy import MAX_MEMO, MEMO_KEY_CHARS, CompiledPolicy, CompiledStatement
from .request import SERVICE, Request

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


class Decision:
    """The outcome of `evaluate`: effect, matched statements, reasons and AWS's message.

    Immutable (the fields are read-only properties), compared, hashed and printed by its
    six fields like the frozen dataclass it replaces. `message` and `reasons` read as a
    str and a tuple, but `evaluate` leaves them to be worked out on first read (see
    `Why`): most callers only look at `allowed`, and building the explanation was a
    large part of a decision.
    """

    __slots__ = ("_effect", "_allowed", "_matched", "_denied_by", "_reasons", "_message", "_why")
    # A literal tuple (mypy checks `match` patterns only against one); also the repr's order.
    __match_args__ = ("effect", "allowed", "matched", "reasons", "denied_by", "message")

    def __init__(
        self,
        effect: str,
        allowed: bool,
        matched: tuple[StatementRef, ...] = (),
        reasons: tuple[str, ...] | None = (),
        denied_by: str | None = None,
        message: str | None = "",
        why: Why | None = None,
    ) -> None:
        self._effect = effect
        self._allowed = allowed
        self._matched = matched
        self._denied_by = denied_by
        self._reasons = reasons  # None: ask `why` on first read
        self._message = message  # None: ask `why` on first read
        self._why = why

    @property
    def effect(self) -> str:
        """ "allow" | "explicit_deny" | "implicit_deny"."""
        return self._effect

    @property
    def allowed(self) -> bool:
        return self._allowed

    @property
    def matched(self) -> tuple[StatementRef, ...]:
        return self._matched

    @property
    def denied_by(self) -> str | None:
        """ "identity" | "boundary" | "session" | "explicit", or None when allowed."""
        return self._denied_by

    @property
    def message(self) -> str:
        found = self._message
        if found is None:
            assert self._why is not None
            found = self._message = self._why.message(self._matched)
        return found

    @property
    def reasons(self) -> tuple[str, ...]:
        found = self._reasons
        if found is None:
            assert self._why is not None
            found = self._reasons = self._why.reasons()
        return found

    def _fields(self) -> tuple[object, ...]:
        return (
            self._effect,
            self._allowed,
            self._matched,
            self.reasons,
            self._denied_by,
            self.message,
        )

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()

    def __hash__(self) -> int:
        return hash(self._fields())

    def __repr__(self) -> str:
        inner = ", ".join(
            f"{n}={v!r}" for n, v in zip(self.__match_args__, self._fields(), strict=True)
        )
        return f"Decision({inner})"

    def __reduce__(self) -> tuple[type[Decision], tuple[object, ...]]:
        return (Decision, self._fields())


class Why:
    """What a lazy decision needs to explain itself (see evaluate.py)."""

    __slots__ = ("request", "layers", "blocker", "layer")

    def __init__(
        self,
        request: Request | None,
        layers: Mapping[str, Sequence[CompiledPolicy]] | None = None,
        blocker: str | None = None,
        layer: str | None = None,
    ) -> None:
        self.request = request
        self.layers = layers
        self.blocker = blocker  # implicit deny: the layer that did not allow
        self.layer = layer  # explicit deny: the type of the denying policy

    def message(self, matched: tuple[StatementRef, ...]) -> str:
        request = self.request
        if request is None:
            return allow_message(matched)
        if self.layer is not None:
            return explicit_deny_message(request, self.layer)
        layer = self.blocker or "identity"
        if request.principal.kind == SERVICE and layer == "identity":
            layer = "resource"
        return implicit_deny_message(request, layer)

    def reasons(self) -> tuple[str, ...]:
        if self.blocker is None or self.layers is None or self.request is None:
            return ()
        return tuple(implicit_deny_reasons(self.blocker, self.layers, self.request))


WHY_ALLOWED = Why(None)  # an Allow's message depends only on the matched statements


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
            if len(request.action) <= MEMO_KEY_CHARS:
                if len(memo) >= MAX_MEMO:
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


def implicit_deny_reasons(
    blocker: str, layers: Mapping[str, Sequence[CompiledPolicy]], req: Request
) -> list[str]:
    """Why the `blocker` layer (and, for identity, the resource policies) did not allow."""
    out = [layer_summary(blocker, req)]
    if blocker == "session" and not layers.get("session"):
        out.append("a federated user session has no session policy, so nothing is allowed")
        return out
    pols = layers.get(blocker, ())
    if blocker == "identity" and not pols:
        out.append("no identity-based policies apply to the principal")
    for pol in pols:
        out.extend(policy_reasons(pol, req, check_principal=False))
    if blocker == "identity":
        for pol in layers.get("resource", ()):
            out.extend(policy_reasons(pol, req, check_principal=True))
    return out
