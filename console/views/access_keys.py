"""Access keys of an IAM user: the create flow (use case, description, retrieve once),
activate / deactivate, and type-to-confirm delete."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.models import AccessKey, Principal
from console.flows import show_once
from console.flows.wizard import Wizard, WizardState
from console.forms import (
    ACCESS_KEY_USE_CASES,
    AccessKeyDescriptionForm,
    AccessKeyUseCaseForm,
    ConfirmDeleteForm,
    add_service_error,
)
from console.views.denial import shows_denial
from domain import iam as services
from domain.iam import access
from domain.kernel.actors import actor_for
from domain.kernel.csv_files import csv_text
from domain.kernel.errors import AccessDenied, IamError

# The secret waits in console.flows.show_once between Create and the Retrieve page: shown once
# there and once as the .csv file; it leaves on Done, when another key is created for the
# same user, or after a few minutes.
GONE = "The secret access key can no longer be retrieved."
Ctx = dict[str, Any]


@dataclass
class NewAccessKeyState(WizardState):
    use_case: str = ""
    description: str = ""


WIZARD = Wizard(
    name="create-access-key",
    title="Create access key",
    state=NewAccessKeyState,
    steps=[
        ("use_case", "Access key best practices & alternatives"),
        ("description", "Set description tag (optional)"),
        ("retrieve", "Retrieve access keys"),
    ],
    url_name="access_key_create_step",
    start_name="access_key_create",
)


def back_url(user: Principal) -> str:
    """The user's Security credentials tab (the users pages), else the keys page here."""
    try:
        return reverse("user_detail", args=[user.name]) + "?tab=security_credentials"
    except NoReverseMatch:
        return reverse("access_key_list", args=[user.name])


def csv_filename(user: Principal) -> str:
    return "rootkey.csv" if user.is_root else f"{user.name}_accessKeys.csv"


def credentials_csv(access_key_id: str, secret: str) -> str:
    """AWS's file: UTF-8 with a BOM, CRLF line ends, exactly these two columns."""
    rows = [("Access key ID", "Secret access key"), (access_key_id, secret)]
    return csv_text(rows, bom=True, verbatim=frozenset({0, 1}))


def _page(request: HttpRequest, template: str, ctx: Ctx, status: int = 200) -> HttpResponse:
    ctx.setdefault("nav", "users")
    return render(request, template, ctx, status=403 if ctx.get("denied") else status)


@shows_denial("users")
def access_key_list(request: HttpRequest, name: str) -> HttpResponse:
    """The user's access keys on a page of their own (the section the user page includes)."""
    user = access.get_user(actor_for(request), name, action="iam:ListAccessKeys")
    return _page(request, "accounts/access_keys/list.html", {"user": user})


@shows_denial("users")
def access_key_create(request: HttpRequest, name: str) -> HttpResponse:
    """Starts the wizard: step 1 the use case and its alternative, step 2 the optional
    description, then the Retrieve page (the secret, shown once)."""
    user = access.get_user(actor_for(request), name, action="iam:CreateAccessKey")
    return WIZARD.go(WIZARD.start(request, name=user.name), "use_case")


@shows_denial("users")
def access_key_create_step(request: HttpRequest, name: str, wizard: str, step: str) -> HttpResponse:
    actor = actor_for(request)
    user = access.get_user(actor, name, action="iam:CreateAccessKey")
    state = WIZARD.resolve(request, wizard, step, name=user.name)
    if isinstance(state, HttpResponse):
        return state
    ctx: Ctx = {"user": user} | WIZARD.context(state, step)
    if step == "use_case":
        return _use_case(request, state, ctx)
    if step == "description":
        return _description(request, actor, state, ctx)
    return redirect("access_key_retrieve", name=user.name)


def _use_case(request: HttpRequest, state: NewAccessKeyState, ctx: Ctx) -> HttpResponse:
    initial = {"use_case": state.use_case, "confirm": bool(state.use_case)}
    form = AccessKeyUseCaseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        state.use_case = form.cleaned_data["use_case"]
        WIZARD.finish(state, "use_case")
        WIZARD.keep(request, state)
        return WIZARD.go(state, "description")
    ctx |= {"form": form, "use_cases": ACCESS_KEY_USE_CASES}
    return _page(request, "accounts/access_keys/use_case.html", ctx)


def _description(
    request: HttpRequest, actor: Any, state: NewAccessKeyState, ctx: Ctx
) -> HttpResponse:
    user = ctx["user"]
    form = AccessKeyDescriptionForm(
        request.POST or None, initial={"description": state.description}
    )
    if request.method == "POST":
        state.description = str(request.POST.get("description", ""))[:256]
        WIZARD.keep(request, state)
        if "back" in request.POST:
            return WIZARD.go(state, "use_case")
    ctx |= {"form": form, "use_case": state.use_case}
    if request.method == "POST" and form.is_valid():
        try:
            new = services.create_access_key(
                actor=actor, user=user, description=form.cleaned_data["description"]
            )
        except IamError as error:
            _show(ctx, form, error)
        else:
            WIZARD.discard(request, state.id)
            show_once.stash(
                request,
                show_once.ACCESS_KEY,
                user.pk,
                {"id": new.key.access_key_id, "secret": new.secret},
            )
            return redirect("access_key_retrieve", name=user.name)
    return _page(request, "accounts/access_keys/description.html", ctx)


@never_cache
@shows_denial("users")
def access_key_retrieve(request: HttpRequest, name: str) -> HttpResponse:
    user = access.get_user(actor_for(request), name, action="iam:ListAccessKeys")
    kind = show_once.ACCESS_KEY
    shown = show_once.take(request, kind, user.pk, show_once.PAGE)
    can_download = show_once.can_take(request, kind, user.pk, show_once.CSV)
    waiting = shown or (show_once.peek(request, kind, user.pk) if can_download else None)
    if waiting is None:
        messages.info(request, GONE)
        return redirect(back_url(user))
    ctx: Ctx = {
        "user": user,
        "key_id": waiting["id"],
        "secret": shown["secret"] if shown else None,
        "can_download": can_download,
        "filename": csv_filename(user),
        "back_url": back_url(user),
        "wizard_steps": WIZARD.step_list(None, "retrieve"),
    }
    return _page(request, "accounts/access_keys/retrieve.html", ctx)


@never_cache
@shows_denial("users")
@require_POST
def access_key_download(request: HttpRequest, name: str) -> HttpResponse:
    user = access.get_user(actor_for(request), name, action="iam:ListAccessKeys")
    pending = show_once.take(request, show_once.ACCESS_KEY, user.pk, show_once.CSV)
    if pending is None:
        messages.info(request, GONE)
        return redirect(back_url(user))
    response = HttpResponse(
        credentials_csv(pending["id"], pending["secret"]), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{csv_filename(user)}"'
    return response


@shows_denial("users")
@require_POST
def access_key_done(request: HttpRequest, name: str) -> HttpResponse:
    user = access.get_user(actor_for(request), name, action="iam:ListAccessKeys")
    show_once.forget(request, show_once.ACCESS_KEY, user.pk)
    return redirect(back_url(user))


@shows_denial("users")
@require_POST
def access_key_status(request: HttpRequest, name: str, key_id: str) -> HttpResponse:
    actor = actor_for(request)
    user = access.get_user(actor, name, action="iam:UpdateAccessKey")
    status = str(request.POST.get("status", ""))
    try:
        services.update_access_key(actor=actor, user=user, access_key_id=key_id, status=status)
    except IamError as error:
        return _page(request, "accounts/access_keys/list.html", _failed(user, error), 400)
    verb = "activated" if status == AccessKey.Status.ACTIVE else "deactivated"
    messages.success(request, f"Access key {key_id} {verb}.")
    return redirect(back_url(user))


def _show(ctx: Ctx, form: Any, error: IamError) -> None:
    """A denial goes in the page's Access denied alert; other errors beside their field."""
    if isinstance(error, AccessDenied):
        ctx["denied"] = error.message
    else:
        add_service_error(form, error)


def _failed(user: Principal, error: IamError) -> Ctx:
    if isinstance(error, AccessDenied):
        return {"user": user, "denied": error.message}
    return {"user": user, "error": error.message}


@shows_denial("users")
def access_key_delete(request: HttpRequest, name: str, key_id: str) -> HttpResponse:
    actor = actor_for(request)
    action = "iam:DeleteAccessKey" if request.method == "POST" else "iam:ListAccessKeys"
    user = access.get_user(actor, name, action=action)
    key = access.access_key(actor, user, key_id)
    form = ConfirmDeleteForm(request.POST or None, expected=key_id)
    ctx: Ctx = {"user": user, "key": key, "form": form, "key_id": key_id}
    ctx["back_url"] = back_url(user)
    if key is not None and request.method == "POST" and form.is_valid():
        try:
            services.delete_inactive_access_key(actor=actor, user=user, access_key_id=key_id)
        except IamError as error:
            _show(ctx, form, error)
        else:
            messages.success(request, f"Access key {key_id} deleted.")
            return redirect(back_url(user))
    return _page(request, "accounts/access_keys/delete.html", ctx, 404 if key is None else 200)
