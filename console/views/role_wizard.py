"""The Create role wizard: (1) Select trusted entity, (2) Add permissions, (3) Name, review,
and create. Choices wait server-side (console.flows.wizard); nothing is created until
Create role."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse

from console.flows.wizard import Wizard, WizardState
from console.forms import add_service_error
from console.forms.roles import RoleDetailsForm, TrustedEntityForm
from domain import iam as services
from domain.iam import access
from domain.iam import identity_providers as idp
from domain.iam.policies import check_document
from domain.kernel.actors import Actor, actor_for
from domain.kernel.errors import AccessDenied, IamError

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
MAX_POLICIES = 20
DETAILS = ("name", "description", "tag_key", "tag_value")
Ctx = dict[str, Any]


@dataclass
class NewRoleState(WizardState):
    trust: dict[str, Any] = field(default_factory=dict)  # step 1's choices, as cleaned
    trust_policy: str = ""
    policies: list[str] = field(default_factory=list)  # ARNs
    boundary: str = ""  # a name or ARN, when a boundary is wanted
    q: str = ""
    page: int = 1
    details: dict[str, str] = field(default_factory=dict)  # step 3 as typed, kept on Back


WIZARD = Wizard(
    name="create-role",
    title="Create role",
    state=NewRoleState,
    steps=[
        ("trust", "Select trusted entity"),
        ("permissions", "Add permissions"),
        ("review", "Name, review, and create"),
    ],
    url_name="role_create_step",
    start_name="role_create",
)


def _ctx(state: NewRoleState, step: str) -> Ctx:
    return {"nav": "roles"} | WIZARD.context(state, step)


def create_start(request: HttpRequest) -> HttpResponse:
    return WIZARD.go(WIZARD.start(request), "trust")


def create_step(request: HttpRequest, wizard: str, step: str) -> HttpResponse:
    state = WIZARD.resolve(request, wizard, step)
    if isinstance(state, HttpResponse):
        return state
    view = {"trust": _trust, "permissions": _permissions, "review": _review}[step]
    return view(request, state)


def _trust_policy(actor: Actor, data: dict[str, Any], signin_url: str) -> str:
    """The trust policy the step-1 choices make (services raise beside the field)."""
    if data["trust_type"] == "web_identity":
        return idp.web_identity_trust_policy(
            actor, data.get("oidc_provider") or "", (data.get("audience") or "").strip()
        )
    if data["trust_type"] == "saml":
        return idp.saml_trust_policy(
            actor,
            data.get("saml_provider") or "",
            console_access=data.get("saml_access") != "programmatic",
            signin_url=signin_url,
            attribute=data.get("saml_attribute") or "",
            value=data.get("saml_value") or "",
        )
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


def _trust(request: HttpRequest, state: NewRoleState) -> HttpResponse:
    actor = actor_for(request)
    form = TrustedEntityForm(
        request.POST or None, initial=state.trust or {"document": TRUST_TEMPLATE}
    )
    if request.method == "POST" and form.is_valid():
        try:
            signin_url = request.build_absolute_uri(reverse("saml_signin"))
            trust = _trust_policy(actor, form.cleaned_data, signin_url)
        except IamError as error:
            add_service_error(form, error)
        else:
            state.trust, state.trust_policy = dict(form.cleaned_data), trust
            WIZARD.finish(state, "trust")
            WIZARD.keep(request, state)
            return WIZARD.go(state, "permissions")
    return render(
        request,
        "accounts/roles/create_trust.html",
        _ctx(state, "trust") | {"form": form} | _federation_choices(actor),
    )


def _federation_choices(actor: Actor) -> Ctx:
    """The account's identity providers for Web identity and SAML 2.0 federation (none
    when the actor may not list them)."""
    try:
        oidc = idp.list_open_id_connect_providers(actor)
        saml = idp.list_saml_providers(actor)
    except AccessDenied:
        oidc, saml = [], []
    return {
        "oidc_providers": oidc,
        "saml_providers": saml,
        "saml_condition_keys": idp.SAML_CONDITION_KEYS,
    }


def _update_selection(state: NewRoleState, data: Any) -> None:
    """Checked rows on this page join the selection; unchecked shown rows leave it."""
    shown = set(data.getlist("shown"))
    kept = [a for a in state.policies if a not in shown]
    state.policies = list(dict.fromkeys(kept + data.getlist("policy")))[:MAX_POLICIES]
    state.boundary = data.get("boundary", "").strip() if data.get("use_boundary") else ""
    go = data.get("go", "")
    query = data.get("q", "").strip()[:128]
    if go == "search" or query != state.q:
        state.q, state.page = query, 1
    elif go.startswith("page:") and go.removeprefix("page:").isdigit():
        state.page = int(go.removeprefix("page:"))


def _permissions(request: HttpRequest, state: NewRoleState) -> HttpResponse:
    if request.method == "POST":
        _update_selection(state, request.POST)
        go = request.POST.get("go", "")
        if go == "next":
            WIZARD.finish(state, "permissions")
        WIZARD.keep(request, state)
        # Every POST ends in a redirect, so a reload never posts again.
        return WIZARD.go(state, {"next": "review", "back": "trust"}.get(go, "permissions"))
    ctx = _ctx(state, "permissions") | {"q": state.q}
    try:
        policies = access.list_policies_for_picking(actor_for(request), search=state.q)
        ctx["page_obj"] = Paginator(policies, PER_PAGE).get_page(state.page)
    except AccessDenied as denied:
        ctx["denied"] = denied.message
    return render(request, "accounts/roles/create_permissions.html", ctx)


def _picked(actor: Actor, state: NewRoleState) -> tuple[list[Any], Any]:
    policies = access.policies_with_arns(actor, state.policies)
    boundary = None
    if state.boundary:
        boundary = access.policy_for_input(actor, state.boundary, field="boundary")
    return policies, boundary


def _review(request: HttpRequest, state: NewRoleState) -> HttpResponse:
    actor = actor_for(request)
    if request.method == "POST":
        state.details = {k: str(request.POST.get(k, ""))[:2000] for k in DETAILS}
        WIZARD.keep(request, state)
        if "back" in request.POST:
            return WIZARD.go(state, "permissions")
    form = RoleDetailsForm(request.POST or None, initial=state.details)
    ctx = _ctx(state, "review") | {"form": form}
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
    state: NewRoleState,
    form: RoleDetailsForm,
    policies: list[Any],
    boundary: Any,
) -> HttpResponse:
    data = form.cleaned_data
    tags = [(data["tag_key"], data["tag_value"])] if data["tag_key"] else []
    role = services.create_role_with_permissions(
        actor=actor,
        name=data["name"],
        description=data["description"],
        trust_policy=state.trust_policy,
        tags=tags,
        policies=policies,
        permissions_boundary=boundary,
        instance_profile=state.trust.get("trust_type") == "service"
        and state.trust.get("service") == "ec2",
    )
    WIZARD.discard(request, state.id)
    messages.success(request, f"Role {role.name} created.")
    return redirect("role_detail", name=role.name)
