"""Signature Version 4, checked the way AWS checks it.

`recognise` says whether a request is SigV4-signed (the `Authorization: AWS4-HMAC-SHA256 ...`
header or the presigned `X-Amz-Algorithm=AWS4-HMAC-SHA256` query) and reads its credential
scope; `check_time` applies AWS's 15-minute clock skew (and a presigned URL's X-Amz-Expires);
`verify` rebuilds the canonical request from what arrived and compares signatures in
constant time. The spec: AWS's IAM User Guide, "Create a signed AWS API request".

One older form is read too: S3's presigned URLs signed with Signature Version 2
(`?AWSAccessKeyId=...&Expires=...&Signature=...`), which boto3's `generate_presigned_url` and
`aws s3 presign` still make for S3 unless told `signature_version="s3v4"`. The spec: the
Amazon S3 User Guide, "Authenticating requests using query parameters (AWS signature version 2)".
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import quote, unquote

from django.http import HttpRequest

from api.errors import SIGNATURE_DOES_NOT_MATCH, ApiError

ALGORITHM = "AWS4-HMAC-SHA256"
MAX_SKEW = timedelta(minutes=15)
MAX_PRESIGNED_EXPIRES = 7 * 24 * 3600
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_AMZ_DATE = "%Y%m%dT%H%M%SZ"


@dataclass(frozen=True)
class Signed:
    """What a signed request claims: whose key, when, where, and its signature."""

    access_key_id: str
    scope_date: str  # YYYYMMDD
    region: str
    service: str
    signed_headers: tuple[str, ...]
    signature: str
    amz_date: str  # YYYYMMDDTHHMMSSZ
    presigned: bool
    expires: int | None
    session_token: str | None
    # 2: an S3 presigned URL of Signature Version 2 (`expires` is then an epoch second).
    version: int = 4

    @property
    def scope(self) -> str:
        return f"{self.scope_date}/{self.region}/{self.service}/aws4_request"


def recognise(request: HttpRequest) -> Signed | None:
    """The request's SigV4 claims, None if it is not a SigV4 request (a browser's).

    Raises IncompleteSignature for a SigV4 request missing one of its parts.
    """
    header = request.META.get("HTTP_AUTHORIZATION", "")
    if header.startswith(ALGORITHM):
        return _from_header(request, header)
    if request.GET.get("X-Amz-Algorithm") == ALGORITHM:
        return _from_query(request)
    if all(name in request.GET for name in V2_QUERY):
        return _from_query_v2(request)
    return None


def _from_header(request: HttpRequest, header: str) -> Signed:
    fields: dict[str, str] = {}
    for part in header[len(ALGORITHM) :].split(","):
        name, eq, value = part.strip().partition("=")
        if eq:
            fields[name] = value
    for name in ("Credential", "SignedHeaders", "Signature"):
        if not fields.get(name):
            raise ApiError(
                "IncompleteSignature",
                f"Authorization header requires '{name}' parameter. Authorization={header}",
            )
    amz_date = request.META.get("HTTP_X_AMZ_DATE", "")
    if not amz_date:
        raise ApiError(
            "IncompleteSignature",
            "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' "
            f"header. Authorization={header}",
        )
    return _signed(
        fields["Credential"],
        fields["SignedHeaders"],
        fields["Signature"],
        amz_date,
        presigned=False,
        expires=None,
        token=request.META.get("HTTP_X_AMZ_SECURITY_TOKEN"),
    )


def _from_query(request: HttpRequest) -> Signed:
    query = request.GET
    for name in ("X-Amz-Credential", "X-Amz-SignedHeaders", "X-Amz-Signature", "X-Amz-Date"):
        if not query.get(name):
            raise ApiError(
                "IncompleteSignature", f"AWS query-string parameters must include '{name}'."
            )
    raw_expires = query.get("X-Amz-Expires", "")
    if not raw_expires.isdigit() or not 1 <= int(raw_expires) <= MAX_PRESIGNED_EXPIRES:
        raise ApiError(
            "AuthorizationQueryParametersError",
            "X-Amz-Expires must be a number of seconds from 1 to 604800.",
            status=400,
        )
    return _signed(
        query["X-Amz-Credential"],
        query["X-Amz-SignedHeaders"],
        query["X-Amz-Signature"],
        query["X-Amz-Date"],
        presigned=True,
        expires=int(raw_expires),
        token=query.get("X-Amz-Security-Token"),
    )


def _signed(
    credential: str,
    signed_headers: str,
    signature: str,
    amz_date: str,
    *,
    presigned: bool,
    expires: int | None,
    token: str | None,
) -> Signed:
    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request" or not all(parts):
        raise ApiError(
            "IncompleteSignature",
            f"Credential should be scoped to a valid region. Credential={credential}",
        )
    return Signed(
        access_key_id=parts[0],
        scope_date=parts[1],
        region=parts[2],
        service=parts[3],
        signed_headers=tuple(signed_headers.lower().split(";")),
        signature=signature.lower(),
        amz_date=amz_date,
        presigned=presigned,
        expires=expires,
        session_token=token or None,
    )


def check_time(signed: Signed, now: datetime) -> None:
    """AWS's clock rules: 15 minutes either way, and a presigned URL's lifetime."""
    if signed.version == 2:
        assert signed.expires is not None
        if now.timestamp() > signed.expires:
            raise ApiError("AccessDenied", "Request has expired", status=403)
        return
    try:
        moment = datetime.strptime(signed.amz_date, _AMZ_DATE).replace(tzinfo=UTC)
    except ValueError:
        raise ApiError(
            "IncompleteSignature",
            f"Date must be in ISO-8601 'basic format'. Got '{signed.amz_date}'.",
        ) from None
    if signed.scope_date != signed.amz_date[:8]:
        raise ApiError(
            "SignatureDoesNotMatch",
            f"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date "
            f"from HTTP: '{signed.scope_date}' != '{signed.amz_date[:8]}', "
            f"from '{signed.amz_date}'.",
        )
    stamp = now.strftime(_AMZ_DATE)
    if moment > now + MAX_SKEW:
        later = (now + MAX_SKEW).strftime(_AMZ_DATE)
        raise ApiError(
            "RequestExpired",
            f"Signature not yet current: {signed.amz_date} is still later than {later} "
            f"({stamp} + 15 min.)",
        )
    if signed.presigned:
        assert signed.expires is not None
        if now > moment + timedelta(seconds=signed.expires):
            raise ApiError("RequestExpired", "Request has expired.")
    elif moment < now - MAX_SKEW:
        earlier = (now - MAX_SKEW).strftime(_AMZ_DATE)
        raise ApiError(
            "RequestExpired",
            f"Signature expired: {signed.amz_date} is now earlier than {earlier} "
            f"({stamp} - 15 min.)",
        )


def verify(signed: Signed, request: HttpRequest, secret: str) -> None:
    """Raises SignatureDoesNotMatch unless `secret` signed exactly this request."""
    if signed.version == 2:
        _verify_v2(signed, request, secret)
        return
    canonical = canonical_request(signed, request)
    string_to_sign = "\n".join(
        [ALGORITHM, signed.amz_date, signed.scope, hashlib.sha256(canonical.encode()).hexdigest()]
    )
    key = signing_key(secret, signed.scope_date, signed.region, signed.service)
    expected = hmac.new(key, string_to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signed.signature):
        raise ApiError("SignatureDoesNotMatch", SIGNATURE_DOES_NOT_MATCH)


# --- S3's presigned URLs of Signature Version 2 ------------------------------------------

V2_QUERY = ("AWSAccessKeyId", "Expires", "Signature")
# The query parameters that name an S3 sub-resource: part of what a V2 signature covers.
_V2_SUBRESOURCES = frozenset(
    [
        "accelerate",
        "acl",
        "cors",
        "defaultObjectAcl",
        "delete",
        "lifecycle",
        "location",
        "logging",
        "notification",
        "partNumber",
        "policy",
        "requestPayment",
        "response-cache-control",
        "response-content-disposition",
        "response-content-encoding",
        "response-content-language",
        "response-content-type",
        "response-expires",
        "restore",
        "tagging",
        "torrent",
        "uploadId",
        "uploads",
        "versionId",
        "versioning",
        "versions",
        "website",
    ]
)


def _from_query_v2(request: HttpRequest) -> Signed:
    query = request.GET
    expires = query["Expires"]
    if not expires.isdigit():
        raise ApiError("AccessDenied", "Invalid date (should be seconds since epoch)", status=403)
    moment = datetime.fromtimestamp(min(int(expires), 253402300799), UTC)
    return Signed(
        access_key_id=query["AWSAccessKeyId"],
        scope_date=moment.strftime("%Y%m%d"),
        region="us-east-1",
        service="s3",
        signed_headers=(),
        signature=query["Signature"],
        amz_date=moment.strftime(_AMZ_DATE),
        presigned=True,
        expires=int(expires),
        session_token=query.get("x-amz-security-token") or None,
        version=2,
    )


def string_to_sign_v2(signed: Signed, request: HttpRequest) -> str:
    """The text a V2 query signature signs: the method, Content-MD5, Content-Type, Expires,
    the x-amz-* values and the resource (the path and its sub-resources). The client moves
    its headers into the query; the request may carry them as headers too."""
    query = request.GET
    headers = {
        name[5:].lower().replace("_", "-"): str(value)
        for name, value in request.META.items()
        if name.startswith("HTTP_X_AMZ_")
    }
    headers |= {k.lower(): query[k] for k in query if k.lower().startswith("x-amz-")}
    amz = "".join(f"{name}:{headers[name].strip()}\n" for name in sorted(headers))
    md5 = query.get("content-md5", request.META.get("HTTP_CONTENT_MD5", ""))
    # A request without a body has no Content-Type (some WSGI servers make up text/plain).
    has_body = request.META.get("CONTENT_LENGTH", "") not in ("", "0")
    content_type = query.get("content-type") or (
        request.META.get("CONTENT_TYPE", "") if has_body else ""
    )
    resource = quote(request.path, safe="/~")
    subresources = sorted((key, query[key]) for key in query if key in _V2_SUBRESOURCES)
    if subresources:
        resource += "?" + "&".join(f"{k}={v}" if v else k for k, v in subresources)
    method = request.method or "GET"
    return f"{method}\n{md5}\n{content_type}\n{signed.expires}\n{amz}{resource}"


def _verify_v2(signed: Signed, request: HttpRequest, secret: str) -> None:
    digest = hmac.new(
        secret.encode(), string_to_sign_v2(signed, request).encode(), hashlib.sha1
    ).digest()
    expected = base64.b64encode(digest).decode()
    if not hmac.compare_digest(expected.encode(), signed.signature.encode()):
        raise ApiError("SignatureDoesNotMatch", SIGNATURE_DOES_NOT_MATCH)


def signing_key(secret: str, date: str, region: str, service: str) -> bytes:
    key = ("AWS4" + secret).encode()
    for part in (date, region, service, "aws4_request"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return key


def canonical_request(signed: Signed, request: HttpRequest) -> str:
    method = request.method or "GET"
    path = quote(request.path, safe="/~")
    if signed.service != "s3":
        # Every service but S3 encodes the (already encoded) path a second time.
        path = quote(path, safe="/~")
    headers = "".join(f"{name}:{_header(request, name)}\n" for name in signed.signed_headers)
    return "\n".join(
        [
            method,
            path,
            _canonical_query(request.META.get("QUERY_STRING", ""), signed.presigned),
            headers,
            ";".join(signed.signed_headers),
            _payload_hash(signed, request),
        ]
    )


def _canonical_query(query: str, presigned: bool) -> str:
    pairs = []
    for item in query.split("&"):
        if not item:
            continue
        key, _, value = item.partition("=")
        key, value = unquote(key), unquote(value)
        if presigned and key == "X-Amz-Signature":
            continue
        pairs.append((quote(key, safe="-_.~"), quote(value, safe="-_.~")))
    return "&".join(f"{k}={v}" for k, v in sorted(pairs))


def _header(request: HttpRequest, name: str) -> str:
    meta = request.META
    if name == "content-type":
        raw = meta.get("CONTENT_TYPE", "")
    elif name == "content-length":
        raw = meta.get("CONTENT_LENGTH", "")
    else:
        raw = meta.get("HTTP_" + name.upper().replace("-", "_"), "")
    return " ".join(str(raw).split())


def _payload_hash(signed: Signed, request: HttpRequest) -> str:
    declared: str | None = request.META.get("HTTP_X_AMZ_CONTENT_SHA256")
    if declared and signed.service == "s3" and declared in STREAMING:
        # The body is aws-chunked: each chunk is checked by `decode_chunked`.
        return declared
    if declared:
        # S3 may declare UNSIGNED-PAYLOAD; anything else must be the body's real hash.
        if declared != "UNSIGNED-PAYLOAD" and declared != _sha256(request.body):
            raise ApiError(
                "XAmzContentSHA256Mismatch",
                "The provided 'x-amz-content-sha256' header does not match what was computed.",
                status=400,
            )
        return declared
    if signed.presigned and signed.service == "s3":
        return "UNSIGNED-PAYLOAD"
    return _sha256(request.body)


def _sha256(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest() if body else EMPTY_SHA256


# --- S3's aws-chunked uploads (x-amz-content-sha256: STREAMING-...) -----------------------

STREAMING_SIGNED = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
STREAMING_SIGNED_TRAILER = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
STREAMING_UNSIGNED_TRAILER = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
STREAMING = frozenset({STREAMING_SIGNED, STREAMING_SIGNED_TRAILER, STREAMING_UNSIGNED_TRAILER})
_CHUNK_ALGORITHM = "AWS4-HMAC-SHA256-PAYLOAD"


def is_streaming(request: HttpRequest) -> bool:
    return request.META.get("HTTP_X_AMZ_CONTENT_SHA256", "") in STREAMING


def decode_chunked(signed: Signed, request: HttpRequest, secret: str | None) -> bytes:
    """The payload of an aws-chunked body, each chunk's signature checked (chained from the
    request's signature) when the upload is signed and `secret` is known; trailers (the
    flexible checksum) are read past."""
    mode = request.META.get("HTTP_X_AMZ_CONTENT_SHA256", "")
    body = request.body
    key = signing_key(secret, signed.scope_date, signed.region, signed.service) if secret else None
    previous = signed.signature
    out = bytearray()
    at = 0
    while True:
        end = body.find(b"\r\n", at)
        if end < 0:
            raise _incomplete()
        header = body[at:end].decode("latin-1")
        size_text, _, extension = header.partition(";")
        try:
            size = int(size_text.strip(), 16)
        except ValueError:
            raise _incomplete() from None
        data = body[end + 2 : end + 2 + size]
        if len(data) != size:
            raise _incomplete()
        if mode != STREAMING_UNSIGNED_TRAILER and key is not None:
            name, _, claimed = extension.partition("=")
            expected = _chunk_signature(key, signed, previous, data)
            if name.strip() != "chunk-signature" or not hmac.compare_digest(
                expected, claimed.strip().lower()
            ):
                raise ApiError("SignatureDoesNotMatch", SIGNATURE_DOES_NOT_MATCH)
            previous = expected
        out += data
        at = end + 2 + size
        if size == 0:
            break
        if body[at : at + 2] != b"\r\n":
            raise _incomplete()
        at += 2
    return bytes(out)


def _chunk_signature(key: bytes, signed: Signed, previous: str, data: bytes) -> str:
    text = "\n".join(
        [_CHUNK_ALGORITHM, signed.amz_date, signed.scope, previous, EMPTY_SHA256, _sha256(data)]
    )
    return hmac.new(key, text.encode(), hashlib.sha256).hexdigest()


def _incomplete() -> ApiError:
    return ApiError("IncompleteBody", "The request body terminated unexpectedly", status=400)
