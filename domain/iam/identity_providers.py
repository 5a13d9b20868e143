"""IAM identity providers: SAML 2.0 providers (a name and the IdP's metadata) and OpenID
Connect providers (an issuer URL, its audiences, thumbprints and the JWKS whose keys verify
its ID tokens). One function per AWS action; AssumeRoleWithSAML and
AssumeRoleWithWebIdentity (domain.iam.sts) trust what these hold.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from django.db import transaction

from accounts.models import Account, OpenIDConnectProvider, SAMLProvider
from domain.iam import saml, tagging
from domain.kernel import audit, validators
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import (
    EntityAlreadyExists,
    InvalidInput,
    LimitExceeded,
    NoSuchEntity,
    ValidationError,
)
from domain.kernel.registry import aws_action, aws_read
from domain.kernel.request_context import Target, tag_request

MAX_SAML_PROVIDERS = 100
MAX_OIDC_PROVIDERS = 100
MAX_CLIENT_IDS = 100
MAX_THUMBPRINTS = 5
MAX_JWKS_CHARS = 100_000
# Metadata without validUntil: AWS keeps the provider valid for a hundred years.
DEFAULT_VALIDITY = timedelta(days=36_500)

_SAML_NAME = re.compile(r"[\w._-]+")
_THUMBPRINT = re.compile(r"[0-9a-fA-F]{40}")
_URL = re.compile(r"https://([^\s/?#:@]+(?::\d+)?(?:/[^\s?#]*)?)")


def _constraint(value: object, field: str, constraint: str) -> ValidationError:
    return ValidationError(
        f"1 validation error detected: Value '{value}' at '{field}' failed to satisfy "
        f"constraint: {constraint}",
        field=field,
    )


def _lock_account(account: Account) -> None:
    Account.objects.select_for_update().filter(pk=account.pk).first()


# --- SAML providers ---------------------------------------------------------------------


def _check_saml_name(name: str) -> None:
    if not 1 <= len(name) <= 128:
        raise _constraint(name, "name", "Member must have length less than or equal to 128")
    if not _SAML_NAME.fullmatch(name):
        raise _constraint(name, "name", r"Member must satisfy regular expression pattern: [\w._-]+")


def _check_metadata(document: str, now: datetime) -> saml.Metadata:
    if len(document) < saml.MIN_METADATA_CHARS:
        raise _constraint(
            "...",
            "SAMLMetadataDocument",
            f"Member must have length greater than or equal to {saml.MIN_METADATA_CHARS}",
        ) from None
    if len(document) > saml.MAX_METADATA_CHARS:
        raise _constraint(
            "...",
            "SAMLMetadataDocument",
            f"Member must have length less than or equal to {saml.MAX_METADATA_CHARS}",
        )
    metadata = saml.parse_metadata(document)
    if metadata.valid_until is not None and metadata.valid_until <= now:
        raise InvalidInput("The metadata document has expired (validUntil is past).")
    return metadata


def saml_provider_arn(account_id: str, name: str) -> str:
    return f"arn:aws:iam::{account_id}:saml-provider/{name}"


@aws_action("iam:CreateSAMLProvider")
def create_saml_provider(
    *,
    actor: Actor,
    name: str,
    saml_metadata_document: str,
    tags: Sequence[tuple[str, str]] = (),
    now: datetime | None = None,
) -> SAMLProvider:
    """CreateSAMLProvider: a provider from the IdP's metadata (its certificate and issuer)."""
    now = now or datetime.now(UTC)
    _check_saml_name(name)
    validators.tags(list(tags), case_insensitive_keys=False)
    arn = saml_provider_arn(actor.account.id, name)
    authorize(actor, "iam:CreateSAMLProvider", Target(arn, tuple(tags)), tag_request(list(tags)))
    metadata = _check_metadata(saml_metadata_document, now)
    with transaction.atomic():
        account = actor.account
        _lock_account(account)
        if SAMLProvider.objects.filter(account=account, name=name).exists():
            raise EntityAlreadyExists.saml_provider(name)
        if SAMLProvider.objects.filter(account=account).count() >= MAX_SAML_PROVIDERS:
            raise LimitExceeded.quota("SAMLProvidersPerAccount", MAX_SAML_PROVIDERS)
        provider = SAMLProvider.objects.create(
            account=account,
            name=name,
            metadata_document=saml_metadata_document,
            entity_id=metadata.entity_id,
            valid_until=metadata.valid_until or now + DEFAULT_VALIDITY,
            tags=[{"Key": k, "Value": v} for k, v in tags],
        )
        audit.record(actor, "iam:CreateSAMLProvider", provider.arn)
    return provider


def _provider_by_arn[P: (SAMLProvider, OpenIDConnectProvider)](
    actor: Actor, arn: str, model: type[P], resource_type: str, key: str
) -> P:
    """The actor's account's provider at `arn` (arn:aws:iam::ACCOUNT:TYPE/KEY), found by its
    `key` field, unauthorized; NoSuchEntity with AWS's message when there is none."""
    prefix = f"arn:aws:iam::{actor.account.id}:{resource_type}/"
    value = arn[len(prefix) :] if arn.startswith(prefix) else ""
    mine = model._default_manager.filter(account=actor.account)
    found = mine.filter(**{key: value}).first() if value else None
    if found is None:
        raise _no_such_provider(model, arn)
    return found


def _no_such_provider(model: type[SAMLProvider | OpenIDConnectProvider], arn: str) -> NoSuchEntity:
    if model is SAMLProvider:
        return NoSuchEntity.saml_provider(arn)
    return NoSuchEntity.oidc_provider(arn)


def _delete_provider(
    actor: Actor, provider: SAMLProvider | OpenIDConnectProvider, action: str
) -> None:
    """DeleteSAMLProvider / DeleteOpenIDConnectProvider: NoSuchEntity when already gone."""
    arn = provider.arn
    authorize(actor, action, provider)
    with transaction.atomic():
        if type(provider)._default_manager.filter(pk=provider.pk).delete()[0] == 0:
            raise _no_such_provider(type(provider), arn)
        audit.record(actor, action, arn)


def saml_provider_by_arn(actor: Actor, arn: str) -> SAMLProvider:
    """The actor's account's provider at `arn`, unauthorized (NoSuchEntity as AWS)."""
    return _provider_by_arn(actor, arn, SAMLProvider, "saml-provider", "name")


@aws_read("iam:GetSAMLProvider")
def get_saml_provider(actor: Actor, arn: str) -> SAMLProvider:
    provider = saml_provider_by_arn(actor, arn)
    authorize(actor, "iam:GetSAMLProvider", provider)
    return provider


@aws_read("iam:ListSAMLProviders")
def list_saml_providers(actor: Actor) -> list[SAMLProvider]:
    authorize(actor, "iam:ListSAMLProviders", "*")
    return list(SAMLProvider.objects.filter(account=actor.account))


@aws_action("iam:UpdateSAMLProvider")
def update_saml_provider(
    *,
    actor: Actor,
    provider: SAMLProvider,
    saml_metadata_document: str,
    now: datetime | None = None,
) -> SAMLProvider:
    """UpdateSAMLProvider: replaces the metadata (a new certificate, a new validUntil)."""
    now = now or datetime.now(UTC)
    authorize(actor, "iam:UpdateSAMLProvider", provider)
    metadata = _check_metadata(saml_metadata_document, now)
    with transaction.atomic():
        locked = SAMLProvider.objects.select_for_update().filter(pk=provider.pk).first()
        if locked is None:
            raise NoSuchEntity.saml_provider(provider.arn)
        locked.metadata_document = saml_metadata_document
        locked.entity_id = metadata.entity_id
        locked.valid_until = metadata.valid_until or now + DEFAULT_VALIDITY
        locked.save(update_fields=["metadata_document", "entity_id", "valid_until"])
        audit.record(actor, "iam:UpdateSAMLProvider", locked.arn)
    return locked


@aws_action("iam:DeleteSAMLProvider")
def delete_saml_provider(*, actor: Actor, provider: SAMLProvider) -> None:
    _delete_provider(actor, provider, "iam:DeleteSAMLProvider")


@aws_action("iam:TagSAMLProvider")
def tag_saml_provider(*, actor: Actor, provider: SAMLProvider, tags: list[tuple[str, str]]) -> None:
    tagging.add_tags(
        actor=actor,
        obj=provider,
        action="iam:TagSAMLProvider",
        tags=tags,
        case_insensitive_keys=False,
    )


@aws_action("iam:UntagSAMLProvider")
def untag_saml_provider(*, actor: Actor, provider: SAMLProvider, keys: list[str]) -> None:
    tagging.remove_tags(
        actor=actor,
        obj=provider,
        action="iam:UntagSAMLProvider",
        keys=keys,
        case_insensitive_keys=False,
    )


@aws_read("iam:ListSAMLProviderTags")
def list_saml_provider_tags(actor: Actor, provider: SAMLProvider) -> list[dict[str, str]]:
    authorize(actor, "iam:ListSAMLProviderTags", provider)
    return list(provider.tags)


# --- OpenID Connect providers ---------------------------------------------------------------


def oidc_url(url: str) -> str:
    """The provider's URL as AWS keeps it (no scheme, no trailing slash); ValidationError
    unless it is an https URL without query or fragment."""
    if not 1 <= len(url) <= 255:
        raise _constraint(url, "url", "Member must have length less than or equal to 255")
    match = _URL.fullmatch(url.strip())
    if match is None:
        raise ValidationError(
            "Invalid OpenID Connect URL: it must begin with https://", field="url"
        )
    return match.group(1).rstrip("/")


def oidc_provider_arn(account_id: str, url: str) -> str:
    return f"arn:aws:iam::{account_id}:oidc-provider/{url}"


def _check_client_id(client_id: str) -> None:
    if not 1 <= len(client_id) <= 255:
        raise _constraint(
            client_id, "clientIDList.member", "Member must have length less than or equal to 255"
        )


def _check_thumbprints(thumbprints: Sequence[str]) -> list[str]:
    if len(thumbprints) > MAX_THUMBPRINTS:
        raise _constraint(
            list(thumbprints),
            "thumbprintList",
            f"Member must have length less than or equal to {MAX_THUMBPRINTS}",
        )
    for thumbprint in thumbprints:
        if not _THUMBPRINT.fullmatch(thumbprint):
            raise _constraint(
                thumbprint,
                "thumbprintList.member",
                "Member must have length greater than or equal to 40",
            )
    return [t.lower() for t in dict.fromkeys(thumbprints)]


def check_jwks(jwks: str) -> str:
    """A JWKS document with at least one RSA key (InvalidInput otherwise); "" stays ""."""
    if not jwks.strip():
        return ""
    invalid = InvalidInput(
        'The JWKS must be a JSON document with a "keys" list of RSA public keys.', field="jwks"
    )
    if len(jwks) > MAX_JWKS_CHARS:
        raise invalid
    try:
        document = json.loads(jwks)
    except ValueError:
        raise invalid from None
    keys = document.get("keys") if isinstance(document, dict) else None
    if not isinstance(keys, list) or not any(
        isinstance(k, dict) and k.get("kty") == "RSA" and k.get("n") and k.get("e") for k in keys
    ):
        raise invalid
    return json.dumps(document, indent=2)


@aws_action("iam:CreateOpenIDConnectProvider")
def create_open_id_connect_provider(
    *,
    actor: Actor,
    url: str,
    client_ids: Sequence[str] = (),
    thumbprints: Sequence[str] = (),
    tags: Sequence[tuple[str, str]] = (),
    jwks: str = "",
) -> OpenIDConnectProvider:
    """CreateOpenIDConnectProvider (plus the JWKS, which AWS would fetch from the issuer)."""
    host_path = oidc_url(url)
    ids = list(dict.fromkeys(client_ids))
    if len(ids) > MAX_CLIENT_IDS:
        raise LimitExceeded.quota("ClientIdsPerOpenIdConnectProvider", MAX_CLIENT_IDS)
    for client_id in ids:
        _check_client_id(client_id)
    prints = _check_thumbprints(thumbprints)
    validators.tags(list(tags), case_insensitive_keys=False)
    keys = check_jwks(jwks)
    arn = oidc_provider_arn(actor.account.id, host_path)
    authorize(
        actor, "iam:CreateOpenIDConnectProvider", Target(arn, tuple(tags)), tag_request(list(tags))
    )
    with transaction.atomic():
        account = actor.account
        _lock_account(account)
        if OpenIDConnectProvider.objects.filter(account=account, url=host_path).exists():
            raise EntityAlreadyExists.oidc_provider(host_path)
        if OpenIDConnectProvider.objects.filter(account=account).count() >= MAX_OIDC_PROVIDERS:
            raise LimitExceeded.quota("OpenIdConnectProvidersPerAccount", MAX_OIDC_PROVIDERS)
        provider = OpenIDConnectProvider.objects.create(
            account=account,
            url=host_path,
            client_ids=ids,
            thumbprints=prints,
            jwks=keys,
            tags=[{"Key": k, "Value": v} for k, v in tags],
        )
        audit.record(actor, "iam:CreateOpenIDConnectProvider", provider.arn)
    return provider


def oidc_provider_by_arn(actor: Actor, arn: str) -> OpenIDConnectProvider:
    """The actor's account's provider at `arn`, unauthorized (NoSuchEntity as AWS)."""
    return _provider_by_arn(actor, arn, OpenIDConnectProvider, "oidc-provider", "url")


@aws_read("iam:GetOpenIDConnectProvider")
def get_open_id_connect_provider(actor: Actor, arn: str) -> OpenIDConnectProvider:
    provider = oidc_provider_by_arn(actor, arn)
    authorize(actor, "iam:GetOpenIDConnectProvider", provider)
    return provider


@aws_read("iam:ListOpenIDConnectProviders")
def list_open_id_connect_providers(actor: Actor) -> list[OpenIDConnectProvider]:
    authorize(actor, "iam:ListOpenIDConnectProviders", "*")
    return list(OpenIDConnectProvider.objects.filter(account=actor.account))


def _update_oidc(
    actor: Actor, provider: OpenIDConnectProvider, action: str, **changes: object
) -> OpenIDConnectProvider:
    with transaction.atomic():
        locked = OpenIDConnectProvider.objects.select_for_update().filter(pk=provider.pk).first()
        if locked is None:
            raise NoSuchEntity.oidc_provider(provider.arn)
        for name, value in changes.items():
            setattr(locked, name, value(locked) if callable(value) else value)
            setattr(provider, name, getattr(locked, name))
        if action == "iam:AddClientIDToOpenIDConnectProvider" and (
            len(locked.client_ids) > MAX_CLIENT_IDS
        ):
            raise LimitExceeded.quota("ClientIdsPerOpenIdConnectProvider", MAX_CLIENT_IDS)
        locked.save(update_fields=list(changes))
        audit.record(actor, action, locked.arn)
    return locked


@aws_action("iam:AddClientIDToOpenIDConnectProvider")
def add_client_id_to_open_id_connect_provider(
    *, actor: Actor, provider: OpenIDConnectProvider, client_id: str
) -> None:
    """Adds an audience (already there: nothing changes, as AWS)."""
    _check_client_id(client_id)
    authorize(actor, "iam:AddClientIDToOpenIDConnectProvider", provider)
    _update_oidc(
        actor,
        provider,
        "iam:AddClientIDToOpenIDConnectProvider",
        client_ids=lambda p: list(dict.fromkeys([*p.client_ids, client_id])),
    )


@aws_action("iam:RemoveClientIDFromOpenIDConnectProvider")
def remove_client_id_from_open_id_connect_provider(
    *, actor: Actor, provider: OpenIDConnectProvider, client_id: str
) -> None:
    """Removes an audience (absent: nothing changes, as AWS)."""
    _check_client_id(client_id)
    authorize(actor, "iam:RemoveClientIDFromOpenIDConnectProvider", provider)
    _update_oidc(
        actor,
        provider,
        "iam:RemoveClientIDFromOpenIDConnectProvider",
        client_ids=lambda p: [c for c in p.client_ids if c != client_id],
    )


@aws_action("iam:UpdateOpenIDConnectProviderThumbprint")
def update_open_id_connect_provider_thumbprint(
    *, actor: Actor, provider: OpenIDConnectProvider, thumbprints: Sequence[str]
) -> None:
    prints = _check_thumbprints(thumbprints)
    authorize(actor, "iam:UpdateOpenIDConnectProviderThumbprint", provider)
    _update_oidc(actor, provider, "iam:UpdateOpenIDConnectProviderThumbprint", thumbprints=prints)


def update_open_id_connect_provider_keys(
    *, actor: Actor, provider: OpenIDConnectProvider, jwks: str
) -> None:
    """Replaces the provider's JWKS: what AWS would fetch from the issuer's jwks_uri, this
    installation is given (it has no internet access). Authorized as a thumbprint update,
    the AWS action that likewise changes which keys are trusted."""
    keys = check_jwks(jwks)
    authorize(actor, "iam:UpdateOpenIDConnectProviderThumbprint", provider)
    _update_oidc(actor, provider, "iam:UpdateOpenIDConnectProviderThumbprint", jwks=keys)


@aws_action("iam:DeleteOpenIDConnectProvider")
def delete_open_id_connect_provider(*, actor: Actor, provider: OpenIDConnectProvider) -> None:
    _delete_provider(actor, provider, "iam:DeleteOpenIDConnectProvider")


@aws_action("iam:TagOpenIDConnectProvider")
def tag_open_id_connect_provider(
    *, actor: Actor, provider: OpenIDConnectProvider, tags: list[tuple[str, str]]
) -> None:
    tagging.add_tags(
        actor=actor,
        obj=provider,
        action="iam:TagOpenIDConnectProvider",
        tags=tags,
        case_insensitive_keys=False,
    )


@aws_action("iam:UntagOpenIDConnectProvider")
def untag_open_id_connect_provider(
    *, actor: Actor, provider: OpenIDConnectProvider, keys: list[str]
) -> None:
    tagging.remove_tags(
        actor=actor,
        obj=provider,
        action="iam:UntagOpenIDConnectProvider",
        keys=keys,
        case_insensitive_keys=False,
    )


@aws_read("iam:ListOpenIDConnectProviderTags")
def list_open_id_connect_provider_tags(
    actor: Actor, provider: OpenIDConnectProvider
) -> list[dict[str, str]]:
    authorize(actor, "iam:ListOpenIDConnectProviderTags", provider)
    return list(provider.tags)


# --- the role wizard's federated trusted entities ------------------------------------------

# The SAML attributes "Allow programmatic access only" offers as a condition.
SAML_CONDITION_KEYS = ("SAML:aud", "SAML:iss", "SAML:sub", "SAML:sub_type", "SAML:namequalifier")


def _federated_trust(principal: str, action: str, condition: dict[str, str]) -> str:
    statement = {
        "Effect": "Allow",
        "Principal": {"Federated": principal},
        "Action": action,
        "Condition": {"StringEquals": condition},
    }
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]}, indent=4)


def web_identity_trust_policy(actor: Actor, provider_arn: str, audience: str) -> str:
    """The trust policy AWS writes for "Web identity": the OIDC provider as the Federated
    principal, sts:AssumeRoleWithWebIdentity, and `<provider>:aud` equal to the audience."""
    url = provider_arn.split("oidc-provider/", 1)[-1] if provider_arn else ""
    provider = OpenIDConnectProvider.objects.filter(account=actor.account, url=url).first()
    if provider is None or provider.arn != provider_arn:
        raise ValidationError("Choose an identity provider.", field="oidc_provider")
    if audience not in provider.client_ids:
        raise ValidationError("Choose one of the provider's audiences.", field="audience")
    return _federated_trust(
        provider.arn, "sts:AssumeRoleWithWebIdentity", {f"{provider.url}:aud": audience}
    )


def saml_trust_policy(
    actor: Actor,
    provider_arn: str,
    *,
    console_access: bool,
    signin_url: str,
    attribute: str = "",
    value: str = "",
) -> str:
    """The trust policy AWS writes for "SAML 2.0 federation": the SAML provider as the
    Federated principal and sts:AssumeRoleWithSAML; with console access the condition is
    SAML:aud equal to the sign-in URL (AWS's https://signin.aws.amazon.com/saml: here this
    installation's own), else the attribute and value chosen."""
    name = provider_arn.split("saml-provider/", 1)[-1] if provider_arn else ""
    provider = SAMLProvider.objects.filter(account=actor.account, name=name).first()
    if provider is None or provider.arn != provider_arn:
        raise ValidationError("Choose a SAML provider.", field="saml_provider")
    if console_access:
        condition = {"SAML:aud": signin_url}
    else:
        if attribute not in SAML_CONDITION_KEYS:
            raise ValidationError("Choose an attribute.", field="saml_attribute")
        if not value.strip():
            raise ValidationError("Enter a value for the attribute.", field="saml_value")
        condition = {attribute: value.strip()}
    return _federated_trust(provider.arn, "sts:AssumeRoleWithSAML", condition)
