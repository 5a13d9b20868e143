"""AWS::EC2::Instance in lab templates: launched through RunInstances by the deploying actor,
Ref and GetAtt, terminated on delete, a denial naming the resource; and the classroom's
instances (the introductory lab's LabHost, stopped by user-3; reset; close)."""

from __future__ import annotations

import json

import pytest
from pytest_django import Settings

from accounts.models import Account, AuditEvent, InstanceProfile, Principal, Role
from classroom.models import Stack
from domain.classroom import classes, labs, organizations, stacks
from domain.ec2 import instances
from domain.iam import access, groups
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor
from domain.kernel.errors import StackError, UnauthorizedOperation
from ec2 import states
from ec2.models import Instance

AL2023 = "ami-0c02fb55956c7d316"
LATEST_AL2023 = (
    "{{resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64}}"
)

SERVER = """
Resources:
  AppRole:
    Type: AWS::IAM::Role
    Properties:
      RoleName: AppRole
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}
  AppProfile:
    Type: AWS::IAM::InstanceProfile
    Properties: {Roles: [!Ref AppRole]}
  Server:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: "%s"
      InstanceType: t3.micro
      KeyName: lab-key
      IamInstanceProfile: !Ref AppProfile
      Tags: [{Key: Name, Value: app-1}, {Key: team, Value: lab}]
Outputs:
  Id: {Value: !Ref Server}
  InstanceId: {Value: !GetAtt Server.InstanceId}
  Zone: {Value: !GetAtt Server.AvailabilityZone}
  PrivateIp: {Value: !GetAtt Server.PrivateIp}
  PublicIp: {Value: !GetAtt Server.PublicIp}
"""


@pytest.fixture(autouse=True)
def _instant_transitions(settings: Settings) -> None:
    settings.EC2_TRANSITION_SECONDS = 0


def deploy(actor: Actor, body: str, name: str = "lab", **params: str) -> stacks.Deployed:
    return stacks.create_stack(actor=actor, name=name, template_body=body, parameters=params)


def allow(*actions: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": list(actions), "Resource": "*"}],
        }
    )


def current(instance_id: str) -> str:
    row = Instance.objects.get(instance_id=instance_id)
    return states.current(row.state, row.state_since, row.state_since, 0)[0]


def test_an_instance_is_launched_with_its_profile_tags_and_key(root_actor: Actor) -> None:
    deployed = deploy(root_actor, SERVER % LATEST_AL2023)
    instance = Instance.objects.get()
    profile = InstanceProfile.objects.get()
    assert instance.image_id == AL2023  # the public parameter's image
    assert instance.instance_type == "t3.micro" and instance.key_name == "lab-key"
    assert instance.instance_profile == profile and profile.role is not None
    assert profile.name.startswith("lab-AppProfile-")
    assert instance.tag_dict() == {"Name": "app-1", "team": "lab"}
    assert instance.launched_by == root_actor.arn
    assert deployed.outputs == {
        "Id": instance.instance_id,
        "InstanceId": instance.instance_id,
        "Zone": instance.availability_zone,
        "PrivateIp": instance.private_ip,
        "PublicIp": instance.public_ip,
    }
    resource = deployed.stack.resources.get(logical_id="Server")
    assert resource.physical_id == instance.instance_id
    assert resource.resource_type == "AWS::EC2::Instance"
    assert AuditEvent.objects.filter(
        action="ec2:RunInstances", resource=instance.arn, actor_arn=root_actor.arn
    ).exists()


def test_delete_stack_terminates_the_instance_and_tolerates_one_already_gone(
    root_actor: Actor,
) -> None:
    first = deploy(root_actor, SERVER % AL2023)
    instance_id = Instance.objects.get().instance_id
    stacks.delete_stack(actor=root_actor, stack=first.stack)
    assert current(instance_id) == states.TERMINATED
    assert not InstanceProfile.objects.exists()
    assert AuditEvent.objects.filter(action="ec2:TerminateInstances").count() == 1
    # Terminated by hand first, or gone from the records altogether: the delete goes on.
    again = deploy(root_actor, SERVER % AL2023, name="again")
    second = Instance.objects.exclude(instance_id=instance_id).get().instance_id
    instances.terminate_instances(actor=root_actor, instance_ids=[second])
    stacks.delete_stack(actor=root_actor, stack=again.stack)
    third = deploy(root_actor, SERVER % AL2023, name="third")
    Instance.objects.filter(instance_id=third.outputs["Id"]).delete()
    stacks.delete_stack(actor=root_actor, stack=third.stack)
    assert not Stack.objects.exists()


@pytest.mark.parametrize(
    ("image", "reason"),
    [
        ("ami-0123456789abcdef0", "InvalidAMIID.NotFound"),
        ("not-an-ami", "InvalidAMIID.Malformed"),
        ("{{resolve:ssm:/my/own/parameter}}", "Parameters: [ssm:/my/own/parameter] cannot"),
    ],
)
def test_a_bad_image_names_the_instance_and_changes_nothing(
    root_actor: Actor, image: str, reason: str
) -> None:
    with pytest.raises(StackError) as caught:
        deploy(root_actor, SERVER % image)
    assert caught.value.logical_id == "Server"
    assert "Resource Server (AWS::EC2::Instance) failed" in caught.value.message
    assert reason in caught.value.message
    assert not Instance.objects.exists() and not InstanceProfile.objects.exists()
    assert not Stack.objects.exists()


def test_pass_role_denied_rolls_the_stack_back_naming_the_instance(
    root_actor: Actor, alice: Principal
) -> None:
    policy_services.put_user_policy(
        actor=root_actor,
        user=alice,
        name="stacks",
        document=allow(
            "cloudformation:*",
            "ec2:RunInstances",
            "ec2:CreateTags",
            "iam:*Role*",
            "iam:*InstanceProfile*",
            "iam:Get*",
        ),
    )
    # iam:*Role* allows iam:PassRole (AddRoleToInstanceProfile needs it), not to an instance.
    policy_services.put_user_policy(
        actor=root_actor,
        user=alice,
        name="no-pass",
        document=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Deny",
                        "Action": "iam:PassRole",
                        "Resource": "*",
                        "Condition": {
                            "ArnLike": {"iam:AssociatedResourceARN": "arn:aws:ec2:*:*:instance/*"}
                        },
                    }
                ],
            }
        ),
    )
    with pytest.raises(StackError) as caught:
        deploy(Actor(principal=alice), SERVER % AL2023)
    assert caught.value.logical_id == "Server"
    assert "Resource Server (AWS::EC2::Instance) failed: UnauthorizedOperation" in (
        caught.value.message
    )
    assert "iam:PassRole" in caught.value.message
    assert not Instance.objects.exists() and not InstanceProfile.objects.exists()
    assert not Role.objects.filter(name="AppRole").exists()
    policy_services.delete_user_policy(actor=root_actor, user=alice, name="no-pass")
    deployed = deploy(Actor(principal=alice), SERVER % AL2023)
    assert Instance.objects.get().instance_id == deployed.outputs["Id"]


def test_the_user_and_role_lab_runs_its_web_server_with_the_profile(root_actor: Actor) -> None:
    lab = labs.shipped_lab("user-and-role-labs")
    assert lab is not None
    deployed = deploy(root_actor, lab.body, LabPassword="Lab-Password-42!")
    server = Instance.objects.get()
    assert server.name == "WebServer"
    assert server.instance_profile is not None
    assert server.instance_profile.name == "WebServerProfile"
    assert server.instance_profile.role is not None
    assert server.instance_profile.role.name == "WebServerRole"
    assert deployed.outputs["WebServerInstanceId"] == server.instance_id
    assert deployed.outputs["WebServerPrivateIp"] == server.private_ip
    stacks.delete_stack(actor=root_actor, stack=deployed.stack)
    assert current(server.instance_id) == states.TERMINATED


def _intro_class(root_actor: Actor) -> classes.NewClass:
    lab = labs.shipped_lab("introductory-iam-lab")
    assert lab is not None
    return classes.create_class(
        actor=root_actor, name="IAM 101", students=2, template_body=lab.body
    )


def _stopped_check(root_actor: Actor, new: classes.NewClass) -> list[bool]:
    found = classes.progress(root_actor, new.lab_class)
    return [
        next(c.done for c in p.checks if c.title == "user-3 stopped an instance") for p in found
    ]


def test_user_3_stopping_the_lab_host_turns_the_check_done_until_reset(root_actor: Actor) -> None:
    new = _intro_class(root_actor)
    account = Account.objects.get(id=new.roster[0].account_id)
    host = Instance.objects.get(account=account)
    assert host.name == "LabHost" and host.launched_by.endswith(":root")
    assert Instance.objects.filter(account_id=new.roster[1].account_id).count() == 1
    assert _stopped_check(root_actor, new) == [False, False]
    member = organizations.member_root(account)
    user3 = access.get_user(member, "user-3")
    # Without EC2-Admin, user-3's stop is denied, and a denial is not done.
    with pytest.raises(UnauthorizedOperation):
        instances.stop_instances(actor=Actor(principal=user3), instance_ids=[host.instance_id])
    assert _stopped_check(root_actor, new) == [False, False]
    groups.add_user_to_group(actor=member, group=access.get_group(member, "EC2-Admin"), user=user3)
    instances.stop_instances(actor=Actor(principal=user3), instance_ids=[host.instance_id])
    assert _stopped_check(root_actor, new) == [True, False]
    # Reset: the old instance terminated, a new LabHost running, the check not yet done.
    classes.reset_student(actor=root_actor, lab_class=new.lab_class, number=1)
    assert current(host.instance_id) == states.TERMINATED
    fresh = Instance.objects.exclude(instance_id=host.instance_id).get(account=account)
    assert fresh.name == "LabHost" and current(fresh.instance_id) == states.RUNNING
    assert _stopped_check(root_actor, new) == [False, False]


def test_closing_the_class_deletes_its_instances(root_actor: Actor) -> None:
    new = _intro_class(root_actor)
    ids = [r.account_id for r in new.roster]
    assert Instance.objects.filter(account_id__in=ids).count() == 2
    classes.close_class(actor=root_actor, lab_class=new.lab_class)
    assert not Instance.objects.filter(account_id__in=ids).exists()
