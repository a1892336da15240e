"""gjson path reads (``gjson.GetBytes``) as tidwall/gjson scans a document, quirks included.

Modelled: object keys with ``\\`` escapes and ``*``/``?`` wildcards; array indexes; ``#`` (length); ``#.path`` (map
over elements); queries ``#(path op value)`` and ``#(...)#`` (ops ``==``/``=``, ``!=``, ``<``, ``<=``, ``>``,
``>=``, ``%``, ``!%``, and bare ``path`` for existence); ``|`` pipes. gjson's scanning rules are kept: a key whose
value cannot take the rest of the path does not end the search — the next matching key (wildcard match or
duplicate) is tried; ``#(...)#`` on an empty array is ``[]``; ``String()`` of an integer is its text as written.

The document is either parsed JSON (Python values) or the raw JSON ``bytes`` Argo hands gjson. With parsed values,
``raw`` is the value re-encoded as compact JSON, and what parsing already lost (duplicate keys, the sign of ``-0``,
the text of a number beyond float64) cannot be seen; with bytes everything is read as written.

``@this`` alone (the whole path) is the document itself, as gjson's ``Parse`` reads it: an object's or array's
``Raw`` is its text from the first byte that is not a space or control character.

Unsupported (reported, never guessed): other modifiers ``@...``, multipaths ``[...]``/``{...}``, literals ``!...``, JSON
Lines ``..``, ``~`` query values — these are not modelled or changed between Debian's gjson 1.14.4 and the 1.19.0
Argo pins — unbalanced queries, a document that is not JSON, and two scanner accidents: reading inside a string
value that holds ``{``/``[``, and a wildcard pattern ending in a lone ``\\``.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pulumi_metaflow_blueprints.argo.semantics._values import (
    GoError,
    compare,
    go_float,
    go_json,
    go_parse_bool,
    go_parse_float,
    go_underscores_ok,
)
from pulumi_metaflow_blueprints.argo.spec import is_array, is_mapping

__all__ = ["GjsonResult", "GjsonType", "PathUnsupported", "escape_gjson_key", "gjson_get", "gjson_locations"]

GjsonType = Literal["Null", "False", "Number", "String", "True", "JSON"]

_INTEGER_TEXT = re.compile(r"-?[0-9]*")


@dataclass(frozen=True)
class GjsonResult:
    """What ``gjson.GetBytes(data, path)`` returns: whether the path exists and the JSON value there.

    ``unsupported`` is set (and ``exists`` is False) when the path or the document is outside what this module
    models. ``value`` is the value as Python data (the first of duplicate keys, as gjson's ``Value()`` keeps).
    """

    exists: bool
    value: object = None
    unsupported: str | None = None
    computed: bool = False
    """True for a value gjson calculated (the ``#`` count) rather than found in the document."""
    raw_json: str | None = None
    """gjson's ``Raw`` when known (read from the document's bytes, or re-encoded); None: re-encode ``value``."""

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
        """gjson's ``Result.Raw``: the value's JSON text ("" when absent)."""
        if not self.exists:
            return ""
        if self.raw_json is not None:
            return self.raw_json
        return go_json(self.value, escape_html=False, sort_keys=False)

    def _number(self) -> float:
        """gjson's ``Num``: ``ParseFloat`` of the number's text (beyond float64 is ±Inf)."""
        if self.raw_json is not None:
            return float(self.raw_json)
        return _float64(self.value)

    def to_string(self) -> str:
        """gjson's ``Result.String()``: strings unescaped, integers as written, other numbers in Go's 'f' format."""
        kind = self.type
        if kind == "Null":
            return ""
        if kind in ("True", "False"):
            return kind.lower()
        if kind == "String":
            return str(self.value)
        if kind == "Number":
            raw = self.raw
            return raw if _INTEGER_TEXT.fullmatch(raw) else go_float(self._number(), "f")
        return self.raw

    def to_float(self) -> float:
        """gjson's ``Result.Float()``: strings through ``ParseFloat`` (0 when not numeric), true is 1."""
        kind = self.type
        if kind == "True":
            return 1.0
        if kind == "Number":
            return self._number()
        if kind == "String":
            parsed = _parse_float(str(self.value))
            return 0.0 if parsed is None else parsed
        return 0.0

    def to_bool(self) -> bool:
        """gjson's ``Result.Bool()``: strings through ``ParseBool`` (lower-cased), numbers true when non-zero."""
        kind = self.type
        if kind == "True":
            return True
        if kind == "Number":
            return self._number() != 0
        if kind == "String":
            return bool(go_parse_bool(str(self.value).lower()))
        return False

    def to_value(self) -> object:
        """gjson's ``Result.Value()``: what Go templates see (numbers as float64)."""
        if not self.exists:
            return None
        if self.type == "Number":
            return self._number()
        return _go_value(self.value)


def _float64(number: Any) -> float:
    """A Python number as the float64 Go parses from its text (an integer beyond float64 is ±Inf)."""
    try:
        return float(number)
    except OverflowError:
        return math.copysign(math.inf, number)


def _parse_float(text: str) -> float | None:
    """``strconv.ParseFloat(text, 64)`` (None on a syntax error), with Go's ``_`` digit separators."""
    if not text.isascii():
        return None
    if "_" in text:
        if not go_underscores_ok(text):
            return None
        text = text.replace("_", "")
    return go_parse_float(text)


def _go_value(value: object) -> object:
    """Python data as gjson's ``Value()`` hands it to Go code: every JSON number a float64."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        return _float64(value)
    if is_mapping(value):
        return {str(k): _go_value(v) for k, v in value.items()}
    if is_array(value):
        return [_go_value(v) for v in value]
    return value


class PathUnsupported(Exception):
    """The path or the document is outside what this module models."""


def gjson_get(data: object, path: str) -> GjsonResult:
    """Read ``path`` the way ``gjson.GetBytes`` does, from parsed JSON ``data`` or from the raw JSON ``bytes``."""
    try:
        if path == "@this":
            return _this(data)
        node = _get(_document(data), path)
        if node is None:
            return GjsonResult(False)
        return GjsonResult(True, node.value(), computed=node.computed, raw_json=node.raw())
    except PathUnsupported as exc:
        return GjsonResult(False, unsupported=str(exc))


def _this(data: object) -> GjsonResult:
    """``@this`` as the whole path: the document (a scalar one too), its leading whitespace skipped."""
    node = _document(data)
    raw = node.raw()
    if isinstance(data, (bytes, bytearray)) and node.kind in ("object", "array"):
        raw = bytes(data).decode("utf-8").lstrip(_SPACE_AND_CONTROL)  # gjson keeps what follows the value
    return GjsonResult(True, node.value(), raw_json=raw)


_SPACE_AND_CONTROL = "".join(map(chr, range(33)))


def gjson_locations(data: object, path: str) -> list[tuple[Any, Any]]:
    """The ``(container, key)`` pairs of parsed ``data`` that ``path`` points at (none when it finds nothing or
    goes through a ``|`` pipe): where sjson writes through a "complex" path. Raises ``PathUnsupported`` outside the
    modelled subset."""
    node = _get(_document(data), path)
    return [] if node is None else node.locations()


_PLAIN_KEY_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-")
_SURROGATES = re.compile("[\ud800-\udfff]")


def escape_gjson_key(key: str) -> str:
    """A gjson path component that reads exactly the object key ``key`` (``\\`` before every ASCII character
    other than ``[A-Za-z0-9_-]``), to join with ``.`` into a path.

    The empty key is the empty component, which reads key ``""`` — except that a path starting with two empty
    keys and going on (``..x``) is gjson's JSON Lines syntax. ValueError for a key holding a lone surrogate: no key
    gjson reads from UTF-8 can equal it.
    """
    if _SURROGATES.search(key):
        raise ValueError(f"key {key!r} holds a lone surrogate, which no JSON key gjson reads can equal")
    return "".join(c if c in _PLAIN_KEY_CHARS or ord(c) > 0x7F else "\\" + c for c in key)


# ---------------------------------------------------------------------------------------------------------------
# Documents: the JSON values gjson walks, from Python data or from the JSON text
# ---------------------------------------------------------------------------------------------------------------

_Kind = Literal["object", "array", "string", "number", "true", "false", "null"]


class _Node:
    """One JSON value as gjson meets it while scanning."""

    kind: _Kind
    text: str = ""
    """A string's value as gjson unescapes it."""
    computed: bool = False

    def members(self) -> list[tuple[str, _Node]]:
        """An object's keys and values in document order, duplicates included."""
        return []

    def items(self) -> list[_Node]:
        """An array's elements."""
        return []

    def raw(self) -> str:
        """gjson's ``Raw``."""
        raise NotImplementedError

    def value(self) -> object:
        """The value as Python data (first of duplicate keys)."""
        raise NotImplementedError

    def number(self) -> float:
        """gjson's ``Num`` for a number."""
        return float(self.raw())

    def locations(self) -> list[tuple[Any, Any]]:
        """Where the value sits in the caller's Python data."""
        return []

    def detached(self) -> _Node:
        """The same value, read through a pipe: it has no location."""
        return _Detached(self)


class _Detached(_Node):
    def __init__(self, node: _Node) -> None:
        self.node, self.kind, self.text, self.computed = node, node.kind, node.text, node.computed

    def members(self) -> list[tuple[str, _Node]]:
        return self.node.members()

    def items(self) -> list[_Node]:
        return self.node.items()

    def raw(self) -> str:
        return self.node.raw()

    def value(self) -> object:
        return self.node.value()

    def number(self) -> float:
        return self.node.number()


def _document(data: object) -> _Node:
    if isinstance(data, (bytes, bytearray)):
        try:
            text = bytes(data).decode("utf-8")
        except UnicodeDecodeError as exc:
            raise PathUnsupported(f"the document is not UTF-8 ({exc.reason})") from None
        return _TextParser(text).document()
    return _PyNode(data, None)


class _PyNode(_Node):
    """A value of parsed Python data; its ``raw`` is the compact JSON Go would write for it."""

    def __init__(self, data: Any, origin: tuple[Any, Any] | None) -> None:
        self.data, self.origin = data, origin
        if isinstance(data, Mapping):
            self.kind = "object"
        elif isinstance(data, (list, tuple)):
            self.kind = "array"
        elif isinstance(data, str):
            self.kind, self.text = "string", _checked_text(data)
        elif isinstance(data, bool):
            self.kind = "true" if data else "false"
        elif data is None:
            self.kind = "null"
        elif isinstance(data, (int, float)):
            self.kind = "number"
        else:
            raise PathUnsupported(f"a {type(data).__name__} value is not JSON data")

    def members(self) -> list[tuple[str, _Node]]:
        if self.kind != "object":
            return []
        return [(_checked_text(str(k)), _PyNode(v, (self.data, k))) for k, v in self.data.items()]

    def items(self) -> list[_Node]:
        if self.kind != "array":
            return []
        return [_PyNode(v, (self.data, i)) for i, v in enumerate(self.data)]

    def raw(self) -> str:
        try:
            return go_json(self.data, escape_html=False, sort_keys=False)
        except GoError:
            raise PathUnsupported("a number beyond float64 in the parsed data: its JSON text is lost") from None

    def value(self) -> object:
        return self.data

    def number(self) -> float:
        return _float64(self.data)

    def locations(self) -> list[tuple[Any, Any]]:
        return [] if self.origin is None else [self.origin]


def _checked_text(text: str) -> str:
    if _SURROGATES.search(text):
        raise PathUnsupported(f"{text!r} holds a lone surrogate: the JSON text gjson would read is unknown")
    return text


class _TextNode(_Node):
    """A value read from JSON text: its raw text exactly as written."""

    def __init__(self, kind: _Kind, raw: str, text: str = "", children: list[Any] | None = None) -> None:
        self.kind, self._raw, self.text, self.children = kind, raw, text, children or []
        self._value: object = None
        self._has_value = False

    def members(self) -> list[tuple[str, _Node]]:
        return self.children if self.kind == "object" else []

    def items(self) -> list[_Node]:
        return self.children if self.kind == "array" else []

    def raw(self) -> str:
        return self._raw

    def value(self) -> object:
        if not self._has_value:
            self._value, self._has_value = self._compute_value(), True
        return self._value

    def _compute_value(self) -> object:
        if self.kind == "object":
            first: dict[str, object] = {}
            for key, child in self.children:
                first.setdefault(key, child.value())
            return first
        if self.kind == "array":
            return [child.value() for child in self.children]
        if self.kind == "number":
            if _INTEGER_TEXT.fullmatch(self._raw) and self._raw != "-0":
                return int(self._raw)
            return float(self._raw)
        return {"string": self.text, "true": True, "false": False, "null": None}[self.kind]


class _Made(_Node):
    """A value gjson builds: the ``#`` count or the array of ``#.path`` / ``#(...)#`` results."""

    def __init__(self, count: int | None = None, elements: list[_Node] | None = None) -> None:
        self.count, self.elements = count, elements or []
        self.kind = "number" if count is not None else "array"
        self.computed = count is not None

    def items(self) -> list[_Node]:
        return self.elements

    def raw(self) -> str:
        if self.count is not None:
            return str(self.count)
        return "[" + ",".join(element.raw() for element in self.elements) + "]"

    def value(self) -> object:
        return self.count if self.count is not None else [element.value() for element in self.elements]

    def locations(self) -> list[tuple[Any, Any]]:
        return [location for element in self.elements for location in element.locations()]


_WHITESPACE = (" ", "\t", "\n", "\r")
_NUMBER = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?")
_STRING = re.compile(r'"(?:[^"\\\x00-\x1f]|\\["\\/bfnrt]|\\u[0-9a-fA-F]{4})*"')
_LITERALS: dict[str, _Kind] = {"true": "true", "false": "false", "null": "null"}


class _TextParser:
    """A strict JSON parser that keeps each value's text, keys in order and duplicate keys."""

    def __init__(self, text: str) -> None:
        self.text, self.pos = text, 0

    def document(self) -> _Node:
        node = self.value()
        self.skip_ws()
        if self.pos != len(self.text):
            self.fail()
        return node

    def fail(self) -> None:
        raise PathUnsupported(f"the document is not JSON (at offset {self.pos})")

    def skip_ws(self) -> None:
        while self.text[self.pos : self.pos + 1] in _WHITESPACE:
            self.pos += 1

    def value(self) -> _Node:
        self.skip_ws()
        start = self.pos
        head = self.text[start : start + 1]
        if head == "{":
            return self.container("object", "}", start)
        if head == "[":
            return self.container("array", "]", start)
        if head == '"':
            raw = self.string()
            return _TextNode("string", raw, _unescape(raw[1:-1]))
        found = _NUMBER.match(self.text, start)
        if found:
            self.pos = found.end()
            return _TextNode("number", found.group())
        for word, kind in _LITERALS.items():
            if self.text.startswith(word, start):
                self.pos = start + len(word)
                return _TextNode(kind, word)
        self.fail()
        raise AssertionError  # pragma: no cover - fail() raises

    def string(self) -> str:
        found = _STRING.match(self.text, self.pos)
        if not found:
            self.fail()
        assert found is not None
        self.pos = found.end()
        return found.group()

    def expect(self, char: str) -> None:
        self.skip_ws()
        if self.text[self.pos : self.pos + 1] != char:
            self.fail()
        self.pos += 1

    def container(self, kind: _Kind, close: str, start: int) -> _Node:
        self.pos += 1
        children: list[Any] = []
        self.skip_ws()
        if self.text[self.pos : self.pos + 1] == close:
            self.pos += 1
            return _TextNode(kind, self.text[start : self.pos], children=children)
        while True:
            if kind == "object":
                self.skip_ws()
                key = self.string()
                self.expect(":")
                children.append((_unescape(key[1:-1]), self.value()))
            else:
                children.append(self.value())
            self.skip_ws()
            if self.text[self.pos : self.pos + 1] == close:
                self.pos += 1
                return _TextNode(kind, self.text[start : self.pos], children=children)
            self.expect(",")


_SIMPLE_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


def _unescape(body: str) -> str:
    """A JSON string body as gjson's ``unescape`` reads it: a ``\\u`` surrogate that does not pair up with the next
    ``\\u`` escape becomes U+FFFD (eating that escape when there is one). It stops at the first bad escape or control
    character."""
    if "\\" not in body and not any(c < " " for c in body):
        return body
    out: list[str] = []
    i = 0
    while i < len(body):
        ch = body[i]
        if ch < " ":
            break
        if ch != "\\":
            out.append(ch)
            i += 1
            continue
        esc = body[i + 1 : i + 2]
        if esc in _SIMPLE_ESCAPES:
            out.append(_SIMPLE_ESCAPES[esc])
            i += 2
            continue
        if esc != "u" or not re.fullmatch(r"[0-9a-fA-F]{4}", body[i + 2 : i + 6]):
            break
        code, i = int(body[i + 2 : i + 6], 16), i + 6
        if 0xD800 <= code <= 0xDFFF:
            pair = re.match(r"\\u([0-9a-fA-F]{4})", body[i:])
            low = int(pair.group(1), 16) if pair else None
            if pair:
                i += 6
            if low is not None and code < 0xDC00 and 0xDC00 <= low <= 0xDFFF:
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            else:
                code = 0xFFFD
        out.append(chr(code))
    return "".join(out)


# ---------------------------------------------------------------------------------------------------------------
# Paths
# ---------------------------------------------------------------------------------------------------------------

_MODIFIERS_1_14 = frozenset(
    {"pretty", "ugly", "reverse", "this", "flatten", "join", "valid", "keys", "values", "tostr", "fromstr", "group"}
)
_MODIFIERS_1_19_ONLY = frozenset({"dig"})
_LITERAL_NAMES = frozenset({"true", "false", "null", "nan", "inf"})


class _Context:
    """What one gjson ``Get`` carries while it scans: the value found so far and a pipe to apply at the end."""

    def __init__(self) -> None:
        self.value: _Node | None = None
        self.pipe: str | None = None

    def hit(self, node: _Node | None) -> bool:
        if node is not None and node.kind == "null" and self.value is not None:
            raise PathUnsupported("gjson keeps the type of an earlier empty #(...)# result for a null it finds")
        self.value = node
        return True


def _get(node: _Node | None, path: str) -> _Node | None:
    """gjson's ``Get`` of ``path`` on a value (None: no value, gjson's empty JSON)."""
    _check_get_path(path)
    if node is None or node.kind not in ("object", "array"):
        if node is not None and node.kind == "string" and ("{" in node.raw() or "[" in node.raw()):
            raise PathUnsupported("gjson would scan inside a string value that holds '{' or '['")
        return None
    context = _Context()
    if node.kind == "object":
        _object(context, node, path)
    else:
        _array(context, node, path)
    if context.pipe is not None:
        found = _get(context.value, context.pipe)
        return None if found is None else found.detached()
    return context.value


def _check_get_path(path: str) -> None:
    """Reject what ``Get`` reads before any key: modifiers, literals, multipaths and JSON Lines."""
    if len(path) > 1 and path[0] == "@" and _modifier_name(path[1:], ":|.") is not None:
        raise PathUnsupported(f"gjson modifiers ({path!r}) are not supported")
    if len(path) > 1 and path[0] == "!" and _is_literal(path):
        raise PathUnsupported(f"gjson literals ({path!r}) are not supported")
    if len(path) > 1 and path[0] in "[{":
        raise PathUnsupported(f"gjson multipaths ({path!r}) are not supported")
    if path.startswith(".."):
        raise PathUnsupported(f"gjson JSON Lines paths ({path!r}) are not supported")


def _modifier_name(text: str, stops: str) -> str | None:
    """The modifier named at the start of ``text`` (up to a character of ``stops``), None when it names none."""
    name = re.split("[" + re.escape(stops) + "]", text, maxsplit=1)[0]
    if name in _MODIFIERS_1_19_ONLY:
        raise PathUnsupported(f"'@{name}' is a modifier in gjson 1.19 but a key in 1.14")
    return name if name in _MODIFIERS_1_14 else None


def _is_literal(path: str) -> bool:
    """Whether a path starting with ``!`` is a gjson literal (``!true``, ``!{...}``, ``!-1``, ...)."""
    if path[1] in '{["+-0123456789':
        return True
    return re.split(r"[|.]", path[1:], maxsplit=1)[0].lower() in _LITERAL_NAMES


def _dot_pipes(tail: str) -> bool:
    """Whether ``.`` followed by ``tail`` works as a pipe: a modifier, or a multipath ``[``/``{``."""
    if tail[0] == "@":
        return _modifier_name(tail[1:], ".|:") is not None
    return tail[0] in "[{"


@dataclass
class _ObjectStep:
    part: str
    wild: bool
    rest: str | None = None
    pipe: str | None = None


def _object_step(path: str) -> _ObjectStep:
    """The first key of ``path`` (unescaped; wildcards when any ``*``/``?`` is unescaped) and what follows it."""
    chars: list[str] = []
    wild = False
    i = 0
    while i < len(path):
        ch = path[i]
        if ch == "|":
            return _ObjectStep("".join(chars), wild, pipe=path[i + 1 :])
        if ch == ".":
            tail = path[i + 1 :]
            if tail and _dot_pipes(tail):
                return _ObjectStep("".join(chars), wild, pipe=tail)
            return _ObjectStep("".join(chars), wild, rest=tail)
        if ch == "\\":
            chars.append(path[i + 1 : i + 2])
            i += 2
            continue
        wild = wild or ch in "*?"
        chars.append(ch)
        i += 1
    return _ObjectStep("".join(chars), wild)


def _object(context: _Context, node: _Node, path: str) -> bool:
    """Scan an object's keys for the first component of ``path``; True when gjson stops with a hit."""
    step = _object_step(path)
    if step.pipe is not None:
        context.pipe = step.pipe
    for key, child in node.members():
        if not (_glob(key, step.part) if step.wild else key == step.part):
            continue
        if step.rest is None:
            return context.hit(child)
        if (child.kind == "object" and _object(context, child, step.rest)) or (
            child.kind == "array" and _array(context, child, step.rest)
        ):
            return True
    return False


@dataclass
class _Query:
    path: str
    op: str
    value: str
    end: int
    all: bool = False


@dataclass
class _ArrayStep:
    part: str
    hashed: bool = False
    rest: str | None = None
    pipe: str | None = None
    each: str | None = None
    query: _Query | None = None


def _array_step(path: str) -> _ArrayStep:
    """The first component of ``path`` read against an array (no ``\\`` escapes here) and what follows it."""
    step = _ArrayStep(path)
    i = 0
    while i < len(path):
        ch = path[i]
        if ch == "|":
            step.part, step.pipe = path[:i], path[i + 1 :]
            return step
        if ch == ".":
            step.part, tail = path[:i], path[i + 1 :]
            if not step.hashed and tail and _dot_pipes(tail):
                step.pipe = tail
            else:
                step.rest = tail
            return step
        if ch == "#":
            step.hashed = True
            if i == 0 and path[1:2] == ".":
                step.each = path[2:]
            elif i == 0 and path[1:2] in ("(", "["):
                step.query = _parse_query(path)
                i = step.query.end
                step.query.all = path[i + 1 : i + 2] == "#"
        i += 1
    return step


def _trim(text: str) -> str:
    """Go's gjson ``trim``: bytes up to ' ' off both ends."""
    start, end = 0, len(text)
    while start < end and text[start] <= " ":
        start += 1
    while end > start and text[end - 1] <= " ":
        end -= 1
    return text[start:end]


def _query_close(path: str) -> tuple[int, int, bool]:
    """For ``#(``…: the index of the closing bracket, of the operator (0: none) and whether a quoted string in the
    query holds a ``\\``."""
    i, op_at, depth, escaped = 2, 0, 1, False
    while i < len(path):
        ch = path[i]
        if depth == 1 and op_at == 0 and ch in "!=<>%":
            op_at = i
        elif ch == "\\":
            i += 1
        elif ch in "([":
            depth += 1
        elif ch in ")]":
            depth -= 1
            if depth == 0:
                return i, op_at, escaped
        elif ch == '"':
            i += 1
            while i < len(path) and path[i] != '"':
                if path[i] == "\\":
                    escaped = True
                    i += 1
                i += 1
        i += 1
    raise PathUnsupported(f"unbalanced gjson query in {path!r}")


def _parse_query(path: str) -> _Query:
    """A ``#(path op value)`` query at the start of ``path``."""
    end, op_at, escaped = _query_close(path)
    if not op_at:
        return _Query(_trim(path[2:end]), "", "", end)
    value = _trim(path[op_at:end])
    if len(value) == 1:
        size = 1
    elif value[:2] in ("!=", "!%", "<=", ">="):
        size = 2
    elif value[:2] == "==":
        value, size = value[1:], 1
    else:
        size = 1 if value[0] in "<>=%" else 0
    op, wanted = value[:size], _trim(value[size:])
    if len(wanted) >= 2 and wanted[0] == '"' and wanted[-1] == '"':
        wanted = _unescape(wanted[1:-1]) if escaped else wanted[1:-1]
    if wanted.startswith("~"):
        raise PathUnsupported(f"gjson '~' query values ({wanted!r}) differ between gjson versions")
    return _Query(_trim(path[2:op_at]), op, wanted, end)


def _index(part: str) -> int | None:
    """gjson's array index: digits only, read as a uint64 (wrapping) and then an int."""
    if not re.fullmatch(r"[0-9]+", part):
        return None
    number = int(part) % 2**64
    return number if number < 2**63 else None


def _array(context: _Context, node: _Node, path: str) -> bool:
    """Read the first component of ``path`` against an array; True when gjson stops with a hit."""
    step = _array_step(path)
    if step.pipe is not None:
        context.pipe = step.pipe
    items = node.items()
    if step.query is not None:
        return _run_query(context, step, items)
    if step.each is not None:
        each, pipe = _split_pipe(step.each)
        if pipe is not None:
            context.pipe = pipe
        found = [_get(element, each) for element in items]
        return context.hit(_Made(elements=[f for f in found if f is not None]))
    if step.hashed:
        return context.hit(_Made(count=len(items))) if step.part == "#" else False
    index = _index(step.part)
    if index is None or index >= len(items):
        return False
    child = items[index]
    if step.rest is None:
        return context.hit(child)
    if child.kind == "object":
        return _object(context, child, step.rest)
    if child.kind == "array":
        return _array(context, child, step.rest)
    return False


def _run_query(context: _Context, step: _ArrayStep, items: list[_Node]) -> bool:
    query = step.query
    assert query is not None
    rest = step.rest
    matches: list[_Node] = []
    for element in items:
        if element.kind in ("object", "array"):
            candidate = _get(element, query.path)
        elif query.path:
            continue
        else:
            candidate = element
        if not _query_matches(candidate, query):
            continue
        if rest is not None:
            rest, pipe = _split_pipe(rest)
            if pipe is not None:
                context.pipe = pipe
            found = _get(element, rest)
        else:
            found = element
        if not query.all:
            return context.hit(found)
        if found is not None:
            matches.append(found)
    if context.value is None and (matches or query.all):
        context.value = _Made(elements=matches)
    return False


def _query_matches(candidate: _Node | None, query: _Query) -> bool:
    if candidate is None:
        return False
    op, wanted = query.op, query.value
    if op == "":
        return True
    kind = candidate.kind
    if kind == "string":
        if op in ("%", "!%"):
            return _glob(candidate.text, wanted) is (op == "%")
        return compare(candidate.text, op, wanted)
    if kind == "number":
        number = _parse_float(wanted)
        return compare(candidate.number(), op, 0.0 if number is None else number)
    if kind == "true":
        return {"=": wanted == "true", "!=": wanted != "true", ">": wanted == "false", ">=": True}.get(op, False)
    if kind == "false":
        return {"=": wanted == "false", "!=": wanted != "false", "<": wanted == "true", "<=": True}.get(op, False)
    return False


def _split_pipe(path: str) -> tuple[str, str | None]:
    """gjson's ``splitPossiblePipe``: the path up to the first ``|`` outside escapes and ``.#(...)`` queries."""
    if "|" not in path:
        return path, None
    if path[0] == "{":
        raise PathUnsupported(f"gjson multipaths ({path!r}) are not supported")
    i = 0
    while i < len(path):
        ch = path[i]
        if ch == "\\":
            i += 1
        elif ch == "|":
            return path[:i], path[i + 1 :]
        elif ch == ".":
            if i == len(path) - 1:
                return path, None
            if path[i + 1] == "#":
                i += 2
                if i == len(path):
                    return path, None
                if path[i] in "([":
                    i = _skip_selector(path, i)
        i += 1
    return path, None


def _skip_selector(path: str, start: int) -> int:
    """The index closing the ``(``/``[`` selector opening at ``start`` (counting that bracket kind only)."""
    opening = path[start]
    closing = ")" if opening == "(" else "]"
    depth, i = 1, start + 1
    while i < len(path):
        ch = path[i]
        if ch == "\\":
            i += 1
        elif ch == opening:
            depth += 1
        elif ch == closing:
            depth -= 1
            if depth == 0:
                return i
        elif ch == '"':
            i += 1
            while i < len(path) and path[i] != '"':
                i += 2 if path[i] == "\\" else 1
        i += 1
    return i


def _glob(text: str, pattern: str) -> bool:
    """tidwall/match: ``*`` any run, ``?`` one character, ``\\`` escapes the next character."""
    if pattern == "*":
        return True
    parts: list[str] = []
    i = 0
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            if i + 1 == len(pattern):
                raise PathUnsupported(f"gjson wildcard pattern {pattern!r} ends in a lone '\\'")
            parts.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        parts.append(".*" if ch == "*" else "." if ch == "?" else re.escape(ch))
        i += 1
    return re.fullmatch("".join(parts), text, re.DOTALL) is not None
