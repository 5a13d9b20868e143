"""A view decorator: an AccessDenied that escapes a view becomes the console's denial page.

Views catch denials where they can show them in place of one section; anything left
(e.g. the lookup of the object the page is about) renders AWS's message on a page of
its own with status 403, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from console.forms import add_service_error
from domain.kernel.errors import AccessDenied, IamError

View = Callable[..., HttpResponse]


def shows_denial(nav: str) -> Callable[[View], View]:
    def decorate(view: View) -> View:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            try:
                return view(request, *args, **kwargs)
            except AccessDenied as denied:
                ctx = {"nav": nav, "message": denied.message}
                return render(request, "ui/denied_page.html", ctx, status=403)

        return wrapper

    return decorate


def attempt(
    ctx: dict[str, Any],
    form: forms.Form | None,
    call: Callable[[], object],
    *,
    denied_key: str = "denied",
    error_key: str = "error",
) -> bool:
    """Runs a form's service call; True when it succeeded. A denial goes to ctx[denied_key]
    (the page's denial box), any other error beside its field on `form`, or to
    ctx[error_key] on a page without a form."""
    try:
        call()
    except AccessDenied as denied:
        ctx[denied_key] = denied.message
    except IamError as error:
        if form is None:
            ctx[error_key] = error.message
        else:
            show_error(ctx, form, error)
    else:
        return True
    return False


def show_error(ctx: dict[str, Any], form: forms.Form, error: IamError) -> None:
    """A denial goes in the page's Access denied alert; other errors beside their field."""
    if isinstance(error, AccessDenied):
        ctx["denied"] = error.message
    else:
        add_service_error(form, error)
