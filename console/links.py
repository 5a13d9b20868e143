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


AWS_POLICY_PREFIX = "arn:aws:iam::aws:policy/"


def policy_key_url(key: str) -> str:
    """The page of a policy row's key (a managed policy's ARN); "" for an inline policy."""
    if not key.startswith("arn:aws:iam::") or ":policy/" not in key:
        return ""
    name = key.rsplit("/", 1)[-1]
    scope = "aws" if key.startswith(AWS_POLICY_PREFIX) else "local"
    return reverse("policy_detail", args=[scope, name])


def mfa_url(what: str, owner: Principal, principal: Principal, device_id: int = 0) -> str:
    """The URL of an MFA page for `owner`'s devices, as seen by `principal`."""
    args: list[object] = [] if owner.pk == principal.pk else [owner.name]
    if device_id:
        args.append(device_id)
    prefix = "my_mfa_" if owner.pk == principal.pk else "user_mfa_"
    return reverse(prefix + what, args=args)
