"""Who signed an API request: an access key ID (and session token) to its secret and principal.

`resolve_access_key` is the one hook every signed door uses. Long-term keys (AKIA...) of IAM
users and root users are resolved here; temporary credentials (ASIA..., with
X-Amz-Security-Token) go to `resolve_temporary_credentials`, which STS fills in. Both return
None for a key that opens nothing (unknown, inactive, expired), and the door answers
InvalidClientTokenId without saying which.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from accounts import crypto
from accounts.models import AccessKey, Principal
from domain.kernel.actors import Actor

# A key's last use is written at most once a minute (AWS itself reports it to the hour).
LAST_USED_GRANULARITY = timedelta(minutes=1)


@dataclass(frozen=True)
class SigningCredential:
    """A resolved key: the secret to check the signature with and who is acting."""

    access_key_id: str
    secret: str
    principal: Principal
    access_key: AccessKey | None = None  # the long-term key, for its last-use record

    def actor(
        self,
        *,
        source_ip: str | None,
        secure_transport: bool,
        requested_region: str | None,
        now: datetime,
    ) -> Actor:
        # Long-term keys carry no aws:MultiFactorAuthPresent (via="api").
        return Actor(
            principal=self.principal,
            source_ip=source_ip,
            secure_transport=secure_transport,
            via="api",
            requested_region=requested_region,
            now=now,
        )


def resolve_access_key(
    access_key_id: str, session_token: str | None = None
) -> SigningCredential | None:
    """The credential an access key ID names, or None if it opens nothing."""
    if access_key_id.startswith("ASIA"):
        return resolve_temporary_credentials(access_key_id, session_token)
    if session_token:
        # A session token with a long-term key is not a credential AWS accepts.
        return None
    key = (
        AccessKey.objects.select_related("principal__account")
        .filter(access_key_id=access_key_id, status=AccessKey.Status.ACTIVE)
        .first()
    )
    if key is None:
        return None
    try:
        secret = crypto.decrypt(key.secret_encrypted)
    except crypto.InvalidToken:
        return None
    return SigningCredential(
        access_key_id=access_key_id, secret=secret, principal=key.principal, access_key=key
    )


def resolve_temporary_credentials(
    access_key_id: str, session_token: str | None
) -> SigningCredential | None:
    """Temporary credentials (STS's AssumeRole, GetSessionToken): not issued yet."""
    return None


def record_key_use(
    credential: SigningCredential, *, service: str, region: str, now: datetime
) -> None:
    """Remembers when, where and for which service a long-term key was last used.

    One UPDATE at most per key per minute, so a busy key costs almost no writes.
    """
    key = credential.access_key
    if key is None:
        return
    fresh = key.last_used_at is not None and now - key.last_used_at < LAST_USED_GRANULARITY
    if fresh:
        return
    AccessKey.objects.filter(pk=key.pk).update(
        last_used_at=now, last_used_service=service, last_used_region=region
    )
