"""Wildcard matching is linear: checked against a brute-force matcher, pathological
patterns included, and on inputs a backtracking regex would never finish."""

from __future__ import annotations

import json
from functools import cache

from hypothesis import given, settings
from hypothesis import strategies as st

from policies.engine import lint, validate
from policies.engine.actions import expand_action, wildcard_match
from policies.engine.glob import (
    ARN,
    GLOB,
    RESOURCE,
    GlobSet,
    Piece,
    compile_regex,
    glob_regex,
    pieces_matcher,
)
from policies.engine.lint import _cover_matcher

from .support import allow, decide, policy

SETTINGS = settings(max_examples=400, deadline=None)

# Tokens of the reference: a literal character, or a wildcard that may or may not
# cross a colon.
Ref = tuple[str, str, bool]  # (kind: "lit" | "star" | "one", character, crosses colons)


def reference_tokens(pieces: tuple[Piece, ...], mode: int) -> list[Ref]:
    """The ARN segment rule as the engine README states it, character by character."""
    last_part = sum(text.count(":") for _, text in pieces)
    out: list[Ref] = []
    part = 0
    for literal, text in pieces:
        for ch in text:
            if ch == ":":
                out.append(("lit", ch, True))
                part += 1
            elif literal or ch not in "*?":
                out.append(("lit", ch, True))
            else:
                crosses = mode == GLOB or part >= 5 or (mode == RESOURCE and part == last_part)
                out.append(("star" if ch == "*" else "one", ch, crosses))
    return out


def reference_match(tokens: list[Ref], value: str, *, one_refuses: str = "") -> bool:
    """Memoized dynamic programming over (pattern position, value position)."""

    def fits(crosses: bool, ch: str) -> bool:
        return crosses or ch != ":"

    @cache
    def match(i: int, j: int) -> bool:
        if i == len(tokens):
            return j == len(value)
        kind, ch, crosses = tokens[i]
        if kind == "star":
            if match(i + 1, j):
                return True
            return j < len(value) and fits(crosses, value[j]) and match(i, j + 1)
        if j == len(value):
            return False
        if kind == "one":
            ok = fits(crosses, value[j]) and value[j] not in one_refuses
            return ok and match(i + 1, j + 1)
        return value[j] == ch and match(i + 1, j + 1)

    return match(0, 0)


def plain(pattern: str) -> tuple[Piece, ...]:
    return ((False, pattern),)


# Patterns of few letters, many wildcards and colons, so that matches, near misses and
# the segment rule all come up; and the classic pathological shapes.
pattern_text = st.text(alphabet="ab:*?/", max_size=14)
value_text = st.text(alphabet="ab:/", max_size=18)
pathological = st.builds(
    lambda n, sep, end: sep.join([""] + ["a"] * n) + sep + end,
    st.integers(1, 8),
    st.sampled_from(["*", "*?", "?*", "**", "*:", ":*"]),
    st.sampled_from(["c", "a", "", "?", "*"]),
)
patterns = st.one_of(pattern_text, pathological)
values = st.one_of(value_text, st.builds(lambda n, t: "a" * n + t, st.integers(0, 24), value_text))
pieces = st.lists(st.tuples(st.booleans(), pattern_text), max_size=4).map(tuple)


@SETTINGS
@given(patterns, values)
def test_plain_globs_agree_with_the_brute_force_matcher(pattern: str, value: str) -> None:
    expected = reference_match(reference_tokens(plain(pattern), GLOB), value)
    assert pieces_matcher(plain(pattern), GLOB).matches(value) == expected
    assert GlobSet([pattern]).matches(value) == expected
    assert (compile_regex(glob_regex(pattern)).fullmatch(value) is not None) == expected


@SETTINGS
@given(patterns, values)
def test_resource_patterns_follow_the_segment_rule(pattern: str, value: str) -> None:
    expected = reference_match(reference_tokens(plain(pattern), RESOURCE), value)
    assert pieces_matcher(plain(pattern), RESOURCE).matches(value) == expected
    assert GlobSet([pattern], resource_rule=True).matches(value) == expected


@SETTINGS
@given(patterns, values)
def test_arn_condition_patterns_follow_the_strict_segment_rule(pattern: str, value: str) -> None:
    expected = reference_match(reference_tokens(plain(pattern), ARN), value)
    assert pieces_matcher(plain(pattern), ARN).matches(value) == expected


@SETTINGS
@given(pieces, values, st.sampled_from([GLOB, ARN, RESOURCE]))
def test_literal_pieces_from_variables_never_act_as_wildcards(
    parts: tuple[Piece, ...], value: str, mode: int
) -> None:
    expected = reference_match(reference_tokens(parts, mode), value)
    assert pieces_matcher(parts, mode).matches(value) == expected


@SETTINGS
@given(st.text(alphabet="ab*?", max_size=10), st.text(alphabet="ab*?", max_size=12))
def test_the_linters_cover_test_agrees_with_the_brute_force_matcher(
    pattern: str, other: str
) -> None:
    # `?` stands for one character of the other pattern, but not for its `*`.
    expected = reference_match(reference_tokens(plain(pattern), GLOB), other, one_refuses="*")
    assert _cover_matcher(pattern).matches(other) == expected


@SETTINGS
@given(st.text(alphabet="aAbB*?", max_size=10), st.text(alphabet="aAbB", max_size=12))
def test_catalogue_wildcards_ignore_case(pattern: str, name: str) -> None:
    expected = reference_match(reference_tokens(plain(pattern.lower()), GLOB), name.lower())
    assert wildcard_match(pattern, name) == expected


# -- inputs a backtracking regex would not finish (minutes to years); here milliseconds

STARS = "*a" * 12 + "*c"  # 13 stars: a regex tries ~len(value)^12 splits
QUESTIONS = "*" + "?a" * 40 + "b*c"  # long `?` segment found at every place, then refused
BIG = "a" * 2048


def test_a_resource_with_many_stars_is_refused_quickly() -> None:
    resources = GlobSet([f"arn:aws:s3:::{STARS}"], resource_rule=True)
    assert not resources.matches(f"arn:aws:s3:::{BIG}")
    assert resources.matches(f"arn:aws:s3:::{BIG}c")


def test_an_action_with_many_stars_is_refused_quickly() -> None:
    assert not GlobSet([f"s3:{STARS}"]).matches(f"s3:{BIG}")


def test_stars_in_the_first_five_arn_parts_are_matched_part_by_part() -> None:
    pattern = f"arn:aws:{STARS}:{STARS}:*:x"
    assert not pieces_matcher(plain(pattern), ARN).matches(f"arn:aws:{BIG}:{BIG}:1:x")
    assert pieces_matcher(plain(pattern), ARN).matches(f"arn:aws:{BIG}c:{BIG}c:1:x")


def test_question_marks_are_matched_quickly() -> None:
    assert not GlobSet([QUESTIONS]).matches(BIG + "c")
    assert GlobSet([QUESTIONS]).matches(BIG + "bc")


def test_a_decision_on_a_pathological_resource_and_condition_returns() -> None:
    statement = allow(
        "s3:GetObject",
        f"arn:aws:s3:::{STARS}",
        condition={
            "StringLike": {"s3:prefix": STARS},
            "ArnLike": {"aws:SourceArn": f"arn:aws:sns:*:*:{STARS}"},
        },
    )
    decision = decide(
        [policy(statement)],
        action="s3:GetObject",
        resource=f"arn:aws:s3:::{BIG}",
        context={"s3:prefix": BIG, "aws:SourceArn": f"arn:aws:sns:us-east-1:1:{BIG}"},
    )
    assert decision.effect == "implicit_deny"


def test_validate_and_lint_answer_for_a_pathological_document() -> None:
    redundant = [allow(f"s3:{STARS}", f"arn:aws:s3:::{STARS}") for _ in range(2)]
    redundant.append(allow(f"s3:{STARS}{BIG[:200]}", f"arn:aws:s3:::{BIG[:200]}"))
    text = json.dumps(policy(*redundant))
    assert validate(text) == []
    # The redundancy check matches each statement's patterns against the others' text.
    assert [w.code for w in lint(text)] == [
        "UnknownAction",
        "RedundantStatement",
        "UnknownAction",
        "UnknownAction",
    ]


def test_expanding_a_pathological_action_pattern_returns() -> None:
    assert expand_action(f"s3:{STARS}") == []
    spread = "s3:*G*e*t*O*b*j*e*c*t"
    found = expand_action(spread)
    assert "s3:GetObject" in found
    tokens = reference_tokens(plain(spread.lower()), GLOB)
    assert all(reference_match(tokens, name.lower()) for name in found)
