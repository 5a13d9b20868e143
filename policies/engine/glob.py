"""Wildcard matching for actions, resources and ARN/string condition values.

The policy language has two wildcards, `*` (any run of characters, possibly empty) and
`?` (exactly one character). Every other character is literal: patterns are turned
into regular expressions with each literal run passed through `re.escape`, and all of
that happens once, when a policy is compiled.

Resource / ARN segment rule (our decision, documented in README of the engine):

* An ARN has six colon-separated parts: ``arn:partition:service:region:account:resource``.
  The resource part (after the fifth colon) may contain colons itself.
* In the first five parts a wildcard stays inside its part: ``*`` becomes ``[^:]*`` and
  ``?`` becomes ``[^:]``. In the resource part a wildcard may cross ``/`` and ``:``.
* Resource patterns only: when a pattern has fewer than six parts, its last part is
  matched against the rest of the ARN, so ``*`` alone matches everything and
  ``arn:aws:iam::*`` covers every IAM ARN. ARN condition operators do not get this
  allowance (only a lone ``*`` matches every value there).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from re import Pattern

WILDCARDS = frozenset("*?")


def has_wildcard(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


GLOB = 0
ARN = 1
RESOURCE = 2

Piece = tuple[bool, str]
"""A run of pattern text: (literal, text). Literal text has no wildcards (it came from a
policy variable or a ``${*}``-style escape)."""


def pieces_regex(pieces: Iterable[Piece], mode: int) -> str:
    """Regex source for a pattern made of pieces, reading wildcards per `mode`.

    GLOB: wildcards cross everything. ARN / RESOURCE: the segment rule above; RESOURCE
    lets the last part of a short pattern span the rest of the value.
    """
    pieces = tuple(pieces)
    last_part = -1 if mode == GLOB else sum(text.count(":") for _, text in pieces)
    out: list[str] = []
    seg = 0
    for literal, text in pieces:
        for ch in text:
            if ch == ":":
                seg += 1
                out.append(":")
            elif literal or (ch != "*" and ch != "?"):
                out.append(re.escape(ch))
            else:
                spans = mode == GLOB or seg >= 5 or (mode == RESOURCE and seg == last_part)
                if ch == "*":
                    out.append(".*" if spans else "[^:]*")
                else:
                    out.append("." if spans else "[^:]")
    return "".join(out)


def glob_regex(pattern: str) -> str:
    """Regex source for a plain glob: `*` and `?` cross everything."""
    return pieces_regex(((False, pattern),), GLOB)


def arn_regex(pattern: str, *, short_tail_spans: bool) -> str:
    """Regex source for an ARN pattern under the segment rule (see module docstring)."""
    return pieces_regex(((False, pattern),), RESOURCE if short_tail_spans else ARN)


@lru_cache(maxsize=2048)
def compile_regex(source: str, ignore_case: bool = False) -> Pattern[str]:
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile(source, flags)


class GlobSet:
    """Matches a string against several glob patterns at once.

    Exact patterns go to a set, ``prefix*`` patterns to a tuple of prefixes, and the
    rest into one alternation regex. Patterns are given already translated to regex
    where needed (``regex_for`` decides how wildcards are read).
    """

    __slots__ = ("match_all", "exact", "prefixes", "regex", "patterns")

    def __init__(
        self,
        patterns: Iterable[str],
        *,
        resource_rule: bool = False,
    ) -> None:
        exact: set[str] = set()
        prefixes: list[str] = []
        regexes: list[str] = []
        self.match_all = False
        self.patterns = tuple(patterns)
        for pattern in self.patterns:
            if pattern == "*":
                self.match_all = True
                continue
            if not has_wildcard(pattern):
                exact.add(pattern)
                continue
            head = pattern[:-1]
            if pattern.endswith("*") and not has_wildcard(head):
                # A lone trailing star always may cross colons: it is either in the
                # resource part or in the last part of a short pattern.
                prefixes.append(head)
                continue
            if resource_rule:
                regexes.append(arn_regex(pattern, short_tail_spans=True))
            else:
                regexes.append(glob_regex(pattern))
        self.exact = frozenset(exact)
        self.prefixes = tuple(prefixes)
        self.regex: Pattern[str] | None = (
            compile_regex("|".join(f"(?:{r})" for r in regexes)) if regexes else None
        )

    def matches(self, value: str) -> bool:
        if self.match_all or value in self.exact:
            return True
        if self.prefixes and value.startswith(self.prefixes):
            return True
        regex = self.regex
        return regex is not None and regex.fullmatch(value) is not None


def resource_pattern_regex(pattern: str) -> Pattern[str]:
    return compile_regex(arn_regex(pattern, short_tail_spans=True))


def glob_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """Match one glob against one value (used outside hot paths)."""
    return compile_regex(glob_regex(pattern), ignore_case).fullmatch(value) is not None
