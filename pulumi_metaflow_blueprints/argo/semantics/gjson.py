"""gjson path reads (``gjson.GetBytes``): keys, escapes, wildcards, indexes, ``#``, queries and pipes."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pulumi_metaflow_blueprints.argo.semantics._values import (
    compare,
    go_json,
    go_parse_bool,
    go_parse_float,
    go_scalar_text,
    to_go_value,
)

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
        return go_json(self.value, escape_html=False, sort_keys=False)

    def to_string(self) -> str:
        """gjson's ``Result.String()``: strings raw, integers as written, other numbers in Go's 'f' format."""
        value = self.value
        if not self.exists or value is None:
            return ""
        text = go_scalar_text(value, "f")
        return self.raw if text is None else text

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
            parsed = go_parse_float(value)
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
            return bool(go_parse_bool(value.lower()))
        return False

    def to_value(self) -> Any:
        """gjson's ``Result.Value()``: what govaluate and Go templates see (numbers as float64)."""
        return to_go_value(self.value) if self.exists else None


class PathUnsupported(Exception):
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
    except PathUnsupported as exc:
        return GjsonResult(False, unsupported=str(exc))
    if not hit.exists:
        return GjsonResult(False)
    return GjsonResult(True, hit.value, computed=hit.computed)


def gjson_locations(data: Any, path: str) -> list[tuple[Any, Any]]:
    """The ``(container, key)`` pairs ``path`` points at in ``data`` (none when it finds nothing or goes through a
    ``|`` pipe): where sjson writes through a "complex" path. Raises ``PathUnsupported`` outside the subset."""
    hit = _gget(data, path)
    return hit.locations if hit.exists else []


def _scan(text: str, start: int = 0, *, quotes_at_top: bool = False) -> Iterator[tuple[int, str, int]]:
    """``(index, char, depth)`` for each character of ``text`` from ``start`` that is not escaped with ``\\`` or
    inside a quoted string; ``depth`` counts the open ``(``/``[`` brackets, the character's own included.

    Quoted strings are skipped inside brackets, and also at depth 0 with ``quotes_at_top``.
    """
    depth = 0
    i = start
    while i < len(text):
        ch = text[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"' and (depth or quotes_at_top):
            i += 1
            while i < len(text) and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        else:
            if ch in "([":
                depth += 1
            elif ch in ")]":
                depth -= 1
            yield i, ch, depth
        i += 1


def _has_top_level_comma(path: str) -> bool:
    """A ``,`` outside queries: the docs' ``a,b.#(...)`` multipath form, which is not modelled."""
    return any(ch == "," and depth == 0 for _, ch, depth in _scan(path))


def _gget(node: Any, path: str) -> _Hit:
    if len(path) > 1 and path[0] == "@":
        raise PathUnsupported(f"gjson modifiers ({path!r}) are not supported")
    if len(path) > 1 and path[0] == "!":
        raise PathUnsupported(f"gjson literals ({path!r}) are not supported")
    if path[:1] in ("[", "{"):
        raise PathUnsupported(f"gjson multipaths ({path!r}) are not supported")
    if path.startswith(".."):
        raise PathUnsupported(f"gjson JSON Lines paths ({path!r}) are not supported")
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
                raise PathUnsupported(f"gjson modifiers ({path[i + 1 :]!r}) are not supported")
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
    for i, ch, depth in _scan(path):
        if ch == "|" and depth == 0:
            return path[:i], path[i + 1 :]
    return path, None


def _gget_array(node: list[Any], path: str) -> _Hit:
    if path[:1] == "#":
        if len(path) == 1:
            return _Hit(True, len(node), computed=True)
        nxt = path[1]
        if nxt == ".":
            if path[2:3] == "@":
                raise PathUnsupported(f"gjson modifiers ({path[2:]!r}) are not supported")
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
        raise PathUnsupported(f"gjson modifiers ({path[end + 1 :]!r}) are not supported")
    hit = _gget(child, path[end + 1 :])
    return _unlocated(hit) if path[end] == "|" else hit


def _query_end(path: str, start: int) -> int:
    """Index of the bracket closing the query that opens at ``start`` (-1 when unbalanced)."""
    return next((i for i, ch, depth in _scan(path, start, quotes_at_top=True) if ch in ")]" and depth == 0), -1)


def _parse_query(inner: str) -> tuple[str, str, str]:
    """Split a query body into (path, operator, value); ``==`` is normalised to ``=``."""
    found = (i for i, ch, depth in _scan(inner, quotes_at_top=True) if depth == 0 and ch in "!=<>%")
    i = next(found, len(inner))
    query_path = inner[:i].strip()
    if i >= len(inner):
        return query_path, "", ""
    two = inner[i : i + 2]
    if two in ("==", "!=", "<=", ">=", "!%"):
        op, j = ("=" if two == "==" else two), i + 2
    elif inner[i] in "=<>%":
        op, j = inner[i], i + 1
    else:
        raise PathUnsupported(f"gjson query operator in {inner!r} is not supported")
    value = inner[j:].strip()
    if value.startswith("~"):
        raise PathUnsupported(f"gjson '~' query values ({value!r}) are not supported")
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
        return compare(value, op, wanted)
    if isinstance(value, (int, float)):
        number = go_parse_float(wanted)
        return compare(float(value), op, 0.0 if number is None else number)
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


def _gget_query(node: list[Any], path: str) -> _Hit:
    end = _query_end(path, 1)
    if end < 0:
        raise PathUnsupported(f"unbalanced gjson query in {path!r}")
    query_path, op, wanted = _parse_query(path[2:end])
    i = end + 1
    match_all = path[i : i + 1] == "#"
    if match_all:
        i += 1
    rest = path[i:]
    sep = ""
    if rest:
        if rest[0] not in ".|":
            raise PathUnsupported(f"unexpected text after a gjson query in {path!r}")
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
