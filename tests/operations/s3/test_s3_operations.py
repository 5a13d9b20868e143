"""domain.s3 called with an actor: naming rules, global names, limits, listing, and the
authorization rules of a bucket policy (same account union, cross account both sides, the
owner's root always, another root only by the policy, condition keys)."""

from __future__ import annotations

import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from pytest_django import Settings

from accounts.models import Principal
from domain import iam as services
from domain import s3
from domain.iam import demo
from domain.iam import policies as iam_policies
from domain.kernel.actors import Actor, system_actor
from domain.kernel.errors import (
    AccessDenied,
    BucketAlreadyExists,
    EntityTooLarge,
    InvalidBucketName,
    InvalidRange,
    MalformedPolicy,
    NoSuchBucket,
)
from domain.s3 import demo as s3_demo
from s3.models import Bucket


def _policy(*statements: dict[str, Any]) -> str:
    return json.dumps({"Version": "2012-10-17", "Statement": list(statements)})


def _user(actor: Actor, name: str, *statements: dict[str, Any]) -> Actor:
    user = services.create_user(actor=actor, name=name)
    if statements:
        iam_policies.put_user_policy(
            actor=actor, user=user, name="inline", document=_policy(*statements)
        )
    return system_actor(user)


@pytest.mark.parametrize(
    ("name", "rule"),
    [
        ("ab", InvalidBucketName.LENGTH),
        ("a" * 64, InvalidBucketName.LENGTH),
        ("Upper", InvalidBucketName.CHARACTERS),
        ("under_score", InvalidBucketName.CHARACTERS),
        ("-edge", InvalidBucketName.EDGES),
        ("two..dots", InvalidBucketName.ADJACENT_PERIODS),
        ("192.168.5.4", InvalidBucketName.IP_ADDRESS),
        ("xn--bucket", "Bucket name must not start with the prefix 'xn--'."),
        ("bucket-s3alias", "Bucket name must not end with the suffix '-s3alias'."),
    ],
)
def test_bucket_naming_rules(root_actor: Actor, name: str, rule: str) -> None:
    with pytest.raises(InvalidBucketName) as error:
        s3.create_bucket(actor=root_actor, name=name)
    assert error.value.message == rule and error.value.field == "name"
    assert not Bucket.objects.exists()


def test_names_are_global(root_actor: Actor, outsider: Principal) -> None:
    s3.create_bucket(actor=root_actor, name="global-name")
    with pytest.raises(BucketAlreadyExists):
        s3.create_bucket(actor=system_actor(outsider), name="global-name")
    assert s3.list_buckets(system_actor(outsider)) == []


def test_size_limits_are_configurable_and_shown(root_actor: Actor, settings: Settings) -> None:
    settings.S3_MAX_OBJECT_BYTES = 10
    settings.S3_MAX_ACCOUNT_BYTES = 15
    s3.create_bucket(actor=root_actor, name="limited")
    with pytest.raises(EntityTooLarge) as big:
        s3.put_object(actor=root_actor, bucket_name="limited", key="k", body=b"x" * 11)
    assert "object size limit of 10 bytes" in big.value.message
    s3.put_object(actor=root_actor, bucket_name="limited", key="a", body=b"x" * 10)
    s3.put_object(actor=root_actor, bucket_name="limited", key="a", body=b"y" * 10)  # replaces
    with pytest.raises(EntityTooLarge) as full:
        s3.put_object(actor=root_actor, bucket_name="limited", key="b", body=b"x" * 6)
    assert "per-account storage limit is 15 bytes" in full.value.message


def test_ranges(root_actor: Actor) -> None:
    s3.create_bucket(actor=root_actor, name="ranges")
    s3.put_object(actor=root_actor, bucket_name="ranges", key="k", body=b"0123456789")
    assert s3.get_object(root_actor, "ranges", "k", range_header="bytes=2-4").body == b"234"
    assert s3.get_object(root_actor, "ranges", "k", range_header="bytes=-3").body == b"789"
    assert s3.get_object(root_actor, "ranges", "k", range_header="bytes=8-100").range == (
        8,
        9,
        10,
    )
    with pytest.raises(InvalidRange):
        s3.get_object(root_actor, "ranges", "k", range_header="bytes=10-")


def test_listing_pages_through_common_prefixes(root_actor: Actor) -> None:
    s3.create_bucket(actor=root_actor, name="pages")
    for key in ("a/1", "a/2", "b/1", "c", "d/1"):
        s3.put_object(actor=root_actor, bucket_name="pages", key=key, body=b"")
    seen: list[str] = []
    token = ""
    while True:
        page = s3.list_objects_v2(
            root_actor, "pages", delimiter="/", max_keys=1, continuation_token=token
        )
        seen += page.common_prefixes + [o.key for o in page.contents]
        if not page.truncated:
            break
        token = page.next_token
    assert seen == ["a/", "b/", "c", "d/"]
    # Inside a folder, its own marker object ("a/") does not hide the keys after it.
    s3.put_object(actor=root_actor, bucket_name="pages", key="a/", body=b"")
    first = s3.list_objects_v2(root_actor, "pages", prefix="a/", delimiter="/", max_keys=1)
    assert [o.key for o in first.contents] == ["a/"]
    rest = s3.list_objects_v2(
        root_actor, "pages", prefix="a/", delimiter="/", continuation_token=first.next_token
    )
    assert [o.key for o in rest.contents] == ["a/1", "a/2"]


def test_bucket_policy_must_be_a_resource_policy_for_this_bucket(root_actor: Actor) -> None:
    s3.create_bucket(actor=root_actor, name="strict")
    statement = {"Effect": "Allow", "Action": "s3:GetObject", "Principal": "*"}
    with pytest.raises(MalformedPolicy) as other:
        s3.put_bucket_policy(
            actor=root_actor,
            name="strict",
            policy=_policy(statement | {"Resource": "arn:aws:s3:::another/*"}),
        )
    assert other.value.message == "Policy has invalid resource"
    with pytest.raises(MalformedPolicy) as broken:
        s3.put_bucket_policy(actor=root_actor, name="strict", policy='{"Version": "2012-10-17",}')
    assert "line 1" in broken.value.message


def test_cross_account_root_is_limited_by_the_bucket_policy(
    root_actor: Actor, outsider: Principal
) -> None:
    s3.create_bucket(actor=root_actor, name="owned")
    s3.put_object(actor=root_actor, bucket_name="owned", key="k", body=b"v")
    other_root = system_actor(outsider)
    with pytest.raises(AccessDenied) as denied:
        s3.get_object(other_root, "owned", "k")
    assert "no resource-based policy allows the s3:GetObject action" in denied.value.message
    s3.put_bucket_policy(
        actor=root_actor,
        name="owned",
        policy=_policy(
            {
                "Effect": "Allow",
                "Principal": {"AWS": outsider.account_id},
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::owned/*",
            }
        ),
    )
    assert s3.get_object(other_root, "owned", "k").body == b"v"
    with pytest.raises(AccessDenied):
        s3.delete_object(actor=other_root, bucket_name="owned", key="k")
    with pytest.raises(NoSuchBucket):
        s3.get_object(other_root, "not-there", "k")


def test_explicit_deny_in_the_bucket_policy_and_condition_keys(root_actor: Actor) -> None:
    s3.create_bucket(actor=root_actor, name="guarded")
    s3.put_object(
        actor=root_actor, bucket_name="guarded", key="open", body=b"o", tags=[("class", "open")]
    )
    s3.put_object(
        actor=root_actor,
        bucket_name="guarded",
        key="secret",
        body=b"s",
        tags=[("class", "secret")],
    )
    reader = _user(
        root_actor,
        "reader",
        {"Effect": "Allow", "Action": "s3:*", "Resource": "*"},
    )
    s3.put_bucket_policy(
        actor=root_actor,
        name="guarded",
        policy=_policy(
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:GetObject",
                "Resource": "arn:aws:s3:::guarded/*",
                "Condition": {"StringEquals": {"s3:ExistingObjectTag/class": "secret"}},
            },
            {
                "Effect": "Deny",
                "Principal": "*",
                "Action": "s3:*",
                "Resource": ["arn:aws:s3:::guarded", "arn:aws:s3:::guarded/*"],
                "Condition": {"NotIpAddress": {"aws:SourceIp": "10.0.0.0/8"}},
            },
        ),
    )
    inside = Actor(principal=reader.principal, source_ip="10.1.2.3", via="api")
    assert s3.get_object(inside, "guarded", "open").body == b"o"
    with pytest.raises(AccessDenied):
        s3.get_object(inside, "guarded", "secret")
    outside = Actor(principal=reader.principal, source_ip="192.0.2.1", via="api")
    with pytest.raises(AccessDenied):
        s3.get_object(outside, "guarded", "open")
    # The owner's root is always allowed.
    assert s3.get_object(root_actor, "guarded", "secret").body == b"s"


def test_demo_has_a_bucket_with_a_policy(
    db: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(demo, "ROOT_PASSWORD_FILE", tmp_path / "demo-root-password")
    out = StringIO()
    call_command("demo", stdout=out)
    assert "S3 bucket demo-reports" in out.getvalue()
    bucket = Bucket.objects.get(name=s3_demo.BUCKET)
    assert "AuditTeamReads" in bucket.policy
    charles = Principal.objects.get(account_id=demo.DEMO_ACCOUNT_ID, name="Charles")
    listing = s3.list_objects_v2(system_actor(charles), s3_demo.BUCKET, prefix="reports/")
    assert [o.key for o in listing.contents] == ["reports/2026/q1.csv", "reports/2026/q2.csv"]
