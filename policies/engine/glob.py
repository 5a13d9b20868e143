"""Wildcard matching for actions, resources and ARN/string condition values, in linear time.

The policy language has two wildcards, `*` (any run of characters, possibly empty) and
`?` (exactly one character). Every other character is literal.

Matching never backtracks more than one step. A pattern is cut at its stars into
fixed-length segments (literal characters and `?`): the first must start the value, the
last must end it, and each one between is taken at its leftmost place after the one
before. Taking the leftmost place is never wrong: whatever a later place leaves for the
rest of the pattern, the leftmost leaves more (the star after it absorbs the gap). So a
match costs at most one scan of the value per segment, O(len(pattern) * len(value)) in
the worst case (and about len(value) for the usual patterns: `str.find` does the
scanning). A regular expression with `.*` per star, as this module once built, tries
every split of the value between the stars: `*a*a*a*a*a*a*a*a*a*a*c` against a few
kilobytes of `a` does not finish.

Resource / ARN segment rule (our decision, documented in README of the engine):

* An ARN has six colon-separated parts: ``arn:partition:service:region:account:resource``.
  The resource part (after the fifth colon) may contain colons itself.
* In the first five parts a wildcard stays inside its part: ``*`` matches no ``:`` and
  neither does ``?``. In the resource part a wildcard may cross ``/`` and ``:``.
* Resource patterns only: when a pattern has fewer than six parts, its last part is
  matched against the rest of the ARN, so ``*`` alone matches everything and
  ``arn:aws:iam::*`` covers every IAM ARN. ARN condition operators do not get this
  allowance (only a lone ``*`` matches every value there).

The rule is applied by splitting: pattern and value are cut at their first colons (up to
five), the parts are compared one to one, each with a plain glob (a value part before the
last has no colon, so a plain glob is the part-bound one), and the last part, which may
hold colons, with a plain glob as well (one that must not meet a colon when the rule
keeps it inside its part).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from operator import itemgetter
from re import Pattern

from .cache import BoundedCache, text_size

WILDCARDS = frozenset("*?")


def has_wildcard(pattern: str) -> bool:
    return "*" in pattern or "?" in pattern


GLOB = 0
ARN = 1
RESOURCE = 2

Piece = tuple[bool, str]
"""A run of pattern text: (literal, text). Literal text has no wildcards (it came from a
policy variable or a ``${*}``-style escape)."""

Token = tuple[str, bool]
"""One pattern character and whether it is a wildcard."""

# `?` segments are matched with small regular expressions made only of literals and
# one-character classes (no quantifier, no alternation: each attempt is one pass over
# the segment). Long segments are cut into pieces of this many characters so that the
# `re` module's own cache (512 patterns) holds only small compiled patterns.
_REGEX_PIECE = 64


def tokens_of(pieces: Iterable[Piece]) -> list[Token]:
    return [
        (ch, not literal and (ch == "*" or ch == "?")) for literal, text in pieces for ch in text
    ]


def _tokens(pattern: str) -> list[Token]:
    return [(ch, ch == "*" or ch == "?") for ch in pattern]


class _Segment:
    """A run of the pattern between stars: literal characters and `?` (fixed length)."""

    __slots__ = ("size", "text", "regexes")

    def __init__(self, tokens: Sequence[Token], one: str) -> None:
        self.size = len(tokens)
        self.text: str | None = None
        self.regexes: tuple[tuple[int, Pattern[str]], ...] = ()
        if not any(wild for _, wild in tokens):
            self.text = "".join(ch for ch, _ in tokens)
            return
        regexes = []
        for start in range(0, len(tokens), _REGEX_PIECE):
            chunk = tokens[start : start + _REGEX_PIECE]
            source = "".join(one if wild else re.escape(ch) for ch, wild in chunk)
            regexes.append((start, re.compile(source, re.DOTALL)))
        self.regexes = tuple(regexes)

    def at(self, value: str, pos: int) -> bool:
        """Does the segment match `value` at `pos` (which leaves room for it)?"""
        text = self.text
        if text is not None:
            return value.startswith(text, pos)
        for offset, regex in self.regexes:  # noqa: SIM110 - hot path
            if regex.match(value, pos + offset) is None:
                return False
        return True

    def find(self, value: str, start: int, end: int) -> int:
        """The leftmost place in value[start:end] where the whole segment fits, or -1."""
        text = self.text
        if text is not None:
            return value.find(text, start, end)
        first = self.regexes[0][1]
        last_start = end - self.size
        while start <= last_start:
            found = first.search(value, start, last_start + min(self.size, _REGEX_PIECE))
            if found is None:
                return -1
            pos = found.start()
            if self.at(value, pos):
                return pos
            start = pos + 1
        return -1


class Glob:
    """One plain glob: `*` any run (colons included), `?` one character.

    `one` is the regex class a `?` stands for (the linter's cover test narrows it).
    """

    __slots__ = ("head", "middle", "tail", "star", "min_len", "match_all")

    def __init__(self, tokens: Sequence[Token], one: str = ".") -> None:
        runs: list[list[Token]] = [[]]
        for token in tokens:
            if token == ("*", True):
                runs.append([])
            else:
                runs[-1].append(token)
        self.star = len(runs) > 1
        segments = [_Segment(run, one) for run in runs]
        self.head = segments[0]
        self.tail = segments[-1]
        # `**` is `*`: empty segments between stars say nothing.
        self.middle = tuple(s for s in segments[1:-1] if s.size)
        self.min_len = sum(s.size for s in segments)
        self.match_all = self.star and self.min_len == 0

    def matches(self, value: str) -> bool:
        if self.match_all:
            return True
        head = self.head
        size = len(value)
        if not self.star:
            return size == head.size and head.at(value, 0)
        if size < self.min_len or not head.at(value, 0):
            return False
        end = size - self.tail.size
        if not self.tail.at(value, end):
            return False
        pos = head.size
        for segment in self.middle:
            found = segment.find(value, pos, end)
            if found < 0:
                return False
            pos = found + segment.size
        return True


class ArnGlob:
    """A pattern read under the ARN segment rule (module docstring)."""

    __slots__ = ("colons", "pick", "want", "globs", "tail", "tail_prefix", "tail_spans")

    def __init__(self, tokens: Sequence[Token], *, short_tail_spans: bool) -> None:
        parts: list[list[Token]] = [[]]
        for token in tokens:
            # Every colon of the first five separates parts (even one a variable put
            # there); later colons belong to the resource part.
            if token[0] == ":" and len(parts) <= 5:
                parts.append([])
            else:
                parts[-1].append(token)
        self.colons = len(parts) - 1
        exact: list[tuple[int, str]] = []
        globs: list[tuple[int, Glob]] = []
        for index, part in enumerate(parts[:-1]):
            glob = Glob(part)
            if not any(wild for _, wild in part):
                exact.append((index, "".join(ch for ch, _ in part)))
            elif not glob.match_all:  # a lone `*` takes any part
                globs.append((index, glob))
        # The literal parts are compared at C speed: one itemgetter, one tuple compare.
        self.pick: Callable[[list[str]], object] | None = None
        self.want: object = None
        if exact:
            self.pick = itemgetter(*(index for index, _ in exact))
            texts = tuple(text for _, text in exact)
            self.want = texts if len(texts) > 1 else texts[0]
        self.globs = tuple(globs)
        last = parts[-1]
        self.tail = Glob(last)
        # The usual resource part, "literal*", is a startswith.
        self.tail_prefix: str | None = None
        if last and last[-1] == ("*", True) and not any(wild for _, wild in last[:-1]):
            self.tail_prefix = "".join(ch for ch, _ in last[:-1])
        self.tail_spans = self.colons == 5 or short_tail_spans

    def matches(self, value: str) -> bool:
        parts = value.split(":", self.colons)
        if len(parts) != self.colons + 1:
            return False
        pick = self.pick
        if pick is not None and pick(parts) != self.want:
            return False
        for index, glob in self.globs:
            if not glob.matches(parts[index]):
                return False
        last = parts[-1]
        if not self.tail_spans and ":" in last:
            return False
        prefix = self.tail_prefix
        if prefix is not None:
            return last.startswith(prefix)
        return self.tail.matches(last)


Matcher = Glob | ArnGlob


def matcher(tokens: Sequence[Token], mode: int) -> Matcher:
    if mode == GLOB:
        return Glob(tokens)
    return ArnGlob(tokens, short_tail_spans=mode == RESOURCE)


# Matchers of patterns with policy variables, keyed by the resolved pieces (which hold
# request values, so the cache is bounded by their size, not by a count).
_PIECES: BoundedCache[tuple[tuple[Piece, ...], int], Matcher] = BoundedCache(
    "variable patterns", 8 << 20
)
# A compiled matcher is a few objects per segment: ~8 bytes of memory per pattern
# character plus fixed costs (measured with tracemalloc on resource patterns).
_MATCHER_BYTES_PER_CHAR = 8
_MATCHER_FIXED = 1500


def pieces_matcher(pieces: tuple[Piece, ...], mode: int) -> Matcher:
    key = (pieces, mode)
    found = _PIECES.get(key)
    if found is None:
        size = sum(len(text) for _, text in pieces)
        cost = text_size(*(text for _, text in pieces)) + _MATCHER_FIXED
        found = _PIECES.put(
            key, matcher(tokens_of(pieces), mode), cost + _MATCHER_BYTES_PER_CHAR * size
        )
    return found


class GlobSet:
    """Matches a string against several glob patterns at once.

    Exact patterns go to a set, ``prefix*`` patterns to a tuple of prefixes, and the
    rest to linear-time matchers (plain globs, or ARN ones with `resource_rule`).
    """

    __slots__ = ("match_all", "exact", "prefixes", "matchers", "patterns")

    def __init__(
        self,
        patterns: Iterable[str],
        *,
        resource_rule: bool = False,
    ) -> None:
        exact: set[str] = set()
        prefixes: list[str] = []
        matchers: list[Matcher] = []
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
            tokens = _tokens(pattern)
            matchers.append(matcher(tokens, RESOURCE if resource_rule else GLOB))
        self.exact = frozenset(exact)
        self.prefixes = tuple(prefixes)
        self.matchers = tuple(matchers)

    def matches(self, value: str) -> bool:
        if self.match_all or value in self.exact:
            return True
        if self.prefixes and value.startswith(self.prefixes):
            return True
        for m in self.matchers:  # noqa: SIM110 - hot path
            if m.matches(value):
                return True
        return False


_GLOBS: BoundedCache[str, Glob] = BoundedCache("globs", 4 << 20)


def compiled_glob(pattern: str) -> Glob:
    """The plain glob for `pattern`, compiled once (bounded cache)."""
    found = _GLOBS.get(pattern)
    if found is None:
        cost = text_size(pattern) + _MATCHER_FIXED + _MATCHER_BYTES_PER_CHAR * len(pattern)
        found = _GLOBS.put(pattern, Glob(_tokens(pattern)), cost)
    return found


def glob_match(pattern: str, value: str, *, ignore_case: bool = False) -> bool:
    """Match one glob against one value (used outside hot paths)."""
    if ignore_case:
        pattern, value = pattern.lower(), value.lower()
    return compiled_glob(pattern).matches(value)


def arn_match(pattern: str, value: str, *, short_tail_spans: bool = True) -> bool:
    """Match one pattern under the ARN segment rule (used outside hot paths)."""
    return ArnGlob(_tokens(pattern), short_tail_spans=short_tail_spans).matches(value)


# ------------------------------------------------------------------- regex form


def glob_regex(pattern: str) -> str:
    """Regex source for a plain glob that is as linear as the matcher above.

    Each middle segment sits in an atomic group behind a lazy `.*?`: the engine takes
    its leftmost place and never comes back to try another, exactly what `Glob` does.
    For callers that need a `re.Pattern`; the engine itself uses `Glob`.
    """
    runs: list[str] = [""]
    for ch, wild in _tokens(pattern):
        if wild and ch == "*":
            runs.append("")
        else:
            runs[-1] += "." if wild else re.escape(ch)
    if len(runs) == 1:
        return runs[0]
    middle = "".join(f"(?>.*?{run})" for run in runs[1:-1] if run)
    return f"{runs[0]}{middle}(?>.*{runs[-1]}\\Z)"


def compile_regex(source: str, ignore_case: bool = False) -> Pattern[str]:
    flags = re.DOTALL | (re.IGNORECASE if ignore_case else 0)
    return re.compile(source, flags)
