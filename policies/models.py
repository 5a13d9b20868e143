"""Managed policies (AWS managed and customer managed), their versions, attachments and
inline policies."""

from __future__ import annotations

from django.db import models
from django.db.models.functions import Lower

from accounts.models import Account, Group, Principal, Role

AWS_POLICY_ARN_PREFIX = "arn:aws:iam::aws:policy"


class ManagedPolicy(models.Model):
    """A managed policy. `account` is None for AWS managed policies."""

    account = models.ForeignKey(
        Account, on_delete=models.CASCADE, null=True, blank=True, related_name="policies"
    )
    name = models.CharField(max_length=128)
    path = models.CharField(max_length=512, default="/")
    unique_id = models.CharField(max_length=128, unique=True)
    description = models.CharField(max_length=1000, blank=True)
    job_function = models.BooleanField(default=False)
    created_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    # Customer managed policies only: [{"Key": ..., "Value": ...}], keys case-sensitive.
    tags = models.JSONField(default=list, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                "account", Lower("name"), name="policy_name_unique_per_account_ci"
            ),
            models.UniqueConstraint(
                Lower("name"),
                condition=models.Q(account__isnull=True),
                name="aws_policy_name_unique_ci",
            ),
        ]
        indexes = [models.Index(Lower("name"), name="policy_lower_name_idx")]

    def __str__(self) -> str:
        return self.name

    @property
    def is_aws_managed(self) -> bool:
        return self.account_id is None

    @property
    def arn(self) -> str:
        if self.account_id is None:
            return f"{AWS_POLICY_ARN_PREFIX}{self.path}{self.name}"
        return f"arn:aws:iam::{self.account_id}:policy{self.path}{self.name}"

    @property
    def type_label(self) -> str:
        if self.account_id is not None:
            return "Customer managed"
        return "AWS managed - job function" if self.job_function else "AWS managed"


class PolicyVersion(models.Model):
    """One version (v1, v2, ...) of a managed policy; exactly one is the default."""

    policy = models.ForeignKey(ManagedPolicy, on_delete=models.CASCADE, related_name="versions")
    version_id = models.CharField(max_length=16)
    document = models.TextField()
    is_default = models.BooleanField(default=False)
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint("policy", "version_id", name="policy_version_unique"),
            models.UniqueConstraint(
                "policy", condition=models.Q(is_default=True), name="one_default_version"
            ),
        ]
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.policy_id} {self.version_id}"


class PolicyAttachment(models.Model):
    """A managed policy attached to exactly one user, group or role."""

    policy = models.ForeignKey(ManagedPolicy, on_delete=models.CASCADE, related_name="attachments")
    user = models.ForeignKey(
        Principal, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, null=True, blank=True, related_name="attachments"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, group__isnull=True, role__isnull=True)
                    | models.Q(user__isnull=True, group__isnull=False, role__isnull=True)
                    | models.Q(user__isnull=True, group__isnull=True, role__isnull=False)
                ),
                name="attachment_has_one_target",
            ),
            models.UniqueConstraint("policy", "user", name="attachment_unique_user"),
            models.UniqueConstraint("policy", "group", name="attachment_unique_group"),
            models.UniqueConstraint("policy", "role", name="attachment_unique_role"),
        ]

    def __str__(self) -> str:
        return f"{self.policy_id} -> {self.user_id or self.group_id or self.role_id}"


class InlinePolicy(models.Model):
    """A policy embedded in one user, group or role."""

    name = models.CharField(max_length=128)
    document = models.TextField()
    user = models.ForeignKey(
        Principal, on_delete=models.CASCADE, null=True, blank=True, related_name="inline_policies"
    )
    group = models.ForeignKey(
        Group, on_delete=models.CASCADE, null=True, blank=True, related_name="inline_policies"
    )
    role = models.ForeignKey(
        Role, on_delete=models.CASCADE, null=True, blank=True, related_name="inline_policies"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(user__isnull=False, group__isnull=True, role__isnull=True)
                    | models.Q(user__isnull=True, group__isnull=False, role__isnull=True)
                    | models.Q(user__isnull=True, group__isnull=True, role__isnull=False)
                ),
                name="inline_policy_has_one_target",
            ),
            models.UniqueConstraint("user", "name", name="inline_unique_user"),
            models.UniqueConstraint("group", "name", name="inline_unique_group"),
            models.UniqueConstraint("role", "name", name="inline_unique_role"),
        ]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
