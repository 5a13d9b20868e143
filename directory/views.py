"""Example Corp's pages: the sign-in page (pick a person), the SAML single sign-on step
that posts a signed response to the console, the ID token endpoint, and what an identity
provider publishes (SAML metadata, OIDC discovery, JWKS)."""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from directory import idp
from directory.keys import signing_key
from directory.people import GROUPS, PEOPLE

_ACCOUNT = re.compile(r"\d{12}")
_PROVIDER = re.compile(r"[\w._-]{1,128}")
_AUDIENCE = re.compile(r"[\x21-\x7e]{1,255}")


def _base_url(request: HttpRequest) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _saml_errors(account: str, provider: str) -> dict[str, str]:
    errors = {}
    if not _ACCOUNT.fullmatch(account):
        errors["account"] = "Enter the 12-digit ID of the AWS account to sign in to."
    if not _PROVIDER.fullmatch(provider):
        errors["provider"] = (
            "Enter the name of the SAML provider the account registered for Example Corp."
        )
    return errors


@login_not_required
@require_http_methods(["GET", "POST"])
def signin(request: HttpRequest) -> HttpResponse:
    """Pick a person; SAML posts a signed response to the console's SAML sign-in URL."""
    values = {
        "person": request.POST.get("person") or request.GET.get("person", ""),
        "account": (request.POST.get("account") or request.GET.get("account", "")).strip(),
        "provider": (
            request.POST.get("provider") or request.GET.get("provider", "ExampleCorp")
        ).strip(),
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        person = PEOPLE.get(values["person"])
        if person is None:
            errors["person"] = "Choose who you are."
        errors |= _saml_errors(values["account"], values["provider"])
        if person is not None and not errors:
            recipient = request.build_absolute_uri(reverse("saml_signin"))
            response = idp.saml_response(
                signing_key(),
                person,
                recipient=recipient,
                roles=idp.role_values(person, values["account"], values["provider"]),
            )
            context = {"person": person, "recipient": recipient, "saml_response": response}
            return render(request, "directory/post_response.html", context)
    return render(
        request,
        "directory/signin.html",
        {"people": PEOPLE.values(), "groups": GROUPS, "values": values, "errors": errors},
    )


@login_not_required
@require_GET
def saml_metadata(request: HttpRequest) -> HttpResponse:
    sso = request.build_absolute_uri(reverse("directory_signin"))
    document = idp.saml_metadata(signing_key(), sso)
    response = HttpResponse(document, content_type="application/samlmetadata+xml")
    response["Content-Disposition"] = 'attachment; filename="example-corp-metadata.xml"'
    return response


@login_not_required
@require_GET
def openid_configuration(request: HttpRequest) -> JsonResponse:
    return JsonResponse(idp.discovery(_base_url(request)))


@login_not_required
@require_GET
def jwks(request: HttpRequest) -> JsonResponse:
    return JsonResponse(idp.jwks(signing_key()))


@login_not_required
@csrf_exempt
@require_POST
def token(request: HttpRequest) -> JsonResponse:
    """An ID token for a person (practice: no client authentication), as JSON."""
    person = PEOPLE.get(request.POST.get("person", ""))
    audience = request.POST.get("audience", idp.DEFAULT_AUDIENCE)
    if person is None or not _AUDIENCE.fullmatch(audience):
        return JsonResponse(
            {"error": "invalid_request", "error_description": "Unknown person or bad audience."},
            status=400,
        )
    id_token = idp.id_token(signing_key(), person, audience=audience)
    lifetime = int(idp.TOKEN_LIFETIME.total_seconds())
    return JsonResponse({"id_token": id_token, "token_type": "Bearer", "expires_in": lifetime})
