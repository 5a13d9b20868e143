"""Policy variables: ``${aws:username}``, defaults, and the ``${*}``/``${?}``/``${$}`` escapes.

Variables are only read in documents with ``"Version": "2012-10-17"``; elsewhere the
text is literal. A template is parsed once into pieces; resolving it against a request
yields ``(literal, text)`` pieces (see `glob.Piece`) or None when a variable has no
value and no default.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from .glob import Piece

_ESCAPES = {"*": "*", "?": "?", "$": "$"}
# ${key} or ${key, 'default'}; the key has no braces, commas or quotes.
_VAR = re.compile(r"\$\{([^{}',]*?)\s*(?:,\s*'([^']*)'\s*)?\}")


@dataclass(frozen=True, slots=True)
class Var:
    key: str  # lower-cased condition key name
    default: str | None
    text: str  # as written, for explanations


TemplatePiece = Piece | Var
Lookup = Callable[[str], str | None]


def has_variable(text: str) -> bool:
    return "${" in text


def parse_template(text: str) -> tuple[TemplatePiece, ...] | None:
    """Pieces of `text`, or None when it holds no variable or escape."""
    if "${" not in text:
        return None
    pieces: list[TemplatePiece] = []
    pos = 0
    for m in _VAR.finditer(text):
        if m.start() > pos:
            pieces.append((False, text[pos : m.start()]))
        name = m.group(1).strip()
        default = m.group(2)
        if name in _ESCAPES and default is None:
            pieces.append((True, _ESCAPES[name]))
        else:
            pieces.append(Var(name.lower(), default, m.group(0)))
        pos = m.end()
    if not pieces:
        return None
    if pos < len(text):
        pieces.append((False, text[pos:]))
    return tuple(pieces)


def resolve(pieces: tuple[TemplatePiece, ...], lookup: Lookup) -> tuple[Piece, ...] | None:
    """Substitute variables; None if one is unresolved (no value, no default)."""
    out: list[Piece] = []
    for piece in pieces:
        if isinstance(piece, Var):
            value = lookup(piece.key)
            if value is None:
                value = piece.default
                if value is None:
                    return None
            out.append((True, value))
        else:
            out.append(piece)
    return tuple(out)


def joined(pieces: tuple[Piece, ...]) -> str:
    return "".join(text for _, text in pieces)


def all_literal(pieces: tuple[Piece, ...]) -> bool:
    return all(literal for literal, _ in pieces)


def variables_in(pieces: tuple[TemplatePiece, ...]) -> list[Var]:
    return [p for p in pieces if isinstance(p, Var)]
