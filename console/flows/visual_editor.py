"""The visual policy editor: the catalogue's choices for one service, the document's
statements as the visual editor shows them, and the statement the choices make (the JSON is
always built here, on the server).

A statement the visual editor can represent (Effect, one service's actions, Resource, a Sid)
can be opened, changed and put back in its place. Any other statement (NotAction,
NotResource, Principal, conditions, action wildcards, actions of several services) is listed
read-only with its JSON and the reason, and is never rewritten: only the JSON editor changes
it."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from console.forms.policies import CONDITION_OPERATORS
from policies.engine import actions as catalogue
from policies.engine.jsonpos import too_deep_at

EFFECTS = ("Allow", "Deny")
SHOWN_KEYS = frozenset({"Sid", "Effect", "Action", "Resource"})


@dataclass(frozen=True)
class StatementView:
    """One statement of the document, as the visual tab lists it. `problems` names what
    the visual editor cannot show; a statement with none can be edited."""

    index: int
    sid: str
    effect: str
    service: str = ""
    service_name: str = ""
    all_actions: bool = False
    actions: tuple[str, ...] = ()
    resources: tuple[str, ...] = ()
    problems: tuple[str, ...] = ()
    text: str = ""

    @property
    def number(self) -> int:
        return self.index + 1

    @property
    def editable(self) -> bool:
        return not self.problems

    @property
    def all_resources(self) -> bool:
        return self.resources == ("*",)


@dataclass
class Choices:
    """What the visual form shows as chosen: a statement being edited, or the choices
    posted with an error."""

    effect: str = "Allow"
    all_actions: bool = False
    actions: frozenset[str] = frozenset()
    resource_scope: str = "all"
    resources: str = ""
    levels: set[str] = field(default_factory=set)


def _strings(value: Any) -> list[str] | None:
    """A string or a list of strings as a list; None for anything else."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return list(value)
    return None


def _actions(raw: Any, problems: list[str]) -> tuple[str, bool, list[str]]:
    """(service, all actions?, canonical action names) of a statement's Action."""
    names = _strings(raw)
    if names is None:
        problems.append("an Action that is not a list of names")
        return "", False, []
    services: set[str] = set()
    everything, found = False, []
    for name in names:
        prefix, _, action = name.partition(":")
        if action == "*" and catalogue.service_name(prefix):
            services.add(prefix.lower())
            everything = True
            continue
        info = catalogue.get_action(name) if "*" not in name and "?" not in name else None
        if info is None:
            problems.append(f"the action {name}")
            continue
        services.add(info.service)
        found.append(info.full_name)
    if len(services) > 1:
        problems.append("actions of more than one service")
    return (next(iter(services)) if len(services) == 1 else ""), everything, found


def read_statement(index: int, raw: Any) -> StatementView:
    """The statement as the visual tab shows it, with what keeps it read-only."""
    text = json.dumps(raw, indent=4)
    if not isinstance(raw, dict):
        return StatementView(
            index, "", "", problems=("a statement that is not an object",), text=text
        )
    problems = [key for key in raw if key not in SHOWN_KEYS]
    sid = raw.get("Sid", "")
    if not isinstance(sid, str):
        problems.append("a Sid that is not a string")
        sid = ""
    effect = raw.get("Effect")
    if effect not in EFFECTS:
        problems.append("an Effect other than Allow or Deny")
    actions: list[str] = []
    service, everything = "", False
    if "Action" in raw:
        service, everything, actions = _actions(raw["Action"], problems)
    elif "NotAction" not in raw:
        problems.append("no Action")
    resources = _strings(raw.get("Resource")) if "Resource" in raw else None
    if resources is None and "NotResource" not in raw:
        problems.append("no Resource list")
    return StatementView(
        index=index,
        sid=sid,
        effect=str(effect) if effect in EFFECTS else "",
        service=service,
        service_name=catalogue.service_name(service) or "" if service else "",
        all_actions=everything,
        actions=tuple(actions),
        resources=tuple(resources or ()),
        problems=tuple(problems),
        text=text,
    )


def _parsed(document: str) -> dict[str, Any] | None:
    """The document as a dict with a Statement list; None when it does not parse (or nests
    deeper than IAM accepts: never handed to the recursive JSON encoder)."""
    if too_deep_at(document) != -1:
        return None
    try:
        parsed = json.loads(document) if document.strip() else None
    except (ValueError, RecursionError):
        return None
    if not isinstance(parsed, dict):
        return None
    statements = parsed.get("Statement", [])
    if isinstance(statements, dict):
        parsed["Statement"] = [statements]  # one statement may stand alone
    elif not isinstance(statements, list):
        return None
    return parsed


def statements(document: str) -> list[StatementView]:
    parsed = _parsed(document)
    if parsed is None:
        return []
    return [read_statement(i, s) for i, s in enumerate(parsed.get("Statement", []))]


def _index(value: str | None) -> int | None:
    return int(value) if value and value.isdigit() and len(value) < 6 else None


def editing(document: str, edit: str | None) -> StatementView | None:
    """The statement opened for editing (`edit` is its index), if it can be edited."""
    index = _index(edit)
    shown = statements(document)
    if index is None or index >= len(shown) or not shown[index].editable:
        return None
    return shown[index]


def choices_of(statement: StatementView, service: str) -> Choices:
    chosen = Choices(effect=statement.effect)
    if not statement.all_resources:
        chosen.resource_scope = "specific" if statement.resources else "all"
        chosen.resources = "\n".join(statement.resources)
    if statement.service == service:
        chosen.all_actions = statement.all_actions
        chosen.actions = frozenset(statement.actions)
    return chosen


def choices_posted(data: Mapping[str, Any], actions: list[str]) -> Choices:
    """The posted choices, shown again beside the form's errors."""
    picked = frozenset(str(a) for a in actions)
    return Choices(
        effect=str(data.get("effect")) if data.get("effect") in EFFECTS else "Allow",
        all_actions=bool(data.get("all_actions")),
        actions=picked,
        resource_scope="specific" if data.get("resource_scope") == "specific" else "all",
        resources=str(data.get("resources", ""))[:20000],
    )


def editor_context(
    service: str, document: str | None, edit: str | None = None, chosen: Choices | None = None
) -> dict[str, Any]:
    """The document's statements; services to pick from; for a picked service, its
    actions by access level and the condition keys that apply (the service's and the
    global ones). With `edit`, the statement at that index fills the form."""
    opened = editing(document or "", edit)
    if opened is not None and not service:
        service = opened.service
    ctx: dict[str, Any] = {
        "services": catalogue.services(),
        "service": "",
        "document": document or "",
        "operators": CONDITION_OPERATORS,
        "statements": statements(document or ""),
        "editing": opened,
    }
    if chosen is None:
        chosen = choices_of(opened, service.lower()) if opened is not None else Choices()
    ctx["chosen"] = chosen
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
    chosen.levels = {a.access_level for a in actions if a.full_name in chosen.actions}
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
    parsed = _parsed(document) or {"Version": "2012-10-17", "Statement": []}
    kept = [s for s in parsed.get("Statement", []) if not _is_empty_template(s)]
    parsed["Statement"] = [*kept, statement]
    parsed.setdefault("Version", "2012-10-17")
    return json.dumps(parsed, indent=4)


def put_statement(document: str, edit: str | None, statement: dict[str, Any]) -> str:
    """The statement put back in place of the one opened for editing (keeping its Sid);
    appended if that statement is no longer there or no longer editable, so nothing the
    document holds is lost."""
    opened = editing(document, edit)
    parsed = _parsed(document)
    if opened is None or parsed is None:
        return add_statement(document, statement)
    if opened.sid:
        statement = {"Sid": opened.sid, **statement}
    parsed["Statement"][opened.index] = statement
    return json.dumps(parsed, indent=4)
