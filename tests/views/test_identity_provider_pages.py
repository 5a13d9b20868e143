"""The Identity providers pages and the role wizard's Web identity step, with the test client."""

from __future__ import annotations

import json

from django.test import Client

from accounts.models import OpenIDConnectProvider
from directory import idp, keys

DETAIL = "/identity-providers/details/oidc/idp.example.com/"


def test_add_an_oidc_provider_change_its_audiences_and_use_it_in_the_wizard(
    root_client: Client,
) -> None:
    jwks = json.dumps(idp.jwks(keys.signing_key()))
    bad = root_client.post(
        "/identity-providers/create/",
        {"provider_type": "oidc", "url": "http://idp.example.com", "audience": "app"},
    )
    assert "it must begin with https://" in bad.content.decode()
    answer = root_client.post(
        "/identity-providers/create/",
        {
            "provider_type": "oidc",
            "url": "https://idp.example.com",
            "audience": "example-corp-app",
            "jwks": jwks,
        },
    )
    assert answer["Location"] == DETAIL
    root_client.post(DETAIL + "action/", {"op": "add_audience", "audience": "second-app"})
    root_client.post(DETAIL + "action/", {"op": "remove_audience", "audience": "example-corp-app"})
    provider = OpenIDConnectProvider.objects.get()
    assert provider.client_ids == ["second-app"]
    assert json.loads(provider.jwks)["keys"][0]["kid"] == keys.signing_key().key_id
    page = root_client.get("/identity-providers/").content.decode()
    assert "idp.example.com" in page and "OpenID Connect" in page

    location = root_client.get("/roles/create/")["Location"]
    trust_step = location
    answer = root_client.post(
        trust_step,
        {"trust_type": "web_identity", "oidc_provider": provider.arn, "audience": "second-app"},
    )
    assert answer.status_code == 302, answer.content.decode()[-1500:]
    review = location.replace("/trust/", "/review/")
    root_client.post(location.replace("/trust/", "/permissions/"), {"go": "next"})
    page = root_client.get(review).content.decode()
    assert "sts:AssumeRoleWithWebIdentity" in page
    assert "idp.example.com:aud" in page

    wrong = root_client.post(
        "/identity-providers/details/oidc/idp.example.com/delete/", {"confirm": "nope"}
    )
    assert wrong["Location"] == DETAIL and OpenIDConnectProvider.objects.exists()
    root_client.post(DETAIL + "delete/", {"confirm": "idp.example.com"})
    assert not OpenIDConnectProvider.objects.exists()
