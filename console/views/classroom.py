"""Lab templates (deploy a template into the current account, its stacks, delete one) and
classes (an instructor's student accounts: roster, progress, Switch role, reset, close)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from console.flows import show_once
from console.forms.classroom import (
    ClassForm,
    ConfirmForm,
    DeployForm,
    ParametersForm,
    TemplateChoiceMixin,
)
from console.views.denial import attempt, show_error, shows_denial
from domain.classroom import classes, labs, organizations, stacks
from domain.kernel.actors import actor_for
from domain.kernel.csv_files import csv_text
from domain.kernel.errors import StackError

ROSTER = "class-roster"
ROSTER_HEADER = ["Student", "Account ID", "Console sign-in URL", "User name", "Password"]


def _lab_choices() -> list[tuple[str, str]]:
    return [(lab.key, lab.title) for lab in labs.shipped_labs()]


def _chosen_body(form: TemplateChoiceMixin) -> tuple[str, str] | None:
    """(template name, body) of the form's choice, or None while it has none."""
    data = getattr(form, "cleaned_data", None) or {}
    text = str(data.get("template") or "")
    if text.strip():
        return "", text
    lab = labs.shipped_lab(str(data.get("lab") or form.initial.get("lab") or ""))
    return (lab.key, lab.body) if lab is not None else None


def _parameters_form(request: HttpRequest, body: str, *, bound: bool) -> ParametersForm | None:
    try:
        template = stacks.read_template(body)
    except StackError:
        return None
    specs = list(template.parameters.values())
    return ParametersForm(request.POST if bound else None, parameters=specs)


def _missing(request: HttpRequest, ctx: dict[str, Any], error: StackError) -> HttpResponse:
    """Another account's (or no) stack or class: a 404 with CloudFormation's message."""
    return render(request, "classroom/missing.html", ctx | {"message": error.message}, status=404)


def _confirmed(
    request: HttpRequest, ctx: dict[str, Any], expected: str, act: Callable[[], object]
) -> bool:
    """The type-to-confirm form (ctx["form"]): True once `expected` was typed and `act` ran;
    a refusal is shown on the form."""
    form = ConfirmForm(request.POST or None, expected=expected)
    ctx["form"] = form
    return request.method == "POST" and form.is_valid() and attempt(ctx, form, act)


# --- Lab templates --------------------------------------------------------------------


@shows_denial("labs")
def lab_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    ctx: dict[str, Any] = {"nav": "labs", "labs": labs.shipped_labs()}
    attempt(ctx, None, lambda: ctx.update(stacks=stacks.describe_stacks(actor)))
    return render(request, "classroom/lab_list.html", ctx)


@shows_denial("labs")
def lab_deploy(request: HttpRequest) -> HttpResponse:
    """Deploy a template: a shipped one (?lab=key) or the deployer's own; its parameters;
    the result page shows the outputs (generated passwords once: never again)."""
    actor = actor_for(request)
    initial = {"lab": request.GET.get("lab", ""), "stack_name": request.GET.get("lab", "")}
    posted = request.method == "POST"
    form = DeployForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        labs=_lab_choices(),
        initial=initial,
    )
    ctx: dict[str, Any] = {"nav": "labs", "form": form}
    chosen = _chosen_body(form) if not posted or form.is_valid() else None
    if chosen is not None:
        template_name, body = chosen
        ctx["body"] = body
        params = _parameters_form(request, body, bound=posted and "deploy" in request.POST)
        ctx["params"] = params
        if posted and "deploy" in request.POST and params is not None and params.is_valid():
            result: dict[str, stacks.Deployed] = {}

            def deploy() -> None:
                result["done"] = stacks.create_stack(
                    actor=actor,
                    name=str(form.cleaned_data["stack_name"]),
                    template_body=body,
                    parameters=params.values(),
                    template_name=template_name,
                )

            if attempt(ctx, form, deploy):
                ctx["deployed"] = result["done"]
                return render(request, "classroom/deployed.html", ctx)
        elif posted and params is None:
            # The template does not read: its error beside the template field.
            try:
                stacks.read_template(body)
            except StackError as error:
                show_error(ctx, form, error)
    return render(request, "classroom/deploy.html", ctx, status=400 if form.errors else 200)


@shows_denial("labs")
def stack_detail(request: HttpRequest, name: str) -> HttpResponse:
    actor = actor_for(request)
    ctx: dict[str, Any] = {"nav": "labs"}
    try:
        stack = stacks.stack_named(actor, name)
    except StackError as error:
        return _missing(request, ctx, error)
    ctx |= {"stack": stack, "resources": stacks.stack_resources(actor, stack)}
    if _confirmed(request, ctx, stack.name, lambda: stacks.delete_stack(actor=actor, stack=stack)):
        messages.success(request, f"Stack {stack.name} deleted.")
        return redirect("lab_list")
    return render(request, "classroom/stack_detail.html", ctx)


# --- Classes --------------------------------------------------------------------------


@shows_denial("classes")
def class_list(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    ctx: dict[str, Any] = {"nav": "classes"}
    attempt(ctx, None, lambda: ctx.update(classes=classes.list_classes(actor)))
    return render(request, "classroom/class_list.html", ctx)


@shows_denial("classes")
def class_create(request: HttpRequest) -> HttpResponse:
    actor = actor_for(request)
    posted = request.method == "POST"
    form = ClassForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        labs=_lab_choices(),
        initial={"lab": request.GET.get("lab", "")},
    )
    ctx: dict[str, Any] = {"nav": "classes", "form": form}
    chosen = _chosen_body(form) if posted and form.is_valid() else None
    if chosen is not None:
        template_name, body = chosen
        params = _parameters_form(request, body, bound=True)
        result: dict[str, classes.NewClass] = {}

        def create() -> None:
            result["new"] = classes.create_class(
                actor=actor,
                name=str(form.cleaned_data["name"]),
                students=int(form.cleaned_data["students"]),
                template_body=body,
                template_name=template_name,
                parameters=params.values() if params is not None and params.is_valid() else {},
            )

        if attempt(ctx, form, create):
            new = result["new"]
            _stash_roster(request, new)
            return redirect("class_detail", class_id=new.lab_class.pk)
    return render(request, "classroom/class_create.html", ctx, status=400 if form.errors else 200)


def _stash_roster(request: HttpRequest, new: classes.NewClass) -> None:
    rows = [
        [
            row.student,
            row.account_id,
            _signin_url(request, row.account_id),
            row.user_name,
            row.password,
            "; ".join(f"{k}={v}" for k, v in row.lab_secrets.items()),
        ]
        for row in new.roster
    ]
    show_once.stash(request, ROSTER, new.lab_class.pk, {"rows": json.dumps(rows)})


def _signin_url(request: HttpRequest, account_id: str) -> str:
    return request.build_absolute_uri(reverse("signin_user", args=[account_id]))


def _roster(request: HttpRequest, class_id: int, use: str) -> list[list[str]] | None:
    values = show_once.take(request, ROSTER, class_id, use)
    if values is None:
        return None
    rows = json.loads(values.get("rows", "[]"))
    return rows if isinstance(rows, list) else None


def _switch_url(student: classes.StudentProgress, lab_class_name: str) -> str:
    query = urlencode(
        {
            "account": student.student.student_account_id,
            "roleName": organizations.ACCESS_ROLE,
            "displayName": f"{lab_class_name} student-{student.student.number}"[:64],
        }
    )
    return f"{reverse('switch_role')}?{query}"


@shows_denial("classes")
def class_detail(request: HttpRequest, class_id: int) -> HttpResponse:
    actor = actor_for(request)
    ctx: dict[str, Any] = {"nav": "classes"}
    try:
        lab_class = classes.get_class(actor, class_id)
    except StackError as error:
        return _missing(request, ctx, error)
    students = classes.progress(actor, lab_class)
    ctx |= {
        "lab_class": lab_class,
        "students": [
            {
                "progress": s,
                "signin_url": _signin_url(request, s.student.student_account_id),
                "switch_url": _switch_url(s, lab_class.name),
            }
            for s in students
        ],
        "roster": _roster(request, class_id, show_once.PAGE),
        "roster_csv": show_once.can_take(request, ROSTER, class_id, show_once.CSV),
        "check_count": len(students[0].checks) if students else 0,
        # AWS lets no root user assume a role: the instructor switches as an IAM user.
        "can_switch": not actor.is_root,
    }
    return render(request, "classroom/class_detail.html", ctx)


def class_roster_csv(request: HttpRequest, class_id: int) -> HttpResponse:
    """roster.csv: once; the one-time passwords leave the session now."""
    rows = _roster(request, class_id, show_once.CSV)
    if rows is None:
        messages.error(request, "The roster's passwords are no longer available.")
        return redirect("class_detail", class_id=class_id)
    header = [*ROSTER_HEADER, "Lab passwords"]
    text = csv_text([header, *rows], bom=True, verbatim=frozenset({4, 5}))
    response = HttpResponse(text.encode(), content_type="text/csv")
    response["Content-Disposition"] = f'attachment; filename="class-{class_id}-roster.csv"'
    return response


@require_POST
@shows_denial("classes")
def class_reset(request: HttpRequest, class_id: int) -> HttpResponse:
    actor = actor_for(request)
    ctx: dict[str, Any] = {}
    number = request.POST.get("student", "")

    def reset() -> None:
        lab_class = classes.get_class(actor, class_id)
        if number.isdigit():
            classes.reset_student(actor=actor, lab_class=lab_class, number=int(number))
        else:
            classes.reset_class(actor=actor, lab_class=lab_class)

    if attempt(ctx, None, reset):
        who = f"student-{number}" if number.isdigit() else "every student"
        messages.success(request, f"The lab of {who} was reset to the template.")
    else:
        messages.error(request, str(ctx.get("denied") or ctx.get("error")))
    return redirect("class_detail", class_id=class_id)


@shows_denial("classes")
def class_close(request: HttpRequest, class_id: int) -> HttpResponse:
    actor = actor_for(request)
    ctx: dict[str, Any] = {"nav": "classes"}
    try:
        lab_class = classes.get_class(actor, class_id)
    except StackError as error:
        return _missing(request, ctx, error)
    ctx["lab_class"] = lab_class
    if _confirmed(
        request, ctx, lab_class.name, lambda: classes.close_class(actor=actor, lab_class=lab_class)
    ):
        show_once.forget(request, ROSTER, class_id)
        messages.success(request, f"Class {lab_class.name} closed: its accounts were deleted.")
        return redirect("class_list")
    return render(request, "classroom/class_close.html", ctx)
