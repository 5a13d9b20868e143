"""What every S3 operation shares: bucket names, finding a bucket (names are global), and
authorizing a call as S3 does (the IAM action AWS maps, on the bucket or object ARN, with
the bucket policy as the resource policy)."""

from __future__ import annotations

import ipaddress
import re
from typing import Any

from django.db import transaction

from domain.kernel.actors import Actor
from domain.kernel.authorization import ResourcePolicy, authorize, is_allowed
from domain.kernel.errors import InvalidBucketName, NoSuchBucket
from s3.models import Bucket
from s3.storage import object_storage

_BUCKET_CHARS = re.compile(r"[a-z0-9.-]+")
RESERVED_PREFIXES = ("xn--", "sthree-", "amzn-s3-demo-")
RESERVED_SUFFIXES = ("-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3")


def bucket_arn(name: str) -> str:
    return f"arn:aws:s3:::{name}"


def object_arn(bucket: str, key: str) -> str:
    return f"arn:aws:s3:::{bucket}/{key}"


def check_bucket_name(name: str) -> None:
    """AWS's general purpose bucket naming rules, first broken rule first."""
    if not 3 <= len(name) <= 63:
        raise InvalidBucketName.rule(InvalidBucketName.LENGTH)
    if not _BUCKET_CHARS.fullmatch(name):
        raise InvalidBucketName.rule(InvalidBucketName.CHARACTERS)
    if not (name[0].isalnum() and name[-1].isalnum()):
        raise InvalidBucketName.rule(InvalidBucketName.EDGES)
    if ".." in name:
        raise InvalidBucketName.rule(InvalidBucketName.ADJACENT_PERIODS)
    try:
        ipaddress.IPv4Address(name)
    except ValueError:
        pass
    else:
        raise InvalidBucketName.rule(InvalidBucketName.IP_ADDRESS)
    for prefix in RESERVED_PREFIXES:
        if name.startswith(prefix):
            raise InvalidBucketName.rule(InvalidBucketName.RESERVED_PREFIX.format(prefix=prefix))
    for suffix in RESERVED_SUFFIXES:
        if name.endswith(suffix):
            raise InvalidBucketName.rule(InvalidBucketName.RESERVED_SUFFIX.format(suffix=suffix))


def find_bucket(name: str, *, for_update: bool = False) -> Bucket:
    """The bucket of that name in any account (S3's namespace is global); NoSuchBucket."""
    if not _BUCKET_CHARS.fullmatch(name):  # not a name any bucket can have
        raise NoSuchBucket.named(name)
    query = Bucket.objects.all()
    if for_update:
        query = query.select_for_update()
    bucket = query.filter(name=name).first()
    if bucket is None:
        raise NoSuchBucket.named(name)
    return bucket


def resource_policy(bucket: Bucket) -> ResourcePolicy:
    return ResourcePolicy(owner_account_id=bucket.account_id, document=bucket.policy)


def authorize_on(
    actor: Actor,
    action: str,
    bucket: Bucket,
    arn: str,
    context: dict[str, Any] | None = None,
) -> None:
    """Decide `action` on `arn` (the bucket or one of its objects) with the bucket policy."""
    authorize(actor, action, arn, context, resource_policy(bucket))


def allowed_on(actor: Actor, action: str, bucket: Bucket, arn: str) -> bool:
    return is_allowed(actor, action, arn, None, resource_policy(bucket))


def tag_set(pairs: list[tuple[str, str]]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in pairs]


def discard_later(name: str) -> None:
    """Remove stored bytes once the transaction that stopped using them commits."""
    transaction.on_commit(lambda: object_storage().delete(name))
