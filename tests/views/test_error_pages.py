"""Not found, forbidden, bad request and server error pages are the console's own: the top
bar and navigation for a signed-in visitor, the plain frame for others, and a way back.
DEBUG is off in tests, as in production."""

from __future__ import annotations

import pytest
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.test import Client, RequestFactory
from django.urls import include, path
from django.views import defaults

from accounts.models import Principal


@login_not_required
def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a bug")


# Used by the server-error tests through settings.ROOT_URLCONF.
urlpatterns = [path("boom/", _boom), path("", include("iamconsole.urls"))]


def _in_console_frame(page: str) -> bool:
    return 'class="topbar"' in page and 'class="sidenav"' in page


def test_a_missing_page_shows_the_console_frame_to_a_signed_in_user(root_client: Client) -> None:
    response = root_client.get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page and _in_console_frame(page)
    assert 'href="/">Go to the IAM dashboard</a>' in page


def test_another_accounts_object_is_the_same_404_page(
    outsider_client: Client, alice: Principal
) -> None:
    response = outsider_client.get("/users/details/alice/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_a_missing_page_shows_the_plain_frame_with_sign_in_to_a_visitor(db: None) -> None:
    response = Client().get("/no-such-page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Page not found" in page and not _in_console_frame(page)
    assert 'href="/signin/">Sign in to the console</a>' in page


def test_a_bad_host_gets_the_consoles_400_page(root_client: Client) -> None:
    # Refused before the session is read: the plain frame.
    response = root_client.get("/", HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert "Bad request" in response.content.decode()
    assert "Sign in to the console" in response.content.decode()


def test_a_nul_character_gets_the_400_page_with_its_reason(root_client: Client) -> None:
    response = root_client.get("/users/?q=a%00b")
    page = response.content.decode()
    assert response.status_code == 400
    assert "The request contains a NUL character." in page and "Bad request" in page


def test_a_forbidden_page_is_the_consoles_403(root: Principal) -> None:
    request = RequestFactory().get("/")
    request.user = root
    response = defaults.permission_denied(request, PermissionDenied())
    page = response.content.decode()
    assert response.status_code == 403
    assert "Access denied" in page and _in_console_frame(page)


def test_a_failed_csrf_check_is_the_consoles_403(root: Principal) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(root)
    response = client.post("/groups/create/", {"name": "Ops"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "Reload the page and try again." in page and _in_console_frame(page)


@pytest.mark.urls("tests.views.test_error_pages")
@pytest.mark.parametrize("signed_in", [True, False])
def test_a_server_error_shows_a_page_with_a_way_back(root: Principal, signed_in: bool) -> None:
    client = Client(raise_request_exception=False)
    if signed_in:
        client.force_login(root)
    response = client.get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Something went wrong" in page
    assert 'href="/">Go to the IAM dashboard</a>' in page
    assert 'href="/static/css/console.css"' in page
