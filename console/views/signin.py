"""Sign-in, sign-out, forced password change and sign-up."""

from __future__ import annotations

from collections.abc import Callable

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from accounts.models import Principal
from accounts.passwords import rules_for
from console.forms import (
    NewPasswordForm,
    RootPasswordForm,
    SignInStartForm,
    SignUpForm,
    UserSignInForm,
    add_service_error,
)
from domain import iam as services
from domain.iam.password_history import is_expired as password_expired
from domain.iam.signin import (
    MFARequired,
    SignInFailed,
    must_set_new_password,
    remember_device,
    sign_in_root,
    sign_in_user,
)
from domain.kernel.actors import actor_for, client_ip
from domain.kernel.errors import IamError

ROOT_EMAIL_SESSION_KEY = "signin_root_email"
# The account (alias or ID) of the last sign-out, so the next IAM-user sign-in starts with it
# filled in, as AWS's sign-in page remembers it.
ACCOUNT_COOKIE = "iam_signin_account"
ACCOUNT_COOKIE_AGE = 365 * 24 * 60 * 60


@login_not_required
def signin(request: HttpRequest) -> HttpResponse:
    """AWS's first sign-in page: root user (email) or IAM user (account ID or alias)."""
    if request.user.is_authenticated:
        return redirect("dashboard")
    initial = {"account": _remembered_account(request)}
    form = SignInStartForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["kind"] == "root":
            request.session[ROOT_EMAIL_SESSION_KEY] = form.cleaned_data["email"].strip()
            return redirect("signin_root")
        return redirect("signin_user", account=form.cleaned_data["account"].strip())
    return render(request, "accounts/signin.html", {"form": form})


@login_not_required
def signin_root(request: HttpRequest) -> HttpResponse:
    email = request.session.get(ROOT_EMAIL_SESSION_KEY)
    if not email:
        return redirect("signin")
    form = RootPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        password = form.cleaned_data["password"]
        done = _sign_in(
            request, form, lambda: sign_in_root(request, email=email, password=password)
        )
        if done is not None:
            return done
    return render(request, "accounts/signin_root.html", {"form": form, "email": email})


def _sign_in(
    request: HttpRequest, form: forms.Form, sign_in: Callable[[], Principal]
) -> HttpResponse | None:
    """One sign-in attempt: on to the MFA step or where the person was going, or None
    when it failed (AWS's message is then above the form)."""
    try:
        principal = sign_in()
    except SignInFailed as failure:
        form.add_error(None, failure.message)
        return None
    except MFARequired:
        return _mfa_step(request)
    return remember_device(request, redirect(_next_url(request)), principal)


@login_not_required
def signin_user(request: HttpRequest, account: str = "") -> HttpResponse:
    """The IAM user page; /signin/<account>/ is the per-account sign-in URL."""
    initial = {"account": account or _remembered_account(request)}
    form = UserSignInForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = _sign_in(
            request,
            form,
            lambda: sign_in_user(
                request,
                account=data["account"],
                username=data["username"],
                password=data["password"],
            ),
        )
        if done is not None:
            return done
    return render(request, "accounts/signin_user.html", {"form": form})


def _mfa_step(request: HttpRequest) -> HttpResponse:
    """On to the MFA code page, keeping where the person was going."""
    return redirect(f"{reverse('signin_mfa')}?{urlencode({'next': _next_url(request)})}")


def _next_url(request: HttpRequest) -> str:
    target = request.GET.get("next", "")
    if target.startswith("/") and not target.startswith("//"):
        return target
    return "/"


@require_POST
def signout(request: HttpRequest) -> HttpResponse:
    """Sign out, say so, and remember the account for the next IAM-user sign-in."""
    principal = request.user
    account = principal.account.display_name  # type: ignore[union-attr]
    was_root = principal.is_root  # type: ignore[union-attr]
    logout(request)
    messages.success(request, "You have signed out.")
    response = redirect("signin") if was_root else redirect("signin_user", account=account)
    response.set_cookie(
        ACCOUNT_COOKIE,
        account,
        max_age=ACCOUNT_COOKIE_AGE,
        secure=settings.SECURE_COOKIES,
        httponly=True,
        samesite="Lax",
    )
    return response


def _remembered_account(request: HttpRequest) -> str:
    """The account of the last sign-out on this browser, if it still reads as one."""
    value = request.COOKIES.get(ACCOUNT_COOKIE, "").strip()
    return value if 0 < len(value) <= 63 and value.replace("-", "").isalnum() else ""


def new_password(request: HttpRequest) -> HttpResponse:
    """Set a new password: forced at sign-in when a reset is required."""
    principal = request.user
    form = NewPasswordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.change_password(
                actor=actor_for(request),
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["new_password"],
            )
        except IamError as error:
            add_service_error(form, error)
        else:
            update_session_auth_hash(request, principal)  # type: ignore[arg-type]
            messages.success(request, "Your password has been changed.")
            return redirect("dashboard")
    ctx = {
        "form": form,
        "rules": rules_for(principal.account).describe(),  # type: ignore[union-attr]
        "forced": must_set_new_password(principal),  # type: ignore[arg-type]
        "expired": password_expired(principal),  # type: ignore[arg-type]
    }
    return render(request, "accounts/new_password.html", ctx)


@login_not_required
def signup(request: HttpRequest) -> HttpResponse:
    if not settings.SIGNUP_OPEN:
        raise Http404("Sign-up is closed on this installation.")
    form = SignUpForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.sign_up(
                email=form.cleaned_data["email"],
                account_name=form.cleaned_data["account_name"],
                password=form.cleaned_data["password"],
                source_ip=client_ip(request),
            )
        except IamError as error:
            add_service_error(form, error)
        else:
            request.session[ROOT_EMAIL_SESSION_KEY] = form.cleaned_data["email"].strip()
            messages.success(
                request,
                f"Your AWS account {account.id} is ready. Sign in as the root user.",
            )
            return redirect("signin_root")
    return render(request, "accounts/signup.html", {"form": form})
