"""The MFA devices section, included on one's own security credentials and on a user's page.

An inclusion tag rather than view context, so the users pages can include the section
with nothing but `owner`: the tag reads the devices through the access helper, which
checks iam:ListMFADevices, and shows the denial in place of the table.
"""

from __future__ import annotations

from typing import Any

from django import template

from accounts.models import Principal
from console.links import mfa_url
from domain.iam import access
from domain.kernel.actors import actor_for
from domain.kernel.errors import AccessDenied

register = template.Library()


@register.inclusion_tag("accounts/mfa/_devices_section.html", takes_context=True)
def mfa_devices_section(context: template.Context, owner: Principal) -> dict[str, Any]:
    request = context["request"]
    actor = actor_for(request)
    ctx: dict[str, Any] = {
        "owner": owner,
        "assign_url": mfa_url("assign", owner, actor.principal),
        "devices": [],
    }
    try:
        devices = access.list_mfa_devices(actor, owner)
    except AccessDenied as denied:
        ctx["denied"] = denied.message
        return ctx
    ctx["devices"] = [
        {
            "device": device,
            "resync_url": mfa_url("resync", owner, actor.principal, device.pk),
            "remove_url": mfa_url("remove", owner, actor.principal, device.pk),
        }
        for device in devices
    ]
    return ctx
