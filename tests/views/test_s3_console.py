"""The S3 console with the test client: buckets, objects and folders, the bucket policy
editor's errors, tags, deleting a bucket, and S3's wording for denials."""

from __future__ import annotations

import html
import json

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounts.models import Principal
from domain import s3
from domain.iam.policies import attach_user_policy
from domain.kernel.actors import Actor
from policies.models import ManagedPolicy
from s3.models import Bucket, S3Object


def test_create_bucket_with_naming_errors_beside_the_field(root_client: Client) -> None:
    page = root_client.post("/s3/create/", {"name": "ab", "region": "us-east-1"})
    assert page.status_code == 200
    assert "Bucket name must be between 3 and 63 characters long." in page.content.decode()
    page = root_client.post("/s3/create/", {"name": "My_Bucket", "region": "us-east-1"})
    assert "can contain only lowercase letters" in page.content.decode()
    done = root_client.post("/s3/create/", {"name": "console-bucket", "region": "eu-west-1"})
    assert done["Location"] == "/s3/"
    listing = root_client.get("/s3/").content.decode()
    assert "console-bucket" in listing and "eu-west-1" in listing
    again = root_client.post("/s3/create/", {"name": "console-bucket", "region": "us-east-1"})
    assert "you already own it" in again.content.decode()


def test_objects_folders_upload_download_delete(root_client: Client, root_actor: Actor) -> None:
    s3.create_bucket(actor=root_actor, name="files-bucket")
    root_client.post("/s3/buckets/files-bucket/folder/", {"folder": "reports", "prefix": ""})
    upload = SimpleUploadedFile("q1.csv", b"a,b\n1,2\n", content_type="text/csv")
    root_client.post("/s3/buckets/files-bucket/upload/", {"file": upload, "prefix": "reports/"})
    root_client.get("/s3/buckets/files-bucket/")  # shows (and clears) the flash messages
    top = root_client.get("/s3/buckets/files-bucket/").content.decode()
    assert "reports/" in top and "q1.csv" not in top
    inside = root_client.get("/s3/buckets/files-bucket/?prefix=reports/").content.decode()
    assert "q1.csv" in inside
    got = root_client.get("/s3/buckets/files-bucket/download/reports/q1.csv")
    assert got.content == b"a,b\n1,2\n"
    assert 'filename="q1.csv"' in got["Content-Disposition"]
    refused = root_client.post("/s3/buckets/files-bucket/delete/", {"confirm": "files-bucket"})
    assert "The bucket you tried to delete is not empty" in refused.content.decode()
    root_client.post(
        "/s3/buckets/files-bucket/delete-objects/",
        {
            "keys": ["reports/q1.csv", "reports/"],
            "prefix": "reports/",
            "confirm": "permanently delete",
        },
    )
    assert not S3Object.objects.filter(bucket__name="files-bucket").exists()
    wrong = root_client.post("/s3/buckets/files-bucket/delete/", {"confirm": "nope"})
    assert "Enter files-bucket to confirm deletion." in wrong.content.decode()
    gone = root_client.post("/s3/buckets/files-bucket/delete/", {"confirm": "files-bucket"})
    assert gone["Location"] == "/s3/"
    assert not Bucket.objects.filter(name="files-bucket").exists()


def test_deleting_a_folder_deletes_every_object_under_it_after_confirmation(
    root_client: Client, alice_client: Client, root_actor: Actor
) -> None:
    s3.create_bucket(actor=root_actor, name="folder-bucket")
    for key in ("logs/", "logs/a.txt", "logs/2026/b.txt", "logs-old.txt", "top.txt"):
        s3.put_object(actor=root_actor, bucket_name="folder-bucket", key=key, body=b"x")
    listing = root_client.get("/s3/buckets/folder-bucket/").content.decode()
    assert 'name="folders" value="logs/"' in listing
    url = "/s3/buckets/folder-bucket/delete-objects/"
    selected = {"folders": ["logs/"], "keys": ["top.txt"], "prefix": ""}
    page = root_client.post(url, selected)
    text = page.content.decode()
    assert page.status_code == 200 and "Delete objects" in text
    assert "4 objects will be permanently deleted." in text  # three under logs/, and top.txt
    assert "permanently delete" in text
    assert S3Object.objects.filter(bucket__name="folder-bucket").count() == 5
    wrong = root_client.post(url, selected | {"confirm": "delete"})
    assert wrong.status_code == 400
    assert "Enter permanently delete to confirm deletion." in wrong.content.decode()
    assert S3Object.objects.filter(bucket__name="folder-bucket").count() == 5
    done = root_client.post(url, selected | {"confirm": "permanently delete"})
    assert done["Location"] == "/s3/buckets/folder-bucket/"
    left = S3Object.objects.filter(bucket__name="folder-bucket").values_list("key", flat=True)
    assert list(left) == ["logs-old.txt"]
    assert "Successfully deleted 4 object(s)." in root_client.get(done["Location"]).content.decode()
    # Without s3:ListBucket the folder's objects cannot be counted: S3's denial, nothing goes.
    denied = alice_client.post(url, {"folders": ["logs/"]})
    assert denied.status_code == 403
    # A prefix that is not a folder (the whole bucket) is never taken as one.
    refused = root_client.post(url, {"folders": [""], "confirm": "permanently delete"})
    assert refused.status_code == 400 and "Select objects to delete." in refused.content.decode()
    assert S3Object.objects.filter(bucket__name="folder-bucket").count() == 1


def test_policy_editor_shows_line_and_column_and_permissions_tab(
    root_client: Client, root_actor: Actor
) -> None:
    s3.create_bucket(actor=root_actor, name="policy-bucket")
    tab = root_client.get("/s3/buckets/policy-bucket/?tab=permissions").content.decode()
    assert "Block <em>all</em> public access: <strong>On</strong>" in tab
    assert "Bucket owner enforced" in tab and "No policy to display." in tab
    broken = root_client.post("/s3/buckets/policy-bucket/policy/", {"policy": '{"Version": '})
    assert broken.status_code == 400
    assert "Ln 1, Col" in broken.content.decode()
    statement = {
        "Effect": "Allow",
        "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::policy-bucket/*",
    }
    no_principal = {"Version": "2012-10-17", "Statement": [statement]}
    missing = root_client.post(
        "/s3/buckets/policy-bucket/policy/", {"policy": json.dumps(no_principal, indent=2)}
    )
    assert "Principal" in missing.content.decode()
    good = {
        "Version": "2012-10-17",
        "Statement": [statement | {"Principal": {"AWS": "111122223333"}}],
    }
    saved = root_client.post("/s3/buckets/policy-bucket/policy/", {"policy": json.dumps(good)})
    assert saved.status_code == 302
    assert (
        "111122223333"
        in root_client.get("/s3/buckets/policy-bucket/?tab=permissions").content.decode()
    )


def test_tags_on_the_properties_tab(root_client: Client, root_actor: Actor) -> None:
    s3.create_bucket(actor=root_actor, name="tags-bucket")
    root_client.post(
        "/s3/buckets/tags-bucket/tags/",
        {"tag_key": ["team"], "tag_value": ["blue"], "save": "1"},
    )
    page = root_client.get("/s3/buckets/tags-bucket/?tab=properties").content.decode()
    assert "team" in page and "blue" in page and "arn:aws:s3:::tags-bucket" in page


def test_read_only_user_lists_and_is_refused_create_with_s3s_wording(
    alice: Principal, alice_client: Client, root_actor: Actor
) -> None:
    denied = alice_client.get("/s3/")
    assert denied.status_code == 403
    assert "You don't have permissions to list buckets" in html.unescape(denied.content.decode())
    read_only = ManagedPolicy.objects.get(name="AmazonS3ReadOnlyAccess", account=None)
    attach_user_policy(actor=root_actor, user=alice, policy=read_only)
    s3.create_bucket(actor=root_actor, name="visible-bucket")
    assert "visible-bucket" in alice_client.get("/s3/").content.decode()
    refused = alice_client.post("/s3/create/", {"name": "alice-bucket", "region": "us-east-1"})
    text = refused.content.decode()
    assert refused.status_code == 403
    assert "Failed to create bucket" in text
    assert "is not authorized to perform: s3:CreateBucket" in text


def test_services_menu_links_iam_s3_and_ec2(root_client: Client) -> None:
    page = root_client.get("/").content.decode()
    assert 'href="/s3/"' in page and 'href="/ec2/"' in page
