"""The demo account's bucket: `demo-reports` (the bucket the demo's S3BucketReadOnly policy
and EC2-S3-Access role read), a few objects, tags, and a bucket policy that lets the Audit
Team's users read it (the bucket policy alone allows, as for any same-account principal it
names)."""

from __future__ import annotations

import json

from accounts.models import Account, Principal
from domain.kernel.actors import system_actor
from domain.s3.buckets import create_bucket, put_bucket_policy, put_bucket_tagging
from domain.s3.objects import put_object
from s3.models import Bucket

BUCKET = "demo-reports"
OBJECTS = {
    "reports/2026/q1.csv": b"quarter,revenue\nQ1,1200\n",
    "reports/2026/q2.csv": b"quarter,revenue\nQ2,1350\n",
    "README.txt": b"Reports of the demo organisation.\n",
}
READERS = ("Charles", "Lucas")  # the Audit Team


def policy(account_id: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AuditTeamReads",
                    "Effect": "Allow",
                    "Principal": {
                        "AWS": [f"arn:aws:iam::{account_id}:user/{name}" for name in READERS]
                    },
                    "Action": ["s3:GetObject", "s3:ListBucket"],
                    "Resource": [f"arn:aws:s3:::{BUCKET}", f"arn:aws:s3:::{BUCKET}/*"],
                }
            ],
        },
        indent=4,
    )


def load(account: Account) -> bool:
    """Creates the demo bucket once (False when its name is already taken)."""
    if Bucket.objects.filter(name=BUCKET).exists():
        return False
    root = Principal.objects.get(account=account, kind=Principal.Kind.ROOT)
    actor = system_actor(root)
    create_bucket(actor=actor, name=BUCKET)
    put_bucket_tagging(actor=actor, name=BUCKET, tags=[("Project", "demo")])
    for key, body in OBJECTS.items():
        put_object(actor=actor, bucket_name=BUCKET, key=key, body=body, content_type="text/plain")
    put_bucket_policy(actor=actor, name=BUCKET, policy=policy(account.id))
    return True
