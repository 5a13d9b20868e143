"""The Create role wizard: (1) Select trusted entity, (2) Add permissions, (3) Name, review,
and create. Choices wait in the session; nothing is created until Create role."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from console.forms import add_service_error
from console.forms.roles import RoleDetailsForm, TrustedEntityForm
from domain import iam as services
from domain.iam import access
from domain.iam.policies import check_document
from domain.kernel.actors import Actor, actor_for
from domain.kernel.errors import AccessDenied, IamError

SESSION_KEY = "create_role"
TRUST_TEMPLATE = """{
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "Statement1",
            "Effect": "Allow",
            "Principal": {},
            "Action": "sts:AssumeRole"
        }
    ]
}"""
PER_PAGE = 20
Ctx = dict[str, Any]


def _state(request: HttpRequest) -> dict[str, Any]:
    return dict(request.session.get(SESSION_KEY) or {})


def _save(request: HttpRequest, state: dict[str, Any]) -> None:
    request.session[SESSION_KEY] = state


def _trust_policy(actor: Actor, data: dict[str, Any]) -> str:
    """The trust policy the step-1 choices make (services raise beside the field)."""
    if data["trust_type"] == "service":
        return services.service_trust_policy(data.get("service") or "")
    if data["trust_type"] == "account":
        account_id = actor.account.id
        if data.get("account_choice") == "another":
            account_id = (data.get("account_id") or "").strip()
        external = data.get("external_id", "") if data.get("require_external_id") else None
        return services.account_trust_policy(
            account_id, external_id=external, require_mfa=bool(data.get("require_mfa"))
        )
    text = data.get("document") or ""
    check_document(text, kind="trust", field="document")
    return text


def create_step_trust(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    state = _state(request) if request.method == "GET" and "keep" in request.GET else {}
    initial = state.get("step1") or {"document": TRUST_TEMPLATE}
    form = TrustedEntityForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            trust = _trust_policy(actor, form.cleaned_data)
        except IamError as error:
            add_service_error(form, error)
        else:
            state = _state(request) | {"step1": form.cleaned_data, "trust_policy": trust}
            _save(request, state)
            return redirect("role_create_permissions")
    ctx: Ctx = {"nav": "roles", "form": form, "step": 1}
    return render(request, "accounts/roles/create_trust.html", ctx)


def _update_selection(state: dict[str, Any], data: Any) -> None:
    """Checked rows on this page join the selection; unchecked shown rows leave it."""
    shown = set(data.getlist("shown"))
    kept = [a for a in state.get("policies", []) if a not in shown]
    state["policies"] = list(dict.fromkeys(kept + data.getlist("policy")))[:20]
    state["boundary"] = data.get("boundary", "").strip() if data.get("use_boundary") else ""


def create_step_permissions(request: HttpRequest) -> HttpResponse:
    state = _state(request)
    if "trust_policy" not in state:
        return redirect("role_create")
    go = request.POST.get("go", "")
    if request.method == "POST":
        _update_selection(state, request.POST)
        _save(request, state)
        if go in ("next", "back"):
            return redirect("role_create_review" if go == "next" else "role_create")
    data = request.POST if request.method == "POST" else request.GET
    ctx: Ctx = {"nav": "roles", "step": 2, "state": state, "q": data.get("q", "").strip()[:128]}
    try:
        policies = access.list_policies_for_picking(actor_for(request), search=ctx["q"])
        page = go.removeprefix("page:") if go.startswith("page:") else data.get("page")
        ctx["page_obj"] = Paginator(policies, PER_PAGE).get_page(page)
    except AccessDenied as denied:
        ctx["denied"] = denied.message
    return render(request, "accounts/roles/create_permissions.html", ctx)


def _picked(actor: Actor, state: dict[str, Any]) -> tuple[list[Any], Any]:
    policies = access.policies_with_arns(actor, state.get("policies", []))
    boundary = None
    if state.get("boundary"):
        boundary = access.policy_for_input(actor, state["boundary"], field="boundary")
    return policies, boundary


def create_step_review(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    state = _state(request)
    if "trust_policy" not in state:
        return redirect("role_create")
    form = RoleDetailsForm(request.POST or None)
    ctx: Ctx = {"nav": "roles", "step": 3, "state": state, "form": form}
    try:
        policies, boundary = _picked(actor, state)
        ctx |= {"policies": policies, "boundary": boundary}
        if request.method == "POST" and form.is_valid():
            return _create(request, actor, state, form, policies, boundary)
    except IamError as error:
        if isinstance(error, AccessDenied):
            ctx["denied"] = error.message
        else:
            add_service_error(form, error)
    return render(request, "accounts/roles/create_review.html", ctx)


def _create(
    request: HttpRequest,
    actor: Actor,
    state: dict[str, Any],
    form: RoleDetailsForm,
    policies: list[Any],
    boundary: Any,
) -> HttpResponse:
    data = form.cleaned_data
    tags = [(data["tag_key"], data["tag_value"])] if data["tag_key"] else []
    step1 = state.get("step1") or {}
    role = services.create_role_with_permissions(
        actor=actor,
        name=data["name"],
        description=data["description"],
        trust_policy=state["trust_policy"],
        tags=tags,
        policies=policies,
        permissions_boundary=boundary,
        instance_profile=step1.get("trust_type") == "service" and step1.get("service") == "ec2",
    )
    request.session.pop(SESSION_KEY, None)
    messages.success(request, f"Role {role.name} created.")
    return redirect("role_detail", name=role.name)
