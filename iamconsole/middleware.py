"""Console middleware: input hygiene, and a user who must set a new password reaches
nothing else."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect
from django.template.loader import render_to_string
from django.urls import reverse

from console.flows import federation, switch_role
from domain.iam.signin import must_set_new_password
from domain.kernel import calls
from domain.kernel.sessions import console_session

# Switch role acts as the signed-in IAM user: a federated (SAML) session has none.
_SWITCH_ROLE_PREFIX = "/switchrole/"

# A role session has no password, access keys or MFA devices of its own (AWS hides
# "Security credentials" while a role is active): these pages wait for Switch back.
_OWN_CREDENTIALS_PREFIX = "/security-credentials/"


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
        # Every event a console request records carries its request ID and user agent.
        agent = request.headers.get("user-agent", "")
        with calls.request(calls.Request(user_agent=agent)):
            return self._console(request)

    def _console(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and must_set_new_password(user):
            allowed = {reverse("new_password"), reverse("signout")}
            if request.path not in allowed and not request.path.startswith("/static/"):
                return redirect("new_password")
        if user.is_authenticated and switch_role.SESSION_KEY in request.session:
            refused = _role_session(request)
            if refused is not None:
                return refused
        return self.get_response(request)


def _role_session(request: HttpRequest) -> HttpResponse | None:
    """Puts the switched-to role session on the request while its credentials are valid;
    once they expire (or are gone) the console is back to the signed-in identity."""
    data = switch_role.current(request)
    session = None
    user_id = request.user.pk
    if data is not None and user_id is not None:
        session = console_session(user_id, str(data.get("key", "")), str(data.get("token", "")))
    if session is None and data is not None and data.get(federation.FEDERATED):
        # A SAML sign-in has no identity to fall back to: the browser session ends whole.
        logout(request)
        messages.info(request, "Your federated session has expired. Sign in again.")
        return redirect("signin")
    if session is None:
        switch_role.end(request)
        display = data.get("display", "the role") if data else "the role"
        messages.info(
            request,
            f"Your session as {display} has expired. You are back to {request.user.display_name}.",  # type: ignore[union-attr]
        )
        return None
    # The middleware's own attributes on the request (read back with getattr), which
    # HttpRequest does not declare.
    request.role_session = session  # type: ignore[attr-defined]
    request.switch_role = data  # type: ignore[attr-defined]
    federated = data is not None and data.get(federation.FEDERATED)
    if federated and request.path.startswith(_SWITCH_ROLE_PREFIX):
        messages.info(request, "You signed in through SAML: sign out to end this session.")
        return redirect("dashboard")
    if request.path.startswith(_OWN_CREDENTIALS_PREFIX):
        messages.info(request, "Switch back to manage your own security credentials.")
        return redirect("dashboard")
    return None
