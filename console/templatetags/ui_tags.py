"""Template helpers for the UI kit partials (templates/ui/)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def split(text: str, separator: str = ",") -> list[str]:
    """A list written inline, e.g. a picker's column titles: "User name,Groups"."""
    return text.split(separator)
