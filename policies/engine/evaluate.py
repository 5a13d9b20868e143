"""Single-account policy evaluation (policy-language.md sections 1, 2 and 5).

1. An applicable Deny in any policy (identity, boundary, session, resource) -> explicit deny.
2. The account root user is allowed unless explicitly denied.
3. A resource-policy Allow naming the caller (user / session / federated ARN, "*") allows,
   whatever the identity, boundary and session policies say.
4. A resource-policy Allow naming the role of a role session allows if the boundary and
   the session policy (when present) allow too; identity policies are not needed.
5. Otherwise identity ∩ boundary (if any) ∩ session policy (if any) must allow. A
   federated user (GetFederationToken) with no session policy is implicitly denied.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from typing import Any, cast

from .cache import BoundedCache
from .errors import EngineError
from .explain import (
    ALLOW,
    EXPLICIT_DENY,
    IMPLICIT_DENY,
    WHY_ALLOWED,
    Decision,
    StatementRef,
    Why,
    ref,
)
from .policy import (
    EVICTION_HOOKS,
    GRANT_DIRECT,
    GRANT_ROLE,
    MEMO_KEY_CHARS,
    CompiledPolicy,
    CompiledStatement,
    compile_policy,
)
from .request import ACCOUNT, FEDERATED_USER, Request

PolicyLike = CompiledPolicy | Mapping[str, Any] | str
LAYERS = ("identity", "resource", "boundary", "session")  # also the order denies are reported
_LAYER_SET = frozenset(LAYERS)


def _as_compiled(item: object, layer: str, position: int) -> CompiledPolicy:
    if type(item) is CompiledPolicy:
        if (item.policy_type == "resource") != (layer == "resource"):
            raise EngineError(
                f"a policy compiled as {item.policy_type!r} cannot be used as a {layer} policy"
            )
        return item
    ptype = "resource" if layer == "resource" else "identity"
    name = f"{layer} policy #{position + 1}"
    if isinstance(item, str):
        # Text never goes stale, so its hash is its cache key (the text itself would be
        # kept as long as the entry).
        key = ("engine:text", hashlib.sha256(item.encode("utf-8", "surrogatepass")).digest())
        return compile_policy(item, name=name, key=key, policy_type=ptype)
    if isinstance(item, Mapping):
        return compile_policy(item, name=name, policy_type=ptype)
    raise EngineError(f"{layer} policy #{position + 1} is not a dict, JSON text or CompiledPolicy")


def _layers(policies: Mapping[str, Sequence[PolicyLike]]) -> dict[str, list[CompiledPolicy]]:
    if type(policies) is not dict and not isinstance(policies, Mapping):
        raise EngineError("policies must be a mapping of layer name to a list of policies")
    out: dict[str, list[CompiledPolicy]] = {}
    for layer, items in policies.items():
        if layer not in _LAYER_SET:
            raise EngineError(f"unknown policy layer {layer!r}; expected one of {LAYERS}")
        if items is None:
            continue
        if type(items) is not list and isinstance(items, str | Mapping | CompiledPolicy):
            raise EngineError(f"policies[{layer!r}] must be a list of policies")
        if layer != "resource":
            for item in items:
                if type(item) is not CompiledPolicy or item.policy_type == "resource":
                    break
            else:  # the fast path: already compiled
                out[layer] = cast(list[CompiledPolicy], items)
                continue
        out[layer] = [_as_compiled(item, layer, i) for i, item in enumerate(items)]
    return out


class _Plan:
    """The statements of a set of policies that can apply to one action, in order.

    Each step is (statement, its StatementRef, is it in a resource policy). Building it
    walks every policy; a cached plan turns that into one dictionary lookup.
    """

    __slots__ = ("layers", "steps", "has_boundary", "has_session")

    def __init__(self, layers: dict[str, list[CompiledPolicy]], action_lower: str, service: str):
        steps: list[tuple[CompiledStatement, StatementRef, bool]] = []
        for layer in LAYERS:
            is_resource = layer == "resource"
            for pol in layers.get(layer, ()):
                for st in pol.candidates(action_lower, service):
                    steps.append((st, ref(pol, st, layer), is_resource))
        # Its own tuples: explanations read them later, after the caller's lists may change.
        self.layers = {layer: tuple(pols) for layer, pols in layers.items()}
        self.steps = tuple(steps)
        self.has_boundary = bool(layers.get("boundary"))
        self.has_session = bool(layers.get("session"))


# Plans by (action, layer names and their policies). Keyed only when every policy is a
# CompiledPolicy, which compares by identity, so a hit means the very same objects, and
# only when every one of them is in the compiled-policy cache: a plan holds its policies,
# so plans are dropped when a policy leaves that cache, and the plans' own bound covers
# only themselves (about 100 bytes a step).
_PLANS: BoundedCache[tuple[object, ...], _Plan] = BoundedCache("plans", 8 << 20)
EVICTION_HOOKS.append(_PLANS.clear)


def _plan(policies: Mapping[str, Sequence[PolicyLike]], action_lower: str, service: str) -> _Plan:
    key: list[object] | None = None
    if type(policies) is dict:
        key = [action_lower]
        for layer, items in policies.items():
            kind = type(items)
            if kind is not list and kind is not tuple:
                key = None
                break
            key.append((layer, tuple(items)))
    if key is not None:
        try:
            found = _PLANS.peek(tuple(key))
        except TypeError:  # a dict in a list: not compiled, not keyed
            key = None
        else:
            if found is not None:
                return found
    plan = _Plan(_layers(policies), action_lower, service)
    if (
        key is not None
        and len(action_lower) <= MEMO_KEY_CHARS
        and all(
            type(pol) is CompiledPolicy and pol.cached
            for pols in plan.layers.values()
            for pol in pols
        )
    ):
        policies_count = sum(len(pols) for pols in plan.layers.values())
        size = 100 * len(plan.steps) + 80 * policies_count + len(action_lower) + 300
        _PLANS.put(tuple(key), plan, size)
    return plan


def evaluate(policies: Mapping[str, Sequence[PolicyLike]], request: Mapping[str, Any]) -> Decision:
    """Decide whether `request` is allowed under `policies` (single account).

    The decision's `message` and `reasons` are worked out when first read (explain.py).
    """
    req = Request(request)
    plan = _plan(policies, req.action_lower, req.service)
    principal = req.principal
    has_boundary = plan.has_boundary

    denies: list[StatementRef] = []
    allows: list[StatementRef] = []  # in LAYERS order, as the plan is
    allowing: set[str] = set()
    resource_grant = 0

    for st, sref, is_resource in plan.steps:
        grant = GRANT_DIRECT
        if is_resource:
            grant = _principal_grant(st, req, has_boundary)
            if not grant:
                continue
        if denies and not st.is_deny:
            continue  # the outcome is settled; only collect further denies
        if not st.resource_matches(req):
            continue
        if st.conditions and not st.conditions_hold(req):
            continue
        if st.is_deny:
            denies.append(sref)
        else:
            allows.append(sref)
            allowing.add(sref.policy_type)
            if is_resource and (resource_grant == 0 or grant < resource_grant):
                resource_grant = grant

    if denies:
        why = Why(req, layer=denies[0].policy_type)
        return Decision(EXPLICIT_DENY, False, tuple(denies), (), "explicit", None, why)

    matched = tuple(allows)
    if principal.kind == ACCOUNT:
        return Decision(ALLOW, True, matched, (), None, None, WHY_ALLOWED)

    boundary_ok = not has_boundary or "boundary" in allowing
    # A federated user with no session policy is implicitly denied.
    session_ok = "session" in allowing if plan.has_session else principal.kind != FEDERATED_USER

    if resource_grant == GRANT_DIRECT:
        blocker = None
    elif resource_grant == GRANT_ROLE:
        blocker = _first_failing(True, boundary_ok, session_ok)
    else:
        blocker = _first_failing("identity" in allowing, boundary_ok, session_ok)
    if blocker is None:
        return Decision(ALLOW, True, matched, (), None, None, WHY_ALLOWED)

    req.snapshot()  # the reasons are read later, if at all
    why = Why(req, plan.layers, blocker)
    return Decision(IMPLICIT_DENY, False, matched, None, blocker, None, why)


def condition_keys(policies: Mapping[str, Sequence[PolicyLike]], action: str) -> tuple[str, ...]:
    """The condition keys (as written, first spelling wins) of the statements that can apply
    to `action`, in policy and statement order: what a simulation needs values for."""
    action_lower = action.lower()
    service = action_lower.partition(":")[0]
    seen: dict[str, str] = {}
    for st, _, _ in _plan(policies, action_lower, service).steps:
        for test in st.conditions:
            seen.setdefault(test.key, test.key_text)
    return tuple(seen.values())


def _principal_grant(st: CompiledStatement, req: Request, has_boundary: bool) -> int:
    matcher = st.principal
    if matcher is None:  # pragma: no cover - resource policies always have one
        return 0
    if st.not_principal:
        # AWS: a NotPrincipal Deny always denies a principal that has a permissions boundary.
        if st.is_deny and has_boundary:
            return GRANT_DIRECT
        return 0 if matcher.lists(req.principal) else GRANT_DIRECT
    return matcher.grant(req.principal)


def _first_failing(identity_ok: bool, boundary_ok: bool, session_ok: bool) -> str | None:
    if not identity_ok:
        return "identity"
    if not boundary_ok:
        return "boundary"
    if not session_ok:
        return "session"
    return None
