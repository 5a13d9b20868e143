"""A view decorator: an AccessDenied that escapes a view becomes the console's denial page.

Views catch denials where they can show them in place of one section; anything left
(e.g. the lookup of the object the page is about) renders AWS's message on a page of
its own with status 403, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from domain.kernel.errors import AccessDenied

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
