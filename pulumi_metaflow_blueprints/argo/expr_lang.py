"""EventSource ``filter.expression``: the expr-lang (``github.com/antonmedv/expr``) subset our blueprints emit.

The EventSource evaluates the filter on the event *data* before publishing it (``filterEvent`` in
``pkg/eventsources/eventing.go``): the data JSON is decoded into a map (numbers are float64), ``-`` in its top-level
keys becomes ``_``, dotted top-level keys are expanded into nested maps, and ``expr.Eval`` runs the expression. So a
missing key reads as ``nil`` (``nil != "x"`` is true, ``"x" in nil`` is false), while reading a field *of* ``nil``,
indexing past an array's end, a non-bool ``&&`` operand or a non-bool result are errors, and an error drops the event
(Argo logs "Failed to filter event" and publishes nothing). This is expr, not govaluate: ``body.Event`` is a member
access.

Argo Events v1.9 pins expr v1.15.5 (its ``Eval`` type-checks with unknown variable types, then constant-folds); the
Debian package tests run against is v1.8.9 (no checker, no folding). Where the two can disagree we answer
``unsupported``: ``?.``, negative indexes, ``not`` before an operator other than ``in``, ``x && false``-style
operands that are not bools, ``in`` a list of string literals with a needle that is not a string, ``nil`` as a map
key, indexing strings, operands whose literal types v1.15.5 rejects at compile time (``1 == "a"``), and the names
v1.15.5 binds (its builtins such as ``len`` or ``type``, and Argo's ``asInt``, ``asFloat``, ``jsonpath``,
``toJson``, ``sprig``).

Modelled: ``nil``/``true``/``false``, integer and float literals, ``"..."``/``'...'`` strings (Go escapes),
identifiers, ``a.b``, ``a["b"]``, ``a[0]``, array literals, ``==``, ``!=``, ``<``, ``<=``, ``>``, ``>=``,
``&&``/``and``, ``||``/``or``, ``!``/``not``, ``in``/``not in``, ``matches`` (Go regexp), ``contains``,
``startsWith``, ``endsWith``, unary ``-``, parentheses. Anything else (function calls, arithmetic, ``??``, ternary,
ranges, pipes, closures, maps, comments, hex literals) is reported as unsupported, never guessed.
"""

import math
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Literal

from pulumi_metaflow_blueprints.argo.semantics._values import go_parse_float, go_type, is_number
from pulumi_metaflow_blueprints.argo.semantics.goregexp import GoRegexp, compile_go_regexp
from pulumi_metaflow_blueprints.argo.spec import is_array, is_dict, is_list, is_mapping

__all__ = [
    "ExprLangError",
    "ExprLangUnsupported",
    "SourceFilterResult",
    "SourceOutcome",
    "evaluate_event_source_filter",
    "evaluate_expr_lang",
    "expr_lang_env",
    "expr_lang_type",
]

SourceOutcome = Literal["pass", "fail", "error", "unsupported"]


@dataclass(frozen=True)
class SourceFilterResult:
    """Whether the EventSource keeps the event: ``pass`` (published), ``fail``/``error`` (dropped), or
    ``unsupported``. ``seen`` holds every path the expression read, with the value it found there."""

    expression: str
    outcome: SourceOutcome
    reason: str
    seen: dict[str, object] = field(default_factory=dict[str, object])


class ExprLangError(Exception):
    """An error expr reports when parsing, compiling or running (the EventSource drops the event)."""


class ExprLangUnsupported(Exception):
    """A construct outside the modelled subset, or one where expr v1.8.9 and v1.15.5 disagree."""


_BOUND_NAMES = frozenset({"asInt", "asFloat", "jsonpath", "toJson", "sprig"})
"""What Argo's ``GetFuncMap`` puts into the environment, over any data key of the same name."""

_V1_15_BUILTINS = frozenset(
    (  # noqa: SIM905 - the names as expr's builtin/builtin.go lists them
        "all none any one filter map find findIndex findLast findLastIndex count groupBy reduce len type abs ceil "
        "floor round int float string trim trimPrefix trimSuffix upper lower split splitAfter replace repeat join "
        "indexOf lastIndexOf hasPrefix hasSuffix max min sum mean median toJSON fromJSON toBase64 fromBase64 now "
        "duration date first last get take keys values toPairs fromPairs sort sortBy"
    ).split()
)
"""expr v1.15.5's builtins: its checker types an identifier of that name as the function, not the data."""


def expr_lang_env(data: object) -> dict[str, object]:
    """The variables the filter sees: the data's top-level keys (``-`` -> ``_``; ``a.b`` keys nested), with JSON
    numbers as float64 (``encoding/json`` fails on numbers beyond float64)."""
    if data is None:
        raise ExprLangUnsupported("event data that is null or absent (null: no variables; no bytes: an error)")
    if not is_mapping(data):
        raise ExprLangError(f"failed to unmarshal data: a JSON object is needed, not {type(data).__name__}")
    renamed = {str(key).replace("-", "_"): _json_value(value) for key, value in data.items()}
    if len(renamed) < len(data):
        raise ExprLangUnsupported("two data keys that differ only in '-' and '_' (Go keeps either, at random)")
    keys = sorted(renamed)
    for current, following in pairwise(keys):
        if following.startswith(current + "."):  # a less specific key loses to a dotted one
            renamed.pop(current, None)
    env: dict[str, object] = {}
    for key, value in renamed.items():
        *parents, last = key.split(".")
        node: dict[str, Any] = env
        for part in parents:
            child = node.get(part)
            node = child if is_dict(child) else node.setdefault(part, {})
        node[last] = value
    return env


def _json_value(value: object) -> object:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, (int, float)):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
        if math.isinf(number) or math.isnan(number):
            raise ExprLangError(f"failed to unmarshal data: cannot unmarshal number {value} into a float64")
        return number
    if is_mapping(value):
        return {str(k): _json_value(v) for k, v in value.items()}
    if is_array(value):
        return [_json_value(v) for v in value]
    raise ExprLangUnsupported(f"a {type(value).__name__} in the event data")


def evaluate_event_source_filter(expression: str, data: object) -> SourceFilterResult:
    """Run an EventSource ``filter.expression`` over the event data, as the EventSource does before publishing."""
    seen: dict[str, object] = {}
    try:
        value = evaluate_expr_lang(expression, expr_lang_env(data), seen)
    except ExprLangUnsupported as exc:
        return SourceFilterResult(expression, "unsupported", f"cannot evaluate {expression!r}: {exc}", seen)
    except ExprLangError as exc:
        reason = f"expr fails ({exc}): Argo logs 'Failed to filter event' and drops the event"
        return SourceFilterResult(expression, "error", reason, seen)
    if not isinstance(value, bool):
        reason = f"the result {_show(value)} is not a bool: Argo cannot cast it and drops the event"
        return SourceFilterResult(expression, "error", reason, seen)
    shown = ", ".join(f"{path} = {_show(v)}" for path, v in seen.items()) or "no fields read"
    if value:
        return SourceFilterResult(expression, "pass", f"{expression} is true ({shown}): the event is published", seen)
    return SourceFilterResult(expression, "fail", f"{expression} is false ({shown}): the event is dropped", seen)


def evaluate_expr_lang(expression: str, env: Mapping[str, object], seen: dict[str, object] | None = None) -> object:
    """Evaluate ``expression`` over ``env`` as ``expr.Eval`` does (raises ``ExprLangError`` where expr fails and
    ``ExprLangUnsupported`` outside the subset; records reads in ``seen``)."""
    tree = _Parser(_tokens(expression)).parse()
    evaluator = _Evaluator(env, seen if seen is not None else {})
    try:
        _static_type(tree)
    except _CheckFailed as exc:
        try:
            evaluator.eval(tree, folding=False)
        except ExprLangError:  # v1.8.9 fails too
            raise ExprLangError(str(exc)) from None
        raise ExprLangUnsupported(f"{exc}: expr v1.15.5 rejects it when compiling, v1.8.9 runs it") from None
    return evaluator.eval(tree)


def expr_lang_type(value: object) -> str:
    """The Go type (``%T``) of a value ``evaluate_expr_lang`` returns."""
    if value is None:
        return "<nil>"
    if isinstance(value, int) and not isinstance(value, bool):
        return "int"
    return go_type(value)


def _show(value: object) -> str:
    if value is None:
        return "nil"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


# ------------------------------------------------------------------------------------------------------------
# Lexer (parser/lexer: the same in v1.8.9 and v1.15.5 for what is modelled)
# ------------------------------------------------------------------------------------------------------------

_Token = tuple[str, Any]
_Node = tuple[Any, ...]

_GO_SPACE = frozenset("\t\n\v\f\r \x85\xa0\u1680\u2028\u2029\u202f\u205f\u3000") | frozenset(
    chr(c) for c in range(0x2000, 0x200B)
)
_WORD_OPERATORS = frozenset({"and", "or", "in", "matches", "contains", "startsWith", "endsWith"})
_NOT_OPERANDS = frozenset({"in", "matches", "contains", "startsWith", "endsWith"})
_TWO_CHAR = frozenset({"&&", "||", "!=", "==", "<=", ">="})
_UNSUPPORTED_CHARS = {"?": "'?', '?.' and '??'", "/": "'/' and comments", "#": "'#'", "{": "maps and closures"}
_UNSUPPORTED_CHARS.update({"}": "maps and closures", ":": "slices and ternaries", "%": "'%'", "+": "'+'"})
_UNSUPPORTED_CHARS.update({"^": "'^'", ";": "'let'", "$": "'$' names", "*": "'*' and '**'", "|": "pipes"})
_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v", "\\": "\\"}
_HEX_ESCAPES = {"x": 2, "u": 4, "U": 8}
_DIGITS = "0123456789_"


def _go_alnum(ch: str) -> bool:
    """expr's ``IsAlphaNumeric``: a letter, a decimal digit, ``_`` or ``$``."""
    return ch.isalpha() or ch in "_$" or unicodedata.category(ch) == "Nd"


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch in _GO_SPACE:
            i += 1
        elif ch in "\"'":
            value, i = _string(text, i)
            out.append(("str", value))
        elif "0" <= ch <= "9" or (ch == "." and "0" <= text[i + 1 : i + 2] <= "9"):
            value, i = _number(text, i)
            out.append(("num", value))
        elif text.startswith("||", i):
            out.append(("op", "||"))
            i += 2
        elif ch in _UNSUPPORTED_CHARS:
            raise ExprLangUnsupported(f"the syntax {_UNSUPPORTED_CHARS[ch]}")
        elif _go_alnum(ch):
            i = _word(text, i, out)
        elif ch in "()[],-.":
            if text.startswith("..", i):
                raise ExprLangUnsupported("ranges (..)")
            out.append(("bracket" if ch in "()[]" else "op", ch))
            i += 1
        elif ch in "&!=<>":
            pair = text[i : i + 2]
            if pair in _TWO_CHAR:
                out.append(("op", pair))
                i += 2
            elif pair[1:] in ("|", "*"):
                raise ExprLangUnsupported(f"the operator {pair!r}")
            elif pair[1:] in ("&", "="):
                raise ExprLangError(f"unexpected token Operator({pair!r})")
            else:
                out.append(("op", ch))
                i += 1
        else:
            raise ExprLangError(f"unrecognized character: {ch!r}")
    return out


def _word(text: str, start: int, out: list[_Token]) -> int:
    end = start
    while end < len(text) and _go_alnum(text[end]):
        end += 1
    word = text[start:end]
    if word == "not":
        return _not(text, end, out)
    if word == "let":
        raise ExprLangUnsupported("'let' (an operator in expr v1.15.5, a name in v1.8.9)")
    out.append(("op" if word in _WORD_OPERATORS else "ident", word))
    return end


def _not(text: str, end: int, out: list[_Token]) -> int:
    """v1.8.9 reads ``not in`` only with exactly one space; v1.15.5 reads ``not`` before any operator."""
    if text.startswith(" in", end):
        if end + 3 < len(text) and _go_alnum(text[end + 3]):
            raise ExprLangUnsupported("'not in' followed by a name (the expr versions split it differently)")
        out.append(("op", "not in"))
        return end + 3
    after = end
    while after < len(text) and text[after] == " ":
        after += 1
    following = after
    while following < len(text) and _go_alnum(text[following]):
        following += 1
    if text[after:following] in _NOT_OPERANDS:
        raise ExprLangUnsupported(f"'not {text[after:following]}' (only expr v1.15.5 reads it)")
    out.append(("op", "not"))
    return end


def _number(text: str, start: int) -> tuple[int | float, int]:
    """expr's ``scanNumber`` then the parser's ``strconv`` call (an int unless the literal has ``.``/``e``)."""
    i = start + 1 if text[start] == "." else start
    if text.startswith(("0x", "0X", "0o", "0O", "0b", "0B"), i):
        raise ExprLangUnsupported("hex, octal and binary literals")
    i = _run(text, i, _DIGITS)
    if text.startswith(".", i) and not text.startswith("..", i):
        i = _run(text, i + 1, _DIGITS)
    if text[i : i + 1] in ("e", "E"):
        i += 1
        if text[i : i + 1] in ("+", "-"):
            i += 1
        i = _run(text, i, _DIGITS)
    raw = text[start:i]
    if i < len(text) and _go_alnum(text[i]):
        raise ExprLangError(f"bad number syntax: {text[start : i + 1]!r}")
    value = raw.replace("_", "")
    if any(c in value for c in ".eE"):
        number = go_parse_float(value)
        if number is None or math.isinf(number):
            raise ExprLangError(f"invalid float literal: {raw!r}")
        return number, i
    integer = int(value)
    if integer >= 2**63:
        raise ExprLangError(f"invalid integer literal: {raw!r} is out of range")
    return integer, i


def _run(text: str, i: int, chars: str) -> int:
    while i < len(text) and text[i] in chars:
        i += 1
    return i


def _string(text: str, start: int) -> tuple[str, int]:
    """expr's ``scanString`` + ``unescape``: Go escapes, no raw newline, a raw ``\\r`` read as ``\\n``."""
    quote = text[start]
    out: list[str] = []
    i = start + 1
    while True:
        if i >= len(text) or text[i] == "\n":
            raise ExprLangError("literal not terminated")
        ch = text[i]
        if ch == quote:
            return "".join(out), i + 1
        if ch == "\\":
            value, i = _escape(text, i + 1, quote)
            out.append(value)
        else:
            out.append("\n" if ch == "\r" else ch)
            i += 1


def _escape(text: str, i: int, quote: str) -> tuple[str, int]:
    ch = text[i : i + 1]
    if ch and (ch in _ESCAPES or ch == quote):
        return _ESCAPES.get(ch, ch), i + 1
    if ch and ch in "01234567":
        digits = text[i : i + 3]
        if len(digits) < 3 or any(c not in "01234567" for c in digits):
            raise ExprLangError("invalid char escape")
        if ch > "3":
            raise ExprLangError("unable to unescape octal sequence in string")
        return chr(int(digits, 8)), i + 3
    if ch in _HEX_ESCAPES:
        size = _HEX_ESCAPES[ch]
        digits = text[i + 1 : i + 1 + size]
        if len(digits) < size or any(c not in "0123456789abcdefABCDEF" for c in digits):
            raise ExprLangError("invalid char escape")
        code = int(digits, 16)
        if code > 0x10FFFF:
            raise ExprLangError("unable to unescape string")
        return ("\ufffd" if 0xD800 <= code <= 0xDFFF else chr(code)), i + 1 + size
    raise ExprLangError("invalid char escape")


# ------------------------------------------------------------------------------------------------------------
# Parser (expr's precedence climbing: or 10 < and 15 < comparisons 20 < not 50 < unary minus < member access)
# ------------------------------------------------------------------------------------------------------------

_BINARY = {"||": 10, "or": 10, "&&": 15, "and": 15}
_BINARY.update(dict.fromkeys(("==", "!=", "<", "<=", ">", ">=", "in", "not in", "matches"), 20))
_BINARY.update(dict.fromkeys(("contains", "startsWith", "endsWith"), 20))
_LOGICAL = {"or": "||", "and": "&&"}


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def peek(self) -> _Token:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else ("eof", None)

    def take(self) -> _Token:
        token = self.peek()
        if token[0] == "eof":
            raise ExprLangError("unexpected end of expression")
        self.pos += 1
        return token

    def expect(self, token: _Token) -> None:
        if self.take() != token:
            raise ExprLangError(f"unexpected token {self.tokens[self.pos - 1][1]!r}")

    def parse(self) -> _Node:
        tree = self.expression(0)
        if self.peek()[0] != "eof":
            raise ExprLangError(f"unexpected token {self.peek()[1]!r}")
        return tree

    def expression(self, precedence: int) -> _Node:
        left = self.primary()
        while (token := self.peek())[0] == "op":
            op = token[1]
            if op in ("not", "-"):
                raise ExprLangUnsupported(f"the binary operator {op!r} (arithmetic, or 'not' before an operator)")
            if op not in _BINARY or _BINARY[op] < precedence:
                if op == "not in" and precedence > _BINARY[op]:
                    raise ExprLangUnsupported(
                        "'not in' after an operand of '!', '-' or a comparison (expr v1.15.5 drops the 'not' there)"
                    )
                break
            self.take()
            right = self.expression(_BINARY[op] + 1)
            if op == "matches" and _ungrouped(right)[0] == "lit" and isinstance(_ungrouped(right)[1], str):
                right = ("regexp", _compile(_ungrouped(right)[1]))
            left = (_LOGICAL.get(op, op), left, right) if _BINARY[op] < 20 else ("cmp", op, left, right)
        return left

    def primary(self) -> _Node:
        kind, value = self.take()
        if kind == "op" and value in ("!", "not", "-"):
            operand = self.expression(50 if value != "-" else 90)
            return self.postfix(("not" if value != "-" else "neg", operand))
        if (kind, value) == ("bracket", "("):
            inner = self.expression(0)
            self.expect(("bracket", ")"))
            return self.postfix(("group", inner))
        if kind in ("num", "str"):
            return ("lit", value)
        if kind == "ident":
            return self.identifier(value)
        if (kind, value) == ("bracket", "["):
            return self.postfix(self.array())
        if (kind, value) == ("op", "."):
            raise ExprLangError("cannot use pointer accessor outside closure")
        raise ExprLangError(f"unexpected token {value!r}")

    def identifier(self, name: str) -> _Node:
        if name in ("true", "false", "nil"):
            return ("lit", {"true": True, "false": False, "nil": None}[name])  # no member access on these
        if self.peek() == ("bracket", "("):
            raise ExprLangUnsupported(f"function calls ({name}(...))")
        if name in _BOUND_NAMES or name in _V1_15_BUILTINS:
            raise ExprLangUnsupported(f"the name {name!r} (a function in Argo's expr environment)")
        return self.postfix(("name", name))

    def array(self) -> _Node:
        items: list[_Node] = []
        while self.peek() != ("bracket", "]"):
            if items:
                self.expect(("op", ","))
                if self.peek() == ("bracket", "]"):
                    break
            items.append(self.expression(0))
        self.take()
        return ("array", items)

    def postfix(self, node: _Node) -> _Node:
        while (token := self.peek()) in (("op", "."), ("bracket", "[")):
            self.take()
            if token == ("bracket", "["):
                index = self.expression(0)
                self.expect(("bracket", "]"))
                node = ("member", node, index)
                continue
            kind, name = self.take()
            if kind == "op" and name in _WORD_OPERATORS | {"not", "not in"}:
                raise ExprLangUnsupported(f"the operator word {name!r} as a field name")
            if kind != "ident":
                raise ExprLangError("expected name")
            if self.peek() == ("bracket", "("):
                raise ExprLangUnsupported(f"method calls (.{name}(...))")
            node = ("member", node, ("lit", name))
        return node


def _ungrouped(node: _Node) -> _Node:
    """The node without its parentheses (expr's AST has none)."""
    while node[0] == "group":
        node = node[1]
    return node


def _compile(pattern: str) -> GoRegexp:
    regex = compile_go_regexp(pattern)
    if regex.error:
        raise ExprLangError(regex.error)
    if regex.unsupported:
        raise ExprLangUnsupported(regex.unsupported)
    return regex


# ------------------------------------------------------------------------------------------------------------
# expr v1.15.5's compile-time checks (checker with unknown variable types, and its constant folding of && / ||)
# ------------------------------------------------------------------------------------------------------------


class _CheckFailed(Exception):
    """expr v1.15.5's checker rejects the expression."""


_NUMBERS = ("int", "float")
_Type = str | tuple[str, "_Type | None"]
"""A type expr v1.15.5's checker gives a node: nil, bool, int, float, string, any or ("array", elem); elem None when
the elements' types differ."""


def _static_type(node: _Node) -> _Type:
    """The type expr v1.15.5's checker gives ``node``: nil, bool, int, float, string, any or ("array", elem)."""
    kind = node[0]
    if kind == "lit":
        value = node[1]
        if value is None or isinstance(value, bool):
            return "nil" if value is None else "bool"
        return "int" if isinstance(value, int) else "float" if isinstance(value, float) else "string"
    if kind == "name":
        return "any"
    if kind == "group":
        return _static_type(node[1])
    if kind == "regexp":
        return "string"
    if kind == "array":
        return _array_type([_static_type(item) for item in node[1]])
    if kind == "member":
        return _member_type(_static_type(node[1]), _static_type(node[2]), node[2])
    if kind in ("not", "neg"):
        inner = _static_type(node[1])
        allowed = ("bool", "any") if kind == "not" else (*_NUMBERS, "any")
        if inner not in allowed:
            raise _CheckFailed(f"invalid operation: {'!' if kind == 'not' else '-'} (mismatched type {inner})")
        return "bool" if kind == "not" else inner
    if kind in ("&&", "||"):
        return _binary_type(kind, _static_type(node[1]), _static_type(node[2]), ("bool",))
    return _comparison_type(node[1], _static_type(node[2]), _static_type(node[3]))


def _kind(t: _Type) -> str | None:
    if t == "nil":
        return None
    return "array" if isinstance(t, tuple) else "float" if t == "float" else str(t)


def _array_type(types: list[_Type]) -> _Type:
    same = all(
        _kind(prev) is not None and _kind(curr) is not None and _kind(prev) == _kind(curr)
        for prev, curr in pairwise(types)
    )
    return ("array", types[-1] if same and types and types[-1] != "nil" else None)


def _member_type(base: _Type, key: _Type, key_node: _Node) -> _Type:
    if base == "any":
        return "any"
    if isinstance(base, tuple) and key in ("int", "any"):
        return "any"
    where = f"[{key_node[1]}]" if key_node[0] == "lit" else ""
    raise _CheckFailed(f"type {base}{where} is undefined")


def _comparable(left: _Type, right: _Type) -> bool:
    if left == "nil" or right == "nil" or "any" in (left, right):
        return True
    return _kind(left) == _kind(right) or (left in _NUMBERS and right in _NUMBERS)


def _binary_type(op: str, left: _Type, right: _Type, wanted: tuple[str, ...]) -> str:
    """``isX(l) && isX(r)`` or expr's ``or(l, r, isX...)``: both any, or one any and the other wanted."""
    if (left in wanted and right in wanted and (left in _NUMBERS) == (right in _NUMBERS)) or (
        "any" in (left, right) and {left, right} <= {"any", *wanted}
    ):
        return "bool"
    raise _CheckFailed(f"invalid operation: {op} (mismatched types {left} and {right})")


def _comparison_type(op: str, left: _Type, right: _Type) -> str:
    if op in ("==", "!="):
        if _comparable(left, right):
            return "bool"
        raise _CheckFailed(f"invalid operation: {op} (mismatched types {left} and {right})")
    if op in ("<", "<=", ">", ">="):
        if left in _NUMBERS and right in _NUMBERS:
            return "bool"
        return _binary_type(op, left, right, (*_NUMBERS, "string"))
    if op in ("in", "not in"):
        if isinstance(right, tuple):
            if left == "nil" or right[1] is None or _comparable(left, right[1]):
                return "bool"
            raise _CheckFailed(f"cannot use {left} as type {right[1]} in array")
        if (left == "any" and right == "string") or right == "any":
            return "bool"
        raise _CheckFailed(f"invalid operation: in (mismatched types {left} and {right})")
    return _binary_type(op, left, right, ("string",))


def _folded_bool(node: _Node) -> bool | None:
    """The bool literal expr v1.15.5's optimizer folds ``node`` to (``!true``, ``x && false``, ``1 == 1``, ...)."""
    kind = node[0]
    if kind == "lit" and isinstance(node[1], bool):
        return node[1]
    if kind == "group":
        return _folded_bool(node[1])
    if kind == "not":
        inner = _folded_bool(node[1])
        return None if inner is None else not inner
    if kind in ("&&", "||"):
        identity = kind == "&&"
        left, right = _folded_bool(node[1]), _folded_bool(node[2])
        if left is identity:
            return right
        if right is identity:
            return left
        return (not identity) if (not identity) in (left, right) else None
    if kind == "cmp" and node[1] == "==":
        left, right = _folded_literal(node[2]), _folded_literal(node[3])
        if left is not None and right is not None and type(left) is type(right) and not isinstance(left, float):
            return left == right
    return None


def _folded_literal(node: _Node) -> object:
    """An int, string or bool constant the optimizer folds ``node`` to (floats are never compared by it)."""
    kind, operand = node[0], node[1]
    if kind == "lit":
        return operand
    if kind in ("group", "neg"):
        inner = _folded_literal(operand)
        return inner if kind == "group" else -inner if is_number(inner) else None
    return _folded_bool(node)


# ------------------------------------------------------------------------------------------------------------
# Evaluation (expr v1.8.9's vm, answering unsupported where v1.15.5's runtime differs)
# ------------------------------------------------------------------------------------------------------------


def _type_name(value: object) -> str:
    return "nil" if value is None else expr_lang_type(value)


def _equal(left: object, right: object) -> bool:
    """expr's ``equal``: numbers across int and float64, strings, then ``reflect.DeepEqual``."""
    if is_number(left) and is_number(right):
        both_int = isinstance(left, int) and isinstance(right, int)
        return left == right if both_int else float(left) == float(right)
    return _deep_equal(left, right)


def _deep_equal(left: object, right: object) -> bool:
    if expr_lang_type(left) != expr_lang_type(right):
        return False
    if is_list(left) and is_list(right):
        return len(left) == len(right) and all(_deep_equal(a, b) for a, b in zip(left, right, strict=True))
    if is_mapping(left) and is_mapping(right):
        return left.keys() == right.keys() and all(_deep_equal(left[k], right[k]) for k in left)
    return left == right


def _ordered(left: object, right: object) -> tuple[Any, Any]:
    """Both numbers (float unless both int) or both strings, to compare; else (None, None)."""
    if is_number(left) and is_number(right):
        both_int = isinstance(left, int) and isinstance(right, int)
        return (left, right) if both_int else (float(left), float(right))
    if isinstance(left, str) and isinstance(right, str):
        return left, right
    return None, None


class _Evaluator:
    def __init__(self, env: Mapping[str, object], seen: dict[str, object]) -> None:
        self.env = env
        self.seen = seen
        self.folding = True

    def eval(self, node: _Node, folding: bool = True) -> object:
        self.folding = folding
        return self.value(node)[0]

    def value(self, node: _Node) -> tuple[object, str | None]:
        """The node's value and, for variable reads, the path shown to the user."""
        kind = node[0]
        if kind in ("lit", "regexp"):
            return node[1], None
        if kind == "group":
            return self.value(node[1])
        if kind == "name":
            value = self.env.get(node[1])
            self.seen[node[1]] = value
            return value, node[1]
        if kind == "member":
            return self.member(node)
        if kind == "array":
            return [self.value(item)[0] for item in node[1]], None
        if kind == "not":
            value = self.value(node[1])[0]
            if not isinstance(value, bool):
                raise ExprLangError(f"interface conversion: interface {{}} is {_type_name(value)}, not bool")
            return not value, None
        if kind == "neg":
            value = self.value(node[1])[0]
            if not is_number(value):
                raise ExprLangError(f"invalid operation: - {_type_name(value)}")
            return -value, None
        if kind in ("&&", "||"):
            return self.logical(kind, node[1], node[2]), None
        left, right = self.value(node[2])[0], self.value(node[3])[0]
        return self.compare(node[1], left, right, node[3]), None

    def logical(self, op: str, left_node: _Node, right_node: _Node) -> object:
        folded = _folded_bool(right_node) if self.folding and _folded_bool(left_node) is None else None
        try:
            left = self.value(left_node)[0]
        except ExprLangError:
            if folded is not None and folded is not (op == "&&"):
                raise ExprLangUnsupported(
                    f"'{op} {str(folded).lower()}' after an operand that fails (expr v1.15.5 folds the operand away)"
                ) from None
            raise
        if not isinstance(left, bool):
            if folded is not None:
                raise ExprLangUnsupported(
                    f"'{op} {str(folded).lower()}' after a {_type_name(left)} (expr v1.15.5 folds it, v1.8.9 fails)"
                )
            raise ExprLangError(f"interface conversion: interface {{}} is {_type_name(left)}, not bool")
        if left is (op == "||"):  # short-circuit: false && ..., true || ...
            return left
        return self.value(right_node)[0]  # not checked: `true && "x"` is "x"

    def member(self, node: _Node) -> tuple[object, str | None]:
        base, path = self.value(node[1])
        key = self.value(node[2])[0]
        shown = f"{path}.{key}" if path is not None and isinstance(key, str) else None
        if shown is None and path is not None:
            shown = f"{path}[{key!r}]"
        value = self.fetch(base, key)
        if shown:
            self.seen[shown] = value
            if path in self.seen and isinstance(self.seen[path], (dict, list)):
                del self.seen[path]  # show the leaf, not the whole object it was read from
        return value, shown

    def fetch(self, base: object, key: object) -> object:
        if is_mapping(base):
            if key is None:
                raise ExprLangUnsupported('nil as a map key (expr v1.15.5 reads the key "", v1.8.9 fails)')
            if not isinstance(key, str):
                raise ExprLangError(f"cannot use {_type_name(key)} as a map key")
            return base.get(key)
        if is_list(base) and is_number(key):
            if abs(key) >= 2**53:
                raise ExprLangUnsupported(f"the index {key}")
            index = math.trunc(key)
            if index >= len(base) or index < -len(base):
                raise ExprLangError(f"index out of range: {index} (array of length {len(base)})")
            if index < 0:
                raise ExprLangUnsupported("negative indexes (expr v1.15.5 counts from the end, v1.8.9 fails)")
            return base[index]
        if isinstance(base, str) and is_number(key):
            raise ExprLangUnsupported("indexing a string (a byte in Go)")
        raise ExprLangError(f"cannot fetch {key} from {_type_name(base)}")

    def compare(self, op: str, left: object, right: object, right_node: _Node) -> bool:
        if op in ("==", "!="):
            return _equal(left, right) == (op == "==")
        if op in ("<", "<=", ">", ">="):
            a, b = _ordered(left, right)
            if a is None:
                raise ExprLangError(f"invalid operation: {_type_name(left)} {op} {_type_name(right)}")
            return {"<": a < b, "<=": a <= b, ">": a > b, ">=": a >= b}[op]
        if op in ("in", "not in"):
            return self.contains(right, left, right_node) == (op == "in")
        if op == "matches":
            if isinstance(right, str):
                right = _compile(right)
            if not isinstance(left, str) or not isinstance(right, GoRegexp):
                raise ExprLangError(f"interface conversion: {_type_name(left)} matches {_type_name(right)}")
            return right.search(left)
        if not isinstance(left, str) or not isinstance(right, str):
            raise ExprLangError(f"interface conversion: {_type_name(left)} {op} {_type_name(right)}")
        if op == "contains":
            return right in left
        return left.startswith(right) if op == "startsWith" else left.endswith(right)

    def contains(self, haystack: object, needle: object, haystack_node: _Node) -> bool:
        if haystack is None:
            return False
        if is_list(haystack):
            if _string_literals(haystack_node) and not isinstance(needle, str):
                if needle is not None or "" in haystack:
                    raise ExprLangUnsupported(
                        "'in' a list of strings with a needle that is not a string (expr "
                        "v1.15.5 turns the list into a map)"
                    )
                return False
            return any(_equal(item, needle) for item in haystack)
        if is_mapping(haystack):
            if needle is None:
                raise ExprLangUnsupported("nil 'in' a map (expr v1.15.5 looks up \"\", v1.8.9 fails)")
            if not isinstance(needle, str):
                raise ExprLangError(f"cannot use {_type_name(needle)} as a map key")
            return needle in haystack
        raise ExprLangError(f'operator "in" not defined on {_type_name(haystack)}')


def _string_literals(node: _Node) -> bool:
    """An array literal of string literals only (expr v1.15.5's optimizer makes it a map[string]struct{})."""
    node = _ungrouped(node)
    return node[0] == "array" and bool(node[1]) and all(i[0] == "lit" and isinstance(i[1], str) for i in node[1])
