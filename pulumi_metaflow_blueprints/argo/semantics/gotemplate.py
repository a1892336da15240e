"""Go ``text/template`` with a small subset of sprig, as Argo runs ``dataTemplate`` / ``contextTemplate``."""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal

from pulumi_metaflow_blueprints.argo.semantics._tokens import word_end
from pulumi_metaflow_blueprints.argo.semantics._values import (
    MISSING,
    GoError,
    Unsupported,
    go_json,
    go_kind,
    go_print,
    go_truth,
    go_type,
    to_go_value,
)


@dataclass(frozen=True)
class TemplateResult:
    """Outcome of executing a Go template: ``ok`` with its output, ``error`` (Go fails), or ``unsupported``."""

    status: Literal["ok", "error", "unsupported"]
    output: str = ""
    message: str = ""


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
        runner = _TemplateRunner({str(k): to_go_value(v) for k, v in data.items()}, now or datetime.now(timezone.utc))
        runner.run(nodes)
    except Unsupported as exc:
        return TemplateResult("unsupported", message=f"template uses {exc}, outside the supported subset")
    except GoError as exc:
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
                raise GoError("invalid syntax in quoted string")
            out.append(chr(int(digits, 16)))
            i += 2 + sizes[e]
            continue
        octal = body[i + 1 : i + 4]
        if re.fullmatch(r"[0-7]{3}", octal):
            out.append(chr(int(octal, 8)))
            i += 4
            continue
        raise GoError("invalid syntax in quoted string")
    return "".join(out)


def _lex_action(src: str, i: int) -> tuple[list[_Tok], int, bool]:
    toks: list[_Tok] = []
    n = len(src)
    while True:
        if i >= n:
            raise GoError("unclosed action")
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
            raise Unsupported("template comments")
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
                    raise GoError("unterminated quoted string")
                j += 2 if src[j] == "\\" else 1
            if j >= n:
                raise GoError("unterminated quoted string")
            toks.append(_Tok("str", src[i : j + 1], _go_unquote(src[i + 1 : j])))
            i = j + 1
            continue
        if ch == "`":
            j = src.find("`", i + 1)
            if j < 0:
                raise GoError("unterminated raw quoted string")
            toks.append(_Tok("str", src[i : j + 1], src[i + 1 : j]))
            i = j + 1
            continue
        if ch == "'":
            raise Unsupported("character constants")
        number = re.match(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?", src[i:])
        if number and (ch.isdigit() or (ch in "+-." and (nxt.isdigit() or nxt == "."))):
            text = number.group(0)
            after = src[i + len(text) : i + len(text) + 1]
            if after and (after.isalnum() or after in "_."):
                raise Unsupported(f"the number syntax {text + after!r}")
            value: Any = float(text) if re.search(r"[.eE]", text) else int(text)
            toks.append(_Tok("num", text, value))
            i += len(text)
            continue
        if ch == "." or ch == "$":
            j = word_end(src, i + 1)
            name = src[i + 1 : j]
            if ch == "$":
                toks.append(_Tok("var", "$" + name))
            else:
                toks.append(_Tok("field", name) if name else _Tok("dot", "."))
            i = j
            continue
        if ch.isalpha() or ch == "_":
            j = word_end(src, i)
            toks.append(_Tok("ident", src[i:j]))
            i = j
            continue
        raise GoError(f"unexpected {ch!r} in action")


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
                raise GoError("unexpected right paren")
        if tok.kind == kind and depth == 0:
            parts.append([])
        else:
            parts[-1].append(tok)
    if depth:
        raise GoError("unclosed left paren")
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
                raise GoError("missing value for command")
            head = toks[0]
            if head.kind == "ident" and head.text in ("else", "end"):
                if head.text not in terminators:
                    raise GoError(f"unexpected {{{{{head.text}}}}}")
                return nodes, head.text, toks[1:]
            if head.kind == "ident" and head.text == "if":
                nodes.append(self._if(toks[1:]))
                continue
            if head.kind == "ident" and head.text in _UNSUPPORTED_ACTIONS:
                raise Unsupported(f"{{{{{head.text}}}}} actions")
            nodes.append(("action", _parse_pipeline(toks)))
        if terminators:
            raise GoError("unexpected EOF: missing {{end}}")
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
                raise Unsupported("else followed by something other than if")
            else:
                otherwise, _, tail = self._list(frozenset({"end"}))
                if _strip_spaces(tail):
                    raise GoError("unexpected tokens in {{end}}")
        elif rest:
            raise GoError("unexpected tokens in {{end}}")
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
            raise Unsupported("multiple variable declarations")
    commands: list[list[tuple[Any, ...]]] = []
    for part in _split_tokens(toks, "pipe"):
        part = _strip_spaces(part)
        if not part:
            raise GoError("missing command")
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
        raise GoError(f"unexpected {toks[1].text!r} after {first.text!r}")
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
            raise GoError(f"unexpected {first.text!r} in operand")
        return ("ident", first.text)
    raise GoError(f"unexpected {first.text!r} in operand")


def _field_chain(toks: Sequence[_Tok]) -> list[str]:
    if any(tok.kind != "field" for tok in toks):
        raise GoError("unexpected token in field chain")
    return [tok.text for tok in toks]


def _check_template_functions(nodes: Sequence[tuple[Any, ...]]) -> None:
    def pipeline(pipe: _Pipeline) -> None:
        for command in pipe.commands:
            for operand in command:
                if operand[0] == "ident" and operand[1] not in _TEMPLATE_FUNCTIONS:
                    raise Unsupported(f"the function {operand[1]!r}")
                if operand[0] == "sub":
                    pipeline(operand[1])

    for node in nodes:
        if node[0] == "action":
            pipeline(node[1])
        elif node[0] == "if":
            pipeline(node[1])
            _check_template_functions(node[2])
            _check_template_functions(node[3])


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
                    self.out.append(go_print(value))
            else:
                mark = len(self.vars)
                chosen = node[2] if go_truth(self.pipeline(node[1])) else node[3]
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
        raise GoError(f"undefined variable: {name}")

    def command(self, command: list[tuple[Any, ...]], final: Any) -> Any:
        head = command[0]
        if head[0] == "ident":
            args = [self.argument(op) for op in command[1:]]
            if final is not _NO_ARG:
                args.append(final)
            return self.call(head[1], args)
        if head[0] == "nil":
            raise GoError("nil is not a command")
        if len(command) > 1 or final is not _NO_ARG:
            raise GoError("can't give argument to non-function")
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
            if receiver is MISSING:
                return MISSING
            if receiver is None:
                raise GoError(f"nil pointer evaluating interface {{}}.{name}")
            if not isinstance(receiver, Mapping):
                raise GoError(f"can't evaluate field {name} in type {go_type(receiver)}")
            receiver = receiver.get(name, MISSING)
        return receiver

    def call(self, name: str, args: list[Any]) -> Any:
        low, high = _TEMPLATE_FUNCTIONS[name]
        if len(args) < low or (high is not None and len(args) > high):
            raise GoError(f"wrong number of args for {name}: want {low} got {len(args)}")
        if name == "index":
            return _fn_index(args[0], args[1:])
        if name in ("toJson", "toRawJson"):
            value = None if args[0] is MISSING else args[0]
            try:
                return go_json(value, escape_html=name == "toJson")
            except GoError as exc:
                if name == "toJson":
                    return ""  # sprig's toJson drops the marshalling error
                raise GoError(f"error calling toRawJson: {exc}") from None
        if name == "kindIs":
            return go_kind(args[1]) == _as_go_string(args[0], name)
        if name == "not":  # Go's builtin: the negation of the argument's truth
            return not go_truth(args[0])
        if name == "fail":
            raise GoError(f"error calling fail: {_as_go_string(args[0], name)}")
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
                raise GoError(f"wrong type for value; expected time.Time; got {go_type(args[0])}")
            return str(math.floor(args[0].timestamp()))
        text = _as_go_string(args[0], name)
        if name == "b64enc":
            return base64.b64encode(text.encode()).decode()
        try:
            return base64.b64decode(text.encode(), validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise Unsupported("b64dec of input that is not valid base64 of UTF-8 text") from None


def _as_go_string(value: Any, function: str) -> str:
    if isinstance(value, str):
        return value
    if value is MISSING:
        raise GoError(f"invalid value; expected string (calling {function})")
    raise GoError(f"wrong type for value; expected string; got {go_type(value)} (calling {function})")


def _as_go_map(value: Any, function: str) -> Mapping[str, Any]:
    if isinstance(value, Mapping):
        return value
    if value is MISSING:
        return {}
    raise GoError(f"wrong type for value; expected map[string]interface {{}}; got {go_type(value)} ({function})")


def _fn_index(item: Any, indexes: Sequence[Any]) -> Any:
    if item is None or item is MISSING:
        raise GoError("error calling index: index of untyped nil")
    for key in indexes:
        if key is None or key is MISSING:
            raise GoError("error calling index: cannot index with nil")
        if item is None:
            raise GoError("error calling index: index of nil pointer")
        if isinstance(item, Mapping):
            if not isinstance(key, str):
                raise GoError(f"error calling index: value has type {go_type(key)}; should be string")
            item = item.get(key)
        elif isinstance(item, list):
            if isinstance(key, bool) or not isinstance(key, int):
                raise GoError(f"error calling index: cannot index slice/array with type {go_type(key)}")
            if not 0 <= key < len(item):
                raise GoError(f"error calling index: index out of range: {key}")
            item = item[key]
        elif isinstance(item, str):
            raise Unsupported("index on a string")
        else:
            raise GoError(f"error calling index: can't index item of type {go_type(item)}")
    return item
