"""MFA pages: assign a virtual device (name, then set up), resync, remove, and the
sign-in MFA pages (which device, then its code).

Every page serves both the signed-in principal's own devices (/security-credentials/mfa/)
and, for administrators, an IAM user's devices (/users/details/<name>/mfa/).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.cache import never_cache

from accounts import mfa
from accounts.models import MFADevice, Principal
from console.flows import show_once
from console.flows.wizard import Wizard, WizardState
from console.forms import add_service_error
from console.forms.security import (
    ConfirmPasswordForm,
    MFACodesForm,
    MFADeviceChoiceForm,
    MFADeviceNameForm,
    MFASignInForm,
)
from console.views.denial import attempt, shows_denial
from domain import iam as services
from domain.iam import access
from domain.iam.signin import (
    SignInFailed,
    choose_mfa_device,
    chosen_mfa_device,
    mfa_devices,
    pending_mfa_principal,
    remember_device,
    sign_in_with_mfa,
)
from domain.kernel.actors import Actor, actor_for
from domain.kernel.errors import AccessDenied, IamError

# The seed waits (encrypted, in console.flows.show_once) from step 1 until two codes are
# accepted or the person cancels; long enough to install an authenticator app.
SEED_TTL = timedelta(minutes=30)


@dataclass
class AssignMFAState(WizardState):
    device_name: str = ""  # the seed waits in show_once under the wizard's id


def _wizard(url_name: str, start_name: str) -> Wizard[AssignMFAState]:
    return Wizard(
        name="assign-mfa",
        title="Assign MFA device",
        state=AssignMFAState,
        steps=[("device", "Select MFA device"), ("setup", "Set up device")],
        url_name=url_name,
        start_name=start_name,
        ttl=SEED_TTL,
    )


# One's own devices, and an IAM user's (its name is the wizard's scope).
OWN = _wizard("my_mfa_assign_step", "my_mfa_assign")
FOR_USER = _wizard("user_mfa_assign_step", "user_mfa_assign")


def _owner(actor: Actor, name: str | None) -> Principal:
    if name is None:
        return actor.principal
    return access.get_user(actor, name, action="iam:ListMFADevices")


def owner_page(owner: Principal, principal: Principal) -> str:
    """Where the owner's devices are listed: one's own credentials or the user's page."""
    if owner.pk == principal.pk:
        return reverse("my_security_credentials")
    try:
        return reverse("user_detail", args=[owner.name]) + "?tab=security_credentials"
    except NoReverseMatch:
        return reverse("user_list")


def _ctx(request: HttpRequest, owner: Principal, **extra: object) -> dict[str, object]:
    ctx: dict[str, object] = {
        "owner": owner,
        "nav": "users" if owner.pk != request.user.pk else "",
        "back_url": owner_page(owner, request.user),  # type: ignore[arg-type]
    }
    return ctx | extra


def _scope(name: str | None) -> dict[str, str]:
    return {} if name is None else {"name": name}


@shows_denial("users")
def assign(request: HttpRequest, name: str | None = None) -> HttpResponse:
    """Starts the wizard: step 1 the device name and type, step 2 its set-up."""
    _owner(actor_for(request), name)
    wizard = OWN if name is None else FOR_USER
    return wizard.go(wizard.start(request, **_scope(name)), "device")


@never_cache
@shows_denial("users")
def assign_step(
    request: HttpRequest, wizard: str, step: str, name: str | None = None
) -> HttpResponse:
    actor = actor_for(request)
    owner = _owner(actor, name)
    flow = OWN if name is None else FOR_USER
    state = flow.resolve(request, wizard, step, **_scope(name))
    if isinstance(state, HttpResponse):
        return state
    ctx = _ctx(request, owner, **flow.context(state, step))
    if step == "device":
        return _device(request, actor, owner, flow, state, ctx)
    return _setup(request, actor, owner, flow, state, ctx)


def _device(
    request: HttpRequest,
    actor: Actor,
    owner: Principal,
    flow: Wizard[AssignMFAState],
    state: AssignMFAState,
    ctx: dict[str, object],
) -> HttpResponse:
    form = MFADeviceNameForm(request.POST or None, initial={"name": state.device_name})
    ctx["form"] = form
    if request.method == "POST" and form.is_valid():
        device_name = form.cleaned_data["name"].strip()
        try:
            secret = services.prepare_virtual_mfa_device(actor=actor, owner=owner, name=device_name)
        except AccessDenied as denied:
            ctx["denied"] = denied.message
        except IamError as error:
            add_service_error(form, error)
        else:
            show_once.stash(
                request,
                show_once.MFA_SEED,
                state.id,
                {"name": device_name, "secret": secret},
                uses=[],
                ttl=SEED_TTL,
            )
            state.device_name = device_name
            flow.finish(state, "device")
            flow.keep(request, state)
            return flow.go(state, "setup")
    return render(request, "accounts/mfa/assign.html", ctx)


def _setup(
    request: HttpRequest,
    actor: Actor,
    owner: Principal,
    flow: Wizard[AssignMFAState],
    state: AssignMFAState,
    ctx: dict[str, object],
) -> HttpResponse:
    """QR code or secret key, then two consecutive codes; Cancel forgets the seed."""
    if request.method == "POST" and "cancel" in request.POST:
        show_once.forget(request, show_once.MFA_SEED, state.id)
        flow.discard(request, state.id)
        return redirect(owner_page(owner, actor.principal))
    pending = show_once.peek(request, show_once.MFA_SEED, state.id)
    if pending is None:  # expired: name the device again for a new seed
        state.done = 0
        flow.keep(request, state)
        return flow.go(state, "device")
    form = MFACodesForm(request.POST or None)
    ctx |= {"form": form, "device_name": pending["name"]}
    if request.method == "POST" and form.is_valid():
        try:
            services.enable_virtual_mfa_device(
                actor=actor, owner=owner, name=pending["name"], secret=pending["secret"],
                code1=form.cleaned_data["code1"], code2=form.cleaned_data["code2"],
            )  # fmt: skip
        except AccessDenied as denied:
            ctx["denied"] = denied.message
        except IamError as error:
            add_service_error(form, error)
        else:
            show_once.forget(request, show_once.MFA_SEED, state.id)
            flow.discard(request, state.id)
            messages.success(request, f"MFA device {pending['name']} assigned.")
            return redirect(str(ctx["back_url"]))
    label = actor.account.alias or actor.account.id
    uri = mfa.otpauth_uri(
        secret=pending["secret"], device_name=pending["name"], account_label=label,
        issuer=settings.MFA_ISSUER,
    )  # fmt: skip
    ctx["qr_svg"] = mark_safe(mfa.qr_svg(uri))  # noqa: S308 - generated by qrcode, no input markup
    ctx["secret"] = pending["secret"]
    return render(request, "accounts/mfa/setup.html", ctx)


@shows_denial("users")
def resync(request: HttpRequest, device_id: int, name: str | None = None) -> HttpResponse:
    return _device_form(
        request, device_id, name, MFACodesForm, "resync.html", "resynchronized",
        lambda actor, device, data: services.resync_mfa_device(
            actor=actor, device=device, code1=data["code1"], code2=data["code2"]
        ),
    )  # fmt: skip


@shows_denial("users")
def remove(request: HttpRequest, device_id: int, name: str | None = None) -> HttpResponse:
    return _device_form(
        request, device_id, name, ConfirmPasswordForm, "remove.html", "removed",
        lambda actor, device, data: services.remove_mfa_device(
            actor=actor, device=device, password=data["password"]
        ),
    )  # fmt: skip


def _device_form(
    request: HttpRequest,
    device_id: int,
    name: str | None,
    form_class: type[forms.Form],
    template: str,
    done: str,
    change: Callable[[Actor, MFADevice, dict[str, Any]], object],
) -> HttpResponse:
    """Resync or remove one MFA device: a form, then the one service call."""
    actor = actor_for(request)
    owner = _owner(actor, name)
    device = access.owned_mfa_device(actor, owner, device_id)
    form = form_class(request.POST or None)
    ctx = _ctx(request, owner, form=form, device=device)
    posted = request.method == "POST" and form.is_valid()
    if posted and attempt(ctx, form, lambda: change(actor, device, form.cleaned_data)):
        messages.success(request, f"MFA device {device.name} {done}.")
        return redirect(str(ctx["back_url"]))
    return render(request, f"accounts/mfa/{template}", ctx)


def _after_sign_in(request: HttpRequest) -> HttpResponse:
    target = request.GET.get("next", "")
    safe = target.startswith("/") and not target.startswith("//")
    return redirect(target if safe else "dashboard")


def _with_next(request: HttpRequest, name: str) -> str:
    """The URL of sign-in step `name`, keeping where the person was going."""
    target = request.GET.get("next", "")
    return reverse(name) + (f"?{urlencode({'next': target})}" if target else "")


@login_not_required
def signin_mfa(request: HttpRequest) -> HttpResponse:
    """The second sign-in page: the code of the chosen MFA device, after a correct password."""
    principal = pending_mfa_principal(request)
    if principal is None:
        return redirect("signin")
    device = chosen_mfa_device(request, principal)
    if device is None:
        return redirect(_with_next(request, "signin_mfa_device"))
    form = MFASignInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            principal = sign_in_with_mfa(request, code=form.cleaned_data["code"])
        except SignInFailed as failure:
            form.add_error("code", failure.message)
        else:
            return remember_device(request, _after_sign_in(request), principal)
    ctx = {"form": form, "pending": principal, "device": device}
    ctx["several"] = len(mfa_devices(principal)) > 1
    ctx["choose_url"] = _with_next(request, "signin_mfa_device")
    return render(request, "accounts/mfa/signin_mfa.html", ctx)


@login_not_required
def signin_mfa_device(request: HttpRequest) -> HttpResponse:
    """With several devices, AWS first asks which one the code will come from."""
    principal = pending_mfa_principal(request)
    if principal is None:
        return redirect("signin")
    devices = mfa_devices(principal)
    data = request.POST if request.method == "POST" else None  # nothing picked is an error
    form = MFADeviceChoiceForm(data, devices=devices)
    if request.method == "POST" and form.is_valid():
        try:
            choose_mfa_device(request, principal, form.cleaned_data["device"])
        except SignInFailed as failure:
            form.add_error("device", failure.message)
        else:
            return redirect(_with_next(request, "signin_mfa"))
    ctx = {"form": form, "pending": principal, "devices": devices}
    return render(request, "accounts/mfa/signin_mfa_device.html", ctx)
