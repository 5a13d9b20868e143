"""My security credentials: one's own password, MFA devices and access keys.

The root user's access keys are created here with AWS's "I understand" warning and the
legacy rootkey.csv; IAM users get the access keys section of the users pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.passwords import DEFAULT_RULES, rules_for
from console.flows import show_once
from console.forms import add_service_error
from console.forms.security import ChangePasswordForm
from domain import iam as services
from domain.iam import access, password_history
from domain.kernel.actors import actor_for
from domain.kernel.errors import AccessDenied, IamError

ACCESS_KEYS_SECTION = "accounts/access_keys/_section.html"
GONE = "The secret access key can no longer be retrieved."


def _has_template(name: str) -> bool:
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def security_credentials(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    principal = actor.principal
    ctx: dict[str, object] = {"nav": "", "owner": principal}
    ctx["expires_at"] = password_history.expires_at(principal, password_history.rules_of(principal))
    if principal.is_root:
        ctx["root_keys"] = access.root_access_keys(actor)
    else:
        try:
            access.get_user(actor, principal.name)
        except AccessDenied as denied:
            ctx["user_denied"] = denied.message
        ctx["access_keys_section"] = _has_template(ACCESS_KEYS_SECTION)
    return render(request, "accounts/security_credentials/page.html", ctx)


def change_password(request: HttpRequest) -> HttpResponse:
    """Update console password: current, new and confirm."""
    actor = actor_for(request)
    principal = actor.principal
    form = ChangePasswordForm(request.POST or None)
    ctx: dict[str, object] = {"form": form, "nav": ""}
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(
                actor=actor,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except AccessDenied as denied:
            ctx["denied"] = denied.message
        except IamError as error:
            add_service_error(form, error)
        else:
            update_session_auth_hash(request, principal)
            messages.success(request, "Your password has been updated.")
            return redirect("my_security_credentials")
    rules = DEFAULT_RULES if principal.is_root else rules_for(principal.account)
    ctx["rules"] = rules.describe()
    return render(request, "accounts/security_credentials/password.html", ctx)


def create_root_access_key(request: HttpRequest) -> HttpResponse:
    """Root access keys are discouraged: AWS asks for "I understand" before creating one."""
    actor = actor_for(request)
    if not actor.is_root:
        return redirect("my_security_credentials")
    ctx: dict[str, object] = {"nav": ""}
    if request.method == "POST":
        if not request.POST.get("understand"):
            ctx["understand_error"] = "Confirm that you understand before you continue."
        else:
            try:
                created = services.create_access_key(actor=actor, user=actor.principal)
            except IamError as error:
                ctx["error"] = error.message
            else:
                show_once.stash(
                    request,
                    show_once.ROOT_ACCESS_KEY,
                    actor.principal.pk,
                    {"id": created.key.access_key_id, "secret": created.secret},
                )
                return redirect("root_access_key_retrieve")
    return render(request, "accounts/security_credentials/root_key_create.html", ctx)


@never_cache
def retrieve_root_access_key(request: HttpRequest) -> HttpResponse:
    """The only time the secret is shown: once on this page and once as rootkey.csv; Done
    forgets it."""
    actor = actor_for(request)
    if not actor.is_root:
        return redirect("my_security_credentials")
    kind, owner = show_once.ROOT_ACCESS_KEY, actor.principal.pk
    if request.method == "POST":
        show_once.forget(request, kind, owner)
        return redirect("my_security_credentials")
    new_key = show_once.take(request, kind, owner, show_once.PAGE)
    can_download = show_once.can_take(request, kind, owner, show_once.CSV)
    waiting = new_key or (show_once.peek(request, kind, owner) if can_download else None)
    if waiting is None:
        messages.info(request, GONE)
        return redirect("my_security_credentials")
    ctx = {
        "nav": "",
        "key_id": waiting["id"],
        "secret": new_key["secret"] if new_key else None,
        "can_download": can_download,
    }
    return render(request, "accounts/security_credentials/root_key_retrieve.html", ctx)


@never_cache
def download_root_access_key(request: HttpRequest) -> HttpResponse:
    """rootkey.csv in AWS's legacy two-line format, once."""
    actor = actor_for(request)
    if not actor.is_root:
        return redirect("my_security_credentials")
    new_key = show_once.take(request, show_once.ROOT_ACCESS_KEY, actor.principal.pk, show_once.CSV)
    if new_key is None:
        messages.info(request, GONE)
        return redirect("my_security_credentials")
    body = f"AWSAccessKeyId={new_key['id']}\r\nAWSSecretKey={new_key['secret']}\r\n"
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="rootkey.csv"'
    return response


@require_POST
def update_root_access_key(request: HttpRequest, access_key_id: str) -> HttpResponse:
    """Activate, deactivate or delete one of root's keys (the form says which)."""
    actor = actor_for(request)
    if not actor.is_root:
        return redirect("my_security_credentials")
    operation = request.POST.get("operation", "")
    try:
        if operation == "delete":
            services.delete_inactive_access_key(
                actor=actor, user=actor.principal, access_key_id=access_key_id
            )
        else:
            status = "Active" if operation == "activate" else "Inactive"
            services.update_access_key(
                actor=actor, user=actor.principal, access_key_id=access_key_id, status=status
            )
    except IamError as error:
        messages.error(request, error.message)
    else:
        done = {"delete": "deleted", "activate": "activated"}.get(operation, "deactivated")
        messages.success(request, f"Access key {access_key_id} {done}.")
    return redirect("my_security_credentials")
