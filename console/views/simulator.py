"""The policy simulator page: choose whose permissions (or paste policies), actions,
resources and context keys; see each decision and the statement that made it."""

from __future__ import annotations

import re
from typing import Any

from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import render

from accounts.models import Group, Role
from console.http import HtmxHttpRequest
from domain.iam import policy_listing as listing
from domain.iam import simulator
from domain.kernel.actors import Actor, actor_for
from domain.kernel.errors import AccessDenied, IamError, ValidationError
from policies.engine import actions as catalogue

PREFILL_KINDS = ("user", "group", "role")
Ctx = dict[str, Any]


def _entity(data: QueryDict) -> str:
    """The chosen entity; `?user=alice` (the users' Simulate link) pre-fills it."""
    for kind in PREFILL_KINDS:
        if data.get(kind):
            return f"{kind}:{data[kind]}"
    return data.get("entity", "")


def _form_context(actor: Actor, data: QueryDict) -> Ctx:
    documents = data.getlist("document") or [""]
    if "add_document" in data:
        documents.append("")
    keys, values = data.getlist("ctx_key"), data.getlist("ctx_value")
    rows = list(zip(keys, values, strict=False)) or [("", "")]
    if "add_context" in data:
        rows.append(("", ""))
    service = data.get("service", "")
    return {
        "nav": "simulator",
        "entity": _entity(data),
        # Read when the template shows the picker (the full page), not for the results
        # partial an htmx run answers with.
        "entities": lambda: listing.attachable_entities(actor),
        "documents": documents[:10],
        "context_rows": rows[:20],
        "services": catalogue.services(),
        "service": service,
        "service_actions": catalogue.actions_for_service(service) if service else [],
        "picked": data.getlist("action"),
        "actions_text": data.get("actions", ""),
        "resources": data.get("resources", "*"),
        "global_keys": [k.key for k in catalogue.global_condition_keys()],
    }


def _subject(actor: Actor, entity: str, documents: list[str]) -> simulator.Subject:
    if entity == "custom":
        return simulator.for_documents(actor, documents)
    try:
        target = listing.entity_from_key(actor, entity)
    except Http404:
        raise ValidationError(
            "Choose a user, group or role of this account.", field="entity"
        ) from None
    if isinstance(target, Group):
        return simulator.for_group(actor, target)
    if isinstance(target, Role):
        return simulator.for_role(actor, target)
    return simulator.for_user(actor, target)


def _run(actor: Actor, data: QueryDict, ctx: Ctx) -> None:
    try:
        subject = _subject(actor, ctx["entity"], ctx["documents"])
        typed = [a for a in re.split(r"[\s,]+", data.get("actions", "")) if a]
        actions, ctx["expanded"] = simulator.parse_action_patterns(data.getlist("action") + typed)
        resources = simulator.parse_resources(data.get("resources", ""))
        pairs = list(zip(data.getlist("ctx_key"), data.getlist("ctx_value"), strict=False))
        context = simulator.parse_context(pairs)
        ctx["subject"] = subject
        ctx["results"] = simulator.simulate(subject, actions, resources, context)
    except AccessDenied as denied:
        ctx["denied"] = denied.message
    except IamError as error:
        ctx["error"] = error


def simulator_page(request: HtmxHttpRequest) -> HttpResponse:
    actor = actor_for(request)
    data = request.POST if request.method == "POST" else request.GET
    ctx = _form_context(actor, data)
    if request.method == "POST" and ("run" in data or request.htmx):
        _run(actor, data, ctx)
    template = "policies/simulator.html"
    if request.htmx:
        template += "#results" if request.method == "POST" else "#service-actions"
    return render(request, template, ctx)
