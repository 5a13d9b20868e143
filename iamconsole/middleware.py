"""Console middleware: input hygiene, and a user who must set a new password reaches
nothing else."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse

from domain.iam.signin import must_set_new_password


class RejectNulBytesMiddleware:
    """Refuses a NUL character anywhere in the path, query or form.

    No IAM name, password or policy may contain one (AWS's character sets exclude it),
    and PostgreSQL cannot store one: answering 400 here keeps every view from turning
    such input into a database error.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _has_nul(request):
            html = render_to_string("400.html", {"reason": "The request contains a NUL character."})
            return HttpResponseBadRequest(html)
        return self.get_response(request)


def _has_nul(request: HttpRequest) -> bool:
    if "\x00" in request.path:
        return True
    for data in (request.GET, request.POST if request.method == "POST" else None):
        for key, values in data.lists() if data else ():
            if "\x00" in key or any("\x00" in value for value in values):
                return True
    return False


class ConsoleMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and must_set_new_password(user):
            allowed = {reverse("new_password"), reverse("signout")}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("new_password")
        return self.get_response(request)
