"""Helpers for the UI kit in templates/ui/ (the one "Step N" list every wizard shares)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import template
from django.urls import reverse

register = template.Library()


@register.inclusion_tag("ui/wizard_steps.html")
def wizard_steps(
    steps: str | Iterable[tuple[str, str]],
    current: int | str,
    done: int | None = None,
    url_name: str = "",
    wizard: str = "",
) -> dict[str, Any]:
    """The steps of a wizard, for ui/wizard_steps.html.

    `steps` is either "Title 1|Title 2 (optional)|..." written in the template, or the
    (key, title) pairs of a wizard whose finished steps link back (`url_name`, `wizard`).
    `current` is the step's number (from 1) or its key; `done` counts the finished steps.
    A title ending in " (optional)" is shown as "Step N - optional", as AWS does.
    """
    pairs = (
        [(str(n), title) for n, title in enumerate(steps.split("|"), start=1)]
        if isinstance(steps, str)
        else [(str(key), str(title)) for key, title in steps]
    )
    keys = [key for key, _ in pairs]
    position = keys.index(str(current)) if str(current) in keys else 0
    finished = position if done is None else done
    rows = []
    for index, (key, title) in enumerate(pairs):
        optional = title.endswith(" (optional)")
        rows.append(
            {
                "number": index + 1,
                "title": title.removesuffix(" (optional)"),
                "optional": optional,
                "current": index == position,
                "complete": index != position and index < finished,
                "url": reverse(url_name, args=[wizard, key])
                if url_name and index != position and index <= finished
                else "",
            }
        )
    return {"steps": rows}
