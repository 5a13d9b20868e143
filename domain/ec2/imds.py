"""Instance credentials: what the instance metadata service (IMDS) answers an instance.

Each instance has its own endpoint, /ec2-imds/<metadata_secret>/ on the console's port (the
secret is the instance's identity, as the link-local address is in AWS). It hands out IMDSv2
session tokens and, for an instance whose profile has a role that trusts EC2, temporary
credentials of the session `assumed-role/<role>/<instance-id>`, issued through STS and
replaced before they expire (AWS rotates them at least five minutes before expiry)."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction

from accounts import crypto
from domain.ec2 import common
from domain.ec2.common import ec2_authorize, instance_context, instance_target
from domain.iam import sts
from domain.kernel.actors import Actor
from ec2 import states
from ec2.models import Instance

SESSION_SECONDS = 6 * 3600
ROTATE_BEFORE = timedelta(minutes=15)
MAX_TOKEN_TTL = 21600


@dataclass(frozen=True)
class InstanceCredentials:
    access_key_id: str
    secret_access_key: str
    token: str
    expiration: datetime
    last_updated: datetime


def metadata_instance(secret: str, now: datetime) -> Instance | None:
    """The instance whose endpoint this is, while it runs (a stopped instance has no IMDS)."""
    if not secret:
        return None
    found = (
        Instance.objects.filter(metadata_secret=secret)
        .select_related("instance_profile", "instance_profile__role", "imds_credential")
        .first()
    )
    if found is None:
        return None
    found = common.observe(found, now)
    return found if found.state == states.RUNNING else None


def _signature(instance: Instance, expires: int) -> str:
    key = (settings.SECRET_KEY + instance.metadata_secret).encode()
    return hmac.new(key, str(expires).encode(), hashlib.sha256).hexdigest()


def metadata_token(instance: Instance, ttl_seconds: int, now: datetime) -> str | None:
    """PUT /latest/api/token: an IMDSv2 token for 1-21600 seconds; None for a bad TTL."""
    if not 1 <= ttl_seconds <= MAX_TOKEN_TTL:
        return None
    expires = int(now.timestamp()) + ttl_seconds
    return f"{expires}.{_signature(instance, expires)}"


def token_is_valid(instance: Instance, token: str, now: datetime) -> bool:
    expires_text, _, signature = token.partition(".")
    if not expires_text.isdigit():
        return False
    expires = int(expires_text)
    if expires < now.timestamp():
        return False
    return hmac.compare_digest(signature, _signature(instance, expires))


def role_name(instance: Instance) -> str | None:
    profile = instance.instance_profile
    role = profile.role if profile is not None else None
    return role.name if role is not None else None


def instance_credentials(instance: Instance, now: datetime) -> InstanceCredentials | None:
    """The role credentials the instance holds now: the current ones while they have more
    than ROTATE_BEFORE left, else new ones. None without a role, or when the role does not
    trust EC2 (AWS's IMDS then serves no credentials)."""
    profile = instance.instance_profile
    role = profile.role if profile is not None else None
    if role is None or not sts.service_trusts(role, "ec2.amazonaws.com"):
        return None
    current = instance.imds_credential
    if (
        current is not None
        and current.role_id == role.pk
        and current.expires_at - now > ROTATE_BEFORE
        and instance.imds_token_encrypted
    ):
        return InstanceCredentials(
            current.access_key_id,
            crypto.decrypt(current.secret_encrypted),
            crypto.decrypt(instance.imds_token_encrypted),
            current.expires_at,
            current.issued_at,
        )
    with transaction.atomic():
        credentials, row = sts.service_role_session(
            role=role,
            service="ec2.amazonaws.com",
            session_name=instance.instance_id,
            now=now,
            duration_seconds=SESSION_SECONDS,
        )
        Instance.objects.filter(pk=instance.pk).update(
            imds_credential=row, imds_token_encrypted=crypto.encrypt(credentials.session_token)
        )
    return InstanceCredentials(
        credentials.access_key_id,
        credentials.secret_access_key,
        credentials.session_token,
        credentials.expiration,
        now,
    )


def instance_connect(actor: Actor, instance_id: str, *, region: str | None = None) -> Instance:
    """The instance for its Connect page: only principals allowed
    ec2-instance-connect:SendSSHPublicKey on it (as EC2 Instance Connect) may open it."""
    where = common.region_of(actor, region)
    instance = common.instances(actor, [instance_id], where)[0]
    ec2_authorize(
        actor,
        "ec2-instance-connect:SendSSHPublicKey",
        instance_target(instance),
        instance_context(instance) | {"ec2:osuser": "ec2-user"},
    )
    return instance
