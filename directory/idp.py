"""What Example Corp signs and publishes: SAML metadata and responses, OpenID Connect
discovery, JWKS and ID tokens. Pure functions of the signing key, the person and the time."""

from __future__ import annotations

import base64
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape, quoteattr

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm
from lxml import etree  # type: ignore[import-untyped]  # lxml ships no stubs
from signxml.algorithms import CanonicalizationMethod, DigestAlgorithm, SignatureMethod
from signxml.signer import XMLSigner

from directory.keys import SigningKey
from directory.people import GROUPS, Person

ISSUER = "https://idp.example.com"  # the OIDC issuer (the provider URL a class registers)
SAML_ENTITY_ID = "https://idp.example.com/saml"
DEFAULT_AUDIENCE = "example-corp-app"
TOKEN_LIFETIME = timedelta(hours=1)
ASSERTION_LIFETIME = timedelta(minutes=5)
DEFAULT_SESSION_SECONDS = 3600

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"
DS = "http://www.w3.org/2000/09/xmldsig#"
BINDING = "urn:oasis:names:tc:SAML:2.0:bindings:"
PERSISTENT = "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"
ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role"
SESSION_NAME_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
SESSION_DURATION_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/SessionDuration"


def _time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def saml_metadata(key: SigningKey, sso_url: str) -> str:
    """The IdP metadata a class uploads to Create SAML provider."""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<md:EntityDescriptor xmlns:md="{MD}" xmlns:ds="{DS}" entityID={quoteattr(SAML_ENTITY_ID)}>
  <md:IDPSSODescriptor WantAuthnRequestsSigned="false"
      protocolSupportEnumeration="{SAMLP}">
    <md:KeyDescriptor use="signing">
      <ds:KeyInfo>
        <ds:X509Data>
          <ds:X509Certificate>{key.cert_b64}</ds:X509Certificate>
        </ds:X509Data>
      </ds:KeyInfo>
    </md:KeyDescriptor>
    <md:NameIDFormat>{PERSISTENT}</md:NameIDFormat>
    <md:SingleSignOnService Binding="{BINDING}HTTP-POST" Location={quoteattr(sso_url)}/>
    <md:SingleSignOnService Binding="{BINDING}HTTP-Redirect" Location={quoteattr(sso_url)}/>
  </md:IDPSSODescriptor>
  <md:Organization>
    <md:OrganizationName xml:lang="en">Example Corp</md:OrganizationName>
    <md:OrganizationDisplayName xml:lang="en">Example Corp (practice)</md:OrganizationDisplayName>
    <md:OrganizationURL xml:lang="en">https://example.com/</md:OrganizationURL>
  </md:Organization>
</md:EntityDescriptor>
"""


def role_values(person: Person, account_id: str, provider_name: str) -> list[str]:
    """The Role attribute: "role-arn,provider-arn" for each of the person's groups."""
    provider = f"arn:aws:iam::{account_id}:saml-provider/{provider_name}"
    return [
        f"arn:aws:iam::{account_id}:role/{GROUPS[g].role_name},{provider}" for g in person.groups
    ]


def _attribute(name: str, values: list[str]) -> str:
    inner = "".join(
        f'<saml:AttributeValue xsi:type="xs:string">{escape(v)}</saml:AttributeValue>'
        for v in values
    )
    return f"<saml:Attribute Name={quoteattr(name)}>{inner}</saml:Attribute>"


def saml_response(
    key: SigningKey,
    person: Person,
    *,
    recipient: str,
    roles: list[str],
    session_seconds: int = DEFAULT_SESSION_SECONDS,
    now: datetime | None = None,
) -> str:
    """A base64 SAML Response whose assertion is signed (RSA-SHA256), for `recipient`
    (the service provider's sign-in URL, which trust policies see as SAML:aud)."""
    now = now or datetime.now(UTC)
    until = _time(now + ASSERTION_LIFETIME)
    response_id = "_" + secrets.token_hex(16)
    assertion_id = "_" + secrets.token_hex(16)
    attributes = _attribute(ROLE_ATTRIBUTE, roles)
    attributes += _attribute(SESSION_NAME_ATTRIBUTE, [person.email])
    attributes += _attribute(SESSION_DURATION_ATTRIBUTE, [str(session_seconds)])
    since = _time(now - timedelta(seconds=30))
    assertion_xml = (
        f'<saml:Assertion xmlns:saml="{SAML}" xmlns:xs="http://www.w3.org/2001/XMLSchema" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        f'ID="{assertion_id}" Version="2.0" IssueInstant="{_time(now)}">'
        f"<saml:Issuer>{escape(SAML_ENTITY_ID)}</saml:Issuer>"
        f'<ds:Signature xmlns:ds="{DS}" Id="placeholder"></ds:Signature>'
        f'<saml:Subject><saml:NameID Format="{PERSISTENT}">{escape(person.username)}</saml:NameID>'
        '<saml:SubjectConfirmation Method="urn:oasis:names:tc:SAML:2.0:cm:bearer">'
        f'<saml:SubjectConfirmationData NotOnOrAfter="{until}" Recipient={quoteattr(recipient)}/>'
        "</saml:SubjectConfirmation></saml:Subject>"
        f'<saml:Conditions NotBefore="{since}" NotOnOrAfter="{until}"><saml:AudienceRestriction>'
        "<saml:Audience>urn:amazon:webservices</saml:Audience></saml:AudienceRestriction>"
        "</saml:Conditions>"
        f'<saml:AuthnStatement AuthnInstant="{_time(now)}" SessionIndex="{assertion_id}">'
        "<saml:AuthnContext><saml:AuthnContextClassRef>"
        "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
        "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement>"
        f"<saml:AttributeStatement>{attributes}</saml:AttributeStatement></saml:Assertion>"
    )
    parser = etree.XMLParser(resolve_entities=False, no_network=True)
    assertion = etree.fromstring(assertion_xml.encode(), parser)
    signed = XMLSigner(
        signature_algorithm=SignatureMethod.RSA_SHA256,
        digest_algorithm=DigestAlgorithm.SHA256,
        # Exclusive C14N: the assertion's digest must not depend on the Response around it.
        c14n_algorithm=CanonicalizationMethod.EXCLUSIVE_XML_CANONICALIZATION_1_0,
    ).sign(assertion, key=key.key_pem.encode(), cert=key.cert_pem, reference_uri=assertion_id)
    signed_text = etree.tostring(signed).decode()
    response = (
        f'<samlp:Response xmlns:samlp="{SAMLP}" xmlns:saml="{SAML}" ID="{response_id}" '
        f'Version="2.0" IssueInstant="{_time(now)}" Destination={quoteattr(recipient)}>'
        f"<saml:Issuer>{escape(SAML_ENTITY_ID)}</saml:Issuer>"
        '<samlp:Status><samlp:StatusCode Value="urn:oasis:names:tc:SAML:2.0:status:Success"/>'
        f"</samlp:Status>{signed_text}</samlp:Response>"
    )
    return base64.b64encode(response.encode()).decode()


def jwks(key: SigningKey) -> dict[str, Any]:
    """The JSON Web Key Set a class pastes into its OpenID Connect provider."""
    public = key.private_key.public_key()
    assert isinstance(public, rsa.RSAPublicKey)
    jwk: dict[str, Any] = RSAAlgorithm.to_jwk(public, as_dict=True)
    return {"keys": [jwk | {"kid": key.key_id, "use": "sig", "alg": "RS256"}]}


def discovery(base_url: str) -> dict[str, Any]:
    """/.well-known/openid-configuration."""
    return {
        "issuer": ISSUER,
        "authorization_endpoint": f"{base_url}/directory/",
        "token_endpoint": f"{base_url}/directory/oidc/token",
        "jwks_uri": f"{base_url}/directory/oidc/jwks.json",
        "response_types_supported": ["id_token"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "claims_supported": ["sub", "aud", "iss", "exp", "iat", "email", "name", "groups"],
    }


def id_token(
    key: SigningKey,
    person: Person,
    *,
    audience: str = DEFAULT_AUDIENCE,
    now: datetime | None = None,
    lifetime: timedelta = TOKEN_LIFETIME,
) -> str:
    """An RS256 ID token for `person`, for `audience` (a client ID)."""
    now = now or datetime.now(UTC)
    claims = {
        "iss": ISSUER,
        "sub": person.username,
        "aud": audience,
        "iat": int(now.timestamp()),
        "exp": int((now + lifetime).timestamp()),
        "email": person.email,
        "name": person.name,
        "groups": list(person.groups),
        "amr": ["pwd"],
    }
    return jwt.encode(claims, key.private_key, algorithm="RS256", headers={"kid": key.key_id})
