"""The performance goals of a full classroom (issue 15), each figure next to its target.

Run: .venv/bin/python bench/goals.py [--users N] [--iterations N]

Same account as bench/pages.py (N users, 50 groups, 400 access keys, throw-away SQLite).
Every figure is server CPU (time.process_time around one request through Django's test
Client, median of the iterations): on a shared machine CPU time moves far less than wall
time. The users list is compared with a bare Django ListView of the same users at the same
page size (a plain table of the same six columns, same middleware), measured in the same
sitting; the query count must not grow with the page size.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

# isort: off
from bench import pages  # noqa: E402  (sets up Django on its throw-away database)
# isort: on

from argon2 import PasswordHasher  # noqa: E402
from django.core.signals import request_finished, request_started  # noqa: E402
from django.db import close_old_connections, connection  # noqa: E402
from django.db.models import QuerySet  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.template import engines  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.urls import include, path  # noqa: E402
from django.views.generic import ListView  # noqa: E402

from accounts.hashers import ConsoleArgon2PasswordHasher  # noqa: E402
from accounts.models import Principal  # noqa: E402
from domain.iam import policies as policy_services  # noqa: E402
from domain.kernel.actors import system_actor  # noqa: E402
from policies.models import ManagedPolicy  # noqa: E402

BARE_TEMPLATE = engines["django"].from_string(
    "\n".join(
        [
            "<!doctype html><html><head><title>Users</title></head><body><main>",
            "<h1>Users ({{ paginator.count }})</h1><table><thead><tr><th>User name</th>",
            "<th>Path</th><th>Created</th><th>Last sign-in</th><th>Active</th><th>ID</th>",
            "</tr></thead><tbody>{% for user in object_list %}<tr>",
            '<td><a href="/users/details/{{ user.name }}/">{{ user.name }}</a></td>',
            '<td>{{ user.path }}</td><td>{{ user.created_at|date:"N j, Y" }}</td>',
            '<td>{{ user.last_login|default:"Never" }}</td><td>{{ user.is_active }}</td>',
            "<td>{{ user.unique_id }}</td></tr>{% endfor %}</tbody></table>",
            "{% if page_obj.has_next %}",
            '<a href="?page={{ page_obj.next_page_number }}">Next</a>{% endif %}',
            "</main></body></html>",
        ]
    )
)


class BareUserList(ListView):  # type: ignore[type-arg]  # generic only in the stubs
    """The baseline: Django's ListView over the same users, nothing computed per row."""

    def get_queryset(self) -> QuerySet[Principal]:
        return Principal.objects.filter(kind=Principal.Kind.USER).order_by("name", "id")

    def get_paginate_by(self, queryset: QuerySet[Principal]) -> int:
        return int(self.request.GET.get("n", 25))

    def render_to_response(self, context: dict[str, object], **kwargs: object) -> HttpResponse:
        return HttpResponse(BARE_TEMPLATE.render(context, self.request))


urlpatterns = [
    path("bare/users/", BareUserList.as_view()),
    path("", include("iamconsole.urls")),
]

TWENTY_ACTIONS = (
    "s3:GetObject s3:PutObject s3:ListBucket s3:DeleteObject s3:CreateBucket ec2:RunInstances "
    "ec2:DescribeInstances ec2:TerminateInstances ec2:StartInstances ec2:StopInstances "
    "iam:CreateUser iam:ListUsers iam:GetUser iam:DeleteUser iam:AttachUserPolicy "
    "dynamodb:GetItem dynamodb:PutItem lambda:InvokeFunction sqs:SendMessage sns:Publish"
).replace(" ", "\n")


def cpu_ms(call: Callable[[], object], iterations: int) -> float:
    call()  # warm: templates, compiled policies, the connection
    samples = []
    for _ in range(iterations):
        start = time.process_time_ns()
        call()
        samples.append((time.process_time_ns() - start) / 1e6)
    return statistics.median(samples)


def query_count(call: Callable[[], object]) -> int:
    with CaptureQueriesContext(connection) as queries:
        call()
    return len(queries.captured_queries)


def get(client: Client, url: str) -> Callable[[], object]:
    def fetch() -> object:
        response = client.get(url)
        if response.status_code != 200:
            raise SystemExit(f"{url} answered {response.status_code}")
        return response

    return fetch


def requests(client: Client) -> dict[str, Callable[[], object]]:
    """The measured requests by name (the names --profile takes)."""
    simulate = {"run": "1", "entity": "user:user00001", "actions": TWENTY_ACTIONS, "resources": "*"}

    def simulator() -> object:
        response = client.post("/simulator/", simulate, headers={"HX-Request": "true"})
        if b"allowed" not in response.content:
            raise SystemExit("the simulator did not answer")
        return response

    return {
        "bare25": get(client, "/bare/users/?n=25"),
        "bare50": get(client, "/bare/users/?n=50"),
        "users25": get(client, "/users/?per_page=25"),
        "users50": get(client, "/users/?per_page=50"),
        "simulator": simulator,
        "policy": get(client, "/policies/aws/ReadOnlyAccess/"),
        "policies": get(client, "/policies/"),
    }


def profile(call: Callable[[], object], iterations: int) -> None:
    call()
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(iterations):
        call()
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(25)
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


def line(label: str, figure: str, target: str, met: bool) -> None:
    print(f"{label:<44}{figure:>16}  {target:<22}{'met' if met else 'NOT MET'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=5000)
    parser.add_argument("--iterations", type=int, default=30)
    parser.add_argument(
        "--profile",
        choices=["users25", "users50", "bare50", "simulator", "policy", "policies"],
        help="print cProfile's top functions for one page instead of the goals",
    )
    args = parser.parse_args()
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    with override_settings(**pages.TEST_SETTINGS, ROOT_URLCONF=__name__):
        root = pages.build(args.users)
        actor = system_actor(root)
        user = Principal.objects.get(account=root.account, name="user00001")
        policy_services.attach_user_policy(
            actor=actor,
            user=user,
            policy=ManagedPolicy.objects.get(account=None, name="ReadOnlyAccess"),
        )
        client = Client()
        client.force_login(root)
        calls = requests(client)
        if args.profile:
            profile(calls[args.profile], args.iterations)
            return
        print(f"{args.users} users; CPU ms per request, median of {args.iterations}")
        print(f"{'goal':<44}{'figure':>16}  {'target':<22}")
        print("-" * 90)
        for size in (25, 50):
            bare_ms = cpu_ms(calls[f"bare{size}"], args.iterations)
            ours_ms = cpu_ms(calls[f"users{size}"], args.iterations)
            ratio = ours_ms / bare_ms
            line(
                f"users list, {size} rows vs bare ListView",
                f"{ratio:.2f}x ({ours_ms:.1f}/{bare_ms:.1f})",
                "<= 1.5x",
                ratio <= 1.5,
            )
        counts = [query_count(calls["users25"]), query_count(calls["users50"])]
        line(
            "users list queries, 25 and 50 rows",
            f"{counts[0]} and {counts[1]}",
            "constant",
            counts[0] == counts[1],
        )
        figure = cpu_ms(calls["simulator"], args.iterations)
        line("simulator POST, 20 actions", f"{figure:.1f} ms", "< 20 ms", figure < 20)
        figure = cpu_ms(calls["policy"], args.iterations)
        line("policy page, ReadOnlyAccess", f"{figure:.1f} ms", "< 15 ms", figure < 15)
        figure = cpu_ms(calls["policies"], args.iterations)
        line("policies list (AWS managed + customer)", f"{figure:.1f} ms", "< 15 ms", figure < 15)
        hasher = ConsoleArgon2PasswordHasher()
        argon = PasswordHasher(
            time_cost=hasher.time_cost,
            memory_cost=hasher.memory_cost,
            parallelism=hasher.parallelism,
        )
        figure = cpu_ms(lambda: argon.hash("Class-Pass-2026!"), 10)
        line(
            f"Argon2id m={hasher.memory_cost // 1024} MiB t={hasher.time_cost} "
            f"p={hasher.parallelism}",
            f"{figure:.1f} ms",
            "< 50 ms (README)",
            figure < 50,
        )


if __name__ == "__main__":
    try:
        main()
    finally:
        pages.TMP.cleanup()
