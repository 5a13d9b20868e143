"""The request type the console's views receive (for the type checker only)."""

from __future__ import annotations

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request after django-htmx's middleware, which sets `htmx` on every request.

    Views that read `request.htmx` take this type (as django-htmx's docs suggest); at run time
    the request is Django's own."""

    htmx: HtmxDetails
