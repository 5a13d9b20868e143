"""A user's Permissions and Groups tabs: add permissions (groups, copy, attach), detach,
inline policies, the permissions boundary, group membership."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from accounts.models import Principal
from console.views.denial import attempt
from console.views.inline_editor import InlineTarget, inline_editor
from console.views.users import user_url
from domain import iam as services
from domain.iam import access, user_pickers
from domain.iam import policies as policy_services
from domain.kernel.actors import Actor, actor_for
from domain.kernel.errors import AccessDenied, IamError, NoSuchEntity, ValidationError

Ctx = dict[str, Any]
# Where a denied change shows on these pages (the read of the user has "denied").
DENIED = "action_denied"


def _user(request: HttpRequest, name: str) -> tuple[Actor, Principal | None, Ctx]:
    """The actor, the user (None when reading it is denied) and the base context."""
    actor = actor_for(request)
    ctx: Ctx = {"nav": "users", "name": name}
    try:
        user = access.get_user(actor, name)
    except AccessDenied as denied:
        ctx["denied"] = denied.message
        return actor, None, ctx
    ctx["user"] = user
    return actor, user, ctx


def _picker_ctx(actor: Actor, data: Any, ctx: Ctx, lists: tuple[str, ...]) -> None:
    """Filter + page of each list the page shows; a denied list read shows its message."""
    readers: dict[str, Callable[[Actor, str], QuerySet[Any]]] = {
        "groups": user_pickers.groups,
        "users": lambda a, q: user_pickers.users(a, q, exclude=ctx.get("name", "")),
        "policies": user_pickers.policies,
    }
    for kind in lists:
        query = str(data.get(f"{kind}_q", "")).strip()[:128]
        ctx[f"{kind}_q"] = query
        try:
            rows = readers[kind](actor, query)
        except AccessDenied as denied:
            ctx[f"{kind}_denied"] = denied.message
        else:
            ctx[f"{kind}_page"] = user_pickers.page(rows, data.get(f"{kind}_page"))


def add_permissions(request: HttpRequest, name: str) -> HttpResponse:
    """Add permissions: add to groups, copy permissions, or attach policies directly."""
    actor, user, ctx = _user(request, name)
    option = request.POST.get("option") or request.GET.get("option") or "groups"
    ctx["option"] = option if option in ("groups", "copy", "policies") else "groups"

    def add() -> None:
        assert user is not None
        _add(actor, user, ctx["option"], request.POST)

    posted = request.method == "POST" and "add" in request.POST
    if posted and user is not None and attempt(ctx, None, add, denied_key=DENIED):
        messages.success(request, "Permissions added.")
        return redirect(user_url(user))
    _picker_ctx(actor, request.POST or request.GET, ctx, ("groups", "users", "policies"))
    ctx["checked_groups"] = request.POST.getlist("groups")
    ctx["checked_policies"] = request.POST.getlist("policies")
    ctx["copy_from"] = request.POST.get("copy_from", "")
    _hidden(ctx)
    return render(request, "accounts/users/add_permissions.html", ctx)


def _hidden(ctx: Ctx) -> None:
    off = user_pickers.off_page
    ctx["hidden_groups"] = off(ctx.get("groups_page"), ctx.get("checked_groups", []), "name")
    ctx["hidden_policies"] = off(ctx.get("policies_page"), ctx.get("checked_policies", []), "arn")
    ctx["hidden_users"] = off(ctx.get("users_page"), [ctx.get("copy_from", "")], "name")
    ctx["hidden_boundary"] = off(ctx.get("boundary_page"), [ctx.get("boundary", "")], "arn")


def _add(actor: Actor, user: Principal, option: str, data: Any) -> None:
    if option == "groups":
        groups = user_pickers.groups_by_name(actor, data.getlist("groups"))
        services.add_user_to_groups(actor=actor, user=user, groups=groups)
    elif option == "policies":
        policies = user_pickers.policies_by_arn(actor, data.getlist("policies"))
        services.attach_user_policies(actor=actor, user=user, policies=policies)
    else:
        source = access.user_named(actor, data.get("copy_from", ""))
        if source is None:
            raise ValidationError("Choose a user to copy permissions from.", field="copy_from")
        services.copy_user_permissions(actor=actor, user=user, source=source)


def add_to_groups(request: HttpRequest, name: str) -> HttpResponse:
    """The Groups tab's "Add user to groups" is Add permissions with its first option.

    The user is read first, so another account's user is a 404 here too (a denied read
    shows its message on the page this leads to)."""
    _user(request, name)
    return redirect(reverse("user_add_permissions", args=[name]) + "?option=groups")


@require_POST
def detach_policy(request: HttpRequest, name: str) -> HttpResponse:
    def detach(actor: Actor, user: Principal) -> str:
        policy = policy_services.attachable_policy(actor, request.POST.get("policy", ""))
        policy_services.detach_user_policy(actor=actor, user=user, policy=policy)
        return f"Policy {policy.name} removed."

    return _change_and_flash(request, name, detach)


def _change_and_flash(
    request: HttpRequest,
    name: str,
    change: Callable[[Actor, Principal], str],
    tab: str | None = None,
) -> HttpResponse:
    """A button on the user page: make the change (it returns the success message) and go
    back to the page, the outcome flashed there."""
    actor, user, ctx = _user(request, name)
    if user is None:
        messages.error(request, ctx["denied"])
        return redirect("user_list")
    try:
        done = change(actor, user)
    except (IamError, Http404) as error:
        messages.error(request, getattr(error, "message", str(error)))
    else:
        messages.success(request, done)
    return redirect(user_url(user, tab) if tab else user_url(user))


def inline_policy(request: HttpRequest, name: str, policy: str = "") -> HttpResponse:
    """Create or edit an inline policy: the policy editor, Review, PutUserPolicy."""
    actor, user, ctx = _user(request, name)
    if user is None:
        ctx["page_title"] = "Create inline policy"
        return render(request, "policies/inline_policy.html", ctx)  # the denial, in place
    existing = access.user_inline_policy(actor, user, policy)
    if policy and existing is None:
        raise Http404(NoSuchEntity.inline_policy("user", policy).message)
    target = InlineTarget(
        kind="inline-user",
        existing_name=policy,
        existing_document=existing.document if existing else _EMPTY,
        done_url=user_url(user),
        put=lambda new_name, document: policy_services.put_user_policy(
            actor=actor, user=user, name=new_name, document=document
        ),
    )
    ctx |= {
        "page_title": f"Modify permissions in {policy}" if policy else "Create inline policy",
        "crumbs": [("Users", reverse("user_list")), (user.name, user_url(user))],
        "save_label": "Save changes" if policy else "Create policy",
        "size_note": "A user's inline policies together can have up to 2,048 characters "
        "(whitespace not counted).",
    }
    return inline_editor(request, target, ctx)


_EMPTY = json.dumps(
    {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": [], "Resource": []}]},
    indent=2,
)


@require_POST
def delete_inline_policy(request: HttpRequest, name: str, policy: str) -> HttpResponse:
    def delete(actor: Actor, user: Principal) -> str:
        policy_services.delete_user_policy(actor=actor, user=user, name=policy)
        return f"Policy {policy} removed."

    return _change_and_flash(request, name, delete)


def set_boundary(request: HttpRequest, name: str) -> HttpResponse:
    actor, user, ctx = _user(request, name)
    if user is not None and request.method == "POST" and "set" in request.POST:
        try:
            policy = policy_services.attachable_policy(actor, request.POST.get("boundary", ""))
            policy_services.put_user_permissions_boundary(actor=actor, user=user, policy=policy)
        except AccessDenied as denied:
            ctx["action_denied"] = denied.message
        except IamError:
            ctx["error"] = "Choose a policy to use as the permissions boundary."
        else:
            messages.success(request, f"Permissions boundary set to {policy.name}.")
            return redirect(user_url(user))
    _picker_ctx(actor, request.POST or request.GET, ctx, ("policies",))
    return render(request, "accounts/users/boundary.html", ctx)


@require_POST
def delete_boundary(request: HttpRequest, name: str) -> HttpResponse:
    def delete(actor: Actor, user: Principal) -> str:
        policy_services.delete_user_permissions_boundary(actor=actor, user=user)
        return "Permissions boundary removed."

    return _change_and_flash(request, name, delete)


@require_POST
def remove_from_group(request: HttpRequest, name: str) -> HttpResponse:
    def remove(actor: Actor, user: Principal) -> str:
        group_name = request.POST.get("group", "")
        group = access.get_group(actor, group_name, action="iam:RemoveUserFromGroup")
        services.remove_user_from_group(actor=actor, group=group, user=user)
        return f"{user.name} removed from {group.name}."

    return _change_and_flash(request, name, remove, tab="groups")
