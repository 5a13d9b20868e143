"""The Permissions tab a user's and a group's pages share (policies/_permissions_table.html):
the chosen row's summary and the URLs of the tab's buttons."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.http import HttpRequest
from django.urls import reverse

from console.flows import summary_cache
from domain.iam.user_listing import PolicyRow

Ctx = dict[str, Any]


def permissions_context(
    request: HttpRequest, rows: list[PolicyRow], *, kind: str, name: str
) -> Ctx:
    """`kind` is "user" or "group"; `name` the entity's. The row named by ?policy= opens."""
    chosen = next((r for r in rows if r.key == request.GET.get("policy")), None)
    ctx: Ctx = {"policy_rows": rows, "chosen": chosen}
    if chosen is not None:
        ctx["summary_table"] = summary_cache.summary_table(chosen.document)
    if kind == "user":
        ctx["perm"] = {
            "noun": "user",
            "name": name,
            "detail_name": "user_detail",
            "panel": True,
            "show_via": True,
            "simulate_url": reverse("simulator") + "?user=" + quote(name),
            "inline_create_url": reverse("user_inline_create", args=[name]),
            "add_url": reverse("user_add_permissions", args=[name]),
            "add_label": "Add permissions",
            "detach_url": reverse("user_detach_policy", args=[name]),
            "detach_field": "policy",
            "inline_edit_name": "user_inline_edit",
            "inline_delete_name": "user_inline_delete",
            "hint": "Permissions are defined by policies attached to the user directly or "
            "through groups.",
            "empty": "No resources to display. Add permissions to give this user access.",
        }
    else:
        ctx["perm"] = {
            "noun": "group",
            "name": name,
            "detail_name": "group_detail",
            "panel": False,
            "show_via": False,
            "simulate_url": "",
            "inline_create_url": reverse("group_inline_create", args=[name]),
            "add_url": reverse("group_attach_policies", args=[name]),
            "add_label": "Attach policies",
            "detach_url": reverse("group_detach_policies", args=[name]) + "?tab=permissions",
            "detach_field": "picks",
            "inline_edit_name": "group_inline_edit",
            "inline_delete_name": "group_inline_delete",
            "hint": "You can attach up to 10 managed policies.",
            "empty": "No resources to display. Attach policies to give this group's users access.",
        }
    return ctx
