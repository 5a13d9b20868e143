"""STS over the API with boto3 against the live server: assume a role, act with its
temporary credentials, watch them expire or be revoked, GetSessionToken, and STS's errors."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore.exceptions import ClientError
from pytest_django.live_server_helper import LiveServer

from accounts import crypto, mfa
from accounts.models import MFADevice, Principal, Role, TemporaryCredential
from domain import iam as services
from domain.iam import policies as policy_services
from domain.iam import sts
from domain.kernel import authorization_messages
from domain.kernel.actors import Actor, system_actor
from domain.kernel.authorization import authorize
from domain.kernel.errors import AccessDenied
from tests.api.conftest import NO_RETRIES
from tests.conftest import make_account

LIST_USERS = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [
            {"Effect": "Allow", "Action": ["iam:ListUsers", "iam:ListRoles"], "Resource": "*"}
        ],
    }
)
ASSUME_ANY = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
    }
)


def trust(principal: str, *, actions: object = "sts:AssumeRole") -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"AWS": principal}, "Action": actions}],
        }
    )


def error_of(call: Callable[..., object], *args: Any, **kwargs: Any) -> tuple[str, int, str]:
    with pytest.raises(ClientError) as caught:
        call(*args, **kwargs)
    response = caught.value.response
    return (
        response["Error"]["Code"],
        response["ResponseMetadata"]["HTTPStatusCode"],
        response["Error"]["Message"],
    )


def keys_of(actor: Actor, user: Principal) -> tuple[str, str]:
    new = services.create_access_key(actor=actor, user=user)
    return new.key.access_key_id, new.secret


def reader_role(actor: Actor, name: str, trust_policy: str) -> Role:
    role = services.create_role(actor=actor, name=name, trust_policy=trust_policy)
    policy_services.put_role_policy(actor=actor, role=role, name="Read", document=LIST_USERS)
    return role


def session_client(
    client_for: Callable[..., Any], credentials: dict[str, Any], service: str = "iam"
) -> Any:
    return client_for(
        credentials["AccessKeyId"],
        credentials["SecretAccessKey"],
        service,
        aws_session_token=credentials["SessionToken"],
    )


@pytest.fixture
def alice_sts(client_for: Callable[..., Any], root_actor: Actor, alice: Principal) -> Any:
    return client_for(*keys_of(root_actor, alice), "sts")


# --- assuming a role and acting with it ----------------------------------------------------


def test_a_user_assumes_a_role_and_acts_with_the_roles_permissions_only(
    client_for: Callable[..., Any], root_actor: Actor, alice: Principal, alice_sts: Any
) -> None:
    role = reader_role(root_actor, "Reader", trust(alice.arn))

    answer = alice_sts.assume_role(RoleArn=role.arn, RoleSessionName="alice-session")
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA") and len(credentials["AccessKeyId"]) == 20
    assert len(credentials["SecretAccessKey"]) == 40
    assert credentials["Expiration"] > datetime.now(UTC) + timedelta(minutes=59)
    session_arn = f"arn:aws:sts::{alice.account_id}:assumed-role/Reader/alice-session"
    assert answer["AssumedRoleUser"] == {
        "AssumedRoleId": f"{role.unique_id}:alice-session",
        "Arn": session_arn,
    }
    assert "PackedPolicySize" not in answer and "SourceIdentity" not in answer

    session = session_client(client_for, credentials)
    assert "alice" in [u["UserName"] for u in session.list_users()["Users"]]
    code, status, message = error_of(session.create_user, UserName="mallory")
    assert (code, status) == ("AccessDenied", 403)
    assert message.startswith(f"User: {session_arn} is not authorized to perform: iam:CreateUser")

    identity = session_client(client_for, credentials, "sts").get_caller_identity()
    assert identity["Arn"] == session_arn
    assert identity["UserId"] == f"{role.unique_id}:alice-session"
    assert identity["Account"] == alice.account_id


def test_assuming_a_role_the_trust_policy_does_not_allow_is_access_denied(
    root_actor: Actor, alice: Principal, alice_sts: Any
) -> None:
    role = reader_role(root_actor, "Reader", trust(f"arn:aws:iam::{alice.account_id}:user/bob"))
    code, status, message = error_of(
        alice_sts.assume_role, RoleArn=role.arn, RoleSessionName="no spaces"
    )
    assert (code, status) == ("ValidationError", 400)
    assert message.startswith("1 validation error detected: Value 'no spaces' at 'roleSessionName'")

    code, status, message = error_of(alice_sts.assume_role, RoleArn=role.arn, RoleSessionName="s1")
    assert (code, status) == ("AccessDenied", 403)
    assert message == (
        f"User: {alice.arn} is not authorized to perform: sts:AssumeRole on resource: {role.arn}"
    )


def test_a_role_in_another_account_is_assumed_only_when_both_sides_allow(
    client_for: Callable[..., Any], root_actor: Actor, alice: Principal, alice_sts: Any
) -> None:
    other = make_account("b@example.com", "Account B")
    other_root = system_actor(Principal.objects.get(account=other, kind=Principal.Kind.ROOT))
    services.create_user(actor=other_root, name="b-user")
    trusting = reader_role(other_root, "Partner", trust(f"arn:aws:iam::{alice.account_id}:root"))
    closed = reader_role(other_root, "Closed", trust(f"arn:aws:iam::{other.id}:root"))

    # The role's side allows, the caller's side does not (no identity policy): refused.
    code, _, _ = error_of(alice_sts.assume_role, RoleArn=trusting.arn, RoleSessionName="x-acct")
    assert code == "AccessDenied"

    policy_services.put_user_policy(
        actor=root_actor, user=alice, name="AssumeAny", document=ASSUME_ANY
    )
    # The caller's side allows, the role's trust does not name the account: refused.
    code, _, message = error_of(alice_sts.assume_role, RoleArn=closed.arn, RoleSessionName="x-acct")
    assert code == "AccessDenied" and closed.arn in message

    answer = alice_sts.assume_role(RoleArn=trusting.arn, RoleSessionName="x-acct")
    assert answer["AssumedRoleUser"]["Arn"] == (
        f"arn:aws:sts::{other.id}:assumed-role/Partner/x-acct"
    )
    session = session_client(client_for, answer["Credentials"])
    # The session acts in the role's account: it sees account B's users, not alice's.
    assert [u["UserName"] for u in session.list_users()["Users"]] == ["b-user"]
    identity = session_client(client_for, answer["Credentials"], "sts").get_caller_identity()
    assert identity["Account"] == other.id


def test_assume_role_takes_every_parameter_and_answers_as_aws(
    client_for: Callable[..., Any], root_actor: Actor, alice: Principal, alice_sts: Any
) -> None:
    role = reader_role(
        root_actor,
        "Tagged",
        trust(alice.arn, actions=["sts:AssumeRole", "sts:TagSession", "sts:SetSourceIdentity"]),
    )
    only_list_users = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}],
        }
    )
    # Session policies (inline and managed, together) allow ListUsers and GetUser only.
    get_user = only_list_users.replace("iam:ListUsers", "iam:GetUser")
    managed = policy_services.create_policy(actor=root_actor, name="GetUser", document=get_user)
    answer = alice_sts.assume_role(
        RoleArn=role.arn,
        RoleSessionName="tagged",
        DurationSeconds=900,
        ExternalId="ext-123",
        Policy=only_list_users,
        PolicyArns=[{"arn": managed.arn}],
        Tags=[{"Key": "team", "Value": "blue"}],
        TransitiveTagKeys=["team"],
        SourceIdentity="alice-src",
    )
    assert answer["SourceIdentity"] == "alice-src"
    assert 0 < answer["PackedPolicySize"] <= 100
    expires = answer["Credentials"]["Expiration"]
    assert timedelta(minutes=14) < expires - datetime.now(UTC) <= timedelta(minutes=15)
    row = TemporaryCredential.objects.get(access_key_id=answer["Credentials"]["AccessKeyId"])
    assert row.session_policy_arns == [managed.arn]
    assert row.session_tags == [{"Key": "team", "Value": "blue"}]
    assert row.transitive_tag_keys == ["team"]

    # Session policies narrow the role's permissions: ListRoles is the role's, not the
    # session's; GetUser is the session's, not the role's.
    session = session_client(client_for, answer["Credentials"])
    session.list_users()
    for call, kwargs in ((session.list_roles, {}), (session.get_user, {"UserName": "alice"})):
        code, _, _ = error_of(call, **kwargs)
        assert code == "AccessDenied"


def test_assume_role_errors_are_awss(root_actor: Actor, alice: Principal, alice_sts: Any) -> None:
    role = reader_role(root_actor, "Reader", trust(alice.arn))
    code, status, message = error_of(
        alice_sts.assume_role, RoleArn=role.arn, RoleSessionName="s1", DurationSeconds=43201
    )
    assert (code, status) == ("ValidationError", 400)
    assert "durationSeconds" in message
    code, _, message = error_of(
        alice_sts.assume_role, RoleArn=role.arn, RoleSessionName="s1", DurationSeconds=7200
    )
    assert code == "ValidationError"
    assert message == (
        "The requested DurationSeconds exceeds the MaxSessionDuration set for this role."
    )

    tagger = reader_role(root_actor, "Tagger", trust(alice.arn, actions="sts:*"))
    # Random values do not compress: 50 of them overflow the packed space.
    tags = [{"Key": f"k{n}", "Value": secrets.token_hex(128)} for n in range(50)]
    code, status, message = error_of(
        alice_sts.assume_role, RoleArn=tagger.arn, RoleSessionName="s1", Tags=tags
    )
    assert (code, status) == ("PackedPolicyTooLarge", 400)
    assert message.startswith("Packed policy consumes")


# --- the credentials' life ----------------------------------------------------------------


def test_temporary_credentials_are_refused_after_expiry_with_expired_token(
    client_for: Callable[..., Any], root_actor: Actor, alice: Principal, alice_sts: Any
) -> None:
    role = reader_role(root_actor, "Reader", trust(alice.arn))
    credentials = alice_sts.assume_role(RoleArn=role.arn, RoleSessionName="short")["Credentials"]
    session = session_client(client_for, credentials)
    session.list_users()

    TemporaryCredential.objects.filter(access_key_id=credentials["AccessKeyId"]).update(
        expires_at=datetime.now(UTC) - timedelta(seconds=1)
    )
    code, status, message = error_of(session.list_users)
    assert (code, status) == ("ExpiredToken", 400)
    assert message == "The security token included in the request is expired"


def test_a_wrong_or_missing_session_token_is_an_invalid_client_token(
    client_for: Callable[..., Any], root_actor: Actor, alice: Principal, alice_sts: Any
) -> None:
    role = reader_role(root_actor, "Reader", trust(alice.arn))
    credentials = alice_sts.assume_role(RoleArn=role.arn, RoleSessionName="tok")["Credentials"]
    wrong = dict(credentials, SessionToken=credentials["SessionToken"][:-4] + "AAAA")
    code, status, message = error_of(session_client(client_for, wrong).list_users)
    assert (code, status, message) == (
        "InvalidClientTokenId",
        403,
        "The security token included in the request is invalid.",
    )
    bare = client_for(credentials["AccessKeyId"], credentials["SecretAccessKey"])
    code, status, _ = error_of(bare.list_users)
    assert (code, status) == ("InvalidClientTokenId", 403)


def test_revoking_active_sessions_denies_an_older_session_its_next_call(
    client_for: Callable[..., Any], root_actor: Actor, alice: Principal, alice_sts: Any
) -> None:
    role = reader_role(root_actor, "Reader", trust(alice.arn))
    older = alice_sts.assume_role(RoleArn=role.arn, RoleSessionName="older")["Credentials"]
    session = session_client(client_for, older)
    session.list_users()

    sts.revoke_role_sessions(actor=root_actor, role=role)

    code, status, message = error_of(session.list_users)
    assert (code, status) == ("AccessDenied", 403)
    assert "assumed-role/Reader/older" in message and "explicit deny" in message
    newer = alice_sts.assume_role(RoleArn=role.arn, RoleSessionName="newer")["Credentials"]
    session_client(client_for, newer).list_users()


def test_a_role_session_has_no_user_of_its_own(
    client_for: Callable[..., Any], root_actor: Actor, alice: Principal, alice_sts: Any
) -> None:
    role = services.create_role(actor=root_actor, name="Admin", trust_policy=trust(alice.arn))
    admin = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}],
        }
    )
    policy_services.put_role_policy(actor=root_actor, role=role, name="All", document=admin)
    credentials = alice_sts.assume_role(RoleArn=role.arn, RoleSessionName="adm")["Credentials"]
    session = session_client(client_for, credentials)

    for call in (session.get_user, session.list_access_keys, session.create_access_key):
        code, status, message = error_of(call)
        assert (code, status) == ("ValidationError", 400)
        assert message == "Must specify userName when calling with non-User credentials"
    code, status, _ = error_of(session.change_password, OldPassword="x", NewPassword="y")
    assert (code, status) == ("InvalidUserType", 400)
    # Naming the user still works, with the role's permissions.
    assert session.get_user(UserName="alice")["User"]["UserName"] == "alice"
    # CreateAccessKey without UserName made no key for the person who assumed the role.
    assert alice.access_keys.count() == 1


# --- GetSessionToken and the other actions -------------------------------------------------


def test_get_session_token_credentials_act_as_the_user_and_need_mfa_for_iam(
    client_for: Callable[..., Any], root_actor: Actor, alice: Principal, alice_sts: Any
) -> None:
    policy_services.put_user_policy(actor=root_actor, user=alice, name="Read", document=LIST_USERS)
    plain = alice_sts.get_session_token(DurationSeconds=900)["Credentials"]
    assert plain["AccessKeyId"].startswith("ASIA")
    identity = session_client(client_for, plain, "sts").get_caller_identity()
    assert identity["Arn"] == alice.arn and identity["UserId"] == alice.unique_id
    # AWS: without MFA, GetSessionToken's credentials call no IAM API.
    code, status, _ = error_of(session_client(client_for, plain).list_users)
    assert (code, status) == ("InvalidClientTokenId", 403)
    code, _, message = error_of(session_client(client_for, plain, "sts").get_session_token)
    assert (code, message) == (
        "AccessDenied",
        "Cannot call GetSessionToken with session credentials",
    )

    secret = mfa.new_secret()
    device = MFADevice.objects.create(
        account=alice.account,
        principal=alice,
        name="phone",
        secret_encrypted=crypto.encrypt(secret),
    )
    code_now = mfa.code_at_step(secret, mfa.step_at(datetime.now(UTC)))
    with_mfa = alice_sts.get_session_token(SerialNumber=device.arn, TokenCode=code_now)
    session = session_client(client_for, with_mfa["Credentials"])
    assert "alice" in [u["UserName"] for u in session.list_users()["Users"]]
    code, _, message = error_of(session.create_user, UserName="mallory")
    assert code == "AccessDenied" and alice.arn in message


def test_get_access_key_info_and_decode_authorization_message(
    root_actor: Actor, root_keys: tuple[str, str], client_for: Callable[..., Any], alice: Principal
) -> None:
    root_sts = client_for(*root_keys, "sts")
    alice_key, _ = keys_of(root_actor, alice)
    assert root_sts.get_access_key_info(AccessKeyId=alice_key)["Account"] == alice.account_id

    with pytest.raises(AccessDenied) as denied:
        authorize(Actor(principal=alice, via="api"), "iam:ListUsers", "*")
    encoded = authorization_messages.encode(denied.value, alice.account_id)
    decoded = json.loads(
        root_sts.decode_authorization_message(EncodedMessage=encoded)["DecodedMessage"]
    )
    assert decoded["allowed"] is False
    assert decoded["context"]["principal"]["arn"] == alice.arn
    code, status, message = error_of(
        root_sts.decode_authorization_message, EncodedMessage="not-a-message"
    )
    assert (code, status, message) == (
        "InvalidAuthorizationMessageException",
        400,
        "Message is invalid",
    )


def test_the_root_user_cannot_assume_a_role(
    root_keys: tuple[str, str], client_for: Callable[..., Any], root_actor: Actor, root: Principal
) -> None:
    role = reader_role(root_actor, "Reader", trust(root.arn))
    code, status, message = error_of(
        client_for(*root_keys, "sts").assume_role, RoleArn=role.arn, RoleSessionName="root"
    )
    assert (code, status, message) == (
        "AccessDenied",
        403,
        "Roles may not be assumed by root accounts.",
    )


def test_a_role_session_is_held_to_the_roles_boundary_and_sees_the_requests_context(
    client_for: Callable[..., Any],
    live_server: LiveServer,
    root_actor: Actor,
    alice: Principal,
    alice_sts: Any,
) -> None:
    role = reader_role(root_actor, "Bounded", trust(alice.arn))
    only_us_east = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "iam:ListUsers",
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {
                            "aws:RequestedRegion": "us-east-1",
                            "aws:RoleSessionName": "bounded",
                        },
                        "IpAddress": {"aws:SourceIp": "127.0.0.0/8"},
                        "Null": {"aws:TokenIssueTime": "false"},
                    },
                }
            ],
        }
    )
    boundary = policy_services.create_policy(
        actor=root_actor, name="UsEastListUsers", document=only_us_east
    )
    policy_services.put_role_permissions_boundary(actor=root_actor, role=role, policy=boundary)
    credentials = alice_sts.assume_role(RoleArn=role.arn, RoleSessionName="bounded")["Credentials"]

    session_client(client_for, credentials).list_users()
    # The role's own policy allows ListRoles; its boundary does not.
    code, _, message = error_of(session_client(client_for, credentials).list_roles)
    assert code == "AccessDenied" and "permissions boundary" in message
    # The boundary's conditions see the request's region: signed for eu-west-1, denied.
    eu = boto3.client(
        "iam",
        endpoint_url=live_server.url,
        region_name="eu-west-1",
        aws_access_key_id=credentials["AccessKeyId"],
        aws_secret_access_key=credentials["SecretAccessKey"],
        aws_session_token=credentials["SessionToken"],
        config=NO_RETRIES,
    )
    code, _, _ = error_of(eu.list_users)
    assert code == "AccessDenied"
