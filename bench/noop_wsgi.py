"""A no-op AWS endpoint for bench/api.py: every request gets the same GetUser response.

No Django, no signature check, no database: served by the same gunicorn as the real app, it
shows how fast a client can go on these cores when the server costs (almost) nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

BODY = (
    b'<GetUserResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetUserResult><User>'
    b"<Path>/</Path><UserName>user00042</UserName><UserId>AIDAEXAMPLE000000042</UserId>"
    b"<Arn>arn:aws:iam::123456789012:user/user00042</Arn>"
    b"<CreateDate>2026-12-01T00:00:00Z</CreateDate></User></GetUserResult>"
    b"<ResponseMetadata><RequestId>00000000-0000-0000-0000-000000000000</RequestId>"
    b"</ResponseMetadata></GetUserResponse>"
)


def application(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    environ["wsgi.input"].read()
    start_response("200 OK", [("Content-Type", "text/xml"), ("Content-Length", str(len(BODY)))])
    return [BODY]
