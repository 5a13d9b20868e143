"""Federation over the API with boto3 against the live server: SAML and OpenID Connect
providers (IAM's actions), and AssumeRoleWithWebIdentity / AssumeRoleWithSAML, unsigned as
in AWS, with tokens and assertions from Example Corp (the practice directory)."""

from __future__ import annotations

import base64
import json
import urllib.parse
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import pytest
from botocore import UNSIGNED
from botocore.config import Config
from botocore.exceptions import ClientError

from accounts.models import Account
from directory import idp, keys
from directory.people import PEOPLE
from domain import iam as services
from domain.iam import identity_providers as providers
from domain.kernel.actors import Actor
from tests.api.conftest import http

ISSUER_HOST = "idp.example.com"
AUDIENCE = idp.DEFAULT_AUDIENCE


def web_identity_trust(account_id: str, audience: str = AUDIENCE) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {
                        "Federated": f"arn:aws:iam::{account_id}:oidc-provider/{ISSUER_HOST}"
                    },
                    "Action": "sts:AssumeRoleWithWebIdentity",
                    "Condition": {"StringEquals": {f"{ISSUER_HOST}:aud": audience}},
                }
            ],
        }
    )


def saml_trust(account_id: str, audience: str) -> str:
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {
                        "Federated": f"arn:aws:iam::{account_id}:saml-provider/ExampleCorp"
                    },
                    "Action": "sts:AssumeRoleWithSAML",
                    "Condition": {"StringEquals": {"SAML:aud": audience}},
                }
            ],
        }
    )


@pytest.fixture
def sts_unsigned(live_server: Any) -> Any:
    """An STS client with no credentials at all: the two federation calls need none."""
    return boto3.client(
        "sts",
        endpoint_url=live_server.url,
        region_name="us-east-1",
        config=Config(signature_version=UNSIGNED, retries={"max_attempts": 1}),
    )


def directory_token(live_server: Any, person: str = "alice", audience: str = AUDIENCE) -> str:
    body = urllib.parse.urlencode({"person": person, "audience": audience}).encode()
    status, text = http(f"{live_server.url}/directory/oidc/token", data=body)
    assert status == 200, text
    token: str = json.loads(text)["id_token"]
    return token


def code_of(error: pytest.ExceptionInfo[ClientError]) -> tuple[str, str]:
    found = error.value.response["Error"]
    return found["Code"], found["Message"]


def test_saml_and_oidc_provider_actions(live_server: Any, root_iam: Any, account: Account) -> None:
    status, metadata = http(f"{live_server.url}/directory/saml/metadata.xml")
    assert status == 200 and "X509Certificate" in metadata
    created = root_iam.create_saml_provider(
        Name="ExampleCorp", SAMLMetadataDocument=metadata, Tags=[{"Key": "team", "Value": "a"}]
    )
    arn = created["SAMLProviderArn"]
    assert arn == f"arn:aws:iam::{account.id}:saml-provider/ExampleCorp"
    got = root_iam.get_saml_provider(SAMLProviderArn=arn)
    assert got["SAMLMetadataDocument"] == metadata
    assert got["ValidUntil"] > datetime.now(UTC) + timedelta(days=365)
    assert [p["Arn"] for p in root_iam.list_saml_providers()["SAMLProviderList"]] == [arn]
    with pytest.raises(ClientError) as exists:
        root_iam.create_saml_provider(Name="ExampleCorp", SAMLMetadataDocument=metadata)
    assert code_of(exists)[0] == "EntityAlreadyExists"
    with pytest.raises(ClientError) as bad:
        root_iam.create_saml_provider(Name="Other", SAMLMetadataDocument="<x>" + " " * 1000)
    assert code_of(bad) == ("InvalidInput", "Could not parse metadata")
    # An XML bomb is refused by the safe parser, not expanded.
    bomb = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]><x>&a;</x>' + " " * 1000
    with pytest.raises(ClientError) as refused:
        root_iam.create_saml_provider(Name="Bomb", SAMLMetadataDocument=bomb)
    assert code_of(refused)[0] == "InvalidInput"
    root_iam.update_saml_provider(SAMLProviderArn=arn, SAMLMetadataDocument=metadata)
    root_iam.tag_saml_provider(SAMLProviderArn=arn, Tags=[{"Key": "env", "Value": "lab"}])
    root_iam.untag_saml_provider(SAMLProviderArn=arn, TagKeys=["team"])
    assert root_iam.list_saml_provider_tags(SAMLProviderArn=arn)["Tags"] == [
        {"Key": "env", "Value": "lab"}
    ]
    root_iam.delete_saml_provider(SAMLProviderArn=arn)
    with pytest.raises(ClientError) as gone:
        root_iam.get_saml_provider(SAMLProviderArn=arn)
    assert code_of(gone)[0] == "NoSuchEntity"

    oidc = root_iam.create_open_id_connect_provider(
        Url=f"https://{ISSUER_HOST}", ClientIDList=[AUDIENCE], ThumbprintList=["a" * 40]
    )["OpenIDConnectProviderArn"]
    assert oidc == f"arn:aws:iam::{account.id}:oidc-provider/{ISSUER_HOST}"
    root_iam.add_client_id_to_open_id_connect_provider(OpenIDConnectProviderArn=oidc, ClientID="b")
    root_iam.remove_client_id_from_open_id_connect_provider(
        OpenIDConnectProviderArn=oidc, ClientID=AUDIENCE
    )
    root_iam.update_open_id_connect_provider_thumbprint(
        OpenIDConnectProviderArn=oidc, ThumbprintList=["B" * 40]
    )
    got = root_iam.get_open_id_connect_provider(OpenIDConnectProviderArn=oidc)
    assert (got["Url"], got["ClientIDList"], got["ThumbprintList"]) == (
        ISSUER_HOST,
        ["b"],
        ["b" * 40],
    )
    listed = root_iam.list_open_id_connect_providers()["OpenIDConnectProviderList"]
    assert listed == [{"Arn": oidc}]
    with pytest.raises(ClientError) as twice:
        root_iam.create_open_id_connect_provider(Url=f"https://{ISSUER_HOST}/")
    assert code_of(twice)[0] == "EntityAlreadyExists"
    root_iam.tag_open_id_connect_provider(
        OpenIDConnectProviderArn=oidc, Tags=[{"Key": "k", "Value": "v"}]
    )
    tags = root_iam.list_open_id_connect_provider_tags(OpenIDConnectProviderArn=oidc)["Tags"]
    assert tags == [{"Key": "k", "Value": "v"}]
    root_iam.untag_open_id_connect_provider(OpenIDConnectProviderArn=oidc, TagKeys=["k"])
    root_iam.delete_open_id_connect_provider(OpenIDConnectProviderArn=oidc)
    with pytest.raises(ClientError) as missing:
        root_iam.get_open_id_connect_provider(OpenIDConnectProviderArn=oidc)
    assert code_of(missing)[0] == "NoSuchEntity"


@pytest.fixture
def oidc_role(live_server: Any, root_actor: Actor, root_iam: Any, account: Account) -> str:
    """An OIDC provider for Example Corp (with its JWKS, read from the directory) and a
    role that trusts it for the audience example-corp-app."""
    arn = root_iam.create_open_id_connect_provider(
        Url=f"https://{ISSUER_HOST}", ClientIDList=[AUDIENCE, "other-app"]
    )["OpenIDConnectProviderArn"]
    status, jwks = http(f"{live_server.url}/directory/oidc/jwks.json")
    assert status == 200
    provider = providers.oidc_provider_by_arn(root_actor, arn)
    providers.update_open_id_connect_provider_keys(actor=root_actor, provider=provider, jwks=jwks)
    role = services.create_role(
        actor=root_actor, name="WebApp", trust_policy=web_identity_trust(account.id)
    )
    return role.arn


def test_assume_role_with_web_identity_through_boto3(
    live_server: Any,
    oidc_role: str,
    sts_unsigned: Any,
    client_for: Callable[..., Any],
    account: Account,
) -> None:
    token = directory_token(live_server, "alice")
    answer = sts_unsigned.assume_role_with_web_identity(
        RoleArn=oidc_role, RoleSessionName="alice-app", WebIdentityToken=token
    )
    session_arn = f"arn:aws:sts::{account.id}:assumed-role/WebApp/alice-app"
    assert answer["AssumedRoleUser"]["Arn"] == session_arn
    assert answer["SubjectFromWebIdentityToken"] == "alice"
    assert answer["Provider"] == idp.ISSUER
    assert answer["Audience"] == AUDIENCE
    credentials = answer["Credentials"]
    assert credentials["AccessKeyId"].startswith("ASIA")
    caller = client_for(
        credentials["AccessKeyId"],
        credentials["SecretAccessKey"],
        "sts",
        aws_session_token=credentials["SessionToken"],
    ).get_caller_identity()
    assert caller["Arn"] == session_arn


def test_web_identity_tokens_that_are_refused(
    live_server: Any, oidc_role: str, sts_unsigned: Any
) -> None:
    def refused(token: str, role: str = oidc_role) -> tuple[str, str]:
        with pytest.raises(ClientError) as error:
            sts_unsigned.assume_role_with_web_identity(
                RoleArn=role, RoleSessionName="s1", WebIdentityToken=token
            )
        return code_of(error)

    alice = PEOPLE["alice"]
    stranger = keys.split(keys.new_key_text())
    assert refused(idp.id_token(stranger, alice))[0] == "InvalidIdentityToken"
    assert refused(directory_token(live_server, audience="someone-else")) == (
        "InvalidIdentityToken",
        "Incorrect token audience",
    )
    old = datetime.now(UTC) - timedelta(hours=3)
    expired = idp.id_token(keys.signing_key(), alice, now=old)
    assert refused(expired)[0] == "ExpiredTokenException"
    assert refused("not.a.token")[0] == "InvalidIdentityToken"
    # A registered audience the trust policy does not name: the trust policy refuses.
    other = directory_token(live_server, audience="other-app")
    code, message = refused(other)
    assert (code, message) == (
        "AccessDenied",
        "Not authorized to perform sts:AssumeRoleWithWebIdentity",
    )


def test_assume_role_with_saml_and_a_tampered_assertion(
    live_server: Any, root_iam: Any, root_actor: Actor, sts_unsigned: Any, account: Account
) -> None:
    _status, metadata = http(f"{live_server.url}/directory/saml/metadata.xml")
    provider_arn = root_iam.create_saml_provider(Name="ExampleCorp", SAMLMetadataDocument=metadata)[
        "SAMLProviderArn"
    ]
    recipient = f"{live_server.url}/saml"
    role = services.create_role(
        actor=root_actor,
        name="ExampleCorp-Developers",
        trust_policy=saml_trust(account.id, recipient),
    )
    alice = PEOPLE["alice"]
    response = idp.saml_response(
        keys.signing_key(),
        alice,
        recipient=recipient,
        roles=idp.role_values(alice, account.id, "ExampleCorp"),
    )
    answer = sts_unsigned.assume_role_with_saml(
        RoleArn=role.arn, PrincipalArn=provider_arn, SAMLAssertion=response
    )
    assert answer["AssumedRoleUser"]["Arn"] == (
        f"arn:aws:sts::{account.id}:assumed-role/ExampleCorp-Developers/alice@example.com"
    )
    assert (answer["Subject"], answer["SubjectType"]) == ("alice", "persistent")
    assert answer["Issuer"] == idp.SAML_ENTITY_ID
    assert answer["Audience"] == recipient

    tampered = base64.b64encode(
        base64.b64decode(response).replace(b">alice<", b">mallory<")
    ).decode()
    with pytest.raises(ClientError) as error:
        sts_unsigned.assume_role_with_saml(
            RoleArn=role.arn, PrincipalArn=provider_arn, SAMLAssertion=tampered
        )
    assert code_of(error) == ("InvalidIdentityToken", "Response signature invalid")
    # Signed by someone else's key.
    forged = idp.saml_response(
        keys.split(keys.new_key_text()),
        alice,
        recipient=recipient,
        roles=idp.role_values(alice, account.id, "ExampleCorp"),
    )
    with pytest.raises(ClientError) as forged_error:
        sts_unsigned.assume_role_with_saml(
            RoleArn=role.arn, PrincipalArn=provider_arn, SAMLAssertion=forged
        )
    assert code_of(forged_error)[0] == "InvalidIdentityToken"
    # A role the assertion does not offer.
    carol_role = services.create_role(
        actor=root_actor,
        name="ExampleCorp-Auditors",
        trust_policy=saml_trust(account.id, recipient),
    )
    with pytest.raises(ClientError) as not_offered:
        sts_unsigned.assume_role_with_saml(
            RoleArn=carol_role.arn, PrincipalArn=provider_arn, SAMLAssertion=response
        )
    assert code_of(not_offered)[0] == "AccessDenied"
