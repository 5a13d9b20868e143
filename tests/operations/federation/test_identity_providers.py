"""Identity providers in the domain: AWS's validation and errors, account scoping, the
trust policies the role wizard writes, and what AssumeRoleWithWebIdentity and
AssumeRoleWithSAML check (without HTTP: the API tests drive them with boto3)."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime, timedelta

import pytest

from accounts.models import Principal, TemporaryCredential
from directory import idp, keys
from directory.people import PEOPLE
from domain import iam as services
from domain.iam import identity_providers as providers
from domain.iam import sts
from domain.kernel.actors import Actor, system_actor
from domain.kernel.errors import (
    AccessDenied,
    EntityAlreadyExists,
    ExpiredTokenException,
    InvalidIdentityToken,
    InvalidInput,
    NoSuchEntity,
    ValidationError,
)

SIGNIN = "https://console.example.test/saml"


def metadata() -> str:
    return idp.saml_metadata(keys.signing_key(), "https://console.example.test/directory/")


def test_saml_provider_names_metadata_and_scoping(root_actor: Actor, outsider: Principal) -> None:
    with pytest.raises(ValidationError, match="regular expression"):
        providers.create_saml_provider(
            actor=root_actor, name="bad name", saml_metadata_document=metadata()
        )
    with pytest.raises(ValidationError, match="greater than or equal to 1000"):
        providers.create_saml_provider(actor=root_actor, name="x", saml_metadata_document="<x/>")
    no_idp = metadata().replace("IDPSSODescriptor", "SPSSODescriptor")
    with pytest.raises(InvalidInput, match="Could not parse metadata"):
        providers.create_saml_provider(actor=root_actor, name="x", saml_metadata_document=no_idp)
    expired = metadata().replace(
        "<md:EntityDescriptor ", '<md:EntityDescriptor validUntil="2001-01-01T00:00:00Z" '
    )
    with pytest.raises(InvalidInput, match="expired"):
        providers.create_saml_provider(actor=root_actor, name="x", saml_metadata_document=expired)
    provider = providers.create_saml_provider(
        actor=root_actor, name="ExampleCorp", saml_metadata_document=metadata()
    )
    with pytest.raises(EntityAlreadyExists):
        providers.create_saml_provider(
            actor=root_actor, name="ExampleCorp", saml_metadata_document=metadata()
        )
    # Another account's provider is not there for its root.
    with pytest.raises(NoSuchEntity):
        providers.get_saml_provider(system_actor(outsider), provider.arn)


def test_oidc_provider_validation(root_actor: Actor, bob: Principal) -> None:
    with pytest.raises(ValidationError, match="https://"):
        providers.create_open_id_connect_provider(actor=root_actor, url="http://idp.example.com")
    with pytest.raises(ValidationError, match="thumbprint"):
        providers.create_open_id_connect_provider(
            actor=root_actor, url="https://idp.example.com", thumbprints=["abc"]
        )
    with pytest.raises(InvalidInput, match="JWKS"):
        providers.create_open_id_connect_provider(
            actor=root_actor, url="https://idp.example.com", jwks='{"keys": []}'
        )
    provider = providers.create_open_id_connect_provider(
        actor=root_actor, url="https://idp.example.com/", client_ids=["a", "a", "b"]
    )
    assert (provider.url, provider.client_ids) == ("idp.example.com", ["a", "b"])
    with pytest.raises(AccessDenied, match="iam:AddClientIDToOpenIDConnectProvider"):
        providers.add_client_id_to_open_id_connect_provider(
            actor=system_actor(bob), provider=provider, client_id="c"
        )


def test_the_role_wizards_federated_trust_policies(root_actor: Actor) -> None:
    account = root_actor.account.id
    oidc = providers.create_open_id_connect_provider(
        actor=root_actor, url="https://idp.example.com", client_ids=["app"]
    )
    web = json.loads(providers.web_identity_trust_policy(root_actor, oidc.arn, "app"))
    assert web["Statement"] == [
        {
            "Effect": "Allow",
            "Principal": {"Federated": f"arn:aws:iam::{account}:oidc-provider/idp.example.com"},
            "Action": "sts:AssumeRoleWithWebIdentity",
            "Condition": {"StringEquals": {"idp.example.com:aud": "app"}},
        }
    ]
    with pytest.raises(ValidationError, match="audiences"):
        providers.web_identity_trust_policy(root_actor, oidc.arn, "other")
    saml = providers.create_saml_provider(
        actor=root_actor, name="ExampleCorp", saml_metadata_document=metadata()
    )
    console = json.loads(
        providers.saml_trust_policy(root_actor, saml.arn, console_access=True, signin_url=SIGNIN)
    )
    assert console["Statement"][0]["Condition"] == {"StringEquals": {"SAML:aud": SIGNIN}}
    assert console["Statement"][0]["Action"] == "sts:AssumeRoleWithSAML"
    with pytest.raises(ValidationError, match="value"):
        providers.saml_trust_policy(
            root_actor, saml.arn, console_access=False, signin_url=SIGNIN, attribute="SAML:sub"
        )


@pytest.fixture
def saml_role(root_actor: Actor) -> str:
    saml = providers.create_saml_provider(
        actor=root_actor, name="ExampleCorp", saml_metadata_document=metadata()
    )
    trust = providers.saml_trust_policy(
        root_actor, saml.arn, console_access=True, signin_url=SIGNIN
    )
    return services.create_role(
        actor=root_actor, name="ExampleCorp-Developers", trust_policy=trust
    ).arn


def response_for(account_id: str, person: str = "alice", **kwargs: object) -> str:
    who = PEOPLE[person]
    return idp.saml_response(
        keys.signing_key(),
        who,
        recipient=kwargs.pop("recipient", SIGNIN),  # type: ignore[arg-type]  # a str
        roles=idp.role_values(who, account_id, "ExampleCorp"),
        **kwargs,  # type: ignore[arg-type]  # now=
    )


def test_assume_role_with_saml_checks_audience_expiry_and_the_signed_part(
    root_actor: Actor, saml_role: str
) -> None:
    account = root_actor.account.id
    provider_arn = f"arn:aws:iam::{account}:saml-provider/ExampleCorp"
    done = sts.assume_role_with_saml(
        role_arn=saml_role, principal_arn=provider_arn, saml_assertion=response_for(account)
    )
    assert done.assumed.arn.endswith("assumed-role/ExampleCorp-Developers/alice@example.com")
    row = TemporaryCredential.objects.get(access_key_id=done.assumed.credentials.access_key_id)
    assert row.source == TemporaryCredential.Source.SAML
    # Duration: the assertion's SessionDuration (3600).
    assert (row.expires_at - row.issued_at) == timedelta(hours=1)

    elsewhere = response_for(account, recipient="https://elsewhere.example/saml")
    with pytest.raises(AccessDenied):
        sts.assume_role_with_saml(
            role_arn=saml_role, principal_arn=provider_arn, saml_assertion=elsewhere
        )
    old = response_for(account, now=datetime.now(UTC) - timedelta(hours=1))
    with pytest.raises(ExpiredTokenException):
        sts.assume_role_with_saml(
            role_arn=saml_role, principal_arn=provider_arn, saml_assertion=old
        )
    # Signature wrapping: an unsigned assertion put before the signed one is never read.
    xml = base64.b64decode(response_for(account)).decode()
    start = xml.index("<saml:Assertion")
    forged = xml[start : xml.index("</saml:Assertion>") + len("</saml:Assertion>")]
    forged = forged.replace(">alice<", ">mallory<").replace('ID="_', 'ID="_x')
    wrapped = xml[:start] + forged + xml[start:]
    with pytest.raises(InvalidIdentityToken):
        sts.assume_role_with_saml(
            role_arn=saml_role,
            principal_arn=provider_arn,
            saml_assertion=base64.b64encode(wrapped.encode()).decode(),
        )


def test_web_identity_needs_a_provider_with_keys(root_actor: Actor) -> None:
    account = root_actor.account.id
    providers.create_open_id_connect_provider(
        actor=root_actor, url="https://idp.example.com", client_ids=[idp.DEFAULT_AUDIENCE]
    )
    provider_arn = f"arn:aws:iam::{account}:oidc-provider/idp.example.com"
    trust = providers.web_identity_trust_policy(root_actor, provider_arn, idp.DEFAULT_AUDIENCE)
    role = services.create_role(actor=root_actor, name="App", trust_policy=trust)
    token = idp.id_token(keys.signing_key(), PEOPLE["bob"])
    # No JWKS yet: AWS's "Couldn't retrieve verification key".
    with pytest.raises(InvalidIdentityToken, match="verification key"):
        sts.assume_role_with_web_identity(
            role_arn=role.arn, role_session_name="bob", web_identity_token=token
        )
    provider = providers.oidc_provider_by_arn(root_actor, provider_arn)
    providers.update_open_id_connect_provider_keys(
        actor=root_actor, provider=provider, jwks=json.dumps(idp.jwks(keys.signing_key()))
    )
    done = sts.assume_role_with_web_identity(
        role_arn=role.arn, role_session_name="bob", web_identity_token=token
    )
    assert (done.subject, done.audience) == ("bob", idp.DEFAULT_AUDIENCE)
    unknown = idp.id_token(keys.signing_key(), PEOPLE["bob"]).split(".")
    with pytest.raises(InvalidIdentityToken):
        sts.assume_role_with_web_identity(
            role_arn=role.arn,
            role_session_name="bob",
            web_identity_token=".".join([unknown[0], unknown[1], unknown[2][::-1]]),
        )
