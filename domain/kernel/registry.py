"""The table of AWS actions the product performs: one function per AWS action or read.

A writer is marked `@aws_action("iam:AttachUserPolicy")` and a reader `@aws_read("iam:GetUser")`
where it is defined; importing `domain.iam` fills the table, and `domain.iam.registry()`
returns it. Every door (the console, the AWS API, commands) reaches an action through this
one function, so the table is also what the API exposes one to one. Registering a name twice
is a programming error and fails at import.

The marks also wrap the function for the event history: the outermost registered call a door
makes (one with a keyword `actor`) opens a `calls.Call` with its parameters, and ends with
one event of its own unless the call recorded one (a change's `audit.record`, a denial from
`authorize`, a refused password): a read that succeeded, or a call that failed with an AWS
error.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, cast

from accounts.models import AuditEvent
from domain.kernel import audit, calls
from domain.kernel.actors import Actor
from domain.kernel.errors import IamError

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
        wrapped = _recorded(name, kind, function)
        _TABLE[name] = Entry(name=name, kind=kind, function=wrapped)
        wrapped.aws_action = name  # type: ignore[attr-defined]
        return wrapped

    return mark


def _recorded[F: Callable[..., Any]](name: str, kind: Kind, function: F) -> F:
    read_only = kind == "read"
    names = list(inspect.signature(function).parameters)

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if calls.current_call() is not None:
            return function(*args, **kwargs)
        given = dict(zip(names, args, strict=False)) | kwargs
        actor = given.get("actor")
        if not isinstance(actor, Actor):
            return function(*args, **kwargs)
        parameters = {k: v for k, v in given.items() if k not in ("actor", "now")}
        with calls.call(calls.Call(name, read_only, parameters)) as call:
            try:
                result = function(*args, **kwargs)
            except IamError as error:
                if not any(call.recorded):  # no denial or failure recorded yet
                    audit.record(
                        actor,
                        name,
                        _resource(given),
                        outcome=AuditEvent.Outcome.FAILED,
                        error_code=error.code,
                        error_message=error.message,
                    )
                raise
            if not call.recorded:
                audit.record(actor, name, _resource(given))
            return result

    return cast(F, wrapper)


def _resource(kwargs: dict[str, Any]) -> str:
    """The ARN an event names for a call recorded by the wrapper (reads, failures)."""
    for key, value in kwargs.items():
        if key == "actor":
            continue
        arn = getattr(value, "arn", None)
        if isinstance(arn, str):
            return arn
    for key in ("policy_arn", "role_arn", "serial_number"):
        value = kwargs.get(key)
        if isinstance(value, str) and value.startswith("arn:"):
            return value
    return ""


def aws_action[F: Callable[..., Any]](name: str) -> Callable[[F], F]:
    """Marks the one function that performs the AWS action `name` (a change)."""
    return _register(name, "action")


def aws_read[F: Callable[..., Any]](name: str) -> Callable[[F], F]:
    """Marks the one reader that answers the AWS read `name`."""
    return _register(name, "read")


def entries() -> dict[str, Entry]:
    """Every registered action and read, by AWS name (callers import `domain.iam` first)."""
    return dict(_TABLE)
