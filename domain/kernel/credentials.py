"""Who signed an API request: an access key ID (and session token) to its secret and principal.

`resolve_access_key` is the one hook every signed door uses. Long-term keys (AKIA...) of IAM
users and root users are resolved here; temporary credentials (ASIA..., with
X-Amz-Security-Token) through domain.kernel.sessions, the one place that turns STS's
credentials back into a session Actor. Both return None for a key that opens nothing
(unknown, inactive, a wrong or missing session token), and the door answers
InvalidClientTokenId without saying which; temporary credentials past their expiry raise
ExpiredToken, as AWS answers.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Field, Model

from accounts import crypto
from accounts.models import AccessKey, Account, AuditEvent, Principal
from domain.kernel import audit, sessions
from domain.kernel.actors import Actor
from domain.kernel.errors import ExpiredToken

# A key's last use is written at most once a minute (AWS itself reports it to the hour).
LAST_USED_GRANULARITY = timedelta(minutes=1)


@dataclass(frozen=True)
class SigningCredential:
    """A resolved key: the secret to check the signature with and who is acting."""

    access_key_id: str
    secret: str
    principal: Principal
    access_key: AccessKey | None = None  # the long-term key, for its last-use record
    # Temporary credentials: the session Actor domain.kernel.sessions made of them.
    session_actor: Actor | None = None

    def accepted_by(self, service: str) -> bool:
        """Whether `service` takes these credentials at all.

        AWS: GetSessionToken's credentials call no IAM API unless MFA came with the
        GetSessionToken call (IAM then answers InvalidClientTokenId).
        """
        held = self.session_actor
        if held is None or held.session is None or held.session.role is not None:
            return True
        return service != "iam" or held.mfa_authenticated_at is not None

    def actor(
        self,
        *,
        source_ip: str | None,
        secure_transport: bool,
        requested_region: str | None,
        now: datetime,
    ) -> Actor:
        if self.session_actor is not None:
            # The session's Actor, with this request's facts (aws:SourceIp, ...).
            return replace(
                self.session_actor,
                source_ip=source_ip,
                secure_transport=secure_transport,
                requested_region=requested_region,
                now=now,
            )
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
    access_key_id: str, session_token: str | None = None, *, now: datetime | None = None
) -> SigningCredential | None:
    """The credential an access key ID names, or None if it opens nothing.

    Raises ExpiredToken for temporary credentials that expired before `now`.
    """
    if access_key_id.startswith("ASIA"):
        return resolve_temporary_credentials(
            access_key_id, session_token, now=now or datetime.now(UTC)
        )
    if session_token:
        # A session token with a long-term key is not a credential AWS accepts.
        return None
    key = _active_key(access_key_id)
    if key is None:
        return None
    try:
        secret = crypto.decrypt(key.secret_encrypted)
    except crypto.InvalidToken:
        return None
    return SigningCredential(
        access_key_id=access_key_id, secret=secret, principal=key.principal, access_key=key
    )


# The active key with its principal and account, in one SQL statement written once.
# Every signed API call starts here, and building the equivalent ORM query
# (select_related through two joins) cost ~0.7 ms of CPU per call, several times what
# the database spends answering it. Rows become model instances the way the ORM makes
# them: the backend's and the fields' converters, then Model.from_db.
_KEY_MODELS: tuple[tuple[type[Model], str], ...] = (
    (AccessKey, "k"),
    (Principal, "p"),
    (Account, "a"),
)


def _columns(model: type[Model], alias: str) -> str:
    return ", ".join(f'{alias}."{field.column}"' for field in model._meta.concrete_fields)


# The column lists come from the models' fields (so a new field is loaded too), never from input.
_ACTIVE_KEY_SQL = (
    "SELECT "  # noqa: S608
    + ", ".join(_columns(model, alias) for model, alias in _KEY_MODELS)
    + " FROM accounts_accesskey k"
    + " INNER JOIN accounts_principal p ON p.id = k.principal_id"
    + " INNER JOIN accounts_account a ON a.id = p.account_id"
    + " WHERE k.access_key_id = %s AND k.status = %s"
)


def _active_key(access_key_id: str) -> AccessKey | None:
    """The ACTIVE long-term key `access_key_id` names, its principal and account loaded."""
    with connection.cursor() as cursor:
        cursor.execute(_ACTIVE_KEY_SQL, [access_key_id, AccessKey.Status.ACTIVE])
        row = cursor.fetchone()
    if row is None:
        return None
    values = iter(row)
    instances: list[Model] = []
    for model, _ in _KEY_MODELS:
        fields = model._meta.concrete_fields
        loaded = [_convert(field, next(values)) for field in fields]
        instances.append(model.from_db(connection.alias, [f.attname for f in fields], loaded))
    key, principal, account = instances
    principal.account = account  # type: ignore[attr-defined]
    key.principal = principal  # type: ignore[attr-defined]
    assert isinstance(key, AccessKey)
    return key


def _convert(field: Field[Any, Any], value: Any) -> Any:
    """`value` as the ORM would load it into `field` (SQLite's text datetimes, JSON, ...)."""
    if value is None:
        return None
    column = field.get_col(field.model._meta.db_table)
    for converter in connection.ops.get_db_converters(column) + field.get_db_converters(connection):
        value = converter(value, column, connection)
    return value


def resolve_temporary_credentials(
    access_key_id: str, session_token: str | None, *, now: datetime
) -> SigningCredential | None:
    """Temporary credentials (STS's AssumeRole, GetSessionToken), None without their token."""
    if not session_token:
        return None
    found = sessions.resolve_temporary_credentials(access_key_id, session_token, now=now)
    if found is None:
        return None
    secret, actor = found
    return SigningCredential(
        access_key_id=access_key_id,
        secret=secret,
        principal=actor.principal,
        session_actor=actor,
    )


def record_key_use(
    credential: SigningCredential, *, service: str, region: str, now: datetime
) -> None:
    """Remembers when, where and for which service a long-term key was last used
    (temporary credentials have no last-use record).

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


# An event's action and eventName are at most 128 characters (the column).
_MAX_ACTION = 120


def key_owner(
    access_key_id: str, session_token: str | None, *, now: datetime, **facts: Any
) -> Actor | None:
    """Who holds the key of a request refused at the door (a long-term key whatever its
    status, temporary credentials with their token), for the event history; None for a key
    nobody holds."""
    if access_key_id.startswith("ASIA"):
        try:
            credential = resolve_temporary_credentials(access_key_id, session_token, now=now)
        except ExpiredToken:
            return None
    else:
        key = (
            AccessKey.objects.filter(access_key_id=access_key_id)
            .select_related("principal__account")
            .first()
        )
        credential = None if key is None else SigningCredential(access_key_id, "", key.principal)
    return None if credential is None else credential.actor(now=now, **facts)


def record_refusal(actor: Actor, service: str, action: str, code: str, message: str) -> None:
    """A request refused before any operation ran (its signature, its key, an unknown action
    or malformed parameters), recorded in the key owner's account with its errorCode, as
    CloudTrail records failed calls for the account that owns the key."""
    name = action[:_MAX_ACTION] or "UnknownOperation"
    audit.record(
        actor,
        f"{service}:{name}",
        outcome=AuditEvent.Outcome.FAILED,
        error_code=code[:64],
        error_message=message,
    )
