"""Project-level views."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def not_built(request: HttpRequest) -> HttpResponse:
    """Stands in for a page that another issue builds, so navigation never breaks."""
    return render(request, "not_built.html", status=200)
