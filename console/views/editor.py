"""The policy editor: Create policy (visual or JSON, then Review and create with tags),
Edit policy (visual or JSON; saving makes a new default version) and the as-you-type
validation endpoint."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from console.flows import visual_editor as visual
from console.forms import add_service_error
from console.forms.policies import (
    DOCUMENT_TEMPLATE,
    DocumentForm,
    ReviewPolicyForm,
    VisualStatementForm,
)
from console.forms.users import index, tag_rows
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
    """Step 1 Specify permissions (JSON or visual), step 2 Review and create."""
    step = request.POST.get("step", "")
    base: dict[str, Any] = {"nav": "policies", "visual_action": reverse("policy_create")}
    if step == "visual":
        return visual_add(request, "policies/create.html", base)
    if step in ("review", "create") or "add_tag" in request.POST or "remove_tag" in request.POST:
        return _review(request, step or "review")
    form = DocumentForm(request.POST or None, initial={"document": DOCUMENT_TEMPLATE})
    ctx = base | {"form": form, "document": ""}
    ctx["editor"] = request.GET.get("editor")
    if ctx["editor"] == "visual":
        ctx |= visual.editor_context(request.GET.get("service", ""), request.GET.get("document"))
    return render(request, "policies/create.html", ctx)


def _edited_tag_rows(data: Any) -> list[tuple[str, str]]:
    """The Review step's tag rows after its Add new tag or Remove button."""
    rows = tag_rows(data)
    gone = index(data.get("remove_tag"))
    if gone is not None and 0 <= gone < len(rows):
        rows.pop(gone)
    elif "add_tag" in data:
        rows.append(("", ""))
    return rows


def _review(request: HttpRequest, step: str) -> HttpResponse:
    text = request.POST.get("document", "")
    ctx: dict[str, Any] = {"nav": "policies", "visual_action": reverse("policy_create")}
    if problems(text)["errors"]:
        form = DocumentForm(request.POST)
        ctx |= {"form": form, **problems(text)}
        return render(request, "policies/create.html", ctx)
    rows = _edited_tag_rows(request.POST)
    # Name and description typed before Add new tag / Remove come back unvalidated.
    typed = {k: request.POST.get(k, "") for k in ("name", "description")}
    form = ReviewPolicyForm(
        request.POST if step == "create" else None, initial={"document": text, **typed}
    )
    if step == "create" and form.is_valid():
        response = _create(request, form, rows, ctx)
        if response is not None:
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
    """The visual editor's statement, appended to the document and shown in the JSON
    editor (Create policy and Edit policy alike; nothing is saved yet)."""
    service = request.POST.get("service", "")
    names = [a.full_name for a in catalogue.actions_for_service(service)]
    form = VisualStatementForm(request.POST, action_names=names)
    current = request.POST.get("document", "")
    if not form.is_valid():
        ctx = base | {"editor": "visual", "visual_form": form}
        ctx |= visual.editor_context(service, current)
        return render(request, template, ctx, status=400)
    if too_deep_at(current) != -1:
        # Nested past anything IAM accepts: show why, keep the text, add nothing.
        form = DocumentForm(initial={"document": current})
        return render(request, template, base | {"form": form, **problems(current)}, status=400)
    document = visual.add_statement(current, visual.statement_from(form.cleaned_data))
    form = DocumentForm(initial={"document": document})
    return render(request, template, base | {"form": form, **problems(document)})


def policy_edit(request: HttpRequest, name: str) -> HttpResponse:
    """Edit policy: the visual editor appends statements, the JSON editor changes
    anything; Save changes makes a new version and sets it as the default."""
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
        ctx |= visual.editor_context(request.GET.get("service", ""), document)
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
