"""The table of AWS actions the product performs: one function per AWS action or read.

A writer is marked `@aws_action("iam:AttachUserPolicy")` and a reader `@aws_read("iam:GetUser")`
where it is defined; importing `domain.iam` fills the table, and `domain.iam.registry()`
returns it. Every door (the console, the AWS API, commands) reaches an action through this
one function, so the table is also what the API exposes one to one. Registering a name twice
is a programming error and fails at import.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

Kind = Literal["action", "read"]


@dataclass(frozen=True, slots=True)
class Entry:
    name: str  # "iam:AttachUserPolicy", as the AWS catalogue spells it
    kind: Kind  # "action" changes something; "read" only reads
    function: Callable[..., Any]


_TABLE: dict[str, Entry] = {}
_CAMEL = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def snake_case(action: str) -> str:
    """`iam:AttachUserPolicy` -> `attach_user_policy`; `iam:CreateVirtualMFADevice` ->
    `create_virtual_mfa_device` (the function name an AWS action gets)."""
    return _CAMEL.sub("_", action.split(":", 1)[-1]).lower()


def _register[F: Callable[..., Any]](name: str, kind: Kind) -> Callable[[F], F]:
    def mark(function: F) -> F:
        if name in _TABLE:
            raise RuntimeError(
                f"{name} already has a function ({_TABLE[name].function.__qualname__}); "
                f"{function.__qualname__} cannot be a second one"
            )
        _TABLE[name] = Entry(name=name, kind=kind, function=function)
        function.aws_action = name  # type: ignore[attr-defined]
        return function

    return mark


def aws_action[F: Callable[..., Any]](name: str) -> Callable[[F], F]:
    """Marks the one function that performs the AWS action `name` (a change)."""
    return _register(name, "action")


def aws_read[F: Callable[..., Any]](name: str) -> Callable[[F], F]:
    """Marks the one reader that answers the AWS read `name`."""
    return _register(name, "read")


def entries() -> dict[str, Entry]:
    """Every registered action and read, by AWS name (callers import `domain.iam` first)."""
    return dict(_TABLE)
