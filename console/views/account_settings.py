"""Account settings: the account password policy (view, edit, confirm)."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.passwords import DEFAULT_RULES
from console.forms import add_service_error
from console.forms.security import PasswordPolicyForm
from domain import iam as services
from domain.iam import access
from domain.iam.password_policy import validate_password_policy
from domain.kernel.actors import actor_for
from domain.kernel.errors import AccessDenied, IamError

FORM_TEMPLATE = "accounts/settings/password_policy_form.html"


def account_settings(request: HttpRequest) -> HttpResponse:
    ctx: dict[str, object] = {"nav": "account_settings"}
    try:
        ctx["policy"] = access.get_account_password_policy(actor_for(request))
    except AccessDenied as denied:
        ctx["policy_denied"] = denied.message
    return render(request, "accounts/settings/account_settings.html", ctx)


def edit_password_policy(request: HttpRequest) -> HttpResponse:
    """Edit → Save changes → confirm with Set custom (or Set default); nothing is saved
    before the confirmation. The confirm step carries the form's values as hidden fields,
    so it works without JavaScript and keeps no state on the server."""
    actor = actor_for(request)
    ctx: dict[str, object] = {"nav": "account_settings"}
    try:
        current = access.get_account_password_policy(actor)
    except AccessDenied as denied:
        ctx["denied"] = denied.message
        current = DEFAULT_RULES
    form = PasswordPolicyForm(request.POST or None, initial=PasswordPolicyForm.initial_for(current))
    ctx["form"] = form
    if request.method != "POST" or "back" in request.POST or not form.is_valid():
        return render(request, FORM_TEMPLATE, ctx)
    rules = form.rules()
    confirmed = "confirm" in request.POST
    try:
        if rules is not None:
            validate_password_policy(rules)
        if confirmed:
            if rules is None:
                services.delete_account_password_policy(actor=actor)
            else:
                services.update_account_password_policy(actor=actor, rules=rules)
    except AccessDenied as denied:
        ctx["denied"] = denied.message
    except IamError as error:
        add_service_error(form, error)
    else:
        if not confirmed:
            ctx["policy"] = rules or DEFAULT_RULES
            return render(request, "accounts/settings/password_policy_confirm.html", ctx)
        messages.success(request, "Password policy updated.")
        return redirect("account_settings")
    return render(request, FORM_TEMPLATE, ctx)
