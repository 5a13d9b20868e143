"""AssumeRole's rules (policy-language.md section 9), GetSessionToken, the session's
permissions and Revoke active sessions."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from accounts import crypto, mfa
from accounts.models import AuditEvent, MFADevice, Principal, Role, TemporaryCredential
from domain import iam as services
from domain.iam import policies as policy_services
from domain.iam import sts
from domain.kernel.actors import Actor, system_actor
from domain.kernel.authorization import authorize, is_allowed
from domain.kernel.errors import (
    AccessDenied,
    ExpiredToken,
    MalformedPolicyDocument,
    ValidationError,
)
from domain.kernel.sessions import resolve_temporary_credentials
from tests.conftest import make_account

ALLOW_ASSUME = json.dumps(
    {
        "Version": "2012-10-17",
        "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}],
    }
)


def trust(
    principal: str, *, action: object = "sts:AssumeRole", condition: dict[str, object] | None = None
) -> str:
    statement: dict[str, object] = {
        "Effect": "Allow",
        "Principal": {"AWS": principal},
        "Action": action,
    }
    if condition:
        statement["Condition"] = condition
    return json.dumps({"Version": "2012-10-17", "Statement": [statement]})


def make_role(actor: Actor, name: str, trust_policy: str, **kwargs: object) -> Role:
    return services.create_role(actor=actor, name=name, trust_policy=trust_policy, **kwargs)  # type: ignore[arg-type]


def give(actor: Actor, user: Principal, name: str, document: str) -> None:
    policy_services.put_user_policy(actor=actor, user=user, name=name, document=document)


def as_user(user: Principal) -> Actor:
    return Actor(principal=user, via="api")


@pytest.fixture
def other_root(db: None) -> Actor:
    account = make_account("b@example.com", "Account B")
    return system_actor(Principal.objects.get(account=account, kind=Principal.Kind.ROOT))


# --- who may assume -----------------------------------------------------------------------


def test_a_trust_policy_naming_the_user_is_enough_in_the_same_account(
    root_actor: Actor, alice: Principal
) -> None:
    role = make_role(root_actor, "Admin", trust(alice.arn))
    assumed = sts.assume_role(actor=as_user(alice), role_arn=role.arn, role_session_name="s1")
    acct = alice.account_id
    assert assumed.arn == f"arn:aws:sts::{acct}:assumed-role/Admin/s1"
    assert assumed.assumed_role_id == f"{role.unique_id}:s1"
    assert assumed.credentials.access_key_id.startswith("ASIA")
    assert len(assumed.credentials.access_key_id) == 20
    row = TemporaryCredential.objects.get(access_key_id=assumed.credentials.access_key_id)
    assert row.token_hash != assumed.credentials.session_token
    assert crypto.decrypt(row.secret_encrypted) == assumed.credentials.secret_access_key
    assert row.expires_at - row.issued_at == timedelta(hours=1)


def test_a_trust_policy_naming_the_account_needs_the_users_identity_policy_too(
    root_actor: Actor, alice: Principal
) -> None:
    role = make_role(root_actor, "Admin", trust(root_actor.account.id))
    with pytest.raises(AccessDenied) as denied:
        sts.assume_role(actor=as_user(alice), role_arn=role.arn, role_session_name="s1")
    assert denied.value.message == (
        f"User: {alice.arn} is not authorized to perform: sts:AssumeRole on resource: {role.arn}"
    )
    give(root_actor, alice, "assume", ALLOW_ASSUME)
    sts.assume_role(actor=as_user(alice), role_arn=role.arn, role_session_name="s1")


def test_an_identity_policy_alone_never_lets_anyone_assume_a_role(
    root_actor: Actor, alice: Principal, bob: Principal
) -> None:
    role = make_role(root_actor, "Admin", trust(bob.arn))
    give(root_actor, alice, "assume", ALLOW_ASSUME)
    with pytest.raises(AccessDenied):
        sts.assume_role(actor=as_user(alice), role_arn=role.arn, role_session_name="s1")
    assert AuditEvent.objects.filter(
        action="sts:AssumeRole", outcome="denied", actor_arn=alice.arn
    ).exists()


def test_an_unknown_role_is_denied_with_the_same_message(alice: Principal) -> None:
    arn = f"arn:aws:iam::{alice.account_id}:role/Nope"
    with pytest.raises(AccessDenied) as denied:
        sts.assume_role(actor=as_user(alice), role_arn=arn, role_session_name="s1")
    assert denied.value.message.endswith(f"sts:AssumeRole on resource: {arn}")


def test_the_root_user_cannot_assume_a_role(root_actor: Actor) -> None:
    role = make_role(root_actor, "Admin", trust(root_actor.account.id))
    with pytest.raises(AccessDenied, match="Roles may not be assumed by root accounts."):
        sts.assume_role(actor=root_actor, role_arn=role.arn, role_session_name="s1")


def test_cross_account_needs_both_the_trust_policy_and_the_identity_policy(
    root_actor: Actor, alice: Principal, other_root: Actor
) -> None:
    a = root_actor.account.id
    role = make_role(other_root, "Shared", trust(a))
    # Trust names account A, but alice's identity policy does not allow.
    with pytest.raises(AccessDenied):
        sts.assume_role(actor=as_user(alice), role_arn=role.arn, role_session_name="s1")
    give(root_actor, alice, "assume", ALLOW_ASSUME)
    assumed = sts.assume_role(actor=as_user(alice), role_arn=role.arn, role_session_name="s1")
    assert assumed.arn.startswith(f"arn:aws:sts::{other_root.account.id}:assumed-role/Shared/")
    # Both accounts' histories record it.
    assert AuditEvent.objects.filter(
        account_id=a, action="sts:AssumeRole", outcome="allowed"
    ).exists()
    assert AuditEvent.objects.filter(
        account_id=other_root.account.id, action="sts:AssumeRole", outcome="allowed"
    ).exists()


def test_cross_account_an_identity_policy_without_the_trust_policy_is_denied(
    root_actor: Actor, alice: Principal, other_root: Actor
) -> None:
    role = make_role(other_root, "Private", trust(other_root.account.id))
    give(root_actor, alice, "assume", ALLOW_ASSUME)
    with pytest.raises(AccessDenied):
        sts.assume_role(actor=as_user(alice), role_arn=role.arn, role_session_name="s1")


def test_cross_account_trust_naming_the_user_still_needs_the_identity_policy(
    root_actor: Actor, alice: Principal, other_root: Actor
) -> None:
    role = make_role(other_root, "ForAlice", trust(alice.arn))
    with pytest.raises(AccessDenied):
        sts.assume_role(actor=as_user(alice), role_arn=role.arn, role_session_name="s1")
    give(root_actor, alice, "assume", ALLOW_ASSUME)
    sts.assume_role(actor=as_user(alice), role_arn=role.arn, role_session_name="s1")


def test_an_explicit_deny_in_the_identity_policy_wins_over_a_trusting_role(
    root_actor: Actor, alice: Principal
) -> None:
    role = make_role(root_actor, "Admin", trust(alice.arn))
    deny = ALLOW_ASSUME.replace('"Allow"', '"Deny"')
    give(root_actor, alice, "no-roles", deny)
    with pytest.raises(AccessDenied):
        sts.assume_role(actor=as_user(alice), role_arn=role.arn, role_session_name="s1")


def test_external_id_is_checked_as_sts_external_id(root_actor: Actor, alice: Principal) -> None:
    role = make_role(
        root_actor,
        "Vendor",
        trust(alice.arn, condition={"StringEquals": {"sts:ExternalId": "xyz-123"}}),
    )
    with pytest.raises(AccessDenied):
        sts.assume_role(actor=as_user(alice), role_arn=role.arn, role_session_name="s1")
    with pytest.raises(AccessDenied):
        sts.assume_role(
            actor=as_user(alice), role_arn=role.arn, role_session_name="s1", external_id="wrong-1"
        )
    sts.assume_role(
        actor=as_user(alice), role_arn=role.arn, role_session_name="s1", external_id="xyz-123"
    )


def _mfa_device(alice: Principal) -> tuple[MFADevice, str]:
    secret = mfa.new_secret()
    device = MFADevice.objects.create(
        account=alice.account,
        principal=alice,
        name="phone",
        secret_encrypted=crypto.encrypt(secret),
    )
    return device, secret


def test_mfa_serial_and_code_make_multi_factor_auth_present_and_cannot_be_replayed(
    root_actor: Actor, alice: Principal
) -> None:
    role = make_role(
        root_actor,
        "Careful",
        trust(alice.arn, condition={"Bool": {"aws:MultiFactorAuthPresent": "true"}}),
    )
    device, secret = _mfa_device(alice)
    now = datetime.now(UTC)
    with pytest.raises(AccessDenied):
        sts.assume_role(actor=as_user(alice), role_arn=role.arn, role_session_name="s1", now=now)
    code = mfa.code_at_step(secret, mfa.step_at(now))
    with pytest.raises(AccessDenied, match="MultiFactorAuthentication failed"):
        sts.assume_role(
            actor=as_user(alice),
            role_arn=role.arn,
            role_session_name="s1",
            serial_number=device.arn,
            token_code="000000" if code != "000000" else "111111",
            now=now,
        )
    assumed = sts.assume_role(
        actor=as_user(alice),
        role_arn=role.arn,
        role_session_name="s1",
        serial_number=device.arn,
        token_code=code,
        now=now,
    )
    row = TemporaryCredential.objects.get(access_key_id=assumed.credentials.access_key_id)
    assert row.mfa_authenticated_at == now
    with pytest.raises(AccessDenied, match="MultiFactorAuthentication failed"):
        sts.assume_role(
            actor=as_user(alice),
            role_arn=role.arn,
            role_session_name="s2",
            serial_number=device.arn,
            token_code=code,
            now=now,
        )


# --- durations --------------------------------------------------------------------------


def test_duration_must_be_between_900_seconds_and_the_roles_maximum(
    root_actor: Actor, alice: Principal
) -> None:
    role = make_role(root_actor, "Admin", trust(alice.arn), max_session_duration=7200)
    with pytest.raises(
        ValidationError, match="Member must have value greater than or equal to 900"
    ):
        sts.assume_role(
            actor=as_user(alice), role_arn=role.arn, role_session_name="s1", duration_seconds=899
        )
    with pytest.raises(ValidationError, match="exceeds the MaxSessionDuration set for this role"):
        sts.assume_role(
            actor=as_user(alice), role_arn=role.arn, role_session_name="s1", duration_seconds=7201
        )
    with pytest.raises(ValidationError, match="less than or equal to 43200"):
        sts.assume_role(
            actor=as_user(alice), role_arn=role.arn, role_session_name="s1", duration_seconds=43201
        )
    assumed = sts.assume_role(
        actor=as_user(alice), role_arn=role.arn, role_session_name="s1", duration_seconds=7200
    )
    assert assumed.credentials.expiration - datetime.now(UTC) > timedelta(seconds=7100)


def test_role_session_names_follow_aws_rules(root_actor: Actor, alice: Principal) -> None:
    role = make_role(root_actor, "Admin", trust(alice.arn))
    with pytest.raises(ValidationError, match="at 'roleSessionName' failed to satisfy constraint"):
        sts.assume_role(actor=as_user(alice), role_arn=role.arn, role_session_name="bad name")


def _session_actor(assumed: sts.AssumedRole) -> Actor:
    found = resolve_temporary_credentials(
        assumed.credentials.access_key_id, assumed.credentials.session_token
    )
    assert found is not None
    return found[1]


def test_role_chaining_is_limited_to_one_hour(root_actor: Actor, alice: Principal) -> None:
    first = make_role(root_actor, "First", trust(alice.arn), max_session_duration=43200)
    second_trust = trust(f"arn:aws:iam::{root_actor.account.id}:role/First")
    second = make_role(root_actor, "Second", second_trust, max_session_duration=43200)
    session = _session_actor(
        sts.assume_role(
            actor=as_user(alice), role_arn=first.arn, role_session_name="s1", duration_seconds=7200
        )
    )
    with pytest.raises(
        ValidationError, match="1 hour session limit for roles assumed by role chaining"
    ):
        sts.assume_role(
            actor=session, role_arn=second.arn, role_session_name="s2", duration_seconds=3601
        )
    chained = sts.assume_role(actor=session, role_arn=second.arn, role_session_name="s2")
    row = TemporaryCredential.objects.get(access_key_id=chained.credentials.access_key_id)
    assert row.chain_depth == 1
    assert row.principal == alice
    assert row.caller_arn == session.arn


# --- the session's permissions ------------------------------------------------------------


def test_a_role_session_acts_with_the_roles_policies_in_the_roles_account(
    root_actor: Actor, alice: Principal, other_root: Actor
) -> None:
    role = make_role(other_root, "Reader", trust(root_actor.account.id))
    policy_services.put_role_policy(
        actor=other_root,
        role=role,
        name="list",
        document=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}],
            }
        ),
    )
    give(root_actor, alice, "assume", ALLOW_ASSUME)
    session = _session_actor(
        sts.assume_role(actor=as_user(alice), role_arn=role.arn, role_session_name="alice")
    )
    assert session.account.id == other_root.account.id
    assert session.arn == f"arn:aws:sts::{other_root.account.id}:assumed-role/Reader/alice"
    b = other_root.account.id
    assert is_allowed(session, "iam:ListUsers", f"arn:aws:iam::{b}:user/*")
    assert not is_allowed(session, "iam:CreateGroup", f"arn:aws:iam::{b}:group/x")
    identity = sts.get_caller_identity(actor=session)
    assert identity == sts.CallerIdentity(f"{role.unique_id}:alice", b, session.arn)


def test_session_policies_intersect_with_the_roles_policies(
    root_actor: Actor, alice: Principal
) -> None:
    role = make_role(root_actor, "Admin", trust(alice.arn))
    policy_services.put_role_policy(
        actor=root_actor,
        role=role,
        name="all",
        document=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}],
            }
        ),
    )
    narrow = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {"Effect": "Allow", "Action": ["iam:ListUsers", "s3:ListBucket"], "Resource": "*"}
            ],
        }
    )
    session = _session_actor(
        sts.assume_role(
            actor=as_user(alice), role_arn=role.arn, role_session_name="s1", policy=narrow
        )
    )
    acct = root_actor.account.id
    assert is_allowed(session, "iam:ListUsers", f"arn:aws:iam::{acct}:user/*")
    assert not is_allowed(session, "iam:ListRoles", f"arn:aws:iam::{acct}:role/*")
    assert not is_allowed(session, "s3:ListBucket", "arn:aws:s3:::b")  # the role does not allow
    managed = _session_actor(
        sts.assume_role(
            actor=as_user(alice),
            role_arn=role.arn,
            role_session_name="s2",
            policy_arns=["arn:aws:iam::aws:policy/IAMReadOnlyAccess"],
        )
    )
    assert is_allowed(managed, "iam:ListRoles", f"arn:aws:iam::{acct}:role/*")
    assert not is_allowed(managed, "iam:CreateGroup", f"arn:aws:iam::{acct}:group/g")


def test_session_policies_are_validated_and_limited(root_actor: Actor, alice: Principal) -> None:
    role = make_role(root_actor, "Admin", trust(alice.arn))
    with pytest.raises(MalformedPolicyDocument):
        sts.assume_role(
            actor=as_user(alice), role_arn=role.arn, role_session_name="s1", policy="{}"
        )
    with pytest.raises(ValidationError, match="less than or equal to 2048"):
        sts.assume_role(
            actor=as_user(alice), role_arn=role.arn, role_session_name="s1", policy=" " * 2049
        )
    with pytest.raises(ValidationError, match="less than or equal to 10"):
        sts.assume_role(
            actor=as_user(alice),
            role_arn=role.arn,
            role_session_name="s1",
            policy_arns=[f"arn:aws:iam::aws:policy/P{i}" for i in range(11)],
        )


def test_session_tags_need_sts_tag_session_in_the_trust_policy_and_become_principal_tags(
    root_actor: Actor, alice: Principal
) -> None:
    role = make_role(
        root_actor, "Tagged", trust(alice.arn), tags=[("team", "blue"), ("env", "dev")]
    )
    with pytest.raises(AccessDenied, match="sts:TagSession"):
        sts.assume_role(
            actor=as_user(alice), role_arn=role.arn, role_session_name="s1", tags=[("env", "prod")]
        )
    services.update_assume_role_policy(
        actor=root_actor,
        role=role,
        document=trust(alice.arn, action=["sts:AssumeRole", "sts:TagSession"]),
    )
    role.refresh_from_db()
    policy_services.put_role_policy(
        actor=root_actor,
        role=role,
        name="prod-only",
        document=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Effect": "Allow",
                        "Action": "iam:ListUsers",
                        "Resource": "*",
                        "Condition": {
                            "StringEquals": {
                                "aws:PrincipalTag/env": "prod",
                                "aws:PrincipalTag/team": "blue",
                            }
                        },
                    }
                ],
            }
        ),
    )
    session = _session_actor(
        sts.assume_role(
            actor=as_user(alice), role_arn=role.arn, role_session_name="s1", tags=[("env", "prod")]
        )
    )
    assert is_allowed(session, "iam:ListUsers", f"arn:aws:iam::{root_actor.account.id}:user/*")


def test_a_source_identity_needs_sts_set_source_identity(
    root_actor: Actor, alice: Principal
) -> None:
    role = make_role(root_actor, "Admin", trust(alice.arn))
    with pytest.raises(AccessDenied, match="sts:SetSourceIdentity"):
        sts.assume_role(
            actor=as_user(alice), role_arn=role.arn, role_session_name="s1", source_identity="alice"
        )
    services.update_assume_role_policy(
        actor=root_actor,
        role=role,
        document=trust(alice.arn, action=["sts:AssumeRole", "sts:SetSourceIdentity"]),
    )
    assumed = sts.assume_role(
        actor=as_user(alice), role_arn=role.arn, role_session_name="s1", source_identity="alice"
    )
    assert assumed.source_identity == "alice"
    assert _session_actor(assumed).context()["aws:SourceIdentity"] == "alice"


# --- credentials --------------------------------------------------------------------------


def test_temporary_credentials_resolve_until_they_expire(
    root_actor: Actor, alice: Principal
) -> None:
    role = make_role(root_actor, "Admin", trust(alice.arn))
    now = datetime.now(UTC)
    assumed = sts.assume_role(
        actor=as_user(alice),
        role_arn=role.arn,
        role_session_name="s1",
        duration_seconds=900,
        now=now,
    )
    key, token = assumed.credentials.access_key_id, assumed.credentials.session_token
    secret, actor = resolve_temporary_credentials(key, token, now=now + timedelta(seconds=899))  # type: ignore[misc]
    assert secret == assumed.credentials.secret_access_key
    assert actor.arn == assumed.arn
    assert resolve_temporary_credentials(key, token + "x") is None
    assert resolve_temporary_credentials("ASIAAAAAAAAAAAAAAAAA", token) is None
    with pytest.raises(ExpiredToken):
        resolve_temporary_credentials(key, token, now=now + timedelta(seconds=900))
    assert sts.prune_expired_credentials(before=now + timedelta(days=1)) == 1
    assert not TemporaryCredential.objects.exists()


def test_get_session_token_bounds_and_root_is_held_to_one_hour(
    root_actor: Actor, alice: Principal
) -> None:
    with pytest.raises(ValidationError, match="less than or equal to 129600"):
        sts.get_session_token(actor=as_user(alice), duration_seconds=129601)
    creds = sts.get_session_token(actor=as_user(alice))
    found = resolve_temporary_credentials(creds.access_key_id, creds.session_token)
    assert found is not None
    assert found[1].arn == alice.arn
    assert found[1].account == alice.account
    now = datetime.now(UTC)
    root_creds = sts.get_session_token(actor=root_actor, duration_seconds=7200, now=now)
    assert root_creds.expiration == now + timedelta(hours=1)
    with pytest.raises(AccessDenied, match="session credentials"):
        sts.get_session_token(actor=found[1])


def test_get_access_key_info_names_the_account(root_actor: Actor, alice: Principal) -> None:
    key = services.create_access_key(actor=root_actor, user=alice)
    assert (
        sts.get_access_key_info(actor=root_actor, access_key_id=key.key.access_key_id)
        == alice.account_id
    )


def test_a_denial_decodes_to_the_engines_explanation_in_its_own_account_only(
    root_actor: Actor, alice: Principal, other_root: Actor
) -> None:
    from domain.kernel import authorization_messages

    with pytest.raises(AccessDenied) as denied:
        authorize(as_user(alice), "iam:ListUsers", f"arn:aws:iam::{alice.account_id}:user/*")
    encoded = authorization_messages.encode(denied.value, alice.account_id)
    assert encoded is not None
    decoded = json.loads(
        sts.decode_authorization_message(actor=root_actor, encoded_message=encoded)
    )
    assert decoded["allowed"] is False
    assert decoded["context"]["principal"]["arn"] == alice.arn
    assert decoded["context"]["action"] == "iam:ListUsers"
    assert decoded["failures"]["items"]
    with pytest.raises(Exception, match="Message is invalid"):
        sts.decode_authorization_message(actor=other_root, encoded_message=encoded)


# --- Revoke active sessions -----------------------------------------------------------------


def test_revoking_sessions_denies_older_sessions_and_not_newer_ones(
    root_actor: Actor, alice: Principal
) -> None:
    role = make_role(root_actor, "Admin", trust(alice.arn))
    policy_services.put_role_policy(
        actor=root_actor,
        role=role,
        name="list",
        document=json.dumps(
            {
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": "iam:ListUsers", "Resource": "*"}],
            }
        ),
    )
    t0 = datetime.now(UTC) - timedelta(minutes=10)
    old = _session_actor(
        sts.assume_role(actor=as_user(alice), role_arn=role.arn, role_session_name="old", now=t0)
    )
    resource = f"arn:aws:iam::{root_actor.account.id}:user/*"
    assert is_allowed(old, "iam:ListUsers", resource)
    sts.revoke_role_sessions(actor=root_actor, role=role, now=t0 + timedelta(minutes=5))
    inline = role.inline_policies.get(name="AWSRevokeOlderSessions")
    assert '"aws:TokenIssueTime"' in inline.document
    assert not is_allowed(old, "iam:ListUsers", resource)
    new = _session_actor(
        sts.assume_role(
            actor=as_user(alice),
            role_arn=role.arn,
            role_session_name="new",
            now=t0 + timedelta(minutes=6),
        )
    )
    assert is_allowed(new, "iam:ListUsers", resource)


def test_the_prune_command_keeps_credentials_expired_less_than_a_day_ago(
    root_actor: Actor, alice: Principal
) -> None:
    from io import StringIO

    from django.core.management import call_command

    role = make_role(root_actor, "Admin", trust(alice.arn))
    now = datetime.now(UTC)
    sts.assume_role(
        actor=as_user(alice),
        role_arn=role.arn,
        role_session_name="old",
        now=now - timedelta(days=2),
    )
    sts.assume_role(
        actor=as_user(alice),
        role_arn=role.arn,
        role_session_name="recent",
        now=now - timedelta(hours=2),
    )
    out = StringIO()
    call_command("prune_temporary_credentials", stdout=out)
    assert "1 expired temporary credential(s) deleted." in out.getvalue()
    assert list(TemporaryCredential.objects.values_list("session_name", flat=True)) == ["recent"]


def test_no_role_session_reaches_the_root_users_credentials(
    root_actor: Actor, alice: Principal, root: Principal
) -> None:
    """A federated session's credential row is anchored to the account's root user: even an
    AdministratorAccess session must not manage root's keys, password or MFA."""
    admin = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}'
    role = make_role(root_actor, "Admin", trust(alice.arn))
    policy_services.put_role_policy(actor=root_actor, role=role, name="all", document=admin)
    assumed = sts.assume_role(actor=as_user(alice), role_arn=role.arn, role_session_name="s1")
    found = resolve_temporary_credentials(
        assumed.credentials.access_key_id, assumed.credentials.session_token
    )
    assert found is not None
    session = found[1]
    assert is_allowed(session, "iam:CreateUser", "*")
    with pytest.raises(AccessDenied) as denied:
        services.create_access_key(actor=session, user=root)
    assert "only the root user can manage the root user's credentials" in denied.value.message
    assert not root.access_keys.exists()
