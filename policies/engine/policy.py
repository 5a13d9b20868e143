"""Compiling a policy document into matchers, once, and caching the result.

A `CompiledPolicy` holds one `CompiledStatement` per statement. Action matching is
memoised per policy: the statements whose Action/NotAction covers a given action are
computed the first time that action is seen and reused afterwards, so a warm decision
only checks resources, principals and conditions of the statements that can apply.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .cache import BoundedCache
from .conditions import CompiledTest, compile_condition
from .errors import EngineError
from .glob import RESOURCE, GlobSet, has_wildcard, pieces_matcher
from .jsonpos import too_deep_at
from .request import ACCOUNT, SERVICE, Principal, Request
from .variables import TemplatePiece, parse_template, resolve

POLICY_TYPES = ("identity", "boundary", "session", "resource")
VALID_VERSIONS = ("2012-10-17", "2008-10-17")
TOP_ELEMENTS = frozenset({"Version", "Id", "Statement"})
STATEMENT_ELEMENTS = frozenset(
    {
        "Sid",
        "Effect",
        "Action",
        "NotAction",
        "Resource",
        "NotResource",
        "Principal",
        "NotPrincipal",
        "Condition",
    }
)
PRINCIPAL_KINDS = frozenset({"AWS", "Service", "Federated", "CanonicalUser"})

# Grants a resource-policy Allow can give (see evaluate.py).
GRANT_DIRECT = 1  # names the caller (user / session / federated ARN, "*")
GRANT_ROLE = 2  # names the role of a role session: limited by boundary and session policy
GRANT_ACCOUNT = 3  # names the account: same account, so it delegates to identity policies


def string_list(value: object, element: str) -> list[str]:
    """A string or list of strings (IAM accepts both everywhere a list is allowed)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    raise EngineError(f"{element} must be a string or a list of strings")


def statements_of(document: Mapping[str, Any]) -> list[object]:
    statements = document.get("Statement")
    if isinstance(statements, Mapping):
        return [statements]
    if isinstance(statements, list) and statements:
        return statements
    raise EngineError("Statement must be an object or a non-empty list")


# ------------------------------------------------------------------------ resources


class ResourceMatcher:
    """Resource/NotResource entries: static ones precompiled, variable ones resolved lazily."""

    __slots__ = ("static", "templates", "patterns")

    def __init__(self, patterns: list[str], use_vars: bool) -> None:
        static: list[str] = []
        templates: list[tuple[TemplatePiece, ...]] = []
        for pattern in patterns:
            pieces = _resource_template(pattern) if use_vars else None
            if pieces is None:
                static.append(pattern)
            else:
                templates.append(pieces)
        self.patterns = tuple(patterns)
        self.static = GlobSet(static, resource_rule=True)
        self.templates = tuple(templates)

    def matches(self, resource: str, request: Request) -> bool:
        if self.static.matches(resource):
            return True
        for template in self.templates:
            pieces = resolve(template, request.single)
            # An entry with an unresolved variable matches no resource.
            if pieces is not None and pieces_matcher(pieces, RESOURCE).matches(resource):
                return True
        return False


def _resource_template(pattern: str) -> tuple[TemplatePiece, ...] | None:
    """Variables are read only in the resource part, after the fifth colon."""
    parts = pattern.split(":", 5)
    if len(parts) < 6:
        return None
    tail = parse_template(parts[5])
    if tail is None:
        return None
    head = ":".join(parts[:5]) + ":"
    return ((False, head), *tail)


# ----------------------------------------------------------------------- principals


class PrincipalMatcher:
    """Principal / NotPrincipal of a resource-based (or trust) policy statement."""

    __slots__ = ("everyone", "aws_any", "arns", "accounts", "services", "federated", "canonical")

    def __init__(self, value: object) -> None:
        self.everyone = False
        self.aws_any = False
        arns: set[str] = set()
        accounts: set[str] = set()
        services: set[str] = set()
        federated: set[str] = set()
        canonical: set[str] = set()
        if value == "*":
            self.everyone = True
        elif isinstance(value, Mapping) and value:
            for kind, entries in value.items():
                if kind not in PRINCIPAL_KINDS:
                    raise EngineError(f"unknown principal type {kind!r}")
                for entry in string_list(entries, f"Principal {kind}"):
                    if kind == "AWS":
                        if entry == "*":
                            self.aws_any = True
                        elif entry.isdigit() and len(entry) == 12:
                            accounts.add(entry)
                        else:
                            account = _root_account(entry)
                            if account is not None:
                                accounts.add(account)
                            else:
                                arns.add(entry)
                    elif kind == "Service":
                        if entry == "*":
                            raise EngineError("a Service principal cannot be '*'")
                        services.add(entry.lower())
                    elif kind == "Federated":
                        federated.add(entry)
                    else:
                        canonical.add(entry)
        else:
            raise EngineError('Principal must be "*" or a non-empty object')
        self.arns = frozenset(arns)
        self.accounts = frozenset(accounts)
        self.services = frozenset(services)
        self.federated = frozenset(federated)
        self.canonical = frozenset(canonical)

    def grant(self, principal: Principal) -> int:
        """0 when the statement does not name the caller, else the GRANT_* kind."""
        if self.everyone:
            return GRANT_DIRECT
        if principal.kind == SERVICE:
            return GRANT_DIRECT if principal.arn.lower() in self.services else 0
        if self.aws_any or principal.arn in self.arns:
            return GRANT_DIRECT
        if principal.federated is not None and principal.federated in self.federated:
            return GRANT_DIRECT
        if principal.role_arn is not None and principal.role_arn in self.arns:
            return GRANT_ROLE
        if principal.account in self.accounts:
            return GRANT_DIRECT if principal.kind == ACCOUNT else GRANT_ACCOUNT
        return 0

    def lists(self, principal: Principal) -> bool:
        """For NotPrincipal: is the caller one of the listed (exempt) principals?

        An account entry exempts only the account root user, not the account's users.
        """
        if self.everyone:
            return True
        if principal.kind == SERVICE:
            return principal.arn.lower() in self.services
        if self.aws_any or principal.arn in self.arns:
            return True
        if principal.role_arn is not None and principal.role_arn in self.arns:
            return True
        return principal.kind == ACCOUNT and principal.account in self.accounts


def _root_account(entry: str) -> str | None:
    parts = entry.split(":")
    if len(parts) == 6 and parts[0] == "arn" and parts[2] == "iam" and parts[5] == "root":
        return parts[4]
    return None


# ----------------------------------------------------------------------- statements


@dataclass(slots=True, eq=False)
class CompiledStatement:
    index: int
    sid: str | None
    is_deny: bool
    actions: GlobSet
    not_action: bool
    resources: ResourceMatcher
    not_resource: bool
    conditions: tuple[CompiledTest, ...]
    principal: PrincipalMatcher | None = None
    not_principal: bool = False

    @property
    def effect(self) -> str:
        return "Deny" if self.is_deny else "Allow"

    def action_matches(self, action_lower: str) -> bool:
        return self.actions.matches(action_lower) != self.not_action

    def resource_matches(self, request: Request) -> bool:
        return self.resources.matches(request.resource, request) != self.not_resource

    def conditions_hold(self, request: Request) -> bool:
        get = request.get
        single = request.single
        for test in self.conditions:  # noqa: SIM110 - a plain loop is faster here
            if not test.evaluate(get, single):
                return False
        return True


def _compile_statement(
    raw: object, index: int, use_vars: bool, policy_type: str
) -> CompiledStatement:
    if not isinstance(raw, Mapping):
        raise EngineError(f"statement {index} is not a JSON object")
    unknown = set(raw) - STATEMENT_ELEMENTS
    if unknown:
        raise EngineError(f"statement {index} has unknown element(s) {sorted(unknown)}")
    effect = raw.get("Effect")
    if effect not in ("Allow", "Deny"):
        raise EngineError(f"statement {index}: Effect must be exactly Allow or Deny")
    sid = raw.get("Sid")
    if sid is not None and not isinstance(sid, str):
        raise EngineError(f"statement {index}: Sid must be a string")

    if ("Action" in raw) == ("NotAction" in raw):
        raise EngineError(f"statement {index} needs exactly one of Action or NotAction")
    not_action = "NotAction" in raw
    actions = string_list(raw["NotAction" if not_action else "Action"], "Action")
    if not actions:
        raise EngineError(f"statement {index} has no actions")
    for action in actions:
        if action != "*" and action.count(":") != 1:
            raise EngineError(f"statement {index}: action {action!r} needs one vendor prefix")

    has_res = "Resource" in raw or "NotResource" in raw
    if "Resource" in raw and "NotResource" in raw:
        raise EngineError(f"statement {index} has both Resource and NotResource")
    principal: PrincipalMatcher | None = None
    not_principal = "NotPrincipal" in raw
    if "Principal" in raw or not_principal:
        if policy_type != "resource":
            raise EngineError(f"statement {index}: a {policy_type} policy cannot name a principal")
        if "Principal" in raw and not_principal:
            raise EngineError(f"statement {index} has both Principal and NotPrincipal")
        principal = PrincipalMatcher(raw["NotPrincipal" if not_principal else "Principal"])
    elif policy_type == "resource":
        raise EngineError(f"statement {index}: a resource-based policy needs a Principal")

    if has_res:
        not_resource = "NotResource" in raw
        resources = string_list(raw["NotResource" if not_resource else "Resource"], "Resource")
        if not resources:
            raise EngineError(f"statement {index} has no resources")
    elif policy_type == "resource":
        # A trust policy has no Resource: it applies to the role it is attached to.
        not_resource, resources = False, ["*"]
    else:
        raise EngineError(f"statement {index} has no Resource or NotResource")

    conditions: tuple[CompiledTest, ...] = ()
    if "Condition" in raw:
        conditions = compile_condition(raw["Condition"], use_vars=use_vars)

    return CompiledStatement(
        index=index,
        sid=sid or None,
        is_deny=effect == "Deny",
        actions=GlobSet(a.lower() for a in actions),
        not_action=not_action,
        resources=ResourceMatcher(resources, use_vars),
        not_resource=not_resource,
        conditions=conditions,
        principal=principal,
        not_principal=not_principal,
    )


# -------------------------------------------------------------------------- policies

# Per-policy memos are bounded too, so that a cached policy's size stays near its
# estimate: at most this many actions, each at most MEMO_KEY_CHARS long (the longest
# action of the catalogue has 71 characters; longer ones are simply not remembered).
MAX_MEMO = 128
MEMO_KEY_CHARS = 128


@dataclass(slots=True, eq=False)
class CompiledPolicy:
    """A policy document compiled for evaluation. Immutable once built."""

    name: str
    policy_type: str
    version: str | None
    statements: tuple[CompiledStatement, ...]
    _by_service: dict[str, tuple[CompiledStatement, ...]]
    _wild: tuple[CompiledStatement, ...]
    _memo: dict[str, tuple[CompiledStatement, ...]] = field(default_factory=dict)
    # Per-policy caches of immutable explanation objects (see explain.py).
    refs: dict[tuple[int, str], Any] = field(default_factory=dict)
    reason_memo: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # Estimated bytes (see compiled_size), and whether the cache holds it now.
    size: int = 0
    cached: bool = False

    @property
    def has_allow(self) -> bool:
        return any(not s.is_deny for s in self.statements)

    def candidates(self, action_lower: str, service: str) -> tuple[CompiledStatement, ...]:
        """Statements (in document order) whose Action/NotAction covers the action."""
        memo = self._memo
        hit = memo.get(action_lower)
        if hit is not None:
            return hit
        pool = self._by_service.get(service, ())
        if self._wild:
            pool = tuple(sorted((*pool, *self._wild), key=lambda s: s.index))
        found = tuple(s for s in pool if s.action_matches(action_lower))
        if len(action_lower) <= MEMO_KEY_CHARS:
            if len(memo) >= MAX_MEMO:
                memo.clear()
            memo[action_lower] = found
        return found


def load_document(document: object) -> Mapping[str, Any]:
    if isinstance(document, str):
        if too_deep_at(document) != -1:
            raise EngineError("policy is nested too deeply")
        try:
            document = json.loads(document, object_pairs_hook=_no_duplicates)
        except json.JSONDecodeError as exc:
            raise EngineError(f"policy is not valid JSON: {exc}") from None
        except RecursionError:
            raise EngineError("policy is nested too deeply") from None
    if not isinstance(document, Mapping):
        raise EngineError("a policy document must be a JSON object")
    return document


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise EngineError(f"policy has duplicate key {key!r}")
        out[key] = value
    return out


def build_policy(document: object, *, name: str | None, policy_type: str) -> CompiledPolicy:
    if policy_type not in POLICY_TYPES:
        raise EngineError(f"policy_type must be one of {POLICY_TYPES}, not {policy_type!r}")
    doc = load_document(document)
    unknown = set(doc) - TOP_ELEMENTS
    if unknown:
        raise EngineError(f"policy has unknown top-level element(s) {sorted(unknown)}")
    version = doc.get("Version")
    if version is not None and version not in VALID_VERSIONS:
        raise EngineError(f"policy Version {version!r} is not 2012-10-17 or 2008-10-17")
    use_vars = version == "2012-10-17"
    statements = tuple(
        _compile_statement(raw, i, use_vars, policy_type)
        for i, raw in enumerate(statements_of(doc))
    )
    by_service: dict[str, list[CompiledStatement]] = {}
    wild: list[CompiledStatement] = []
    for st in statements:
        services = _services(st)
        if services is None:
            wild.append(st)
        else:
            for svc in services:
                by_service.setdefault(svc, []).append(st)
    return CompiledPolicy(
        name=name or "inline policy",
        policy_type=policy_type,
        version=version,
        statements=statements,
        _by_service={k: tuple(v) for k, v in by_service.items()},
        _wild=tuple(wild),
    )


def _services(statement: CompiledStatement) -> set[str] | None:
    """Service prefixes an Action can match, or None if it may match any service."""
    if statement.not_action or statement.actions.match_all:
        return None
    services: set[str] = set()
    for pattern in statement.actions.patterns:
        service = pattern.partition(":")[0]
        if has_wildcard(service):
            return None
        services.add(service)
    return services


# ---------------------------------------------------------------------------- cache

# A compiled policy takes 3 to 17 bytes of memory per character of its JSON text
# (tracemalloc over documents of 1 KB to 180 KB; small statements cost the most), plus
# its bounded memos: up to MAX_MEMO actions with their statement tuples and reasons,
# about 40 KB when full. Counted as 20 bytes per character plus 40 KB.
BYTES_PER_CHAR = 20
FIXED_BYTES = 40 << 10
CACHE_BYTES = 64 << 20

# Called (with no argument) when a policy leaves the cache, so that other caches holding
# compiled policies (evaluate's plans) let go of them too.
EVICTION_HOOKS: list[Callable[[], None]] = []


def _evicted(key: Hashable, policy: CompiledPolicy) -> None:
    policy.cached = False
    for hook in EVICTION_HOOKS:
        hook()


_cache: BoundedCache[Hashable, CompiledPolicy] = BoundedCache(
    "compiled policies", CACHE_BYTES, on_evict=_evicted
)


def compiled_size(document: object) -> int:
    """Estimated bytes of the compiled form of `document` (text or parsed JSON)."""
    text = document if isinstance(document, str) else json.dumps(document, default=str)
    return BYTES_PER_CHAR * len(text) + FIXED_BYTES


def compile_policy(
    document: object,
    *,
    name: str | None = None,
    key: Hashable | None = None,
    policy_type: str = "identity",
) -> CompiledPolicy:
    """Compile a document (dict or JSON text). With `key`, the result is cached (LRU,
    bounded by bytes).

    Callers key by something small that never goes stale, e.g. (policy id, version id),
    or a hash of the text (never the text itself: the key is kept as long as the entry).
    """
    if key is None:
        return build_policy(document, name=name, policy_type=policy_type)
    cache_key = (key, policy_type)
    hit = _cache.get(cache_key)
    if hit is not None:
        return hit
    compiled = build_policy(document, name=name, policy_type=policy_type)
    compiled.size = compiled_size(document)
    compiled.cached = True
    _cache.put(cache_key, compiled, compiled.size)
    if cache_key not in _cache:  # too large to keep
        compiled.cached = False
    return compiled


def cache_stats() -> tuple[int, int, int]:
    """(entries, estimated bytes, bound) of the compiled-policy cache."""
    return len(_cache), _cache.bytes, _cache.max_bytes


def clear_cache() -> None:
    _cache.clear()
