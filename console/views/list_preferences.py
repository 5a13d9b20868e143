"""Saving a list's preferences (the gear icon): page size and visible columns."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from console.flows import list_preferences


@require_POST
def save_list_preferences(request: HttpRequest, list_key: str) -> HttpResponse:
    """Stores the choice in the session and goes back to the list, keeping its filter."""
    spec = list_preferences.LISTS.get(list_key)
    if spec is None:
        raise Http404("No such list.")
    list_preferences.save(request, spec, request.POST)
    q = request.POST.get("q", "").strip()[:128]
    return redirect(reverse(spec.url_name) + (f"?{urlencode({'q': q})}" if q else ""))
