"""Lab templates in CloudFormation's format: reading, parameters, intrinsic functions and the
order resources are created in. Pure helpers (no Django, no database): the deployer in
`domain.classroom.stacks` drives them.

Templates are YAML or JSON; cfn-flip reads both, short-form tags (`!Ref`, `!Sub`, `!GetAtt`,
`!Join`, ...) included, into the long form (`{"Ref": ...}`, `{"Fn::Sub": ...}`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cfn_flip import load as _load_template

from accounts import passwords

MAX_TEMPLATE_BYTES = 51_200  # CloudFormation's TemplateBody limit
# YAML aliases share one node many times; expanded, a 50 KB template could hold billions.
MAX_NODES = 50_000
MAX_DEPTH = 100
PARAMETER_TYPES = {"String", "Number", "CommaDelimitedList"}
PSEUDO_REGION = "us-east-1"
NO_VALUE = object()
_SUB = re.compile(r"\$\{([^}!]+)\}")
_LOGICAL_ID = re.compile(r"^[A-Za-z0-9]{1,255}$")


class TemplateError(Exception):
    """The template (or a parameter value) is not valid; `message` is CloudFormation-worded."""

    def __init__(self, message: str, *, logical_id: str = "", field: str = "template") -> None:
        super().__init__(message)
        self.message = message
        self.logical_id = logical_id
        self.field = field


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    default: str | None
    allowed_values: tuple[str, ...]
    no_echo: bool
    description: str

    @property
    def generated(self) -> bool:
        """A NoEcho parameter without a default: left empty, the deployer generates a password."""
        return self.no_echo and self.default is None


@dataclass(frozen=True)
class Template:
    description: str
    parameters: dict[str, Parameter]
    resources: dict[str, dict[str, Any]]
    outputs: dict[str, dict[str, Any]]
    metadata: dict[str, Any]
    body: str

    @property
    def lab_checks(self) -> list[dict[str, Any]]:
        checks = self.metadata.get("LabChecks", [])
        return [c for c in checks if isinstance(c, dict)] if isinstance(checks, list) else []


def parse(body: str) -> Template:
    """Reads a template (YAML or JSON) and checks its shape."""
    if len(body.encode()) > MAX_TEMPLATE_BYTES:
        raise TemplateError(
            f"Template body is larger than the maximum of {MAX_TEMPLATE_BYTES} bytes."
        )
    try:
        loaded, _format = _load_template(body)
        data = _plain(loaded, [MAX_NODES], 0)
    except TemplateError:
        raise
    except RecursionError:
        raise TemplateError("Template format error: the template is nested too deeply.") from None
    except Exception as error:  # noqa: BLE001 - any parser error is a malformed template
        raise TemplateError(f"Template format error: {_first_line(error)}") from None
    if not isinstance(data, Mapping):
        raise TemplateError("Template format error: the template is not a JSON or YAML object.")
    resources = data.get("Resources")
    if not isinstance(resources, Mapping) or not resources:
        raise TemplateError("Template format error: At least one Resources member must be defined.")
    checked: dict[str, dict[str, Any]] = {}
    for logical_id, resource in resources.items():
        if not _LOGICAL_ID.match(str(logical_id)):
            raise TemplateError(
                f"Template format error: Resource name {logical_id} is non alphanumeric.",
                logical_id=str(logical_id),
            )
        if not isinstance(resource, Mapping) or not isinstance(resource.get("Type"), str):
            raise TemplateError(
                f"Template format error: [/Resources/{logical_id}] Every Resources object "
                "must contain a Type member.",
                logical_id=str(logical_id),
            )
        props = resource.get("Properties", {})
        if not isinstance(props, Mapping):
            raise TemplateError(
                f"Template format error: [/Resources/{logical_id}/Properties] must be an object.",
                logical_id=str(logical_id),
            )
        checked[str(logical_id)] = dict(resource)
    outputs = data.get("Outputs", {}) or {}
    metadata = data.get("Metadata", {}) or {}
    if not isinstance(outputs, Mapping) or not isinstance(metadata, Mapping):
        raise TemplateError("Template format error: Outputs and Metadata must be objects.")
    return Template(
        description=str(data.get("Description", "")),
        parameters=_parameters(data.get("Parameters", {}) or {}),
        resources=checked,
        outputs={str(k): v for k, v in outputs.items()},
        metadata=dict(metadata),
        body=body,
    )


def _first_line(error: Exception) -> str:
    text = str(error).strip().splitlines()
    return text[0] if text else type(error).__name__


def _plain(value: Any, budget: list[int], depth: int) -> Any:
    """cfn-flip's ordered dicts as plain dicts and lists (JSON-safe, comparable), within a
    budget of nodes and a depth (YAML aliases expanded count each time they are used)."""
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        raise TemplateError(
            "Template format error: the template is too large or nested too deeply once "
            "its YAML aliases are expanded."
        )
    if isinstance(value, Mapping):
        return {str(k): _plain(v, budget, depth + 1) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v, budget, depth + 1) for v in value]
    return value


def _parameters(raw: object) -> dict[str, Parameter]:
    if not isinstance(raw, Mapping):
        raise TemplateError("Template format error: Parameters must be an object.")
    found: dict[str, Parameter] = {}
    for name, spec in raw.items():
        if not isinstance(spec, Mapping) or spec.get("Type") not in PARAMETER_TYPES:
            raise TemplateError(
                f"Template format error: Unrecognized parameter type for parameter '{name}'. "
                "Supported types: String, Number, CommaDelimitedList.",
                field=f"param-{name}",
            )
        default = spec.get("Default")
        allowed = spec.get("AllowedValues", [])
        found[str(name)] = Parameter(
            name=str(name),
            type=str(spec["Type"]),
            default=None if default is None else str(default),
            allowed_values=tuple(str(v) for v in allowed) if isinstance(allowed, list) else (),
            no_echo=str(spec.get("NoEcho", "false")).lower() == "true",
            description=str(spec.get("Description", "")),
        )
    return found


def parameter_values(
    template: Template,
    given: Mapping[str, str],
    generate: Callable[[], str] = passwords.generate,
) -> tuple[dict[str, str], set[str]]:
    """The value of every parameter (given, else default, else generated for a NoEcho one),
    and the names of those generated. Unknown or missing parameters are CloudFormation's
    ValidationError."""
    unknown = sorted(set(given) - set(template.parameters))
    if unknown:
        raise TemplateError(
            f"Parameters: [{', '.join(unknown)}] do not exist in the template", field="parameters"
        )
    values: dict[str, str] = {}
    generated: set[str] = set()
    missing: list[str] = []
    for name, spec in template.parameters.items():
        value = given.get(name, "")
        if value == "" and spec.default is not None:
            value = spec.default
        elif value == "" and spec.generated:
            value = generate()
            generated.add(name)
        elif value == "" and name not in given:
            missing.append(name)
            continue
        if spec.allowed_values and value not in spec.allowed_values:
            raise TemplateError(
                f"Parameter '{name}' must be one of AllowedValues", field=f"param-{name}"
            )
        if spec.type == "Number" and not re.fullmatch(r"-?\d+(\.\d+)?", value):
            raise TemplateError(f"Parameter '{name}' must be a number.", field=f"param-{name}")
        values[name] = value
    if missing:
        raise TemplateError(
            f"Parameters: [{', '.join(missing)}] must have values", field="parameters"
        )
    return values, generated


# --- references and order ---------------------------------------------------------------


def references(value: Any) -> set[str]:
    """The names a value refers to through Ref, Fn::GetAtt and Fn::Sub."""
    found: set[str] = set()
    if isinstance(value, dict):
        if len(value) == 1:
            ((key, arg),) = value.items()
            if key == "Ref" and isinstance(arg, str):
                found.add(arg)
            elif key == "Fn::GetAtt":
                target = arg[0] if isinstance(arg, list) and arg else str(arg).split(".")[0]
                found.add(str(target))
            elif key == "Fn::Sub":
                text = arg[0] if isinstance(arg, list) and arg else arg
                local = arg[1] if isinstance(arg, list) and len(arg) > 1 else {}
                if isinstance(text, str):
                    for name in _SUB.findall(text):
                        base = name.split(".")[0]
                        if not (isinstance(local, dict) and base in local):
                            found.add(base)
                found |= references(local)
                return found
        for item in value.values():
            found |= references(item)
    elif isinstance(value, list):
        for item in value:
            found |= references(item)
    return found


def creation_order(template: Template) -> list[str]:
    """The resources in an order where each comes after what it depends on (DependsOn and
    the implicit dependencies of Ref/GetAtt/Sub); a cycle or an unknown name is an error."""
    resources = template.resources
    needs: dict[str, set[str]] = {}
    for logical_id, resource in resources.items():
        depends = resource.get("DependsOn", [])
        explicit = {depends} if isinstance(depends, str) else {str(d) for d in depends or []}
        for name in explicit:
            if name not in resources:
                raise TemplateError(
                    f"Template format error: Unresolved resource dependencies [{name}] in the "
                    "Resources block of the template",
                    logical_id=logical_id,
                )
        implicit = references(resource.get("Properties", {}))
        for name in implicit:
            if (
                name not in resources
                and name not in template.parameters
                and not name.startswith("AWS::")
            ):
                raise TemplateError(
                    f"Template format error: Unresolved resource dependencies [{name}] in the "
                    "Resources block of the template",
                    logical_id=logical_id,
                )
        needs[logical_id] = (explicit | implicit) & set(resources)
    order: list[str] = []
    state: dict[str, int] = {}

    def visit(name: str, trail: tuple[str, ...]) -> None:
        if state.get(name) == 2:
            return
        if state.get(name) == 1:
            cycle = ", ".join(sorted(set(trail[trail.index(name) :])))
            raise TemplateError(f"Circular dependency between resources: [{cycle}]")
        state[name] = 1
        for dep in sorted(needs[name]):
            visit(dep, (*trail, name))
        state[name] = 2
        order.append(name)

    for name in resources:
        visit(name, ())
    return order


# --- intrinsic functions ------------------------------------------------------------------


@dataclass
class Context:
    """What intrinsic functions resolve against while a stack is being created."""

    account_id: str
    stack_name: str
    stack_id: str
    parameters: dict[str, str]
    # logical ID -> physical ID (Ref) and attributes (GetAtt) of the resources made so far
    physical: dict[str, str] = field(default_factory=dict)
    attributes: dict[str, dict[str, str]] = field(default_factory=dict)

    def pseudo(self, name: str) -> object:
        values: dict[str, object] = {
            "AWS::AccountId": self.account_id,
            "AWS::Region": PSEUDO_REGION,
            "AWS::Partition": "aws",
            "AWS::StackName": self.stack_name,
            "AWS::StackId": self.stack_id,
            "AWS::URLSuffix": "amazonaws.com",
            "AWS::NoValue": NO_VALUE,
        }
        if name not in values:
            raise TemplateError(f"Template format error: Unrecognized pseudo parameter {name}")
        return values[name]

    def ref(self, name: str) -> object:
        if name.startswith("AWS::"):
            return self.pseudo(name)
        if name in self.parameters:
            return self.parameters[name]
        if name in self.physical:
            return self.physical[name]
        raise TemplateError(f"Template format error: Unresolved resource dependencies [{name}]")

    def get_att(self, name: str, attribute: str) -> str:
        attrs = self.attributes.get(name)
        if attrs is None:
            raise TemplateError(f"Template format error: Unresolved resource dependencies [{name}]")
        if attribute not in attrs:
            raise TemplateError(
                f"Template error: resource {name} does not support attribute type {attribute} "
                "in Fn::GetAtt",
                logical_id=name,
            )
        return attrs[attribute]


def resolve(value: Any, ctx: Context) -> Any:
    """`value` with every intrinsic function evaluated; AWS::NoValue drops the key/item."""
    if isinstance(value, dict):
        if len(value) == 1:
            ((key, arg),) = value.items()
            function = _FUNCTIONS.get(key)
            if function is not None:
                return function(arg, ctx)
        resolved = {k: resolve(v, ctx) for k, v in value.items()}
        return {k: v for k, v in resolved.items() if v is not NO_VALUE}
    if isinstance(value, list):
        items = [resolve(v, ctx) for v in value]
        return [v for v in items if v is not NO_VALUE]
    return value


def _text(value: object, where: str) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise TemplateError(f"Template error: {where} needs a string value")
    return str(value)


def _ref(arg: Any, ctx: Context) -> object:
    return ctx.ref(_text(arg, "Ref"))


def _get_att(arg: Any, ctx: Context) -> str:
    if isinstance(arg, str):
        name, _, attribute = arg.partition(".")
    elif isinstance(arg, list) and len(arg) == 2:
        name, attribute = str(arg[0]), _text(resolve(arg[1], ctx), "Fn::GetAtt")
    else:
        raise TemplateError("Template error: Fn::GetAtt needs [LogicalName, Attribute]")
    return ctx.get_att(name, attribute)


def _sub(arg: Any, ctx: Context) -> str:
    if isinstance(arg, list) and len(arg) == 2 and isinstance(arg[1], dict):
        text, local = arg[0], {k: resolve(v, ctx) for k, v in arg[1].items()}
    else:
        text, local = arg, {}
    text = _text(text, "Fn::Sub")

    def one(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        if name in local:
            return _text(local[name], "Fn::Sub")
        if "." in name and not name.startswith("AWS::"):
            base, attribute = name.split(".", 1)
            return ctx.get_att(base, attribute)
        return _text(ctx.ref(name), "Fn::Sub")

    # ${!Literal} stays as ${Literal}
    return _SUB.sub(one, text).replace("${!", "${")


def _join(arg: Any, ctx: Context) -> str:
    if not (isinstance(arg, list) and len(arg) == 2):
        raise TemplateError("Template error: Fn::Join needs [delimiter, [values]]")
    items = resolve(arg[1], ctx)
    if not isinstance(items, list):
        raise TemplateError("Template error: Fn::Join needs a list of values")
    return _text(arg[0], "Fn::Join").join(_text(v, "Fn::Join") for v in items)


def _select(arg: Any, ctx: Context) -> object:
    if not (isinstance(arg, list) and len(arg) == 2):
        raise TemplateError("Template error: Fn::Select needs [index, [values]]")
    index, items = resolve(arg[0], ctx), resolve(arg[1], ctx)
    if not isinstance(items, list) or not str(index).isdigit() or int(index) >= len(items):
        raise TemplateError("Template error: Fn::Select index out of bounds")
    return items[int(index)]


def _split(arg: Any, ctx: Context) -> list[str]:
    if not (isinstance(arg, list) and len(arg) == 2):
        raise TemplateError("Template error: Fn::Split needs [delimiter, string]")
    return _text(resolve(arg[1], ctx), "Fn::Split").split(_text(arg[0], "Fn::Split"))


_FUNCTIONS: dict[str, Callable[[Any, Context], Any]] = {
    "Ref": _ref,
    "Fn::GetAtt": _get_att,
    "Fn::Sub": _sub,
    "Fn::Join": _join,
    "Fn::Select": _select,
    "Fn::Split": _split,
}


def outputs(template: Template, ctx: Context) -> dict[str, str]:
    """Each output's value, resolved once every resource exists."""
    values: dict[str, str] = {}
    for name, spec in template.outputs.items():
        value = resolve(spec.get("Value", ""), ctx)
        values[name] = ",".join(map(str, value)) if isinstance(value, list) else str(value)
    return values
