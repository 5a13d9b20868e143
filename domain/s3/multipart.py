"""S3's multipart uploads: Create, UploadPart, Complete, Abort (the CLI sends files over
8 MB this way). Every call is authorized as S3 maps it: s3:PutObject on the object ARN, and
s3:AbortMultipartUpload for Abort."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Mapping, Sequence

from django.db import IntegrityError, transaction

from domain.kernel import audit
from domain.kernel.actors import Actor
from domain.kernel.errors import (
    EntityTooLarge,
    EntityTooSmall,
    InvalidArgument,
    InvalidPart,
    InvalidPartOrder,
    InvalidTag,
    NoSuchUpload,
)
from domain.kernel.registry import aws_action
from domain.s3.access import authorize_on, discard_later, find_bucket, object_arn, tag_set
from domain.s3.buckets import checked_tags
from domain.s3.objects import (
    DEFAULT_CONTENT_TYPE,
    MAX_OBJECT_TAGS,
    check_key,
    max_object_bytes,
    store,
    write_object,
)
from s3.models import Bucket, MultipartUpload, S3Object, UploadPart
from s3.storage import object_storage

MIN_PART_BYTES = 5 * 1024 * 1024
MAX_PART_NUMBER = 10000
PART_NUMBER = "Part number must be an integer between 1 and 10000, inclusive"


def _upload(bucket: Bucket, key: str, upload_id: str) -> MultipartUpload:
    upload = MultipartUpload.objects.filter(bucket=bucket, key=key, upload_id=upload_id).first()
    if upload is None:
        raise NoSuchUpload.of(upload_id)
    return upload


@aws_action("s3:CreateMultipartUpload")
def create_multipart_upload(
    *,
    actor: Actor,
    bucket_name: str,
    key: str,
    content_type: str = "",
    metadata: Mapping[str, str] | None = None,
    tags: Sequence[tuple[str, str]] = (),
) -> MultipartUpload:
    bucket = find_bucket(bucket_name)
    check_key(key)
    arn = object_arn(bucket_name, key)
    authorize_on(actor, "s3:PutObject", bucket, arn)
    pairs = checked_tags(list(tags), MAX_OBJECT_TAGS, InvalidTag.TOO_MANY)
    with transaction.atomic():
        upload = MultipartUpload.objects.create(
            upload_id=uuid.uuid4().hex + uuid.uuid4().hex,
            bucket=bucket,
            key=key,
            initiator_arn=actor.arn,
            content_type=content_type or DEFAULT_CONTENT_TYPE,
            metadata=dict(metadata or {}),
            tags=tag_set(pairs),
        )
        audit.record(actor, "s3:CreateMultipartUpload", arn)
    return upload


@aws_action("s3:UploadPart")
def upload_part(
    *, actor: Actor, bucket_name: str, key: str, upload_id: str, part_number: int, body: bytes
) -> UploadPart:
    bucket = find_bucket(bucket_name)
    authorize_on(actor, "s3:PutObject", bucket, object_arn(bucket_name, key))
    upload = _upload(bucket, key, upload_id)
    if not 1 <= part_number <= MAX_PART_NUMBER:
        raise InvalidArgument.of(PART_NUMBER)
    if len(body) > max_object_bytes():
        raise EntityTooLarge.object(len(body), max_object_bytes())
    stored = store(bucket, body)
    etag = f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"'
    try:
        with transaction.atomic():
            old = UploadPart.objects.select_for_update().filter(upload=upload, number=part_number)
            for part in old:
                discard_later(part.storage_name)
            old.delete()
            part = UploadPart.objects.create(
                upload=upload, number=part_number, size=len(body), etag=etag, storage_name=stored
            )
    except IntegrityError:
        object_storage().delete(stored)
        raise InvalidPart.missing() from None
    return part


@aws_action("s3:CompleteMultipartUpload")
def complete_multipart_upload(
    *,
    actor: Actor,
    bucket_name: str,
    key: str,
    upload_id: str,
    parts: Sequence[tuple[int, str]],
) -> S3Object:
    """Joins the listed parts (ascending numbers, matching ETags; all but the last at least
    5 MiB) into the object; its ETag is S3's: the MD5 of the parts' MD5s, dash, count."""
    bucket = find_bucket(bucket_name)
    authorize_on(actor, "s3:PutObject", bucket, object_arn(bucket_name, key))
    upload = _upload(bucket, key, upload_id)
    numbers = [number for number, _ in parts]
    if not parts:
        raise InvalidPart.missing()
    if numbers != sorted(numbers) or len(set(numbers)) != len(numbers):
        raise InvalidPartOrder.unordered()
    uploaded = {part.number: part for part in upload.parts.all()}
    chosen: list[UploadPart] = []
    for number, etag in parts:
        part = uploaded.get(number)
        if part is None or part.etag.strip('"') != etag.strip('"'):
            raise InvalidPart.missing()
        chosen.append(part)
    if any(part.size < MIN_PART_BYTES for part in chosen[:-1]):
        raise EntityTooSmall.part()
    storage = object_storage()
    body = bytearray()
    digests = b""
    for part in chosen:
        with storage.open(part.storage_name, "rb") as handle:
            data = handle.read()
        body += data
        digests += hashlib.md5(data, usedforsecurity=False).digest()
    etag = f'"{hashlib.md5(digests, usedforsecurity=False).hexdigest()}-{len(chosen)}"'
    with transaction.atomic():
        obj = write_object(
            actor,
            bucket,
            key,
            bytes(body),
            content_type=upload.content_type,
            metadata=dict(upload.metadata),
            tags=list(upload.tags),
            action="s3:CompleteMultipartUpload",
            etag=etag,
        )
        _drop(upload)
    return obj


def _drop(upload: MultipartUpload) -> None:
    for part in upload.parts.all():
        discard_later(part.storage_name)
    upload.delete()


@aws_action("s3:AbortMultipartUpload")
def abort_multipart_upload(*, actor: Actor, bucket_name: str, key: str, upload_id: str) -> None:
    bucket = find_bucket(bucket_name)
    arn = object_arn(bucket_name, key)
    authorize_on(actor, "s3:AbortMultipartUpload", bucket, arn)
    with transaction.atomic():
        _drop(_upload(bucket, key, upload_id))
        audit.record(actor, "s3:AbortMultipartUpload", arn)
