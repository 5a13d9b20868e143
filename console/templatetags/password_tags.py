"""The console-wide notice that one's password expires within 15 days."""

from __future__ import annotations

from typing import Any

from django import template

from domain.iam import password_history

register = template.Library()


@register.inclusion_tag("accounts/security_credentials/_expiry_notice.html", takes_context=True)
def password_expiry_notice(context: template.Context) -> dict[str, Any]:
    principal = context.get("principal")
    if principal is None or not getattr(principal, "is_authenticated", False):
        return {}
    return {"days_left": password_history.days_left(principal)}
