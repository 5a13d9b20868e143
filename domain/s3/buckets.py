"""S3's bucket actions: list, create, delete, head, location, policy and tagging.

Each is named after the S3 API operation and authorizes the IAM action AWS maps to it
(ListBuckets is s3:ListAllMyBuckets on "*", HeadBucket is s3:ListBucket, ...).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from django.db import IntegrityError, transaction

from accounts.models import Account
from domain.kernel import audit
from domain.kernel.actors import Actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import (
    BucketAlreadyExists,
    BucketAlreadyOwnedByYou,
    BucketNotEmpty,
    IllegalLocationConstraintException,
    InvalidLocationConstraint,
    InvalidTag,
    MalformedPolicy,
    NoSuchBucketPolicy,
    NoSuchTagSet,
)
from domain.kernel.registry import aws_action, aws_read
from domain.s3.access import (
    authorize_on,
    bucket_arn,
    check_bucket_name,
    discard_later,
    find_bucket,
    tag_set,
)
from policies.engine import validate
from s3.models import Bucket, S3Object, UploadPart

DEFAULT_REGION = "us-east-1"
MAX_BUCKET_TAGS = 50


@aws_read("s3:ListBuckets")
def list_buckets(actor: Actor) -> list[Bucket]:
    """The caller's account's buckets (s3:ListAllMyBuckets on *)."""
    authorize(actor, "s3:ListAllMyBuckets", "*")
    return list(Bucket.objects.filter(account=actor.account).order_by("name"))


@aws_action("s3:CreateBucket")
def create_bucket(
    *,
    actor: Actor,
    name: str,
    region: str = "",
    tags: Sequence[tuple[str, str]] = (),
    endpoint_region: str = "",
) -> Bucket:
    """`region` is the LocationConstraint; `endpoint_region` the Region an API request was
    signed for, which the constraint must name (S3's regional endpoints refuse any other)."""
    check_bucket_name(name)
    region = _location(region, endpoint_region)
    authorize(actor, "s3:CreateBucket", bucket_arn(name))
    pairs = _checked_bucket_tags(list(tags))
    existing = Bucket.objects.filter(name=name).first()
    if existing is not None:
        if existing.account_id == actor.account.id:
            raise BucketAlreadyOwnedByYou.named(name)
        raise BucketAlreadyExists.named(name)
    try:
        with transaction.atomic():
            bucket = Bucket.objects.create(
                name=name,
                account=actor.account,
                region=region or DEFAULT_REGION,
                tags=tag_set(pairs),
            )
            audit.record(actor, "s3:CreateBucket", bucket.arn)
    except IntegrityError:
        raise BucketAlreadyExists.named(name) from None
    return bucket


def _location(constraint: str, endpoint_region: str) -> str:
    """The bucket's Region. At us-east-1's endpoint a request names its Region by sending no
    LocationConstraint (and may name any other, as S3's global endpoint accepts); at any
    other Region's endpoint the constraint must be that Region."""
    if not endpoint_region:
        return constraint or DEFAULT_REGION
    if endpoint_region == DEFAULT_REGION:
        if constraint == DEFAULT_REGION:
            raise InvalidLocationConstraint.invalid()
        return constraint or DEFAULT_REGION
    if constraint != endpoint_region:
        raise IllegalLocationConstraintException.for_endpoint(constraint)
    return constraint


@aws_action("s3:DeleteBucket")
def delete_bucket(*, actor: Actor, name: str) -> None:
    with transaction.atomic():
        bucket = find_bucket(name, for_update=True)
        authorize_on(actor, "s3:DeleteBucket", bucket, bucket.arn)
        if S3Object.objects.filter(bucket=bucket).exists():
            raise BucketNotEmpty.named(name)
        # Unfinished multipart uploads go with the bucket.
        for stored in UploadPart.objects.filter(upload__bucket=bucket).values_list(
            "storage_name", flat=True
        ):
            discard_later(stored)
        bucket.delete()
        audit.record(actor, "s3:DeleteBucket", bucket_arn(name))


def discard_account_bytes(account: Account) -> None:
    """For an account about to be deleted (organizations:CloseAccount): the stored bytes of
    every object and unfinished upload part in its buckets are removed once the deletion
    commits (the rows go with the account)."""
    objects = S3Object.objects.filter(bucket__account=account)
    parts = UploadPart.objects.filter(upload__bucket__account=account)
    for stored in objects.values_list("storage_name", flat=True).iterator():
        discard_later(stored)
    for stored in parts.values_list("storage_name", flat=True).iterator():
        discard_later(stored)


@aws_read("s3:HeadBucket")
def head_bucket(actor: Actor, name: str) -> Bucket:
    bucket = find_bucket(name)
    authorize_on(actor, "s3:ListBucket", bucket, bucket.arn)
    return bucket


@aws_read("s3:GetBucketLocation")
def get_bucket_location(actor: Actor, name: str) -> str:
    """The LocationConstraint: empty for us-east-1, as S3 answers."""
    bucket = find_bucket(name)
    authorize_on(actor, "s3:GetBucketLocation", bucket, bucket.arn)
    return "" if bucket.region == DEFAULT_REGION else bucket.region


# --- the bucket policy ---------------------------------------------------------------


@aws_read("s3:GetBucketPolicy")
def get_bucket_policy(actor: Actor, name: str) -> str:
    bucket = find_bucket(name)
    authorize_on(actor, "s3:GetBucketPolicy", bucket, bucket.arn)
    if not bucket.policy:
        raise NoSuchBucketPolicy.of(name)
    return bucket.policy


def policy_problems(bucket_name: str, document: str) -> list[tuple[str, int | None, int | None]]:
    """A bucket policy's problems (message, line, column): IAM's resource-policy grammar,
    and S3's own rule that every resource is in this bucket."""
    found = [
        (problem.message, problem.line, problem.column)
        for problem in validate(document, kind="resource")
        if problem.severity == "error"
    ]
    if found:
        return found
    parsed = json.loads(document)
    statements = parsed.get("Statement", [])
    for statement in statements if isinstance(statements, list) else [statements]:
        resources = statement.get("Resource", statement.get("NotResource", []))
        for resource in [resources] if isinstance(resources, str) else resources:
            arn = bucket_arn(bucket_name)
            if not (resource == arn or resource.startswith(arn + "/")):
                return [("Policy has invalid resource", None, None)]
    return []


@aws_action("s3:PutBucketPolicy")
def put_bucket_policy(*, actor: Actor, name: str, policy: str) -> Bucket:
    with transaction.atomic():
        bucket = find_bucket(name, for_update=True)
        authorize_on(actor, "s3:PutBucketPolicy", bucket, bucket.arn)
        problems = policy_problems(name, policy)
        if problems:
            message, line, column = problems[0]
            where = f" (line {line}, column {column})" if line is not None else ""
            raise MalformedPolicy.problem(message + where)
        bucket.policy = policy
        bucket.save(update_fields=["policy"])
        audit.record(actor, "s3:PutBucketPolicy", bucket.arn)
    return bucket


@aws_action("s3:DeleteBucketPolicy")
def delete_bucket_policy(*, actor: Actor, name: str) -> None:
    with transaction.atomic():
        bucket = find_bucket(name, for_update=True)
        authorize_on(actor, "s3:DeleteBucketPolicy", bucket, bucket.arn)
        bucket.policy = ""
        bucket.save(update_fields=["policy"])
        audit.record(actor, "s3:DeleteBucketPolicy", bucket.arn)


# --- bucket tags ---------------------------------------------------------------------


def _checked_bucket_tags(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return checked_tags(pairs, MAX_BUCKET_TAGS, InvalidTag.BUCKET_TOO_MANY)


def checked_tags(pairs: list[tuple[str, str]], limit: int, too_many: str) -> list[tuple[str, str]]:
    if len(pairs) > limit:
        raise InvalidTag.problem(too_many)
    keys = [key for key, _ in pairs]
    if len(set(keys)) != len(keys):
        raise InvalidTag.problem(InvalidTag.DUPLICATE)
    for key, value in pairs:
        if not 1 <= len(key) <= 128:
            raise InvalidTag.problem(InvalidTag.KEY_LENGTH)
        if len(value) > 256:
            raise InvalidTag.problem(InvalidTag.VALUE_LENGTH)
    return pairs


@aws_read("s3:GetBucketTagging")
def get_bucket_tagging(actor: Actor, name: str) -> list[dict[str, str]]:
    bucket = find_bucket(name)
    authorize_on(actor, "s3:GetBucketTagging", bucket, bucket.arn)
    if not bucket.tags:
        raise NoSuchTagSet.of(name)
    return list(bucket.tags)


@aws_action("s3:PutBucketTagging")
def put_bucket_tagging(*, actor: Actor, name: str, tags: Sequence[tuple[str, str]]) -> None:
    with transaction.atomic():
        bucket = find_bucket(name, for_update=True)
        authorize_on(actor, "s3:PutBucketTagging", bucket, bucket.arn)
        bucket.tags = tag_set(_checked_bucket_tags(list(tags)))
        bucket.save(update_fields=["tags"])
        audit.record(actor, "s3:PutBucketTagging", bucket.arn)


@aws_action("s3:DeleteBucketTagging")
def delete_bucket_tagging(*, actor: Actor, name: str) -> None:
    with transaction.atomic():
        bucket = find_bucket(name, for_update=True)
        # S3 maps DeleteBucketTagging to the s3:PutBucketTagging permission.
        authorize_on(actor, "s3:PutBucketTagging", bucket, bucket.arn)
        bucket.tags = []
        bucket.save(update_fields=["tags"])
        audit.record(actor, "s3:DeleteBucketTagging", bucket.arn)
