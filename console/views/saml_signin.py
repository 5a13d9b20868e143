"""The console's SAML sign-in URL (AWS's https://signin.aws.amazon.com/saml): an identity
provider posts a signed SAMLResponse here; with several roles offered the person picks one
("Select a role"), then AssumeRoleWithSAML makes the role session the console acts as."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.csrf import csrf_exempt

from console.flows import federation
from domain.iam import sts
from domain.kernel.errors import IamError


def _refused(request: HttpRequest, error: IamError) -> HttpResponse:
    return render(request, "accounts/saml_error.html", {"error": error}, status=400)


@csrf_exempt  # posted by the identity provider's page, as AWS's endpoint is
@login_not_required
def saml_signin(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return redirect("signin")
    response = request.POST.get("SAMLResponse", "")
    chosen = request.POST.get("roleIndex", "")
    try:
        offered = sts.saml_sign_in_roles(saml_response=response)
    except IamError as error:
        return _refused(request, error)
    choices = {f"{role},{provider}": (role, provider) for role, provider in offered}
    if len(choices) > 1 and chosen not in choices:
        accounts: dict[str, list[tuple[str, str]]] = {}
        for value, (role, _provider) in choices.items():
            accounts.setdefault(role.split(":")[4], []).append((value, role.rsplit("/", 1)[-1]))
        context = {
            "saml_response": response,
            "accounts": sorted(accounts.items()),
            "missing": bool(request.POST.get("chose")),
        }
        return render(request, "accounts/saml_select_role.html", context)
    role_arn, provider_arn = choices.get(chosen) or next(iter(choices.values()))
    try:
        federated = sts.assume_role_with_saml(
            role_arn=role_arn, principal_arn=provider_arn, saml_assertion=response
        )
    except IamError as error:
        return _refused(request, error)
    federation.start(request, federated)
    expires = federated.assumed.credentials.expiration
    messages.success(
        request,
        f"Signed in as {federated.assumed.arn.split(':', 5)[5]}. "
        f"The session lasts until {expires:%Y-%m-%d %H:%M} UTC.",
    )
    return redirect("dashboard")
