"""AWS::S3::Bucket and AWS::S3::BucketPolicy in lab templates: made through domain.s3 by the
deploying actor, generated global names, Ref and GetAtt, delete (refused while a bucket holds
objects), rollback naming the resource; a class reset empties the lab's buckets and a class
close removes the stored bytes of the student accounts' objects."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from pytest_django import DjangoCaptureOnCommitCallbacks

from accounts.models import Account, AuditEvent, Principal
from classroom.models import Stack
from domain import s3
from domain.classroom import classes, labs, organizations, stacks
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor
from domain.kernel.errors import StackError
from s3.models import Bucket, S3Object

BUCKET = """
Resources:
  Data:
    Type: AWS::S3::Bucket
    Properties:
      Tags: [{Key: team, Value: lab}]
  DataPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Data
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: !Sub "arn:aws:iam::${AWS::AccountId}:root"}
            Action: s3:GetObject
            Resource: !Sub "${Data.Arn}/*"
Outputs:
  Name: {Value: !Ref Data}
  Arn: {Value: !GetAtt Data.Arn}
  DomainName: {Value: !GetAtt Data.DomainName}
  RegionalDomainName: {Value: !GetAtt Data.RegionalDomainName}
  DualStackDomainName: {Value: !GetAtt Data.DualStackDomainName}
  PolicyRef: {Value: !Ref DataPolicy}
"""

NAMED = """
Resources:
  Logs:
    Type: AWS::S3::Bucket
    Properties: {BucketName: %s}
"""


def deploy(actor: Actor, body: str, name: str = "Lab") -> stacks.Deployed:
    return stacks.create_stack(actor=actor, name=name, template_body=body)


def test_a_bucket_gets_a_generated_name_its_tags_and_its_policy(root_actor: Actor) -> None:
    deployed = deploy(root_actor, BUCKET)
    bucket = Bucket.objects.get()
    assert re.fullmatch(r"lab-data-[a-z0-9]{13}", bucket.name)
    assert bucket.account == root_actor.account and bucket.region == "us-east-1"
    assert bucket.tags == [{"Key": "team", "Value": "lab"}]
    assert json.loads(bucket.policy)["Statement"][0]["Resource"] == f"{bucket.arn}/*"
    name = bucket.name
    assert deployed.outputs == {
        "Name": name,
        "Arn": f"arn:aws:s3:::{name}",
        "DomainName": f"{name}.s3.amazonaws.com",
        "RegionalDomainName": f"{name}.s3.us-east-1.amazonaws.com",
        "DualStackDomainName": f"{name}.s3.dualstack.us-east-1.amazonaws.com",
        "PolicyRef": name,
    }
    for action in ("s3:CreateBucket", "s3:PutBucketPolicy"):
        assert AuditEvent.objects.filter(
            action=action, resource=bucket.arn, actor_arn=root_actor.arn
        ).exists()


def test_two_accounts_deploying_one_template_get_buckets_of_their_own(
    root_actor: Actor, outsider: Principal
) -> None:
    deploy(root_actor, BUCKET)
    deploy(Actor(principal=outsider), BUCKET)
    owners = {b.account_id for b in Bucket.objects.all()}
    assert len(owners) == 2 and Bucket.objects.count() == 2


def test_a_fixed_name_taken_by_another_account_rolls_back_naming_the_bucket(
    root_actor: Actor, outsider: Principal
) -> None:
    s3.create_bucket(actor=Actor(principal=outsider), name="shared-logs")
    with pytest.raises(StackError) as caught:
        deploy(root_actor, BUCKET.replace("Outputs:", NAMED % "shared-logs" + "Outputs:", 1))
    assert caught.value.logical_id == "Logs"
    assert "Resource Logs (AWS::S3::Bucket) failed: BucketAlreadyExists" in caught.value.message
    # Data was made before Logs: gone with the rollback, as is the stack.
    assert list(Bucket.objects.values_list("name", flat=True)) == ["shared-logs"]
    assert not Stack.objects.exists()


def test_a_bad_bucket_policy_rolls_back_naming_it(root_actor: Actor) -> None:
    body = BUCKET.replace('Resource: !Sub "${Data.Arn}/*"', "Resource: arn:aws:s3:::elsewhere/*")
    with pytest.raises(StackError) as caught:
        deploy(root_actor, body)
    assert caught.value.logical_id == "DataPolicy"
    assert "(AWS::S3::BucketPolicy) failed: MalformedPolicy" in caught.value.message
    assert not Bucket.objects.exists() and not Stack.objects.exists()


def test_the_deploying_actor_needs_s3_create_bucket(root_actor: Actor, alice: Principal) -> None:
    policy_services.put_user_policy(
        actor=root_actor,
        user=alice,
        name="cfn",
        document=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "cloudformation:*", "Resource": "*"}],
            }
        ),
    )
    with pytest.raises(StackError) as caught:
        deploy(Actor(principal=alice), BUCKET)
    assert caught.value.logical_id == "Data"
    assert "AccessDenied" in caught.value.message and "s3:CreateBucket" in caught.value.message
    assert not Bucket.objects.exists()


def test_delete_stack_deletes_the_bucket_and_refuses_a_non_empty_one(root_actor: Actor) -> None:
    deployed = deploy(root_actor, BUCKET)
    name = deployed.outputs["Name"]
    s3.put_object(actor=root_actor, bucket_name=name, key="notes.txt", body=b"kept")
    with pytest.raises(StackError) as caught:
        stacks.delete_stack(actor=root_actor, stack=deployed.stack)
    assert caught.value.logical_id == "Data"
    assert "Resource Data (AWS::S3::Bucket) failed: BucketNotEmpty" in caught.value.message
    # Nothing changed: the policy deleted before the bucket is back with it.
    assert Bucket.objects.get(name=name).policy
    assert Stack.objects.exists()
    s3.delete_object(actor=root_actor, bucket_name=name, key="notes.txt")
    stacks.delete_stack(actor=root_actor, stack=deployed.stack)
    assert not Bucket.objects.exists() and not Stack.objects.exists()
    assert AuditEvent.objects.filter(action="s3:DeleteBucketPolicy").count() == 1


def test_delete_stack_skips_a_bucket_already_gone_or_taken_by_another_account(
    root_actor: Actor, outsider: Principal
) -> None:
    deployed = deploy(root_actor, BUCKET)
    name = deployed.outputs["Name"]
    s3.delete_bucket(actor=root_actor, name=name)
    stranger = Actor(principal=outsider)
    s3.create_bucket(actor=stranger, name=name)
    stacks.delete_stack(actor=root_actor, stack=deployed.stack)
    assert Bucket.objects.get(name=name).account_id == outsider.account_id


def test_reset_empties_the_lab_bucket_and_close_removes_stored_bytes(
    root_actor: Actor,
    s3_data_dir: Path,
    django_capture_on_commit_callbacks: DjangoCaptureOnCommitCallbacks,
) -> None:
    lab = labs.shipped_lab("user-and-role-labs")
    assert lab is not None
    new = classes.create_class(actor=root_actor, name="roles", students=2, template_body=lab.body)
    names = list(Bucket.objects.values_list("name", flat=True))
    assert len(names) == 2 and all("-labbucket-" in n for n in names)
    account = Account.objects.get(id=new.roster[0].account_id)
    student = organizations.member_root(account)
    bucket = Bucket.objects.get(account=account).name
    capture = django_capture_on_commit_callbacks
    s3.put_object(actor=student, bucket_name=bucket, key="a/b.txt", body=b"one")
    first = s3_data_dir / S3Object.objects.get().storage_name
    assert first.exists()
    with capture(execute=True):
        classes.reset_student(actor=root_actor, lab_class=new.lab_class, number=1)
    assert not S3Object.objects.exists() and not first.exists()
    again = Bucket.objects.get(account=account)
    assert again.name != bucket
    s3.put_object(actor=student, bucket_name=again.name, key="c.txt", body=b"two")
    second = s3_data_dir / S3Object.objects.get().storage_name
    with capture(execute=True):
        classes.close_class(actor=root_actor, lab_class=new.lab_class)
    assert not Bucket.objects.exists() and not second.exists()
