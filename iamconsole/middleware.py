"""Console middleware: a user who must set a new password reaches nothing else."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.signin import must_set_new_password


class ConsoleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and must_set_new_password(user):  # type: ignore[arg-type]
            allowed = {reverse("new_password"), reverse("signout")}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("new_password")
        return self.get_response(request)
