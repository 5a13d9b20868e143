"""EC2 instances: one row per instance, in one account and region."""

from __future__ import annotations

from django.db import models

from accounts.models import Account, InstanceProfile, TemporaryCredential
from ec2 import ids, states


class Instance(models.Model):
    """An instance as DescribeInstances shows it.

    `state` is the last state a call set and `state_since` when; a transition state
    (pending, stopping, shutting-down) moves on by time when read (ec2.states.current).
    `metadata_secret` is the path segment of the instance's metadata endpoint
    (/ec2-imds/<secret>/); the role credentials served there are `imds_credential`, whose
    session token is kept encrypted here so the endpoint can serve it again until rotation.
    """

    instance_id = models.CharField(max_length=19, unique=True)
    reservation_id = models.CharField(max_length=19)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="ec2_instances")
    region = models.CharField(max_length=32)
    availability_zone = models.CharField(max_length=40)
    image_id = models.CharField(max_length=32)
    instance_type = models.CharField(max_length=32)
    key_name = models.CharField(max_length=255, blank=True)
    state = models.CharField(max_length=16, default=states.PENDING)
    state_since = models.DateTimeField()
    state_reason = models.CharField(max_length=255, blank=True)
    launch_time = models.DateTimeField()
    private_ip = models.CharField(max_length=15)
    public_ip = models.CharField(max_length=15, blank=True)
    # [{"Key": ..., "Value": ...}], in the order they were added.
    tags = models.JSONField(default=list, blank=True)
    instance_profile = models.ForeignKey(
        InstanceProfile,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ec2_instances",
    )
    association_id = models.CharField(max_length=27, blank=True)
    metadata_secret = models.CharField(max_length=64, unique=True)
    imds_credential = models.ForeignKey(
        TemporaryCredential, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    imds_token_encrypted = models.TextField(blank=True)
    launched_by = models.CharField(max_length=2048, blank=True)

    class Meta:
        indexes = [models.Index(fields=["account", "region", "instance_id"])]

    def __str__(self) -> str:
        return self.instance_id

    @property
    def arn(self) -> str:
        return ids.instance_arn(self.region, self.account_id, self.instance_id)

    def tag_dict(self) -> dict[str, str]:
        return {tag["Key"]: tag["Value"] for tag in self.tags}

    @property
    def name(self) -> str:
        return self.tag_dict().get("Name", "")
