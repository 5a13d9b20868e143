"""IAM users: the list, deletion (type to confirm) and the user's detail page with its
Permissions, Groups, Tags and Security credentials tabs."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone

from accounts import arns
from accounts.models import Principal
from console import user_table
from console.flows import list_preferences, show_once
from console.flows.last_accessed import last_accessed_context
from console.forms.users import ConfirmForm
from console.http import HtmxHttpRequest
from console.views.permissions_tab import permissions_context
from domain import iam as services
from domain.iam import access, user_listing
from domain.kernel.actors import Actor, actor_for
from domain.kernel.errors import AccessDenied, IamError

TABS = [
    ("permissions", "Permissions"),
    ("groups", "Groups"),
    ("tags", "Tags"),
    ("security_credentials", "Security credentials"),
    ("last_accessed", "Last accessed"),
]
Ctx = dict[str, Any]


def _search(request: HttpRequest) -> str:
    return request.GET.get("q", "").strip()[:128]


def user_list(request: HtmxHttpRequest) -> HttpResponse:
    actor = actor_for(request)
    # Moving on to other Users pages ends a finished wizard's one-time password.
    show_once.forget(request, show_once.NEW_USER_PASSWORD)
    ctx: Ctx = {"nav": "users", "q": _search(request)}
    ctx["prefs"] = prefs = list_preferences.load(request, list_preferences.USERS)
    ctx["per_page"] = list_preferences.page_size_for(request, prefs)
    try:
        users = user_listing.list_users(actor, search=ctx["q"], columns=False)
    except AccessDenied as denied:
        ctx["denied"] = denied.message
    else:
        page_obj = Paginator(users, ctx["per_page"]).get_page(request.GET.get("page"))
        now = timezone.now()
        ctx["page_obj"] = page_obj
        ctx["rows"] = user_listing.user_rows(page_obj.object_list, now)
        ctx["body_rows"] = user_table.body_rows(ctx["rows"], prefs.visible)
        # Without a filter the paginator has just counted every user of the account.
        ctx["total"] = page_obj.paginator.count if not ctx["q"] else access.user_count(actor)
    template = "accounts/users/list.html" + ("#table" if request.htmx else "")
    return render(request, template, ctx)


def _selected_users(actor: Actor, names: list[str]) -> list[Principal]:
    return access.selected_users(actor, names[:100])


def delete_users(request: HtmxHttpRequest) -> HttpResponse:
    """AWS's delete dialog: type the user name (one user) or "delete" (several)."""
    actor = actor_for(request)
    data = request.POST if request.method == "POST" else request.GET
    users = _selected_users(actor, data.getlist("user"))
    if not users:
        messages.error(request, "Select one or more users to delete.")
        return redirect("user_list")
    expected = users[0].name if len(users) == 1 else "delete"
    form = ConfirmForm(request.POST or None, expected=expected)
    ctx: Ctx = {"nav": "users", "users": users, "form": form, "expected": expected}
    if request.method == "POST" and form.is_valid():
        failures = _delete_each(actor, users)
        if not failures:
            messages.success(request, f"{_count(len(users))} deleted.")
            return redirect("user_list")
        ctx["failures"] = failures
        ctx["users"] = _selected_users(actor, [u.name for u in users])
    ctx["hidden"] = [("user", u.name) for u in ctx["users"]]
    template = "accounts/users/delete.html" + ("#dialog" if request.htmx else "")
    return render(request, template, ctx)


def _count(n: int) -> str:
    return "1 user" if n == 1 else f"{n} users"


def _delete_each(actor: Actor, users: list[Principal]) -> list[tuple[str, str]]:
    """The console deletes users one by one and reports each failure."""
    failures = []
    for user in users:
        try:
            services.delete_user_with_dependents(actor=actor, user=user)
        except IamError as error:
            failures.append((user.name, error.message))
    return failures


# --- detail -----------------------------------------------------------------------


def _tab_context(actor: Actor, user: Principal, tab: str, request: HttpRequest) -> Ctx:
    """Each tab reads what it shows; a denied read shows AWS's message in its place."""
    ctx: Ctx = {}
    try:
        if tab == "permissions":
            rows = user_listing.permission_rows(actor, user)
            ctx |= permissions_context(request, rows, kind="user", name=user.name)
        elif tab == "groups":
            ctx["user_groups"] = user_listing.groups_of(actor, user)
        elif tab == "tags":
            user_listing.authorize_read(actor, "iam:ListUserTags", user)
        elif tab == "last_accessed":
            ctx |= last_accessed_context(actor, user, request.GET)
        else:
            user_listing.authorize_read(actor, "iam:GetLoginProfile", user)
    except AccessDenied as denied:
        ctx["tab_denied"] = denied.message
    return ctx


def user_detail(request: HtmxHttpRequest, name: str) -> HttpResponse:
    actor = actor_for(request)
    # Moving on to other Users pages ends a finished wizard's one-time password.
    show_once.forget(request, show_once.NEW_USER_PASSWORD)
    tab = request.GET.get("tab", "permissions")
    tab = tab if tab in dict(TABS) else "permissions"
    ctx: Ctx = {"nav": "users", "tabs": TABS, "tab": tab, "name": name}
    try:
        user = access.get_user(actor, name)
    except AccessDenied as denied:
        ctx["denied"] = denied.message
        ctx["arn"] = arns.user_arn(actor.account.id, name)
        return render(request, "accounts/users/detail.html", ctx)
    keys = user_listing.access_keys_of(user)
    ctx |= {"user": user, "keys": keys, "boundary": user.permissions_boundary}
    ctx |= _tab_context(actor, user, tab, request)
    ctx["signin_url"] = request.build_absolute_uri(
        reverse("signin_user", args=[actor.account.alias or actor.account.id])
    )
    template = "accounts/users/detail.html" + ("#tab" if request.htmx else "")
    return render(request, template, ctx)


def user_url(user: Principal, tab: str = "permissions") -> str:
    return reverse("user_detail", args=[user.name]) + f"?tab={tab}"
