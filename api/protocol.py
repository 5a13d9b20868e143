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
import uuid
from collections.abc import Mapping
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
    """The operation's input from the request's parameters; missing required members raise
    ValidationError the way AWS words it (all of them in one message)."""
    shape = op.input_shape
    if shape is None:
        return {}
    value = _parse_structure(shape, params, "")
    missing = [name for name in shape.required_members if name not in value]
    if missing:
        raise _null_members(missing)
    return value


def _null_members(names: list[str]) -> ApiError:
    count = len(names)
    noun = "error" if count == 1 else "errors"
    parts = [
        f"Value null at '{_camel(n)}' failed to satisfy constraint: Member must not be null"
        for n in names
    ]
    return ApiError("ValidationError", f"{count} validation {noun} detected: " + "; ".join(parts))


def _camel(name: str) -> str:
    return name[:1].lower() + name[1:]


def _parse(shape: Shape, params: Mapping[str, str], key: str) -> Any:
    kind = shape.type_name
    if kind == "structure":
        assert isinstance(shape, StructureShape)
        found = _parse_structure(shape, params, key + ".")
        return found if found else None
    if kind == "list":
        assert isinstance(shape, ListShape)
        return _parse_list(shape, params, key)
    if kind == "map":
        assert isinstance(shape, MapShape)
        return _parse_map(shape, params, key)
    raw = params.get(key)
    if raw is None:
        return None
    return _scalar(shape, raw, key)


def _parse_structure(
    shape: StructureShape, params: Mapping[str, str], prefix: str
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for name, member in shape.members.items():
        wire = member.serialization.get("name", name)
        value = _parse(member, params, prefix + wire)
        if value is not None:
            result[name] = value
    return result


def _parse_list(shape: ListShape, params: Mapping[str, str], key: str) -> list[Any] | None:
    member_name = shape.member.serialization.get("name", "member")
    base = key if shape.serialization.get("flattened") else f"{key}.{member_name}"
    items = []
    index = 1
    while True:
        item = _parse(shape.member, params, f"{base}.{index}")
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
        k = _parse(shape.key, params, f"{base}.{index}.{key_name}")
        if k is None:
            break
        result[k] = _parse(shape.value, params, f"{base}.{index}.{value_name}")
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
    if shape is not None:
        wrapper = shape.serialization.get("resultWrapper", f"{name}Result")
        out.append(f"<{wrapper}>")
        assert isinstance(shape, StructureShape)
        _write_members(out, shape, result or {})
        out.append(f"</{wrapper}>")
    out.append(f"<ResponseMetadata><RequestId>{rid}</RequestId></ResponseMetadata>")
    out.append(f"</{name}Response>")
    return "".join(out)


def _write_members(out: list[str], shape: StructureShape, value: Mapping[str, Any]) -> None:
    for name, member in shape.members.items():
        item = value.get(name)
        if item is None:
            continue
        _write(out, member, member.serialization.get("name", name), item)


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
        out.append(f"<{tag}>{escape(_text(kind, value))}</{tag}>")


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
