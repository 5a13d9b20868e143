"""Server CPU of one AWS API request, in process: no network, no client, no gunicorn.

Run: .venv/bin/python bench/api_profile.py [--users N] [--calls N] [--profile OPERATION]

Builds the same data as bench/api.py (a throwaway SQLite database), signs each operation's
request once with botocore's own SigV4 signer and replays it N times through Django's WSGI
handler (the whole middleware stack, signature verified and policies enforced each time),
then prints the median server time per request. `--profile GetUser` prints cProfile's top
functions for that operation instead, so the breakdown of a request's CPU is one command.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import io
import json
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# bench/api.py sets up Django on a temporary SQLite database and builds the accounts.
from botocore.auth import SigV4Auth  # noqa: E402
from botocore.awsrequest import AWSRequest  # noqa: E402
from botocore.credentials import Credentials  # noqa: E402
from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.core.management import call_command  # noqa: E402

from bench.api import make_account, make_role  # noqa: E402

HOST = "127.0.0.1:8000"


def signed_environ(key: tuple[str, str], service: str, params: dict[str, str]) -> dict[str, Any]:
    """A WSGI environ of a boto3-style form POST, signed as botocore signs it."""
    body = urlencode(params).encode()
    request = AWSRequest(
        method="POST",
        url=f"http://{HOST}/",
        data=body,
        headers={"Content-Type": "application/x-www-form-urlencoded; charset=utf-8"},
    )
    SigV4Auth(Credentials(*key), service, "us-east-1").add_auth(request)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": "POST",
        "PATH_INFO": "/",
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "wsgi.url_scheme": "http",
        "CONTENT_TYPE": request.headers["Content-Type"],
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": HOST,
        "_body": body,
    }
    for name, value in request.headers.items():
        if name.lower() in ("content-type", "content-length"):
            continue
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    return environ


def caller(app: WSGIHandler, environ: dict[str, Any]) -> Callable[[], int]:
    body = environ["_body"]
    statuses: list[str] = []

    def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
        statuses.append(status)
        return None

    def call() -> int:
        env = dict(environ)
        env["wsgi.input"] = io.BytesIO(body)
        b"".join(app(env, start_response))
        return int(statuses.pop()[:3])

    return call


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--calls", type=int, default=300)
    parser.add_argument("--profile", default="")
    parser.add_argument(
        "--sampler", action="store_true", help="with --profile: pyinstrument's tree, not cProfile"
    )
    args = parser.parse_args()
    from accounts.models import Principal  # after bench.api's django.setup()

    call_command("migrate", verbosity=0)
    _, *key_a = make_account("a@bench.example", args.users)
    _, *key_b = make_account("b@bench.example", 0)
    bencher = Principal.objects.get(name="bencher", account__principals__email="a@bench.example")
    role_arn = make_role(bencher)
    a = (key_a[0], key_a[1])
    b = (key_b[0], key_b[1])
    app = WSGIHandler()
    names = iter(range(10**9))
    # A page from the middle of the 5,000 (markers are name + id, as api_readers writes them).
    middle = Principal.objects.get(account=bencher.account, name="user02000")
    marker = base64.urlsafe_b64encode(json.dumps(["user02000", middle.pk]).encode()).decode()

    operations: list[tuple[str, Callable[[], dict[str, Any]]]] = [
        (
            "GetUser",
            lambda: signed_environ(
                a, "iam", {"Action": "GetUser", "Version": "2010-05-08", "UserName": "user00042"}
            ),
        ),
        (
            "ListUsers",
            lambda: signed_environ(
                a,
                "iam",
                {
                    "Action": "ListUsers",
                    "Version": "2010-05-08",
                    "MaxItems": "100",
                    "Marker": marker,
                },
            ),
        ),
        (
            "CreateUser",
            lambda: signed_environ(
                b,
                "iam",
                {"Action": "CreateUser", "Version": "2010-05-08", "UserName": f"n{next(names)}"},
            ),
        ),
        (
            "SimulatePrincipalPolicy",
            lambda: signed_environ(
                a,
                "iam",
                {
                    "Action": "SimulatePrincipalPolicy",
                    "Version": "2010-05-08",
                    "PolicySourceArn": bencher.arn,
                    "ActionNames.member.1": "iam:GetUser",
                    "ActionNames.member.2": "s3:GetObject",
                },
            ),
        ),
        (
            "AssumeRole",
            lambda: signed_environ(
                a,
                "sts",
                {
                    "Action": "AssumeRole",
                    "Version": "2011-06-15",
                    "RoleArn": role_arn,
                    "RoleSessionName": f"s{next(names)}",
                },
            ),
        ),
    ]
    print(f"In-process server CPU per request (median of {args.calls}), SQLite")
    for label, make in operations:
        if args.profile and label != args.profile:
            continue
        # CreateUser and AssumeRole need a fresh request each time (new names); the
        # signing is done before the clock starts.
        environs = [make() for _ in range(args.calls)]
        calls = [caller(app, env) for env in environs]
        status = calls[0]()
        assert status == 200, (label, status)
        if args.profile and args.sampler:
            from pyinstrument import Profiler

            sampler = Profiler(interval=0.0001)
            sampler.start()
            for call in calls[1:]:
                call()
            sampler.stop()
            print(sampler.output_text(unicode=True, show_all=False))
            continue
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for call in calls[1:]:
                call()
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).sort_stats("cumulative")
            stats.print_stats(60)
            out.write("\n--- by own time ---\n")
            stats.sort_stats("tottime").print_stats(30)
            print(out.getvalue())
            continue
        times = []
        for call in calls[1:]:
            start = time.process_time()
            assert call() == 200
            times.append(time.process_time() - start)
        print(f"{label:26} {statistics.median(times) * 1000:6.2f} ms")


if __name__ == "__main__":
    main()
