"""Template helpers for the UI kit partials (templates/ui/)."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def split(text: str, separator: str = ",") -> list[str]:
    """A list written inline, e.g. a picker's column titles: "User name,Groups"."""
    return text.split(separator)


@register.simple_tag
def hidden_fields(**fields: object) -> list[tuple[str, str]]:
    """`{% hidden_fields op="detach" policy=arn as hidden %}`: the hidden inputs of
    ui/confirm_remove.html, in the order given."""
    return [(name, str(value)) for name, value in fields.items()]
