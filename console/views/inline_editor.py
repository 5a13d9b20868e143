"""The inline policy editor of users, groups and roles: the managed policies' editor (Visual
and JSON tabs, problems with line and column as you type, lint warnings), then a Review step
(name, summary, warnings) before Put{User,Group,Role}Policy.

A view gives `inline_editor` what differs: the page's context (nav, breadcrumbs, title), the
validation kind, the policy being edited (if any) and the writer to call on save. A POST with
no step saves at once (a form posted by a script, and the older single-page form)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from console.flows import visual_editor as visual
from console.flows.wizard import StepLink
from console.forms import InlinePolicyForm
from console.forms.policies import DOCUMENT_TEMPLATE, DocumentForm
from console.views.denial import attempt
from console.views.editor import _summary, problems, visual_add

TEMPLATE = "policies/inline_policy.html"
Ctx = dict[str, Any]


@dataclass(frozen=True)
class InlineTarget:
    """Where the inline policy goes. `kind` is the validation kind (inline-user, ...)."""

    kind: str
    existing_name: str  # "" when creating
    existing_document: str
    done_url: str  # where Cancel and a successful save go
    put: Callable[[str, str], object]  # (name, document): the Put*Policy writer


def inline_editor(request: HttpRequest, target: InlineTarget, base: Ctx) -> HttpResponse:
    step = request.POST.get("step", "") if request.method == "POST" else ""
    ctx: Ctx = base | {
        "wizard_steps": _steps(review=False),
        "target": target,
        "editor_kind": target.kind,
        "visual_action": request.get_full_path(),
        "cancel_url": target.done_url,
    }
    if step == "visual":
        return visual_add(request, TEMPLATE, ctx)
    if request.method == "GET" and request.GET.get("editor") == "visual":
        document = request.GET.get("document") or target.existing_document or DOCUMENT_TEMPLATE
        ctx |= {"editor": "visual"} | visual.editor_context(
            request.GET.get("service", ""), document, request.GET.get("edit")
        )
        return render(request, TEMPLATE, ctx)
    if step in ("json", "back"):
        return _editor(request, ctx, request.POST.get("document", ""))
    if step == "review":
        return _review(request, target, ctx)
    if request.method == "POST":
        return _save(request, target, ctx)
    return _editor(request, ctx, target.existing_document or DOCUMENT_TEMPLATE)


def _editor(request: HttpRequest, ctx: Ctx, document: str, status: int = 200) -> HttpResponse:
    form = DocumentForm(initial={"document": document})
    return render(request, TEMPLATE, ctx | {"form": form}, status=status)


def _review(request: HttpRequest, target: InlineTarget, ctx: Ctx) -> HttpResponse:
    """Step 2: errors send the person back to the editor (shown with line and column);
    otherwise the name, the summary and the warnings, the document waiting in the form."""
    text = request.POST.get("document", "")
    found = problems(text, target.kind)
    if found["errors"]:
        editor = DocumentForm(initial={"document": text})
        return render(request, TEMPLATE, ctx | {"form": editor, **found}, status=400)
    form = InlinePolicyForm(initial={"name": target.existing_name, "document": text})
    return _review_page(request, ctx, form, text, found["warnings"])


def _review_page(
    request: HttpRequest,
    ctx: Ctx,
    form: InlinePolicyForm,
    text: str,
    warnings: list[Any],
    status: int = 200,
) -> HttpResponse:
    ctx |= {"review": True, "form": form, "document": text, "warnings": warnings}
    ctx["wizard_steps"] = _steps(review=True)
    ctx["summary"] = _summary(text)
    return render(request, TEMPLATE, ctx, status=status)


def _save(request: HttpRequest, target: InlineTarget, ctx: Ctx) -> HttpResponse:
    data = request.POST.copy()
    if target.existing_name:
        data["name"] = target.existing_name  # an inline policy keeps its name
    form = InlinePolicyForm(data)
    if form.is_valid():
        name, document = form.cleaned_data["name"], form.cleaned_data["document"]
        if attempt(ctx, form, lambda: target.put(name, document)):
            messages.success(request, f"Policy {name} saved.")
            return redirect(target.done_url)
    text = str(data.get("document", ""))
    found = problems(text, target.kind)
    status = 403 if "denied" in ctx else 400
    if form.has_error("document") or found["errors"]:
        # Back to the editor: the document's problems beside it, with line and column.
        return render(request, TEMPLATE, ctx | {"form": form, **found}, status=status)
    return _review_page(request, ctx, form, text, found["warnings"], status=status)


def _steps(*, review: bool) -> list[StepLink]:
    """The step rail: Specify permissions, then Review and create (no links: the document
    travels in the form, not in a stored wizard)."""
    titles = (("permissions", "Specify permissions"), ("review", "Review and create"))
    return [
        StepLink(key, number, title, False, current, complete, "")
        for number, (key, title) in enumerate(titles, start=1)
        for current, complete in [((key == "review") == review, key == "permissions" and review)]
    ]
