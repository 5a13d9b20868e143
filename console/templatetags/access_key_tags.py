"""Reads the access keys for `accounts/access_keys/_section.html`.

The users pages include the section with nothing but `user`; this tag reads the keys
through the access helper (iam:ListAccessKeys) so a denial shows in place of the table.
"""

from __future__ import annotations

from typing import Any

from django import template

from accounts.models import Principal
from domain.iam import access
from domain.iam.access_keys import MAX_ACCESS_KEYS
from domain.kernel.actors import actor_for
from domain.kernel.errors import AccessDenied

register = template.Library()


@register.simple_tag(takes_context=True)
def access_keys_of(context: template.Context, owner: Principal) -> dict[str, Any]:
    actor = actor_for(context["request"])
    try:
        keys = access.list_access_keys(actor, owner)
    except AccessDenied as denied:
        return {"denied": denied.message, "keys": [], "can_create": True}
    descriptions = owner.tag_dict()
    rows = [{"key": key, "description": descriptions.get(key.access_key_id, "")} for key in keys]
    return {"keys": rows, "can_create": len(keys) < MAX_ACCESS_KEYS, "max": MAX_ACCESS_KEYS}
