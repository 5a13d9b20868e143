"""DeleteUser, DeleteGroup, DeleteRole and DeletePolicy over the API refuse, as AWS's do,
while the entity still has something (DeleteConflict, 409), and DeleteAccessKey deletes an
active key."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from botocore.exceptions import ClientError

POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
TRUST = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
    '"Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
)


@pytest.fixture
def iam(settings: Any, client_for: Any, db: Any) -> Any:
    settings.IAM_API_AUTH = "off"
    return client_for("testing", "testing")


def conflict(call: Any, **kwargs: Any) -> str:
    with pytest.raises(ClientError) as error:
        call(**kwargs)
    response = error.value.response
    assert response["Error"]["Code"] == "DeleteConflict"
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 409
    message: str = response["Error"]["Message"]
    return message


def test_delete_user_names_each_thing_the_user_still_has_until_nothing_remains(iam: Any) -> None:
    iam.create_user(UserName="mia")
    iam.create_login_profile(UserName="mia", Password="Correct-Horse-9!")
    key = iam.create_access_key(UserName="mia")["AccessKey"]["AccessKeyId"]
    iam.create_group(GroupName="devs")
    iam.add_user_to_group(GroupName="devs", UserName="mia")
    iam.put_user_policy(UserName="mia", PolicyName="s3", PolicyDocument=POLICY)
    arn = iam.create_policy(PolicyName="Mine", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.attach_user_policy(UserName="mia", PolicyArn=arn)

    steps: list[tuple[str, Callable[[], object]]] = [
        (
            "Cannot delete entity, must delete login profile first.",
            lambda: iam.delete_login_profile(UserName="mia"),
        ),
        (
            "Cannot delete entity, must delete access keys first.",
            lambda: iam.delete_access_key(UserName="mia", AccessKeyId=key),
        ),
        (
            "Cannot delete entity, must remove users from group first.",
            lambda: iam.remove_user_from_group(GroupName="devs", UserName="mia"),
        ),
        (
            "Cannot delete entity, must delete policies first.",
            lambda: iam.delete_user_policy(UserName="mia", PolicyName="s3"),
        ),
        (
            "Cannot delete entity, must detach all policies first.",
            lambda: iam.detach_user_policy(UserName="mia", PolicyArn=arn),
        ),
    ]
    for message, clean_up in steps:
        assert conflict(iam.delete_user, UserName="mia") == message
        clean_up()
    iam.delete_user(UserName="mia")
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_user(UserName="mia")


def test_delete_access_key_deletes_an_active_key(iam: Any) -> None:
    iam.create_user(UserName="kai")
    key = iam.create_access_key(UserName="kai")["AccessKey"]
    assert key["Status"] == "Active"
    iam.delete_access_key(UserName="kai", AccessKeyId=key["AccessKeyId"])
    assert iam.list_access_keys(UserName="kai")["AccessKeyMetadata"] == []


def test_delete_group_refuses_while_it_has_members_or_policies(iam: Any) -> None:
    iam.create_user(UserName="ann")
    iam.create_group(GroupName="ops")
    iam.add_user_to_group(GroupName="ops", UserName="ann")
    iam.put_group_policy(GroupName="ops", PolicyName="s3", PolicyDocument=POLICY)
    arn = iam.create_policy(PolicyName="Ops", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.attach_group_policy(GroupName="ops", PolicyArn=arn)

    message = conflict(iam.delete_group, GroupName="ops")
    assert message == "Cannot delete entity, must remove users from group first."
    iam.remove_user_from_group(GroupName="ops", UserName="ann")
    assert conflict(iam.delete_group, GroupName="ops") == (
        "Cannot delete entity, must delete policies first."
    )
    iam.delete_group_policy(GroupName="ops", PolicyName="s3")
    assert conflict(iam.delete_group, GroupName="ops") == (
        "Cannot delete entity, must detach all policies first."
    )
    iam.detach_group_policy(GroupName="ops", PolicyArn=arn)
    iam.delete_group(GroupName="ops")
    assert iam.list_groups()["Groups"] == []


def test_delete_role_refuses_while_it_has_policies(iam: Any) -> None:
    iam.create_role(RoleName="web", AssumeRolePolicyDocument=TRUST)
    iam.put_role_policy(RoleName="web", PolicyName="s3", PolicyDocument=POLICY)
    arn = iam.create_policy(PolicyName="Web", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.attach_role_policy(RoleName="web", PolicyArn=arn)

    assert conflict(iam.delete_role, RoleName="web") == (
        "Cannot delete entity, must delete policies first."
    )
    iam.delete_role_policy(RoleName="web", PolicyName="s3")
    assert conflict(iam.delete_role, RoleName="web") == (
        "Cannot delete entity, must detach all policies first."
    )
    iam.detach_role_policy(RoleName="web", PolicyArn=arn)
    iam.delete_role(RoleName="web")
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_role(RoleName="web")


def test_delete_policy_refuses_while_attached_or_with_older_versions(iam: Any) -> None:
    iam.create_user(UserName="lee")
    arn = iam.create_policy(PolicyName="Lee", PolicyDocument=POLICY)["Policy"]["Arn"]
    iam.create_policy_version(PolicyArn=arn, PolicyDocument=POLICY, SetAsDefault=True)
    iam.attach_user_policy(UserName="lee", PolicyArn=arn)

    assert conflict(iam.delete_policy, PolicyArn=arn) == (
        "Cannot delete a policy attached to entities."
    )
    iam.detach_user_policy(UserName="lee", PolicyArn=arn)
    assert conflict(iam.delete_policy, PolicyArn=arn) == (
        "Cannot delete a policy with non-default versions."
    )
    iam.delete_policy_version(PolicyArn=arn, VersionId="v1")
    iam.delete_policy(PolicyArn=arn)
    with pytest.raises(iam.exceptions.NoSuchEntityException):
        iam.get_policy(PolicyArn=arn)
