"""govaluate expressions, as Argo's ``filters.exprs`` evaluate them (comparisons, logic, regexp, ``in``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from pulumi_metaflow_blueprints.argo.semantics._tokens import TokenCursor, word_end
from pulumi_metaflow_blueprints.argo.semantics._values import (
    GoError,
    Unsupported,
    compare,
    go_parse_float,
    is_number,
    to_go_value,
)
from pulumi_metaflow_blueprints.argo.semantics.goregexp import go_regexp_search


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
        return ExprValue("ok", _expr_eval(tree, {k: to_go_value(v) for k, v in parameters.items()}))
    except Unsupported as exc:
        return ExprValue("unsupported", message=f"cannot evaluate {expression!r}: {exc}")
    except GoError as exc:
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
                raise Unsupported("hexadecimal literals")
            j = i
            while j < n and (expr[j].isdigit() or expr[j] == "."):
                j += 1
            number = go_parse_float(expr[i:j])
            if number is None:
                raise GoError(f"Unable to parse numeric value '{expr[i:j]}' to float64")
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
                raise GoError("Unclosed parameter bracket")
            tokens.append(("var", name))
        elif ch in "'\"":
            text, i = _expr_read_until(expr, i + 1, "'\"")
            if i < 0:
                raise GoError("Unclosed string literal")
            if _GO_DATE_LIKE.fullmatch(text):
                raise Unsupported(f"the date-like string literal {text!r} (govaluate parses it as a timestamp)")
            tokens.append(("value", text))
        elif ch.isalpha():
            j = word_end(expr, i, "_.")
            name = expr[i:j]
            i = j
            if name in ("true", "false"):
                tokens.append(("value", name == "true"))
            elif name in ("in", "IN"):
                tokens.append(("op", "in"))
            elif "." in name:
                raise GoError(
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
                raise Unsupported("the operator '-' (subtraction)")
            if symbol in _EXPR_SUPPORTED:
                tokens.append(("op", symbol))
            elif symbol in _EXPR_KNOWN:
                raise Unsupported(f"the operator {symbol!r}")
            else:
                raise GoError(f"Invalid token: '{symbol}'")
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


class _ExprParser(TokenCursor):
    def end_of_input(self) -> Exception:
        return GoError("Unexpected end of expression")

    def parse(self) -> tuple[Any, ...]:
        if not self.tokens:
            raise GoError("Unexpected end of expression")
        tree = self.logical("||")
        if self.peek() is not None:
            raise GoError(f"Cannot transition token types at {self.peek()!r}")
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
            raise GoError("Unbalanced parenthesis")
        if len(items) < 2:
            raise Unsupported("'in' with a one-element list")
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
                raise Unsupported("arrays outside the right-hand side of 'in'")
            if self.take() != (")", ")"):
                raise GoError("Unbalanced parenthesis")
            return inner
        raise GoError(f"Cannot transition token types at {token[1]!r}")


def _deep_equal(left: Any, right: Any) -> bool:
    """Go's ``reflect.DeepEqual`` on JSON-like values with float64 numbers."""
    if isinstance(left, bool) or isinstance(right, bool):
        return isinstance(left, bool) and isinstance(right, bool) and left == right
    if is_number(left) and is_number(right):
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
            raise GoError(f"No parameter '{node[1]}' found.")
        return params[node[1]]
    if kind == "array":
        return [_expr_eval(item, params) for item in node[1]]
    if kind == "not":
        value = _expr_eval(node[1], params)
        if not isinstance(value, bool):
            raise GoError(f"Value '{value}' cannot be used with the prefix '!'")
        return not value
    if kind == "neg":
        value = _expr_eval(node[1], params)
        if not is_number(value):
            raise GoError(f"Value '{value}' cannot be used with the prefix '-'")
        return -float(value)
    if kind in ("and", "or"):
        left = _expr_eval(node[1], params)
        if left is (kind == "or"):  # short-circuit: false && ..., true || ...
            return left
        right = _expr_eval(node[2], params)
        if not isinstance(left, bool) or not isinstance(right, bool):
            symbol = "&&" if kind == "and" else "||"
            raise GoError(f"Value '{left}' / '{right}' cannot be used with the logical operator '{symbol}'")
        return left and right if kind == "and" else left or right
    op, left, right = node[1], _expr_eval(node[2], params), _expr_eval(node[3], params)
    if op in ("==", "!="):
        return _deep_equal(left, right) == (op == "==")
    if op in ("<", "<=", ">", ">="):
        if not ((is_number(left) and is_number(right)) or (isinstance(left, str) and isinstance(right, str))):
            raise GoError(f"Value '{left}' cannot be used with the comparator '{op}' against '{right}'")
        return compare(left, op, right)
    if op in ("=~", "!~"):
        if not isinstance(left, str) or not isinstance(right, str):
            raise GoError(f"Value '{left}' cannot be used with the comparator '{op}', it is not a string")
        return go_regexp_search(right, left, GoError, Unsupported) == (op == "=~")
    if not isinstance(right, list):
        raise GoError(f"Value '{right}' cannot be used with the comparator 'in', it is not an array")
    if isinstance(left, (Mapping, list)):
        raise Unsupported("'in' with an object or array on the left (Go would compare interfaces)")
    return any(
        not isinstance(item, (Mapping, list)) and type(item) is type(left) and item == left
        if not (is_number(item) and is_number(left))
        else float(item) == float(left)
        for item in right
    )
