"""The type of the Django test client's responses, for annotating test helpers."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.http import HttpResponse

if TYPE_CHECKING:
    # django-stubs names the response the test client returns (an HttpResponse with
    # `context`, `templates`, `wsgi_request`, `json()` added); it exists only in the stubs.
    from django.test.client import _MonkeyPatchedWSGIResponse as ClientResponse
else:
    ClientResponse = HttpResponse

__all__ = ["ClientResponse"]
