"""The console's routes as Django resolves them at run time: the tables that the permission
matrix and the hostile-input sweep keep, keyed by URL name, are checked against this list so
a new route cannot be left out of either."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver


@dataclass(frozen=True)
class Route:
    name: str  # the URL name, with its namespaces ("ns:name")
    pattern: str  # the path pattern from the root, as written in the URLconfs


def _walk(
    patterns: list[URLPattern | URLResolver], prefix: str, namespaces: tuple[str, ...]
) -> Iterator[Route]:
    for p in patterns:
        if isinstance(p, URLResolver):
            inner = (*namespaces, p.namespace) if p.namespace else namespaces
            yield from _walk(p.url_patterns, prefix + str(p.pattern), inner)
        elif p.name:
            yield Route(":".join((*namespaces, p.name)), prefix + str(p.pattern))
        else:
            # An unnamed route cannot be keyed in a table: name it in its URLconf.
            yield Route("", prefix + str(p.pattern))


def named_routes() -> dict[str, Route]:
    """Every route by URL name; a name given twice keeps its first route (Django's reverse)."""
    routes: dict[str, Route] = {}
    for route in _walk(get_resolver().url_patterns, "", ()):
        routes.setdefault(route.name, route)
    return routes
