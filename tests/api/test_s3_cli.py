"""The real AWS CLI's high-level S3 commands against the live server: mb, cp both ways (a
file over 8 MB goes up in parts and comes down in ranges), ls, rm; and a user of another
account reading through a bucket policy."""

from __future__ import annotations

import json
import os
from pathlib import Path

from pytest_django.live_server_helper import LiveServer

from accounts.models import Principal
from domain import iam as services
from domain import s3
from domain.iam import policies as iam_policies
from domain.kernel.actors import Actor, system_actor
from tests.api.test_aws_cli import aws, write_profile


def one_request_at_a_time(tmp_path: Path, profile: str) -> None:
    """The CLI's transfers run 10 requests at once; the test server's threads share one
    in-memory SQLite connection, which is not safe to use from threads at once."""
    with (tmp_path / "config").open("a") as f:
        f.write(f"[profile {profile}]\ns3 =\n    max_concurrent_requests = 1\n")


def test_mb_cp_ls_rm_with_the_real_cli(
    tmp_path: Path, live_server: LiveServer, root_keys: tuple[str, str]
) -> None:
    endpoint = live_server.url
    write_profile(tmp_path, "root", *root_keys)
    one_request_at_a_time(tmp_path, "root")
    made = aws(tmp_path, endpoint, "root", "s3", "mb", "s3://cli-bucket")
    assert made.returncode == 0, made.stderr
    assert "make_bucket: cli-bucket" in made.stdout

    small = tmp_path / "small.txt"
    small.write_text("hello from the cli\n")
    large = tmp_path / "large.bin"
    large.write_bytes(os.urandom(9 * 1024 * 1024))
    for path in (small, large):
        up = aws(
            tmp_path, endpoint, "root", "s3", "cp", str(path), f"s3://cli-bucket/in/{path.name}"
        )
        assert up.returncode == 0, up.stderr

    listed = aws(tmp_path, endpoint, "root", "s3", "ls", "s3://cli-bucket/in/")
    assert listed.returncode == 0, listed.stderr
    assert "small.txt" in listed.stdout and "large.bin" in listed.stdout
    assert str(9 * 1024 * 1024) in listed.stdout
    buckets = aws(tmp_path, endpoint, "root", "s3", "ls")
    assert "cli-bucket" in buckets.stdout

    back = tmp_path / "back"
    back.mkdir()
    for name in ("small.txt", "large.bin"):
        down = aws(
            tmp_path, endpoint, "root", "s3", "cp", f"s3://cli-bucket/in/{name}", str(back / name)
        )
        assert down.returncode == 0, down.stderr
        assert (back / name).read_bytes() == (tmp_path / name).read_bytes()

    removed = aws(tmp_path, endpoint, "root", "s3", "rm", "s3://cli-bucket/in/small.txt")
    assert removed.returncode == 0, removed.stderr
    left = aws(tmp_path, endpoint, "root", "s3", "ls", "s3://cli-bucket/in/")
    assert "small.txt" not in left.stdout and "large.bin" in left.stdout
    refused = aws(tmp_path, endpoint, "root", "s3", "rb", "s3://cli-bucket")
    assert refused.returncode != 0 and "BucketNotEmpty" in refused.stderr


def test_another_accounts_user_reads_through_the_bucket_policy(
    tmp_path: Path, live_server: LiveServer, root_actor: Actor, outsider: Principal
) -> None:
    s3.create_bucket(actor=root_actor, name="shared-by-policy")
    s3.put_object(actor=root_actor, bucket_name="shared-by-policy", key="notes.txt", body=b"shared")
    partner_actor = system_actor(outsider)
    user = services.create_user(actor=partner_actor, name="reader")
    iam_policies.put_user_policy(
        actor=partner_actor,
        user=user,
        name="read-s3",
        document=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": ["s3:GetObject", "s3:ListBucket"],
                        "Resource": "*",
                    }
                ],
            }
        ),
    )
    key = services.create_access_key(actor=partner_actor, user=user)
    write_profile(tmp_path, "partner", key.key.access_key_id, key.secret)
    target = tmp_path / "notes.txt"

    denied = aws(
        tmp_path,
        live_server.url,
        "partner",
        "s3",
        "cp",
        "s3://shared-by-policy/notes.txt",
        str(target),
    )
    assert denied.returncode != 0 and "403" in denied.stderr

    s3.put_bucket_policy(
        actor=root_actor,
        name="shared-by-policy",
        policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {"AWS": f"arn:aws:iam::{outsider.account_id}:user/reader"},
                        "Action": ["s3:GetObject", "s3:ListBucket"],
                        "Resource": [
                            "arn:aws:s3:::shared-by-policy",
                            "arn:aws:s3:::shared-by-policy/*",
                        ],
                    }
                ],
            }
        ),
    )
    listed = aws(tmp_path, live_server.url, "partner", "s3", "ls", "s3://shared-by-policy")
    assert listed.returncode == 0, listed.stderr
    assert "notes.txt" in listed.stdout
    read = aws(
        tmp_path,
        live_server.url,
        "partner",
        "s3",
        "cp",
        "s3://shared-by-policy/notes.txt",
        str(target),
    )
    assert read.returncode == 0, read.stderr
    assert target.read_bytes() == b"shared"
