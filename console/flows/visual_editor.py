"""The visual policy editor: the catalogue's choices for one service, and the statement
the choices make (the JSON is always built here, on the server)."""

from __future__ import annotations

import json
from typing import Any

from console.forms.policies import CONDITION_OPERATORS
from policies.engine import actions as catalogue


def editor_context(service: str, document: str | None) -> dict[str, Any]:
    """Services to pick from; for a picked service, its actions by access level and the
    condition keys that apply (the service's and the global ones)."""
    ctx: dict[str, Any] = {
        "services": catalogue.services(),
        "service": "",
        "document": document or "",
        "operators": CONDITION_OPERATORS,
    }
    info = catalogue.service_name(service) if service else None
    if info is None:
        return ctx
    actions = catalogue.actions_for_service(service)
    ctx["service"] = actions[0].service if actions else service.lower()
    ctx["service_name"] = info
    ctx["levels"] = [
        (level, [a for a in actions if a.access_level == level])
        for level in catalogue.ACCESS_LEVELS
    ]
    keys = catalogue.condition_keys_for_service(service) + catalogue.global_condition_keys()
    ctx["condition_keys"] = [k.key for k in keys]
    return ctx


def statement_from(data: dict[str, Any]) -> dict[str, Any]:
    """One statement from the visual editor's cleaned form data."""
    service = data["service"].lower()
    if data.get("all_actions"):
        actions: str | list[str] = f"{service}:*"
    else:
        actions = list(data["actions"])
    resources: str | list[str] = "*"
    if data.get("resource_scope") == "specific":
        resources = [r.strip() for r in data.get("resources", "").splitlines() if r.strip()]
    statement: dict[str, Any] = {"Effect": data.get("effect") or "Allow", "Action": actions}
    statement["Resource"] = resources
    key, operator = data.get("condition_key"), data.get("condition_operator")
    if key and operator:
        statement["Condition"] = {operator: {key: data.get("condition_value", "")}}
    return statement


def _is_empty_template(statement: Any) -> bool:
    return (
        isinstance(statement, dict)
        and not statement.get("Action")
        and "NotAction" not in (statement)
    )


def add_statement(document: str, statement: dict[str, Any]) -> str:
    """Appends the statement to the document being edited (replacing the empty starter
    statement); a document that does not parse is started afresh."""
    try:
        parsed = json.loads(document) if document.strip() else None
    except (ValueError, RecursionError):
        parsed = None
    if not isinstance(parsed, dict) or not isinstance(parsed.get("Statement", []), list):
        parsed = {"Version": "2012-10-17", "Statement": []}
    kept = [s for s in parsed.get("Statement", []) if not _is_empty_template(s)]
    parsed["Statement"] = [*kept, statement]
    parsed.setdefault("Version", "2012-10-17")
    return json.dumps(parsed, indent=4)
