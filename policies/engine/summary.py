"""The policy summary the console shows under "Permissions defined in this policy".

``summarize(document)`` turns a parsed policy document into one row per (effect, service):
the service's name, the access levels granted ("Full access", "Limited: List, Read",
"Full: List, Read; Limited: Write") with per-level counts, the resources, the request
conditions, and whether the row allows or explicitly denies. Explicit-deny rows come first,
as in the console; then allow rows. A statement whose action is ``*`` yields one
"All services" row, as AWS shows for AdministratorAccess. A ``NotAction`` statement yields an
"All services" row noting what is excluded, plus a row for each service it only partly
excludes (PowerUserAccess: all services except IAM, Organizations and Account). Services the
catalogue does not know are listed as unrecognized; so are unknown actions of known services.

Pure Python over ``policies.engine.actions``; the input is the JSON document already parsed
(the validator decides whether it is valid; this module summarizes whatever it is given).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Final

from policies.engine import actions as catalogue

ALL_SERVICES: Final = "*"
ALL_SERVICES_NAME: Final = "All services"
ALL_RESOURCES: Final = "All resources"
NONE: Final = "None"
FULL_ACCESS: Final = "Full access"
UNRECOGNIZED_SERVICE: Final = "Unrecognized service"


@dataclass(frozen=True, slots=True)
class LevelCount:
    """How many of a service's actions of one access level the row covers."""

    level: str
    granted: int
    total: int

    @property
    def full(self) -> bool:
        return self.granted == self.total


@dataclass(frozen=True, slots=True)
class ServiceSummary:
    effect: str  # "Allow" | "Deny"
    prefix: str  # "s3"; "*" for the "All services" row
    name: str  # "Amazon S3"; "All services"; the prefix itself when unrecognized
    access: str  # "Full access" | "Full: List, Read; Limited: Write" | "None" | ...
    levels: tuple[LevelCount, ...]  # only levels with at least one action covered
    granted_actions: int  # 0 on the all-services row (not counted)
    total_actions: int
    resources: tuple[str, ...]  # as written; ("*",) means all resources
    resource_text: str  # "All resources", one ARN, or "Multiple"
    conditions: tuple[str, ...]  # one short text per condition key
    condition_text: str  # "None", one condition, or "Multiple"
    recognized: bool = True
    unrecognized_actions: tuple[str, ...] = ()
    note: str = ""  # e.g. "Except iam:*, organizations:*" on a NotAction row
    excluded_services: tuple[str, ...] = ()  # all-services row: prefixes NotAction removes whole

    @property
    def is_deny(self) -> bool:
        return self.effect == "Deny"

    @property
    def all_services(self) -> bool:
        return self.prefix == ALL_SERVICES


# --------------------------------------------------------------------------------------------
# Reading a document leniently


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [v for v in value if isinstance(v, str)]
    return []


def _statements(document: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    raw = document.get("Statement", [])
    items = raw if isinstance(raw, list) else [raw]
    return [s for s in items if isinstance(s, Mapping)]


def _condition_texts(condition: Any) -> list[str]:
    """``{"IpAddress": {"aws:SourceIp": ["203.0.113.0/24"]}}`` -> a readable text per key."""
    if not isinstance(condition, Mapping):
        return []
    texts = []
    for operator, block in condition.items():
        if not isinstance(block, Mapping):
            continue
        for key, value in block.items():
            values = value if isinstance(value, list) else [value]
            shown = ", ".join(_condition_value(v) for v in values)
            texts.append(f"{key} ({operator}): {shown}")
    return texts


def _condition_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _resources(statement: Mapping[str, Any]) -> list[str]:
    if "NotResource" in statement:
        excluded = _strings(statement["NotResource"])
        return [f"All resources except {', '.join(excluded)}"] if excluded else ["*"]
    return _strings(statement.get("Resource"))


# --------------------------------------------------------------------------------------------
# Accumulating rows


@dataclass
class _Row:
    effect: str
    prefix: str
    actions: set[str] = field(default_factory=set)  # lower-case catalogue names
    unrecognized: set[str] = field(default_factory=set)  # as written
    resources: dict[str, None] = field(default_factory=dict)  # ordered set
    conditions: dict[str, None] = field(default_factory=dict)
    unconditional: bool = False  # some contributing statement had no Condition
    excluded: dict[str, None] = field(default_factory=dict)  # NotAction patterns (all-services)
    excluded_services: set[str] = field(default_factory=set)  # touched by NotAction
    fully_excluded: set[str] = field(default_factory=set)  # nothing left of them

    def add_context(self, resources: Iterable[str], conditions: list[str]) -> None:
        self.resources.update(dict.fromkeys(resources))
        self.conditions.update(dict.fromkeys(conditions))
        if not conditions:
            self.unconditional = True


class _Builder:
    def __init__(self) -> None:
        self.rows: dict[tuple[str, str], _Row] = {}

    def row(self, effect: str, prefix: str) -> _Row:
        key = (effect, prefix)
        if key not in self.rows:
            self.rows[key] = _Row(effect, prefix)
        return self.rows[key]

    def add_statement(self, statement: Mapping[str, Any]) -> None:
        effect = statement.get("Effect")
        if effect not in ("Allow", "Deny"):
            return
        resources = _resources(statement)
        conditions = _condition_texts(statement.get("Condition"))
        if "NotAction" in statement:
            self._add_not_action(effect, _strings(statement["NotAction"]), resources, conditions)
        else:
            for pattern in _strings(statement.get("Action")):
                self._add_action(effect, pattern, resources, conditions)

    def _add_action(
        self, effect: str, pattern: str, resources: list[str], conditions: list[str]
    ) -> None:
        if pattern and pattern.strip("*") == "":
            self.row(effect, ALL_SERVICES).add_context(resources, conditions)
            return
        service, sep, action = pattern.partition(":")
        prefixes = catalogue.matching_services(service) if sep and service else []
        if not prefixes:
            row = self.row(effect, service.lower() if sep and service else pattern)
            row.unrecognized.add(pattern)
            row.add_context(resources, conditions)
            return
        for prefix in prefixes:
            matched = catalogue.match_service_actions(prefix, action)
            if not matched and catalogue.has_wildcard(service):
                continue
            row = self.row(effect, prefix)
            if matched:
                row.actions.update(a.name.lower() for a in matched)
            else:
                row.unrecognized.add(pattern)
            row.add_context(resources, conditions)

    def _add_not_action(
        self, effect: str, patterns: list[str], resources: list[str], conditions: list[str]
    ) -> None:
        everything = self.row(effect, ALL_SERVICES)
        everything.add_context(resources, conditions)
        everything.excluded.update(dict.fromkeys(patterns))
        # Services the NotAction touches get their own row with what is left of them.
        excluded_by_service: dict[str, set[str]] = {}
        for pattern in patterns:
            if pattern and pattern.strip("*") == "":
                excluded_by_service = {p.prefix: {"*"} for p in catalogue.services()}
                break
            service, sep, action = pattern.partition(":")
            if not sep:
                continue
            for prefix in catalogue.matching_services(service):
                excluded_by_service.setdefault(prefix, set()).add(action)
        for prefix, excluded_patterns in excluded_by_service.items():
            everything.excluded_services.add(prefix)
            removed = {
                a.name.lower()
                for pat in excluded_patterns
                for a in catalogue.match_service_actions(prefix, pat)
            }
            remaining = {a.name.lower() for a in catalogue.actions_for_service(prefix)} - removed
            if not remaining:
                everything.fully_excluded.add(prefix)
            else:
                row = self.row(effect, prefix)
                row.actions.update(remaining)
                row.add_context(resources, conditions)

    # ----------------------------------------------------------------------------------------

    def summaries(self) -> list[ServiceSummary]:
        result = [self._summary(row) for row in self.rows.values() if not self._subsumed(row)]
        effect_order = {"Deny": 0, "Allow": 1}
        result.sort(
            key=lambda s: (
                effect_order[s.effect],
                not s.all_services,
                not s.recognized,
                s.name.lower(),
                s.prefix,
            )
        )
        return result

    def _subsumed(self, row: _Row) -> bool:
        """A service row adds nothing when an unconditional all-services row of the same
        effect already covers the service on all resources."""
        if row.prefix == ALL_SERVICES or row.unrecognized:
            return False
        everything = self.rows.get((row.effect, ALL_SERVICES))
        return (
            everything is not None
            and everything.unconditional
            and not everything.conditions
            and list(everything.resources) == ["*"]
            and row.prefix not in everything.excluded_services
        )

    def _summary(self, row: _Row) -> ServiceSummary:
        resources = tuple(row.resources)
        conditions = tuple(row.conditions)
        common: dict[str, Any] = {
            "effect": row.effect,
            "prefix": row.prefix,
            "resources": resources,
            "resource_text": _resource_text(resources),
            "conditions": conditions,
            "condition_text": _condition_text(conditions),
            "unrecognized_actions": tuple(sorted(row.unrecognized)),
        }
        if row.prefix == ALL_SERVICES:
            # Not counted: that would read every service's actions to say "all of them".
            note = f"Except {', '.join(row.excluded)}" if row.excluded else ""
            return ServiceSummary(
                name=ALL_SERVICES_NAME,
                access=FULL_ACCESS,
                levels=(),
                granted_actions=0,
                total_actions=0,
                note=note,
                excluded_services=tuple(sorted(row.fully_excluded)),
                **common,
            )
        name = catalogue.service_name(row.prefix)
        if name is None:
            return ServiceSummary(
                name=row.prefix,
                access=UNRECOGNIZED_SERVICE,
                levels=(),
                granted_actions=0,
                total_actions=0,
                recognized=False,
                **common,
            )
        levels = _level_counts(row.prefix, row.actions)
        total = len(catalogue.actions_for_service(row.prefix))
        return ServiceSummary(
            name=name,
            access=_access_text(levels, len(row.actions), total),
            levels=levels,
            granted_actions=len(row.actions),
            total_actions=total,
            **common,
        )


def _level_counts(prefix: str, granted: set[str]) -> tuple[LevelCount, ...]:
    totals: dict[str, int] = {}
    counts: dict[str, int] = {}
    for action in catalogue.actions_for_service(prefix):
        totals[action.access_level] = totals.get(action.access_level, 0) + 1
        if action.name.lower() in granted:
            counts[action.access_level] = counts.get(action.access_level, 0) + 1
    order = {level: i for i, level in enumerate(catalogue.ACCESS_LEVELS)}
    return tuple(
        LevelCount(level, counts[level], totals[level])
        for level in sorted(counts, key=lambda lvl: (order.get(lvl, len(order)), lvl))
    )


def _access_text(levels: tuple[LevelCount, ...], granted: int, total: int) -> str:
    if granted == 0:
        return NONE
    if granted == total:
        return FULL_ACCESS
    full = [lc.level for lc in levels if lc.full]
    limited = [lc.level for lc in levels if not lc.full]
    parts = []
    if full:
        parts.append("Full: " + ", ".join(full))
    if limited:
        parts.append("Limited: " + ", ".join(limited))
    return "; ".join(parts)


def _resource_text(resources: tuple[str, ...]) -> str:
    if not resources:
        return NONE
    if "*" in resources:
        return ALL_RESOURCES if len(resources) == 1 else "Multiple"
    return resources[0] if len(resources) == 1 else "Multiple"


def _condition_text(conditions: tuple[str, ...]) -> str:
    if not conditions:
        return NONE
    return conditions[0] if len(conditions) == 1 else "Multiple"


def summarize(document: Mapping[str, Any]) -> list[ServiceSummary]:
    """One row per (effect, service) for a parsed policy document; denies first."""
    builder = _Builder()
    for statement in _statements(document):
        builder.add_statement(statement)
    return builder.summaries()


def counts(summaries: Iterable[ServiceSummary]) -> dict[str, int]:
    """How many recognized services each effect covers (the console's "Allow (3 of 457
    services)"); an all-services row counts every service."""
    everything = len(catalogue.services())
    rows = list(summaries)
    result = {"Allow": 0, "Deny": 0}
    for effect in result:
        mine = [s for s in rows if s.effect == effect and s.recognized]
        covering = [s for s in mine if s.all_services]
        if covering:
            result[effect] = everything - len(covering[0].excluded_services)
        else:
            result[effect] = len(mine)
    return result
