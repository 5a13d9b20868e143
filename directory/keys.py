"""Example Corp's signing key: an RSA key and a self-signed certificate, generated on
first use and kept in a private file (0600, like the installation's SECRET_KEY)."""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings

from iamconsole import private_files

CERTIFICATE_YEARS = 10


@dataclass(frozen=True)
class SigningKey:
    key_pem: str
    cert_pem: str

    @property
    def private_key(self) -> rsa.RSAPrivateKey:
        key = serialization.load_pem_private_key(self.key_pem.encode(), password=None)
        assert isinstance(key, rsa.RSAPrivateKey)
        return key

    @property
    def cert_b64(self) -> str:
        """The certificate's DER in base64, as SAML metadata carries it."""
        der = x509.load_pem_x509_certificate(self.cert_pem.encode()).public_bytes(
            serialization.Encoding.DER
        )
        return base64.b64encode(der).decode()

    @property
    def key_id(self) -> str:
        """The JWKS `kid`: a digest of the public key."""
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return hashlib.sha256(public).hexdigest()[:16]


def new_key_text(common_name: str = "Example Corp practice directory") -> str:
    """A fresh key and a self-signed certificate, as one PEM text."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.now(UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - timedelta(days=1))
        .not_valid_after(now + timedelta(days=365 * CERTIFICATE_YEARS))
        .sign(key, hashes.SHA256())
    )
    key_pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return key_pem + cert.public_bytes(serialization.Encoding.PEM).decode()


def split(text: str) -> SigningKey:
    marker = "-----BEGIN CERTIFICATE-----"
    key_pem, _, cert = text.partition(marker)
    return SigningKey(key_pem.strip() + "\n", marker + cert.rstrip() + "\n")


@lru_cache(maxsize=4)
def _load(path: Path) -> SigningKey:
    return split(private_files.read_or_create(path, new_key_text))


def signing_key() -> SigningKey:
    """The installation's Example Corp key (made on first use)."""
    return _load(Path(settings.PRACTICE_DIRECTORY_KEY_FILE))
