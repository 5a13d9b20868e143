"""EC2's resource IDs: a prefix and 17 lower-case hex digits (i-0123456789abcdef0)."""

from __future__ import annotations

import re
import secrets

INSTANCE_PREFIX = "i-"
ASSOCIATION_PREFIX = "iip-assoc-"
RESERVATION_PREFIX = "r-"

INSTANCE_ID = re.compile(r"i-[0-9a-f]{8}([0-9a-f]{9})?")
ASSOCIATION_ID = re.compile(r"iip-assoc-[0-9a-f]{17}")


def resource_id(prefix: str) -> str:
    return prefix + secrets.token_hex(9)[:17]


def metadata_secret() -> str:
    """The per-instance secret in the metadata endpoint's path."""
    return secrets.token_urlsafe(24)


def instance_arn(region: str, account_id: str, instance_id: str) -> str:
    return f"arn:aws:ec2:{region}:{account_id}:instance/{instance_id}"


def image_arn(region: str, image_id: str) -> str:
    """Public images are owned by no account in their ARN (arn:aws:ec2:<region>::image/<id>)."""
    return f"arn:aws:ec2:{region}::image/{image_id}"
