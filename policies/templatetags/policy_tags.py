"""Template helpers for the policy pages."""

from __future__ import annotations

import json

from django import template
from django.urls import reverse

from policies.models import ManagedPolicy

register = template.Library()


@register.filter
def policy_scope(policy: ManagedPolicy) -> str:
    """The URL key of a policy: AWS managed names are unique across AWS's policies,
    customer managed names within the account."""
    return "aws" if policy.account_id is None else "local"


@register.filter
def policy_url(policy: ManagedPolicy) -> str:
    return reverse("policy_detail", args=[policy_scope(policy), policy.name])


@register.filter
def pretty_json(text: str) -> str:
    """The document indented the console's way; text that is not JSON is shown as is."""
    try:
        return json.dumps(json.loads(text), indent=4)
    except ValueError:
        return text
