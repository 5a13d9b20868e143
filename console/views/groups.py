"""User groups: list, create, detail (Users and Permissions tabs), rename, delete."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import Group
from console.flows import list_preferences
from console.flows.last_accessed import last_accessed_context
from console.forms import (
    ConfirmDeleteForm,
    CreateGroupForm,
    GroupNameForm,
    PickForm,
)
from console.http import HtmxHttpRequest
from console.views.denial import show_error, shows_denial
from console.views.inline_editor import InlineTarget, inline_editor
from console.views.permissions_tab import permissions_context
from domain import iam as services
from domain.iam import access, user_listing
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor, actor_for
from domain.kernel.errors import AccessDenied, IamError, NoSuchEntity

PER_PAGE = 20
PICKER_ROWS = 50
TABS = [("users", "Users"), ("permissions", "Permissions"), ("last_accessed", "Last accessed")]
Ctx = dict[str, Any]


def _search(data: Any, key: str = "q") -> str:
    return str(data.get(key, "")).strip()[:128]


# --- list -------------------------------------------------------------------------


@shows_denial("groups")
def group_list(request: HtmxHttpRequest) -> HttpResponse:
    actor = actor_for(request)
    ctx: Ctx = {"nav": "groups", "q": _search(request.GET)}
    ctx["prefs"] = prefs = list_preferences.load(request, list_preferences.GROUPS)
    try:
        groups = access.list_groups(actor, search=ctx["q"])
    except AccessDenied as denied:
        ctx["denied"] = denied.message
    else:
        per_page = list_preferences.page_size_for(request, prefs)
        ctx["page_obj"] = Paginator(groups, per_page).get_page(request.GET.get("page"))
    template = "accounts/groups/list.html" + ("#table" if request.htmx else "")
    return render(request, template, ctx)


# --- create -----------------------------------------------------------------------


def _picker(rows: QuerySet[Any], selected: list[str], key: str) -> Ctx:
    """A filtered checkbox list: the first rows, plus hidden inputs keeping other picks."""
    shown = list(rows[:PICKER_ROWS])
    keys = {getattr(row, key) for row in shown}
    return {
        "rows": shown,
        "total": rows.count(),
        "selected": selected,
        "hidden": [value for value in selected if value not in keys],
    }


def _create_pickers(actor: Actor, data: Any, form: CreateGroupForm) -> Ctx:
    picks = form.cleaned_data if hasattr(form, "cleaned_data") else {}
    ctx: Ctx = {"user_q": _search(data, "user_q"), "policy_q": _search(data, "policy_q")}
    members = picks.get("members") or data.getlist("members") if data else []
    policies = picks.get("policies") or data.getlist("policies") if data else []
    try:
        users = access.list_users_for_picking(actor, search=ctx["user_q"])
        ctx["users"] = _picker(users, members, "name")
    except AccessDenied as denied:
        ctx["users_denied"] = denied.message
    try:
        found = access.list_policies_for_picking(actor, search=ctx["policy_q"])
        ctx["policies"] = _picker(found, policies, "arn")
    except AccessDenied as denied:
        ctx["policies_denied"] = denied.message
    return ctx


@shows_denial("groups")
def group_create(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    form = CreateGroupForm(request.POST or None)
    ctx: Ctx = {"nav": "groups", "form": form}
    filtering = "filter" in request.POST
    if request.method == "POST" and not filtering and form.is_valid():
        data = form.cleaned_data
        try:
            group = services.create_group_with_members(
                actor=actor,
                name=data["name"],
                members=access.users_named(actor, data["members"]),
                policies=access.policies_with_arns(actor, data["policies"]),
            )
        except IamError as error:
            show_error(ctx, form, error)
        else:
            messages.success(request, f"User group {group.name} created.")
            return redirect("group_list")
    if filtering:
        form.errors.clear()
    ctx.update(_create_pickers(actor, request.POST, form))
    return render(
        request, "accounts/groups/create.html", ctx, status=403 if "denied" in ctx else 200
    )


# --- detail -----------------------------------------------------------------------


def _detail(
    request: HttpRequest, name: str, *, denied: str = "", error: str = "", status: int = 200
) -> HttpResponse:
    actor = actor_for(request)
    tab = request.GET.get("tab") if request.GET.get("tab") in dict(TABS) else "users"
    ctx: Ctx = {"nav": "groups", "name": name, "tabs": TABS, "tab": tab, "denied": denied}
    ctx["error"] = error
    try:
        group = access.get_group(actor, name)
    except AccessDenied as denial:
        ctx["read_denied"] = denial.message
        return render(request, "accounts/groups/detail.html", ctx, status=status)
    ctx["group"] = group
    ctx["members"] = access.group_members(actor, group)
    if tab == "last_accessed":
        try:
            ctx |= last_accessed_context(actor, group, request.GET)
        except AccessDenied as denial:
            ctx["last_accessed_denied"] = denial.message
    if tab == "permissions":
        try:
            rows = user_listing.group_permission_rows(actor, group)
        except AccessDenied as denial:
            ctx["attached_denied"] = denial.message
        else:
            ctx |= permissions_context(request, rows, kind="group", name=group.name)
    return render(request, "accounts/groups/detail.html", ctx, status=status)


@shows_denial("groups")
def group_detail(request: HttpRequest, name: str) -> HttpResponse:
    return _detail(request, name)


def _back(group: Group | str, tab: str) -> str:
    name = group.name if isinstance(group, Group) else group
    return reverse("group_detail", args=[name]) + f"?tab={tab}"


def _group_for(request: HttpRequest, name: str, action: str) -> Group:
    """The group, with `action` checked on it (so a denial names the action tried)."""
    return access.get_group(actor_for(request), name, action=action)


# --- rename and delete ------------------------------------------------------------


@shows_denial("groups")
def group_edit(request: HttpRequest, name: str) -> HttpResponse:
    actor = actor_for(request)
    group = access.get_group(actor, name, action="iam:GetGroup")
    form = GroupNameForm(request.POST or None, initial={"name": group.name})
    ctx: Ctx = {"nav": "groups", "form": form, "group": group}
    if request.method == "POST" and form.is_valid():
        try:
            services.update_group(actor=actor, group=group, new_name=form.cleaned_data["name"])
        except IamError as error:
            show_error(ctx, form, error)
        else:
            messages.success(request, f"User group {group.name} updated.")
            return redirect("group_detail", name=group.name)
    return render(request, "accounts/groups/edit.html", ctx, status=403 if "denied" in ctx else 200)


@shows_denial("groups")
def group_delete(request: HttpRequest) -> HttpResponse:
    """Deletes the checked groups after the user types the name (or "N user groups")."""
    actor = actor_for(request)
    source = request.POST if request.method == "POST" else request.GET
    names = list(dict.fromkeys(str(n) for n in source.getlist("groups")))[: PER_PAGE * 5]
    groups = access.selected_groups(actor, names)
    if not groups:
        messages.error(request, "Select at least one user group to delete.")
        return redirect("group_list")
    expected = groups[0].name if len(groups) == 1 else f"{len(groups)} user groups"
    form = ConfirmDeleteForm(request.POST or None, expected=expected)
    ctx: Ctx = {"nav": "groups", "form": form, "groups": groups, "expected": expected}
    ctx["hidden"] = [("groups", group.name) for group in groups]
    if request.method == "POST" and form.is_valid():
        try:
            for group in groups:
                services.delete_group_with_dependents(actor=actor, group=group)
        except IamError as error:
            show_error(ctx, form, error)
        else:
            messages.success(
                request,
                f"Deleted {expected}." if len(groups) > 1 else f"User group {expected} deleted.",
            )
            return redirect("group_list")
    return render(
        request, "accounts/groups/delete.html", ctx, status=403 if "denied" in ctx else 200
    )


# --- members ----------------------------------------------------------------------


@shows_denial("groups")
def group_add_users(request: HttpRequest, name: str) -> HttpResponse:
    def add(actor: Actor, group: Group, picks: list[str]) -> None:
        for user in access.users_named(actor, picks):
            services.add_user_to_group(actor=actor, group=group, user=user, field="picks")

    return _add_picked(
        request,
        name,
        add=add,
        listing=lambda actor, group, q: access.list_users_for_picking(
            actor, search=q, not_in=group
        ),
        picks=("users", "name"),
        done=("Users added to", "users"),
    )


def _add_picked(
    request: HttpRequest,
    name: str,
    *,
    add: Callable[[Actor, Group, list[str]], None],
    listing: Callable[[Actor, Group, str], QuerySet[Any]],
    picks: tuple[str, str],
    done: tuple[str, str],
) -> HttpResponse:
    """Adds the picked users or policies to a group (one service call each), or shows the
    picker: `picks` names the context key and the field a row is picked by, `done` the
    success message's start and the group tab to go back to."""
    actor = actor_for(request)
    group = access.get_group(actor, name)
    form = PickForm(request.POST or None)
    ctx: Ctx = {
        "nav": "groups",
        "group": group,
        "form": form,
        "q": _search(request.GET),
        "kind": picks[0],
    }
    if request.method == "POST" and form.is_valid():
        try:
            add(actor, group, form.cleaned_data["picks"])
        except IamError as error:
            error.field = "picks"
            show_error(ctx, form, error)
        else:
            messages.success(request, f"{done[0]} {group.name}.")
            return redirect(_back(group, done[1]))
    try:
        ctx["picker"] = _picker(listing(actor, group, ctx["q"]), [], picks[1])
    except AccessDenied as denied:
        ctx["list_denied"] = denied.message
    status = 403 if "denied" in ctx else 200
    return render(request, "accounts/groups/add_picked.html", ctx, status=status)


@shows_denial("groups")
@require_POST
def group_remove_users(request: HttpRequest, name: str) -> HttpResponse:
    return _remove_picked(
        request,
        name,
        what="users",
        one="user",
        tab="users",
        find=access.users_named,
        remove=lambda actor, group, user: services.remove_user_from_group(
            actor=actor, group=group, user=user
        ),
    )


def _remove_picked(
    request: HttpRequest,
    name: str,
    *,
    what: str,
    one: str,
    tab: str,
    find: Callable[[Actor, list[str]], Iterable[Any]],
    remove: Callable[[Actor, Group, Any], None],
) -> HttpResponse:
    """Removes the picked users or policies from a group, one service call each."""
    actor = actor_for(request)
    group = access.get_group(actor, name)
    form = PickForm(request.POST)
    if not form.is_valid():
        return _detail(request, name, error=f"Select at least one {one} to remove.", status=400)
    try:
        for item in find(actor, form.cleaned_data["picks"]):
            remove(actor, group, item)
    except AccessDenied as denied:
        return _detail(request, name, denied=denied.message, status=403)
    except IamError as error:
        return _detail(request, name, error=error.message, status=400)
    messages.success(request, f"{what.capitalize()} removed from {group.name}.")
    return redirect(_back(group, tab))


# --- permissions ------------------------------------------------------------------


@shows_denial("groups")
def group_attach_policies(request: HttpRequest, name: str) -> HttpResponse:
    def attach(actor: Actor, group: Group, picks: list[str]) -> None:
        for policy in access.policies_with_arns(actor, picks):
            policy_services.attach_group_policy(actor=actor, group=group, policy=policy)

    return _add_picked(
        request,
        name,
        add=attach,
        listing=lambda actor, group, q: access.list_policies_for_picking(
            actor, search=q, not_attached_to=group
        ),
        picks=("policies", "arn"),
        done=("Policies attached to", "permissions"),
    )


@shows_denial("groups")
@require_POST
def group_detach_policies(request: HttpRequest, name: str) -> HttpResponse:
    return _remove_picked(
        request,
        name,
        what="policies",
        one="policy",
        tab="permissions",
        find=access.policies_with_arns,
        remove=lambda actor, group, policy: policy_services.detach_group_policy(
            actor=actor, group=group, policy=policy
        ),
    )


@shows_denial("groups")
def group_inline_policy(request: HttpRequest, name: str, policy_name: str = "") -> HttpResponse:
    """Create (no policy_name) or edit an inline policy: the policy editor, Review,
    PutGroupPolicy."""
    actor = actor_for(request)
    group = access.get_group(actor, name)
    current = access.group_inline_policy(actor, group, policy_name) if policy_name else None
    if policy_name and current is None:
        raise Http404(NoSuchEntity.inline_policy("group", policy_name).message)
    target = InlineTarget(
        kind="inline-group",
        existing_name=policy_name,
        existing_document=current.document if current else NEW_DOCUMENT,
        done_url=_back(group, "permissions"),
        put=lambda new_name, document: policy_services.put_group_policy(
            actor=actor, group=group, name=new_name, document=document
        ),
    )
    ctx: Ctx = {
        "nav": "groups",
        "group": group,
        "page_title": f"Modify permissions in {policy_name}"
        if policy_name
        else f"Create inline policy for {group.name}",
        "crumbs": [
            ("User groups", reverse("group_list")),
            (group.name, _back(group, "permissions")),
        ],
        "save_label": "Save changes" if policy_name else "Create policy",
        "size_note": "The inline policies of a group may total 5,120 characters, not counting "
        "whitespace.",
    }
    return inline_editor(request, target, ctx)


@shows_denial("groups")
@require_POST
def group_inline_delete(request: HttpRequest, name: str, policy_name: str) -> HttpResponse:
    actor = actor_for(request)
    group = access.get_group(actor, name)
    try:
        policy_services.delete_group_policy(actor=actor, group=group, name=policy_name)
    except AccessDenied as denied:
        return _detail(request, name, denied=denied.message, status=403)
    except IamError as error:
        return _detail(request, name, error=error.message, status=400)
    messages.success(request, f"Policy {policy_name} deleted.")
    return redirect(_back(group, "permissions"))


NEW_DOCUMENT = """{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Action": [],
            "Resource": []
        }
    ]
}"""
