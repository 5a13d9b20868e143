"""S3's aws-chunked uploads (STREAMING-AWS4-HMAC-SHA256-PAYLOAD): each chunk's signature is
chained from the request's, checked against AWS's own worked example."""

from __future__ import annotations

import pytest
from django.http import HttpRequest
from django.test import RequestFactory

from api import sigv4
from api.errors import ApiError

# The module fixture of tests/api restores AWS managed policies in the test database.
pytestmark = pytest.mark.django_db

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SEED = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
CHUNKS = [
    (b"a" * 65536, "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648"),
    (b"a" * 1024, "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497"),
    (b"", "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9"),
]


def _signed() -> sigv4.Signed:
    return sigv4.Signed(
        access_key_id="AKIAIOSFODNN7EXAMPLE",
        scope_date="20130524",
        region="us-east-1",
        service="s3",
        signed_headers=("host",),
        signature=SEED,
        amz_date="20130524T000000Z",
        presigned=False,
        expires=None,
        session_token=None,
    )


def _body(chunks: list[tuple[bytes, str]]) -> bytes:
    return b"".join(
        f"{len(data):x};chunk-signature={signature}\r\n".encode() + data + b"\r\n"
        for data, signature in chunks
    )


def _request(body: bytes, mode: str = sigv4.STREAMING_SIGNED) -> HttpRequest:
    return RequestFactory().put(
        "/examplebucket/chunkObject.txt",
        data=body,
        content_type="text/plain",
        HTTP_X_AMZ_CONTENT_SHA256=mode,
    )


def test_awss_example_upload_decodes() -> None:
    request = _request(_body(CHUNKS))
    assert sigv4.decode_chunked(_signed(), request, SECRET) == b"a" * 66560


def test_a_tampered_chunk_is_refused() -> None:
    tampered = [(b"b" * 65536, CHUNKS[0][1]), *CHUNKS[1:]]
    with pytest.raises(ApiError) as error:
        sigv4.decode_chunked(_signed(), _request(_body(tampered)), SECRET)
    assert error.value.code == "SignatureDoesNotMatch"


def test_unsigned_trailer_chunks_and_a_cut_body() -> None:
    body = b"5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n"
    request = _request(body, sigv4.STREAMING_UNSIGNED_TRAILER)
    assert sigv4.decode_chunked(_signed(), request, SECRET) == b"hello"
    with pytest.raises(ApiError) as cut:
        sigv4.decode_chunked(
            _signed(), _request(b"5\r\nhel", sigv4.STREAMING_UNSIGNED_TRAILER), SECRET
        )
    assert cut.value.code == "IncompleteBody"
