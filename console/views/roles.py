"""Roles: list (with type-to-confirm delete), the role page (Summary; Permissions, Trust
relationships and Tags tabs), Edit, Edit trust policy and inline policies."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.timesince import timesince
from django.views.decorators.http import require_POST

from accounts.models import Role
from console.flows import list_preferences
from console.flows.last_accessed import last_accessed_context
from console.forms import ConfirmDeleteForm
from console.forms.policies import DOCUMENT_TEMPLATE
from console.forms.roles import EditRoleForm, TagForm, TrustPolicyForm
from console.http import HtmxHttpRequest
from console.views.denial import attempt, show_error, shows_denial
from console.views.inline_editor import InlineTarget, inline_editor
from domain import iam as services
from domain.iam import access, last_activity, sts
from domain.iam import policies as policy_services
from domain.iam.roles import trusted_entities
from domain.kernel.actors import Actor, actor_for
from domain.kernel.errors import AccessDenied, IamError, ValidationError

PER_PAGE = 20
TABS = [
    ("permissions", "Permissions"),
    ("trust", "Trust relationships"),
    ("tags", "Tags"),
    ("sessions", "Revoke sessions"),
    ("last_accessed", "Last accessed"),
]
Ctx = dict[str, Any]


# --- list and delete ----------------------------------------------------------------


def role_list(request: HtmxHttpRequest, *, error: IamError | None = None) -> HttpResponse:
    actor = actor_for(request)
    q = request.GET.get("q", "").strip()[:128]
    ctx: Ctx = {"nav": "roles", "q": q, "error": error, "selected": request.POST.getlist("role")}
    ctx["prefs"] = prefs = list_preferences.load(request, list_preferences.ROLES)
    per_page = list_preferences.page_size_for(request, prefs)
    try:
        page = Paginator(access.list_roles(actor, search=q), per_page).get_page(
            request.GET.get("page")
        )
        ctx["page_obj"] = page
        last = last_activity.of_roles(page)  # one query for the page
        ctx["rows"] = [(role, trusted_entities(role.trust_policy), last[role.pk]) for role in page]
    except AccessDenied as denied:
        ctx["denied"] = denied.message
    template = "accounts/roles/list.html" + ("#table" if request.htmx else "")
    return render(request, template, ctx, status=400 if error else 200)


@require_POST
def role_delete(request: HtmxHttpRequest) -> HttpResponse:
    """Delete the selected roles: type the role name (or "delete" for several)."""
    actor = actor_for(request)
    names = request.POST.getlist("role")
    expected = names[0] if len(names) == 1 else "delete"
    if not names:
        return role_list(request, error=ValidationError("Select at least one role."))
    if request.POST.get("confirm", "").strip() != expected:
        return role_list(request, error=ValidationError(f"To confirm deletion, enter {expected}."))
    try:
        for role in access.roles_named(actor, names):
            services.delete_role_with_dependents(actor=actor, role=role)
    except IamError as error:
        return role_list(request, error=error)
    messages.success(request, f"{len(names)} role(s) deleted: {', '.join(names)}.")
    return redirect("role_list")


# --- the role page ------------------------------------------------------------------


def _tab_context(actor: Actor, role: Role, tab: str, request: HttpRequest) -> Ctx:
    ctx: Ctx = {}
    try:
        ctx["instance_profiles"] = access.list_instance_profiles_for_role(actor, role)
        if tab == "permissions":
            ctx["attached"] = access.list_attached_role_policies(actor, role)
            ctx["inline"] = access.list_role_policies(actor, role)
        elif tab == "last_accessed":
            ctx |= last_accessed_context(actor, role, request.GET)
    except AccessDenied as denied:
        ctx["tab_denied"] = denied.message
    return ctx


def render_role(
    request: HtmxHttpRequest, role: Role, tab: str, *, error: IamError | None = None
) -> HttpResponse:
    ctx: Ctx = {"nav": "roles", "role": role, "tab": tab, "tabs": TABS, "error": error}
    ctx["trusted"] = trusted_entities(role.trust_policy)
    ctx["revoke_confirmation"] = sts.REVOKE_CONFIRMATION
    ctx["delete_form"] = ConfirmDeleteForm(expected=role.name)  # the Delete box's field
    ctx["last_activity"] = last_used = last_activity.of_role(role)
    last = f"{timesince(last_used)} ago" if last_used else "none"
    ctx["delete_body"] = (
        f"Last activity: {last}. Deleting the role also deletes its inline policies and its "
        "same-named instance profile, and detaches its managed policies."
    )
    ctx |= _tab_context(actor_for(request), role, tab, request)
    template = "accounts/roles/detail.html"
    if request.htmx and request.method == "GET":
        template += "#tab-panel"
    return render(request, template, ctx, status=400 if error else 200)


def role_detail(request: HtmxHttpRequest, name: str) -> HttpResponse:
    try:
        role = access.get_role(actor_for(request), name)
    except AccessDenied as denied:
        ctx = {"nav": "roles", "name": name, "denied": denied.message}
        return render(request, "accounts/roles/detail.html", ctx)
    tab = request.GET.get("tab", "permissions")
    return render_role(request, role, tab if tab in dict(TABS) else "permissions")


# The Permissions tab's buttons that name one policy: op -> (writer, success message).
_POLICY_OPS: dict[str, tuple[Callable[..., object], str]] = {
    "attach": (policy_services.attach_role_policy, "Policy {} attached."),
    "detach": (policy_services.detach_role_policy, "Policy {} detached."),
    "set_boundary": (
        policy_services.put_role_permissions_boundary,
        "Permissions boundary set to {}.",
    ),
}


def _op(actor: Actor, role: Role, op: str, data: Any) -> tuple[str, str]:
    """One button of the Permissions or Tags tab: (tab to show, success message)."""
    if op in _POLICY_OPS:
        writer, done = _POLICY_OPS[op]
        policy = access.policy_for_input(actor, data.get("policy", ""))
        writer(actor=actor, role=role, policy=policy)
        return "permissions", done.format(policy.name)
    if op == "delete_inline":
        name = data.get("policy", "")
        policy_services.delete_role_policy(actor=actor, role=role, name=name)
        return "permissions", f"Inline policy {name} deleted."
    if op == "remove_boundary":
        policy_services.delete_role_permissions_boundary(actor=actor, role=role)
        return "permissions", "Permissions boundary removed."
    if op == "tag":
        form = TagForm(data)
        if not form.is_valid():
            raise ValidationError("Enter a tag key (1 to 128 characters).", field="tags")
        pair = (form.cleaned_data["key"], form.cleaned_data["value"])
        services.tag_role(actor=actor, role=role, tags=[pair])
        return "tags", f"Tag {pair[0]} saved."
    if op == "revoke_sessions":
        if data.get("acknowledge") != "yes":
            raise ValidationError(
                "Select the acknowledgement to revoke all active sessions.", field="acknowledge"
            )
        sts.revoke_role_sessions(actor=actor, role=role)
        return "sessions", f"Active sessions for {role.name} revoked."
    if op == "untag":
        services.untag_role(actor=actor, role=role, keys=[data.get("key", "")])
        return "tags", f"Tag {data.get('key', '')} removed."
    raise ValidationError("Unknown action.")


@shows_denial("roles")
@require_POST
def role_action(request: HtmxHttpRequest, name: str) -> HttpResponse:
    actor = actor_for(request)
    role = access.get_role(actor, name)
    tab = request.POST.get("tab", "permissions")
    try:
        tab, message = _op(actor, role, request.POST.get("op", ""), request.POST)
    except IamError as error:
        return render_role(request, role, tab if tab in dict(TABS) else "permissions", error=error)
    messages.success(request, message)
    return redirect(reverse("role_detail", args=[role.name]) + f"?tab={tab}")


# --- edit pages ---------------------------------------------------------------------


@shows_denial("roles")
def role_edit(request: HttpRequest, name: str) -> HttpResponse:
    """Summary → Edit: description and maximum session duration."""
    actor = actor_for(request)
    role = access.get_role(actor, name)
    preset = str(role.max_session_duration)
    initial = {"description": role.description, "custom_seconds": role.max_session_duration}
    initial["duration"] = (
        preset if preset in {"3600", "7200", "14400", "28800", "43200"} else "custom"
    )
    form = EditRoleForm(request.POST or None, initial=initial)
    ctx: Ctx = {"nav": "roles", "role": role, "form": form}
    if request.method == "POST" and form.is_valid():
        try:
            services.update_role(
                actor=actor,
                role=role,
                description=form.cleaned_data["description"],
                max_session_duration=form.cleaned_data["seconds"],
            )
        except IamError as error:
            show_error(ctx, form, error)
        else:
            messages.success(request, f"Role {role.name} updated.")
            return redirect("role_detail", name=role.name)
    return render(request, "accounts/roles/edit.html", ctx)


@shows_denial("roles")
def role_trust_edit(request: HttpRequest, name: str) -> HttpResponse:
    """Trust relationships → Edit trust policy. An invalid document changes nothing."""
    actor = actor_for(request)
    role = access.get_role(actor, name)
    form = TrustPolicyForm(request.POST or None, initial={"document": role.trust_policy})
    ctx: Ctx = {"nav": "roles", "role": role, "form": form}
    posted = request.method == "POST" and form.is_valid()
    if posted and attempt(
        ctx,
        form,
        lambda: services.update_assume_role_policy(
            actor=actor, role=role, document=form.cleaned_data["document"]
        ),
    ):
        messages.success(request, f"Trust policy of {role.name} updated.")
        return redirect(reverse("role_detail", args=[role.name]) + "?tab=trust")
    return render(request, "accounts/roles/trust_edit.html", ctx)


@shows_denial("roles")
def role_inline_policy(request: HttpRequest, name: str) -> HttpResponse:
    """Create or edit an inline policy (?policy=<name> edits an existing one): the policy
    editor, Review, PutRolePolicy."""
    actor = actor_for(request)
    role = access.get_role(actor, name)
    existing = access.role_inline_policy(actor, role, request.GET.get("policy", ""))
    back = reverse("role_detail", args=[role.name]) + "?tab=permissions"
    target = InlineTarget(
        kind="inline-role",
        existing_name=existing.name if existing else "",
        existing_document=existing.document if existing else DOCUMENT_TEMPLATE,
        done_url=back,
        put=lambda new_name, document: policy_services.put_role_policy(
            actor=actor, role=role, name=new_name, document=document
        ),
    )
    ctx: Ctx = {
        "nav": "roles",
        "role": role,
        "page_title": f"Modify permissions in {existing.name}"
        if existing
        else "Create inline policy",
        "crumbs": [("Roles", reverse("role_list")), (role.name, back)],
        "save_label": "Save changes" if existing else "Create policy",
        "size_note": "A role's inline policies together can have up to 10,240 characters "
        "(whitespace not counted).",
        "keep_query": [("policy", existing.name)] if existing else [],
    }
    return inline_editor(request, target, ctx)
