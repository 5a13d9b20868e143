"""IAM's SAML and OpenID Connect provider actions over the API (see api.iam_actions for the
pattern). Each handler is one call of domain.iam.identity_providers."""

from __future__ import annotations

from typing import Any

from accounts.models import OpenIDConnectProvider, SAMLProvider
from api import listing
from api.iam_actions import Handler, tag_pairs, tags_of
from domain.iam import identity_providers as idp
from domain.kernel.actors import Actor


def create_saml_provider(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    provider = idp.create_saml_provider(
        actor=actor,
        name=p["Name"],
        saml_metadata_document=p["SAMLMetadataDocument"],
        tags=tag_pairs(p.get("Tags")),
    )
    return {"SAMLProviderArn": provider.arn, "Tags": tags_of(provider.tags) or None}


def saml_provider_shape(provider: SAMLProvider) -> dict[str, Any]:
    return {
        "SAMLMetadataDocument": provider.metadata_document,
        "CreateDate": provider.created_at,
        "ValidUntil": provider.valid_until,
        "Tags": tags_of(provider.tags) or None,
    }


def get_saml_provider(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    return saml_provider_shape(idp.get_saml_provider(actor, p["SAMLProviderArn"]))


def list_saml_providers(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    rows = [
        {"Arn": x.arn, "ValidUntil": x.valid_until, "CreateDate": x.created_at}
        for x in idp.list_saml_providers(actor)
    ]
    return {"SAMLProviderList": rows}


def _saml(actor: Actor, p: dict[str, Any]) -> SAMLProvider:
    return idp.saml_provider_by_arn(actor, p["SAMLProviderArn"])


def update_saml_provider(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    provider = idp.update_saml_provider(
        actor=actor,
        provider=_saml(actor, p),
        saml_metadata_document=p.get("SAMLMetadataDocument", ""),
    )
    return {"SAMLProviderArn": provider.arn}


def delete_saml_provider(actor: Actor, p: dict[str, Any]) -> None:
    idp.delete_saml_provider(actor=actor, provider=_saml(actor, p))


def tag_saml_provider(actor: Actor, p: dict[str, Any]) -> None:
    idp.tag_saml_provider(actor=actor, provider=_saml(actor, p), tags=tag_pairs(p["Tags"]))


def untag_saml_provider(actor: Actor, p: dict[str, Any]) -> None:
    idp.untag_saml_provider(actor=actor, provider=_saml(actor, p), keys=p["TagKeys"])


def list_saml_provider_tags(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    tags = tags_of(idp.list_saml_provider_tags(actor, _saml(actor, p)))
    return listing.paged_list(p, "Tags", tags)


def create_open_id_connect_provider(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    provider = idp.create_open_id_connect_provider(
        actor=actor,
        url=p["Url"],
        client_ids=p.get("ClientIDList") or (),
        thumbprints=p.get("ThumbprintList") or (),
        tags=tag_pairs(p.get("Tags")),
    )
    return {"OpenIDConnectProviderArn": provider.arn, "Tags": tags_of(provider.tags) or None}


def _oidc(actor: Actor, p: dict[str, Any]) -> OpenIDConnectProvider:
    return idp.oidc_provider_by_arn(actor, p["OpenIDConnectProviderArn"])


def get_open_id_connect_provider(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    provider = idp.get_open_id_connect_provider(actor, p["OpenIDConnectProviderArn"])
    return {
        "Url": provider.url,
        "ClientIDList": list(provider.client_ids),
        "ThumbprintList": list(provider.thumbprints),
        "CreateDate": provider.created_at,
        "Tags": tags_of(provider.tags) or None,
    }


def list_open_id_connect_providers(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    rows = [{"Arn": x.arn} for x in idp.list_open_id_connect_providers(actor)]
    return {"OpenIDConnectProviderList": rows}


def add_client_id_to_open_id_connect_provider(actor: Actor, p: dict[str, Any]) -> None:
    idp.add_client_id_to_open_id_connect_provider(
        actor=actor, provider=_oidc(actor, p), client_id=p["ClientID"]
    )


def remove_client_id_from_open_id_connect_provider(actor: Actor, p: dict[str, Any]) -> None:
    idp.remove_client_id_from_open_id_connect_provider(
        actor=actor, provider=_oidc(actor, p), client_id=p["ClientID"]
    )


def update_open_id_connect_provider_thumbprint(actor: Actor, p: dict[str, Any]) -> None:
    idp.update_open_id_connect_provider_thumbprint(
        actor=actor, provider=_oidc(actor, p), thumbprints=p.get("ThumbprintList") or ()
    )


def delete_open_id_connect_provider(actor: Actor, p: dict[str, Any]) -> None:
    idp.delete_open_id_connect_provider(actor=actor, provider=_oidc(actor, p))


def tag_open_id_connect_provider(actor: Actor, p: dict[str, Any]) -> None:
    idp.tag_open_id_connect_provider(
        actor=actor, provider=_oidc(actor, p), tags=tag_pairs(p["Tags"])
    )


def untag_open_id_connect_provider(actor: Actor, p: dict[str, Any]) -> None:
    idp.untag_open_id_connect_provider(actor=actor, provider=_oidc(actor, p), keys=p["TagKeys"])


def list_open_id_connect_provider_tags(actor: Actor, p: dict[str, Any]) -> dict[str, Any]:
    tags = tags_of(idp.list_open_id_connect_provider_tags(actor, _oidc(actor, p)))
    return listing.paged_list(p, "Tags", tags)


ACTIONS: dict[str, Handler] = {
    "CreateSAMLProvider": create_saml_provider,
    "GetSAMLProvider": get_saml_provider,
    "ListSAMLProviders": list_saml_providers,
    "UpdateSAMLProvider": update_saml_provider,
    "DeleteSAMLProvider": delete_saml_provider,
    "TagSAMLProvider": tag_saml_provider,
    "UntagSAMLProvider": untag_saml_provider,
    "ListSAMLProviderTags": list_saml_provider_tags,
    "CreateOpenIDConnectProvider": create_open_id_connect_provider,
    "GetOpenIDConnectProvider": get_open_id_connect_provider,
    "ListOpenIDConnectProviders": list_open_id_connect_providers,
    "AddClientIDToOpenIDConnectProvider": add_client_id_to_open_id_connect_provider,
    "RemoveClientIDFromOpenIDConnectProvider": remove_client_id_from_open_id_connect_provider,
    "UpdateOpenIDConnectProviderThumbprint": update_open_id_connect_provider_thumbprint,
    "DeleteOpenIDConnectProvider": delete_open_id_connect_provider,
    "TagOpenIDConnectProvider": tag_open_id_connect_provider,
    "UntagOpenIDConnectProvider": untag_open_id_connect_provider,
    "ListOpenIDConnectProviderTags": list_open_id_connect_provider_tags,
}
