"""What the event history needs to know about the call in progress, set by the doors.

A door (the console middleware, the API endpoint) opens a `Request` for each HTTP request:
its request ID, user agent, the access key it was signed with and the region. The registry's
wrappers (domain.kernel.registry) open a `Call` for the outermost AWS action or read a door
makes, holding its parameters; `domain.kernel.audit.record` reads both, so one INSERT makes
a full CloudTrail record without any extra query. Both live in context variables, so nothing
has to be passed down through the operations.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Request:
    request_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    user_agent: str = ""
    access_key_id: str = ""
    region: str = ""
    # The API door's parsed input, by AWS's member names (requestParameters of its events).
    parameters: dict[str, Any] | None = None


@dataclass(slots=True)
class Call:
    action: str  # "iam:GetUser"
    read_only: bool
    parameters: dict[str, Any]
    recorded: list[str] = field(default_factory=list)  # error codes ("" allowed) recorded


_REQUEST: ContextVar[Request | None] = ContextVar("event_request", default=None)
_CALL: ContextVar[Call | None] = ContextVar("event_call", default=None)


def current_request() -> Request | None:
    return _REQUEST.get()


def current_call() -> Call | None:
    return _CALL.get()


@contextmanager
def request(info: Request) -> Iterator[Request]:
    """The door's HTTP request, for every event recorded while it runs."""
    token = _REQUEST.set(info)
    try:
        yield info
    finally:
        _REQUEST.reset(token)


@contextmanager
def call(info: Call) -> Iterator[Call]:
    token = _CALL.set(info)
    try:
        yield info
    finally:
        _CALL.reset(token)
