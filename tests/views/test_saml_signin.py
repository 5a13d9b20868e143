"""The console's SAML sign-in URL with the test client: one role signs straight in, a
federated session cannot switch back to the account it is anchored to, and once it expires
the browser is signed out whole."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from django.test import Client

from accounts.models import TemporaryCredential
from directory import idp, keys
from directory.people import PEOPLE
from domain import iam as services
from domain.iam import identity_providers as providers
from domain.kernel.actors import Actor

SIGNIN = "http://testserver/saml"


def signed_in_as_alice(root_actor: Actor) -> Client:
    metadata = idp.saml_metadata(keys.signing_key(), "http://testserver/directory/")
    saml = providers.create_saml_provider(
        actor=root_actor, name="ExampleCorp", saml_metadata_document=metadata
    )
    trust = providers.saml_trust_policy(
        root_actor, saml.arn, console_access=True, signin_url=SIGNIN
    )
    services.create_role(actor=root_actor, name="ExampleCorp-Developers", trust_policy=trust)
    alice = PEOPLE["alice"]
    response = idp.saml_response(
        keys.signing_key(),
        alice,
        recipient=SIGNIN,
        roles=idp.role_values(alice, root_actor.account.id, "ExampleCorp"),
    )
    client = Client()
    answer = client.post("/saml", {"SAMLResponse": response})
    assert answer.status_code == 302 and answer["Location"] == "/"
    return client


def test_one_role_signs_straight_in_and_switch_back_is_not_offered(root_actor: Actor) -> None:
    client = signed_in_as_alice(root_actor)
    page = client.get("/").content.decode()
    assert "assumed-role/ExampleCorp-Developers/alice@example.com" in page
    assert "Switch back" not in page
    # Switch back would leave the anchor (the account's root) signed in: refused.
    answer = client.post("/switchrole/back/")
    assert answer["Location"] == "/"
    assert "assumed-role/ExampleCorp-Developers" in client.get("/").content.decode()


def test_an_expired_federated_session_signs_the_browser_out(root_actor: Actor) -> None:
    client = signed_in_as_alice(root_actor)
    TemporaryCredential.objects.update(expires_at=datetime.now(UTC) - timedelta(seconds=1))
    answer = client.get("/users/")
    assert answer.status_code == 302 and answer["Location"] == "/signin/"
    answer = client.get("/users/")
    assert answer["Location"].startswith("/signin/?next=")


def test_a_response_that_is_not_base64_is_refused_on_a_page(db: None) -> None:
    answer = Client().post("/saml", {"SAMLResponse": "%%%"})
    assert answer.status_code == 400
    assert "Your request included an invalid SAML response." in answer.content.decode()
