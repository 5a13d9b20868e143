"""The S3 door: S3's REST-XML API (path-style) on the same endpoint, for requests whose
SigV4 credential scope names the service `s3`.

`route` picks the operation from the method, the path (`/`, `/bucket`, `/bucket/key`) and
the subresource in the query (`?policy`, `?tagging`, `?location`, `?delete`, `?list-type=2`);
each handler turns the request into one call of `domain.s3` and the result into S3's
document and headers. Errors are S3's error document (HEAD answers carry no body).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import unquote

from django.http import HttpRequest, HttpResponse, QueryDict

from api import s3_xml as x
from api.errors import ApiError, from_exception
from domain import s3
from domain.kernel import calls
from domain.kernel.actors import Actor

logger = logging.getLogger(__name__)

Handler = Callable[["Call"], HttpResponse]
NOT_IMPLEMENTED = "A header you provided implies functionality that is not implemented"
# Query parameters that name a subresource (anything else, X-Amz-* included, is a parameter).
SUBRESOURCES = ("policy", "tagging", "location", "delete", "uploads", "uploadId", "acl")


class Call:
    """One S3 request: who, which bucket and key, its query, headers and payload."""

    def __init__(self, request: HttpRequest, actor: Actor, body: bytes, rid: str) -> None:
        self.request = request
        self.actor = actor
        self.body = body
        self.rid = rid
        path = request.path
        bucket, _, key = path.lstrip("/").partition("/")
        self.bucket = bucket
        self.key = key
        self.query: QueryDict = request.GET

    def header(self, name: str, default: str = "") -> str:
        value: str = self.request.headers.get(name, default)
        return value

    @property
    def resource(self) -> str:
        return "/" + self.bucket + ("/" + self.key if self.key else "")


def respond(
    call: Call, body: str | bytes = b"", *, status: int = 200, headers: dict[str, str] | None = None
) -> HttpResponse:
    data = body.encode() if isinstance(body, str) else body
    response = HttpResponse(
        data if call.request.method != "HEAD" else b"",
        status=status,
        content_type="application/xml" if isinstance(body, str) and body else None,
    )
    if not data and isinstance(body, bytes) and "Content-Type" in response.headers:
        del response.headers["Content-Type"]
    response.headers["Content-Length"] = str(len(data))
    response.headers["x-amz-request-id"] = call.rid
    response.headers["x-amz-id-2"] = call.rid
    for name, value in (headers or {}).items():
        response.headers[name] = value
    return response


def error_response(request: HttpRequest, error: ApiError, resource: str, rid: str) -> HttpResponse:
    text = x.error_document(error, resource, rid)
    head = request.method == "HEAD"
    response = HttpResponse(
        b"" if head else text.encode(), status=error.status, content_type="application/xml"
    )
    response.headers["x-amz-request-id"] = rid
    response.headers["x-amz-id-2"] = rid
    return response


def handle(request: HttpRequest, actor: Actor, body: bytes, rid: str) -> HttpResponse:
    call = Call(request, actor, body, rid)
    try:
        if "\x00" in request.path or "\x00" in unquote(request.META.get("QUERY_STRING", "")):
            # No database stores a NUL in text: refused before any lookup.
            raise ApiError("InvalidArgument", "Invalid Argument")
        handler = route(call)
        return handler(call)
    except Exception as exc:
        error = from_exception(exc)
        if error is None:
            logger.exception("S3 request %s failed", rid)
            error = ApiError(
                "InternalError", "We encountered an internal error. Please try again.", status=500
            )
        return error_response(request, error, call.resource, rid)


def route(call: Call) -> Handler:
    method = call.request.method or "GET"
    query = call.query
    if not call.bucket:
        if method == "GET":
            return list_buckets
        raise ApiError(
            "MethodNotAllowed",
            "The specified method is not allowed against this resource.",
            status=405,
        )
    sub = next((name for name in SUBRESOURCES if name in query), "")
    if not call.key:
        table = BUCKET_ROUTES
    else:
        table = OBJECT_ROUTES
        if method == "PUT" and not sub and call.header("x-amz-copy-source"):
            return copy_object
    handler = table.get((method, sub))
    if handler is None:
        raise ApiError("NotImplemented", NOT_IMPLEMENTED, status=501)
    return handler


# --- buckets ---------------------------------------------------------------------------


def list_buckets(call: Call) -> HttpResponse:
    buckets = s3.list_buckets(call.actor)
    account = call.actor.account
    owner = x.element(
        "Owner",
        x.element("ID", text=x.canonical_user_id(account.id)),
        x.element("DisplayName", text=account.display_name),
    )
    items = [
        x.element(
            "Bucket",
            x.element("Name", text=b.name),
            x.element("CreationDate", text=x.iso(b.created_at)),
            x.element("BucketRegion", text=b.region),
        )
        for b in buckets
    ]
    return respond(call, x.document("ListAllMyBucketsResult", owner, x.element("Buckets", *items)))


def create_bucket(call: Call) -> HttpResponse:
    config = x.parse(call.body)
    region = x.text_of(config, "LocationConstraint") if config is not None else ""
    signed = calls.current_request()
    s3.create_bucket(
        actor=call.actor,
        name=call.bucket,
        region=region,
        endpoint_region=signed.region if signed is not None else "",
    )
    return respond(call, headers={"Location": "/" + call.bucket})


def delete_bucket(call: Call) -> HttpResponse:
    s3.delete_bucket(actor=call.actor, name=call.bucket)
    return respond(call, status=204)


def head_bucket(call: Call) -> HttpResponse:
    bucket = s3.head_bucket(call.actor, call.bucket)
    return respond(call, headers={"x-amz-bucket-region": bucket.region})


def get_bucket_location(call: Call) -> HttpResponse:
    region = s3.get_bucket_location(call.actor, call.bucket)
    text = f'{x.DECLARATION}<LocationConstraint xmlns="{x.NAMESPACE}">{region}</LocationConstraint>'
    return respond(call, text)


def get_bucket_policy(call: Call) -> HttpResponse:
    policy = s3.get_bucket_policy(call.actor, call.bucket)
    response = respond(call, policy.encode())
    response.headers["Content-Type"] = "application/json"
    return response


def put_bucket_policy(call: Call) -> HttpResponse:
    try:
        text = call.body.decode()
    except UnicodeDecodeError:
        raise ApiError(
            "MalformedPolicy", "Policies must be valid JSON and the first byte must be '{'"
        ) from None
    s3.put_bucket_policy(actor=call.actor, name=call.bucket, policy=text)
    return respond(call, status=204)


def delete_bucket_policy(call: Call) -> HttpResponse:
    s3.delete_bucket_policy(actor=call.actor, name=call.bucket)
    return respond(call, status=204)


def get_bucket_tagging(call: Call) -> HttpResponse:
    tags = s3.get_bucket_tagging(call.actor, call.bucket)
    return respond(call, x.document("Tagging", x.tag_set_xml(tags)))


def put_bucket_tagging(call: Call) -> HttpResponse:
    s3.put_bucket_tagging(actor=call.actor, name=call.bucket, tags=x.tag_pairs(call.body))
    return respond(call, status=204)


def delete_bucket_tagging(call: Call) -> HttpResponse:
    s3.delete_bucket_tagging(actor=call.actor, name=call.bucket)
    return respond(call, status=204)


def _int_param(call: Call, name: str, default: int) -> int:
    raw = call.query.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ApiError(
            "InvalidArgument", "Provided max-keys not an integer or within integer range"
        ) from None


def list_objects(call: Call) -> HttpResponse:
    """ListObjectsV2 (list-type=2), and the original ListObjects with its markers."""
    query = call.query
    v2 = query.get("list-type") == "2"
    url = query.get("encoding-type") == "url"
    listing = s3.list_objects_v2(
        call.actor,
        call.bucket,
        prefix=query.get("prefix", ""),
        delimiter=query.get("delimiter", ""),
        max_keys=_int_param(call, "max-keys", 1000),
        start_after=query.get("start-after", "") if v2 else query.get("marker", ""),
        continuation_token=query.get("continuation-token", "") if v2 else "",
    )
    contents = [
        x.element(
            "Contents",
            x.element("Key", text=x.encoded(o.key, url)),
            x.element("LastModified", text=x.iso(o.last_modified)),
            x.element("ETag", text=o.etag),
            x.element("Size", text=o.size),
            x.element("StorageClass", text="STANDARD"),
        )
        for o in listing.contents
    ]
    prefixes = [
        x.element("CommonPrefixes", x.element("Prefix", text=x.encoded(p, url)))
        for p in listing.common_prefixes
    ]
    if v2:
        paging = [
            x.element("KeyCount", text=listing.key_count),
            x.maybe("ContinuationToken", listing.continuation_token),
            x.maybe("NextContinuationToken", listing.next_token),
            x.maybe("StartAfter", x.encoded(listing.start_after, url)),
        ]
    else:
        last = (listing.contents[-1].key if listing.contents else "") or (
            listing.common_prefixes[-1] if listing.common_prefixes else ""
        )
        paging = [
            x.element("Marker", text=x.encoded(listing.start_after, url)),
            x.maybe(
                "NextMarker",
                x.encoded(last, url) if listing.truncated and query.get("delimiter") else "",
            ),
        ]
    return respond(
        call,
        x.document(
            "ListBucketResult",
            x.element("Name", text=call.bucket),
            x.element("Prefix", text=x.encoded(listing.prefix, url)),
            x.maybe("Delimiter", x.encoded(listing.delimiter, url)),
            x.element("MaxKeys", text=listing.max_keys),
            x.maybe("EncodingType", "url" if url else ""),
            x.element("IsTruncated", text="true" if listing.truncated else "false"),
            *paging,
            *contents,
            *prefixes,
        ),
    )


def delete_objects(call: Call) -> HttpResponse:
    keys, quiet = x.delete_keys(call.body)
    result = s3.delete_objects(actor=call.actor, bucket_name=call.bucket, keys=keys)
    deleted = (
        [] if quiet else [x.element("Deleted", x.element("Key", text=k)) for k in result.deleted]
    )
    errors = [
        x.element(
            "Error",
            x.element("Key", text=key),
            x.element("Code", text=code),
            x.element("Message", text=message),
        )
        for key, code, message in result.errors
    ]
    return respond(call, x.document("DeleteResult", *deleted, *errors))


# --- objects ---------------------------------------------------------------------------


def _metadata(call: Call) -> dict[str, str]:
    return {
        name[len("x-amz-meta-") :].lower(): value
        for name, value in call.request.headers.items()
        if name.lower().startswith("x-amz-meta-")
    }


def _object_headers(obj: Any) -> dict[str, str]:
    headers = {
        "ETag": obj.etag,
        "Last-Modified": x.http_date(obj.last_modified),
        "Content-Type": obj.content_type,
        "Accept-Ranges": "bytes",
    }
    for name, value in obj.metadata.items():
        headers[f"x-amz-meta-{name}"] = value
    if obj.tags:
        headers["x-amz-tagging-count"] = str(len(obj.tags))
    return headers


def put_object(call: Call) -> HttpResponse:
    obj = s3.put_object(
        actor=call.actor,
        bucket_name=call.bucket,
        key=call.key,
        body=call.body,
        content_type=call.header("Content-Type"),
        metadata=_metadata(call),
        tags=s3.parse_tagging(call.header("x-amz-tagging")),
    )
    return respond(call, headers={"ETag": obj.etag})


def get_object(call: Call) -> HttpResponse:
    result = s3.get_object(call.actor, call.bucket, call.key, range_header=call.header("Range"))
    headers = _object_headers(result.object)
    status = 200
    if result.range is not None:
        first, last, total = result.range
        headers["Content-Range"] = f"bytes {first}-{last}/{total}"
        status = 206
    response = respond(call, result.body, status=status, headers=headers)
    return response


def head_object(call: Call) -> HttpResponse:
    obj = s3.head_object(call.actor, call.bucket, call.key)
    response = respond(call, status=200, headers=_object_headers(obj))
    response.headers["Content-Length"] = str(obj.size)
    return response


def delete_object(call: Call) -> HttpResponse:
    s3.delete_object(actor=call.actor, bucket_name=call.bucket, key=call.key)
    return respond(call, status=204)


def copy_object(call: Call) -> HttpResponse:
    source = unquote(call.header("x-amz-copy-source")).lstrip("/")
    source_bucket, _, source_key = source.partition("/")
    source_key = source_key.split("?versionId=", 1)[0]
    if not source_bucket or not source_key:
        raise ApiError("InvalidArgument", "Invalid copy source object key")
    replace = call.header("x-amz-metadata-directive").upper() == "REPLACE"
    obj = s3.copy_object(
        actor=call.actor,
        bucket_name=call.bucket,
        key=call.key,
        source_bucket=source_bucket,
        source_key=source_key,
        replace_metadata=replace,
        content_type=call.header("Content-Type"),
        metadata=_metadata(call),
    )
    body = x.document(
        "CopyObjectResult",
        x.element("LastModified", text=x.iso(obj.last_modified)),
        x.element("ETag", text=obj.etag),
    )
    return respond(call, body)


def create_multipart_upload(call: Call) -> HttpResponse:
    upload = s3.create_multipart_upload(
        actor=call.actor,
        bucket_name=call.bucket,
        key=call.key,
        content_type=call.header("Content-Type"),
        metadata=_metadata(call),
        tags=s3.parse_tagging(call.header("x-amz-tagging")),
    )
    return respond(
        call,
        x.document(
            "InitiateMultipartUploadResult",
            x.element("Bucket", text=call.bucket),
            x.element("Key", text=call.key),
            x.element("UploadId", text=upload.upload_id),
        ),
    )


def upload_part(call: Call) -> HttpResponse:
    part = s3.upload_part(
        actor=call.actor,
        bucket_name=call.bucket,
        key=call.key,
        upload_id=call.query.get("uploadId", ""),
        part_number=_int_param(call, "partNumber", 0),
        body=call.body,
    )
    return respond(call, headers={"ETag": part.etag})


def complete_multipart_upload(call: Call) -> HttpResponse:
    root = x.parse(call.body)
    if root is None or root.tag != "CompleteMultipartUpload":
        raise ApiError("MalformedXML", x.MALFORMED_XML)
    parts = []
    for part in root.iter("Part"):
        number = x.text_of(part, "PartNumber")
        if not number.isdigit():
            raise ApiError("MalformedXML", x.MALFORMED_XML)
        parts.append((int(number), x.text_of(part, "ETag")))
    obj = s3.complete_multipart_upload(
        actor=call.actor,
        bucket_name=call.bucket,
        key=call.key,
        upload_id=call.query.get("uploadId", ""),
        parts=parts,
    )
    return respond(
        call,
        x.document(
            "CompleteMultipartUploadResult",
            x.element("Location", text=call.resource),
            x.element("Bucket", text=call.bucket),
            x.element("Key", text=call.key),
            x.element("ETag", text=obj.etag),
        ),
    )


def abort_multipart_upload(call: Call) -> HttpResponse:
    s3.abort_multipart_upload(
        actor=call.actor,
        bucket_name=call.bucket,
        key=call.key,
        upload_id=call.query.get("uploadId", ""),
    )
    return respond(call, status=204)


BUCKET_ROUTES: dict[tuple[str, str], Handler] = {
    ("PUT", ""): create_bucket,
    ("DELETE", ""): delete_bucket,
    ("HEAD", ""): head_bucket,
    ("GET", ""): list_objects,
    ("GET", "location"): get_bucket_location,
    ("GET", "policy"): get_bucket_policy,
    ("PUT", "policy"): put_bucket_policy,
    ("DELETE", "policy"): delete_bucket_policy,
    ("GET", "tagging"): get_bucket_tagging,
    ("PUT", "tagging"): put_bucket_tagging,
    ("DELETE", "tagging"): delete_bucket_tagging,
    ("POST", "delete"): delete_objects,
}
OBJECT_ROUTES: dict[tuple[str, str], Handler] = {
    ("PUT", ""): put_object,
    ("GET", ""): get_object,
    ("HEAD", ""): head_object,
    ("DELETE", ""): delete_object,
    ("POST", "uploads"): create_multipart_upload,
    ("PUT", "uploadId"): upload_part,
    ("POST", "uploadId"): complete_multipart_upload,
    ("DELETE", "uploadId"): abort_multipart_upload,
}
