"""The IAM dashboard and the account alias."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from console.forms import AccountAliasForm, add_service_error
from domain import iam as services
from domain.iam import access
from domain.iam.recommendations import security_recommendations
from domain.kernel.actors import actor_for
from domain.kernel.errors import AccessDenied, IamError


def signin_url(request: HttpRequest, account_ref: str) -> str:
    return request.build_absolute_uri(reverse("signin_user", args=[account_ref]))


def dashboard(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    ctx: dict[str, object] = {"account_id": actor.account.id, "nav": "dashboard"}
    try:
        ctx["summary"] = access.get_account_summary(actor)
    except AccessDenied as denied:
        ctx["summary_error"] = denied.message
    try:
        ctx["recommendations"] = security_recommendations(actor)
    except AccessDenied as denied:
        ctx["recommendations_error"] = denied.message
    try:
        aliases = access.list_account_aliases(actor)
        ctx["alias"] = aliases[0] if aliases else None
        ctx["signin_url"] = signin_url(request, aliases[0] if aliases else actor.account.id)
    except AccessDenied as denied:
        ctx["alias_error"] = denied.message
        ctx["signin_url"] = signin_url(request, actor.account.id)
    return render(request, "accounts/dashboard.html", ctx)


def edit_alias(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    form = AccountAliasForm(request.POST or None, initial={"alias": actor.account.alias or ""})
    if request.method == "POST" and form.is_valid():
        try:
            services.create_account_alias(actor=actor, alias=form.cleaned_data["alias"])
        except IamError as error:
            add_service_error(form, error)
        else:
            messages.success(request, "Account alias saved.")
            return redirect("dashboard")
    return render(request, "accounts/alias_form.html", {"form": form})


@require_POST
def delete_alias(request: HttpRequest) -> HttpResponse:
    try:
        services.delete_account_alias(actor=actor_for(request))
    except IamError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, "Account alias deleted.")
    return redirect("dashboard")
