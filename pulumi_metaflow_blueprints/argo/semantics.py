"""Offline evaluation of Argo Events v1.9 Sensor semantics, for showing what a sample event does to a Sensor.

Mirrors in pure Python what the Sensor does with one event:

* gjson path reads (``gjson.GetBytes``) and sjson writes (``sjson.SetBytes`` / ``SetRawBytes``);
* dependency filters (``pkg/sensors/dependencies/filter.go``): data, expr (govaluate), context, time, and how
  ``dataLogicalOperator`` / ``exprLogicalOperator`` / ``filtersLogicalOperator`` combine them;
* trigger parameters (``pkg/sensors/triggers/params.go``): ``ResolveParamValue``, ``ApplyParams``,
  ``ConstructPayload``, including Go-template ``dataTemplate`` / ``contextTemplate`` (a small subset of
  ``text/template`` + sprig).

Nothing here guesses: whatever falls outside the modelled subset (gjson modifiers, Go regexp features without a
Python equivalent, govaluate arithmetic, template functions outside the subset, Lua scripts, ...) comes back with
the outcome/status ``"unsupported"`` and a message saying what was not modelled.
"""

from __future__ import annotations

import base64
import binascii
import copy
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "DEFAULT_EVENT_ID",
    "ApplyResult",
    "ExprValue",
    "FilterGroupResult",
    "FilterResult",
    "FiltersResult",
    "GjsonResult",
    "GoRegexp",
    "Outcome",
    "ParamValue",
    "ParameterApplication",
    "PayloadResult",
    "SjsonResult",
    "TemplateResult",
    "apply_parameters",
    "compile_go_regexp",
    "construct_payload",
    "evaluate_context_filter",
    "evaluate_data_filter",
    "evaluate_data_filters",
    "evaluate_dependency",
    "evaluate_expr_filter",
    "evaluate_expr_filters",
    "evaluate_expression",
    "evaluate_filters",
    "evaluate_time_filter",
    "gjson_get",
    "make_event",
    "pubsub_event_data",
    "render_go_template",
    "resolve_param_value",
    "sjson_set",
    "sqs_event_data",
    "webhook_event_data",
]

Outcome = Literal["pass", "fail", "error", "unsupported", "skipped"]
"""pass/fail: what Argo decides; error: Argo hits an error (counts as false); unsupported: not modelled here;
skipped: Argo ignores the filter (an expr filter without fields)."""


class _GoError(Exception):
    """An error the Go code would return (Argo logs it and treats the filter/parameter as failed)."""


class _Unsupported(Exception):
    """Input outside what this module models; the caller reports it instead of guessing."""


# --------------------------------------------------------------------------------------------------------------
# Go number and JSON formatting
# --------------------------------------------------------------------------------------------------------------


def _float_digits(x: float) -> tuple[bool, str, int]:
    """Sign, shortest round-trip digits and decimal point position of ``x`` (value = 0.DIGITS * 10**dp)."""
    negative = math.copysign(1.0, x) < 0
    if x == 0:
        return negative, "", 0
    _, digit_tuple, exponent = Decimal(repr(abs(x))).as_tuple()
    if not isinstance(exponent, int):  # pragma: no cover - finite floats only
        raise ValueError(x)
    text = "".join(str(d) for d in digit_tuple)
    digits = text.rstrip("0")
    exponent += len(text) - len(digits)
    return negative, digits, len(digits) + exponent


def _fmt_f(negative: bool, digits: str, dp: int) -> str:
    if not digits:
        body = "0"
    elif dp <= 0:
        body = "0." + "0" * -dp + digits
    elif dp >= len(digits):
        body = digits + "0" * (dp - len(digits))
    else:
        body = digits[:dp] + "." + digits[dp:]
    return ("-" if negative else "") + body


def _fmt_e(negative: bool, digits: str, dp: int) -> str:
    exponent = dp - 1
    mantissa = digits[0] + ("." + digits[1:] if len(digits) > 1 else "")
    sign = "-" if exponent < 0 else "+"
    return f"{'-' if negative else ''}{mantissa}e{sign}{abs(exponent):02d}"


def _go_float(x: float, verb: Literal["f", "v", "json"]) -> str:
    """``strconv.FormatFloat(x, 'f', -1, 64)``, ``fmt``'s ``%v``, or ``encoding/json``'s float encoding."""
    if math.isnan(x) or math.isinf(x):
        text = "NaN" if math.isnan(x) else ("+Inf" if x > 0 else "-Inf")
        if verb == "json":
            raise _GoError(f"json: unsupported value: {text}")
        return text
    negative, digits, dp = _float_digits(x)
    if verb == "f":
        return _fmt_f(negative, digits, dp)
    if verb == "v":  # %v is %g with the shortest precision: exponent form when exp < -4 or exp >= 6
        if digits and not -4 <= dp - 1 < 6:
            return _fmt_e(negative, digits, dp)
        return _fmt_f(negative, digits, dp)
    if digits and (abs(x) < 1e-6 or abs(x) >= 1e21):
        return re.sub(r"e-0(\d)$", r"e-\1", _fmt_e(negative, digits, dp))
    return _fmt_f(negative, digits, dp)


_JSON_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}


def _go_json_string(text: str, escape_html: bool) -> str:
    out = ['"']
    for ch in text:
        if ch in _JSON_SHORT_ESCAPES:
            out.append(_JSON_SHORT_ESCAPES[ch])
        elif ord(ch) < 0x20 or ch in "\u2028\u2029" or (escape_html and ch in "<>&"):
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _go_json(value: Any, *, escape_html: bool, sort_keys: bool = True) -> str:
    """Compact JSON as Go's ``encoding/json`` writes it (map keys sorted, Go float format, optional HTML escapes)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _go_float(value, "json")
    if isinstance(value, str):
        return _go_json_string(value, escape_html)
    if isinstance(value, datetime):
        return _go_json_string(_rfc3339(value, nano=True), escape_html)
    if isinstance(value, Mapping):
        items = sorted(value.items(), key=lambda kv: str(kv[0])) if sort_keys else list(value.items())
        inner = ",".join(
            f"{_go_json_string(str(k), escape_html)}:{_go_json(v, escape_html=escape_html, sort_keys=sort_keys)}"
            for k, v in items
        )
        return "{" + inner + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ",".join(_go_json(v, escape_html=escape_html, sort_keys=sort_keys) for v in value) + "]"
    raise _GoError(f"json: unsupported type: {type(value).__name__}")


def _rfc3339(moment: datetime, *, nano: bool = False) -> str:
    moment = moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if nano and moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text + "Z"


_GO_DECIMAL_FLOAT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_GO_HEX_FLOAT = re.compile(r"[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?\d+")
_GO_SPECIAL_FLOAT = re.compile(r"[+-]?(?:inf|infinity)|nan", re.IGNORECASE)


def _go_parse_float(text: str) -> float | None:
    """``strconv.ParseFloat(text, 64)``; None when Go reports a syntax error."""
    if _GO_DECIMAL_FLOAT.fullmatch(text) or _GO_SPECIAL_FLOAT.fullmatch(text):
        return float(text)
    if _GO_HEX_FLOAT.fullmatch(text):
        return float.fromhex(text)
    return None


_GO_BOOLS = {"1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True}
_GO_BOOLS.update({"0": False, "f": False, "F": False, "FALSE": False, "false": False, "False": False})


def _go_parse_bool(text: str) -> bool | None:
    """``strconv.ParseBool``; None when Go reports a syntax error."""
    return _GO_BOOLS.get(text)


def _to_go_value(value: Any) -> Any:
    """The value as gjson's ``Result.Value()`` hands it to Go code: every JSON number is a float64."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, Mapping):
        return {str(k): _to_go_value(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_to_go_value(v) for v in value]
    return value


# --------------------------------------------------------------------------------------------------------------
# gjson: path reads
# --------------------------------------------------------------------------------------------------------------

GjsonType = Literal["Null", "False", "Number", "String", "True", "JSON"]


@dataclass(frozen=True)
class GjsonResult:
    """What ``gjson.GetBytes(data, path)`` returns: whether the path exists and the JSON value there.

    ``unsupported`` is set (and ``exists`` is False) when the path uses gjson syntax this module does not model.
    ``raw`` re-encodes the value as compact JSON: the event's original whitespace and escapes are not preserved.
    """

    exists: bool
    value: Any = None
    unsupported: str | None = None
    computed: bool = False
    """True for a calculated value (``#`` count), for which gjson has no raw JSON."""

    @property
    def type(self) -> GjsonType:
        """gjson's ``Result.Type.String()``."""
        value = self.value
        if not self.exists or value is None:
            return "Null"
        if isinstance(value, bool):
            return "True" if value else "False"
        if isinstance(value, (int, float)):
            return "Number"
        if isinstance(value, str):
            return "String"
        return "JSON"

    @property
    def raw(self) -> str:
        """gjson's ``Result.Raw``: the value as JSON text ("" when absent or calculated)."""
        if not self.exists or self.computed:
            return ""
        return _go_json(self.value, escape_html=False, sort_keys=False)

    def to_string(self) -> str:
        """gjson's ``Result.String()``: strings raw, integers as written, other numbers in Go's 'f' format."""
        value = self.value
        if not self.exists or value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int):
            return str(value)
        if isinstance(value, float):
            return _go_float(value, "f")
        if isinstance(value, str):
            return value
        return self.raw

    def to_float(self) -> float:
        """gjson's ``Result.Float()``: strings through ``ParseFloat`` (0 when not numeric), true is 1."""
        value = self.value
        if not self.exists or value is None or value is False:
            return 0.0
        if value is True:
            return 1.0
        if isinstance(value, (int, float)):
            return float(value)
        if isinstance(value, str):
            parsed = _go_parse_float(value)
            return 0.0 if parsed is None else parsed
        return 0.0

    def to_bool(self) -> bool:
        """gjson's ``Result.Bool()``: strings through ``ParseBool`` (lower-cased), numbers true when non-zero."""
        value = self.value
        if not self.exists or value is None:
            return False
        if isinstance(value, bool):
            return value
        if isinstance(value, (int, float)):
            return value != 0
        if isinstance(value, str):
            return bool(_go_parse_bool(value.lower()))
        return False

    def to_value(self) -> Any:
        """gjson's ``Result.Value()``: what govaluate and Go templates see (numbers as float64)."""
        return _to_go_value(self.value) if self.exists else None


class _PathUnsupported(Exception):
    pass


@dataclass
class _Hit:
    exists: bool
    value: Any = None
    locations: list[tuple[Any, Any]] = field(default_factory=list)
    computed: bool = False


def _miss() -> _Hit:
    return _Hit(False)


def _unlocated(hit: _Hit) -> _Hit:
    """A piped result: gjson resets its index, so sjson cannot write through it."""
    return _Hit(hit.exists, hit.value, [], hit.computed)


def gjson_get(data: Any, path: str) -> GjsonResult:
    """Read ``path`` from JSON-like ``data`` the way ``gjson.GetBytes`` does.

    Supported: dot-separated keys, ``\\`` escapes, ``*``/``?`` wildcards in object keys (first match in document
    order), numeric array indexes, ``#`` (length), ``#.key`` (map over elements), queries ``#(k op v)`` and
    ``#(k op v)#`` with ``==``/``=``, ``!=``, ``<``, ``<=``, ``>``, ``>=``, ``%``, ``!%`` (also nested), and ``|``.
    Unsupported (reported, never guessed): modifiers ``@...``, multipaths ``{...}``/``[...]``/``a,b``, literals
    ``!...``, JSON Lines ``..``, ``~`` query values.
    """
    if _has_top_level_comma(path):
        return GjsonResult(False, unsupported=f"comma-separated multipaths ({path!r}) are not supported")
    try:
        hit = _gget(data, path)
    except _PathUnsupported as exc:
        return GjsonResult(False, unsupported=str(exc))
    if not hit.exists:
        return GjsonResult(False)
    return GjsonResult(True, hit.value, computed=hit.computed)


def _has_top_level_comma(path: str) -> bool:
    """A ``,`` outside queries: the docs' ``a,b.#(...)`` multipath form, which is not modelled."""
    depth = 0
    i = 0
    while i < len(path):
        ch = path[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"' and depth:
            i += 1
            while i < len(path) and path[i] != '"':
                i += 2 if path[i] == "\\" else 1
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "," and depth == 0:
            return True
        i += 1
    return False


def _gget(node: Any, path: str) -> _Hit:
    if len(path) > 1 and path[0] == "@":
        raise _PathUnsupported(f"gjson modifiers ({path!r}) are not supported")
    if len(path) > 1 and path[0] == "!":
        raise _PathUnsupported(f"gjson literals ({path!r}) are not supported")
    if path[:1] in ("[", "{"):
        raise _PathUnsupported(f"gjson multipaths ({path!r}) are not supported")
    if path.startswith(".."):
        raise _PathUnsupported(f"gjson JSON Lines paths ({path!r}) are not supported")
    if isinstance(node, dict):
        return _gget_object(node, path)
    if isinstance(node, list):
        return _gget_array(node, path)
    return _miss()


def _glob_regex(tokens: Sequence[tuple[str, bool]]) -> re.Pattern[str]:
    parts = []
    for char, literal in tokens:
        if not literal and char == "*":
            parts.append(".*")
        elif not literal and char == "?":
            parts.append(".")
        else:
            parts.append(re.escape(char))
    return re.compile("".join(parts), re.DOTALL)


def _gget_object(node: dict[Any, Any], path: str) -> _Hit:
    tokens: list[tuple[str, bool]] = []
    wild = False
    rest: str | None = None
    piped = False
    i = 0
    while i < len(path):
        ch = path[i]
        if ch == "\\":
            if i + 1 < len(path):
                tokens.append((path[i + 1], True))
            i += 2
            continue
        if ch == ".":
            if path[i + 1 : i + 2] == "@":
                raise _PathUnsupported(f"gjson modifiers ({path[i + 1 :]!r}) are not supported")
            rest = path[i + 1 :]
            break
        if ch == "|":
            rest, piped = path[i + 1 :], True
            break
        wild = wild or ch in "*?"
        tokens.append((ch, False))
        i += 1
    if wild:
        pattern = _glob_regex(tokens)
        key = next((k for k in node if isinstance(k, str) and pattern.fullmatch(k)), None)
    else:
        wanted = "".join(char for char, _ in tokens)
        key = wanted if wanted in node else None
    if key is None:
        return _miss()
    child = node[key]
    if rest is None:
        return _Hit(True, child, [(node, key)])
    hit = _gget(child, rest)
    return _unlocated(hit) if piped else hit


def _split_pipe(path: str) -> tuple[str, str | None]:
    """gjson's ``splitPossiblePipe``: split at the first ``|`` that is not inside a query or a quoted string."""
    depth = 0
    i = 0
    while i < len(path):
        ch = path[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"' and depth:
            i += 1
            while i < len(path) and path[i] != '"':
                i += 2 if path[i] == "\\" else 1
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif ch == "|" and depth == 0:
            return path[:i], path[i + 1 :]
        i += 1
    return path, None


def _gget_array(node: list[Any], path: str) -> _Hit:
    if path[:1] == "#":
        if len(path) == 1:
            return _Hit(True, len(node), computed=True)
        nxt = path[1]
        if nxt == ".":
            if path[2:3] == "@":
                raise _PathUnsupported(f"gjson modifiers ({path[2:]!r}) are not supported")
            key, pipe = _split_pipe(path[2:])
            values: list[Any] = []
            locations: list[tuple[Any, Any]] = []
            for element in node:
                hit = _gget(element, key)
                if hit.exists:
                    values.append(hit.value)
                    locations.extend(hit.locations)
            result = _Hit(True, values, locations)
            return result if pipe is None else _unlocated(_gget(values, pipe))
        if nxt == "|":
            return _unlocated(_gget(len(node), path[2:]))
        if nxt in "([":
            return _gget_query(node, path)
        return _miss()
    end = len(path)
    for j, ch in enumerate(path):
        if ch in ".|":
            end = j
            break
    part = path[:end]
    if not re.fullmatch(r"[0-9]+", part) or int(part) >= len(node):
        return _miss()
    index = int(part)
    child = node[index]
    if end == len(path):
        return _Hit(True, child, [(node, index)])
    if path[end] == "." and path[end + 1 : end + 2] == "@":
        raise _PathUnsupported(f"gjson modifiers ({path[end + 1 :]!r}) are not supported")
    hit = _gget(child, path[end + 1 :])
    return _unlocated(hit) if path[end] == "|" else hit


def _query_end(path: str, start: int) -> int:
    """Index of the bracket closing the query that opens at ``start`` (-1 when unbalanced)."""
    depth = 0
    i = start
    while i < len(path):
        ch = path[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"':
            i += 1
            while i < len(path) and path[i] != '"':
                i += 2 if path[i] == "\\" else 1
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return -1


def _parse_query(inner: str) -> tuple[str, str, str]:
    """Split a query body into (path, operator, value); ``==`` is normalised to ``=``."""
    depth = 0
    i = 0
    while i < len(inner):
        ch = inner[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"':
            i += 1
            while i < len(inner) and inner[i] != '"':
                i += 2 if inner[i] == "\\" else 1
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
        elif depth == 0 and ch in "!=<>%":
            break
        i += 1
    query_path = inner[:i].strip()
    if i >= len(inner):
        return query_path, "", ""
    two = inner[i : i + 2]
    if two in ("==", "!=", "<=", ">=", "!%"):
        op, j = ("=" if two == "==" else two), i + 2
    elif inner[i] in "=<>%":
        op, j = inner[i], i + 1
    else:
        raise _PathUnsupported(f"gjson query operator in {inner!r} is not supported")
    value = inner[j:].strip()
    if value.startswith("~"):
        raise _PathUnsupported(f"gjson '~' query values ({value!r}) are not supported")
    if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
        try:
            decoded = json.loads(value)
        except ValueError:
            decoded = value[1:-1]
        value = decoded if isinstance(decoded, str) else value[1:-1]
    return query_path, op, value


def _query_matches(hit: _Hit, op: str, wanted: str) -> bool:
    if not hit.exists:
        return False
    if op == "":
        return True
    value = hit.value
    if isinstance(value, bool):
        table = {"=": wanted == "true", "!=": wanted != "true", ">": wanted == "false", ">=": True}
        if not value:
            table = {"=": wanted == "false", "!=": wanted != "false", "<": wanted == "true", "<=": True}
        return table.get(op, False)
    if isinstance(value, str):
        if op in ("%", "!%"):
            matched = bool(_glob_regex(_glob_tokens(wanted)).fullmatch(value))
            return matched if op == "%" else not matched
        return _compare(value, op, wanted)
    if isinstance(value, (int, float)):
        number = _go_parse_float(wanted)
        return _compare(float(value), op, 0.0 if number is None else number)
    return False


def _glob_tokens(pattern: str) -> list[tuple[str, bool]]:
    tokens: list[tuple[str, bool]] = []
    i = 0
    while i < len(pattern):
        if pattern[i] == "\\" and i + 1 < len(pattern):
            tokens.append((pattern[i + 1], True))
            i += 2
        else:
            tokens.append((pattern[i], False))
            i += 1
    return tokens


def _compare(left: Any, op: str, right: Any) -> bool:
    if op in ("=", "=="):
        return left == right
    if op == "!=":
        return left != right
    if op == "<":
        return left < right
    if op == "<=":
        return left <= right
    if op == ">":
        return left > right
    if op == ">=":
        return left >= right
    return False


def _gget_query(node: list[Any], path: str) -> _Hit:
    end = _query_end(path, 1)
    if end < 0:
        raise _PathUnsupported(f"unbalanced gjson query in {path!r}")
    query_path, op, wanted = _parse_query(path[2:end])
    i = end + 1
    match_all = path[i : i + 1] == "#"
    if match_all:
        i += 1
    rest = path[i:]
    sep = ""
    if rest:
        if rest[0] not in ".|":
            raise _PathUnsupported(f"unexpected text after a gjson query in {path!r}")
        sep, rest = rest[0], rest[1:]
    values: list[Any] = []
    locations: list[tuple[Any, Any]] = []
    tail, pipe = _split_pipe(rest) if sep == "." and match_all else (rest, None)
    for index, element in enumerate(node):
        if isinstance(element, (dict, list)):
            candidate = _gget(element, query_path)
        elif query_path:
            continue
        else:
            candidate = _Hit(True, element)
        if not _query_matches(candidate, op, wanted):
            continue
        if not match_all:
            if sep == ".":
                return _gget(element, rest)
            if sep == "|":
                return _unlocated(_gget(element, rest))
            return _Hit(True, element, [(node, index)])
        hit = _gget(element, tail) if sep == "." else _Hit(True, element, [(node, index)])
        if hit.exists:
            values.append(hit.value)
            locations.extend(hit.locations)
    if not match_all or not node:
        return _miss()
    result = _Hit(True, values, locations)
    if sep == "|":
        return _unlocated(_gget(values, rest))
    if pipe is not None:
        return _unlocated(_gget(values, pipe))
    return result


# --------------------------------------------------------------------------------------------------------------
# sjson: path writes
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SjsonResult:
    """The document after ``sjson.SetBytes`` / ``SetRawBytes``; ``changed`` is False when sjson left it as is."""

    document: Any
    changed: bool
    error: str | None = None
    unsupported: str | None = None
    note: str = ""


@dataclass(frozen=True)
class _Comp:
    part: str
    force: bool


class _SjsonError(Exception):
    pass


def _sjson_components(path: str) -> list[_Comp] | None:
    """sjson's ``parsePath`` over the whole path; None for a "complex" path (one with ``|#@*?``)."""
    comps: list[_Comp] = []
    rest = path
    while True:
        force = rest.startswith(":")
        if force:
            rest = rest[1:]
        part: list[str] = []
        i = 0
        more = False
        while i < len(rest):
            ch = rest[i]
            if ch == ".":
                more = True
                break
            if ch in "|#@*?":
                return None
            if ch == "\\":
                if i + 1 < len(rest):
                    part.append(rest[i + 1])
                i += 2
                continue
            part.append(ch)
            i += 1
        comps.append(_Comp("".join(part), force))
        if not more:
            return comps
        rest = rest[i + 1 :]


def _atoui(comp: _Comp) -> tuple[int, bool]:
    if comp.force or not re.fullmatch(r"[0-9]*", comp.part):
        return 0, False
    return int(comp.part or "0"), True


def _sjson_build(rest: Sequence[_Comp], new: Any) -> Any:
    if not rest:
        return new
    head = rest[0]
    count, numeric = _atoui(head)
    if numeric or (not head.force and head.part == "-1"):
        return [None] * count + [_sjson_build(rest[1:], new)]
    return {head.part: _sjson_build(rest[1:], new)}


def _sjson_set_simple(node: Any, comps: Sequence[_Comp], new: Any) -> Any:
    comp, rest = comps[0], comps[1:]
    if isinstance(node, dict) and comp.part in node:
        node[comp.part] = _sjson_set_simple(node[comp.part], rest, new) if rest else new
        return node
    if isinstance(node, list) and re.fullmatch(r"[0-9]+", comp.part) and int(comp.part) < len(node):
        index = int(comp.part)
        node[index] = _sjson_set_simple(node[index], rest, new) if rest else new
        return node
    count, numeric = _atoui(comp)
    if not isinstance(node, (dict, list)):
        node = [] if numeric else {}
    if isinstance(node, dict):
        node[comp.part] = _sjson_build(rest, new)
        return node
    if not numeric:
        if comp.part == "-1" and not comp.force:
            node.append(_sjson_build(rest, new))
            return node
        raise _SjsonError(f"cannot set array element for non-numeric key '{comp.part}'")
    node.extend([None] * (count - len(node)))
    node.append(_sjson_build(rest, new))
    return node


def sjson_set(document: Any, path: str, value: str, *, raw: bool = False) -> SjsonResult:
    """Write ``value`` at ``path`` like sjson (a copy is returned; ``document`` is not modified).

    ``raw=False`` is ``SetBytes`` with a Go string (the value lands as a JSON string); ``raw=True`` is
    ``SetRawBytes`` (the value is JSON text). ``None`` stands for an empty document. Simple paths: dot keys,
    ``\\`` escapes, ``:`` to force an object key, numeric indexes (padding with nulls past the end), ``-1`` to
    append, missing objects/arrays created on the way (a scalar in the way is replaced). Paths with ``#``, ``*``,
    ``?``, ``|`` or ``@`` (e.g. ``parameters.#(name=foo).value``, as Metaflow uses) are "complex": sjson reads the
    locations with gjson and replaces the values found there; when nothing is found it leaves the document
    unchanged and reports no error.
    """
    if path == "":
        return SjsonResult(document, False, error="path cannot be empty")
    new: Any = value
    if raw:
        try:
            new = json.loads(value)
        except ValueError:
            return SjsonResult(
                document, False, error=f"raw value {value!r} is not JSON; Argo would write an invalid document"
            )
    doc = copy.deepcopy(document)
    comps = _sjson_components(path)
    if comps is None:
        try:
            hit = _gget(doc, path)
        except _PathUnsupported as exc:
            return SjsonResult(document, False, unsupported=str(exc))
        if not hit.exists or not hit.locations:
            note = f"nothing found at {path!r}: sjson leaves the document unchanged and Argo reports no error"
            return SjsonResult(document, False, note=note)
        for container, key in hit.locations:
            container[key] = copy.deepcopy(new)
        return SjsonResult(doc, True)
    try:
        doc = _sjson_set_simple(doc, comps, new)
    except _SjsonError as exc:
        return SjsonResult(document, False, error=str(exc))
    return SjsonResult(doc, True)


# --------------------------------------------------------------------------------------------------------------
# Go regexp (RE2 syntax) -> Python re
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class GoRegexp:
    """A Go regular expression translated to Python ``re`` (ASCII ``\\d\\w\\s\\b``, ``$`` = end of text).

    ``error``: Go's ``regexp.Compile`` rejects the pattern. ``unsupported``: valid (or possibly valid) Go syntax
    that is not translated (Unicode classes ``\\p``, octal escapes, ``(?U)``, mid-pattern flags, ...).
    """

    pattern: str
    python_pattern: str | None
    error: str | None = None
    unsupported: str | None = None

    def search(self, text: str) -> bool:
        """Go's ``MatchString``: an unanchored search."""
        if self.python_pattern is None:
            raise ValueError(self.error or self.unsupported)
        return re.search(self.python_pattern, text, re.ASCII) is not None

    def full_match(self, text: str) -> bool:
        """Whether the pattern matches the whole of ``text`` (used to warn about unanchored partial matches)."""
        if self.python_pattern is None:
            raise ValueError(self.error or self.unsupported)
        return re.fullmatch(self.python_pattern, text, re.ASCII) is not None


_GO_S = "\\t\\n\\f\\r "
_POSIX_CLASSES = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7f",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}
_REPEAT = re.compile(r"\{(\d+)(,(\d*))?\}")


class _RegexGoError(Exception):
    pass


class _RegexUnsupported(Exception):
    pass


def compile_go_regexp(pattern: str) -> GoRegexp:
    """Translate a Go ``regexp`` pattern for use with Python ``re`` (see ``GoRegexp``)."""
    try:
        translated = _RegexTranslator(pattern).translate()
    except _RegexGoError as exc:
        return GoRegexp(pattern, None, error=f"error parsing regexp: {exc}: `{pattern}`")
    except _RegexUnsupported as exc:
        return GoRegexp(pattern, None, unsupported=f"Go regexp {pattern!r} uses {exc}, which is not translated")
    try:
        re.compile(translated, re.ASCII)
    except re.error as exc:
        return GoRegexp(pattern, None, unsupported=f"Go regexp {pattern!r} could not be translated ({exc})")
    return GoRegexp(pattern, translated)


class _RegexTranslator:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0
        self.out: list[str] = []
        self.multiline = False
        self.ignorecase = False

    def translate(self) -> str:
        p = self.p
        lead = re.match(r"\(\?([imsU]+)\)", p)
        if lead:
            flags = lead.group(1)
            if "U" in flags:
                raise _RegexUnsupported("the (?U) ungreedy flag")
            self.multiline = "m" in flags
            self.ignorecase = "i" in flags
            self.out.append(f"(?{flags})")
            self.i = lead.end()
        depth = 0
        while self.i < len(p):
            ch = p[self.i]
            if ch == "\\":
                self.out.append(self._escape(in_class=False))
            elif ch == "[":
                self.out.append(self._char_class())
            elif ch == "(":
                self.out.append(self._group_open())
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth < 0:
                    raise _RegexGoError("unexpected )")
                self.out.append(")")
                self.i += 1
            elif ch == "$":
                self.out.append("$" if self.multiline else "\\Z")
                self.i += 1
            elif ch in "*+?":
                self.out.append(ch)
                self.i += 1
                self._after_repeat()
            elif ch == "{":
                repeat = _REPEAT.match(p, self.i)
                if repeat is None:
                    self.out.append("\\{")  # Go reads it literally (e.g. `{,3}`); Python 3.11 would not
                    self.i += 1
                    continue
                low, high = int(repeat.group(1)), repeat.group(3)
                if low > 1000 or (high and int(high) > 1000):
                    raise _RegexGoError("invalid repeat count")
                if high and int(high) < low:
                    raise _RegexGoError("invalid repeat count")
                self.out.append(repeat.group(0))
                self.i = repeat.end()
                self._after_repeat()
            else:
                self._literal(ch)
                self.i += 1
        if depth > 0:
            raise _RegexGoError("missing closing )")
        return "".join(self.out)

    def _literal(self, ch: str) -> None:
        if self.ignorecase and not ch.isascii() and ch.lower() != ch.upper():
            raise _RegexUnsupported("case-insensitive matching of non-ASCII letters")
        self.out.append(ch)

    def _after_repeat(self) -> None:
        p = self.p
        if p[self.i : self.i + 1] == "?":
            self.out.append("?")
            self.i += 1
        nxt = p[self.i : self.i + 1]
        if nxt and (nxt in "*+?" or _REPEAT.match(p, self.i)):
            raise _RegexGoError("invalid nested repetition operator")

    def _group_open(self) -> str:
        p = self.p
        if not p.startswith("(?", self.i):
            self.i += 1
            return "("
        rest = p[self.i + 2 :]
        named = re.match(r"P<([A-Za-z0-9_]*)>", rest)
        if named:
            name = named.group(1)
            if not name:
                raise _RegexGoError("invalid named capture")
            if name[0].isdigit():
                raise _RegexUnsupported("a capture name starting with a digit")
            self.i += 2 + named.end()
            return f"(?P<{name}>"
        if rest.startswith("<") and not rest.startswith(("<=", "<!")):
            raise _RegexUnsupported("(?<name>...) captures (Go 1.22+ only)")
        if rest.startswith(":"):
            self.i += 3
            return "(?:"
        flags = re.match(r"([imsU]*)(?:-([imsU]*))?([:)])", rest)
        if flags and (flags.group(1) or flags.group(2)):
            on, off, end = flags.group(1), flags.group(2) or "", flags.group(3)
            if "U" in on + off:
                raise _RegexUnsupported("the (?U) ungreedy flag")
            if end == ")":
                raise _RegexUnsupported("inline flags after the start of the pattern")
            if "m" in on + off:
                raise _RegexUnsupported("a scoped (?m:...) group")
            if "i" in on:
                self.ignorecase = True
            self.i += 2 + flags.end()
            return f"(?{on}{'-' + off if off else ''}:"
        raise _RegexGoError("invalid or unsupported Perl syntax")

    def _escape(self, in_class: bool) -> str:
        p = self.p
        if self.i + 1 >= len(p):
            raise _RegexGoError("trailing backslash at end of expression")
        e = p[self.i + 1]
        self.i += 2
        if e in "dDwW":
            return "\\" + e
        if e == "s":
            return _GO_S if in_class else f"[{_GO_S}]"
        if e == "S":
            if in_class:
                raise _RegexUnsupported("\\S inside a character class")
            return f"[^{_GO_S}]"
        if e in "bBAz":
            if in_class:
                raise _RegexUnsupported(f"\\{e} inside a character class")
            return "\\Z" if e == "z" else "\\" + e
        if e in "afnrtv":
            return "\\" + e
        if e == "x":
            return self._hex_escape()
        if e == "Q":
            if in_class:
                raise _RegexUnsupported("\\Q inside a character class")
            end = p.find("\\E", self.i)
            literal = p[self.i :] if end < 0 else p[self.i : end]
            self.i = len(p) if end < 0 else end + 2
            return re.escape(literal)
        if e in "pP":
            raise _RegexUnsupported("Unicode character classes (\\p, \\P)")
        if e.isdigit():
            return self._octal_escape(e)
        if e in "CE":
            raise _RegexUnsupported(f"the escape \\{e}")
        if e.isascii() and e.isalnum():
            raise _RegexGoError(f"invalid escape sequence: `\\{e}`")
        if not e.isascii():
            raise _RegexGoError(f"invalid escape sequence: `\\{e}`")
        return "\\" + e

    def _octal_escape(self, first: str) -> str:
        """Go: ``\\0`` and ``\\1``-``\\7`` followed by an octal digit are octal codes; other digits (backreferences)
        are errors."""
        p = self.p
        if first in "89" or (first != "0" and not re.match(r"[0-7]", p[self.i : self.i + 1])):
            raise _RegexGoError(f"invalid escape sequence: `\\{first}`")
        more = re.match(r"[0-7]{0,2}", p[self.i :])
        digits = first + (more.group(0) if more else "")
        self.i += len(digits) - 1
        return re.escape(chr(int(digits, 8)))

    def _hex_escape(self) -> str:
        p = self.p
        braced = re.match(r"\{([0-9A-Fa-f]+)\}", p[self.i :])
        if braced:
            code = int(braced.group(1), 16)
            self.i += braced.end()
        else:
            two = re.match(r"[0-9A-Fa-f]{2}", p[self.i :])
            if not two:
                raise _RegexGoError("invalid escape sequence: `\\x`")
            code = int(two.group(0), 16)
            self.i += 2
        if code > 0x10FFFF:
            raise _RegexGoError("invalid escape sequence")
        return re.escape(chr(code))

    def _char_class(self) -> str:
        p = self.p
        self.i += 1
        out = ["["]
        if p[self.i : self.i + 1] == "^":
            out.append("^")
            self.i += 1
        first = True
        while True:
            if self.i >= len(p):
                raise _RegexGoError("missing closing ]")
            ch = p[self.i]
            if ch == "]" and not first:
                self.i += 1
                out.append("]")
                return "".join(out)
            first = False
            posix = re.match(r"\[:(\^?)([A-Za-z]+):\]", p[self.i :])
            if posix:
                if posix.group(1):
                    raise _RegexUnsupported("negated POSIX classes ([:^name:])")
                name = posix.group(2)
                if name not in _POSIX_CLASSES:
                    raise _RegexGoError("invalid character class range")
                out.append(_POSIX_CLASSES[name])
                self.i += posix.end()
                continue
            if ch == "\\":
                out.append(self._escape(in_class=True))
                continue
            if ch in "[]&~|^":
                out.append("\\" + ch)
            else:
                if self.ignorecase and not ch.isascii() and ch.lower() != ch.upper():
                    raise _RegexUnsupported("case-insensitive matching of non-ASCII letters")
                out.append(ch)
            self.i += 1


# --------------------------------------------------------------------------------------------------------------
# Go text/template + sprig (a small subset)
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TemplateResult:
    """Outcome of executing a Go template: ``ok`` with its output, ``error`` (Go fails), or ``unsupported``."""

    status: Literal["ok", "error", "unsupported"]
    output: str = ""
    message: str = ""


class _Missing:
    """Go's invalid reflect.Value: a missing map key. Prints as ``<no value>``."""

    def __repr__(self) -> str:
        return "<no value>"


_MISSING = _Missing()
_NO_ARG = object()
_SPACE = " \t\r\n"
_TEMPLATE_FUNCTIONS = {
    "index": (1, None),
    "toJson": (1, 1),
    "toRawJson": (1, 1),
    "kindIs": (2, 2),
    "fail": (1, 1),
    "hasKey": (2, 2),
    "get": (2, 2),
    "not": (1, 1),
    "now": (0, 0),
    "unixEpoch": (1, 1),
    "b64dec": (1, 1),
    "b64enc": (1, 1),
}
_UNSUPPORTED_ACTIONS = ("range", "with", "define", "template", "block", "break", "continue")


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str
    value: Any = None


@dataclass
class _Pipeline:
    decl: str | None
    assign: bool
    commands: list[list[tuple[Any, ...]]]


def render_go_template(template: str, data: Mapping[str, Any], *, now: datetime | None = None) -> TemplateResult:
    """Execute a Go ``text/template`` with sprig functions, over ``data`` (Argo passes ``{"Input": ...}``).

    Supported: text with ``{{ }}`` actions and ``{{-``/``-}}`` trim markers; ``.Input.a.b`` field chains, ``$``
    and ``$name.a`` variables, ``$v := ...`` / ``$v = ...``; string/number/bool literals; pipelines ``|``;
    parenthesised pipelines; ``if``/``else``/``else if``/``end``; functions ``index`` (multi-key), ``toJson``,
    ``toRawJson``, ``kindIs``, ``fail``, ``hasKey``, ``get``, ``not``, ``now``, ``unixEpoch``, ``b64dec``, ``b64enc``.
    Numbers in ``data`` become float64 as gjson's ``Value()`` makes them. Printing follows Go's ``fmt`` (1000000
    prints as ``1e+06``; a missing key prints as ``<no value>``, JSON null as ``<nil>``). Anything else
    (``range``, ``with``, comments, other functions, ...) gives ``unsupported``. ``now`` is the clock for ``now``
    (default: the current time).
    """
    try:
        items = _lex_template(template)
        nodes = _TemplateParser(items).parse()
        _check_template_functions(nodes)
        runner = _TemplateRunner({str(k): _to_go_value(v) for k, v in data.items()}, now or datetime.now(timezone.utc))
        runner.run(nodes)
    except _Unsupported as exc:
        return TemplateResult("unsupported", message=f"template uses {exc}, outside the supported subset")
    except _GoError as exc:
        return TemplateResult("error", message=str(exc))
    return TemplateResult("ok", "".join(runner.out))


def _lex_template(src: str) -> list[tuple[str, Any]]:
    items: list[tuple[str, Any]] = []
    pos = 0
    trim_next = False
    while True:
        start = src.find("{{", pos)
        text = src[pos:] if start < 0 else src[pos:start]
        if trim_next:
            text = text.lstrip(_SPACE)
        if start < 0:
            items.append(("text", text))
            return items
        i = start + 2
        if src[i : i + 1] == "-" and src[i + 1 : i + 2] != "" and src[i + 1] in _SPACE:
            text = text.rstrip(_SPACE)
            i += 2
        items.append(("text", text))
        tokens, pos, trim_next = _lex_action(src, i)
        items.append(("action", tokens))


def _go_unquote(body: str) -> str:
    simple = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\", '"': '"'}
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        e = body[i + 1 : i + 2]
        if e in simple:
            out.append(simple[e])
            i += 2
            continue
        sizes = {"x": 2, "u": 4, "U": 8}
        if e in sizes:
            digits = body[i + 2 : i + 2 + sizes[e]]
            if not re.fullmatch(r"[0-9A-Fa-f]+", digits) or len(digits) != sizes[e]:
                raise _GoError("invalid syntax in quoted string")
            out.append(chr(int(digits, 16)))
            i += 2 + sizes[e]
            continue
        octal = body[i + 1 : i + 4]
        if re.fullmatch(r"[0-7]{3}", octal):
            out.append(chr(int(octal, 8)))
            i += 4
            continue
        raise _GoError("invalid syntax in quoted string")
    return "".join(out)


def _lex_action(src: str, i: int) -> tuple[list[_Tok], int, bool]:
    toks: list[_Tok] = []
    n = len(src)
    while True:
        if i >= n:
            raise _GoError("unclosed action")
        if src.startswith("}}", i):
            return toks, i + 2, False
        ch = src[i]
        nxt = src[i + 1 : i + 2]
        if ch in _SPACE:
            j = i
            while j < n and src[j] in _SPACE:
                j += 1
            if src.startswith("-}}", j):
                return toks, j + 3, True
            toks.append(_Tok("space", src[i:j]))
            i = j
            continue
        if src.startswith("/*", i):
            raise _Unsupported("template comments")
        if src.startswith(":=", i):
            toks.append(_Tok("declare", ":="))
            i += 2
            continue
        single = {"|": "pipe", "(": "lparen", ")": "rparen", ",": "comma", "=": "assign"}
        if ch in single:
            toks.append(_Tok(single[ch], ch))
            i += 1
            continue
        if ch == '"':
            j = i + 1
            while j < n and src[j] != '"':
                if src[j] == "\n":
                    raise _GoError("unterminated quoted string")
                j += 2 if src[j] == "\\" else 1
            if j >= n:
                raise _GoError("unterminated quoted string")
            toks.append(_Tok("str", src[i : j + 1], _go_unquote(src[i + 1 : j])))
            i = j + 1
            continue
        if ch == "`":
            j = src.find("`", i + 1)
            if j < 0:
                raise _GoError("unterminated raw quoted string")
            toks.append(_Tok("str", src[i : j + 1], src[i + 1 : j]))
            i = j + 1
            continue
        if ch == "'":
            raise _Unsupported("character constants")
        number = re.match(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", src[i:])
        if number and (ch.isdigit() or (ch in "+-." and (nxt.isdigit() or nxt == "."))):
            text = number.group(0)
            after = src[i + len(text) : i + len(text) + 1]
            if after and (after.isalnum() or after in "_."):
                raise _Unsupported(f"the number syntax {text + after!r}")
            value: Any = float(text) if re.search(r"[.eE]", text) else int(text)
            toks.append(_Tok("num", text, value))
            i += len(text)
            continue
        if ch == "." or ch == "$":
            j = i + 1
            while j < n and (src[j].isalnum() or src[j] == "_"):
                j += 1
            name = src[i + 1 : j]
            if ch == "$":
                toks.append(_Tok("var", "$" + name))
            else:
                toks.append(_Tok("field", name) if name else _Tok("dot", "."))
            i = j
            continue
        if ch.isalpha() or ch == "_":
            j = i
            while j < n and (src[j].isalnum() or src[j] == "_"):
                j += 1
            toks.append(_Tok("ident", src[i:j]))
            i = j
            continue
        raise _GoError(f"unexpected {ch!r} in action")


def _strip_spaces(toks: Sequence[_Tok]) -> list[_Tok]:
    out = list(toks)
    while out and out[0].kind == "space":
        out.pop(0)
    while out and out[-1].kind == "space":
        out.pop()
    return out


def _split_tokens(toks: Sequence[_Tok], kind: str) -> list[list[_Tok]]:
    """Split at ``kind`` tokens outside parentheses."""
    parts: list[list[_Tok]] = [[]]
    depth = 0
    for tok in toks:
        if tok.kind == "lparen":
            depth += 1
        elif tok.kind == "rparen":
            depth -= 1
            if depth < 0:
                raise _GoError("unexpected right paren")
        if tok.kind == kind and depth == 0:
            parts.append([])
        else:
            parts[-1].append(tok)
    if depth:
        raise _GoError("unclosed left paren")
    return parts


class _TemplateParser:
    def __init__(self, items: list[tuple[str, Any]]) -> None:
        self.items = items
        self.pos = 0

    def parse(self) -> list[tuple[Any, ...]]:
        nodes, _, _ = self._list(frozenset())
        return nodes

    def _list(self, terminators: frozenset[str]) -> tuple[list[tuple[Any, ...]], str, list[_Tok]]:
        nodes: list[tuple[Any, ...]] = []
        while self.pos < len(self.items):
            kind, payload = self.items[self.pos]
            self.pos += 1
            if kind == "text":
                if payload:
                    nodes.append(("text", payload))
                continue
            toks = _strip_spaces(payload)
            if not toks:
                raise _GoError("missing value for command")
            head = toks[0]
            if head.kind == "ident" and head.text in ("else", "end"):
                if head.text not in terminators:
                    raise _GoError(f"unexpected {{{{{head.text}}}}}")
                return nodes, head.text, toks[1:]
            if head.kind == "ident" and head.text == "if":
                nodes.append(self._if(toks[1:]))
                continue
            if head.kind == "ident" and head.text in _UNSUPPORTED_ACTIONS:
                raise _Unsupported(f"{{{{{head.text}}}}} actions")
            nodes.append(("action", _parse_pipeline(toks)))
        if terminators:
            raise _GoError("unexpected EOF: missing {{end}}")
        return nodes, "", []

    def _if(self, toks: list[_Tok]) -> tuple[Any, ...]:
        condition = _parse_pipeline(toks)
        then, term, rest = self._list(frozenset({"else", "end"}))
        otherwise: list[tuple[Any, ...]] = []
        rest = _strip_spaces(rest)
        if term == "else":
            if rest and rest[0].kind == "ident" and rest[0].text == "if":
                otherwise = [self._if(rest[1:])]
            elif rest:
                raise _Unsupported("else followed by something other than if")
            else:
                otherwise, _, tail = self._list(frozenset({"end"}))
                if _strip_spaces(tail):
                    raise _GoError("unexpected tokens in {{end}}")
        elif rest:
            raise _GoError("unexpected tokens in {{end}}")
        return ("if", condition, then, otherwise)


def _parse_pipeline(toks: Sequence[_Tok]) -> _Pipeline:
    toks = _strip_spaces(toks)
    decl: str | None = None
    assign = False
    if toks and toks[0].kind == "var":
        rest = _strip_spaces(toks[1:])
        if rest and rest[0].kind in ("declare", "assign"):
            decl, assign, toks = toks[0].text, rest[0].kind == "assign", _strip_spaces(rest[1:])
        elif rest and rest[0].kind == "comma":
            raise _Unsupported("multiple variable declarations")
    commands: list[list[tuple[Any, ...]]] = []
    for part in _split_tokens(toks, "pipe"):
        part = _strip_spaces(part)
        if not part:
            raise _GoError("missing command")
        operands = [_parse_operand(_strip_spaces(o)) for o in _split_tokens(part, "space") if o]
        commands.append(operands)
    return _Pipeline(decl, assign, commands)


def _parse_operand(toks: list[_Tok]) -> tuple[Any, ...]:
    first = toks[0]
    if first.kind == "lparen":
        depth = 0
        close = -1
        for index, tok in enumerate(toks):
            depth += tok.kind == "lparen"
            depth -= tok.kind == "rparen"
            if depth == 0:
                close = index
                break
        inner = _parse_pipeline(toks[1:close])
        return ("sub", inner, _field_chain(toks[close + 1 :]))
    if first.kind == "field":
        return ("field", _field_chain(toks))
    if first.kind == "var":
        return ("var", first.text, _field_chain(toks[1:]))
    if len(toks) > 1:
        raise _GoError(f"unexpected {toks[1].text!r} after {first.text!r}")
    if first.kind == "dot":
        return ("dot",)
    if first.kind in ("str", "num"):
        return ("lit", first.value)
    if first.kind == "ident":
        if first.text in ("true", "false"):
            return ("lit", first.text == "true")
        if first.text == "nil":
            return ("nil",)
        if first.text in ("if", "else", "end", *_UNSUPPORTED_ACTIONS):
            raise _GoError(f"unexpected {first.text!r} in operand")
        return ("ident", first.text)
    raise _GoError(f"unexpected {first.text!r} in operand")


def _field_chain(toks: Sequence[_Tok]) -> list[str]:
    if any(tok.kind != "field" for tok in toks):
        raise _GoError("unexpected token in field chain")
    return [tok.text for tok in toks]


def _check_template_functions(nodes: Sequence[tuple[Any, ...]]) -> None:
    def pipeline(pipe: _Pipeline) -> None:
        for command in pipe.commands:
            for operand in command:
                if operand[0] == "ident" and operand[1] not in _TEMPLATE_FUNCTIONS:
                    raise _Unsupported(f"the function {operand[1]!r}")
                if operand[0] == "sub":
                    pipeline(operand[1])

    for node in nodes:
        if node[0] == "action":
            pipeline(node[1])
        elif node[0] == "if":
            pipeline(node[1])
            _check_template_functions(node[2])
            _check_template_functions(node[3])


def _go_type(value: Any) -> str:
    if value is None or value is _MISSING:
        return "interface {}"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    if isinstance(value, datetime):
        return "time.Time"
    return type(value).__name__


def _go_kind(value: Any) -> str:
    if value is None or value is _MISSING:
        return "invalid"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    if isinstance(value, Mapping):
        return "map"
    if isinstance(value, list):
        return "slice"
    return "struct"


def _go_print(value: Any) -> str:
    if value is _MISSING:
        return "<no value>"
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _go_float(value, "v")
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return "map[" + " ".join(f"{k}:{_go_print(value[k])}" for k in sorted(value, key=str)) + "]"
    if isinstance(value, list):
        return "[" + " ".join(_go_print(v) for v in value) + "]"
    raise _Unsupported(f"printing a {_go_type(value)} value")


def _go_truth(value: Any) -> bool:
    if value is None or value is _MISSING:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, (str, list, Mapping)):
        return len(value) > 0
    return True


class _TemplateRunner:
    def __init__(self, dot: dict[str, Any], now: datetime) -> None:
        self.dot = dot
        self.now = now
        self.vars: list[tuple[str, Any]] = [("$", dot)]
        self.out: list[str] = []

    def run(self, nodes: Sequence[tuple[Any, ...]]) -> None:
        for node in nodes:
            if node[0] == "text":
                self.out.append(node[1])
            elif node[0] == "action":
                value = self.pipeline(node[1])
                if node[1].decl is None:
                    self.out.append(_go_print(value))
            else:
                mark = len(self.vars)
                chosen = node[2] if _go_truth(self.pipeline(node[1])) else node[3]
                self.run(chosen)
                del self.vars[mark:]

    def pipeline(self, pipe: _Pipeline) -> Any:
        value: Any = _NO_ARG
        for command in pipe.commands:
            value = self.command(command, value)
        if pipe.decl is not None:
            if pipe.assign:
                self.lookup(pipe.decl)
                index = max(i for i, (name, _) in enumerate(self.vars) if name == pipe.decl)
                self.vars[index] = (pipe.decl, value)
            else:
                self.vars.append((pipe.decl, value))
        return value

    def lookup(self, name: str) -> Any:
        for var, value in reversed(self.vars):
            if var == name:
                return value
        raise _GoError(f"undefined variable: {name}")

    def command(self, command: list[tuple[Any, ...]], final: Any) -> Any:
        head = command[0]
        if head[0] == "ident":
            args = [self.argument(op) for op in command[1:]]
            if final is not _NO_ARG:
                args.append(final)
            return self.call(head[1], args)
        if head[0] == "nil":
            raise _GoError("nil is not a command")
        if len(command) > 1 or final is not _NO_ARG:
            raise _GoError("can't give argument to non-function")
        return self.operand(head)

    def argument(self, operand: tuple[Any, ...]) -> Any:
        if operand[0] == "ident":
            return self.call(operand[1], [])
        return self.operand(operand)

    def operand(self, operand: tuple[Any, ...]) -> Any:
        kind = operand[0]
        if kind == "lit":
            return operand[1]
        if kind == "nil":
            return None
        if kind == "dot":
            return self.dot
        if kind == "field":
            return self.chain(self.dot, operand[1])
        if kind == "var":
            return self.chain(self.lookup(operand[1]), operand[2])
        return self.chain(self.pipeline(operand[1]), operand[2])

    @staticmethod
    def chain(receiver: Any, names: Sequence[str]) -> Any:
        for name in names:
            if receiver is _MISSING:
                return _MISSING
            if receiver is None:
                raise _GoError(f"nil pointer evaluating interface {{}}.{name}")
            if not isinstance(receiver, Mapping):
                raise _GoError(f"can't evaluate field {name} in type {_go_type(receiver)}")
            receiver = receiver.get(name, _MISSING)
        return receiver

    def call(self, name: str, args: list[Any]) -> Any:
        low, high = _TEMPLATE_FUNCTIONS[name]
        if len(args) < low or (high is not None and len(args) > high):
            raise _GoError(f"wrong number of args for {name}: want {low} got {len(args)}")
        if name == "index":
            return _fn_index(args[0], args[1:])
        if name in ("toJson", "toRawJson"):
            value = None if args[0] is _MISSING else args[0]
            try:
                return _go_json(value, escape_html=name == "toJson")
            except _GoError as exc:
                if name == "toJson":
                    return ""  # sprig's toJson drops the marshalling error
                raise _GoError(f"error calling toRawJson: {exc}") from None
        if name == "kindIs":
            return _go_kind(args[1]) == _as_go_string(args[0], name)
        if name == "not":  # Go's builtin: the negation of the argument's truth
            return not _go_truth(args[0])
        if name == "fail":
            raise _GoError(f"error calling fail: {_as_go_string(args[0], name)}")
        if name in ("hasKey", "get"):
            mapping = _as_go_map(args[0], name)
            key = _as_go_string(args[1], name)
            if name == "hasKey":
                return key in mapping
            return mapping.get(key, "")
        if name == "now":
            return self.now
        if name == "unixEpoch":
            if not isinstance(args[0], datetime):
                raise _GoError(f"wrong type for value; expected time.Time; got {_go_type(args[0])}")
            return str(math.floor(args[0].timestamp()))
        text = _as_go_string(args[0], name)
        if name == "b64enc":
            return base64.b64encode(text.encode()).decode()
        try:
            return base64.b64decode(text.encode(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise _Unsupported("b64dec of input that is not valid base64 of UTF-8 text") from None


def _as_go_string(value: Any, function: str) -> str:
    if isinstance(value, str):
        return value
    if value is _MISSING:
        raise _GoError(f"invalid value; expected string (calling {function})")
    raise _GoError(f"wrong type for value; expected string; got {_go_type(value)} (calling {function})")


def _as_go_map(value: Any, function: str) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    if value is _MISSING:
        return {}
    raise _GoError(f"wrong type for value; expected map[string]interface {{}}; got {_go_type(value)} ({function})")


def _fn_index(item: Any, indexes: Sequence[Any]) -> Any:
    if item is None or item is _MISSING:
        raise _GoError("error calling index: index of untyped nil")
    for key in indexes:
        if key is None or key is _MISSING:
            raise _GoError("error calling index: cannot index with nil")
        if item is None:
            raise _GoError("error calling index: index of nil pointer")
        if isinstance(item, Mapping):
            if not isinstance(key, str):
                raise _GoError(f"error calling index: value has type {_go_type(key)}; should be string")
            item = item.get(key)
        elif isinstance(item, list):
            if isinstance(key, bool) or not isinstance(key, int):
                raise _GoError(f"error calling index: cannot index slice/array with type {_go_type(key)}")
            if not 0 <= key < len(item):
                raise _GoError(f"error calling index: index out of range: {key}")
            item = item[key]
        elif isinstance(item, str):
            raise _Unsupported("index on a string")
        else:
            raise _GoError(f"error calling index: can't index item of type {_go_type(item)}")
    return item


# --------------------------------------------------------------------------------------------------------------
# govaluate (expr filters)
# --------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ExprValue:
    """The result of a govaluate expression: ``ok`` with its value, ``error`` (govaluate fails) or ``unsupported``."""

    status: Literal["ok", "error", "unsupported"]
    value: Any = None
    message: str = ""


_EXPR_SUPPORTED = {"==", "!=", ">", ">=", "<", "<=", "=~", "!~", "&&", "||", "!", "-"}
_EXPR_KNOWN = _EXPR_SUPPORTED | {"+", "*", "/", "%", "**", "&", "|", "^", ">>", "<<", "~", "?", ":", "??"}
_EXPR_COMPARATORS = {"==", "!=", ">", ">=", "<", "<=", "=~", "!~", "in"}
_GO_DATE_LIKE = re.compile(
    r"\d{4}-\d{2}-\d{2}(?:[ T].*)?|\d{1,2}:\d{2}(?:AM|PM)"
    r"|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) .*",
    re.DOTALL,
)
"""String literals govaluate may parse as dates (ANSIC, UnixDate, RubyDate, Kitchen, RFC 3339 and ISO forms)."""


def evaluate_expression(expression: str, parameters: Mapping[str, Any]) -> ExprValue:
    """Evaluate a govaluate expression (as Argo's expr filters do) with a small safe evaluator.

    Supported: ``==``/``!=`` (``reflect.DeepEqual``: 10 never equals "10"), ``<``/``<=``/``>``/``>=`` (both numbers
    or both strings), ``&&``/``||`` (bool operands, short-circuit), ``!``, unary ``-``, ``=~``/``!~`` (Go regexp),
    ``in (a, b, ...)`` or ``in`` an array parameter, parentheses, numbers, ``'...'``/``"..."`` strings, ``true``/
    ``false``, variables and ``[escaped.variable]``. Arithmetic, bitwise, ternary and ``??`` operators, hex numbers
    and date-like string literals (govaluate turns them into timestamps) give ``unsupported``.
    """
    try:
        tokens = _expr_tokens(expression)
        parser = _ExprParser(tokens)
        tree = parser.parse()
        return ExprValue("ok", _expr_eval(tree, {k: _to_go_value(v) for k, v in parameters.items()}))
    except _Unsupported as exc:
        return ExprValue("unsupported", message=f"cannot evaluate {expression!r}: {exc}")
    except _GoError as exc:
        return ExprValue("error", message=str(exc))


def _expr_tokens(expr: str) -> list[tuple[str, Any]]:
    tokens: list[tuple[str, Any]] = []
    i = 0
    n = len(expr)
    while i < n:
        ch = expr[i]
        if ch.isspace():
            i += 1
            continue
        if ch.isdigit() or ch == ".":
            if expr.startswith(("0x", "0X"), i):
                raise _Unsupported("hexadecimal literals")
            j = i
            while j < n and (expr[j].isdigit() or expr[j] == "."):
                j += 1
            number = _go_parse_float(expr[i:j])
            if number is None:
                raise _GoError(f"Unable to parse numeric value '{expr[i:j]}' to float64")
            tokens.append(("value", number))
            i = j
        elif ch == ",":
            tokens.append(("comma", ","))
            i += 1
        elif ch in "()":
            tokens.append((ch, ch))
            i += 1
        elif ch == "[":
            name, i = _expr_read_until(expr, i + 1, "]")
            if i < 0:
                raise _GoError("Unclosed parameter bracket")
            tokens.append(("var", name))
        elif ch in "'\"":
            text, i = _expr_read_until(expr, i + 1, "'\"")
            if i < 0:
                raise _GoError("Unclosed string literal")
            if _GO_DATE_LIKE.fullmatch(text):
                raise _Unsupported(f"the date-like string literal {text!r} (govaluate parses it as a timestamp)")
            tokens.append(("value", text))
        elif ch.isalpha():
            j = i
            while j < n and (expr[j].isalnum() or expr[j] in "_."):
                j += 1
            name = expr[i:j]
            i = j
            if name in ("true", "false"):
                tokens.append(("value", name == "true"))
            elif name in ("in", "IN"):
                tokens.append(("op", "in"))
            elif "." in name:
                raise _GoError(
                    f"govaluate reads {name!r} as a struct accessor, which fails on event data; "
                    f"write the field name as [{name}]"
                )
            else:
                tokens.append(("var", name))
        else:
            j = i
            while j < n and not (expr[j].isalnum() or expr[j].isspace() or expr[j] in "()[]'\""):
                j += 1
            symbol = expr[i:j]
            i = j
            if symbol == "-" and tokens and tokens[-1][0] in ("value", "var", ")"):
                raise _Unsupported("the operator '-' (subtraction)")
            if symbol in _EXPR_SUPPORTED:
                tokens.append(("op", symbol))
            elif symbol in _EXPR_KNOWN:
                raise _Unsupported(f"the operator {symbol!r}")
            else:
                raise _GoError(f"Invalid token: '{symbol}'")
    return tokens


def _expr_read_until(expr: str, i: int, stops: str) -> tuple[str, int]:
    out: list[str] = []
    while i < len(expr):
        ch = expr[i]
        if ch == "\\" and i + 1 < len(expr):
            out.append(expr[i + 1])
            i += 2
            continue
        if ch in stops:
            return "".join(out), i + 1
        out.append(ch)
        i += 1
    return "".join(out), -1


class _ExprParser:
    def __init__(self, tokens: list[tuple[str, Any]]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> tuple[str, Any] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> tuple[str, Any]:
        token = self.peek()
        if token is None:
            raise _GoError("Unexpected end of expression")
        self.pos += 1
        return token

    def parse(self) -> tuple[Any, ...]:
        if not self.tokens:
            raise _GoError("Unexpected end of expression")
        tree = self.logical("||")
        if self.peek() is not None:
            raise _GoError(f"Cannot transition token types at {self.peek()!r}")
        return tree

    def logical(self, op: str) -> tuple[Any, ...]:
        left = self.logical("&&") if op == "||" else self.comparison()
        while self.peek() == ("op", op):
            self.take()
            right = self.logical("&&") if op == "||" else self.comparison()
            left = ("and" if op == "&&" else "or", left, right)
        return left

    def comparison(self) -> tuple[Any, ...]:
        left = self.unary()
        while (token := self.peek()) is not None and token[0] == "op" and token[1] in _EXPR_COMPARATORS:
            self.take()
            right = self.array() if token[1] == "in" and self.peek() == ("(", "(") else self.unary()
            left = ("cmp", token[1], left, right)
        return left

    def array(self) -> tuple[Any, ...]:
        self.take()
        items = [self.logical("||")]
        while self.peek() == ("comma", ","):
            self.take()
            items.append(self.logical("||"))
        if self.take() != (")", ")"):
            raise _GoError("Unbalanced parenthesis")
        if len(items) < 2:
            raise _Unsupported("'in' with a one-element list")
        return ("array", items)

    def unary(self) -> tuple[Any, ...]:
        token = self.take()
        if token in (("op", "!"), ("op", "-")):
            return ("not" if token[1] == "!" else "neg", self.unary())
        if token[0] == "value":
            return ("lit", token[1])
        if token[0] == "var":
            return ("var", token[1])
        if token[0] == "(":
            inner = self.logical("||")
            if self.peek() == ("comma", ","):
                raise _Unsupported("arrays outside the right-hand side of 'in'")
            if self.take() != (")", ")"):
                raise _GoError("Unbalanced parenthesis")
            return inner
        raise _GoError(f"Cannot transition token types at {token[1]!r}")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _deep_equal(left: Any, right: Any) -> bool:
    """Go's ``reflect.DeepEqual`` on JSON-like values with float64 numbers."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if _is_number(left) and _is_number(right):
        return float(left) == float(right)
    if left is None or right is None:
        return left is None and right is None
    if isinstance(left, str) and isinstance(right, str):
        return left == right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(_deep_equal(a, b) for a, b in zip(left, right, strict=True))
    if isinstance(left, Mapping) and isinstance(right, Mapping):
        return left.keys() == right.keys() and all(_deep_equal(left[k], right[k]) for k in left)
    return False


def _expr_eval(node: tuple[Any, ...], params: Mapping[str, Any]) -> Any:
    kind = node[0]
    if kind == "lit":
        return node[1]
    if kind == "var":
        if node[1] not in params:
            raise _GoError(f"No parameter '{node[1]}' found.")
        return params[node[1]]
    if kind == "array":
        return [_expr_eval(item, params) for item in node[1]]
    if kind == "not":
        value = _expr_eval(node[1], params)
        if not isinstance(value, bool):
            raise _GoError(f"Value '{value}' cannot be used with the prefix '!'")
        return not value
    if kind == "neg":
        value = _expr_eval(node[1], params)
        if not _is_number(value):
            raise _GoError(f"Value '{value}' cannot be used with the prefix '-'")
        return -float(value)
    if kind in ("and", "or"):
        left = _expr_eval(node[1], params)
        if left is (kind == "or"):  # short-circuit: false && ..., true || ...
            return left
        right = _expr_eval(node[2], params)
        if not isinstance(left, bool) or not isinstance(right, bool):
            symbol = "&&" if kind == "and" else "||"
            raise _GoError(f"Value '{left}' / '{right}' cannot be used with the logical operator '{symbol}'")
        return left and right if kind == "and" else left or right
    op, left, right = node[1], _expr_eval(node[2], params), _expr_eval(node[3], params)
    if op in ("==", "!="):
        return _deep_equal(left, right) == (op == "==")
    if op in ("<", "<=", ">", ">="):
        if not ((_is_number(left) and _is_number(right)) or (isinstance(left, str) and isinstance(right, str))):
            raise _GoError(f"Value '{left}' cannot be used with the comparator '{op}' against '{right}'")
        return _compare(left, op, right)
    if op in ("=~", "!~"):
        if not isinstance(left, str) or not isinstance(right, str):
            raise _GoError(f"Value '{left}' cannot be used with the comparator '{op}', it is not a string")
        regex = compile_go_regexp(right)
        if regex.error:
            raise _GoError(regex.error)
        if regex.unsupported:
            raise _Unsupported(regex.unsupported)
        return regex.search(left) == (op == "=~")
    if not isinstance(right, list):
        raise _GoError(f"Value '{right}' cannot be used with the comparator 'in', it is not an array")
    if isinstance(left, (Mapping, list)):
        raise _Unsupported("'in' with an object or array on the left (Go would compare interfaces)")
    return any(
        not isinstance(item, (Mapping, list)) and type(item) is type(left) and item == left
        if not (_is_number(item) and _is_number(left))
        else float(item) == float(left)
        for item in right
    )


# --------------------------------------------------------------------------------------------------------------
# Events
# --------------------------------------------------------------------------------------------------------------

DEFAULT_EVENT_ID = "6d3e1f4c-0000-4000-8000-000000000000"
_CONTEXT_FIELDS = ("id", "source", "specversion", "type", "datacontenttype", "subject", "time")
_NO_DATA = object()


def make_event(
    data: Any,
    *,
    source: str,
    type_: str,
    subject: str = "",
    id_: str = DEFAULT_EVENT_ID,
    time: str | None = None,
    datacontenttype: str = "application/json",
    specversion: str = "1.0",
) -> dict[str, Any]:
    """An Argo event as a Sensor receives it: ``{"context": {...}, "data": data}``.

    ``source`` is the EventSource name, ``subject`` the event name within it and ``type_`` the EventSource type
    (``webhook``, ``sqs``, ``pubsub``, ...). ``time`` is RFC 3339 (default: now, UTC).
    """
    context = {
        "id": id_,
        "source": source,
        "specversion": specversion,
        "type": type_,
        "datacontenttype": datacontenttype,
        "subject": subject,
        "time": time or _rfc3339(datetime.now(timezone.utc)),
    }
    return {"context": context, "data": data}


def _canonical_header(key: str) -> str:
    """Go's ``textproto.CanonicalMIMEHeaderKey``."""
    if not re.fullmatch(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+", key):
        return key
    return "-".join(part[:1].upper() + part[1:].lower() for part in key.split("-"))


def webhook_event_data(
    body: Any, *, header: Mapping[str, str | Sequence[str]] | None = None, metadata: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Webhook event data ``{header, body, metadata}``; header names are canonicalised, values are lists."""
    headers: dict[str, list[str]] = {}
    for name, value in (header or {}).items():
        values = [value] if isinstance(value, str) else list(value)
        headers.setdefault(_canonical_header(name), []).extend(values)
    data: dict[str, Any] = {"header": dict(sorted(headers.items())), "body": body}
    if metadata:
        data["metadata"] = dict(metadata)
    return data


def _bytes_body(body: Any, json_body: bool) -> Any:
    if json_body:
        return body
    raw = body.encode() if isinstance(body, str) else bytes(body)
    return base64.b64encode(raw).decode()


def sqs_event_data(
    body: Any,
    *,
    message_id: str = "f0c1a2b3-0000-4000-8000-000000000000",
    message_attributes: Mapping[str, str] | None = None,
    metadata: Mapping[str, str] | None = None,
    json_body: bool = True,
) -> dict[str, Any]:
    """SQS event data ``{messageId, messageAttributes, body, metadata}``.

    With ``json_body=False`` (the EventSource's ``jsonBody`` unset) the body arrives base64-encoded. String
    attributes are shaped like aws-sdk-go's ``MessageAttributeValue``.
    """
    attributes = {
        name: {
            "BinaryListValues": None,
            "BinaryValue": None,
            "DataType": "String",
            "StringListValues": None,
            "StringValue": value,
        }
        for name, value in (message_attributes or {}).items()
    }
    data: dict[str, Any] = {
        "messageId": message_id,
        "messageAttributes": attributes,
        "body": _bytes_body(body, json_body),
    }
    if metadata:
        data["metadata"] = dict(metadata)
    return data


def pubsub_event_data(
    body: Any,
    *,
    id_: str = "1234567890",
    attributes: Mapping[str, str] | None = None,
    publish_time: str = "2024-01-01T00:00:00Z",
    metadata: Mapping[str, str] | None = None,
    json_body: bool = True,
) -> dict[str, Any]:
    """Pub/Sub event data ``{id, body, attributes, publishTime, metadata}`` (body base64 unless ``json_body``)."""
    data: dict[str, Any] = {
        "id": id_,
        "body": _bytes_body(body, json_body),
        "attributes": dict(attributes or {}),
        "publishTime": publish_time,
    }
    if metadata:
        data["metadata"] = dict(metadata)
    return data


def _event_data(event: Mapping[str, Any]) -> Any:
    return event.get("data", _NO_DATA)


# --------------------------------------------------------------------------------------------------------------
# Filters
# --------------------------------------------------------------------------------------------------------------

FilterKind = Literal["data", "expr", "context", "time", "script"]
_DATA_COMPARATORS = ("", "=", "!=", "<", "<=", ">", ">=")


@dataclass(frozen=True)
class FilterResult:
    """One filter's verdict: its outcome, the value it looked at and why."""

    kind: FilterKind
    index: int
    outcome: Outcome
    reason: str
    value: Any = None
    notes: tuple[str, ...] = ()

    @property
    def passed(self) -> bool | None:
        """True/False as Argo decides (an error counts as False); None when unsupported or skipped."""
        return {"pass": True, "fail": False, "error": False}.get(self.outcome)


@dataclass(frozen=True)
class FilterGroupResult:
    """The data or expr filters of a dependency, combined with their logical operator."""

    kind: Literal["data", "expr"]
    operator: Literal["and", "or"]
    outcome: Outcome
    filters: tuple[FilterResult, ...]
    reason: str

    @property
    def passed(self) -> bool | None:
        """True/False as Argo decides; None when unsupported."""
        return {"pass": True, "fail": False, "error": False}.get(self.outcome)


@dataclass(frozen=True)
class FiltersResult:
    """All filters of a dependency combined with ``filtersLogicalOperator`` (Argo order: expr, data, context,
    time, script)."""

    outcome: Outcome
    operator: Literal["and", "or"]
    reason: str
    exprs: FilterGroupResult | None = None
    data: FilterGroupResult | None = None
    context: FilterResult | None = None
    time: FilterResult | None = None
    script: FilterResult | None = None
    notes: tuple[str, ...] = ()

    @property
    def passed(self) -> bool | None:
        """Whether the event satisfies the dependency; None when that cannot be decided here."""
        return {"pass": True, "fail": False, "error": False}.get(self.outcome)


def _operator(value: Any, notes: list[str], field_name: str) -> Literal["and", "or"]:
    if value == "or":
        return "or"
    if value not in (None, "", "and"):
        notes.append(f"{field_name} {value!r} is not 'and' or 'or' (lower case): Argo applies 'and'")
    return "and"


def _combine(outcomes: Sequence[Outcome], operator: Literal["and", "or"]) -> Outcome:
    decisive = [o for o in outcomes if o != "skipped"]
    if operator == "and":
        for outcome in decisive:
            if outcome in ("fail", "error"):
                return outcome
        return "unsupported" if "unsupported" in decisive else "pass"
    if "pass" in decisive:
        return "pass"
    if "unsupported" in decisive:
        return "unsupported"
    return "error" if "error" in decisive else "fail"


def evaluate_data_filter(spec: Mapping[str, Any], event: Mapping[str, Any], index: int = 0) -> FilterResult:
    """One ``filters.data`` entry: ``{path, type, value[], comparator, template}``.

    string: each value is a Go regexp searched UNANCHORED in gjson's ``String()`` of the value (``"labeled"``
    matches ``"unlabeled"``); comparator ``=``/empty (match) or ``!=`` (no match). number: gjson ``Float()``
    (non-numeric strings become 0) against each ``ParseFloat`` value with ``>=``, ``>``, ``=`` (default), ``!=``,
    ``<``, ``<=``. bool: gjson ``Bool()`` equals a ``ParseBool`` value. A missing path is an error (false).
    ``template`` runs first over the value as a string. Values are tried in order; the first that matches wins.
    """

    def result(outcome: Outcome, reason: str, value: Any = None, notes: Sequence[str] = ()) -> FilterResult:
        return FilterResult("data", index, outcome, reason, value, tuple(notes))

    data = _event_data(event)
    if data is _NO_DATA:
        return result("pass", "the event has no data: Argo skips data filters")
    path = str(spec.get("path", ""))
    hit = gjson_get(data, path)
    if hit.unsupported:
        return result("unsupported", hit.unsupported)
    if not hit.exists:
        return result("error", f"path '{path}' does not exist in the event data")
    values = [str(v) for v in spec.get("value") or []]
    if not values:
        return result("error", "no values specified", hit.value)
    seen, notes = hit, []
    template = spec.get("template") or ""
    if template:
        rendered = render_go_template(str(template), {"Input": hit.to_string()})
        if rendered.status != "ok":
            return result("unsupported" if rendered.status == "unsupported" else "error", rendered.message, hit.value)
        if rendered.output in ("", "<no value>"):
            return result("error", f"template '{template}' evaluated to empty string or no value", hit.value)
        notes.append(f"template turned {hit.to_string()!r} into {rendered.output!r}")
        seen = GjsonResult(True, rendered.output)
    comparator = str(spec.get("comparator") or "")
    kind = spec.get("type", "")
    if kind == "string":
        return _data_string(seen, values, comparator, result, notes)
    if kind == "number":
        return _data_number(seen, values, comparator, result, notes)
    if kind == "bool":
        return _data_bool(seen, values, result, notes)
    return result("error", f"unsupported JSON type '{kind}'", seen.value)


def _data_string(seen: GjsonResult, values: list[str], comparator: str, result: Any, notes: list[str]) -> FilterResult:
    text = seen.to_string()
    if comparator not in ("", "=", "!="):
        notes.append(f"string filters only honour '=' and '!=': comparator {comparator!r} never matches")
    for pattern in values:
        regex = compile_go_regexp(pattern)
        if regex.error:
            return result("error", regex.error, text, notes)
        if regex.unsupported:
            return result("unsupported", regex.unsupported, text, notes)
        found = regex.search(text)
        if comparator in ("", "=") and found:
            if not regex.full_match(text):
                notes.append(
                    f"the pattern {pattern!r} matched only part of {text!r} (Argo searches unanchored); "
                    f"use '^(?:{pattern})$' to require a whole match"
                )
            return result("pass", f"{text!r} matches the regular expression {pattern!r}", text, notes)
        if comparator == "!=" and not found:
            return result("pass", f"{text!r} does not match {pattern!r} (comparator '!=')", text, notes)
    verb = "matches every one" if comparator == "!=" else "matches none"
    return result("fail", f"{text!r} {verb} of {values!r} (Go regexp, unanchored search)", text, notes)


def _data_number(seen: GjsonResult, values: list[str], comparator: str, result: Any, notes: list[str]) -> FilterResult:
    event_value = seen.to_float()
    if seen.type != "Number":
        notes.append(f"the value is {seen.type}, read as the number {_go_float(event_value, 'v')} by gjson Float()")
    shown = comparator or "="
    if comparator not in _DATA_COMPARATORS:
        notes.append(f"comparator {comparator!r} is not one Argo knows: it never matches")
    known = comparator in _DATA_COMPARATORS
    for text in values:
        wanted = _go_parse_float(text)
        if wanted is None:
            return result("error", f'strconv.ParseFloat: parsing "{text}": invalid syntax', event_value, notes)
        if known and _compare(event_value, comparator or "=", wanted):
            return result("pass", f"{_go_float(event_value, 'v')} {shown} {text} holds", event_value, notes)
    shown_value = _go_float(event_value, "v")
    return result("fail", f"{shown_value} {shown} x is false for every x in {values!r}", event_value, notes)


def _data_bool(seen: GjsonResult, values: list[str], result: Any, notes: list[str]) -> FilterResult:
    event_value = seen.to_bool()
    if seen.type not in ("True", "False"):
        notes.append(f"the value is {seen.type}, read as {str(event_value).lower()} by gjson Bool()")
    for text in values:
        wanted = _go_parse_bool(text)
        if wanted is None:
            return result("error", f'strconv.ParseBool: parsing "{text}": invalid syntax', event_value, notes)
        if wanted == event_value:
            return result("pass", f"{str(event_value).lower()} equals {text!r}", event_value, notes)
    return result("fail", f"{str(event_value).lower()} equals none of {values!r}", event_value, notes)


def evaluate_data_filters(
    filters: Sequence[Mapping[str, Any]] | None, event: Mapping[str, Any], operator: str | None = ""
) -> FilterGroupResult:
    """``filters.data`` combined with ``dataLogicalOperator`` ("or" exactly; anything else means "and")."""
    notes: list[str] = []
    op = _operator(operator, notes, "dataLogicalOperator")
    if not filters:
        return FilterGroupResult("data", op, "pass", (), "no data filters")
    if _event_data(event) is _NO_DATA:
        return FilterGroupResult("data", op, "pass", (), "the event has no data: Argo skips data filters")
    results = tuple(evaluate_data_filter(spec, event, i) for i, spec in enumerate(filters))
    outcome = _combine([r.outcome for r in results], op)
    return FilterGroupResult("data", op, outcome, results, _group_reason(results, op, outcome, notes))


def _group_reason(results: Sequence[FilterResult], op: str, outcome: Outcome, notes: Sequence[str]) -> str:
    counts = ", ".join(f"{sum(r.outcome == o for r in results)} {o}" for o in ("pass", "fail", "error", "unsupported"))
    return "; ".join([f"{outcome} with '{op}' ({counts})", *notes])


def evaluate_expr_filter(spec: Mapping[str, Any], event: Mapping[str, Any], index: int = 0) -> FilterResult:
    """One ``filters.exprs`` entry ``{expr, fields: [{name, path}]}``: each path is read with gjson and bound to
    its ``name`` (verbatim, dots included), then the expression is evaluated with govaluate semantics. A missing
    path is an error; an entry without fields is skipped by Argo."""
    data = _event_data(event)
    if data is _NO_DATA:
        return FilterResult("expr", index, "pass", "the event has no data: Argo skips expr filters")
    params: dict[str, Any] = {}
    for field_spec in spec.get("fields") or []:
        path = str(field_spec.get("path", ""))
        hit = gjson_get(data, path)
        if hit.unsupported:
            return FilterResult("expr", index, "unsupported", hit.unsupported, params)
        if not hit.exists:
            return FilterResult("expr", index, "error", f"path '{path}' does not exist", params)
        params[str(field_spec.get("name", ""))] = hit.to_value()
    if not params:
        return FilterResult("expr", index, "skipped", "no fields: Argo skips this expression", params)
    expression = str(spec.get("expr", ""))
    value = evaluate_expression(expression, params)
    if value.status != "ok":
        return FilterResult(
            "expr", index, "unsupported" if value.status == "unsupported" else "error", value.message, params
        )
    if value.value is True:
        return FilterResult("expr", index, "pass", f"{expression} is true", params)
    return FilterResult("expr", index, "fail", f"{expression} evaluates to {_go_print(value.value)}", params)


def evaluate_expr_filters(
    filters: Sequence[Mapping[str, Any]] | None, event: Mapping[str, Any], operator: str | None = ""
) -> FilterGroupResult:
    """``filters.exprs`` combined with ``exprLogicalOperator`` (an empty list passes with "and", fails with "or")."""
    notes: list[str] = []
    op = _operator(operator, notes, "exprLogicalOperator")
    if filters is None:
        return FilterGroupResult("expr", op, "pass", (), "no expr filters")
    if _event_data(event) is _NO_DATA:
        return FilterGroupResult("expr", op, "pass", (), "the event has no data: Argo skips expr filters")
    results = tuple(evaluate_expr_filter(spec, event, i) for i, spec in enumerate(filters))
    outcome = _combine([r.outcome for r in results], op)
    return FilterGroupResult("expr", op, outcome, results, _group_reason(results, op, outcome, notes))


def evaluate_context_filter(expected: Mapping[str, Any] | None, event: Mapping[str, Any]) -> FilterResult:
    """``filters.context``: each non-empty ``type``, ``subject``, ``source``, ``datacontenttype`` must equal the
    event's (exactly; no regexp). ``id``, ``specversion`` and ``time`` are ignored."""
    if expected is None:
        return FilterResult("context", 0, "pass", "no context filter")
    actual = event.get("context")
    if not isinstance(actual, Mapping):
        return FilterResult("context", 0, "fail", "the event has no context")
    mismatches = [
        f"{name} {actual.get(name, '')!r} != {expected[name]!r}"
        for name in ("type", "subject", "source", "datacontenttype")
        if expected.get(name) and expected[name] != actual.get(name)
    ]
    seen = {name: actual.get(name) for name in ("type", "subject", "source", "datacontenttype")}
    if mismatches:
        return FilterResult("context", 0, "fail", "; ".join(mismatches), seen)
    return FilterResult("context", 0, "pass", "the event context matches", seen)


def _parse_rfc3339(text: str) -> datetime:
    return datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)


def evaluate_time_filter(spec: Mapping[str, Any] | None, event: Mapping[str, Any]) -> FilterResult:
    """``filters.time``: ``start`` (inclusive) and ``stop`` (exclusive) as ``HH:MM:SS`` on the event's date, in
    UTC or ``timezone``; when ``stop`` < ``start`` the window wraps past midnight."""
    if spec is None:
        return FilterResult("time", 0, "pass", "no time filter")
    context = event.get("context")
    raw_time = context.get("time") if isinstance(context, Mapping) else None
    try:
        moment = _parse_rfc3339(str(raw_time))
    except ValueError:
        return FilterResult("time", 0, "unsupported", f"the event time {raw_time!r} is not RFC 3339")
    zone_name = spec.get("timezone") or ""
    try:
        zone: Any = ZoneInfo(str(zone_name)) if zone_name else timezone.utc
    except (ZoneInfoNotFoundError, ValueError):
        return FilterResult("time", 0, "error", f"unknown time zone {zone_name!r}")
    local = moment.astimezone(zone)
    bounds = []
    for name in ("start", "stop"):
        text = str(spec.get(name, ""))
        parts = re.fullmatch(r"(\d{1,2}):(\d{2}):(\d{2})", text)
        if not parts or int(parts[1]) > 23 or int(parts[2]) > 59 or int(parts[3]) > 59:
            return FilterResult("time", 0, "error", f'parsing time "{text}": expected HH:MM:SS')
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        bounds.append(midnight + timedelta(hours=int(parts[1]), minutes=int(parts[2]), seconds=int(parts[3])))
    start, stop = bounds
    ok = start <= local < stop if start < stop else local >= start or local < stop
    shown = local.strftime("%H:%M:%S")
    window = f"[{spec.get('start')}, {spec.get('stop')}) {zone_name or 'UTC'}"
    return FilterResult("time", 0, "pass" if ok else "fail", f"{shown} is {'' if ok else 'not '}in {window}", shown)


def evaluate_filters(
    filters: Mapping[str, Any] | None, event: Mapping[str, Any], *, operator: str | None = ""
) -> FiltersResult:
    """All of a dependency's ``filters`` for one event, combined with ``filtersLogicalOperator`` (``operator``).

    With "and" every present filter type must pass; with "or" one present type passing is enough (a present but
    empty ``data: []`` passes). Lua ``script`` filters are reported as unsupported.
    """
    notes: list[str] = []
    op = _operator(operator, notes, "filtersLogicalOperator")
    if not filters:
        return FiltersResult("pass", op, "no filters")
    exprs = data = None
    if filters.get("exprs") is not None:
        exprs = evaluate_expr_filters(filters["exprs"], event, filters.get("exprLogicalOperator"))
    if filters.get("data") is not None:
        data = evaluate_data_filters(filters["data"], event, filters.get("dataLogicalOperator"))
    context = evaluate_context_filter(filters["context"], event) if filters.get("context") is not None else None
    time_result = evaluate_time_filter(filters["time"], event) if filters.get("time") is not None else None
    script = None
    if filters.get("script"):
        script = FilterResult("script", 0, "unsupported", "Lua script filters are not evaluated offline")
    present = [p for p in (exprs, data, context, time_result, script) if p is not None]
    outcome = _combine([p.outcome for p in present], op)
    names = ", ".join(f"{p.kind}: {p.outcome}" for p in present)
    reason = "; ".join([f"{outcome} with '{op}' ({names})", *notes])
    return FiltersResult(outcome, op, reason, exprs, data, context, time_result, script, tuple(notes))


def evaluate_dependency(dependency: Mapping[str, Any], event: Mapping[str, Any]) -> FiltersResult:
    """Whether ``event`` satisfies a Sensor dependency: it must come from the dependency's EventSource and event
    (context ``source`` / ``subject``) and pass its filters. ``transform`` is reported as unsupported."""
    context = event.get("context") if isinstance(event.get("context"), Mapping) else {}
    assert isinstance(context, Mapping)
    for key, wanted in (("source", dependency.get("eventSourceName")), ("subject", dependency.get("eventName"))):
        if wanted and context.get(key) != wanted:
            reason = f"the event's {key} {context.get(key)!r} is not {wanted!r}: the dependency never sees it"
            return FiltersResult("fail", "and", reason)
    if dependency.get("transform"):
        return FiltersResult("unsupported", "and", "dependency transforms (jq/Lua) are not evaluated offline")
    return evaluate_filters(dependency.get("filters"), event, operator=dependency.get("filtersLogicalOperator"))


# --------------------------------------------------------------------------------------------------------------
# Trigger parameters
# --------------------------------------------------------------------------------------------------------------

ParamOrigin = Literal["dataTemplate", "contextTemplate", "dataKey", "contextKey", "value", "event", "none"]
_NULL_NOTE = (
    "the value is JSON null: Argo Events releases without PR #3738 (e.g. 1.9.7) resolve it to an empty string, "
    "which with useRawData makes invalid JSON"
)


@dataclass(frozen=True)
class ParamValue:
    """``ResolveParamValue`` for one parameter source: the string value, its gjson type and where it came from.

    status ``ok``: resolved (``origin`` says from where); ``skipped``: the dependency has no event and there is no
    ``value`` (Argo leaves the parameter out); ``error``: Argo fails the trigger; ``unsupported``: not modelled.
    """

    status: Literal["ok", "skipped", "error", "unsupported"]
    value: str | None
    value_type: str
    origin: ParamOrigin
    reason: str
    notes: tuple[str, ...] = ()

    @property
    def from_event(self) -> bool:
        """Whether the value was taken from the event (not the ``value`` default)."""
        return self.status == "ok" and self.origin not in ("value", "none")


def _marshal_event(event: Mapping[str, Any]) -> str:
    context = event.get("context")
    if isinstance(context, Mapping):
        fields = []
        for name in _CONTEXT_FIELDS:
            value = context.get(name)
            if name == "time" and not value:
                fields.append('"time":null')
            else:
                fields.append(f"{_go_json_string(name, True)}:{_go_json(value or '', escape_html=True)}")
        context_json = "{" + ",".join(fields) + "}"
    else:
        context_json = "null"
    data = _event_data(event)
    if data is _NO_DATA:
        return '{"context":' + context_json + ',"data":null}'
    encoded = base64.b64encode(_go_json(data, escape_html=False, sort_keys=False).encode()).decode()
    return '{"context":' + context_json + ',"data":"' + encoded + '"}'


def resolve_param_value(
    src: Mapping[str, Any], events: Mapping[str, Mapping[str, Any]], *, now: datetime | None = None
) -> ParamValue:
    """Argo's ``ResolveParamValue`` for a parameter ``src`` and the events received, by dependency name.

    Order: no event for the dependency -> ``value`` (else skipped); no key/template -> ``value`` (else the whole
    event as JSON, its data base64-encoded); data* settings replace context* ones; template first (Go template
    over the payload; an error or an empty/``<no value>`` output falls through), then the key (gjson: objects and
    arrays as raw JSON, other values via ``String()``), then ``value``; nothing left -> error. Templates and
    ``value`` always resolve as type String. ``now`` is the clock for ``now`` in templates.
    """
    dependency = str(src.get("dependencyName", ""))
    default = src.get("value")
    if default is not None and not isinstance(default, str):
        return ParamValue("error", None, "", "none", f"src.value must be a string, not {type(default).__name__}")
    notes: list[str] = []

    def use_default(reason: str) -> ParamValue:
        assert isinstance(default, str)
        return ParamValue("ok", default, "String", "value", reason, tuple(notes))

    event = events.get(dependency)
    context_key, context_template = str(src.get("contextKey") or ""), str(src.get("contextTemplate") or "")
    data_key, data_template = str(src.get("dataKey") or ""), str(src.get("dataTemplate") or "")
    if event is None:
        if default is not None:
            return use_default(f"no event for dependency {dependency!r}: using value")
        reason = f"no event for dependency {dependency!r} and no value: Argo leaves this parameter out"
        return ParamValue("skipped", None, "", "none", reason)
    if not (context_key or context_template or data_key or data_template):
        if default is not None:
            return use_default("no key or template set: using value")
        notes.append("approximation: the data bytes inside are re-encoded, not the EventSource's exact bytes")
        return ParamValue("ok", _marshal_event(event), "String", "event", "the whole event as JSON", tuple(notes))
    key, template = context_key, context_template
    key_origin: ParamOrigin = "contextKey"
    template_origin: ParamOrigin = "contextTemplate"
    payload: Any = event.get("context")
    payload_error = ""
    if data_key or data_template:
        if context_key or context_template:
            notes.append("dataKey/dataTemplate are set, so contextKey/contextTemplate are ignored")
        key, template, key_origin, template_origin = data_key, data_template, "dataKey", "dataTemplate"
        context = event.get("context") if isinstance(event.get("context"), Mapping) else {}
        assert isinstance(context, Mapping)
        content_type = context.get("datacontenttype", "")
        payload = _event_data(event)
        if content_type == "application/yaml":
            return ParamValue("unsupported", None, "", "none", "YAML event data is not modelled")
        if content_type != "application/json":
            payload_error = f"unsupported event content type: {content_type}"
        elif payload is _NO_DATA:
            payload_error = "event data is not valid JSON"
    if payload_error:
        if default is not None:
            return use_default(f"{payload_error}: using value")
        return ParamValue("error", None, "", "none", payload_error, tuple(notes))
    last_error = ""
    if template:
        rendered = render_go_template(template, {"Input": _to_go_value(payload)}, now=now)
        if rendered.status == "unsupported":
            return ParamValue("unsupported", None, "", "none", rendered.message, tuple(notes))
        if rendered.status == "ok" and rendered.output not in ("", "<no value>"):
            return ParamValue(
                "ok", rendered.output, "String", template_origin, f"{template_origin} output", tuple(notes)
            )
        last_error = rendered.message or f"template evaluated to empty string or no value: {template}"
        fallback = key_origin if key else ("value" if default is not None else "an error")
        notes.append(f"{template_origin} failed ({last_error}); falling back to {fallback}")
    if key:
        hit = gjson_get(payload, key)
        if hit.unsupported:
            return ParamValue("unsupported", None, "", "none", hit.unsupported, tuple(notes))
        if hit.exists:
            if hit.type == "JSON":
                value = hit.raw
            elif hit.type == "Null":
                value = "null"
                notes.append(_NULL_NOTE)
            else:
                value = hit.to_string()
            return ParamValue("ok", value, hit.type, key_origin, f"{key_origin} {key!r} found", tuple(notes))
        notes.append(f"{key_origin} {key!r} does not exist in the event")
    if default is not None:
        return use_default("falling back to value")
    reason = f"unable to resolve '{dependency}' parameter value. err: {last_error or 'key not found'}"
    return ParamValue("error", None, "", "none", reason, tuple(notes))


@dataclass(frozen=True)
class ParameterApplication:
    """What one trigger parameter did: its resolution, how it was written to ``dest`` and whether it changed it."""

    index: int
    dest: str
    resolution: ParamValue
    set_as: Literal["string", "raw"] | None
    applied: bool
    detail: str


@dataclass(frozen=True)
class ApplyResult:
    """The resource after ``ApplyParams`` (``document`` is None unless ``status`` is ``ok``)."""

    status: Literal["ok", "error", "unsupported"]
    document: Any
    parameters: tuple[ParameterApplication, ...]
    message: str = ""


@dataclass(frozen=True)
class PayloadResult:
    """An HTTP trigger body from ``ConstructPayload``: ``document`` (parsed) and ``body`` (the text sent)."""

    status: Literal["ok", "error", "unsupported"]
    document: Any
    body: str | None
    parameters: tuple[ParameterApplication, ...]
    message: str = ""


def _write_parameter(
    document: Any, index: int, param: Mapping[str, Any], resolved: ParamValue, value: str, value_type: str
) -> tuple[SjsonResult, ParameterApplication]:
    dest = str(param.get("dest", ""))
    src = param.get("src") or {}
    raw = value_type != "String" and src.get("useRawData") is True
    written = sjson_set(document, dest, value, raw=raw)
    set_as: Literal["string", "raw"] = "raw" if raw else "string"
    how = "raw JSON" if raw else "a string"
    detail = written.error or written.unsupported or written.note or f"set {dest!r} as {how}"
    if src.get("useRawData") is True and value_type == "String":
        detail += " (useRawData has no effect on a String value: templates and value always give strings)"
    return written, ParameterApplication(index, dest, resolved, set_as, written.changed, detail)


def apply_parameters(
    resource: Any,
    params: Sequence[Mapping[str, Any]],
    events_by_dependency: Mapping[str, Mapping[str, Any]],
    *,
    now: datetime | None = None,
) -> ApplyResult:
    """Argo's ``ApplyParams``: resolve each parameter and write it at ``dest`` with sjson, in order.

    With ``useRawData`` and a non-String value (a dataKey/contextKey hitting a number, bool, null, object or
    array) the value is written as raw JSON; otherwise as a string. ``operation`` append/prepend joins with the
    current value (which makes it a string). Argo stops at the first error and creates nothing.
    """
    document = copy.deepcopy(resource)
    applied: list[ParameterApplication] = []
    for index, param in enumerate(params):
        src = param.get("src")
        if not isinstance(src, Mapping):
            return ApplyResult("error", None, tuple(applied), f"parameter {index} has no src")
        resolved = resolve_param_value(src, events_by_dependency, now=now)
        dest = str(param.get("dest", ""))
        if resolved.status in ("error", "unsupported"):
            applied.append(ParameterApplication(index, dest, resolved, None, False, resolved.reason))
            return ApplyResult(resolved.status, None, tuple(applied), f"parameter {index}: {resolved.reason}")
        if resolved.value is None:
            applied.append(ParameterApplication(index, dest, resolved, None, False, resolved.reason))
            continue
        value, value_type = resolved.value, resolved.value_type
        operation = param.get("operation") or ""
        if operation not in ("", "overwrite", "append", "prepend"):
            message = f"unsupported trigger parameter operation: {operation}"
            applied.append(ParameterApplication(index, dest, resolved, None, False, message))
            return ApplyResult("error", None, tuple(applied), message)
        if operation in ("append", "prepend"):
            current = gjson_get(document, dest)
            if current.unsupported:
                return ApplyResult("unsupported", None, tuple(applied), current.unsupported)
            if current.exists:
                value_type = "String"
                joined = (current.to_string(), value) if operation == "append" else (value, current.to_string())
                value = "".join(joined)
        written, application = _write_parameter(document, index, param, resolved, value, value_type)
        applied.append(application)
        if written.error or written.unsupported:
            status: Literal["error", "unsupported"] = "error" if written.error else "unsupported"
            return ApplyResult(status, None, tuple(applied), f"parameter {index}: {application.detail}")
        document = written.document
    return ApplyResult("ok", document, tuple(applied))


def construct_payload(
    params: Sequence[Mapping[str, Any]],
    events_by_dependency: Mapping[str, Mapping[str, Any]],
    *,
    now: datetime | None = None,
) -> PayloadResult:
    """Argo's ``ConstructPayload`` (HTTP and similar triggers): build a JSON body from an empty document.

    An empty ``dest`` makes that parameter's value the whole body (returned at once); ``operation`` is ignored.
    """
    document: Any = None
    applied: list[ParameterApplication] = []
    for index, param in enumerate(params):
        src = param.get("src")
        if not isinstance(src, Mapping):
            return PayloadResult("error", None, None, tuple(applied), f"parameter {index} has no src")
        resolved = resolve_param_value(src, events_by_dependency, now=now)
        dest = str(param.get("dest", ""))
        if resolved.status in ("error", "unsupported"):
            applied.append(ParameterApplication(index, dest, resolved, None, False, resolved.reason))
            return PayloadResult(resolved.status, None, None, tuple(applied), f"parameter {index}: {resolved.reason}")
        if dest == "":
            if resolved.value is None:
                applied.append(ParameterApplication(index, dest, resolved, None, False, resolved.reason))
                continue
            applied.append(ParameterApplication(index, dest, resolved, "string", True, "the value is the whole body"))
            try:
                parsed: Any = json.loads(resolved.value)
            except ValueError:
                parsed = None
            return PayloadResult("ok", parsed, resolved.value, tuple(applied))
        if resolved.value is None:
            message = "no event and no value, with a dest: Argo dereferences a nil value here (the sensor panics)"
            applied.append(ParameterApplication(index, dest, resolved, None, False, message))
            return PayloadResult("error", None, None, tuple(applied), message)
        written, application = _write_parameter(document, index, param, resolved, resolved.value, resolved.value_type)
        applied.append(application)
        if written.error or written.unsupported:
            status: Literal["error", "unsupported"] = "error" if written.error else "unsupported"
            return PayloadResult(status, None, None, tuple(applied), f"parameter {index}: {application.detail}")
        document = written.document
    body = "" if document is None else _go_json(document, escape_html=False, sort_keys=False)
    return PayloadResult("ok", document, body, tuple(applied))
