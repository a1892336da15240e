"""Go value helpers shared by the Argo Events models: errors, float/JSON formatting as Go writes it, strconv
parsing, the float64 view gjson hands to Go code, and ``fmt``/``reflect`` views (type, kind, printing, truth)."""

from __future__ import annotations

import math
import re
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Literal, TypeGuard

from pulumi_metaflow_blueprints.argo.spec import is_array, is_list, is_mapping

__all__ = [
    "MISSING",
    "GoError",
    "Unsupported",
    "compare",
    "go_float",
    "go_json",
    "go_json_string",
    "go_kind",
    "go_parse_bool",
    "go_parse_float",
    "go_print",
    "go_scalar_text",
    "go_scalar_type",
    "go_truth",
    "go_type",
    "go_underscores_ok",
    "is_number",
    "json_int",
    "rfc3339",
    "to_go_value",
]


class GoError(Exception):
    """An error the Go code would return (Argo logs it and treats the filter/parameter as failed)."""


class Unsupported(Exception):
    """Input outside what these modules model; the caller reports it instead of guessing."""


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


def go_float(x: float, verb: Literal["f", "v", "json"]) -> str:
    """``strconv.FormatFloat(x, 'f', -1, 64)``, ``fmt``'s ``%v``, or ``encoding/json``'s float encoding."""
    if math.isnan(x) or math.isinf(x):
        text = "NaN" if math.isnan(x) else ("+Inf" if x > 0 else "-Inf")
        if verb == "json":
            raise GoError(f"json: unsupported value: {text}")
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


def go_json_string(text: str, escape_html: bool) -> str:
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


def go_json(value: object, *, escape_html: bool, sort_keys: bool = True) -> str:
    """Compact JSON as Go's ``encoding/json`` writes it (map keys sorted, Go float format, optional HTML escapes)."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return go_float(value, "json")
    if isinstance(value, str):
        return go_json_string(value, escape_html)
    if isinstance(value, datetime):
        return go_json_string(rfc3339(value, nano=True), escape_html)
    if is_mapping(value):
        items = sorted(value.items(), key=lambda kv: str(kv[0])) if sort_keys else list(value.items())
        inner = ",".join(
            f"{go_json_string(str(k), escape_html)}:{go_json(v, escape_html=escape_html, sort_keys=sort_keys)}"
            for k, v in items
        )
        return "{" + inner + "}"
    if is_array(value):
        return "[" + ",".join(go_json(v, escape_html=escape_html, sort_keys=sort_keys) for v in value) + "]"
    raise GoError(f"json: unsupported type: {type(value).__name__}")


def rfc3339(moment: datetime, *, nano: bool = False) -> str:
    moment = moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if nano and moment.microsecond:
        text += f".{moment.microsecond:06d}".rstrip("0")
    return text + "Z"


_GO_DECIMAL_FLOAT = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_GO_HEX_FLOAT = re.compile(r"[+-]?0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)[pP][+-]?\d+")
_GO_SPECIAL_FLOAT = re.compile(r"[+-]?(?:inf|infinity)|nan", re.IGNORECASE)


def go_parse_float(text: str) -> float | None:
    """``strconv.ParseFloat(text, 64)``; None when Go reports a syntax error."""
    if _GO_DECIMAL_FLOAT.fullmatch(text) or _GO_SPECIAL_FLOAT.fullmatch(text):
        return float(text)
    if _GO_HEX_FLOAT.fullmatch(text):
        return float.fromhex(text)
    return None


_GO_BOOLS = {"1": True, "t": True, "T": True, "TRUE": True, "true": True, "True": True}
_GO_BOOLS.update({"0": False, "f": False, "F": False, "FALSE": False, "false": False, "False": False})


def go_parse_bool(text: str) -> bool | None:
    """``strconv.ParseBool``; None when Go reports a syntax error."""
    return _GO_BOOLS.get(text)


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def to_go_value(value: object) -> object:
    """The value as gjson's ``Result.Value()`` hands it to Go code: every JSON number a float64 (beyond its range
    +-Inf, as strconv.ParseFloat gives), each lone UTF-16 surrogate from a ``\\u`` escape U+FFFD."""
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int):
        try:
            return float(value)
        except OverflowError:
            return math.inf if value > 0 else -math.inf
    if isinstance(value, float):
        return value
    if is_mapping(value):
        return {to_go_value(str(k)): to_go_value(v) for k, v in value.items()}
    if is_array(value):
        return [to_go_value(v) for v in value]
    return value


def json_int(text: str) -> int | float:
    """A ``json.loads`` ``parse_int`` hook that keeps JSON's ``-0`` (a float64 -0 to gjson; Python's int drops
    the sign)."""
    return -0.0 if text == "-0" else int(text)


def is_number(value: object) -> TypeGuard[int | float]:
    """An int or float, not a bool."""
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def compare(left: Any, op: str, right: Any) -> bool:
    """``left op right`` for ``=``/``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=`` (False for any other operator)."""
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


class _Missing:
    """Go's invalid reflect.Value: a missing map key. Prints as ``<no value>``."""

    def __repr__(self) -> str:
        return "<no value>"


MISSING = _Missing()


def go_scalar_type(value: object) -> str | None:
    """Go's type name for a bool, int, float64 or string value; None for any other value."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float64"
    if isinstance(value, str):
        return "string"
    return None


def go_scalar_text(value: object, float_verb: Literal["f", "v"]) -> str | None:
    """A bool, int, float or string as Go formats it (floats with ``float_verb``); None for any other value."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return go_float(value, float_verb)
    return str(value) if isinstance(value, int | str) else None


def go_type(value: object) -> str:
    """The Go type a template error message names for ``value``."""
    if value is None or value is MISSING:
        return "interface {}"
    scalar = go_scalar_type(value)
    if scalar is not None:
        return scalar
    if is_mapping(value):
        return "map[string]interface {}"
    if isinstance(value, list):
        return "[]interface {}"
    if isinstance(value, datetime):
        return "time.Time"
    return type(value).__name__


_GO_KINDS = {"interface {}": "invalid", "map[string]interface {}": "map", "[]interface {}": "slice"}
"""The kinds of the non-scalar types ``go_type`` names (any other type is a struct)."""


def go_kind(value: object) -> str:
    """``reflect.Kind`` of ``value`` as sprig's ``kindIs`` sees it."""
    name = go_type(value)
    return name if go_scalar_type(value) is not None else _GO_KINDS.get(name, "struct")


def go_print(value: object) -> str:
    """``value`` as Go's ``fmt`` prints it with ``%v`` (what a template action writes)."""
    if value is MISSING:
        return "<no value>"
    if value is None:
        return "<nil>"
    text = go_scalar_text(value, "v")
    if text is not None:
        return text
    if is_mapping(value):
        return "map[" + " ".join(f"{k}:{go_print(value[k])}" for k in sorted(value, key=str)) + "]"
    if is_list(value):
        return "[" + " ".join(go_print(v) for v in value) + "]"
    raise Unsupported(f"printing a {go_type(value)} value")


def go_truth(value: object) -> bool:
    """Go template truth: false for nil, false, zero and empty strings, slices and maps."""
    if value is None or value is MISSING:
        return False
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return value != 0
    if isinstance(value, str) or is_list(value) or is_mapping(value):
        return len(value) > 0
    return True


def go_underscores_ok(s: str) -> bool:
    """strconv's rule for ``_``: only between digits (a base prefix counts as a digit)."""
    s = s[1:] if s[:1] in ("+", "-") else s
    saw, i, hex_digits = "^", 0, False
    if len(s) >= 2 and s[0] == "0" and s[1].lower() in "box":
        saw, i, hex_digits = "0", 2, s[1].lower() == "x"
    for ch in s[i:]:
        if "0" <= ch <= "9" or (hex_digits and ch.lower() in "abcdef"):
            saw = "0"
        elif ch == "_":
            if saw != "0":
                return False
            saw = "_"
        elif saw == "_":
            return False
        else:
            saw = "!"
    return saw != "_"
