"""AWS's Query protocol, driven by botocore's own service models.

`parse` turns a request's flat form parameters (`UserName=bob`, `Tags.member.1.Key=k`,
`Context.entry.1.key=...`) into the operation's input as botocore's clients name it
(`{"UserName": "bob", "Tags": [{"Key": "k", ...}]}`), typed by the input shape. `serialize`
writes a result dict as the XML AWS sends, driven by the output shape. No hand-written
templates: a new operation needs only its handler.
"""

from __future__ import annotations

import base64
import functools
import json
import re
import unicodedata
import uuid
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from typing import Any
from xml.sax.saxutils import escape

from botocore.loaders import create_loader
from botocore.model import ListShape, MapShape, OperationModel, ServiceModel, Shape, StructureShape

from api.errors import ApiError


@functools.cache
def service_model(name: str) -> ServiceModel:
    """botocore's model of `name` ("iam", "sts"), loaded once per process."""
    return ServiceModel(create_loader().load_service_model(name, "service-2"), name)


@functools.cache
def operation(service: str, action: str) -> OperationModel | None:
    model = service_model(service)
    if action not in model.operation_names:
        return None
    return model.operation_model(action)


def request_id() -> str:
    return str(uuid.uuid4())


# --- the request: flat parameters -> the operation's input ---------------------------


def parse(op: OperationModel, params: Mapping[str, str]) -> dict[str, Any]:
    """The operation's input from the request's parameters, checked against the model's
    constraints (required members, length, pattern, range, enum) the way AWS checks them:
    every broken constraint in one ValidationError, worded as AWS words it."""
    shape = op.input_shape
    if shape is None:
        return {}
    if is_ec2(op):
        # EC2 checks its own values (InvalidParameterValue, ...); the model only says what
        # must be there.
        value = _parse_structure(shape, params, "", ec2=True)
        for name in shape.required_members:
            if name not in value:
                wire = _ec2_name(shape.members[name], name)
                raise ApiError("MissingParameter", f"The request must contain the parameter {wire}")
        return value
    return _checked(shape, _parse_structure(shape, params, ""))


def _checked(shape: StructureShape, value: dict[str, Any]) -> dict[str, Any]:
    problems: list[str] = []
    _check_structure(shape, value, "", problems)
    if problems:
        count = len(problems)
        noun = "error" if count == 1 else "errors"
        raise ApiError(
            "ValidationError", f"{count} validation {noun} detected: " + "; ".join(problems)
        )
    return value


def is_ec2(op: OperationModel) -> bool:
    """EC2's dialect of the Query protocol (botocore's `ec2`): parameters named by
    `queryName` or the capitalised `locationName`, every list flattened (`InstanceId.1`),
    responses without a result wrapper and lists of `<item>`."""
    return bool(op.metadata.get("protocol") == "ec2")


def _ec2_name(shape: Shape, default: str) -> str:
    serialization = shape.serialization
    if "queryName" in serialization:
        return str(serialization["queryName"])
    name = serialization.get("name")
    return name[:1].upper() + name[1:] if name else default


# --- the JSON protocol (CloudTrail): a JSON body in, a JSON body out ----------------------

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "structure": (dict,),
    "list": (list,),
    "map": (dict,),
    "string": (str,),
    "integer": (int,),
    "long": (int,),
    "boolean": (bool,),
    "double": (int, float),
    "float": (int, float),
    "timestamp": (int, float, str),
    "blob": (str,),
}


def parse_json(op: OperationModel, body: bytes) -> dict[str, Any]:
    """The operation's input from a JSON body (timestamps as epoch seconds or ISO 8601),
    checked against the model's constraints as `parse` checks the Query protocol's."""
    shape = op.input_shape
    if shape is None:
        return {}
    try:
        raw = json.loads(body or b"{}")
    except (ValueError, UnicodeDecodeError):
        raise ApiError("SerializationException", "Malformed JSON request body.") from None
    assert isinstance(shape, StructureShape)
    return _checked(shape, _from_json(shape, raw, op.name))


def _from_json(shape: Shape, raw: Any, where: str) -> Any:
    kind = shape.type_name
    allowed = _JSON_TYPES.get(kind, (object,))
    if not isinstance(raw, allowed) or (isinstance(raw, bool) and bool not in allowed):
        raise ApiError("SerializationException", f"Unexpected value type at {where}.")
    return _converted(shape, raw, where)


def _converted(shape: Shape, raw: Any, where: str) -> Any:
    kind = shape.type_name
    if isinstance(shape, StructureShape):
        return {
            name: _from_json(shape.members[name], item, f"{where}.{name}")
            for name, item in raw.items()
            if name in shape.members and item is not None
        }
    if isinstance(shape, ListShape):
        return [_from_json(shape.member, item, f"{where}[]") for item in raw]
    if isinstance(shape, MapShape):
        return {k: _from_json(shape.value, v, f"{where}.{k}") for k, v in raw.items()}
    if kind == "timestamp":
        try:
            return _parse_timestamp(str(raw))
        except (ValueError, OverflowError, OSError):
            raise ApiError("SerializationException", f"Invalid timestamp at {where}.") from None
    return raw


def serialize_json(op: OperationModel, result: Mapping[str, Any] | None) -> str:
    """The output as the JSON protocol writes it (timestamps as epoch seconds)."""
    shape = op.output_shape
    if shape is None:
        return "{}"
    return json.dumps(_to_json(shape, result or {}))


def _to_json(shape: Shape, value: Any) -> Any:
    if isinstance(shape, StructureShape):
        return {
            name: _to_json(member, value[name])
            for name, member in shape.members.items()
            if value.get(name) is not None
        }
    if isinstance(shape, ListShape):
        return [_to_json(shape.member, item) for item in value]
    if isinstance(shape, MapShape):
        return {k: _to_json(shape.value, v) for k, v in value.items()}
    if shape.type_name == "timestamp":
        return value.timestamp()
    return value


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


# --- the model's constraints -----------------------------------------------------------


def _check_structure(
    shape: StructureShape, value: Mapping[str, Any], prefix: str, problems: list[str]
) -> None:
    required = set(shape.required_members)
    for name, member in shape.members.items():
        where = prefix + _camel(name)
        if name not in value or value[name] is None:
            if name in required:
                problems.append(
                    f"Value null at '{where}' failed to satisfy constraint: Member must not be null"
                )
            continue
        _check(member, value[name], where, problems)


def _check(shape: Shape, value: Any, where: str, problems: list[str]) -> None:
    kind = shape.type_name
    meta = shape.metadata
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        _check_structure(shape, value, where + ".", problems)
        return
    if kind == "list":
        assert isinstance(shape, ListShape)
        _check_size(shape, len(value), value, where, problems, what="length")
        for index, item in enumerate(value, start=1):
            _check(shape.member, item, f"{where}.{index}.member", problems)
        return
    if kind == "map":
        _check_size(shape, len(value), value, where, problems, what="length")
        return
    if kind == "string":
        _check_size(shape, len(value), value, where, problems, what="length")
        pattern = meta.get("pattern")
        if pattern is not None and not _matcher(pattern)(value):
            problems.append(
                _broken(
                    value,
                    where,
                    shape,
                    f"Member must satisfy regular expression pattern: {pattern}",
                )
            )
        enum = shape.enum
        if enum and value not in enum:
            problems.append(
                _broken(
                    value, where, shape, f"Member must satisfy enum value set: [{', '.join(enum)}]"
                )
            )
        return
    if kind in ("integer", "long"):
        _check_size(shape, value, value, where, problems, what="value")


def _check_size(
    shape: Shape, size: int, value: Any, where: str, problems: list[str], *, what: str
) -> None:
    meta = shape.metadata
    if "min" in meta and size < meta["min"]:
        problems.append(
            _broken(
                value,
                where,
                shape,
                f"Member must have {what} greater than or equal to {meta['min']}",
            )
        )
    if "max" in meta and size > meta["max"]:
        problems.append(
            _broken(
                value, where, shape, f"Member must have {what} less than or equal to {meta['max']}"
            )
        )


def _broken(value: Any, where: str, shape: Shape, rule: str) -> str:
    # A sensitive value (a password) is never echoed back.
    shown = "" if shape.metadata.get("sensitive") else f" '{value}'"
    return f"Value{shown} at '{where}' failed to satisfy constraint: {rule}"


# Java's Unicode classes in the model's tag patterns (\p{L} letters, \p{Z} separators,
# \p{N} numbers), which Python's re lacks.
_UNICODE_CLASS = re.compile(r"\\p\{(\w)\}")
_CHAR_CLASS = re.compile(r"\[(.*)\]([+*])", re.S)


@functools.cache
def _matcher(pattern: str) -> Callable[[str], bool]:
    """A full-match test for one of the model's (Java) regular expressions."""
    categories = frozenset(_UNICODE_CLASS.findall(pattern))
    if not categories:
        compiled = re.compile(pattern)
        return lambda text: compiled.fullmatch(text) is not None
    found = _CHAR_CLASS.fullmatch(_UNICODE_CLASS.sub("", pattern))
    assert found is not None, pattern  # the model's \p patterns are one repeated class
    others = re.compile(f"[{found.group(1)}]")
    least = 1 if found.group(2) == "+" else 0

    def matches(text: str) -> bool:
        return len(text) >= least and all(
            unicodedata.category(c)[0] in categories or others.fullmatch(c) for c in text
        )

    return matches


def _parse(shape: Shape, params: Mapping[str, str], key: str, ec2: bool) -> Any:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        found = _parse_structure(shape, params, key + ".", ec2=ec2)
        return found if found else None
    if kind == "list":
        assert isinstance(shape, ListShape)
        return _parse_list(shape, params, key, ec2)
    if kind == "map":
        assert isinstance(shape, MapShape)
        return _parse_map(shape, params, key)
    raw = params.get(key)
    if raw is None:
        return None
    return _scalar(shape, raw, key)


def _parse_structure(
    shape: StructureShape, params: Mapping[str, str], prefix: str, *, ec2: bool = False
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, member in shape.members.items():
        wire = _ec2_name(member, name) if ec2 else member.serialization.get("name", name)
        value = _parse(member, params, prefix + wire, ec2)
        if value is not None:
            result[name] = value
    return result


def _parse_list(
    shape: ListShape, params: Mapping[str, str], key: str, ec2: bool
) -> list[Any] | None:
    member_name = shape.member.serialization.get("name", "member")
    flat = ec2 or shape.serialization.get("flattened")
    base = key if flat else f"{key}.{member_name}"
    items = []
    index = 1
    while True:
        item = _parse(shape.member, params, f"{base}.{index}", ec2)
        if item is None:
            break
        items.append(item)
        index += 1
    if items:
        return items
    # `Names=` (an empty value) is how the CLI sends an empty list.
    return [] if params.get(key) == "" else None


def _parse_map(shape: MapShape, params: Mapping[str, str], key: str) -> dict[str, Any] | None:
    key_name = shape.key.serialization.get("name", "key")
    value_name = shape.value.serialization.get("name", "value")
    base = key if shape.serialization.get("flattened") else f"{key}.entry"
    result: dict[str, Any] = {}
    index = 1
    while True:
        k = _parse(shape.key, params, f"{base}.{index}.{key_name}", False)
        if k is None:
            break
        result[k] = _parse(shape.value, params, f"{base}.{index}.{value_name}", False)
        index += 1
    return result or None


def _scalar(shape: Shape, raw: str, key: str) -> Any:
    kind = shape.type_name
    try:
        if kind in ("integer", "long"):
            return int(raw)
        if kind in ("float", "double"):
            return float(raw)
        if kind == "boolean":
            lowered = raw.lower()
            if lowered not in ("true", "false"):
                raise ValueError(raw)
            return lowered == "true"
        if kind == "timestamp":
            return _parse_timestamp(raw)
        if kind == "blob":
            return base64.b64decode(raw)
    except ValueError:
        raise ApiError(
            "ValidationError", f"Invalid value for parameter {key}, value: {raw}"
        ) from None
    return raw


def _parse_timestamp(raw: str) -> datetime:
    if raw.replace(".", "", 1).isdigit():
        return datetime.fromtimestamp(float(raw), UTC)
    moment = datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --- the response: a result dict -> AWS's XML -----------------------------------------


def serialize(service: str, op: OperationModel, result: Mapping[str, Any] | None, rid: str) -> str:
    """`<OpResponse xmlns=...><OpResult>...</OpResult><ResponseMetadata>...` as AWS writes it."""
    namespace = service_model(service).metadata.get("xmlNamespace", "")
    name = op.name
    out: list[str] = [f'<{name}Response xmlns="{namespace}">']
    shape = op.output_shape
    if is_ec2(op):
        out.append(f"<requestId>{rid}</requestId>")
        if shape is not None:
            assert isinstance(shape, StructureShape)
            _write_members(out, shape, result or {})
        out.append(f"</{name}Response>")
        return "".join(out)
    if shape is not None:
        wrapper = shape.serialization.get("resultWrapper", f"{name}Result")
        out.append(f"<{wrapper}>")
        assert isinstance(shape, StructureShape)
        _write_members(out, shape, result or {})
        out.append(f"</{wrapper}>")
    out.append(f"<ResponseMetadata><RequestId>{rid}</RequestId></ResponseMetadata>")
    out.append(f"</{name}Response>")
    return "".join(out)


@functools.cache
def _members(shape: StructureShape) -> tuple[tuple[str, Shape, str], ...]:
    """(name, shape, XML tag) of each member, worked out once per shape (a page of 1,000
    EC2 instances writes the same 60-member structure 1,000 times)."""
    return tuple(
        (name, member, member.serialization.get("name", name))
        for name, member in shape.members.items()
    )


def _write_members(out: list[str], shape: StructureShape, value: Mapping[str, Any]) -> None:
    for name, member, tag in _members(shape):
        item = value.get(name)
        if item is None:
            continue
        _write(out, member, tag, item)


def _write(out: list[str], shape: Shape, tag: str, value: Any) -> None:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        out.append(f"<{tag}>")
        _write_members(out, shape, value)
        out.append(f"</{tag}>")
    elif kind == "list":
        assert isinstance(shape, ListShape)
        member_tag = shape.member.serialization.get("name", "member")
        if shape.serialization.get("flattened"):
            for item in value:
                _write(out, shape.member, tag, item)
            return
        out.append(f"<{tag}>")
        for item in value:
            _write(out, shape.member, member_tag, item)
        out.append(f"</{tag}>")
    elif kind == "map":
        assert isinstance(shape, MapShape)
        out.append(f"<{tag}>")
        for k, v in value.items():
            out.append("<entry>")
            _write(out, shape.key, shape.key.serialization.get("name", "key"), k)
            _write(out, shape.value, shape.value.serialization.get("name", "value"), v)
            out.append("</entry>")
        out.append(f"</{tag}>")
    else:
        text = _text(kind, value)
        if "&" in text or "<" in text or ">" in text:
            text = escape(text)
        out.append(f"<{tag}>{text}</{tag}>")


def _text(kind: str, value: Any) -> str:
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "timestamp":
        return iso8601(value)
    if kind == "blob":
        raw = value.encode() if isinstance(value, str) else value
        return base64.b64encode(raw).decode()
    return str(value)


def iso8601(moment: datetime) -> str:
    """AWS's timestamps in IAM responses: `2026-01-02T03:04:05Z` (UTC, no fraction)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
