"""A class at work, for locust: each simulated student signs up, signs in, then repeats the
exercise of a first IAM lesson with 1-3 s of thinking between steps.

Run it through `make loadtest` (bench/loadtest.py starts the server and prints the table);
by hand: `locust -f bench/locustfile.py --host http://127.0.0.1:8000`.

Every step is a named request (its name is the row of the report); a step fails when the
answer is not what a person would see next (e.g. the wizard not moving on), not only on a
5xx.
"""

from __future__ import annotations

import itertools
import os
import random
import uuid

import gevent
from locust import HttpUser, task
from locust.clients import ResponseContextManager

# The simulator's 20 actions: a spread of services, as a student pastes from a lab sheet.
SIMULATED_ACTIONS = "\n".join(
    [
        "s3:GetObject",
        "s3:PutObject",
        "s3:ListBucket",
        "s3:DeleteObject",
        "s3:CreateBucket",
        "ec2:RunInstances",
        "ec2:DescribeInstances",
        "ec2:TerminateInstances",
        "ec2:StartInstances",
        "ec2:StopInstances",
        "iam:CreateUser",
        "iam:ListUsers",
        "iam:GetUser",
        "iam:DeleteUser",
        "iam:AttachUserPolicy",
        "dynamodb:GetItem",
        "dynamodb:PutItem",
        "lambda:InvokeFunction",
        "sqs:SendMessage",
        "sns:Publish",
    ]
)
MANAGED_POLICY = "arn:aws:iam::aws:policy/ReadOnlyAccess"
POLICY_DOCUMENT = (
    '{"Version":"2012-10-17","Statement":[{"Sid":"ReadReports","Effect":"Allow",'
    '"Action":["s3:GetObject","s3:ListBucket"],"Resource":"*"}]}'
)
PASSWORD = "Class-Pass-2026!"
THINK_MIN = float(os.environ.get("THINK_MIN", "1"))
THINK_MAX = float(os.environ.get("THINK_MAX", "3"))


def _wizard_base(location: str) -> str:
    """`/users/create/<run>/details/` -> `/users/create/<run>/`."""
    return location.rstrip("/").rsplit("/", 1)[0] + "/"


class Student(HttpUser):
    # Think time is taken between steps inside the lesson, not between lessons only.
    wait_time = staticmethod(lambda: 0.0)

    def think(self) -> None:
        gevent.sleep(random.uniform(THINK_MIN, THINK_MAX))

    def csrf(self) -> dict[str, str]:
        return {"X-CSRFToken": self.client.cookies.get("csrftoken") or ""}

    def expect(self, response: ResponseContextManager, status: int, text: str = "") -> None:
        if response.status_code != status:
            response.failure(f"answered {response.status_code}, expected {status}")  # type: ignore[no-untyped-call]  # locust leaves it untyped
        elif text and text not in response.text:
            response.failure(f"{text!r} is not on the page")  # type: ignore[no-untyped-call]  # as above
        else:
            response.success()  # type: ignore[no-untyped-call]  # as above

    def on_start(self) -> None:
        self.lessons = itertools.count(1)
        self.email = f"student-{uuid.uuid4().hex[:12]}@example.com"
        self.client.get("/signup/", name="sign up (page)")
        self.step(
            "/signup/",
            {
                "email": self.email,
                "account_name": f"Student {self.email[8:14]}",
                "password": PASSWORD,
                "confirm_password": PASSWORD,
            },
            "sign up",
        )
        self.think()
        self.client.get("/signin/", name="sign in (page)")
        self.step("/signin/", {"kind": "root", "email": self.email}, "sign in: email")
        self.step("/signin/root/", {"password": PASSWORD}, "sign in: password")

    @task
    def lesson(self) -> None:
        n = next(self.lessons)
        self.think()
        with self.client.get("/", name="dashboard", catch_response=True) as response:
            self.expect(response, 200, "IAM resources")
        self.think()
        with self.client.get("/users/", name="users list", catch_response=True) as response:
            self.expect(response, 200, "Users")
        self.think()
        self.create_user(f"student-user-{n}")
        self.think()
        self.create_policy(f"ReadReports{n}")
        self.think()
        with self.client.post(
            "/simulator/",
            {
                "run": "1",
                "entity": f"user:student-user-{n}",
                "actions": SIMULATED_ACTIONS,
                "resources": "*",
            },
            headers=self.csrf() | {"HX-Request": "true"},
            name="simulator: 20 actions",
            catch_response=True,
        ) as response:
            self.expect(response, 200, "allowed")
        self.think()
        self.step(
            "/groups/create/",
            {"name": f"Class-{n}", "members": [f"student-user-{n}"]},
            "create group",
        )

    def create_user(self, name: str) -> None:
        base = self.open_wizard("/users/create/", "create user: start")
        self.client.get(f"{base}details/", name="create user: details (page)")
        self.think()
        self.step(
            f"{base}details/",
            {
                "name": name,
                "console": "on",
                "console_kind": "iam_user",
                "password_kind": "autogenerated",
            },
            "create user: details",
        )
        self.think()
        self.step(
            f"{base}permissions/",
            {"option": "policies", "policies": [MANAGED_POLICY], "next": "1"},
            "create user: permissions",
        )
        with self.client.get(
            f"{base}review/", name="create user: review (page)", catch_response=True
        ) as response:
            self.expect(response, 200, "ReadOnlyAccess")
        self.think()
        self.step(f"{base}review/", {"create": "1"}, "create user: create")
        self.client.get(f"{base}retrieve/", name="create user: retrieve password")
        with self.client.get(
            f"{base}credentials.csv", name="create user: download CSV", catch_response=True
        ) as response:
            self.expect(response, 200, name)

    def open_wizard(self, url: str, label: str) -> str:
        """Opens a wizard at `url`: the base URL of its steps (where it redirected to)."""
        with self.client.get(
            url, name=label, allow_redirects=False, catch_response=True
        ) as response:
            self.expect(response, 302)
            return _wizard_base(response.headers.get("Location", f"{url}x/step/"))

    def step(self, url: str, data: dict[str, str | list[str]], label: str) -> None:
        """Posts a form that answers with a redirect (302)."""
        with self.client.post(
            url,
            data,
            headers=self.csrf(),
            name=label,
            allow_redirects=False,
            catch_response=True,
        ) as response:
            self.expect(response, 302)

    def create_policy(self, name: str) -> None:
        base = self.open_wizard("/policies/create/", "create policy: start")
        self.client.get(f"{base}permissions/", name="create policy: editor (page)")
        self.think()
        self.step(
            f"{base}permissions/",
            {"document": POLICY_DOCUMENT, "step": "review"},
            "create policy: review",
        )
        self.think()
        self.step(f"{base}review/", {"step": "create", "name": name}, "create policy: create")
