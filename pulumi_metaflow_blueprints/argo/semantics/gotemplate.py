"""Go ``text/template`` with a subset of sprig, as Argo Events runs ``dataTemplate``/``contextTemplate`` (over
``{"Input": gjson.Parse(data).Value()}``) and data-filter templates (over ``{"Input": "<string>"}``).

Modelled the way Go 1.19 and 1.26 with sprig 3.2.3/3.3.0 agree (``tests/test_oracle_template.py`` compares it with
the real libraries):

- syntax: text and ``{{ }}`` actions, ``{{-``/``-}}`` trim markers, ``{{/* comments */}}``; pipelines ``|`` and
  parenthesised pipelines; ``$v := ...``/``$v = ...``; ``if``/``else if``/``else``/``end``; operands ``.``,
  ``.a.b``, ``$``, ``$v.a``, ``(pipeline).a``; string literals (interpreted and raw), number literals (decimal,
  hex, octal, binary, ``_`` separators, floats, hex floats, character constants), ``true``, ``false``, ``nil``;
  every parse error Go reports for these (undefined variables, malformed literals, misplaced keywords, ...).
- values: the data as gjson's ``Value()`` hands it over (every JSON number a float64). A missing key is Go's
  invalid value (printed ``<no value>``); a JSON null read through a pipeline or variable becomes the same.
- builtins: ``and or not eq ne lt le gt ge len index print println printf`` (printf verbs ``%v %s %d %t %%``,
  no flags);
- sprig: ``hasKey get toJson toRawJson fail kindIs kindOf typeOf default empty coalesce ternary b64enc b64dec
  upper lower trim toString contains hasPrefix hasSuffix replace now unixEpoch dateInZone uuidv4 regexMatch``
  (``dateInZone``: UTC, numeric layouts), and ``urlParse`` of a
  ``#<fragment>`` (what our S3 key decoding uses: ``.fragment`` is the fragment %-unescaped as Go's net/url does).

Anything else gives ``unsupported``: ``range``/``with``/``define``/``template``/``block``, other functions,
complex numbers, strings Go would hold as invalid UTF-8, non-ASCII letters in identifiers, JSON of ``\\b``/``\\f``
(Go 1.22 changed their escapes), ``upper``/``lower`` of non-ASCII text, printing time values, ...
"""

from __future__ import annotations

import base64
import functools
import hashlib
import math
import re
import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal

from pulumi_metaflow_blueprints.argo.semantics._values import (
    MISSING,
    GoError,
    Unsupported,
    go_json,
    go_print,
    go_truth,
    go_type,
    go_underscores_ok,
    to_go_value,
)
from pulumi_metaflow_blueprints.argo.spec import is_dict, is_list

__all__ = ["TemplateResult", "render_go_template"]
from pulumi_metaflow_blueprints.argo.semantics.goregexp import go_regexp_search


@dataclass(frozen=True)
class TemplateResult:
    """Outcome of executing a Go template: ``ok`` with its output, ``error`` (Go fails), or ``unsupported``."""

    status: Literal["ok", "error", "unsupported"]
    output: str = ""
    message: str = ""


def render_go_template(template: str, data: Mapping[str, object], *, now: datetime | None = None) -> TemplateResult:
    """Parse and execute a Go template with sprig's functions over ``data`` (Argo passes ``{"Input": ...}``).

    ``status`` is ``error`` where Go's Parse or Execute fails (Argo then treats the template as failed); an ``ok``
    output of ``""`` or ``<no value>`` is also a failure to Argo, which the callers check. ``now`` is the clock
    for sprig's ``now`` (default: the current time).
    """
    try:
        nodes = _parsed(template)
        runner = _Runner({str(k): to_go_value(v) for k, v in data.items()}, now or datetime.now(timezone.utc))
        runner.walk(nodes)
        output = "".join(runner.out)
    except Unsupported as exc:
        return TemplateResult("unsupported", message=f"template uses {exc}, outside the supported subset")
    except GoError as exc:
        return TemplateResult("error", message=str(exc))
    return TemplateResult("ok", output)


@functools.lru_cache(maxsize=512)
def _parsed(template: str) -> list[_Node]:
    """The parse tree of ``template``, kept: a Sensor renders the same templates for every event (`backfill`), and
    executing never changes the tree. Parse errors are not kept: they are raised again each time."""
    return _Parser(_Lexer(template).items()).parse()


# ---------------------------------------------------------------------------------------------------------------
# Lexer (text/template/parse/lex.go)
# ---------------------------------------------------------------------------------------------------------------

_SPACE = " \t\r\n"
_KEYWORDS = {"else": "else", "end": "end", "if": "if", "nil": "nil"}
_BRANCHES = frozenset({"block", "break", "continue", "define", "range", "template", "with"})
_DECIMAL, _HEX, _OCTAL, _BINARY = "0123456789_", "0123456789abcdefABCDEF_", "01234567_", "01_"


@dataclass(frozen=True)
class _Tok:
    kind: str
    text: str = ""


def _alnum(ch: str) -> bool:
    """Go's isAlphaNumeric for ASCII; other characters' classes depend on Go's Unicode tables."""
    if ch and not ch.isascii():
        raise Unsupported("non-ASCII characters in an action outside strings")
    return ch == "_" or ch.isalnum()


class _Lexer:
    def __init__(self, src: str) -> None:
        if any("\ud800" <= ch <= "\udfff" for ch in src):
            raise Unsupported("text that is not valid UTF-8")
        self.src = src
        self.toks: list[_Tok] = []

    def items(self) -> list[_Tok]:
        pos = 0
        while True:
            start = self.src.find("{{", pos)
            if start < 0:
                self._text(self.src[pos:])
                self.toks.append(_Tok("eof"))
                return self.toks
            inner = start + 2
            trim = self.src[inner : inner + 1] == "-" and self._space_at(inner + 1)
            self._text(self.src[pos:start].rstrip(_SPACE) if trim else self.src[pos:start])
            inner += 2 if trim else 0
            if self.src.startswith("/*", inner):
                pos = self._comment(inner)
            else:
                self.toks.append(_Tok("left"))
                pos = self._action(inner)

    def _text(self, text: str) -> None:
        if text:
            self.toks.append(_Tok("text", text))

    def _space_at(self, i: int) -> bool:
        return i < len(self.src) and self.src[i] in _SPACE

    def _right_delim(self, i: int) -> int:
        """Length of the right delimiter at ``i`` (4 with a trim marker, 2 without, 0 when there is none)."""
        if self._space_at(i) and self.src.startswith("-}}", i + 1):
            return 4
        return 2 if self.src.startswith("}}", i) else 0

    def _after_right_delim(self, i: int, length: int) -> int:
        i += length
        if length == 4:
            while self._space_at(i):
                i += 1
        return i

    def _comment(self, i: int) -> int:
        end = self.src.find("*/", i + 2)
        if end < 0:
            raise GoError("unclosed comment")
        length = self._right_delim(end + 2)
        if not length:
            raise GoError("comment ends before closing delimiter")
        return self._after_right_delim(end + 2, length)

    def _action(self, i: int) -> int:
        depth = 0
        src = self.src
        while True:
            length = self._right_delim(i)
            if length:
                if depth:
                    raise GoError("unclosed left paren")
                self.toks.append(_Tok("right"))
                return self._after_right_delim(i, length)
            if i >= len(src):
                raise GoError("unclosed action")
            ch = src[i]
            if ch in _SPACE:
                i = self._spaces(i)
            elif ch in "=|()":
                depth += {"(": 1, ")": -1}.get(ch, 0)
                if depth < 0:
                    raise GoError("unexpected right paren")
                self.toks.append(_Tok({"=": "assign", "|": "pipe", "(": "lparen", ")": "rparen"}[ch]))
                i += 1
            elif ch == ":":
                if not src.startswith(":=", i):
                    raise GoError("expected :=")
                self.toks.append(_Tok("declare"))
                i += 2
            elif ch in "\"'":
                i = self._quoted(i, "string" if ch == '"' else "charconst")
            elif ch == "`":
                end = src.find("`", i + 1)
                if end < 0:
                    raise GoError("unterminated raw quoted string")
                self.toks.append(_Tok("rawstring", src[i : end + 1]))
                i = end + 1
            elif ch == "$" or (ch == "." and not src[i + 1 : i + 2].isdigit()):
                i = self._field_or_variable(i)
            elif ch in "+-.0123456789":
                i = self._number(i)
            elif _alnum(ch):
                i = self._identifier(i)
            elif " " <= ch <= "~":
                self.toks.append(_Tok("char", ch))
                i += 1
            else:
                raise GoError(f"unrecognized character in action: {ch!r}")

    def _spaces(self, i: int) -> int:
        j = i
        while self._space_at(j):
            j += 1
        if self.src.startswith("-}}", j):  # the last space belongs to a trim-marked right delimiter
            j -= 1
            if j == i:
                return j
        self.toks.append(_Tok("space"))
        return j

    def _at_terminator(self, i: int) -> bool:
        return i >= len(self.src) or self.src[i] in _SPACE + ".,|:)(" or self.src.startswith("}}", i)

    def _word_end(self, i: int) -> int:
        while i < len(self.src) and _alnum(self.src[i]):
            i += 1
        if not self._at_terminator(i):
            raise GoError(f"bad character {self.src[i]!r}")
        return i

    def _identifier(self, i: int) -> int:
        j = self._word_end(i)
        word = self.src[i:j]
        if word in _BRANCHES:
            self.toks.append(_Tok("branch", word))
        elif word in _KEYWORDS:
            self.toks.append(_Tok(_KEYWORDS[word]))
        else:
            self.toks.append(_Tok("bool" if word in ("true", "false") else "ident", word))
        return j

    def _field_or_variable(self, i: int) -> int:
        kind = "variable" if self.src[i] == "$" else "field"
        if self._at_terminator(i + 1):
            self.toks.append(_Tok("variable", "$") if kind == "variable" else _Tok("dot"))
            return i + 1
        j = self._word_end(i + 1)
        self.toks.append(_Tok(kind, self.src[i:j]))
        return j

    def _quoted(self, i: int, kind: str) -> int:
        quote, j = self.src[i], i + 1
        while True:
            ch = self.src[j : j + 1]
            if ch == "\\":
                if self.src[j + 1 : j + 2] in ("", "\n"):
                    ch = ""
                else:
                    j += 2
                    continue
            if ch in ("", "\n"):
                raise GoError("unterminated " + ("quoted string" if quote == '"' else "character constant"))
            j += 1
            if ch == quote:
                self.toks.append(_Tok(kind, self.src[i:j]))
                return j

    def _scan_number(self, i: int) -> tuple[int, bool]:
        src = self.src

        def run(j: int, chars: str) -> int:
            while j < len(src) and src[j] in chars:
                j += 1
            return j

        j = i + 1 if src[i : i + 1] in ("+", "-") else i
        digits = _DECIMAL
        if src[j : j + 1] == "0":
            j += 1
            prefix = src[j : j + 1].lower()
            if prefix and prefix in "xob":
                digits = {"x": _HEX, "o": _OCTAL, "b": _BINARY}[prefix]
                j += 1
        j = run(j, digits)
        if src[j : j + 1] == ".":
            j = run(j + 1, digits)
        exponent = {_DECIMAL: "eE", _HEX: "pP"}.get(digits, "")
        if src[j : j + 1] and src[j] in exponent:
            j += 2 if src[j + 1 : j + 2] in ("+", "-") else 1
            j = run(j, _DECIMAL)
        if src[j : j + 1] == "i":
            j += 1
        if j < len(src) and _alnum(src[j]):
            return j + 1, False
        return j, True

    def _number(self, i: int) -> int:
        j, ok = self._scan_number(i)
        if not ok:
            raise GoError(f"bad number syntax: {self.src[i:j]!r}")
        if self.src[j : j + 1] in ("+", "-"):  # complex: 1+2i
            k, ok = self._scan_number(j)
            if not ok or self.src[k - 1] != "i":
                raise GoError(f"bad number syntax: {self.src[i:k]!r}")
            self.toks.append(_Tok("complex", self.src[i:k]))
            return k
        self.toks.append(_Tok("number", self.src[i:j]))
        return j


# ---------------------------------------------------------------------------------------------------------------
# Literals (strconv as text/template/parse uses it)
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Number:
    """A number literal as the template gives it to Go code: ``int``, ``float`` or ``uint`` (overflows int)."""

    kind: Literal["int", "float", "uint"]
    value: int | float
    text: str


_SIMPLE_ESCAPES = {"a": 7, "b": 8, "f": 12, "n": 10, "r": 13, "t": 9, "v": 11, "\\": 92}


def _unquote_char(s: str, i: int, quote: str) -> tuple[int, bool, int]:
    """strconv.UnquoteChar at ``s[i]``: (value, whether it is a byte rather than a rune, next index)."""
    ch = s[i]
    if ch == quote:
        raise GoError("invalid syntax")
    if ch != "\\":
        return ord(ch), False, i + 1
    esc = s[i + 1 : i + 2]
    if esc in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[esc], False, i + 2
    if esc in ("'", '"'):
        if esc != quote:
            raise GoError("invalid syntax")
        return ord(esc), False, i + 2
    size = {"x": 2, "u": 4, "U": 8}.get(esc)
    if size:
        digits = s[i + 2 : i + 2 + size]
        if len(digits) != size or not all(c in _HEX[:-1] for c in digits):
            raise GoError("invalid syntax")
        value = int(digits, 16)
        if esc != "x" and (value > 0x10FFFF or 0xD800 <= value <= 0xDFFF):
            raise GoError("invalid syntax")
        return value, esc == "x", i + 2 + size
    digits = s[i + 1 : i + 4]
    if len(digits) == 3 and all(c in "01234567" for c in digits) and int(digits, 8) <= 255:
        return int(digits, 8), True, i + 4
    raise GoError("invalid syntax")


def _unquote(token: str) -> str:
    """strconv.Unquote of a string token; Unsupported when Go would hold bytes that are not valid UTF-8."""
    if token[0] == "`":
        return token[1:-1].replace("\r", "")
    body = token[1:-1]
    out = bytearray()
    i = 0
    while i < len(body):
        value, is_byte, i = _unquote_char(body, i, '"')
        out += bytes([value]) if is_byte else chr(value).encode()
    try:
        return out.decode()
    except UnicodeDecodeError:
        raise Unsupported("a string literal that is not valid UTF-8") from None


def _char_constant(token: str) -> _Number:
    value, _, end = _unquote_char(token, 1, "'")
    if token[end:] != "'":
        raise GoError(f"malformed character constant: {token}")
    return _Number("int", value, token)


def _parse_uint(s: str) -> int | None:
    """strconv.ParseUint(s, 0, 64); None on any error."""
    if not s:
        return None
    text, base = s, 10
    if s[0] == "0":
        base = {"b": 2, "o": 8, "x": 16}.get(s[1:2].lower(), 0) if len(s) >= 3 else 0
        text = s[2:] if base else s[1:]
        base = base or 8
    value = 0
    for ch in text:
        if ch == "_":
            continue
        digit = int(ch, 36) if ch.isascii() and ch.isalnum() else 99
        if digit >= base:
            return None
        value = value * base + digit
    if value >= 1 << 64 or ("_" in s and not go_underscores_ok(s)):
        return None
    return value


def _parse_int(s: str) -> int | None:
    """strconv.ParseInt(s, 0, 64); None on any error."""
    negative = s[:1] == "-"
    magnitude = _parse_uint(s[1:] if s[:1] in ("+", "-") else s)
    if magnitude is None or magnitude > (1 << 63) - (0 if negative else 1):
        return None
    return -magnitude if negative else magnitude


def _parse_float(s: str) -> float | None:
    """strconv.ParseFloat(s, 64) for the characters a number token holds; None on any error (overflow too)."""
    i = 1 if s[:1] in ("+", "-") else 0
    hex_mantissa = i + 2 < len(s) and s[i] == "0" and s[i + 1] in "xX"
    i += 2 if hex_mantissa else 0
    digits = _HEX if hex_mantissa else _DECIMAL
    mantissa_start, saw_dot = i, False
    while i < len(s) and (s[i] in digits or (s[i] == "." and not saw_dot)):
        saw_dot = saw_dot or s[i] == "."
        i += 1
    if not any(c in digits[:-1] for c in s[mantissa_start:i]):
        return None
    if i < len(s) and s[i] in ("pP" if hex_mantissa else "eE"):
        i += 2 if s[i + 1 : i + 2] in ("+", "-") else 1
        if not s[i : i + 1].isdigit():
            return None
        while i < len(s) and s[i] in _DECIMAL:
            i += 1
    elif hex_mantissa:
        return None
    if i != len(s) or ("_" in s and not go_underscores_ok(s)):
        return None
    text = s.replace("_", "")
    try:
        value = float.fromhex(text) if hex_mantissa else float(text)
    except OverflowError:
        return None
    return None if math.isinf(value) else value


def _number(token: str) -> _Number:
    """parse.NewNumber then exec's idealConstant: the Go value a number literal stands for."""
    if token.endswith("i") and _parse_float(token[:-1]) is not None:
        raise Unsupported("complex numbers")
    as_int, as_uint = _parse_int(token), _parse_uint(token)
    if as_int is None and as_uint is None:
        as_float = _parse_float(token)
        if as_float is None:
            raise GoError(f"illegal number syntax: {token!r}")
        if not any(c in token for c in ".eEpP"):
            raise GoError(f"integer overflow: {token!r}")
        return _Number("float", as_float, token)
    hex_int = token[:2] in ("0x", "0X") and not any(c in token for c in "pP")
    if not hex_int and any(c in token for c in ".eEpP"):
        return _Number("float", float(as_int if as_int is not None else as_uint or 0), token)
    if as_int is not None:
        return _Number("int", as_int, token)
    return _Number("uint", as_uint or 0, token)


# ---------------------------------------------------------------------------------------------------------------
# Parser (text/template/parse/parse.go)
# ---------------------------------------------------------------------------------------------------------------

_Node = tuple[Any, ...]
"""A parse-tree node: its kind (``"text"``, ``"action"``, ``"if"``, ``"field"``, ...) then that kind's parts."""


@dataclass
class _Pipe:
    decl: str | None
    assign: bool
    cmds: list[list[_Node]]


_LITERAL_NODES = frozenset({"bool", "dot", "nil", "number", "string"})
_OPERAND_START = _LITERAL_NODES | {"charconst", "complex", "field", "ident", "rawstring", "variable", "lparen"}


class _Parser:
    def __init__(self, toks: list[_Tok]) -> None:
        self.toks = toks
        self.i = 0
        self.vars = ["$"]

    def next(self) -> _Tok:
        tok = self.toks[min(self.i, len(self.toks) - 1)]
        self.i += 1
        return tok

    def peek(self) -> _Tok:
        return self.toks[min(self.i, len(self.toks) - 1)]

    def next_non_space(self) -> _Tok:
        tok = self.next()
        while tok.kind == "space":
            tok = self.next()
        return tok

    def peek_non_space(self) -> _Tok:
        tok = self.next_non_space()
        self.i -= 1
        return tok

    def parse(self) -> list[_Node]:
        nodes: list[_Node] = []
        while self.peek().kind != "eof":
            node = self.text_or_action()
            if node[0] in ("else", "end"):
                raise GoError(f"unexpected {{{{{node[0]}}}}}")
            nodes.append(node)
        return nodes

    def item_list(self) -> tuple[list[_Node], str]:
        nodes: list[_Node] = []
        while self.peek_non_space().kind != "eof":
            node = self.text_or_action()
            if node[0] in ("else", "end"):
                return nodes, node[0]
            nodes.append(node)
        raise GoError("unexpected EOF")

    def text_or_action(self) -> _Node:
        tok = self.next_non_space()
        if tok.kind == "text":
            return ("text", tok.text)
        if tok.kind != "left":  # pragma: no cover - the lexer only emits text and actions here
            raise GoError(f"unexpected {tok.kind} in input")
        tok = self.next_non_space()
        if tok.kind == "branch":
            raise Unsupported(f"{{{{{tok.text}}}}} actions")
        if tok.kind == "if":
            return self.if_control()
        if tok.kind == "end":
            self.expect_right("end")
            return ("end",)
        if tok.kind == "else":
            if self.peek_non_space().kind != "if":
                self.expect_right("else")
            return ("else",)
        self.i -= 1
        return ("action", self.pipeline("command", "right"))

    def expect_right(self, context: str) -> None:
        tok = self.next_non_space()
        if tok.kind != "right":
            raise GoError(f"unexpected {tok.kind} in {context}")

    def if_control(self) -> _Node:
        mark = len(self.vars)
        pipe = self.pipeline("if", "right")
        body, end = self.item_list()
        otherwise: list[_Node] = []
        if end == "else":
            if self.peek().kind == "if":  # {{else if ...}}: a nested if that shares the {{end}}
                self.next()
                otherwise = [self.if_control()]
            else:
                otherwise, end = self.item_list()
                if end != "end":
                    raise GoError("expected end; found {{else}}")
        del self.vars[mark:]
        return ("if", pipe, body, otherwise)

    def pipeline(self, context: str, end: str) -> _Pipe:
        pipe = _Pipe(None, False, [])
        if self.peek_non_space().kind == "variable":
            start = self.i
            variable = self.next()
            following = self.peek_non_space()
            if following.kind in ("assign", "declare"):
                self.next_non_space()
                pipe.decl, pipe.assign = variable.text, following.kind == "assign"
                self.vars.append(variable.text)
            elif following.kind == "char" and following.text == ",":
                raise GoError(f"too many declarations in {context}")
            else:
                self.i = start
        while True:
            tok = self.next_non_space()
            if tok.kind == end:
                _check_pipeline(pipe, context)
                return pipe
            if tok.kind not in _OPERAND_START:
                raise GoError(f"unexpected {tok.kind} {tok.text!r} in {context}")
            self.i -= 1
            pipe.cmds.append(self.command())

    def command(self) -> list[_Node]:
        args: list[_Node] = []
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                args.append(operand)
            tok = self.next()
            if tok.kind == "space":
                continue
            if tok.kind in ("right", "rparen"):
                self.i -= 1
            elif tok.kind != "pipe":
                raise GoError(f"unexpected {tok.kind} {tok.text!r} in operand")
            break
        if not args:
            raise GoError("empty command")
        return args

    def operand(self) -> _Node | None:
        node = self.term()
        if node is None or self.peek().kind != "field":
            return node
        fields: list[str] = []
        while self.peek().kind == "field":
            fields.append(self.next().text[1:])
        if node[0] == "field":
            return ("field", node[1] + fields)
        if node[0] == "variable":
            return ("variable", node[1], node[2] + fields)
        if node[0] in _LITERAL_NODES:
            raise GoError("unexpected . after term")
        if node[0] == "ident":
            raise Unsupported("field access on a function's result without parentheses")
        return ("chain", node, fields)

    def term(self) -> _Node | None:
        tok = self.next_non_space()
        kind = tok.kind
        if kind == "ident":
            if tok.text not in _FUNCTIONS:
                raise Unsupported(f"the function {tok.text!r}")
            return ("ident", tok.text)
        if kind in ("dot", "nil"):
            return (kind,)
        if kind == "variable":
            if tok.text not in self.vars:
                raise GoError(f"undefined variable {tok.text!r}")
            return ("variable", tok.text, [])
        if kind == "field":
            return ("field", [tok.text[1:]])
        if kind == "bool":
            return ("bool", tok.text == "true")
        if kind == "number":
            return ("number", _number(tok.text))
        if kind == "charconst":
            return ("number", _char_constant(tok.text))
        if kind == "complex":
            raise Unsupported("complex numbers")
        if kind == "lparen":
            return ("pipe", self.pipeline("parenthesized pipeline", "rparen"))
        if kind in ("string", "rawstring"):
            return ("string", _unquote(tok.text))
        self.i -= 1
        return None


def _check_pipeline(pipe: _Pipe, context: str) -> None:
    if not pipe.cmds:
        raise GoError(f"missing value for {context}")
    for stage, cmd in enumerate(pipe.cmds[1:], start=2):
        if cmd[0][0] in _LITERAL_NODES:
            raise GoError(f"non executable command in pipeline stage {stage}")


# ---------------------------------------------------------------------------------------------------------------
# Execution (text/template/exec.go)
# ---------------------------------------------------------------------------------------------------------------

_NO_FINAL = object()
"""No value piped in from a previous command (Go's missingVal)."""

_ParamType = Literal["any", "value", "string", "bool", "map", "time"]
"""Go parameter types: interface{}, reflect.Value, string, bool, map[string]interface{}, time.Time."""

_GO_PARAM_TYPES = {"string": "string", "bool": "bool", "map": "map[string]interface {}", "time": "time.Time"}


class _Runner:
    def __init__(self, dot: dict[str, object], now: datetime) -> None:
        self.dot = dot
        self.now = now
        self.vars: list[tuple[str, object]] = [("$", dot)]
        self.out: list[str] = []
        self.uuids = 0

    def uuid4(self) -> str:
        """sprig's uuidv4: a random version-4 UUID in Go; here drawn from the clock, so renders at one ``now`` agree."""
        self.uuids += 1
        digest = hashlib.sha256(f"{self.now.isoformat()}#{self.uuids}".encode()).digest()
        return str(uuid.UUID(bytes=digest[:16], version=4))

    def walk(self, nodes: Sequence[_Node]) -> None:
        for node in nodes:
            if node[0] == "text":
                self.out.append(node[1])
            elif node[0] == "action":
                value = self.pipeline(node[1])
                if node[1].decl is None:
                    self.out.append(go_print(value))
            else:
                mark = len(self.vars)
                self.walk(node[2] if go_truth(self.pipeline(node[1])) else node[3])
                del self.vars[mark:]

    def pipeline(self, pipe: _Pipe) -> object:
        value: object = _NO_FINAL
        for cmd in pipe.cmds:
            value = self.command(cmd, value)
            if value is None:  # a nil interface{} becomes Go's invalid value between commands
                value = MISSING
        if pipe.decl is not None:
            if pipe.assign:
                self.set_var(pipe.decl, value)
            else:
                self.vars.append((pipe.decl, value))
        return value

    def lookup(self, name: str) -> object:
        for var, value in reversed(self.vars):
            if var == name:
                return value
        raise GoError(f"undefined variable: {name}")

    def set_var(self, name: str, value: object) -> None:
        for index in range(len(self.vars) - 1, -1, -1):
            if self.vars[index][0] == name:
                self.vars[index] = (name, value)
                return
        raise GoError(f"undefined variable: {name}")

    def command(self, cmd: list[_Node], final: object) -> object:
        head = cmd[0]
        kind = head[0]
        with_args = len(cmd) > 1 or final is not _NO_FINAL
        if kind == "ident":
            return self.call(head[1], cmd[1:], final)
        if kind == "field":
            return _field_chain(self.dot, head[1], with_args)
        if kind == "chain":
            return _field_chain(self.pipeline(head[1][1]), head[2], with_args)
        if kind == "variable" and head[2]:
            return _field_chain(self.lookup(head[1]), head[2], with_args)
        if with_args:
            raise GoError("can't give argument to non-function")
        if kind == "nil":
            raise GoError("nil is not a command")
        if kind == "pipe":
            return self.pipeline(head[1])
        return self.literal(head, "any")

    def literal(self, node: _Node, ptype: _ParamType) -> object:
        """The value of a dot, variable or literal operand (evalArg's second half)."""
        kind = node[0]
        if kind == "dot":
            return self.dot
        if kind == "variable":
            return self.lookup(node[1])
        if kind == "nil":
            if ptype in ("string", "bool", "time"):
                raise GoError(f"cannot assign nil to {_GO_PARAM_TYPES[ptype]}")
            return _nil(ptype)
        if ptype == "map" or ptype == "time":
            raise GoError(f"can't handle {kind} for arg of type {_GO_PARAM_TYPES[ptype]}")
        expected = {"string": "string", "bool": "bool"}.get(ptype, kind)
        if kind != expected:
            raise GoError(f"expected {ptype}; found {kind}")
        if kind == "number":
            return _ideal(node[1])
        return node[1]

    def argument(self, node: _Node, ptype: _ParamType) -> object:
        """evalArg: the operand's value converted for a parameter of type ``ptype``."""
        kind = node[0]
        if kind == "field":
            return _validate(_field_chain(self.dot, node[1], False), ptype)
        if kind == "chain":
            return _validate(_field_chain(self.pipeline(node[1][1]), node[2], False), ptype)
        if kind == "variable" and node[2]:
            return _validate(_field_chain(self.lookup(node[1]), node[2], False), ptype)
        if kind == "pipe":
            return _validate(self.pipeline(node[1]), ptype)
        if kind == "ident":
            return _validate(self.call(node[1], [], _NO_FINAL), ptype)
        if kind in ("dot", "variable"):
            return _validate(self.literal(node, ptype), ptype)
        return self.literal(node, ptype)

    def call(self, name: str, args: Sequence[_Node], final: object) -> object:
        params, variadic, function = _FUNCTIONS[name]
        count = len(args) + (final is not _NO_FINAL)
        fixed = len(params) - 1 if variadic else len(params)
        if count < fixed or (not variadic and count != fixed):
            raise GoError(f"wrong number of args for {name}: want {fixed} got {count}")
        if name in ("and", "or"):
            return self.and_or(name == "or", args, final)
        values = [self.argument(arg, params[min(i, len(params) - 1)]) for i, arg in enumerate(args)]
        if final is not _NO_FINAL:
            values.append(_validate(final, params[min(len(args), len(params) - 1)]))
        if name == "now":
            return self.now
        if name == "uuidv4":
            return self.uuid4()
        try:
            return function(*values)
        except GoError as exc:
            raise GoError(f"error calling {name}: {exc}") from None

    def and_or(self, is_or: bool, args: Sequence[_Node], final: object) -> object:
        """The builtins ``and``/``or``: the first argument that decides, evaluated lazily, else the last one."""
        value: object = MISSING
        for arg in args:
            value = self.argument(arg, "value")
            if go_truth(value) == is_or:
                return value
        return value if final is _NO_FINAL else _validate(final, "value")


def _ideal(number: _Number) -> int | float:
    if number.kind == "uint":
        raise GoError(f"{number.text} overflows int")
    return number.value


def _validate(value: object, ptype: _ParamType) -> object:
    """validateType: a value (MISSING for Go's invalid value, None for a nil interface) passed as ``ptype``."""
    if value is MISSING:
        if ptype in ("string", "bool", "time"):
            raise GoError(f"invalid value; expected {_GO_PARAM_TYPES[ptype]}")
        return _nil(ptype)
    if ptype in ("any", "value"):
        return value
    if not _is_of_type(value, ptype):
        raise GoError(f"wrong type for value; expected {_GO_PARAM_TYPES[ptype]}; got {go_type(value)}")
    return value


def _nil(ptype: _ParamType) -> object:
    """What Go passes for nil (or its invalid value) as an ``any``, ``value`` or ``map`` parameter."""
    empty: dict[str, object] = {}
    return {"any": None, "value": MISSING, "map": empty}[ptype]


def _is_of_type(value: object, ptype: _ParamType) -> bool:
    wanted = {"string": str, "bool": bool, "map": dict, "time": datetime}[ptype]
    return isinstance(value, wanted)


def _field_chain(receiver: object, names: Sequence[str], with_args: bool) -> object:
    """``receiver.a.b``; the last field gets the command's arguments, which a map value cannot take."""
    for index, name in enumerate(names):
        if receiver is MISSING:
            return MISSING
        if receiver is None:
            raise GoError(f"nil pointer evaluating interface {{}}.{name}")
        if isinstance(receiver, datetime):
            raise Unsupported("methods of time values")
        if not is_dict(receiver):
            raise GoError(f"can't evaluate field {name} in type {go_type(receiver)}")
        if with_args and index == len(names) - 1:
            raise GoError(f"{name} is not a method but has arguments")
        receiver = receiver.get(name, MISSING)
    return receiver


# ---------------------------------------------------------------------------------------------------------------
# Functions: Go's builtins and the modelled sprig functions
# ---------------------------------------------------------------------------------------------------------------


class _Byte(int):
    """A Go uint8: what ``index`` gives for a string (one byte of its UTF-8 encoding)."""


def _is_nil(value: object) -> bool:
    return value is None or value is MISSING


def _basic_kind(value: object) -> str | None:
    """The comparison kind of eq/lt: bool, int, float, string; None for anything else."""
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "uint" if isinstance(value, _Byte) else "int"
    if isinstance(value, float):
        return "float"
    return "string" if isinstance(value, str) else None


def _fn_eq(first: object, *others: object) -> bool:
    if not others:
        raise GoError("missing argument for comparison")
    for other in others:
        if isinstance(first, datetime) or isinstance(other, datetime):
            raise Unsupported("comparing time values")
        k1, k2 = _basic_kind(first), _basic_kind(other)
        if {k1, k2} == {"int", "uint"}:
            if first == other:
                return True
        elif k1 != k2:
            if not _is_nil(first) and not _is_nil(other):
                raise GoError("incompatible types for comparison")
        elif k1 is not None:
            if first == other:
                return True
        elif _is_nil(first) or _is_nil(other):
            if _is_nil(first) and _is_nil(other):
                return True
        else:
            raise GoError("non-comparable types")
    return False


def _fn_lt(first: Any, second: Any) -> bool:
    k1, k2 = _basic_kind(first), _basic_kind(second)
    if k1 is None or k2 is None:
        raise GoError("invalid type for comparison")
    if k1 != k2 and {k1, k2} != {"int", "uint"}:
        raise GoError("incompatible types for comparison")
    if k1 == "bool":
        raise GoError("invalid type for comparison")
    return bool(first < second)


def _fn_le(first: object, second: object) -> bool:
    return _fn_lt(first, second) or _fn_eq(first, second)


def _fn_index(item: object, *keys: object) -> object:
    if _is_nil(item):
        raise GoError("index of untyped nil")
    for key in keys:
        if item is None:
            raise GoError("index of nil pointer")
        if is_dict(item):
            if not isinstance(key, str):
                raise GoError("value is nil; should be of type string" if _is_nil(key) else "wrong key type")
            item = item.get(key)
        elif is_list(item) or isinstance(item, str):
            if _is_nil(key) or isinstance(key, bool) or not isinstance(key, int):
                raise GoError(f"cannot index slice/array with type {go_type(key)}")
            items = item.encode() if isinstance(item, str) else item
            if not 0 <= key < len(items):
                raise GoError(f"index out of range: {key}")
            item = _Byte(items[key]) if isinstance(items, bytes) else items[key]
        else:
            raise GoError(f"can't index item of type {go_type(item)}")
    return item


def _fn_len(item: object) -> int:
    if isinstance(item, str):
        return len(item.encode())
    if is_list(item) or is_dict(item):
        return len(item)
    raise GoError(f"len of type {go_type(item)}")


def _sprint(values: Sequence[object], *, spaces_always: bool) -> str:
    """fmt.Sprint (a space between operands when neither is a string) or fmt.Sprintln without its newline."""
    out: list[str] = []
    for index, value in enumerate(values):
        if index and (spaces_always or not (isinstance(value, str) or isinstance(values[index - 1], str))):
            out.append(" ")
        out.append("<nil>" if value is None else go_print(value))
    return "".join(out)


def _fmt_verb(verb: str, value: object) -> str:
    if verb == "v":
        return "<nil>" if value is None else go_print(value)
    wanted = {"s": str, "d": int, "t": bool}[verb]
    if not isinstance(value, wanted) or (verb == "d" and isinstance(value, bool)):
        raise Unsupported(f"printf %{verb} of a {go_type(value)} value")
    return go_print(value)


def _fn_printf(text: str, *values: object) -> str:
    out: list[str] = []
    used = 0
    i = 0
    while i < len(text):
        if text[i] != "%":
            out.append(text[i])
            i += 1
            continue
        verb = text[i + 1 : i + 2]
        i += 2
        if verb in ("", "%"):
            out.append("%!(NOVERB)" if verb == "" else "%")
        elif verb not in ("v", "s", "d", "t"):
            raise Unsupported("printf verbs other than %v %s %d %t, or flags")
        elif used >= len(values):
            out.append(f"%!{verb}(MISSING)")
        else:
            out.append(_fmt_verb(verb, values[used]))
            used += 1
    if used < len(values):
        extra = ("<nil>" if v is None else f"{_type_of(v)}={go_print(v)}" for v in values[used:])
        out.append("%!(EXTRA " + ", ".join(extra) + ")")
    return "".join(out)


def _json_text(value: object, escape_html: bool) -> str:
    if _has_b_or_f(value):
        raise Unsupported("JSON of \\b or \\f (Go 1.22 changed how encoding/json escapes them)")
    return go_json(value, escape_html=escape_html)


def _has_b_or_f(value: object) -> bool:
    if isinstance(value, str):
        return "\b" in value or "\f" in value
    if is_dict(value):
        return any(_has_b_or_f(k) or _has_b_or_f(v) for k, v in value.items())
    return is_list(value) and any(_has_b_or_f(v) for v in value)


def _fn_to_json(value: object) -> str:
    try:
        return _json_text(value, True)
    except GoError:
        return ""  # sprig's toJson drops the marshalling error


def _fn_fail(message: str) -> str:
    raise GoError(message)


def _kind_of(value: object) -> str:
    if value is None:
        return "invalid"
    if isinstance(value, _Byte):
        return "uint8"
    if isinstance(value, datetime):
        return "struct"
    return {"map[string]interface {}": "map", "[]interface {}": "slice"}.get(go_type(value), go_type(value))


def _type_of(value: object) -> str:
    if isinstance(value, _Byte):
        return "uint8"
    return "<nil>" if value is None else go_type(value)


def _empty(value: object) -> bool:
    return not isinstance(value, datetime) and not go_truth(value)


def _fn_default(fallback: object, *given: object) -> object:
    return fallback if not given or _empty(given[0]) else given[0]


def _fn_coalesce(*values: object) -> object:
    return next((value for value in values if not _empty(value)), None)


_BASE64 = re.compile(r"(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?")


def _fn_b64dec(text: str) -> str:
    if not _BASE64.fullmatch(text):
        raise Unsupported("b64dec of text that is not padded standard base64 (sprig returns Go's error text)")
    try:
        return base64.b64decode(text).decode()
    except UnicodeDecodeError:
        raise Unsupported("b64dec of bytes that are not valid UTF-8") from None


def _ascii_only(function: Callable[[str], str]) -> Callable[[str], str]:
    def apply(text: str) -> str:
        if not text.isascii():
            raise Unsupported("changing the case of non-ASCII text (Go's and Python's Unicode rules differ)")
        return function(text)

    return apply


_GO_WHITE_SPACE = (
    "\t\n\v\f\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000"
)


def _fn_to_string(value: object) -> str:
    return value if isinstance(value, str) else ("<nil>" if value is None else go_print(value))


def _fn_unix_epoch(moment: datetime) -> str:
    return str(math.floor(moment.timestamp()))


class _RegexpError(Exception):
    pass


def _fn_regex_match(pattern: str, text: str) -> bool:
    """sprig's regexMatch: ``regexp.MatchString``, a pattern Go rejects matching nothing (sprig drops the error)."""
    try:
        return go_regexp_search(pattern, text, _RegexpError, Unsupported)
    except _RegexpError:
        return False


_URL_HEX = frozenset("0123456789abcdefABCDEF")


def _fn_url_parse(text: str) -> dict[str, object]:
    """sprig's urlParse for ``#<fragment>`` (``url.Parse`` of an empty URL with a fragment); else unsupported.

    The fragment is unescaped as net/url's ``unescape(_, encodeFragment)`` does: ``%XX`` becomes the byte, every
    other byte (``+`` included) stays; a ``%`` not followed by two hex digits is Go's "invalid URL escape", which
    urlParse turns into a panic that text/template reports as the call's error.
    """
    if not text.startswith("#"):
        raise Unsupported("urlParse of anything but a '#<fragment>'")
    raw = text[1:].encode()
    out = bytearray()
    i = 0
    while i < len(raw):
        if raw[i] == 0x25:  # %
            digits = raw[i + 1 : i + 3]
            if len(digits) < 2 or not all(chr(d) in _URL_HEX for d in digits):
                bad = raw[i : i + 3].decode(errors="replace")
                raise GoError(f"unable to parse url: parse {text!r}: invalid URL escape {bad!r}")
            out.append(int(digits, 16))
            i += 3
        else:
            out.append(raw[i])
            i += 1
    try:
        fragment = out.decode()
    except UnicodeDecodeError:
        raise Unsupported("a %-escaped fragment that is not valid UTF-8 (Go would hold invalid UTF-8)") from None
    keys = ("scheme", "host", "hostname", "path", "query", "opaque", "userinfo")
    return {**dict.fromkeys(keys, ""), "fragment": fragment}


_LAYOUT_CHUNKS = {"2006": "year", "01": "month", "02": "day", "15": "hour", "04": "minute", "05": "second"}


def _fn_date_in_zone(layout: str, moment: object, zone: str) -> str:
    """sprig's dateInZone for a time (or a Go int of epoch seconds) in UTC, with a numeric layout.

    Layouts: ``2006 01 02 15 04 05`` and the separators ``-/: T`` (not ``-07``, a zone offset); other layout
    elements, other zones and other values (sprig uses ``time.Now()`` for them) are unsupported.
    """
    if zone not in ("UTC", ""):
        raise Unsupported(f"dateInZone in zone {zone!r}")
    if isinstance(moment, int) and not isinstance(moment, bool) and 0 <= moment < 253402300800:
        moment = datetime.fromtimestamp(moment, timezone.utc)
    if not isinstance(moment, datetime):
        raise Unsupported("dateInZone of anything but a time or an int from 1970 to 9999")
    utc = moment.astimezone(timezone.utc)
    out: list[str] = []
    i = 0
    while i < len(layout):
        chunk = next((c for c in _LAYOUT_CHUNKS if layout.startswith(c, i)), None)
        if chunk is not None:
            out.append(f"{getattr(utc, _LAYOUT_CHUNKS[chunk]):0{len(chunk)}d}")
            i += len(chunk)
        elif layout[i] in "-/: T" and not layout.startswith("-07", i):
            out.append(layout[i])
            i += 1
        else:
            raise Unsupported(f"the date layout {layout!r}")
    return "".join(out)


def _by_the_runner(*_: object) -> None:
    """``and``/``or`` (evaluated lazily by ``_Runner.and_or``), ``now`` and ``uuidv4`` (the runner's clock and ids)."""


def _fn_not(value: object) -> bool:
    return not go_truth(value)


def _fn_ne(first: object, second: object) -> bool:
    return not _fn_eq(first, second)


def _fn_gt(first: object, second: object) -> bool:
    return not _fn_le(first, second)


def _fn_ge(first: object, second: object) -> bool:
    return not _fn_lt(first, second)


def _fn_print(*values: object) -> str:
    return _sprint(values, spaces_always=False)


def _fn_println(*values: object) -> str:
    return _sprint(values, spaces_always=True) + "\n"


def _fn_has_key(mapping: dict[str, object], key: str) -> bool:
    return key in mapping


def _fn_get(mapping: dict[str, object], key: str) -> object:
    return mapping.get(key, "")


def _fn_to_raw_json(value: object) -> str:
    return _json_text(value, False)


def _fn_kind_is(kind: str, value: object) -> bool:
    return kind == _kind_of(value)


def _fn_ternary(yes: object, no: object, flag: bool) -> object:
    return yes if flag else no


def _fn_b64enc(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def _fn_trim(text: str) -> str:
    return text.strip(_GO_WHITE_SPACE)


def _fn_contains(part: str, text: str) -> bool:
    return part in text


def _fn_has_prefix(part: str, text: str) -> bool:
    return text.startswith(part)


def _fn_has_suffix(part: str, text: str) -> bool:
    return text.endswith(part)


def _fn_replace(old: str, new: str, text: str) -> str:
    return text.replace(old, new)


def _fn_sha256sum(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _fn_trunc(count: object, text: str) -> str:
    """sprig's ``trunc``: the first ``count`` bytes (the last ``-count`` when negative), or all of ``text``."""
    if isinstance(count, float):
        raise Unsupported("trunc of a float count (Go takes an integral literal, refuses a number from the data)")
    if isinstance(count, bool) or not isinstance(count, int):
        raise GoError(f"wrong type for value; expected int; got {go_type(count)}")
    data = text.encode()
    if count < 0 and len(data) + count > 0:
        data = data[len(data) + count :]
    elif 0 <= count < len(data):
        data = data[:count]
    try:
        return data.decode()
    except UnicodeDecodeError:
        raise Unsupported("trunc cutting a UTF-8 character (Go keeps the invalid bytes)") from None


_FUNCTIONS: dict[str, tuple[tuple[_ParamType, ...], bool, Callable[..., object]]] = {
    # Go's builtins
    "and": (("value", "value"), True, _by_the_runner),
    "or": (("value", "value"), True, _by_the_runner),
    "not": (("value",), False, _fn_not),
    "eq": (("value", "value"), True, _fn_eq),
    "ne": (("value", "value"), False, _fn_ne),
    "lt": (("value", "value"), False, _fn_lt),
    "le": (("value", "value"), False, _fn_le),
    "gt": (("value", "value"), False, _fn_gt),
    "ge": (("value", "value"), False, _fn_ge),
    "len": (("value",), False, _fn_len),
    "index": (("value", "value"), True, _fn_index),
    "print": (("any",), True, _fn_print),
    "println": (("any",), True, _fn_println),
    "printf": (("string", "any"), True, _fn_printf),
    # sprig
    "hasKey": (("map", "string"), False, _fn_has_key),
    "get": (("map", "string"), False, _fn_get),
    "toJson": (("any",), False, _fn_to_json),
    "toRawJson": (("any",), False, _fn_to_raw_json),
    "fail": (("string",), False, _fn_fail),
    "kindIs": (("string", "any"), False, _fn_kind_is),
    "kindOf": (("any",), False, _kind_of),
    "typeOf": (("any",), False, _type_of),
    "default": (("any", "any"), True, _fn_default),
    "empty": (("any",), False, _empty),
    "coalesce": (("any",), True, _fn_coalesce),
    "ternary": (("any", "any", "bool"), False, _fn_ternary),
    "b64enc": (("string",), False, _fn_b64enc),
    "b64dec": (("string",), False, _fn_b64dec),
    "upper": (("string",), False, _ascii_only(str.upper)),
    "lower": (("string",), False, _ascii_only(str.lower)),
    "trim": (("string",), False, _fn_trim),
    "toString": (("any",), False, _fn_to_string),
    "contains": (("string", "string"), False, _fn_contains),
    "hasPrefix": (("string", "string"), False, _fn_has_prefix),
    "hasSuffix": (("string", "string"), False, _fn_has_suffix),
    "replace": (("string", "string", "string"), False, _fn_replace),
    "sha256sum": (("string",), False, _fn_sha256sum),
    "trunc": (("any", "string"), False, _fn_trunc),
    "now": ((), False, _by_the_runner),
    "unixEpoch": (("time",), False, _fn_unix_epoch),
    "regexMatch": (("string", "string"), False, _fn_regex_match),
    "urlParse": (("string",), False, _fn_url_parse),
    "dateInZone": (("string", "any", "string"), False, _fn_date_in_zone),
    "uuidv4": ((), False, _by_the_runner),
}
