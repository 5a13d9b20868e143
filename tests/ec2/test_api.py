"""EC2 over boto3 against the live server: signed with real keys, EC2's Query dialect."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

from accounts.models import Role
from domain import iam as services
from domain.kernel.actors import Actor
from tests.ec2.conftest import allow, user_with

AL2023 = "ami-0c02fb55956c7d316"


@pytest.fixture
def ec2(client_for: Callable[..., Any], root_keys: tuple[str, str]) -> Any:
    return client_for(*root_keys, service="ec2")


def keys_of(root_actor: Actor, user: Any) -> tuple[str, str]:
    new = services.create_access_key(actor=root_actor, user=user)
    return new.key.access_key_id, new.secret


def run(ec2: Any, **kwargs: Any) -> dict[str, Any]:
    params = {"ImageId": AL2023, "InstanceType": "t3.micro", "MinCount": 1, "MaxCount": 1}
    result: dict[str, Any] = ec2.run_instances(**(params | kwargs))
    return result


def tagged(key: str, value: str) -> list[dict[str, Any]]:
    return [{"ResourceType": "instance", "Tags": [{"Key": key, "Value": value}]}]


@pytest.mark.django_db(transaction=True)
def test_run_describe_filter_stop_start_terminate(ec2: Any) -> None:
    made = run(ec2, TagSpecifications=tagged("Env", "dev"), MaxCount=2)
    assert len(made["Instances"]) == 2
    first = made["Instances"][0]
    assert first["InstanceId"].startswith("i-") and len(first["InstanceId"]) == 19
    assert first["State"] == {"Code": 0, "Name": "pending"}
    prod = run(ec2, TagSpecifications=tagged("Env", "prod"))["Instances"][0]["InstanceId"]

    described = ec2.describe_instances(Filters=[{"Name": "tag:Env", "Values": ["dev"]}])
    found = [i for r in described["Reservations"] for i in r["Instances"]]
    assert len(found) == 2 and {i["State"]["Name"] for i in found} == {"running"}
    assert found[0]["Tags"] == [{"Key": "Env", "Value": "dev"}]
    only = ec2.describe_instances(InstanceIds=[prod])["Reservations"][0]["Instances"]
    assert [i["InstanceId"] for i in only] == [prod]

    stopped = ec2.stop_instances(InstanceIds=[prod])["StoppingInstances"][0]
    assert stopped["PreviousState"]["Name"] == "running"
    assert stopped["CurrentState"]["Name"] == "stopping"
    by_state = ec2.describe_instances(
        Filters=[{"Name": "instance-state-name", "Values": ["stopped"]}]
    )
    assert [i["InstanceId"] for r in by_state["Reservations"] for i in r["Instances"]] == [prod]
    started = ec2.start_instances(InstanceIds=[prod])["StartingInstances"][0]
    assert started["CurrentState"]["Name"] == "pending"
    ec2.reboot_instances(InstanceIds=[prod])
    ended = ec2.terminate_instances(InstanceIds=[prod])["TerminatingInstances"][0]
    assert ended["CurrentState"] == {"Code": 32, "Name": "shutting-down"}

    paged = ec2.describe_instances(MaxResults=5)
    assert "NextToken" not in paged
    with pytest.raises(ClientError) as missing:
        ec2.describe_instances(InstanceIds=["i-0123456789abcdef0"])
    assert missing.value.response["Error"]["Code"] == "InvalidInstanceID.NotFound"
    assert "'i-0123456789abcdef0' does not exist" in missing.value.response["Error"]["Message"]
    with pytest.raises(ClientError) as malformed:
        ec2.stop_instances(InstanceIds=["nope"])
    assert malformed.value.response["Error"]["Code"] == "InvalidInstanceID.Malformed"


@pytest.mark.django_db(transaction=True)
def test_tags_and_dry_run(ec2: Any) -> None:
    instance = run(ec2)["Instances"][0]["InstanceId"]
    ec2.create_tags(Resources=[instance], Tags=[{"Key": "Name", "Value": "web"}])
    ec2.create_tags(Resources=[instance], Tags=[{"Key": "Team", "Value": "a"}])
    tags = ec2.describe_tags(Filters=[{"Name": "resource-id", "Values": [instance]}])["Tags"]
    assert [(t["Key"], t["Value"]) for t in tags] == [("Name", "web"), ("Team", "a")]
    ec2.delete_tags(Resources=[instance], Tags=[{"Key": "Team"}])
    found = ec2.describe_instances(Filters=[{"Name": "tag-key", "Values": ["Name"]}])
    assert found["Reservations"][0]["Instances"][0]["Tags"] == [{"Key": "Name", "Value": "web"}]
    with pytest.raises(ClientError) as dry:
        ec2.stop_instances(InstanceIds=[instance], DryRun=True)
    assert dry.value.response["Error"]["Code"] == "DryRunOperation"
    assert dry.value.response["ResponseMetadata"]["HTTPStatusCode"] == 412


@pytest.mark.django_db(transaction=True)
def test_a_denial_carries_an_encoded_message_sts_decodes(
    ec2: Any, client_for: Callable[..., Any], root_actor: Actor
) -> None:
    dev = run(ec2, TagSpecifications=tagged("Env", "dev"))["Instances"][0]["InstanceId"]
    prod = run(ec2, TagSpecifications=tagged("Env", "prod"))["Instances"][0]["InstanceId"]
    user = user_with(
        root_actor,
        "operator",
        allow(
            {
                "Effect": "Allow",
                "Action": "ec2:StopInstances",
                "Resource": "arn:aws:ec2:*:*:instance/*",
                "Condition": {"StringEquals": {"aws:ResourceTag/Env": "dev"}},
            },
            {"Effect": "Allow", "Action": "sts:DecodeAuthorizationMessage", "Resource": "*"},
        ),
    )
    keys = keys_of(root_actor, user)
    mine = client_for(*keys, service="ec2")
    assert mine.stop_instances(InstanceIds=[dev])["StoppingInstances"][0]["InstanceId"] == dev
    with pytest.raises(ClientError) as denied:
        mine.stop_instances(InstanceIds=[prod])
    error = denied.value.response["Error"]
    assert error["Code"] == "UnauthorizedOperation"
    assert error["Message"].startswith("You are not authorized to perform this operation. User:")
    assert "ec2:StopInstances on resource: arn:aws:ec2:us-east-1:" in error["Message"]
    encoded = error["Message"].split("Encoded authorization failure message: ")[1]
    decoded = client_for(*keys, service="sts").decode_authorization_message(EncodedMessage=encoded)[
        "DecodedMessage"
    ]
    assert '"action":"ec2:StopInstances"' in decoded and prod in decoded


@pytest.mark.django_db(transaction=True)
def test_an_instance_profile_needs_pass_role(
    ec2: Any, client_for: Callable[..., Any], root_actor: Actor, ec2_role: Role
) -> None:
    launch = {"Effect": "Allow", "Action": ["ec2:RunInstances", "ec2:Describe*"], "Resource": "*"}
    user = user_with(root_actor, "launcher", allow(launch))
    mine = client_for(*keys_of(root_actor, user), service="ec2")
    with pytest.raises(ClientError) as denied:
        run(mine, IamInstanceProfile={"Name": "AppServer"})
    assert denied.value.response["Error"]["Code"] == "UnauthorizedOperation"
    assert "iam:PassRole on resource: " + ec2_role.arn in denied.value.response["Error"]["Message"]

    passing = {
        "Effect": "Allow",
        "Action": "iam:PassRole",
        "Resource": ec2_role.arn,
        "Condition": {"StringEquals": {"iam:PassedToService": "ec2.amazonaws.com"}},
    }
    user2 = user_with(root_actor, "launcher2", allow(launch, passing))
    theirs = client_for(*keys_of(root_actor, user2), service="ec2")
    instance = run(theirs, IamInstanceProfile={"Name": "AppServer"})["Instances"][0]
    assert instance["IamInstanceProfile"]["Arn"].endswith(":instance-profile/AppServer")
    associations = ec2.describe_iam_instance_profile_associations()[
        "IamInstanceProfileAssociations"
    ]
    assert [a["InstanceId"] for a in associations] == [instance["InstanceId"]]
    association = associations[0]["AssociationId"]
    assert association.startswith("iip-assoc-")
    ec2.disassociate_iam_instance_profile(AssociationId=association)
    assert ec2.describe_iam_instance_profile_associations()["IamInstanceProfileAssociations"] == []
    made = ec2.associate_iam_instance_profile(
        InstanceId=instance["InstanceId"], IamInstanceProfile={"Name": "AppServer"}
    )["IamInstanceProfileAssociation"]
    assert made["State"] == "associated"
    with pytest.raises(ClientError) as twice:
        ec2.associate_iam_instance_profile(
            InstanceId=instance["InstanceId"], IamInstanceProfile={"Name": "AppServer"}
        )
    assert twice.value.response["Error"]["Code"] == "IncorrectState"
    replaced = ec2.replace_iam_instance_profile_association(
        AssociationId=made["AssociationId"], IamInstanceProfile={"Name": "AppServer"}
    )["IamInstanceProfileAssociation"]
    assert replaced["AssociationId"] != made["AssociationId"]


@pytest.mark.django_db(transaction=True)
def test_the_catalogue(ec2: Any) -> None:
    images = ec2.describe_images(Owners=["amazon"])["Images"]
    assert {i["ImageId"] for i in images} >= {AL2023}
    types = ec2.describe_instance_types(InstanceTypes=["t2.micro"])["InstanceTypes"]
    assert types[0]["VCpuInfo"]["DefaultVCpus"] == 1
    assert types[0]["MemoryInfo"]["SizeInMiB"] == 1024
    regions = [r["RegionName"] for r in ec2.describe_regions()["Regions"]]
    assert "eu-west-1" in regions
    zones = ec2.describe_availability_zones()["AvailabilityZones"]
    assert [z["ZoneName"] for z in zones] == ["us-east-1a", "us-east-1b", "us-east-1c"]
    with pytest.raises(ClientError) as bad:
        run(ec2, ImageId="ami-00000000000000000")
    assert bad.value.response["Error"]["Code"] == "InvalidAMIID.NotFound"
    with pytest.raises(ClientError) as bad_type:
        run(ec2, InstanceType="t9.huge")
    assert bad_type.value.response["Error"]["Code"] == "InvalidParameterValue"


@pytest.mark.django_db(transaction=True)
def test_an_unknown_key_is_ec2_s_auth_failure(client_for: Callable[..., Any]) -> None:
    with pytest.raises(ClientError) as caught:
        client_for("AKIAUNKNOWN000000000", "x" * 40, service="ec2").describe_instances()
    assert caught.value.response["Error"]["Code"] == "AuthFailure"
    assert caught.value.response["ResponseMetadata"]["HTTPStatusCode"] == 401
