"""URLs of console pages that views and template tags both build."""

from __future__ import annotations

from django.urls import reverse

from accounts.models import Principal
from policies.models import ManagedPolicy


def policy_scope(policy: ManagedPolicy) -> str:
    """The URL key of a policy: AWS managed names are unique across AWS's policies,
    customer managed names within the account."""
    return "aws" if policy.account_id is None else "local"


def policy_url(policy: ManagedPolicy) -> str:
    return reverse("policy_detail", args=[policy_scope(policy), policy.name])


def mfa_url(what: str, owner: Principal, principal: Principal, device_id: int = 0) -> str:
    """The URL of an MFA page for `owner`'s devices, as seen by `principal`."""
    args: list[object] = [] if owner.pk == principal.pk else [owner.name]
    if device_id:
        args.append(device_id)
    prefix = "my_mfa_" if owner.pk == principal.pk else "user_mfa_"
    return reverse(prefix + what, args=args)
