"""Temporary credentials (ASIA...) back to an Actor: the hook of every door that accepts them.

`resolve_temporary_credentials(access_key_id, session_token)` is what the AWS API door calls
(through domain.kernel.credentials.resolve_access_key) for a request signed with an ASIA key
and an X-Amz-Security-Token: it answers the secret to
verify the signature with and the Actor the request acts as (a role session, or the user of
a GetSessionToken session), None for unknown keys or a wrong token (InvalidClientTokenId),
and raises ExpiredToken after expiry. The console's Switch role keeps the same credentials
in its session and reads them back with `console_session`.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from accounts import crypto
from accounts.models import TemporaryCredential
from domain.kernel.actors import Actor, Session
from domain.kernel.errors import ExpiredToken


def token_hash(session_token: str) -> str:
    return hashlib.sha256(session_token.encode("utf-8", "surrogatepass")).hexdigest()


def session_of(credential: TemporaryCredential) -> Session:
    """The Session an Actor carries for these credentials."""
    return Session(
        credential_id=credential.pk,
        access_key_id=credential.access_key_id,
        account=credential.account,
        role=credential.role,
        name=credential.session_name,
        issued_at=credential.issued_at,
        expires_at=credential.expires_at,
        session_policy=credential.session_policy,
        session_policy_arns=tuple(credential.session_policy_arns),
        tags=tuple((t["Key"], t["Value"]) for t in credential.session_tags),
        transitive_tag_keys=tuple(credential.transitive_tag_keys),
        source_identity=credential.source_identity,
        chain_depth=credential.chain_depth,
        source=credential.source,
        mfa_authenticated_at=credential.mfa_authenticated_at,
    )


def _find(access_key_id: str, session_token: str) -> TemporaryCredential | None:
    if not access_key_id.startswith("ASIA") or len(access_key_id) != 20 or not session_token:
        return None
    credential = (
        TemporaryCredential.objects.select_related(
            "account", "principal", "principal__account", "role", "role__account"
        )
        .filter(access_key_id=access_key_id)
        .first()
    )
    if credential is None:
        return None
    if not secrets.compare_digest(credential.token_hash, token_hash(session_token)):
        return None
    return credential


def resolve_temporary_credentials(
    access_key_id: str,
    session_token: str,
    *,
    now: datetime | None = None,
    source_ip: str | None = None,
    secure_transport: bool = False,
) -> tuple[str, Actor] | None:
    """(secret access key, Actor) for temporary credentials; None if unknown or the token
    does not match; ExpiredToken once they have expired."""
    now = now or datetime.now(UTC)
    credential = _find(access_key_id, session_token)
    if credential is None:
        return None
    if credential.expires_at <= now:
        raise ExpiredToken("The security token included in the request is expired")
    session = session_of(credential)
    actor = Actor(
        principal=credential.principal,
        source_ip=source_ip,
        secure_transport=secure_transport,
        mfa_authenticated_at=credential.mfa_authenticated_at,
        via="api",
        now=now,
        session=session,
    )
    return crypto.decrypt(credential.secret_encrypted), actor


def console_session(
    principal_id: int, access_key_id: str, session_token: str, *, now: datetime | None = None
) -> Session | None:
    """The role session a console user switched to, while it is valid and theirs."""
    credential = _find(access_key_id, session_token)
    if credential is None or credential.principal_id != principal_id:
        return None
    if credential.role_id is None or credential.expires_at <= (now or datetime.now(UTC)):
        return None
    return session_of(credential)
