"""Validating policy documents the way IAM does, with positions; and a linter.

`validate(text, kind=...)` returns every error IAM would report for the document, with
IAM's message strings and the 1-based line/column of the offending element. IAM itself
stops at the first problem; we report all of them, in document order.

`lint(text, kind=...)` returns warnings only: things IAM accepts but that are probably
mistakes (unknown services/actions, redundant statements, iam:PassRole on "*").
"""

from __future__ import annotations

import re
from collections.abc import Callable

from . import errors as E
from .conditions import (
    parse_binary,
    parse_date,
    parse_network,
    parse_number,
    parse_operator,
    scalar_text,
)
from .errors import EngineError, PolicyError
from .glob import glob_match, has_wildcard
from .jsonpos import (
    MAX_DEPTH,
    JsonSyntaxError,
    JsonTooDeep,
    LineIndex,
    Node,
    check_syntax,
    parse_with_positions,
)
from .lint import lint_document
from .policy import PRINCIPAL_KINDS, STATEMENT_ELEMENTS, TOP_ELEMENTS, VALID_VERSIONS

KINDS = ("managed", "inline-user", "inline-group", "inline-role", "trust", "resource")
IDENTITY_KINDS = frozenset({"managed", "inline-user", "inline-group", "inline-role"})
SIZE_LIMITS = {
    "managed": 6144,
    "inline-user": 2048,
    "inline-group": 5120,
    "inline-role": 10240,
    "trust": 2048,
    "resource": 20480,
}
TRUST_ACTIONS = (
    "sts:assumerole",
    "sts:assumerolewithsaml",
    "sts:assumerolewithwebidentity",
    "sts:tagsession",
    "sts:setsourceidentity",
    "sts:setcontext",
)
PARTITIONS = frozenset({"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-eusc"})
_BAD_CHAR = re.compile(r"[^\t\n\r\x20-\xff]")
_SID = re.compile(r"[0-9A-Za-z]*")
_VENDOR = re.compile(r"[a-zA-Z0-9\-.*?]+")
_ACCOUNT = re.compile(r"\d{12}")


def size_message(kind: str, entity: str | None) -> str:
    limit = SIZE_LIMITS[kind]
    if kind == "managed":
        return f"Cannot exceed quota for PolicySize: {limit}"
    if kind == "trust":
        return f"Cannot exceed quota for ACLSizePerRole: {limit}"
    if kind == "resource":
        return f"Cannot exceed quota for PolicySize: {limit}"
    what = kind.split("-", 1)[1]
    suffix = f" {entity}" if entity else ""
    return f"Maximum policy size of {limit} bytes exceeded for {what}{suffix}"


_DROP_WHITESPACE = str.maketrans("", "", " \t\n\r")


def policy_size(text: str) -> int:
    """Characters IAM counts against the size quota: whitespace is not counted."""
    return len(text.translate(_DROP_WHITESPACE))


class _Checker:
    def __init__(self, text: str, kind: str) -> None:
        self.kind = kind
        self.text = text
        self._lines: LineIndex | None = None  # built on the first error: most documents have none
        self.found: list[tuple[int, PolicyError]] = []

    def error(self, offset: int, message: str, code: str = E.MALFORMED) -> None:
        lines = self._lines
        if lines is None:
            lines = self._lines = LineIndex(self.text)
        line, column = lines.position(offset)
        self.found.append((offset, PolicyError(code, message, line, column)))

    # ------------------------------------------------------------------ document

    def document(self, root: Node) -> None:
        if not isinstance(root.value, dict):
            self.error(root.offset, E.SYNTAX)
            return
        members: dict[str, Node] = root.value
        for key, node in members.items():
            if key not in TOP_ELEMENTS:
                self.error(node.key_offset, E.SYNTAX)
        version = members.get("Version")
        if version is not None and version.value not in VALID_VERSIONS:
            self.error(version.offset, E.SYNTAX)
        elif self.kind == "managed" and (version is None or version.value != "2012-10-17"):
            self.error(root.offset if version is None else version.offset, E.VERSION_REQUIRED)
        doc_id = members.get("Id")
        if doc_id is not None and not isinstance(doc_id.value, str):
            self.error(doc_id.offset, E.SYNTAX)
        statement = members.get("Statement")
        if statement is None:
            self.error(root.offset, E.SYNTAX)
            return
        if isinstance(statement.value, dict):
            statements = [statement]
        elif isinstance(statement.value, list) and statement.value:
            statements = statement.value
        else:
            self.error(statement.offset, E.SYNTAX)
            return
        sids: set[str] = set()
        for node in statements:
            self.statement(node, sids)

    # ----------------------------------------------------------------- statement

    def statement(self, node: Node, sids: set[str]) -> None:
        if not isinstance(node.value, dict):
            self.error(node.offset, E.SYNTAX)
            return
        st: dict[str, Node] = node.value
        for key, child in st.items():
            if key not in STATEMENT_ELEMENTS:
                self.error(child.key_offset, E.SYNTAX)
        for first, second in (("Action", "NotAction"), ("Resource", "NotResource")):
            if first in st and second in st:
                later = max(st[first], st[second], key=lambda n: n.key_offset)
                self.error(later.key_offset, E.SYNTAX)
        if "Principal" in st and "NotPrincipal" in st:
            later = max(st["Principal"], st["NotPrincipal"], key=lambda n: n.key_offset)
            self.error(later.key_offset, E.SYNTAX)

        effect = st.get("Effect")
        if effect is None:
            self.error(node.offset, E.SYNTAX)
        elif not isinstance(effect.value, str):
            self.error(effect.offset, E.SYNTAX)
        elif effect.value not in ("Allow", "Deny"):
            # "allow" parses, then fails legacy parsing: the Effect value is case sensitive.
            if effect.value.lower() in ("allow", "deny"):
                self.error(effect.offset, E.LEGACY_PARSING)
            else:
                self.error(effect.offset, E.SYNTAX)

        self.sid(st.get("Sid"), sids)
        self.actions(node, st)
        self.resources(node, st)
        self.principal(node, st)
        condition = st.get("Condition")
        if condition is not None:
            self.condition(condition)

    def sid(self, sid: Node | None, sids: set[str]) -> None:
        if sid is None:
            return
        if not isinstance(sid.value, str):
            self.error(sid.offset, E.SYNTAX)
            return
        if self.kind != "resource" and not _SID.fullmatch(sid.value):
            self.error(sid.offset, E.SID_CHARS)
        if sid.value:
            if sid.value in sids:
                self.error(sid.offset, E.SID_UNIQUE)
            sids.add(sid.value)

    def _strings(self, node: Node) -> list[Node] | None:
        """A string or a list of strings; reports a syntax error otherwise."""
        if isinstance(node.value, str):
            return [node]
        if isinstance(node.value, list):
            bad = [item for item in node.value if not isinstance(item.value, str)]
            for item in bad:
                self.error(item.offset, E.SYNTAX)
            return None if bad else list(node.value)
        self.error(node.offset, E.SYNTAX)
        return None

    def actions(self, stmt: Node, st: dict[str, Node]) -> None:
        element = st.get("Action") or st.get("NotAction")
        if element is None:
            self.error(stmt.offset, E.NO_ACTIONS)
            return
        items = self._strings(element)
        if items is None:
            return
        if not items:
            self.error(element.offset, E.NO_ACTIONS)
            return
        for item in items:
            action: str = item.value  # type: ignore[assignment]
            message = action_problem(action)
            trust = self.kind == "trust" and "Action" in st
            if message is None and trust and not _trust_action_ok(action):
                message = E.TRUST_ACTIONS
            if message is not None:
                self.error(item.offset, message)

    def resources(self, stmt: Node, st: dict[str, Node]) -> None:
        element = st.get("Resource") or st.get("NotResource")
        if self.kind == "trust":
            if element is not None:
                self.error(element.key_offset, E.RESOURCE_PROHIBITED)
            return
        if element is None:
            self.error(stmt.offset, E.NO_RESOURCES)
            return
        items = self._strings(element)
        if items is None:
            return
        if not items:
            self.error(element.offset, E.NO_RESOURCES)
            return
        for item in items:
            message = resource_problem(item.value)  # type: ignore[arg-type]
            if message is not None:
                self.error(item.offset, message)

    def principal(self, stmt: Node, st: dict[str, Node]) -> None:
        element = st.get("Principal") or st.get("NotPrincipal")
        if self.kind in IDENTITY_KINDS:
            if element is not None:
                self.error(element.key_offset, E.NO_PRINCIPAL_ALLOWED)
            return
        if element is None:
            self.error(stmt.offset, E.PRINCIPAL_REQUIRED)
            return
        if element.value == "*":
            return
        if not isinstance(element.value, dict) or not element.value:
            self.error(element.offset, E.SYNTAX)
            return
        for kind, entries in element.value.items():
            if kind not in PRINCIPAL_KINDS:
                self.error(entries.key_offset, E.SYNTAX)
                continue
            items = self._strings(entries)
            if not items:
                if items is not None:
                    self.error(entries.offset, E.SYNTAX)
                continue
            for item in items:
                value: str = item.value  # type: ignore[assignment]
                if kind == "AWS" and not (
                    value == "*" or _ACCOUNT.fullmatch(value) or value.startswith("arn:")
                ):
                    self.error(item.offset, f'Invalid principal in policy: "AWS":"{value}"')
                elif kind == "Service" and (value == "*" or not value):
                    self.error(item.offset, f'Invalid principal in policy: "SERVICE":"{value}"')

    def condition(self, node: Node) -> None:
        if not isinstance(node.value, dict):
            self.error(node.offset, E.SYNTAX)
            return
        for op_name, keys in node.value.items():
            if not isinstance(keys.value, dict):
                self.error(keys.offset, E.SYNTAX)
                continue
            spec = parse_operator(op_name)
            if spec is None:
                if keys.value:
                    self.error(keys.key_offset, E.SYNTAX)
                continue
            for key, values in keys.value.items():
                if ":" not in key:
                    self.error(values.key_offset, E.NO_VENDOR)
                items = values.value if isinstance(values.value, list) else [values]
                for item in items:
                    if isinstance(item.value, dict | list) or item.value is None:
                        self.error(item.offset, E.SYNTAX)
                        continue
                    parse = _VALUE_PARSERS.get(spec.family)
                    if parse is not None and parse(scalar_text(item.value)) is None:
                        self.error(item.offset, E.LEGACY_PARSING)


_VALUE_PARSERS: dict[str, Callable[[str], object | None]] = {
    "date": parse_date,
    "numeric": parse_number,
    "ip": parse_network,
    "binary": parse_binary,
}


def action_problem(action: str) -> str | None:
    if action == "*":
        return None
    parts = action.split(":")
    if len(parts) == 1:
        return E.NO_VENDOR
    if len(parts) > 2:
        return E.ONE_COLON
    if not _VENDOR.fullmatch(parts[0]):
        return f"Vendor {parts[0]} is not valid"
    return None


def _trust_action_ok(action: str) -> bool:
    lower = action.lower()
    if lower in TRUST_ACTIONS:
        return True
    if not lower.startswith("sts:") or not has_wildcard(lower):
        return False
    return any(glob_match(lower, a) for a in TRUST_ACTIONS)


def resource_problem(resource: str) -> str | None:
    """IAM's resource format checks (first problem found), or None."""
    if resource == "*":
        return None
    head, colon, rest = resource.partition(":")
    if not colon:
        return f'Resource {resource} must be in ARN format or "*".'
    partition, colon, rest = rest.partition(":")
    if partition != "*" and partition not in PARTITIONS:
        more = rest.split(":")
        a1 = more[0] if more[0] != "" or len(more) > 1 else "*"
        a2 = more[1] if len(more) > 1 else "*"
        a3 = more[2] if len(more) > 2 else "*"
        a4 = ":".join(more[3:]) if len(more) > 3 else "*"
        return (
            f'Partition "{partition}" is not valid for resource '
            f'"arn:{partition}:{a1}:{a2}:{a3}:{a4}".'
        )
    if not colon:
        return E.RESOURCE_VENDOR
    parts = resource.split(":", 5)
    if resource.count(":") < 5 and "::" in resource:
        return E.LEGACY_PARSING
    if len(parts) > 2 and parts[2] == "":
        return E.LEGACY_PARSING
    if len(parts) < 6:
        return None
    # IAM is a global service. (moto also checks IAM resource-path prefixes and S3
    # regions; AWS's own managed policies use IAM types and regional S3 resources that
    # such lists miss, so we do not.)
    if parts[2] == "iam" and parts[3]:
        return f"IAM resource {resource} cannot contain region information."
    return None


def validate(text: str, *, kind: str = "managed", entity: str | None = None) -> list[PolicyError]:
    """Every error IAM reports for `text` as a policy of `kind`; [] when it is valid.

    `entity` (the user, group or role name) only completes the inline-policy size message.
    """
    if kind not in SIZE_LIMITS:
        raise EngineError(f"unknown policy kind {kind!r}; expected one of {KINDS}")
    if not isinstance(text, str):
        raise EngineError("validate() takes the policy document as JSON text")
    if len(text) > E.MAX_DOCUMENT_CHARS:
        # Refused before reading: a document this long is never parsed or compiled.
        return [PolicyError(E.LIMIT_EXCEEDED, E.TOO_LONG)]
    out: list[PolicyError] = []
    bad = _BAD_CHAR.search(text)
    if bad is not None:
        line, column = LineIndex(text).position(bad.start())
        out.append(PolicyError(E.MALFORMED, E.BAD_CHARACTERS, line, column))
    if policy_size(text) > SIZE_LIMITS[kind]:
        out.append(PolicyError(E.LIMIT_EXCEEDED, size_message(kind, entity)))
    try:
        try:
            plain = check_syntax(text, object_pairs_hook=_unique_members)
        except _Duplicate:  # reported, with its position, by the full reading below
            check_syntax(text)  # but the rest of the text must be JSON first
        else:
            if _valid_structure(plain, kind):
                return out
        # There is something to report: read the text again, this time with positions.
        parsed = parse_with_positions(text)
    except JsonSyntaxError as exc:
        message = TOO_DEEP if isinstance(exc, JsonTooDeep) else E.SYNTAX
        out.append(PolicyError(E.MALFORMED, message, exc.line, exc.column))
        return out
    checker = _Checker(text, kind)
    for dup in parsed.duplicates:
        checker.error(dup.offset, E.SYNTAX)
    checker.document(parsed.root)
    checker.found.sort(key=lambda pair: pair[0])
    seen: set[tuple[int, str]] = set()
    for offset, error in checker.found:
        if (offset, error.message) not in seen:
            seen.add((offset, error.message))
            out.append(error)
    return out


# IAM's own answer is its plain syntax error; the sentence after it says what to fix.
TOO_DEEP = f"{E.SYNTAX} Arrays and objects are nested more than {MAX_DEPTH} levels deep."


class _Duplicate(Exception):
    """A JSON object repeats a key (IAM: a syntax error)."""


class _Invalid(Exception):
    """The probe found a problem; which one and where is left to the full check."""


def _unique_members(pairs: list[tuple[str, object]]) -> dict[str, object]:
    members = dict(pairs)
    if len(members) != len(pairs):
        raise _Duplicate
    return members


class _Probe(_Checker):
    """The checker run over positionless nodes: it only answers "is anything wrong?"."""

    def error(self, offset: int, message: str, code: str = E.MALFORMED) -> None:
        raise _Invalid


def _nodes(value: object) -> Node:
    kind = type(value)
    if kind is dict:
        return Node({k: _nodes(v) for k, v in value.items()}, -1)  # type: ignore[attr-defined]
    if kind is list:
        return Node([_nodes(v) for v in value], -1)  # type: ignore[attr-defined]
    return Node(value, -1)


def _valid_structure(plain: object, kind: str) -> bool:
    """True when the checker has nothing to say about the parsed document.

    Most documents are valid, and reading them with `json` (C) and checking the values is
    about twice as fast as the positioned reading; the checker's findings never depend on
    positions, only where it reports them.
    """
    try:
        _Probe("", kind).document(_nodes(plain))
    except (_Invalid, RecursionError):
        return False
    return True


def lint(text: str, *, kind: str = "managed") -> list[PolicyError]:
    """Warnings for a document IAM accepts but that is probably not what was meant."""
    return lint_document(text, kind=kind)
