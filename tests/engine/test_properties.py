"""Property tests: invariants of the decision and a brute-force check of the matcher."""

from __future__ import annotations

from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from policies.engine.glob import GlobSet, compile_regex, glob_regex

from .support import allow, decide, deny, policy

SETTINGS = settings(max_examples=150, deadline=None)

SERVICES = ["iam", "s3", "ec2"]
NAMES = ["GetUser", "CreateUser", "ListUsers", "GetObject", "PutObject", "RunInstances"]
actions = st.builds(lambda s, n: f"{s}:{n}", st.sampled_from(SERVICES), st.sampled_from(NAMES))


def _pattern_from(action: str, cut: int, wildcard: str) -> str:
    """A pattern derived from a real action, so that matches are common."""
    cut = min(max(cut, action.index(":") + 1), len(action))
    return action[:cut] + wildcard if wildcard else action


action_patterns = st.one_of(
    st.just("*"),
    actions,
    st.builds(_pattern_from, actions, st.integers(0, 12), st.sampled_from(["*", "?*", ""])),
)
resources = st.sampled_from(
    [
        "arn:aws:iam::123456789012:user/Henry",
        "arn:aws:iam::123456789012:user/admins/Ada",
        "arn:aws:s3:::bucket/key",
        "arn:aws:s3:::bucket",
        "arn:aws:ec2:us-east-1:123456789012:instance/i-1",
    ]
)
resource_patterns = st.one_of(
    st.just("*"),
    resources,
    st.sampled_from(
        [
            "arn:aws:iam::123456789012:user/*",
            "arn:aws:s3:::bucket/*",
            "arn:aws:*:*:123456789012:*",
            "arn:aws:ec2:*:*:instance/*",
            "arn:aws:iam::*:user/?enry",
        ]
    ),
)
conditions = st.one_of(
    st.none(),
    st.just({"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
    st.just({"StringEquals": {"aws:PrincipalTag/team": "red"}}),
    st.just({"StringNotLike": {"aws:RequestedRegion": "eu-*"}}),
)


@st.composite
def statements(draw: Any, effect: str | None = None) -> dict[str, Any]:
    kwargs: dict[str, Any] = {}
    cond = draw(conditions)
    if cond is not None:
        kwargs["condition"] = cond
    eff = effect or draw(st.sampled_from(["Allow", "Deny"]))
    acts = draw(st.lists(action_patterns, min_size=1, max_size=3))
    res = draw(st.lists(resource_patterns, min_size=1, max_size=2))
    builder = allow if eff == "Allow" else deny
    return builder(acts, res, **kwargs)


policies = st.lists(statements(), min_size=1, max_size=4).map(lambda s: policy(*s))
contexts = st.fixed_dictionaries(
    {},
    optional={
        "aws:MultiFactorAuthPresent": st.booleans(),
        "aws:RequestedRegion": st.sampled_from(["us-east-1", "eu-west-1"]),
    },
)


@SETTINGS
@given(policies, policies, actions, resources, contexts)
def test_a_matching_explicit_deny_always_wins(
    first: dict[str, Any],
    second: dict[str, Any],
    action: str,
    resource: str,
    context: dict[str, Any],
) -> None:
    blocker = policy(deny(action, resource))
    decision = decide([first, blocker, second], action=action, resource=resource, context=context)
    assert decision.effect == "explicit_deny"


@SETTINGS
@given(st.lists(policies, min_size=1, max_size=3), policies, actions, resources, contexts)
def test_a_boundary_never_adds_permissions(
    identity: list[dict[str, Any]],
    boundary: dict[str, Any],
    action: str,
    resource: str,
    context: dict[str, Any],
) -> None:
    bounded = decide(
        identity, boundary=[boundary], action=action, resource=resource, context=context
    )
    unbounded = decide(identity, action=action, resource=resource, context=context)
    if bounded.allowed:
        assert unbounded.allowed
    if unbounded.effect == "explicit_deny":
        assert bounded.effect == "explicit_deny"


@SETTINGS
@given(st.lists(action_patterns, min_size=1, max_size=3), actions)
def test_not_action_is_the_complement_of_action(patterns: list[str], action: str) -> None:
    with_action = decide([policy(allow(patterns, "*"))], action=action).allowed
    with_not_action = decide([policy(allow(None, "*", not_action=patterns))], action=action).allowed
    assert with_not_action == (not with_action)


# -- the wildcard matcher against a brute-force reference


def reference_match(pattern: str, text: str) -> bool:
    """Tiny recursive glob matcher: `*` any run, `?` one character, the rest literal."""
    if not pattern:
        return not text
    head = pattern[0]
    if head == "*":
        return any(reference_match(pattern[1:], text[i:]) for i in range(len(text) + 1))
    if not text:
        return False
    if head == "?" or head == text[0]:
        return reference_match(pattern[1:], text[1:])
    return False


ALPHABET = "ab.*?+()[]\\$^|{}:/"
texts = st.text(alphabet="ab.+()[]\\$^|{}:/*?", max_size=8)
globs = st.text(alphabet=ALPHABET, max_size=7)


@settings(max_examples=400, deadline=None)
@given(globs, texts)
def test_glob_regex_agrees_with_a_brute_force_matcher(pattern: str, text: str) -> None:
    expected = reference_match(pattern, text)
    assert (compile_regex(glob_regex(pattern)).fullmatch(text) is not None) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(globs, min_size=1, max_size=4), texts)
def test_glob_set_fast_paths_agree_with_the_brute_force_matcher(
    patterns: list[str], text: str
) -> None:
    expected = any(reference_match(p, text) for p in patterns)
    assert GlobSet(patterns).matches(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet="ab*?/", max_size=6), st.text(alphabet="ab/:", max_size=8))
def test_resource_part_wildcards_agree_with_the_brute_force_matcher(
    tail_pattern: str, tail: str
) -> None:
    """After the fifth colon, resource wildcards are plain globs (crossing / and :)."""
    prefix = "arn:aws:s3:::"
    expected = reference_match(tail_pattern, tail)
    matcher = GlobSet([prefix + tail_pattern], resource_rule=True)
    assert matcher.matches(prefix + tail) == expected
