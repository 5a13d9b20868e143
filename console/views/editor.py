"""The policy editor: Create policy (visual or JSON, then Review and create with tags),
Edit policy (visual or JSON; saving makes a new default version) and the as-you-type
validation endpoint."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from console.flows import visual_editor as visual
from console.flows.wizard import Wizard, WizardState
from console.forms import add_service_error
from console.forms.policies import (
    DOCUMENT_TEMPLATE,
    DocumentForm,
    ReviewPolicyForm,
    VisualStatementForm,
)
from console.forms.users import edited_tag_rows
from console.links import policy_url
from domain.iam import access
from domain.iam import policies as policy_services
from domain.kernel import validators
from domain.kernel.actors import actor_for
from domain.kernel.errors import AccessDenied, IamError
from policies.engine import actions as catalogue
from policies.engine import lint, validate
from policies.engine.jsonpos import too_deep_at
from policies.engine.summary import summarize

KINDS = {"managed", "trust", "inline-user", "inline-group", "inline-role"}


@dataclass
class NewPolicyState(WizardState):
    document: str = ""
    name: str = ""
    description: str = ""
    tags: list[list[str]] = field(default_factory=list)


WIZARD = Wizard(
    name="create-policy",
    title="Create policy",
    state=NewPolicyState,
    steps=[("permissions", "Specify permissions"), ("review", "Review and create")],
    url_name="policy_create_step",
    start_name="policy_create",
)


def problems(text: str, kind: str = "managed") -> dict[str, Any]:
    """Errors (with line and column) and, apart, warnings for the editor's panel."""
    errors = validate(text, kind=kind)
    warnings = [] if errors else lint(text, kind=kind)
    return {"errors": errors, "warnings": warnings, "checked": True}


@require_POST
def validate_document(request: HttpRequest) -> HttpResponse:
    """The editor posts here as you type; the answer is the problems panel only."""
    kind = request.POST.get("kind", "managed")
    text = request.POST.get("document", "")[:200_000]
    ctx = problems(text, kind if kind in KINDS else "managed")
    return render(request, "policies/editor.html#problems", ctx)


def _summary(text: str) -> list[Any]:
    try:
        return summarize(json.loads(text))
    except ValueError:
        return []


def policy_create(request: HttpRequest) -> HttpResponse:
    """Starts the wizard: step 1 Specify permissions (JSON or visual), step 2 Review and
    create. The query (?editor=visual&service=s3) carries over to step 1."""
    url = WIZARD.url(WIZARD.start(request), "permissions")
    kept = {k: request.GET[k][:64] for k in ("editor", "service") if k in request.GET}
    return redirect(f"{url}?{urlencode(kept)}" if kept else url)


def policy_create_step(request: HttpRequest, wizard: str, step: str) -> HttpResponse:
    state = WIZARD.resolve(request, wizard, step)
    if isinstance(state, HttpResponse):
        return state
    base: dict[str, Any] = {"nav": "policies", "visual_action": WIZARD.url(state, "permissions")}
    base |= WIZARD.context(state, step)
    if step == "permissions":
        return _permissions(request, state, base)
    return _review(request, state, base)


def _permissions(request: HttpRequest, state: NewPolicyState, base: dict[str, Any]) -> HttpResponse:
    action = request.POST.get("step", "")
    if action == "visual":
        return visual_add(request, "policies/create.html", base)
    if action == "review":
        text = request.POST.get("document", "")
        state.document = text
        WIZARD.keep(request, state)
        found = problems(text)
        if not found["errors"]:
            WIZARD.finish(state, "permissions")
            WIZARD.keep(request, state)
            return WIZARD.go(state, "review")
        form = DocumentForm(request.POST)
        return render(request, "policies/create.html", base | {"form": form, **found})
    document = state.document or DOCUMENT_TEMPLATE
    form = DocumentForm(request.POST or None, initial={"document": document})
    ctx = base | {"form": form, "document": ""}
    ctx["editor"] = request.GET.get("editor")
    if ctx["editor"] == "visual":
        shown = request.GET.get("document") or state.document
        ctx |= visual.editor_context(request.GET.get("service", ""), shown, request.GET.get("edit"))
    return render(request, "policies/create.html", ctx)


def _review(request: HttpRequest, state: NewPolicyState, ctx: dict[str, Any]) -> HttpResponse:
    action = request.POST.get("step", "")
    if request.method == "POST":
        # Name, description and tags typed so far are kept, also on Previous.
        state.name = str(request.POST.get("name", ""))[:1000]
        state.description = str(request.POST.get("description", ""))[:2000]
        state.tags = [list(row) for row in edited_tag_rows(request.POST)]
        WIZARD.keep(request, state)
        if action == "back":
            return WIZARD.go(state, "permissions")
    text = state.document
    rows = [(k, v) for k, v in state.tags]
    data = None
    if action == "create":
        data = request.POST.copy()
        data["document"] = text
    initial = {"document": text, "name": state.name, "description": state.description}
    form = ReviewPolicyForm(data, initial=initial)
    if action == "create" and form.is_valid():
        response = _create(request, form, rows, ctx)
        if response is not None:
            WIZARD.discard(request, state.id)
            return response
    ctx |= {"form": form, "document": text, "summary": _summary(text), "rows": rows}
    ctx["max_tags"] = validators.MAX_TAGS
    status = 400 if form.errors or ctx.get("tags_error") else 200
    return render(request, "policies/review.html", ctx, status=status)


def _create(
    request: HttpRequest, form: ReviewPolicyForm, rows: list[tuple[str, str]], ctx: dict[str, Any]
) -> HttpResponse | None:
    """CreatePolicy with the review step's tags; errors land beside their fields."""
    try:
        policy = policy_services.create_policy(
            actor=actor_for(request),
            name=form.cleaned_data["name"],
            document=form.cleaned_data["document"],
            description=form.cleaned_data["description"],
            tags=rows,
        )
    except IamError as error:
        if error.field == "tags":
            ctx["tags_error"] = error.message
        else:
            add_service_error(form, error)
        return None
    messages.success(request, f"Policy {policy.name} created.")
    return redirect(policy_url(policy))


def visual_add(request: HttpRequest, template: str, base: dict[str, Any]) -> HttpResponse:
    """The visual editor's statement, put back in place of the statement opened for
    editing (`statement`, its index) or appended to the document, then shown in the JSON
    editor (Create policy, Edit policy and inline policies alike; nothing is saved yet)."""
    service = request.POST.get("service", "")
    edit = request.POST.get("statement")
    names = [a.full_name for a in catalogue.actions_for_service(service)]
    form: VisualStatementForm | DocumentForm = VisualStatementForm(request.POST, action_names=names)
    current = request.POST.get("document", "")
    if not form.is_valid():
        ctx = base | {"editor": "visual", "visual_form": form}
        chosen = visual.choices_posted(request.POST, request.POST.getlist("actions"))
        ctx |= visual.editor_context(service, current, edit, chosen)
        return render(request, template, ctx, status=400)
    if too_deep_at(current) != -1:
        # Nested past anything IAM accepts: show why, keep the text, add nothing.
        form = DocumentForm(initial={"document": current})
        return render(request, template, base | {"form": form, **problems(current)}, status=400)
    document = visual.put_statement(current, edit, visual.statement_from(form.cleaned_data))
    form = DocumentForm(initial={"document": document})
    return render(request, template, base | {"form": form, **problems(document)})


def policy_edit(request: HttpRequest, name: str) -> HttpResponse:
    """Edit policy: the visual editor adds or changes the statements it can show, the
    JSON editor changes anything; Save changes makes a new version and sets it as the
    default."""
    actor = actor_for(request)
    try:
        policy = access.get_policy_by_name(actor, name, aws_managed=False)
    except AccessDenied as denied:
        return render(request, "policies/edit.html", {"nav": "policies", "denied": denied.message})
    base: dict[str, Any] = {"nav": "policies", "policy": policy, "append_only": True}
    base["visual_action"] = reverse("policy_edit", args=[policy.name])
    step = request.POST.get("step", "")
    if step == "visual":
        return visual_add(request, "policies/edit.html", base)
    current = policy_services.default_document(policy)
    if request.method == "GET" and request.GET.get("editor") == "visual":
        document = request.GET.get("document") or current
        ctx = base | {"editor": "visual"}
        ctx |= visual.editor_context(
            request.GET.get("service", ""), document, request.GET.get("edit")
        )
        return render(request, "policies/edit.html", ctx)
    form = DocumentForm(request.POST or None, initial={"document": current})
    # The editor switch (step=json) only shows the document; any other POST saves it.
    if request.method == "POST" and step != "json" and form.is_valid():
        response = _save_version(request, policy, form)
        if response is not None:
            return response
    return render(request, "policies/edit.html", base | {"form": form})


def _save_version(request: HttpRequest, policy: Any, form: DocumentForm) -> HttpResponse | None:
    try:
        policy_services.create_policy_version(
            actor=actor_for(request), policy=policy, document=form.cleaned_data["document"]
        )
    except IamError as error:
        add_service_error(form, error)
        return None
    messages.success(request, f"Policy {policy.name} updated.")
    return redirect(policy_url(policy))
