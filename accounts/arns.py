"""ARNs of IAM entities, in AWS's formats."""

from __future__ import annotations

PARTITION = "aws"


def root_arn(account_id: str) -> str:
    return f"arn:{PARTITION}:iam::{account_id}:root"


def iam_arn(account_id: str, resource_type: str, path: str, name: str) -> str:
    """arn:aws:iam::ACCOUNT:TYPE/PATH/NAME (the path includes its slashes)."""
    return f"arn:{PARTITION}:iam::{account_id}:{resource_type}{path}{name}"


def user_arn(account_id: str, name: str, path: str = "/") -> str:
    return iam_arn(account_id, "user", path, name)


def group_arn(account_id: str, name: str, path: str = "/") -> str:
    return iam_arn(account_id, "group", path, name)


def account_wildcard(account_id: str, resource_type: str) -> str:
    """arn:aws:iam::ACCOUNT:TYPE/* — the resource of list actions such as iam:ListUsers."""
    return f"arn:{PARTITION}:iam::{account_id}:{resource_type}/*"
