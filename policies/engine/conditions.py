"""Condition operators: parsing their names, compiling their values, evaluating them.

Rules (policy-language.md section 3):

* AND across operators and across keys of one operator; OR across the values of a key.
* Negated operators (``...Not...``, ``NotIpAddress``) are the negation of the positive
  operator over all values, i.e. NOR: the request value must match none of them.
* Missing key: positive -> false, negated -> true, ``...IfExists`` -> true,
  ``ForAllValues:`` -> true, ``ForAnyValue:`` -> false. ``Null`` tests presence.
  An empty list in the request counts as a missing key.
* A request value that does not parse for a Numeric/Date/IP/Binary operator makes that
  key's test false, whatever the operator (IAM's behaviour).
* Policy variables are read only in String and ARN operator values (Version 2012-10-17);
  a value whose variable has no value and no default matches nothing.
"""

from __future__ import annotations

import base64
import binascii
import ipaddress
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from .cache import short_text_cache
from .errors import EngineError
from .glob import ARN, GLOB, ArnGlob, GlobSet, pieces_matcher, tokens_of
from .variables import TemplatePiece, Var, joined, parse_template, resolve

Values = tuple[str, ...]
Getter = Callable[[str], Values | None]
Lookup = Callable[[str], str | None]

STRING_OPS = {
    "StringEquals": (False, "equals"),
    "StringNotEquals": (True, "equals"),
    "StringEqualsIgnoreCase": (False, "equals_ic"),
    "StringNotEqualsIgnoreCase": (True, "equals_ic"),
    "StringLike": (False, "like"),
    "StringNotLike": (True, "like"),
}
_ORDER_OPS = {
    "Equals": (False, "eq"),
    "NotEquals": (True, "eq"),
    "LessThan": (False, "lt"),
    "LessThanEquals": (False, "le"),
    "GreaterThan": (False, "gt"),
    "GreaterThanEquals": (False, "ge"),
}
BASE_OPERATORS: dict[str, tuple[str, bool, str]] = {}
for _name, (_neg, _kind) in STRING_OPS.items():
    BASE_OPERATORS[_name] = ("string", _neg, _kind)
for _suffix, (_neg, _kind) in _ORDER_OPS.items():
    BASE_OPERATORS["Numeric" + _suffix] = ("numeric", _neg, _kind)
    BASE_OPERATORS["Date" + _suffix] = ("date", _neg, _kind)
BASE_OPERATORS.update(
    {
        "Bool": ("bool", False, "eq"),
        "BinaryEquals": ("binary", False, "eq"),
        "IpAddress": ("ip", False, "in"),
        "NotIpAddress": ("ip", True, "in"),
        "ArnEquals": ("arn", False, "like"),
        "ArnLike": ("arn", False, "like"),
        "ArnNotEquals": ("arn", True, "like"),
        "ArnNotLike": ("arn", True, "like"),
        "Null": ("null", False, "null"),
    }
)


@dataclass(frozen=True, slots=True)
class OperatorSpec:
    name: str
    base: str
    family: str
    negated: bool
    kind: str
    if_exists: bool
    set_op: str | None  # "all" | "any" | None


@short_text_cache(512, 64)
def parse_operator(name: str) -> OperatorSpec | None:
    """Split ``ForAnyValue:StringLikeIfExists`` into its parts; None if unknown."""
    set_op: str | None = None
    rest = name
    if rest.startswith("ForAllValues:"):
        set_op, rest = "all", rest[len("ForAllValues:") :]
    elif rest.startswith("ForAnyValue:"):
        set_op, rest = "any", rest[len("ForAnyValue:") :]
    if_exists = rest.endswith("IfExists")
    if if_exists:
        rest = rest[: -len("IfExists")]
    spec = BASE_OPERATORS.get(rest)
    if spec is None:
        return None
    family, negated, kind = spec
    if family == "null" and (if_exists or set_op):
        return None
    return OperatorSpec(name, rest, family, negated, kind, if_exists, set_op)


# --------------------------------------------------------------------------- values

_NUMBER = re.compile(r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?")
_EPOCH = re.compile(r"-?\d+(?:\.\d+)?")
_YEAR_MONTH = re.compile(r"(\d{4})(?:-(\d{2}))?")


def scalar_text(value: object) -> str:
    """JSON true/false/numbers as the strings IAM compares."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(int(value)) if value.is_integer() and abs(value) < 1e16 else repr(value)
    raise EngineError(f"condition value {value!r} is not a string, number or boolean")


def parse_number(text: str) -> Decimal | None:
    if _NUMBER.fullmatch(text) is None:
        return None
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the regex admits only valid numbers
        return None


def parse_date(text: str) -> Decimal | None:
    """W3C ISO 8601 (YYYY-MM[-DD[Thh:mm[:ss[.s]]TZD]]) or epoch seconds -> epoch seconds."""
    text = text.strip()
    if _EPOCH.fullmatch(text):
        return Decimal(text)
    m = _YEAR_MONTH.fullmatch(text)
    if m and m.group(2):
        month = int(m.group(2))
        if not 1 <= month <= 12:
            return None
        dt = datetime(int(m.group(1)), month, 1, tzinfo=UTC)
    else:
        try:
            dt = datetime.fromisoformat(text.upper())
        except ValueError:
            return None
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=UTC)
    return Decimal(str(dt.timestamp()))


def parse_binary(text: str) -> bytes | None:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network


def parse_network(text: str) -> IPNetwork | None:
    try:
        return ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return None


# Request values parsed once: remembered only when short (SHORT_VALUE characters; real
# numbers, dates and addresses are), so these caches are bounded in bytes as well.
SHORT_VALUE = 64


@lru_cache(maxsize=4096)
def _cached_number(text: str) -> Decimal | None:
    return parse_number(text)


@lru_cache(maxsize=4096)
def _cached_date(text: str) -> Decimal | None:
    return parse_date(text)


IpRange = tuple[int, int, int]  # (version, first address, last address) as integers


def ip_range(net: IPNetwork) -> IpRange:
    return (net.version, int(net.network_address), int(net.broadcast_address))


def parse_ip(text: str) -> IpRange | None:
    """A request's address (or CIDR range) as an integer range; None if it is neither."""
    net = parse_network(text)
    return None if net is None else ip_range(net)


_cached_ip = lru_cache(maxsize=4096)(parse_ip)


def cached_number(text: str) -> Decimal | None:
    return _cached_number(text) if len(text) <= SHORT_VALUE else parse_number(text)


def cached_date(text: str) -> Decimal | None:
    return _cached_date(text) if len(text) <= SHORT_VALUE else parse_date(text)


def cached_ip(text: str) -> IpRange | None:
    return _cached_ip(text) if len(text) <= SHORT_VALUE else parse_ip(text)


# ------------------------------------------------------------------------ matchers


class ValueMatcher:
    """OR over one key's policy values: `match(request_value)` -> True/False, or None
    when the request value does not parse for this operator family."""

    __slots__ = ()

    def match(self, value: str, lookup: Lookup) -> bool | None:  # pragma: no cover
        raise NotImplementedError


class _StringMatcher(ValueMatcher):
    __slots__ = ("kind", "static", "globs", "templates")

    def __init__(self, kind: str, values: Sequence[str], use_vars: bool) -> None:
        self.kind = kind
        static: list[str] = []
        templates: list[tuple[TemplatePiece, ...]] = []
        for v in values:
            pieces = parse_template(v) if use_vars else None
            if pieces is None:
                static.append(v)
            else:
                templates.append(pieces)
        self.templates = tuple(templates)
        if kind == "equals_ic":
            self.static: frozenset[str] = frozenset(v.lower() for v in static)
        else:
            self.static = frozenset(static)
        self.globs = GlobSet(static) if kind == "like" else None

    def match(self, value: str, lookup: Lookup) -> bool | None:
        kind = self.kind
        if kind == "like":
            assert self.globs is not None
            if self.globs.matches(value):
                return True
        elif kind == "equals_ic":
            if value.lower() in self.static:
                return True
        elif value in self.static:
            return True
        for template in self.templates:
            pieces = resolve(template, lookup)
            if pieces is None:
                continue  # an unresolved variable matches nothing
            if kind == "like":
                if pieces_matcher(pieces, GLOB).matches(value):
                    return True
            elif kind == "equals_ic":
                if joined(pieces).lower() == value.lower():
                    return True
            elif joined(pieces) == value:
                return True
        return False


class _ArnMatcher(ValueMatcher):
    __slots__ = ("match_all", "exact", "matchers", "templates")

    def __init__(self, values: Sequence[str], use_vars: bool) -> None:
        exact: set[str] = set()
        matchers: list[ArnGlob] = []
        templates: list[tuple[TemplatePiece, ...]] = []
        self.match_all = False
        for v in values:
            pieces = parse_template(v) if use_vars else None
            if pieces is not None:
                templates.append(pieces)
            elif v == "*":
                self.match_all = True
            elif "*" not in v and "?" not in v:
                exact.add(v)
            else:
                matchers.append(ArnGlob(tokens_of(((False, v),)), short_tail_spans=False))
        self.exact = frozenset(exact)
        self.matchers = tuple(matchers)
        self.templates = tuple(templates)

    def match(self, value: str, lookup: Lookup) -> bool | None:
        if self.match_all or value in self.exact:
            return True
        for m in self.matchers:
            if m.matches(value):
                return True
        for template in self.templates:
            pieces = resolve(template, lookup)
            if pieces is not None and pieces_matcher(pieces, ARN).matches(value):
                return True
        return False


class _OrderMatcher(ValueMatcher):
    __slots__ = ("kind", "values", "parse", "cached")

    def __init__(
        self,
        kind: str,
        values: list[Decimal],
        parse: Callable[[str], Decimal | None],
        cached: Callable[[str], Decimal | None],
    ):
        self.kind = kind
        self.values = tuple(values)
        self.parse = parse
        self.cached = cached

    def match(self, value: str, lookup: Lookup) -> bool | None:
        n = self.cached(value) if len(value) <= SHORT_VALUE else self.parse(value)
        if n is None:
            return None
        kind = self.kind
        for p in self.values:
            if kind == "eq":
                ok = n == p
            elif kind == "lt":
                ok = n < p
            elif kind == "le":
                ok = n <= p
            elif kind == "gt":
                ok = n > p
            else:
                ok = n >= p
            if ok:
                return True
        return False


class _BoolMatcher(ValueMatcher):
    __slots__ = ("values",)

    def __init__(self, values: Sequence[str]) -> None:
        self.values = frozenset(v.lower() for v in values)

    def match(self, value: str, lookup: Lookup) -> bool | None:
        return value.lower() in self.values


class _BinaryMatcher(ValueMatcher):
    __slots__ = ("values",)

    def __init__(self, values: list[bytes]) -> None:
        self.values = frozenset(values)

    def match(self, value: str, lookup: Lookup) -> bool | None:
        data = parse_binary(value)
        if data is None:
            return None
        return data in self.values


class _IpMatcher(ValueMatcher):
    __slots__ = ("networks",)

    def __init__(self, networks: list[IPNetwork]) -> None:
        self.networks = tuple(ip_range(n) for n in networks)

    def match(self, value: str, lookup: Lookup) -> bool | None:
        found = _cached_ip(value) if len(value) <= SHORT_VALUE else parse_ip(value)
        if found is None:
            return None
        version, first, last = found
        for v, lo, hi in self.networks:  # noqa: SIM110 - hot path
            if v == version and lo <= first and last <= hi:
                return True
        return False


def _parsed_values(
    spec: OperatorSpec, key: str, values: Sequence[str], parse: Callable[[str], object | None]
) -> list[object]:
    out: list[object] = []
    for v in values:
        parsed = parse(v)
        if parsed is None:
            raise EngineError(
                f"condition {spec.name} on key {key}: value {v!r} is not a valid "
                f"{spec.family} value"
            )
        out.append(parsed)
    return out


def make_matcher(
    spec: OperatorSpec, key: str, values: Sequence[str], use_vars: bool
) -> ValueMatcher | None:
    """Compile one key's values; raises EngineError for values IAM would reject."""
    family = spec.family
    if family == "string":
        return _StringMatcher(spec.kind, values, use_vars)
    if family == "arn":
        return _ArnMatcher(values, use_vars)
    if family == "numeric":
        nums = _parsed_values(spec, key, values, parse_number)
        return _OrderMatcher(spec.kind, nums, parse_number, _cached_number)  # type: ignore[arg-type]
    if family == "date":
        dates = _parsed_values(spec, key, values, parse_date)
        return _OrderMatcher(spec.kind, dates, parse_date, _cached_date)  # type: ignore[arg-type]
    if family == "bool":
        return _BoolMatcher(values)
    if family == "binary":
        blobs = _parsed_values(spec, key, values, parse_binary)
        return _BinaryMatcher(blobs)  # type: ignore[arg-type]
    if family == "ip":
        nets = _parsed_values(spec, key, values, parse_network)
        return _IpMatcher(nets)  # type: ignore[arg-type]
    return None  # Null: handled by CompiledTest


# ---------------------------------------------------------------------- the block


@dataclass(frozen=True, slots=True)
class CompiledTest:
    """One (operator, key) pair of a Condition block."""

    spec: OperatorSpec
    key: str  # lower-cased
    key_text: str  # as written
    values: tuple[str, ...]
    matcher: ValueMatcher | None
    null_true: bool = False
    null_false: bool = False

    def evaluate(self, get: Getter, lookup: Lookup) -> bool:
        spec = self.spec
        got = get(self.key)
        if spec.family == "null":
            present = bool(got)
            return (self.null_true and not present) or (self.null_false and present)
        if not got:
            if spec.if_exists or spec.set_op == "all":
                return True
            if spec.set_op == "any":
                return False
            return spec.negated
        matcher = self.matcher
        assert matcher is not None
        negated = spec.negated
        set_op = spec.set_op
        if len(got) == 1 and set_op is None:
            r = matcher.match(got[0], lookup)
            if r is None:
                return False
            return not r if negated else r
        results = [matcher.match(v, lookup) for v in got]
        if None in results:
            return False
        if set_op == "all":
            return all(r != negated for r in results)
        if set_op == "any":
            return any(r != negated for r in results)
        hit = any(results)
        return not hit if negated else hit


def compile_condition(block: object, *, use_vars: bool) -> tuple[CompiledTest, ...]:
    if not isinstance(block, Mapping):
        raise EngineError("Condition must be a JSON object")
    tests: list[CompiledTest] = []
    for op_name, keys in block.items():
        if not isinstance(keys, Mapping):
            raise EngineError(f"condition operator {op_name} must map keys to values")
        spec = parse_operator(op_name) if isinstance(op_name, str) else None
        if spec is None:
            if keys:
                raise EngineError(f"unknown condition operator {op_name!r}")
            continue
        for key, raw in keys.items():
            if not isinstance(key, str):
                raise EngineError("condition keys must be strings")
            raw_list = raw if isinstance(raw, list) else [raw]
            values = tuple(scalar_text(v) for v in raw_list)
            if spec.family == "null":
                lowered = {v.lower() for v in values}
                tests.append(
                    CompiledTest(
                        spec, key.lower(), key, values, None, "true" in lowered, "false" in lowered
                    )
                )
                continue
            tests.append(
                CompiledTest(
                    spec, key.lower(), key, values, make_matcher(spec, key, values, use_vars)
                )
            )
    return tuple(tests)


def evaluate_all(tests: tuple[CompiledTest, ...], get: Getter, lookup: Lookup) -> bool:
    return all(t.evaluate(get, lookup) for t in tests)


def first_failure(
    tests: tuple[CompiledTest, ...], get: Getter, lookup: Lookup
) -> CompiledTest | None:
    for t in tests:
        if not t.evaluate(get, lookup):
            return t
    return None


__all__ = [
    "BASE_OPERATORS",
    "CompiledTest",
    "OperatorSpec",
    "Var",
    "compile_condition",
    "evaluate_all",
    "first_failure",
    "parse_date",
    "parse_number",
    "parse_operator",
    "scalar_text",
]
