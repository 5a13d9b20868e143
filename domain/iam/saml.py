"""SAML 2.0 documents read safely: an identity provider's metadata (its entity ID, signing
certificates and validUntil) and a SAML Response posted to AssumeRoleWithSAML (its signature
checked against the provider's certificates, then only the signed element read).

Metadata goes through defusedxml (no entities, no external references); the Response's
signature through signxml (lxml with entity resolution and network access off), and every
claim is taken from the element the signature covers, so an unsigned assertion wrapped
around a signed one (signature wrapping) is never read.
"""

from __future__ import annotations

import base64
import binascii
import re
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from xml.etree.ElementTree import Element

from cryptography import x509
from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from signxml.exceptions import SignXMLException
from signxml.verifier import XMLVerifier

from domain.kernel.errors import InvalidIdentityToken, InvalidInput

MD = "urn:oasis:names:tc:SAML:2.0:metadata"
DS = "http://www.w3.org/2000/09/xmldsig#"
SAMLP = "urn:oasis:names:tc:SAML:2.0:protocol"
SAML = "urn:oasis:names:tc:SAML:2.0:assertion"

ROLE_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/Role"
SESSION_NAME_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/RoleSessionName"
SESSION_DURATION_ATTRIBUTE = "https://aws.amazon.com/SAML/Attributes/SessionDuration"

MIN_METADATA_CHARS = 1000
MAX_METADATA_CHARS = 10_000_000
MAX_RESPONSE_CHARS = 100_000

# SAML:sub_type: AWS's short names for the usual NameID formats, else the format itself.
_SUB_TYPES = {
    "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent": "persistent",
    "urn:oasis:names:tc:SAML:2.0:nameid-format:transient": "transient",
}


@dataclass(frozen=True)
class Metadata:
    entity_id: str
    certificates: tuple[str, ...]  # PEM
    valid_until: datetime | None


def _xml_time(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _pem(b64_der: str) -> str | None:
    """The PEM of a base64 DER certificate, None unless it is a certificate."""
    try:
        der = base64.b64decode(re.sub(r"\s+", "", b64_der), validate=True)
        x509.load_der_x509_certificate(der)  # a certificate, or ValueError
    except (ValueError, binascii.Error):
        return None
    return ssl.DER_cert_to_PEM_cert(der)


def parse_metadata(document: str) -> Metadata:
    """An IdP's metadata: InvalidInput unless it is well-formed SAML metadata with an
    IDPSSODescriptor that has a signing certificate."""
    invalid = InvalidInput("Could not parse metadata", field="saml_metadata_document")
    try:
        root = SafeET.fromstring(document, forbid_dtd=True)
    except (SafeET.ParseError, DefusedXmlException, ValueError):
        raise invalid from None
    entities: list[Element] = (
        [root]
        if root.tag == f"{{{MD}}}EntityDescriptor"
        else root.findall(f".//{{{MD}}}EntityDescriptor")
    )
    for entity in entities:
        idp = entity.find(f"{{{MD}}}IDPSSODescriptor")
        if idp is None:
            continue
        pems: list[str] = []
        for key in idp.findall(f"{{{MD}}}KeyDescriptor"):
            if key.get("use", "signing") != "signing":
                continue
            for cert in key.iterfind(f".//{{{DS}}}X509Certificate"):
                pem = _pem(cert.text or "")
                if pem is not None:
                    pems.append(pem)
        entity_id = entity.get("entityID", "")
        if pems and entity_id:
            until = _xml_time(entity.get("validUntil") or root.get("validUntil"))
            return Metadata(entity_id, tuple(pems), until)
    raise invalid


@dataclass(frozen=True)
class Assertion:
    """What a verified SAML Response says, read from its signed part only."""

    issuer: str
    name_id: str
    name_id_format: str
    name_qualifier: str
    audiences: tuple[str, ...]
    recipient: str
    not_before: datetime | None
    not_on_or_after: datetime | None
    attributes: dict[str, list[str]] = field(default_factory=dict)

    @property
    def sub_type(self) -> str:
        return _SUB_TYPES.get(self.name_id_format, self.name_id_format or "persistent")

    def role_pairs(self) -> list[tuple[str, str]]:
        """(role ARN, provider ARN) pairs of the Role attribute (either order, as AWS takes)."""
        pairs = []
        for value in self.attributes.get(ROLE_ATTRIBUTE, []):
            parts = [p.strip() for p in value.split(",")]
            if len(parts) != 2:
                continue
            role, provider = parts if ":role/" in parts[0] else (parts[1], parts[0])
            pairs.append((role, provider))
        return pairs


def decode_response(saml_response: str) -> bytes:
    """The XML of a base64 SAMLResponse (InvalidIdentityToken if it is not one)."""
    if len(saml_response) > MAX_RESPONSE_CHARS:
        raise InvalidIdentityToken.saml_malformed()
    try:
        return base64.b64decode(re.sub(r"\s+", "", saml_response), validate=True)
    except (ValueError, binascii.Error):
        raise InvalidIdentityToken.saml_malformed() from None


def peek_issuer(xml: bytes) -> str:
    """The Response's Issuer, unverified: only to pick the provider's keys."""
    try:
        root = SafeET.fromstring(xml, forbid_dtd=True)
    except (SafeET.ParseError, DefusedXmlException, ValueError):
        raise InvalidIdentityToken.saml_malformed() from None
    issuer = root.find(f"{{{SAML}}}Issuer")
    if issuer is None:
        issuer = root.find(f".//{{{SAML}}}Assertion/{{{SAML}}}Issuer")
    return (issuer.text or "").strip() if issuer is not None else ""


def unverified_providers(xml: bytes) -> list[str]:
    """The provider ARNs the Role attribute names, unverified: only to know whose keys to
    verify the response with (the console's SAML sign-in is told no provider)."""
    try:
        root = SafeET.fromstring(xml, forbid_dtd=True)
    except (SafeET.ParseError, DefusedXmlException, ValueError):
        raise InvalidIdentityToken.saml_malformed() from None
    found: list[str] = []
    for attribute in root.iterfind(f".//{{{SAML}}}Attribute"):
        if attribute.get("Name") != ROLE_ATTRIBUTE:
            continue
        for value in attribute.iterfind(f"{{{SAML}}}AttributeValue"):
            for part in (value.text or "").split(","):
                part = part.strip()
                if ":saml-provider/" in part and part not in found:
                    found.append(part)
    return found


def _signed_assertion(xml: bytes, certificates: tuple[str, ...]) -> Any:
    # Checked before signxml parses it: no DTD, no entities.
    peek_issuer(xml)
    for pem in certificates:
        try:
            result = XMLVerifier().verify(xml, x509_cert=pem)
        except (SignXMLException, ValueError):
            continue
        if isinstance(result, list):  # only with expect_references > 1, never asked
            continue
        signed = result.signed_xml
        if signed is None:
            continue
        if signed.tag == f"{{{SAML}}}Assertion":
            return signed
        found = signed.findall(f"{{{SAML}}}Assertion")
        if signed.tag == f"{{{SAMLP}}}Response" and len(found) == 1:
            return found[0]
    raise InvalidIdentityToken.saml_signature()


def _text(element: Any, path: str) -> str:
    found = element.find(path)
    return (found.text or "").strip() if found is not None and found.text else ""


def verify_response(xml: bytes, certificates: tuple[str, ...]) -> Assertion:
    """The claims of the signed assertion (InvalidIdentityToken if no certificate verifies)."""
    assertion = _signed_assertion(xml, certificates)
    name = assertion.find(f"{{{SAML}}}Subject/{{{SAML}}}NameID")
    confirmation = assertion.find(
        f"{{{SAML}}}Subject/{{{SAML}}}SubjectConfirmation/{{{SAML}}}SubjectConfirmationData"
    )
    conditions = assertion.find(f"{{{SAML}}}Conditions")
    audiences = tuple(
        (a.text or "").strip() for a in assertion.iterfind(f".//{{{SAML}}}Audience") if a.text
    )
    attributes: dict[str, list[str]] = {}
    for attribute in assertion.iterfind(f".//{{{SAML}}}AttributeStatement/{{{SAML}}}Attribute"):
        values = [(v.text or "").strip() for v in attribute.iterfind(f"{{{SAML}}}AttributeValue")]
        attributes.setdefault(attribute.get("Name", ""), []).extend(values)
    not_on_or_after = _xml_time(conditions.get("NotOnOrAfter")) if conditions is not None else None
    confirmed_until = (
        _xml_time(confirmation.get("NotOnOrAfter")) if confirmation is not None else None
    )
    if confirmed_until is not None and (
        not_on_or_after is None or confirmed_until < not_on_or_after
    ):
        not_on_or_after = confirmed_until
    return Assertion(
        issuer=_text(assertion, f"{{{SAML}}}Issuer"),
        name_id=(name.text or "").strip() if name is not None and name.text else "",
        name_id_format=name.get("Format", "") if name is not None else "",
        name_qualifier=name.get("NameQualifier", "") if name is not None else "",
        audiences=audiences,
        recipient=confirmation.get("Recipient", "") if confirmation is not None else "",
        not_before=_xml_time(conditions.get("NotBefore")) if conditions is not None else None,
        not_on_or_after=not_on_or_after,
        attributes=attributes,
    )
