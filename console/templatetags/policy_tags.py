"""Template helpers for the policy pages."""

from __future__ import annotations

import json

from django import template

from console import links

register = template.Library()


register.filter("policy_scope", links.policy_scope)
register.filter("policy_url", links.policy_url)
register.filter("policy_key_url", links.policy_key_url)


@register.filter
def equals(value: object, other: object) -> bool:
    """`row|equals:chosen`: a `with` can't hold a comparison."""
    return value == other


@register.filter
def pair(value: str, name: str) -> list[tuple[str, str]]:
    """One hidden input (name, value) for ui/confirm_remove.html's `hidden`."""
    return [(name, value)]


@register.filter
def pretty_json(text: str) -> str:
    """The document indented the console's way; text that is not JSON is shown as is."""
    try:
        return json.dumps(json.loads(text), indent=4)
    except ValueError:
        return text
