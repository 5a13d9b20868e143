"""The practice S3's REST-XML API with real boto3 over HTTP: buckets, objects, listing,
ranges, copy, policies, tags, presigned URLs, and authorization as AWS decides it."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from typing import Any

import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from accounts.models import Principal
from domain import iam as services
from domain.iam import policies as iam_policies
from domain.kernel.actors import Actor, system_actor
from tests.api.conftest import NO_RETRIES, http


@pytest.fixture
def s3(client_for: Callable[..., Any], root_keys: tuple[str, str]) -> Any:
    return client_for(*root_keys, service="s3")


def _code(error: pytest.ExceptionInfo[ClientError]) -> str:
    return str(error.value.response["Error"]["Code"])


def _user_client(
    client_for: Callable[..., Any], actor: Actor, name: str, policy: dict[str, Any] | None = None
) -> Any:
    user = services.create_user(actor=actor, name=name)
    if policy is not None:
        iam_policies.put_user_policy(
            actor=actor, user=user, name="inline", document=json.dumps(policy)
        )
    new = services.create_access_key(actor=actor, user=user)
    return client_for(new.key.access_key_id, new.secret, service="s3")


def test_buckets_objects_and_listing(s3: Any) -> None:
    s3.create_bucket(Bucket="my-practice-bucket")
    with pytest.raises(ClientError) as again:
        s3.create_bucket(Bucket="my-practice-bucket")
    assert _code(again) == "BucketAlreadyOwnedByYou"
    with pytest.raises(ClientError) as bad:
        s3.create_bucket(Bucket="Bad_Name")
    assert _code(bad) == "InvalidBucketName"
    names = [b["Name"] for b in s3.list_buckets()["Buckets"]]
    assert names == ["my-practice-bucket"]
    assert s3.get_bucket_location(Bucket="my-practice-bucket")["LocationConstraint"] is None

    put = s3.put_object(
        Bucket="my-practice-bucket",
        Key="docs/a.txt",
        Body=b"hello world",
        ContentType="text/plain",
        Metadata={"owner": "me"},
    )
    assert put["ETag"] == '"5eb63bbbe01eeed093cb22bb8f5acdc3"'
    for key in ("docs/b.txt", "docs/sub/c.txt", "top.txt"):
        s3.put_object(Bucket="my-practice-bucket", Key=key, Body=b"x")
    got = s3.get_object(Bucket="my-practice-bucket", Key="docs/a.txt")
    assert got["Body"].read() == b"hello world"
    assert got["ContentType"] == "text/plain"
    assert got["Metadata"] == {"owner": "me"}
    part = s3.get_object(Bucket="my-practice-bucket", Key="docs/a.txt", Range="bytes=6-")
    assert part["Body"].read() == b"world"
    assert part["ContentRange"] == "bytes 6-10/11"
    head = s3.head_object(Bucket="my-practice-bucket", Key="docs/a.txt")
    assert head["ContentLength"] == 11

    top = s3.list_objects_v2(Bucket="my-practice-bucket", Delimiter="/")
    assert [o["Key"] for o in top["Contents"]] == ["top.txt"]
    assert [p["Prefix"] for p in top["CommonPrefixes"]] == ["docs/"]
    docs = s3.list_objects_v2(Bucket="my-practice-bucket", Prefix="docs/", Delimiter="/")
    assert [o["Key"] for o in docs["Contents"]] == ["docs/a.txt", "docs/b.txt"]
    assert [p["Prefix"] for p in docs["CommonPrefixes"]] == ["docs/sub/"]
    first = s3.list_objects_v2(Bucket="my-practice-bucket", MaxKeys=2)
    assert first["IsTruncated"] and first["KeyCount"] == 2
    rest = s3.list_objects_v2(
        Bucket="my-practice-bucket", ContinuationToken=first["NextContinuationToken"]
    )
    assert [o["Key"] for o in rest["Contents"]] == ["docs/sub/c.txt", "top.txt"]
    after = s3.list_objects_v2(Bucket="my-practice-bucket", StartAfter="docs/sub/c.txt")
    assert [o["Key"] for o in after["Contents"]] == ["top.txt"]
    pages = s3.get_paginator("list_objects_v2").paginate(
        Bucket="my-practice-bucket", PaginationConfig={"PageSize": 1}
    )
    assert sum(len(p.get("Contents", [])) for p in pages) == 4

    s3.copy_object(
        Bucket="my-practice-bucket",
        Key="copy.txt",
        CopySource={"Bucket": "my-practice-bucket", "Key": "docs/a.txt"},
    )
    assert s3.get_object(Bucket="my-practice-bucket", Key="copy.txt")["Body"].read() == (
        b"hello world"
    )
    with pytest.raises(ClientError) as missing:
        s3.get_object(Bucket="my-practice-bucket", Key="nope")
    assert _code(missing) == "NoSuchKey"
    with pytest.raises(ClientError) as not_empty:
        s3.delete_bucket(Bucket="my-practice-bucket")
    assert _code(not_empty) == "BucketNotEmpty"

    s3.delete_object(Bucket="my-practice-bucket", Key="copy.txt")
    result = s3.delete_objects(
        Bucket="my-practice-bucket",
        Delete={"Objects": [{"Key": k} for k in ("docs/a.txt", "docs/b.txt", "docs/sub/c.txt")]},
    )
    assert len(result["Deleted"]) == 3
    s3.delete_object(Bucket="my-practice-bucket", Key="top.txt")
    s3.delete_bucket(Bucket="my-practice-bucket")
    with pytest.raises(ClientError) as gone:
        s3.head_bucket(Bucket="my-practice-bucket")
    assert gone.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_policy_and_tagging(s3: Any) -> None:
    s3.create_bucket(Bucket="tagged-bucket")
    with pytest.raises(ClientError) as none:
        s3.get_bucket_tagging(Bucket="tagged-bucket")
    assert _code(none) == "NoSuchTagSet"
    s3.put_bucket_tagging(
        Bucket="tagged-bucket", Tagging={"TagSet": [{"Key": "team", "Value": "blue"}]}
    )
    assert s3.get_bucket_tagging(Bucket="tagged-bucket")["TagSet"] == [
        {"Key": "team", "Value": "blue"}
    ]
    s3.delete_bucket_tagging(Bucket="tagged-bucket")

    with pytest.raises(ClientError) as no_policy:
        s3.get_bucket_policy(Bucket="tagged-bucket")
    assert _code(no_policy) == "NoSuchBucketPolicy"
    with pytest.raises(ClientError) as no_principal:
        s3.put_bucket_policy(
            Bucket="tagged-bucket",
            Policy=json.dumps(
                {
                    "Version": "2012-10-17",
                    "Statement": [
                        {
                            "Effect": "Allow",
                            "Action": "s3:GetObject",
                            "Resource": "arn:aws:s3:::tagged-bucket/*",
                        }
                    ],
                }
            ),
        )
    assert _code(no_principal) == "MalformedPolicy"
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": "111122223333"},
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::tagged-bucket/*",
                }
            ],
        }
    )
    s3.put_bucket_policy(Bucket="tagged-bucket", Policy=policy)
    assert json.loads(s3.get_bucket_policy(Bucket="tagged-bucket")["Policy"]) == json.loads(policy)
    s3.delete_bucket_policy(Bucket="tagged-bucket")


def test_presigned_urls_and_unknown_bucket(
    client_for: Callable[..., Any], root_keys: tuple[str, str]
) -> None:
    # SigV4 presigned URLs (boto3's default for S3 is still the legacy SigV2 query form).
    s3 = client_for(
        *root_keys, service="s3", config=NO_RETRIES.merge(Config(signature_version="s3v4"))
    )
    s3.create_bucket(Bucket="presigned-bucket")
    put_url = s3.generate_presigned_url(
        "put_object", Params={"Bucket": "presigned-bucket", "Key": "p.txt"}, ExpiresIn=60
    )
    request = urllib.request.Request(put_url, data=b"via url", method="PUT")
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
    get_url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": "presigned-bucket", "Key": "p.txt"}, ExpiresIn=60
    )
    status, body = http(get_url)
    assert (status, body) == (200, "via url")
    status, body = http(get_url.replace("p.txt", "q.txt"))
    assert status == 403 and "<Code>SignatureDoesNotMatch</Code>" in body

    with pytest.raises(ClientError) as nul:
        s3.get_object(Bucket="presigned-bucket", Key="a\x00b")
    assert _code(nul) == "InvalidArgument", nul.value.response
    with pytest.raises(ClientError) as unknown:
        s3.list_objects_v2(Bucket="no-such-bucket-here")
    assert _code(unknown) == "NoSuchBucket"
    assert unknown.value.response["ResponseMetadata"]["HTTPStatusCode"] == 404


def test_signature_version_2_presigned_urls_as_boto3_and_aws_s3_presign_make_them(
    client_for: Callable[..., Any], root_keys: tuple[str, str]
) -> None:
    s3 = client_for(*root_keys, service="s3")  # boto3's default presigning for S3: SigV2
    s3.create_bucket(Bucket="v2-bucket")
    put_url = s3.generate_presigned_url(
        "put_object",
        Params={"Bucket": "v2-bucket", "Key": "dir/a b.txt", "ContentType": "text/plain"},
        ExpiresIn=60,
    )
    assert "AWSAccessKeyId=" in put_url and "X-Amz-Algorithm" not in put_url
    request = urllib.request.Request(
        put_url, data=b"v2 upload", method="PUT", headers={"Content-Type": "text/plain"}
    )
    with urllib.request.urlopen(request) as response:
        assert response.status == 200
    get_url = s3.generate_presigned_url(
        "get_object", Params={"Bucket": "v2-bucket", "Key": "dir/a b.txt"}, ExpiresIn=60
    )
    assert http(get_url) == (200, "v2 upload")
    status, body = http(get_url.replace("a%20b.txt", "other.txt"))
    assert status == 403 and "<Code>SignatureDoesNotMatch</Code>" in body
    expired = s3.generate_presigned_url(
        "get_object", Params={"Bucket": "v2-bucket", "Key": "dir/a b.txt"}, ExpiresIn=-10
    )
    status, body = http(expired)
    assert status == 403 and "Request has expired" in body


def test_identity_policies_decide_with_s3_condition_keys(
    client_for: Callable[..., Any], s3: Any, root_actor: Actor
) -> None:
    s3.create_bucket(Bucket="team-bucket")
    s3.put_object(Bucket="team-bucket", Key="home/alice/a.txt", Body=b"a")
    s3.put_object(Bucket="team-bucket", Key="home/bob/b.txt", Body=b"b")
    alice = _user_client(
        client_for,
        root_actor,
        "alice-s3",
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "s3:ListBucket",
                    "Resource": "arn:aws:s3:::team-bucket",
                    "Condition": {"StringLike": {"s3:prefix": "home/alice/*"}},
                },
                {
                    "Effect": "Allow",
                    "Action": "s3:GetObject",
                    "Resource": "arn:aws:s3:::team-bucket/home/alice/*",
                },
            ],
        },
    )
    listed = alice.list_objects_v2(Bucket="team-bucket", Prefix="home/alice/")
    assert [o["Key"] for o in listed["Contents"]] == ["home/alice/a.txt"]
    with pytest.raises(ClientError) as other_prefix:
        alice.list_objects_v2(Bucket="team-bucket", Prefix="home/bob/")
    assert _code(other_prefix) == "AccessDenied"
    assert alice.get_object(Bucket="team-bucket", Key="home/alice/a.txt")["Body"].read() == b"a"
    with pytest.raises(ClientError) as others:
        alice.get_object(Bucket="team-bucket", Key="home/bob/b.txt")
    assert _code(others) == "AccessDenied"
    with pytest.raises(ClientError) as listing_all:
        alice.list_buckets()
    assert _code(listing_all) == "AccessDenied"
    with pytest.raises(ClientError) as create:
        alice.create_bucket(Bucket="alice-own-bucket")
    assert _code(create) == "AccessDenied"
    assert create.value.response["ResponseMetadata"]["HTTPStatusCode"] == 403


def test_bucket_policy_same_account_alone_allows_and_cross_account_needs_both(
    client_for: Callable[..., Any], s3: Any, root_actor: Actor, outsider: Principal
) -> None:
    s3.create_bucket(Bucket="shared-bucket")
    s3.put_object(Bucket="shared-bucket", Key="report.csv", Body=b"1,2,3")
    reader = _user_client(client_for, root_actor, "no-policies")
    other_actor = system_actor(outsider)
    other = _user_client(
        client_for,
        other_actor,
        "partner",
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}],
        },
    )
    other_idle = _user_client(client_for, other_actor, "partner-no-policy")
    with pytest.raises(ClientError) as before:
        other.get_object(Bucket="shared-bucket", Key="report.csv")
    assert _code(before) == "AccessDenied"

    owner_id = root_actor.account.id
    s3.put_bucket_policy(
        Bucket="shared-bucket",
        Policy=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Principal": {
                            "AWS": [
                                f"arn:aws:iam::{owner_id}:user/no-policies",
                                outsider.account_id,
                            ]
                        },
                        "Action": "s3:GetObject",
                        "Resource": "arn:aws:s3:::shared-bucket/*",
                    }
                ],
            }
        ),
    )
    # Same account: the bucket policy naming the user is enough.
    assert reader.get_object(Bucket="shared-bucket", Key="report.csv")["Body"].read() == b"1,2,3"
    # Another account: its identity policy and the bucket policy both allow.
    assert other.get_object(Bucket="shared-bucket", Key="report.csv")["Body"].read() == b"1,2,3"
    with pytest.raises(ClientError) as idle:
        other_idle.get_object(Bucket="shared-bucket", Key="report.csv")
    assert _code(idle) == "AccessDenied"
    with pytest.raises(ClientError) as writing:
        other.put_object(Bucket="shared-bucket", Key="x", Body=b"x")
    assert _code(writing) == "AccessDenied"
    with pytest.raises(ClientError) as taken:
        other.create_bucket(Bucket="shared-bucket")
    assert _code(taken) in ("BucketAlreadyExists", "AccessDenied")


def test_create_bucket_location_constraint_must_match_the_signed_region(
    client_for: Callable[..., Any], root_keys: tuple[str, str], s3: Any
) -> None:
    ireland = client_for(*root_keys, service="s3", region_name="eu-west-1")
    with pytest.raises(ClientError) as unspecified:
        ireland.create_bucket(Bucket="no-constraint-bucket")
    assert _code(unspecified) == "IllegalLocationConstraintException"
    assert unspecified.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400
    assert unspecified.value.response["Error"]["Message"] == (
        "The unspecified location constraint is incompatible for the region specific "
        "endpoint this request was sent to."
    )
    with pytest.raises(ClientError) as other:
        ireland.create_bucket(
            Bucket="frankfurt-bucket",
            CreateBucketConfiguration={"LocationConstraint": "eu-central-1"},
        )
    assert _code(other) == "IllegalLocationConstraintException"
    assert other.value.response["Error"]["Message"].startswith(
        "The eu-central-1 location constraint is incompatible"
    )
    with pytest.raises(ClientError) as named_us_east_1:
        s3.create_bucket(
            Bucket="virginia-bucket", CreateBucketConfiguration={"LocationConstraint": "us-east-1"}
        )
    assert _code(named_us_east_1) == "InvalidLocationConstraint"
    assert s3.list_buckets()["Buckets"] == []
    ireland.create_bucket(
        Bucket="ireland-bucket", CreateBucketConfiguration={"LocationConstraint": "eu-west-1"}
    )
    location = ireland.get_bucket_location(Bucket="ireland-bucket")
    assert location["LocationConstraint"] == "eu-west-1"
