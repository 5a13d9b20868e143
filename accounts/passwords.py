"""Password rules: AWS's IAM default policy or the account's custom one (aws-console.md §4)."""

from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

SYMBOLS = "!@#$%^&*()_+-=[]{}|'"
# Generated passwords draw their symbols from AWS's set less the quote, so a password printed
# in a terminal or on a page can't be misread where it starts or ends.
GENERATED_SYMBOLS = SYMBOLS.replace("'", "")
_ALLOWED = {"\t", "\n", "\r"} | {chr(c) for c in range(0x20, 0x100)}


@dataclass(frozen=True)
class Rules:
    """The rules a new password must meet. `custom` is False for AWS's IAM default."""

    custom: bool = False
    minimum_length: int = 8
    require_symbols: bool = False
    require_numbers: bool = False
    require_uppercase: bool = False
    require_lowercase: bool = False
    allow_users_to_change: bool = False
    max_age_days: int | None = None
    reuse_prevention: int | None = None
    hard_expiry: bool = False

    def describe(self) -> list[str]:
        if not self.custom:
            return [
                "Minimum password length is 8 characters",
                "Include a minimum of three of the following mix of character types: "
                "uppercase, lowercase, numbers, and ! @ # $ % ^ & * ( ) _ + - = [ ] { } | '",
                "Must not be identical to your AWS account name or email address",
            ]
        lines = [f"Minimum password length is {self.minimum_length} characters"]
        for flag, text in (
            (
                self.require_uppercase,
                "Require at least one uppercase letter from Latin alphabet (A-Z)",
            ),
            (
                self.require_lowercase,
                "Require at least one lowercase letter from Latin alphabet (a-z)",
            ),
            (self.require_numbers, "Require at least one number"),
            (
                self.require_symbols,
                "Require at least one non-alphanumeric character "
                "(! @ # $ % ^ & * ( ) _ + - = [ ] { } | ')",
            ),
        ):
            if flag:
                lines.append(text)
        return lines


DEFAULT_RULES = Rules()


def rules_for(account: object) -> Rules:
    policy = getattr(account, "password_policy", None)
    if policy is None:
        return DEFAULT_RULES
    return Rules(
        custom=True,
        minimum_length=policy.minimum_password_length,
        require_symbols=policy.require_symbols,
        require_numbers=policy.require_numbers,
        require_uppercase=policy.require_uppercase_characters,
        require_lowercase=policy.require_lowercase_characters,
        allow_users_to_change=policy.allow_users_to_change_password,
        max_age_days=policy.max_password_age,
        reuse_prevention=policy.password_reuse_prevention,
        hard_expiry=policy.hard_expiry,
    )


def _classes(password: str) -> dict[str, bool]:
    return {
        "upper": any("A" <= c <= "Z" for c in password),
        "lower": any("a" <= c <= "z" for c in password),
        "number": any(c.isdigit() for c in password),
        "symbol": any(c in SYMBOLS for c in password),
    }


def problems(password: str, rules: Rules, *, forbidden: tuple[str, ...] = ()) -> list[str]:
    """Every rule the password breaks, in plain words; [] when it is acceptable."""
    if not password:
        return ["Enter a password."]
    found = []
    if len(password) > 128:
        found.append("Password must be at most 128 characters.")
    if any(c not in _ALLOWED for c in password):
        found.append("Password contains characters that are not allowed.")
    classes = _classes(password)
    if not rules.custom:
        if len(password) < 8:
            found.append("Password must be at least 8 characters.")
        if sum(classes.values()) < 3:
            found.append(
                "Password must include at least three of: uppercase letters, lowercase "
                "letters, numbers and symbols."
            )
        if any(password.lower() == f.lower() for f in forbidden if f):
            found.append("Password must not be your AWS account name or email address.")
        return found
    if len(password) < rules.minimum_length:
        found.append(f"Password must be at least {rules.minimum_length} characters.")
    if rules.require_uppercase and not classes["upper"]:
        found.append("Password must contain at least one uppercase letter (A-Z).")
    if rules.require_lowercase and not classes["lower"]:
        found.append("Password must contain at least one lowercase letter (a-z).")
    if rules.require_numbers and not classes["number"]:
        found.append("Password must contain at least one number.")
    if rules.require_symbols and not classes["symbol"]:
        found.append("Password must contain at least one non-alphanumeric character.")
    return found


def generate(rules: Rules = DEFAULT_RULES) -> str:
    """A random password that meets `rules`, with every character class present."""
    length = max(16, rules.minimum_length)
    pools = [string.ascii_uppercase, string.ascii_lowercase, string.digits, GENERATED_SYMBOLS]
    everything = "".join(pools)
    chars = [secrets.choice(pool) for pool in pools]
    chars += [secrets.choice(everything) for _ in range(length - len(chars))]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)
