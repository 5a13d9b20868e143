"""S3's object actions: list, put, get (ranges), head, delete (one or many), copy.

Bytes go through Django's storage API (`s3.storage.object_storage()`); the row is written in
one transaction, and a replaced object's old bytes are removed once that commits.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote_plus

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.db.models import F, Sum
from django.db.models.functions import Collate
from django.utils import timezone

from domain.kernel import audit
from domain.kernel.actors import Actor
from domain.kernel.errors import (
    AccessDenied,
    EntityTooLarge,
    IamError,
    InvalidArgument,
    InvalidRange,
    InvalidTag,
    NoSuchKey,
)
from domain.kernel.registry import aws_action, aws_read
from domain.s3.access import authorize_on, discard_later, find_bucket, object_arn, tag_set
from domain.s3.buckets import checked_tags
from s3.models import Bucket, S3Object
from s3.storage import object_storage

MAX_KEYS = 1000
MAX_KEY_BYTES = 1024
MAX_OBJECT_TAGS = 10
DEFAULT_CONTENT_TYPE = "binary/octet-stream"


def max_object_bytes() -> int:
    return int(getattr(settings, "S3_MAX_OBJECT_BYTES", 100 * 1024 * 1024))


def max_account_bytes() -> int:
    return int(getattr(settings, "S3_MAX_ACCOUNT_BYTES", 1024 * 1024 * 1024))


# --- ListObjectsV2 -------------------------------------------------------------------


@dataclass
class Listing:
    bucket: Bucket
    prefix: str
    delimiter: str
    max_keys: int
    start_after: str
    continuation_token: str
    contents: list[S3Object] = field(default_factory=list)
    common_prefixes: list[str] = field(default_factory=list)
    truncated: bool = False
    next_token: str = ""

    @property
    def key_count(self) -> int:
        return len(self.contents) + len(self.common_prefixes)


def _token(after: str) -> str:
    return base64.urlsafe_b64encode(after.encode()).decode()


def _after_token(token: str) -> str:
    try:
        return base64.urlsafe_b64decode(token.encode()).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise InvalidArgument.of(InvalidArgument.CONTINUATION) from None


@aws_read("s3:ListObjectsV2")
def list_objects_v2(
    actor: Actor,
    bucket_name: str,
    *,
    prefix: str = "",
    delimiter: str = "",
    max_keys: int = MAX_KEYS,
    start_after: str = "",
    continuation_token: str = "",
) -> Listing:
    """s3:ListBucket on the bucket, with s3:prefix, s3:delimiter and s3:max-keys."""
    bucket = find_bucket(bucket_name)
    if max_keys < 0:
        raise InvalidArgument.of(InvalidArgument.MAX_KEYS)
    context: dict[str, Any] = {"s3:max-keys": str(max_keys)}
    if prefix:
        context["s3:prefix"] = prefix
    if delimiter:
        context["s3:delimiter"] = delimiter
    authorize_on(actor, "s3:ListBucket", bucket, bucket.arn, context)
    after = _after_token(continuation_token) if continuation_token else start_after
    listing = Listing(
        bucket, prefix, delimiter, min(max_keys, MAX_KEYS), start_after, continuation_token
    )
    # A token that ends a common prefix resumes after every key under it.
    resumed = after[len(prefix) :] if after.startswith(prefix) else ""
    skip = after if delimiter and delimiter in resumed and after.endswith(delimiter) else None
    rows = S3Object.objects.filter(bucket=bucket, key__startswith=prefix).alias(
        binary_key=_binary("key")
    )
    if after:
        rows = rows.filter(binary_key__gt=after)
    last = ""
    for obj in rows.order_by("binary_key").iterator():
        if skip is not None and obj.key.startswith(skip):
            continue
        common = _common_prefix(obj.key, prefix, delimiter)
        if common is not None and listing.common_prefixes[-1:] == [common]:
            continue
        if listing.key_count >= listing.max_keys:
            listing.truncated = True
            listing.next_token = _token(last)
            break
        if common is not None:
            listing.common_prefixes.append(common)
            skip, last = common, common
        else:
            listing.contents.append(obj)
            last = obj.key
    return listing


def _binary(field_name: str) -> Collate | F:
    """Keys in S3's order (UTF-8 bytes): PostgreSQL's "C" collation; SQLite's default."""
    if connection.vendor == "postgresql":
        return Collate(F(field_name), "C")
    return F(field_name)


def _common_prefix(key: str, prefix: str, delimiter: str) -> str | None:
    if not delimiter:
        return None
    at = key.find(delimiter, len(prefix))
    return None if at < 0 else key[: at + len(delimiter)]


# --- PutObject -------------------------------------------------------------------------


def check_key(key: str) -> None:
    if not key or len(key.encode()) > MAX_KEY_BYTES:
        raise InvalidArgument.of(InvalidArgument.KEY_TOO_LONG)


def _check_size(bucket: Bucket, size: int, replacing: int) -> None:
    limit = max_object_bytes()
    if size > limit:
        raise EntityTooLarge.object(size, limit)
    used = (
        S3Object.objects.filter(bucket__account_id=bucket.account_id).aggregate(total=Sum("size"))[
            "total"
        ]
        or 0
    ) - replacing
    account_limit = max_account_bytes()
    if used + size > account_limit:
        raise EntityTooLarge.account(used, size, account_limit)


def store(bucket: Bucket, data: bytes) -> str:
    return object_storage().save(f"{bucket.pk}/{uuid.uuid4().hex}", ContentFile(data))


def parse_tagging(query: str) -> list[tuple[str, str]]:
    """The x-amz-tagging header (URL-encoded query) as pairs, checked as S3 checks them."""
    pairs: list[tuple[str, str]] = []
    for item in query.split("&") if query else []:
        from_key, _, value = item.partition("=")
        pairs.append((unquote_plus(from_key), unquote_plus(value)))
    return checked_tags(pairs, MAX_OBJECT_TAGS, InvalidTag.TOO_MANY)


@aws_action("s3:PutObject")
def put_object(
    *,
    actor: Actor,
    bucket_name: str,
    key: str,
    body: bytes,
    content_type: str = "",
    metadata: Mapping[str, str] | None = None,
    tags: Sequence[tuple[str, str]] = (),
) -> S3Object:
    bucket = find_bucket(bucket_name)
    check_key(key)
    authorize_on(actor, "s3:PutObject", bucket, object_arn(bucket_name, key))
    pairs = checked_tags(list(tags), MAX_OBJECT_TAGS, InvalidTag.TOO_MANY)
    return write_object(
        actor,
        bucket,
        key,
        body,
        content_type=content_type or DEFAULT_CONTENT_TYPE,
        metadata=dict(metadata or {}),
        tags=tag_set(pairs),
        action="s3:PutObject",
    )


def write_object(
    actor: Actor,
    bucket: Bucket,
    key: str,
    body: bytes,
    *,
    content_type: str,
    metadata: dict[str, str],
    tags: list[dict[str, str]],
    action: str,
    etag: str = "",
) -> S3Object:
    existing = S3Object.objects.filter(bucket=bucket, key=key).first()
    _check_size(bucket, len(body), existing.size if existing else 0)
    stored = store(bucket, body)
    values = {
        "size": len(body),
        "etag": etag or f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"',
        "content_type": content_type,
        "metadata": metadata,
        "tags": tags,
        "last_modified": timezone.now(),
        "storage_name": stored,
    }
    try:
        with transaction.atomic():
            old = S3Object.objects.select_for_update().filter(bucket=bucket, key=key).first()
            if old is not None:
                discard_later(old.storage_name)
                for name, value in values.items():
                    setattr(old, name, value)
                old.save()
                obj = old
            else:
                obj = S3Object.objects.create(bucket=bucket, key=key, **values)
            audit.record(actor, action, object_arn(bucket.name, key))
    except Exception:
        object_storage().delete(stored)
        raise
    return obj


# --- GetObject / HeadObject ------------------------------------------------------------


@dataclass(frozen=True)
class ObjectBody:
    object: S3Object
    body: bytes
    # (first, last, total) of a ranged read, None for the whole object
    range: tuple[int, int, int] | None = None


def _find_object(bucket: Bucket, key: str) -> S3Object:
    obj = S3Object.objects.filter(bucket=bucket, key=key).first()
    if obj is None:
        raise NoSuchKey.named(key)
    return obj


def _tag_context(obj: S3Object) -> dict[str, Any]:
    return {f"s3:ExistingObjectTag/{t['Key']}": t["Value"] for t in obj.tags}


def _readable(actor: Actor, bucket_name: str, key: str) -> S3Object:
    """GetObject's decision: s3:GetObject on the object ARN with its tags as
    s3:ExistingObjectTag/<k>. A missing key is NoSuchKey only to callers who may list the
    bucket; others get AccessDenied, as S3 answers."""
    arn = object_arn(bucket_name, key)
    # One query when the object is there (the common case): the object and its bucket.
    obj = (
        S3Object.objects.select_related("bucket").filter(bucket__name=bucket_name, key=key).first()
    )
    if obj is not None:
        authorize_on(actor, "s3:GetObject", obj.bucket, arn, _tag_context(obj))
        return obj
    bucket = find_bucket(bucket_name)
    authorize_on(actor, "s3:GetObject", bucket, arn)
    try:
        authorize_on(actor, "s3:ListBucket", bucket, bucket.arn)
    except AccessDenied:
        raise _access_denied() from None
    raise NoSuchKey.named(key)


def _access_denied() -> IamError:
    return AccessDenied("Access Denied")


def parse_range(header: str, size: int) -> tuple[int, int] | None:
    """An HTTP `bytes=` range as (first, last); None to send the whole object."""
    unit, _, spec = header.partition("=")
    if unit.strip() != "bytes" or "," in spec:
        return None
    first_text, dash, last_text = spec.strip().partition("-")
    if not dash:
        return None
    try:
        if not first_text:
            length = int(last_text)
            if length <= 0:
                raise InvalidRange.unsatisfiable()
            return max(size - length, 0), size - 1
        first = int(first_text)
        last = int(last_text) if last_text else size - 1
    except ValueError:
        return None
    if first >= size or first < 0:
        raise InvalidRange.unsatisfiable()
    if last < first:
        return None
    return first, min(last, size - 1)


@aws_read("s3:GetObject")
def get_object(actor: Actor, bucket_name: str, key: str, *, range_header: str = "") -> ObjectBody:
    obj = _readable(actor, bucket_name, key)
    span = parse_range(range_header, obj.size) if range_header else None
    with object_storage().open(obj.storage_name, "rb") as handle:
        if span is None:
            return ObjectBody(obj, handle.read())
        handle.seek(span[0])
        return ObjectBody(obj, handle.read(span[1] - span[0] + 1), (span[0], span[1], obj.size))


@aws_read("s3:HeadObject")
def head_object(actor: Actor, bucket_name: str, key: str) -> S3Object:
    """S3 authorizes HeadObject as s3:GetObject."""
    return _readable(actor, bucket_name, key)


# --- DeleteObject(s) --------------------------------------------------------------------


@aws_action("s3:DeleteObject")
def delete_object(*, actor: Actor, bucket_name: str, key: str) -> None:
    """Deleting a key that is not there succeeds (204), as S3 answers."""
    bucket = find_bucket(bucket_name)
    arn = object_arn(bucket_name, key)
    authorize_on(actor, "s3:DeleteObject", bucket, arn)
    with transaction.atomic():
        obj = S3Object.objects.select_for_update().filter(bucket=bucket, key=key).first()
        if obj is not None:
            discard_later(obj.storage_name)
            obj.delete()
        audit.record(actor, "s3:DeleteObject", arn)


@dataclass(frozen=True)
class DeleteResult:
    deleted: list[str]
    errors: list[tuple[str, str, str]]  # key, code, message


@aws_action("s3:DeleteObjects")
def delete_objects(*, actor: Actor, bucket_name: str, keys: Sequence[str]) -> DeleteResult:
    """Each key is decided on its own (s3:DeleteObject on that object): one refusal is
    reported beside the others' success, as S3's DeleteObjects does."""
    bucket = find_bucket(bucket_name)
    deleted: list[str] = []
    errors: list[tuple[str, str, str]] = []
    for key in keys:
        try:
            delete_object(actor=actor, bucket_name=bucket.name, key=key)
        except IamError as error:
            errors.append((key, error.code, error.message))
        else:
            deleted.append(key)
    return DeleteResult(deleted, errors)


def keys_under(actor: Actor, bucket_name: str, prefix: str) -> list[str]:
    """Every key under `prefix` (ListObjectsV2 page by page, so s3:ListBucket decides)."""
    keys: list[str] = []
    token = ""
    while True:
        listing = list_objects_v2(actor, bucket_name, prefix=prefix, continuation_token=token)
        keys.extend(obj.key for obj in listing.contents)
        if not listing.truncated:
            return keys
        token = listing.next_token


def delete_under(*, actor: Actor, bucket_name: str, prefix: str) -> DeleteResult:
    """Every object under `prefix` deleted (a folder and what it holds, or with no prefix
    the whole bucket emptied), as S3's console does: ListObjectsV2, then DeleteObjects in
    batches of 1,000, each key decided on its own."""
    keys = keys_under(actor, bucket_name, prefix)
    deleted: list[str] = []
    errors: list[tuple[str, str, str]] = []
    for start in range(0, len(keys), MAX_KEYS):
        batch = delete_objects(
            actor=actor, bucket_name=bucket_name, keys=keys[start : start + MAX_KEYS]
        )
        deleted.extend(batch.deleted)
        errors.extend(batch.errors)
    return DeleteResult(deleted, errors)


# --- CopyObject ------------------------------------------------------------------------


@aws_action("s3:CopyObject")
def copy_object(
    *,
    actor: Actor,
    bucket_name: str,
    key: str,
    source_bucket: str,
    source_key: str,
    replace_metadata: bool = False,
    content_type: str = "",
    metadata: Mapping[str, str] | None = None,
) -> S3Object:
    """s3:GetObject on the source and s3:PutObject on the destination."""
    source = get_object(actor, source_bucket, source_key)
    bucket = find_bucket(bucket_name)
    check_key(key)
    authorize_on(actor, "s3:PutObject", bucket, object_arn(bucket_name, key))
    if (source_bucket, source_key) == (bucket_name, key) and not replace_metadata:
        raise InvalidArgument.of(InvalidArgument.COPY_TO_ITSELF)
    original = source.object
    return write_object(
        actor,
        bucket,
        key,
        source.body,
        content_type=(content_type or DEFAULT_CONTENT_TYPE)
        if replace_metadata
        else original.content_type,
        metadata=dict(metadata or {}) if replace_metadata else dict(original.metadata),
        tags=list(original.tags),
        action="s3:CopyObject",
    )


# --- readers for pages -----------------------------------------------------------------


def account_usage(actor: Actor) -> int:
    """Bytes the actor's account stores (for the console's limit note)."""
    total = S3Object.objects.filter(bucket__account=actor.account).aggregate(total=Sum("size"))
    return int(total["total"] or 0)
