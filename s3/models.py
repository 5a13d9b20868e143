"""Buckets (names global across the installation, as in AWS) and their objects.

An object's bytes are stored through Django's storage API (`s3.storage.object_storage()`),
under a name of its own; the row holds what S3 reports about it (size, ETag, type, metadata,
tags, last modified).
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from accounts.models import Account

OBJECT_OWNERSHIP_ENFORCED = "BucketOwnerEnforced"


class Bucket(models.Model):
    name = models.CharField(max_length=63, unique=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="buckets")
    region = models.CharField(max_length=32, default="us-east-1")
    created_at = models.DateTimeField(default=timezone.now)
    tags = models.JSONField(default=list, blank=True)
    policy = models.TextField(blank=True, default="")
    # Block Public Access: all four settings on, as every new bucket has them.
    block_public_acls = models.BooleanField(default=True)
    ignore_public_acls = models.BooleanField(default=True)
    block_public_policy = models.BooleanField(default=True)
    restrict_public_buckets = models.BooleanField(default=True)
    object_ownership = models.CharField(max_length=32, default=OBJECT_OWNERSHIP_ENFORCED)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def arn(self) -> str:
        return f"arn:aws:s3:::{self.name}"


class S3Object(models.Model):
    bucket = models.ForeignKey(Bucket, on_delete=models.CASCADE, related_name="contents")
    key = models.CharField(max_length=1024)
    size = models.BigIntegerField(default=0)
    etag = models.CharField(max_length=64)  # with its quotes, as S3 sends it
    content_type = models.CharField(max_length=255, default="binary/octet-stream")
    metadata = models.JSONField(default=dict, blank=True)
    tags = models.JSONField(default=list, blank=True)
    last_modified = models.DateTimeField(default=timezone.now)
    storage_name = models.CharField(max_length=255)

    class Meta:
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["bucket", "key"], name="s3_object_unique_key")
        ]

    def __str__(self) -> str:
        return f"{self.bucket_id}/{self.key}"

    @property
    def arn(self) -> str:
        return f"arn:aws:s3:::{self.bucket.name}/{self.key}"


class MultipartUpload(models.Model):
    """An upload in parts (CreateMultipartUpload until Complete or Abort)."""

    upload_id = models.CharField(max_length=64, unique=True)
    bucket = models.ForeignKey(Bucket, on_delete=models.CASCADE, related_name="uploads")
    key = models.CharField(max_length=1024)
    initiator_arn = models.CharField(max_length=2048)
    content_type = models.CharField(max_length=255, default="binary/octet-stream")
    metadata = models.JSONField(default=dict, blank=True)
    tags = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return self.upload_id


class UploadPart(models.Model):
    upload = models.ForeignKey(MultipartUpload, on_delete=models.CASCADE, related_name="parts")
    number = models.PositiveIntegerField()
    size = models.BigIntegerField()
    etag = models.CharField(max_length=64)
    storage_name = models.CharField(max_length=255)

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(fields=["upload", "number"], name="s3_upload_part_unique")
        ]

    def __str__(self) -> str:
        return f"{self.upload_id}#{self.number}"
