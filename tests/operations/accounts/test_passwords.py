from __future__ import annotations

import pytest

from accounts.passwords import DEFAULT_RULES, Rules, generate, problems


@pytest.mark.parametrize(
    ("password", "ok"),
    [
        ("Abcdefg1", True),  # upper, lower, number
        ("abcdefg1!", True),  # lower, number, symbol
        ("Abc1!", False),  # too short
        ("abcdefgh1", False),  # two classes only
        ("ABCDEFGH", False),
    ],
)
def test_default_rules_need_eight_characters_of_three_kinds(password: str, ok: bool) -> None:
    assert (problems(password, DEFAULT_RULES) == []) is ok


def test_default_rules_refuse_the_account_name_or_email() -> None:
    assert problems("Example-Corp1", DEFAULT_RULES, forbidden=("example-corp1",))
    assert not problems("Example-Corp1", DEFAULT_RULES, forbidden=("someone@example.com",))


def test_custom_rules_check_each_required_class() -> None:
    rules = Rules(
        custom=True,
        minimum_length=6,
        require_symbols=True,
        require_numbers=True,
        require_uppercase=True,
        require_lowercase=True,
    )
    assert problems("Aa1!aa", rules) == []
    assert len(problems("aaaaaa", rules)) == 3


def test_custom_minimum_length_is_enforced_at_its_bound() -> None:
    rules = Rules(custom=True, minimum_length=10)
    assert problems("a" * 10, rules) == []
    assert problems("a" * 9, rules) == ["Password must be at least 10 characters."]


def test_passwords_over_128_or_outside_latin1_are_refused() -> None:
    rules = Rules(custom=True, minimum_length=6)
    assert problems("a" * 129, rules)
    assert problems("abcdef€", rules)


def test_generated_passwords_meet_the_strictest_rules() -> None:
    rules = Rules(
        custom=True,
        minimum_length=20,
        require_symbols=True,
        require_numbers=True,
        require_uppercase=True,
        require_lowercase=True,
    )
    for _ in range(50):
        password = generate(rules)
        assert problems(password, rules) == []
        assert problems(password, DEFAULT_RULES) == []


def test_generated_passwords_have_no_quote_characters() -> None:
    """`make run` prints the demo passwords: none may hold a character read as a quote."""
    for _ in range(200):
        assert not set(generate()) & set("'\"`")
