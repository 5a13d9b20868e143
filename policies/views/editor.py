"""The policy editor: Create policy (visual or JSON, then Review and create), Edit policy
(a new default version) and the as-you-type validation endpoint."""

from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from accounts import access
from accounts.actors import actor_for
from accounts.forms import add_service_error
from iamconsole.errors import AccessDenied, IamError
from policies import services as policy_services
from policies import visual
from policies.engine import actions as catalogue
from policies.engine import lint, validate
from policies.engine.summary import summarize
from policies.forms import DOCUMENT_TEMPLATE, DocumentForm, ReviewPolicyForm, VisualStatementForm
from policies.templatetags.policy_tags import policy_url

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
    if step == "visual":
        return visual_add(request)
    if step in ("review", "create"):
        return _review(request, step)
    form = DocumentForm(request.POST or None, initial={"document": DOCUMENT_TEMPLATE})
    ctx: dict[str, Any] = {"nav": "policies", "form": form, "document": ""}
    ctx["editor"] = request.GET.get("editor")
    if ctx["editor"] == "visual":
        ctx |= visual.editor_context(request.GET.get("service", ""), request.GET.get("document"))
    return render(request, "policies/create.html", ctx)


def _review(request: HttpRequest, step: str) -> HttpResponse:
    text = request.POST.get("document", "")
    ctx: dict[str, Any] = {"nav": "policies"}
    if problems(text)["errors"]:
        form = DocumentForm(request.POST)
        ctx |= {"form": form, **problems(text)}
        return render(request, "policies/create.html", ctx)
    form = ReviewPolicyForm(request.POST if step == "create" else None, initial={"document": text})
    if step == "create" and form.is_valid():
        try:
            policy = policy_services.create_policy(
                actor=actor_for(request),
                name=form.cleaned_data["name"],
                document=form.cleaned_data["document"],
                description=form.cleaned_data["description"],
            )
        except IamError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Policy {policy.name} created.")
            return redirect(policy_url(policy))
    ctx |= {"form": form, "document": text, "summary": _summary(text)}
    return render(request, "policies/review.html", ctx)


def visual_add(request: HttpRequest) -> HttpResponse:
    """The visual editor's statement, added to the document and shown in the JSON editor."""
    service = request.POST.get("service", "")
    names = [a.full_name for a in catalogue.actions_for_service(service)]
    form = VisualStatementForm(request.POST, action_names=names)
    current = request.POST.get("document", "")
    if not form.is_valid():
        ctx = {"nav": "policies", "editor": "visual", "visual_form": form}
        ctx |= visual.editor_context(service, current)
        return render(request, "policies/create.html", ctx, status=400)
    document = visual.add_statement(current, visual.statement_from(form.cleaned_data))
    form = DocumentForm(initial={"document": document})
    ctx = {"nav": "policies", "form": form, **problems(document)}
    return render(request, "policies/create.html", ctx)


def policy_edit(request: HttpRequest, name: str) -> HttpResponse:
    """Edit policy: Save changes makes a new version and sets it as the default."""
    actor = actor_for(request)
    try:
        policy = access.get_policy_by_name(actor, name, aws_managed=False)
    except AccessDenied as denied:
        return render(request, "policies/edit.html", {"nav": "policies", "denied": denied.message})
    initial = {"document": policy_services.default_document(policy)}
    form = DocumentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            policy_services.create_policy_version(
                actor=actor, policy=policy, document=form.cleaned_data["document"]
            )
        except IamError as error:
            add_service_error(form, error)
        else:
            messages.success(request, f"Policy {policy.name} updated.")
            return redirect(policy_url(policy))
    ctx = {"nav": "policies", "policy": policy, "form": form}
    return render(request, "policies/edit.html", ctx)
