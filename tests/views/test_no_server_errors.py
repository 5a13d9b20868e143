"""No input may produce a 500: every console URL, read and posted with hostile values.

For each route the test fills the URL with real and bogus names, reads the page, collects
the names of its form fields and posts each of them with values a careless or curious
student might send (empty, NUL bytes, non-Latin text, numbers out of range, broken JSON,
JSON nested 10,000 levels deep, names of 60,000 characters: past SQLite's 50,000-byte
LIKE pattern limit). Exceptions propagate from the test client, so any unhandled error
fails here. It runs on SQLite (make test) and PostgreSQL (make test-postgres).

To keep the sweep's time, similar values share a post: in a round of two values, fields
take them in turn, and the second client starts with the other one, so every field still
receives every value.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from django.test import Client
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve

from accounts.models import Principal
from directory import idp
from directory.keys import signing_key
from domain import iam as services
from domain import s3
from domain.iam import identity_providers
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor
from policies.models import ManagedPolicy
from tests.conftest import PASSWORD
from tests.routes import named_routes

LONG = "n" * 60_000
DEEP_ARRAYS = "[" * 10_000 + "]" * 10_000
DEEP_OBJECTS = '{"a":' * 10_000 + "1" + "}" * 10_000
# One post per round; a round of several values hands them out to the fields in turn.
HOSTILE: list[tuple[str, ...]] = [
    ("",),
    ("\x00",),
    (LONG,),
    ("💥 ünïcode ☃",),
    ("-1", "99999999999999999999999"),
    ("../../etc/passwd", "<script>alert(1)</script>"),
    ('{"Version": "2012-10-17", "Statement": [',),
    (DEEP_ARRAYS, DEEP_OBJECTS),
]
POLICY = '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}'
FIELD = re.compile(r'name="([A-Za-z_][\w-]*)"')


def _routes() -> Iterator[tuple[str, str]]:
    def walk(patterns: list[URLPattern | URLResolver], prefix: str) -> Iterator[tuple[str, str]]:
        for p in patterns:
            if isinstance(p, URLResolver):
                yield from walk(p.url_patterns, prefix + str(p.pattern))
            else:
                yield str(p.name), prefix + str(p.pattern)

    yield from walk(get_resolver().url_patterns, "")


ROUTES = sorted(set(_routes()))
VALUES = {
    "name": ["alice", "Ops", "web", "Mine", "nobody", LONG],
    "policy": ["inline1", "missing"],
    "policy_name": ["inline1", "missing"],
    "key_id": ["AKIAIOSFODNN7EXAMPLE"],
    "access_key_id": ["AKIAIOSFODNN7EXAMPLE"],
    "device_id": ["1", "999999"],
    "account": ["demo", "000000000000", "no-such-alias"],
    "scope": ["aws", "local"],
    "step": ["details", "permissions", "review", "bogus"],
    "wizard": ["bogus"],
    "index": ["0", "7"],
    "kind": ["saml", "oidc", "bogus"],
    "class_id": ["1", "999999"],
    "bucket": ["sweep-bucket", "Bad_Name", LONG],
    "key": ["a.txt", "folder/b.txt"],
}


def _urls(route: str) -> list[str]:
    """Concrete URLs for a route pattern, one per value of each placeholder."""
    route = route.lstrip("^").rstrip("$")
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route)
    route = re.sub(r"<(?:\w+:)?(\w+)>", r"<\1>", route)
    names = re.findall(r"<(\w+)>", route)
    if not names:
        return ["/" + route]
    urls = []
    for name in names:
        for value in VALUES.get(name, ["x"]):
            url = route
            for other in names:
                url = url.replace(f"<{other}>", value if other == name else VALUES[other][0])
            urls.append("/" + url)
    return urls


@pytest.fixture
def world(root_actor: Actor, alice: Principal) -> Principal:
    """A small account with one of everything the routes can name."""
    group = services.create_group(actor=root_actor, name="Ops")
    services.add_user_to_group(actor=root_actor, group=group, user=alice)
    policy_services.create_policy(actor=root_actor, name="Mine", document=POLICY)
    readonly = ManagedPolicy.objects.get(name="IAMReadOnlyAccess", account=None)
    policy_services.attach_user_policy(actor=root_actor, user=alice, policy=readonly)
    policy_services.put_user_policy(actor=root_actor, user=alice, name="inline1", document=POLICY)
    policy_services.put_group_policy(actor=root_actor, group=group, name="inline1", document=POLICY)
    trust = (
        '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
        '"Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
    )
    services.create_role(actor=root_actor, name="web", trust_policy=trust)
    metadata = idp.saml_metadata(signing_key(), "https://testserver/directory/")
    identity_providers.create_saml_provider(
        actor=root_actor, name="web", saml_metadata_document=metadata
    )
    s3.create_bucket(actor=root_actor, name="sweep-bucket")
    s3.put_object(actor=root_actor, bucket_name="sweep-bucket", key="a.txt", body=b"a")
    return alice


def test_the_sweep_reaches_every_named_route(db: None) -> None:
    """Each named route gets at least one URL that Django resolves back to that route."""
    reached = set()
    for _, route in ROUTES:
        for url in _urls(route):
            try:
                reached.add(resolve(url).url_name)
            except Resolver404:  # a 60,000-character name is past a policy name's pattern
                continue
    assert sorted(set(named_routes()) - reached) == []


def _exercise(client: Client, url: str, turn: int = 0) -> None:
    page = client.get(url)
    assert page.status_code < 500, (url, page.status_code)
    query = f"?page=-1&page_size=abc&q={LONG}&tab=zzz&type=x&user=nobody&next=//evil"
    response = client.get(url + query)
    assert response.status_code < 500, (url + query[:80], response.status_code)
    fields = (
        set(FIELD.findall(page.content.decode(errors="replace")))
        if page.status_code == 200
        else set()
    )
    fields.discard("csrfmiddlewaretoken")
    fields |= {"name", "document", "confirm"}
    for values in HOSTILE:
        data = {field: values[(i + turn) % len(values)] for i, field in enumerate(sorted(fields))}
        response = client.post(url, data)
        assert response.status_code < 500, (url, values[0][:20], response.status_code)


@pytest.mark.parametrize(("name", "route"), ROUTES, ids=[name for name, _ in ROUTES])
def test_no_route_answers_hostile_input_with_a_server_error(
    world: Principal, root: Principal, name: str, route: str
) -> None:
    for url in _urls(route):
        root_client = Client()
        root_client.force_login(root)
        _exercise(root_client, url)
        user_client = Client()
        user_client.force_login(world)
        _exercise(user_client, url, turn=1)


def test_the_create_user_wizard_survives_hostile_input(root: Principal) -> None:
    client = Client()
    client.force_login(root)
    start = client.get("/users/create/")
    base = start["Location"].rsplit("/", 2)[0]
    for step in ("details", "permissions", "review", "retrieve", "credentials.csv", "cancel"):
        suffix = f"/{step}/" if "." not in step else f"/{step}"
        _exercise(client, base + suffix)
        _exercise(client, base + suffix, turn=1)


def test_signed_out_visitors_cannot_cause_server_errors(db: None) -> None:
    client = Client()
    for url in (
        "/signin/",
        "/signin/root/",
        "/signin/demo/",
        "/signin/mfa/",
        "/signup/",
        "/signin/new-password/",
    ):
        _exercise(client, url)
    # A password that is right for nobody, with the MFA step reached by nobody.
    client.post("/signin/", {"kind": "root", "email": "nobody@example.com"})
    assert client.post("/signin/root/", {"password": PASSWORD}).status_code < 500


def test_a_nul_character_is_refused_with_a_clear_400(root_client: Client) -> None:
    response = root_client.post("/groups/create/", {"name": "Ops\x00"})
    assert response.status_code == 400
    assert "The request contains a NUL character." in response.content.decode()
    assert root_client.get("/users/?q=a%00b").status_code == 400
