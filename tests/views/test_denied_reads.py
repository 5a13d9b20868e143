"""A user whose policies deny the read of the object a page is about sees AWS's message in
the console frame (403), never a server error."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounts.models import Principal
from domain import iam as services
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor

EC2_TRUST = services.service_trust_policy("ec2")
POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'


@pytest.fixture
def objects(root_actor: Actor, alice: Principal, bob: Principal) -> None:
    """A role, a group and a policy named by the routes; alice has no policies at all."""
    services.create_role(actor=root_actor, name="web", trust_policy=EC2_TRUST)
    group = services.create_group(actor=root_actor, name="Ops")
    policy_services.put_group_policy(actor=root_actor, group=group, name="in", document=POLICY)
    policy_services.put_user_policy(actor=root_actor, user=bob, name="in", document=POLICY)
    policy_services.create_policy(actor=root_actor, name="Mine", document=POLICY)


@pytest.mark.parametrize(
    "url",
    [
        "/roles/details/web/edit/",
        "/roles/details/web/trust/",
        "/roles/details/web/inline/",
        "/roles/details/web/inline/?policy=in",
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_role_pages_show_the_aws_denial_when_get_role_is_denied(
    alice_client: Client, alice: Principal, objects: None, url: str, method: str
) -> None:
    response = getattr(alice_client, method)(url)
    page = response.content.decode()
    assert response.status_code == 403
    assert (
        f"User: {alice.arn} is not authorized to perform: iam:GetRole on resource: "
        f"arn:aws:iam::{alice.account_id}:role/web" in page
    )
    assert 'class="topbar"' in page and 'class="sidenav"' in page


def test_a_role_action_is_refused_with_the_aws_denial(alice_client: Client, objects: None) -> None:
    response = alice_client.post("/roles/details/web/action/", {"op": "untag", "key": "k"})
    assert response.status_code == 403
    assert "is not authorized to perform: iam:GetRole" in response.content.decode()


def _routes() -> list[str]:
    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> list[str]:
        found: list[str] = []
        for p in patterns:
            if isinstance(p, URLResolver):
                found += walk(p.url_patterns, prefix + str(p.pattern))
            else:
                found.append(prefix + str(p.pattern))
        return found

    return walk(get_resolver().url_patterns, "")


FILL = {"name": "web", "policy": "in", "policy_name": "in", "scope": "local", "device_id": "1"}


def _url(route: str) -> str:
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route.lstrip("^").rstrip("$"))
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: FILL.get(m.group(1), "x"), route)


def _object_urls() -> list[str]:
    """Every page about one named user, group, role or policy, named so the object exists."""
    urls = []
    for route in _routes():
        url = _url(route)
        for prefix, name in (("/users/", "bob"), ("/groups/", "Ops"), ("/policies/", "Mine")):
            if url.startswith(prefix + "details/web/") or url.startswith(prefix + "local/web/"):
                url = url.replace("/web/", f"/{name}/", 1)
        if "<" not in url and ("/details/" in url or "/local/" in url):
            urls.append(url)
    return sorted(set(urls))


@pytest.mark.parametrize("url", _object_urls())
def test_every_page_about_one_object_answers_a_user_without_policies_without_a_500(
    alice_client: Client, objects: None, url: str
) -> None:
    for response in (alice_client.get(url), alice_client.post(url, {"op": "attach"})):
        assert response.status_code < 500, url
        if response.status_code == 403:
            assert "is not authorized to perform" in response.content.decode(), url
