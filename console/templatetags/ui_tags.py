"""Template helpers for the UI kit partials (templates/ui/)."""

from __future__ import annotations

from django import template

from console.help_topics import TOPICS, HelpTopic

register = template.Library()


@register.filter
def hyphenated(account_id: str) -> str:
    """A 12-digit account ID as AWS's account menu shows it: 1234-5678-9012."""
    text = str(account_id)
    if len(text) != 12 or not text.isdigit():
        return text
    return f"{text[:4]}-{text[4:8]}-{text[8:]}"


@register.filter
def split(text: str, separator: str = ",") -> list[str]:
    """A list written inline, e.g. a picker's column titles: "User name,Groups"."""
    return text.split(separator)


@register.simple_tag
def hidden_fields(**fields: object) -> list[tuple[str, str]]:
    """`{% hidden_fields op="detach" policy=arn as hidden %}`: the hidden inputs of
    ui/confirm_remove.html, in the order given."""
    return [(name, str(value)) for name, value in fields.items()]


@register.inclusion_tag("ui/info.html")
def info(key: str) -> dict[str, HelpTopic]:
    """`{% info "roles" %}`: the "Info" link and the side panel it opens."""
    return {"topic": TOPICS[key]}
