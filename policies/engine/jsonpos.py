"""A small JSON reader that remembers where every value and key sits.

`json.loads` finds syntax errors (and gives their line and column); this module then
reads the same, known-good text again into `Node`s that carry offsets, so the
validator can point at the element it complains about. It also reports duplicate
object keys, which IAM treats as a syntax error and `json.loads` silently drops.
"""

from __future__ import annotations

import bisect
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from json.decoder import scanstring  # type: ignore[attr-defined]  # real, but not in typeshed

_WS = re.compile(r"[ \t\n\r]*")
_SPACE = frozenset(" \t\n\r")
_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")

# IAM's grammar nests only a few levels (Statement > statement > Condition > operator >
# key > values); 32 is far beyond any policy IAM accepts, and far below the depth at
# which the json module or the positioned reader below run out of stack.
MAX_DEPTH = 32
# A string (skipped whole, escapes included, possibly unterminated) or one bracket.
_BRACKET_OR_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]')


@dataclass(slots=True)
class Node:
    """A JSON value with its position: `value` is a dict of Nodes, a list of Nodes or a scalar."""

    value: object
    offset: int
    key_offset: int = -1

    @property
    def is_object(self) -> bool:
        return isinstance(self.value, dict)

    @property
    def is_array(self) -> bool:
        return isinstance(self.value, list)

    @property
    def is_string(self) -> bool:
        return isinstance(self.value, str)


@dataclass(slots=True)
class Duplicate:
    key: str
    offset: int


@dataclass(slots=True)
class Parsed:
    root: Node
    duplicates: list[Duplicate] = field(default_factory=list)


class JsonSyntaxError(ValueError):
    def __init__(self, message: str, line: int, column: int) -> None:
        super().__init__(message)
        self.line = line
        self.column = column


class JsonTooDeep(JsonSyntaxError):
    """Arrays and objects nest more than MAX_DEPTH levels: refused before any parsing."""


def too_deep_at(text: str, limit: int = MAX_DEPTH) -> int:
    """Offset of the first `[` or `{` nested more than `limit` levels deep, or -1.

    Linear and iterative, so that no input can exhaust the stack; brackets inside
    strings do not count.
    """
    if text.count("[") + text.count("{") <= limit:
        return -1
    depth = 0
    for match in _BRACKET_OR_STRING.finditer(text):
        ch = text[match.start()]
        if ch == "[" or ch == "{":
            depth += 1
            if depth > limit:
                return match.start()
        elif ch == "]" or ch == "}":
            depth -= 1
    return -1


def _reject_constant(name: str) -> object:
    raise ValueError(f"{name} is not valid JSON")


class LineIndex:
    """Turns character offsets into 1-based (line, column)."""

    __slots__ = ("_starts",)

    def __init__(self, text: str) -> None:
        starts = [0]
        find = text.find
        pos = find("\n")
        while pos != -1:
            starts.append(pos + 1)
            pos = find("\n", pos + 1)
        self._starts = starts

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self._starts, offset) - 1
        return line + 1, offset - self._starts[line] + 1


def check_syntax(
    text: str, object_pairs_hook: Callable[[list[tuple[str, object]]], object] | None = None
) -> object:
    """Parse strictly with the json module; raise JsonSyntaxError with a position."""
    deep = too_deep_at(text)
    if deep != -1:
        line, column = LineIndex(text).position(deep)
        raise JsonTooDeep(f"nested more than {MAX_DEPTH} levels deep", line, column)
    try:
        return json.loads(
            text, parse_constant=_reject_constant, object_pairs_hook=object_pairs_hook
        )
    except json.JSONDecodeError as exc:
        raise JsonSyntaxError(exc.msg, exc.lineno, exc.colno) from None
    except ValueError as exc:  # NaN / Infinity
        raise JsonSyntaxError(str(exc), 1, 1) from None
    except RecursionError:
        raise JsonSyntaxError("document nested too deeply", 1, 1) from None


def parse_with_positions(text: str) -> Parsed:
    """Read `text`, which `check_syntax` has accepted, into positioned Nodes."""
    duplicates: list[Duplicate] = []
    # `[ \t\n\r]*` also matches nothing, so ws_match never returns None: hence the
    # `type: ignore[union-attr]` on each `ws_match(...).end()` below.
    ws_match = _WS.match
    number = _NUMBER.match
    # Whitespace is skipped inline (`if text[pos] in _SPACE: ...`): a function call per
    # skip was half the time of validating a long document.
    space = _SPACE

    def value_at(pos: int) -> tuple[Node, int]:
        if text[pos] in space:
            pos = ws_match(text, pos).end()  # type: ignore[union-attr]
        ch = text[pos]
        if ch == '"':
            s, end = scanstring(text, pos + 1)
            return Node(s, pos), end
        if ch == "{":
            members: dict[str, Node] = {}
            start = pos
            pos += 1
            if text[pos] in space:
                pos = ws_match(text, pos).end()  # type: ignore[union-attr]
            if text[pos] == "}":
                return Node(members, start), pos + 1
            while True:
                if text[pos] in space:
                    pos = ws_match(text, pos).end()  # type: ignore[union-attr]
                key_offset = pos
                key, pos = scanstring(text, pos + 1)
                if text[pos] in space:
                    pos = ws_match(text, pos).end()  # type: ignore[union-attr]
                child, pos = value_at(pos + 1)  # past the colon
                child.key_offset = key_offset
                if key in members:
                    duplicates.append(Duplicate(key, key_offset))
                members[key] = child
                if text[pos] in space:
                    pos = ws_match(text, pos).end()  # type: ignore[union-attr]
                if text[pos] == ",":
                    pos += 1
                    continue
                return Node(members, start), pos + 1
        if ch == "[":
            items: list[Node] = []
            start = pos
            pos += 1
            if text[pos] in space:
                pos = ws_match(text, pos).end()  # type: ignore[union-attr]
            if text[pos] == "]":
                return Node(items, start), pos + 1
            while True:
                child, pos = value_at(pos)
                items.append(child)
                if text[pos] in space:
                    pos = ws_match(text, pos).end()  # type: ignore[union-attr]
                if text[pos] == ",":
                    pos += 1
                    continue
                return Node(items, start), pos + 1
        if text.startswith("true", pos):
            return Node(True, pos), pos + 4
        if text.startswith("false", pos):
            return Node(False, pos), pos + 5
        if text.startswith("null", pos):
            return Node(None, pos), pos + 4
        m = number(text, pos)
        if m is None:  # pragma: no cover - check_syntax ran first
            raise ValueError(f"unexpected character at {pos}")
        lexeme = m.group()
        num: object = float(lexeme) if any(c in lexeme for c in ".eE") else int(lexeme)
        return Node(num, pos), m.end()

    try:
        root, _ = value_at(0)
    except RecursionError:
        raise JsonSyntaxError("document nested too deeply", 1, 1) from None
    return Parsed(root, duplicates)
