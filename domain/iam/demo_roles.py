"""The demo's role and customer managed policy (issue 5): an EC2 role with its instance
profile, and a policy with two versions so the Policy versions tab has a history."""

from __future__ import annotations

import json

from domain import iam as services
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor
from policies.models import ManagedPolicy, PolicyVersion
from policies.sync import sync_managed_policies

EC2_ROLE = "EC2-S3-Access"
READ_ONLY_POLICY = "S3BucketReadOnly"
BUCKET = "arn:aws:s3:::demo-reports"


def _document(actions: list[str]) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "ReadReports",
                    "Effect": "Allow",
                    "Action": actions,
                    "Resource": [BUCKET, f"{BUCKET}/*"],
                }
            ],
        },
        indent=4,
    )


def _aws_policy(name: str) -> ManagedPolicy:
    policy = ManagedPolicy.objects.filter(account=None, name=name).first()
    if policy is None:  # a flushed test database: load the catalogue again
        sync_managed_policies(ManagedPolicy, PolicyVersion)
        policy = ManagedPolicy.objects.get(account=None, name=name)
    return policy


def load(actor: Actor) -> None:
    services.create_role_with_permissions(
        actor=actor,
        name=EC2_ROLE,
        description="Allows EC2 instances to call Amazon S3 on your behalf.",
        trust_policy=services.service_trust_policy("ec2"),
        policies=[_aws_policy("AmazonS3FullAccess")],
        instance_profile=True,
    )
    policy = policy_services.create_policy(
        actor=actor,
        name=READ_ONLY_POLICY,
        description="Read the demo-reports bucket.",
        document=_document(["s3:GetObject", "s3:ListBucket"]),
    )
    policy_services.create_policy_version(
        actor=actor,
        policy=policy,
        document=_document(["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"]),
    )
