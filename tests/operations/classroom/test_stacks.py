"""Lab templates deployed as stacks: each IAM resource type created, deleted, and a failure
that names the resource and changes nothing."""

from __future__ import annotations

from collections.abc import Iterable

import pytest

from accounts.models import AuditEvent, Group, GroupMembership, InstanceProfile, Principal, Role
from classroom import cfn
from classroom.models import Stack
from domain.classroom import labs, stacks
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor
from domain.kernel.errors import AccessDenied, StackError
from policies.models import InlinePolicy, ManagedPolicy, PolicyAttachment

PASSWORD = "Lab-Password-42!"


def deploy(actor: Actor, body: str, name: str = "lab", **params: str) -> stacks.Deployed:
    return stacks.create_stack(actor=actor, name=name, template_body=body, parameters=params)


def counts() -> tuple[int, int, int, int, int, int]:
    return (
        Principal.objects.filter(kind="user").count(),
        Group.objects.count(),
        Role.objects.count(),
        ManagedPolicy.objects.filter(account__isnull=False).count(),
        InlinePolicy.objects.count(),
        Stack.objects.count(),
    )


def test_the_introductory_lab_deploys_its_users_groups_and_policies(root_actor: Actor) -> None:
    lab = labs.shipped_lab("introductory-iam-lab")
    assert lab is not None
    deployed = deploy(root_actor, lab.body, LabUserPassword=PASSWORD)
    account = root_actor.account
    users = Principal.objects.filter(account=account, kind="user").order_by("name")
    assert [u.name for u in users] == ["user-1", "user-2", "user-3"]
    assert all(u.check_password(PASSWORD) for u in users)
    assert not GroupMembership.objects.filter(principal__in=users).exists()
    admin = Group.objects.get(account=account, name="EC2-Admin")
    inline = InlinePolicy.objects.get(group=admin)
    assert inline.name == "EC2-Admin-Policy"
    assert '"ec2:StopInstances"' in inline.document
    assert PolicyAttachment.objects.filter(
        group__name="EC2-Support", policy__name="AmazonEC2ReadOnlyAccess"
    ).exists()
    assert PolicyAttachment.objects.filter(
        group__name="S3-Support", policy__name="AmazonS3ReadOnlyAccess"
    ).exists()
    assert deployed.outputs["EC2AdminGroupArn"] == admin.arn
    assert deployed.stack.outputs["LabUserPassword"] == stacks.MASK
    assert deployed.stack.parameters == {"LabUserPassword": stacks.MASK}
    assert [r.logical_id for r in deployed.stack.resources.all()][:3] == [
        "EC2AdminGroup",
        "EC2SupportGroup",
        "S3SupportGroup",
    ]
    actions = set(AuditEvent.objects.filter(account=account).values_list("action", flat=True))
    assert {"iam:CreateGroup", "iam:CreateUser", "cloudformation:CreateStack"} <= actions


def test_a_no_echo_parameter_left_empty_is_generated_and_reported_once(root_actor: Actor) -> None:
    lab = labs.shipped_lab("introductory-iam-lab")
    assert lab is not None
    deployed = deploy(root_actor, lab.body)
    password = deployed.generated["LabUserPassword"]
    assert len(password) >= 16
    assert deployed.outputs["LabUserPassword"] == password
    assert Principal.objects.get(name="user-1").check_password(password)
    assert password not in str(Stack.objects.get().outputs)


def test_delete_stack_removes_everything_it_made_even_after_changes(root_actor: Actor) -> None:
    before = counts()
    lab = labs.shipped_lab("user-and-role-labs")
    assert lab is not None
    deployed = deploy(root_actor, lab.body, LabPassword=PASSWORD)
    dev = Principal.objects.get(name="dev-alice")
    assert dev.permissions_boundary is not None
    assert dev.permissions_boundary.name == "DeveloperBoundary"
    assert dev.tags == [{"Key": "team", "Value": "developers"}]
    role = Role.objects.get(name="AuditRole")
    assert role.max_session_duration == 7200
    assert InlinePolicy.objects.get(user__name="audit-bob").name == "AssumeAuditRole"
    assert role.arn in InlinePolicy.objects.get(user__name="audit-bob").document
    profile = InstanceProfile.objects.get(name="WebServerProfile")
    assert profile.role is not None and profile.role.name == "WebServerRole"
    assert profile.path == "/service/"
    web_inline = InlinePolicy.objects.get(role__name="WebServerRole")
    bucket = deployed.outputs["LabBucketName"]
    assert bucket.startswith("lab-labbucket-")
    assert f"arn:aws:s3:::{bucket}/*" in web_inline.document
    assert deployed.outputs["SwitchRoleUrl"].endswith("roleName=AuditRole")
    # The student changes things the stack made; delete still removes all of it.
    auditors = Group.objects.get(name="Auditors")
    policy_services.attach_group_policy(
        actor=root_actor,
        group=auditors,
        policy=ManagedPolicy.objects.get(account=None, name="ReadOnlyAccess"),
    )
    stacks.delete_stack(actor=root_actor, stack=deployed.stack)
    assert counts() == before
    assert not InstanceProfile.objects.exists()


HOLDERS_TEMPLATE = """
Resources:
  Dev:
    Type: AWS::IAM::User
    Properties:
      UserName: dev
  Ops:
    Type: AWS::IAM::Group
    Properties:
      GroupName: Ops
      ManagedPolicyArns: [arn:aws:iam::aws:policy/ReadOnlyAccess]
      Policies:
        - PolicyName: OpsInline
          PolicyDocument:
            Version: "2012-10-17"
            Statement: [{Effect: Allow, Action: "s3:*", Resource: "*"}]
  Worker:
    Type: AWS::IAM::Role
    Properties:
      RoleName: Worker
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {Service: ec2.amazonaws.com}, Action: sts:AssumeRole}
  Shared:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      ManagedPolicyName: Shared
      PolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Action: "ec2:Describe*", Resource: "*"}]
      Users: [!Ref Dev]
      Groups: [!Ref Ops]
      Roles: [!Ref Worker]
  Everyone:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: Everyone
      PolicyDocument:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Action: "iam:Get*", Resource: "*"}]
      Users: [!Ref Dev]
      Groups: [!Ref Ops]
      Roles: [!Ref Worker]
"""


def holders(rows: Iterable[PolicyAttachment | InlinePolicy]) -> set[tuple[str, str, str]]:
    """(user, group, role) names of attachments or inline policies."""

    def name(entity: Principal | Group | Role | None) -> str:
        return entity.name if entity is not None else ""

    return {(name(row.user), name(row.group), name(row.role)) for row in rows}


def test_policies_reach_users_groups_and_roles_and_leave_with_the_stack(root_actor: Actor) -> None:
    before = counts()
    deployed = deploy(root_actor, HOLDERS_TEMPLATE)
    each = {("dev", "", ""), ("", "Ops", ""), ("", "", "Worker")}
    assert holders(PolicyAttachment.objects.filter(policy__name="Shared")) == each
    assert holders(InlinePolicy.objects.filter(name="Everyone")) == each
    assert holders(PolicyAttachment.objects.filter(policy__name="ReadOnlyAccess")) == {
        ("", "Ops", "")
    }
    assert holders(InlinePolicy.objects.filter(name="OpsInline")) == {("", "Ops", "")}
    stacks.delete_stack(actor=root_actor, stack=deployed.stack)
    assert counts() == before
    assert not PolicyAttachment.objects.exists()


def test_a_failing_resource_is_named_and_nothing_is_changed(root_actor: Actor) -> None:
    body = """
Resources:
  Good:
    Type: AWS::IAM::Group
    Properties: {GroupName: Fine}
  Bad:
    Type: AWS::IAM::User
    DependsOn: Good
    Properties:
      UserName: someone
      ManagedPolicyArns: [arn:aws:iam::aws:policy/NoSuchPolicy]
"""
    before = counts()
    with pytest.raises(StackError) as caught:
        deploy(root_actor, body)
    assert caught.value.logical_id == "Bad"
    assert "Resource Bad (AWS::IAM::User) failed" in caught.value.message
    assert "NoSuchPolicy" in caught.value.message
    assert counts() == before
    assert not AuditEvent.objects.filter(action="iam:CreateGroup").exists()


def test_the_deploying_actor_needs_each_iam_permission(root_actor: Actor, alice: Principal) -> None:
    policy_services.put_user_policy(
        actor=root_actor,
        user=alice,
        name="stacks",
        document='{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Action":["cloudformation:*","iam:CreateGroup","iam:GetGroup"],"Resource":"*"}]}',
    )
    body = """
Resources:
  G:
    Type: AWS::IAM::Group
    Properties: {GroupName: Allowed}
  U:
    Type: AWS::IAM::User
    Properties: {UserName: not-allowed}
"""
    before = counts()
    with pytest.raises(StackError) as caught:
        deploy(Actor(principal=alice), body)
    assert caught.value.logical_id == "U"
    assert "AccessDenied" in caught.value.message
    assert counts() == before
    # Without cloudformation:CreateStack nothing is tried at all.
    policy_services.delete_user_policy(actor=root_actor, user=alice, name="stacks")
    with pytest.raises(AccessDenied, match="cloudformation:CreateStack"):
        deploy(Actor(principal=alice), body, name="x")


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (
            "Resources: {Q: {Type: AWS::SQS::Queue}}",
            "Unrecognized resource types: [AWS::SQS::Queue]",
        ),
        (
            "Resources: {A: {Type: AWS::IAM::Group, DependsOn: Z}}",
            "Unresolved resource dependencies [Z]",
        ),
        (
            "Resources:\n  A: {Type: AWS::IAM::Group, Properties: {GroupName: !Ref B}}\n"
            "  B: {Type: AWS::IAM::Group, Properties: {GroupName: !Ref A}}",
            "Circular dependency between resources: [A, B]",
        ),
        ("Resources: [", "Template format error"),
        ("Parameters: {}", "At least one Resources member must be defined."),
    ],
)
def test_template_errors_are_cloudformations(root_actor: Actor, body: str, message: str) -> None:
    with pytest.raises(StackError) as caught:
        deploy(root_actor, body)
    assert message in caught.value.message


def test_parameters_defaults_allowed_values_and_json_templates(root_actor: Actor) -> None:
    body = """{
  "Parameters": {
    "Env": {"Type": "String", "Default": "dev", "AllowedValues": ["dev", "prod"]}
  },
  "Resources": {
    "G": {"Type": "AWS::IAM::Group", "Properties": {"GroupName": {"Fn::Sub": "team-${Env}"}}},
    "R": {"Type": "AWS::IAM::Role", "Properties": {
      "RoleName": {"Fn::Join": ["-", [{"Ref": "G"}, "role"]]},
      "AssumeRolePolicyDocument": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
        "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}}},
    "A": {"Type": "AWS::IAM::UserToGroupAddition",
          "Properties": {"GroupName": {"Ref": "G"}, "Users": [{"Ref": "U"}]}},
    "U": {"Type": "AWS::IAM::User"}
  },
  "Outputs": {"RoleArn": {"Value": {"Fn::GetAtt": ["R", "Arn"]}}}
}"""
    with pytest.raises(StackError, match="must be one of AllowedValues"):
        deploy(root_actor, body, Env="test")
    with pytest.raises(StackError, match=r"Parameters: \[Nope\] do not exist"):
        deploy(root_actor, body, Nope="x")
    deployed = deploy(root_actor, body, name="json-lab")
    assert Group.objects.filter(name="team-dev").exists()
    role = Role.objects.get(name="team-dev-role")
    assert deployed.outputs["RoleArn"] == role.arn
    user = Principal.objects.get(kind="user")
    assert user.name.startswith("json-lab-U-")
    assert GroupMembership.objects.get(principal=user).group.name == "team-dev"
    with pytest.raises(StackError, match=r"Stack \[json-lab\] already exists"):
        deploy(root_actor, body, name="json-lab")
    stacks.delete_stack(actor=root_actor, stack=deployed.stack)
    assert not Principal.objects.filter(kind="user").exists()
    assert not Group.objects.exists()


def test_another_accounts_stack_cannot_be_deleted(root_actor: Actor, outsider: Principal) -> None:
    deployed = deploy(root_actor, "Resources: {G: {Type: AWS::IAM::Group}}")
    with pytest.raises(StackError):
        stacks.delete_stack(actor=Actor(principal=outsider), stack=deployed.stack)
    with pytest.raises(StackError):
        stacks.stack_named(Actor(principal=outsider), "lab")
    assert Group.objects.count() == 1


def test_creation_order_is_topological() -> None:
    template = cfn.parse(
        "Resources:\n  C: {Type: X, Properties: {A: !GetAtt B.Arn}}\n"
        "  B: {Type: X, Properties: {A: !Sub '${A}'}}\n  A: {Type: X}\n"
    )
    assert cfn.creation_order(template) == ["A", "B", "C"]


def test_yaml_aliases_cannot_blow_a_small_template_up() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 12):
        lines.append(f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]")
    lines.append("Resources: {G: {Type: AWS::IAM::Group, Metadata: *a11}}")
    with pytest.raises(cfn.TemplateError, match="too large or nested too deeply"):
        cfn.parse("\n".join(lines))
    deep = "Resources: {G: {Type: AWS::IAM::Group, Metadata: " + "[" * 500 + "]" * 500 + "}}"
    with pytest.raises(cfn.TemplateError):
        cfn.parse(deep)
