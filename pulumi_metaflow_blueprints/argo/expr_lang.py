"""EventSource ``filter.expression``: the expr-lang (``github.com/antonmedv/expr``) subset our blueprints emit.

The EventSource evaluates the filter on the event *data* before publishing it (``filterEvent`` in
``pkg/eventsources/eventing.go``): the data JSON is decoded into a map, ``-`` in its top-level keys becomes ``_``,
dotted top-level keys are expanded into nested maps, and ``expr.Eval`` runs the expression without a type checker.
So a missing key reads as ``nil`` (``nil != "x"`` is true), while reading a field *of* ``nil``, indexing past an
array's end, a non-bool ``&&`` operand or a non-bool result are errors, and an error drops the event (Argo logs
"Failed to filter event" and publishes nothing). This is expr, not govaluate: ``body.Event`` is a member access.

Modelled: ``nil``/``true``/``false``, numbers, ``"..."``/``'...'``/backtick strings, identifiers, ``a.b``,
``a?.b``, ``a["b"]``, ``a[0]`` (negative from the end), array literals, ``==``, ``!=``, ``<``, ``<=``, ``>``,
``>=``, ``&&``/``and``, ``||``/``or``, ``!``/``not``, ``in``/``not in``, ``matches`` (Go regexp), ``contains``,
``startsWith``, ``endsWith``, unary ``-``, parentheses. Anything else (function calls, arithmetic, ``??``, ternary,
ranges, pipes, closures, maps) is reported as unsupported, never guessed.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, Literal

from pulumi_metaflow_blueprints.argo.semantics._tokens import TokenCursor, word_end
from pulumi_metaflow_blueprints.argo.semantics._values import go_type, is_number
from pulumi_metaflow_blueprints.argo.semantics.goregexp import go_regexp_search

__all__ = ["SourceFilterResult", "evaluate_event_source_filter", "evaluate_expr_lang", "expr_lang_env"]

SourceOutcome = Literal["pass", "fail", "error", "unsupported"]


@dataclass(frozen=True)
class SourceFilterResult:
    """Whether the EventSource keeps the event: ``pass`` (published), ``fail``/``error`` (dropped), or
    ``unsupported``. ``seen`` holds every path the expression read, with the value it found there."""

    expression: str
    outcome: SourceOutcome
    reason: str
    seen: dict[str, Any] = field(default_factory=dict)


class _ExprError(Exception):
    """A runtime or parse error expr reports (the EventSource drops the event)."""


class _ExprUnsupported(Exception):
    """A construct outside the modelled subset."""


_WORD_OPERATORS = {"and": "&&", "or": "||", "not": "!", "in": "in", "matches": "matches"}
_WORD_OPERATORS.update({"contains": "contains", "startsWith": "startsWith", "endsWith": "endsWith"})
_COMPARATORS = {"==", "!=", "<", "<=", ">", ">=", "in", "not in", "matches", "contains", "startsWith", "endsWith"}
_UNSUPPORTED_SYMBOLS = ("??", "?:", "..", "**", "|", "+", "*", "/", "%", "^", "?", ":", "{", "}", "#", "$", ";")
_SYMBOLS = ("?.", "==", "!=", "<=", ">=", "&&", "||", "<", ">", "!", "(", ")", "[", "]", ",", ".", "-")
_NUMBER = re.compile(r"(?:\d[\d_]*)?(?:\.\d[\d_]*)?(?:[eE][+-]?\d+)?")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "a": "\a", "0": "\0"}


def expr_lang_env(data: Any) -> dict[str, Any]:
    """The variables the filter sees: the data's top-level keys (``-`` -> ``_``; ``a.b`` keys nested)."""
    if not isinstance(data, Mapping):
        raise _ExprError(f"failed to unmarshal data: a JSON object is needed, not {type(data).__name__}")
    renamed = {str(key).replace("-", "_"): value for key, value in data.items()}
    keys = sorted(renamed)
    for current, following in pairwise(keys):
        if following.startswith(current + "."):  # a less specific key loses to a dotted one
            renamed.pop(current, None)
    env: dict[str, Any] = {}
    for key, value in renamed.items():
        *parents, last = key.split(".")
        node = env
        for part in parents:
            child = node.get(part)
            node = node.setdefault(part, {}) if not isinstance(child, dict) else child
        node[last] = value
    return env


def evaluate_event_source_filter(expression: str, data: Any) -> SourceFilterResult:
    """Run an EventSource ``filter.expression`` over the event data, as the EventSource does before publishing."""
    try:
        env = expr_lang_env(data)
    except _ExprError as exc:
        return SourceFilterResult(expression, "error", f"{exc}: the EventSource drops the event")
    seen: dict[str, Any] = {}
    try:
        value = evaluate_expr_lang(expression, env, seen)
    except _ExprUnsupported as exc:
        return SourceFilterResult(expression, "unsupported", f"cannot evaluate {expression!r}: {exc}", seen)
    except _ExprError as exc:
        reason = f"expr fails ({exc}): Argo logs 'Failed to filter event' and drops the event"
        return SourceFilterResult(expression, "error", reason, seen)
    if not isinstance(value, bool):
        reason = f"the result {value!r} is not a bool: Argo cannot cast it and drops the event"
        return SourceFilterResult(expression, "error", reason, seen)
    shown = ", ".join(f"{path} = {_show(v)}" for path, v in seen.items()) or "no fields read"
    if value:
        return SourceFilterResult(expression, "pass", f"{expression} is true ({shown}): the event is published", seen)
    return SourceFilterResult(expression, "fail", f"{expression} is false ({shown}): the event is dropped", seen)


def evaluate_expr_lang(expression: str, env: Mapping[str, Any], seen: dict[str, Any] | None = None) -> Any:
    """Evaluate ``expression`` over ``env`` (raises on errors and unsupported constructs; records reads in
    ``seen``)."""
    tree = _Parser(_tokens(expression)).parse()
    return _Evaluator(env, seen if seen is not None else {}).eval(tree)


def _show(value: Any) -> str:
    if value is None:
        return "nil"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


# ------------------------------------------------------------------------------------------------------------
# Lexer and parser
# ------------------------------------------------------------------------------------------------------------


def _tokens(text: str) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch.isspace():
            i += 1
        elif ch in "\"'`":
            value, i = _string(text, i)
            out.append(("lit", value))
        elif ch.isdigit() or (ch == "." and i + 1 < len(text) and text[i + 1].isdigit()):
            match = _NUMBER.match(text, i)
            assert match is not None
            raw = match.group().replace("_", "")
            out.append(("lit", float(raw) if any(c in raw for c in ".eE") else int(raw)))
            i = match.end()
        elif ch.isalpha() or ch in "_$#":
            j = word_end(text, i + 1)
            word = text[i:j]
            i = j
            if word in ("true", "false"):
                out.append(("lit", word == "true"))
            elif word == "nil":
                out.append(("lit", None))
            elif word in _WORD_OPERATORS:
                out.append(("op", _WORD_OPERATORS[word]))
            elif word.startswith(("$", "#")) or word in ("let", "if", "else"):
                raise _ExprUnsupported(f"{word!r}")
            else:
                out.append(("name", word))
        else:
            symbol = next((s for s in _SYMBOLS if text.startswith(s, i)), None)
            bad = next((s for s in _UNSUPPORTED_SYMBOLS if text.startswith(s, i)), None)
            if bad and (symbol is None or len(bad) > len(symbol)):
                raise _ExprUnsupported(f"the operator {bad!r}")
            if symbol is None:
                raise _ExprError(f"unexpected token {ch!r}")
            out.append(("op", symbol))
            i += len(symbol)
    return out


def _string(text: str, start: int) -> tuple[str, int]:
    quote = text[start]
    out: list[str] = []
    i = start + 1
    while i < len(text):
        ch = text[i]
        if ch == quote:
            return "".join(out), i + 1
        if ch == "\\" and quote != "`" and i + 1 < len(text):
            nxt = text[i + 1]
            if nxt == "u" and re.fullmatch(r"[0-9a-fA-F]{4}", text[i + 2 : i + 6]):
                out.append(chr(int(text[i + 2 : i + 6], 16)))
                i += 6
                continue
            out.append(_ESCAPES.get(nxt, nxt))
            i += 2
            continue
        out.append(ch)
        i += 1
    raise _ExprError("literal not terminated")


class _Parser(TokenCursor):
    """Precedence climbing as expr does: or < and < comparisons < unary not < unary minus < member access."""

    def end_of_input(self) -> Exception:
        return _ExprError("unexpected end of expression")

    def expect(self, symbol: str) -> None:
        if self.take() != ("op", symbol):
            raise _ExprError(f"expected {symbol!r}")

    def parse(self) -> tuple[Any, ...]:
        if not self.tokens:
            raise _ExprError("empty expression")
        tree = self.binary("||")
        leftover = self.peek()
        if leftover is not None:
            raise _ExprError(f"unexpected token {leftover[1]!r}")
        return tree

    def binary(self, level: str) -> tuple[Any, ...]:
        lower = {"||": "&&", "&&": "cmp"}
        left = self.binary(lower[level]) if level in lower else self.comparison()
        while self.peek() == ("op", level):
            self.take()
            right = self.binary(lower[level]) if level in lower else self.comparison()
            left = (level, left, right)
        return left

    def comparison(self) -> tuple[Any, ...]:
        left = self.unary()
        while True:
            token = self.peek()
            if token is None or token[0] != "op":
                return left
            op = token[1]
            if op == "!" and self.pos + 1 < len(self.tokens) and self.tokens[self.pos + 1] == ("op", "in"):
                self.pos += 2
                op = "not in"
            elif op in _COMPARATORS:
                self.take()
            elif op == "-":
                raise _ExprUnsupported("the operator '-' (subtraction)")
            else:
                return left
            left = ("cmp", op, left, self.unary())

    def unary(self) -> tuple[Any, ...]:
        token = self.peek()
        if token in (("op", "!"), ("op", "-")):
            self.take()
            return ("not" if token == ("op", "!") else "neg", self.unary())
        return self.postfix(self.primary())

    def primary(self) -> tuple[Any, ...]:
        kind, value = self.take()
        if kind == "lit":
            return ("lit", value)
        if kind == "name":
            if self.peek() == ("op", "("):
                raise _ExprUnsupported(f"function calls ({value}(...))")
            return ("name", value)
        if value == "(":
            inner = self.binary("||")
            self.expect(")")
            return inner
        if value == "[":
            items: list[tuple[Any, ...]] = []
            while self.peek() != ("op", "]"):
                items.append(self.binary("||"))
                if self.peek() == ("op", ","):
                    self.take()
                elif self.peek() != ("op", "]"):
                    raise _ExprError("expected ',' or ']' in an array")
            self.take()
            return ("array", items)
        raise _ExprError(f"unexpected token {value!r}")

    def postfix(self, node: tuple[Any, ...]) -> tuple[Any, ...]:
        while (token := self.peek()) in (("op", "."), ("op", "?."), ("op", "[")):
            self.take()
            assert token is not None
            if token[1] == "[":
                index = self.binary("||")
                self.expect("]")
                node = ("member", node, index, False)
                continue
            kind, name = self.take()
            if kind not in ("name", "op") or (kind == "op" and not str(name).isalpha()):
                raise _ExprError(f"expected a field name after {token[1]!r}")
            if self.peek() == ("op", "("):
                raise _ExprUnsupported(f"method calls (.{name}(...))")
            node = ("member", node, ("lit", name), token[1] == "?.")
        return node


# ------------------------------------------------------------------------------------------------------------
# Evaluation
# ------------------------------------------------------------------------------------------------------------


def _type_name(value: Any) -> str:
    return "nil" if value is None else go_type(value)


def _equal(left: Any, right: Any) -> bool:
    if isinstance(left, (list, dict)) or isinstance(right, (list, dict)):
        raise _ExprUnsupported("comparing arrays or maps with == / !=")
    if is_number(left) and is_number(right):
        return float(left) == float(right)
    if type(left) is not type(right):
        return False
    return left == right


class _Evaluator:
    def __init__(self, env: Mapping[str, Any], seen: dict[str, Any]) -> None:
        self.env = env
        self.seen = seen

    def eval(self, node: tuple[Any, ...]) -> Any:
        return self.value(node)[0]

    def value(self, node: tuple[Any, ...]) -> tuple[Any, str | None]:
        """The node's value and, for variable reads, the path shown to the user."""
        kind = node[0]
        if kind == "lit":
            return node[1], None
        if kind == "name":
            value = self.env.get(node[1])
            self.seen[node[1]] = value
            return value, node[1]
        if kind == "member":
            return self.member(node)
        if kind == "array":
            return [self.eval(item) for item in node[1]], None
        if kind == "not":
            value = self.eval(node[1])
            if not isinstance(value, bool):
                raise _ExprError(f"invalid operation: ! ({_type_name(value)})")
            return not value, None
        if kind == "neg":
            value = self.eval(node[1])
            if not is_number(value):
                raise _ExprError(f"invalid operation: - ({_type_name(value)})")
            return -value, None
        if kind in ("&&", "||"):
            left = self.eval(node[1])
            if not isinstance(left, bool):
                raise _ExprError(f"interface conversion: {_type_name(left)} is not bool ({kind})")
            if left is (kind == "||"):
                return left, None
            return self.eval(node[2]), None
        return self.compare(node[1], self.eval(node[2]), self.eval(node[3])), None

    def member(self, node: tuple[Any, ...]) -> tuple[Any, str | None]:
        base, path = self.value(node[1])
        key = self.eval(node[2])
        shown = f"{path}.{key}" if path is not None and isinstance(key, str) else None
        if shown is None and path is not None:
            shown = f"{path}[{key!r}]"
        if base is None and node[3]:
            value = None
        elif isinstance(base, Mapping):
            if not isinstance(key, str):
                raise _ExprError(f"cannot use {_type_name(key)} as a map key")
            value = base.get(key)
        elif isinstance(base, list) and is_number(key) and float(key).is_integer():
            index = int(key) + (len(base) if int(key) < 0 else 0)
            if not 0 <= index < len(base):
                raise _ExprError(f"index out of range: {int(key)} (array of length {len(base)})")
            value = base[index]
        else:
            raise _ExprError(f"cannot fetch {key} from {_type_name(base)}")
        if shown:
            self.seen[shown] = value
            if path in self.seen and isinstance(self.seen[path], (dict, list)):
                del self.seen[path]  # show the leaf, not the whole object it was read from
        return value, shown

    def compare(self, op: str, left: Any, right: Any) -> bool:
        if op in ("==", "!="):
            return _equal(left, right) == (op == "==")
        if op in ("<", "<=", ">", ">="):
            if not ((is_number(left) and is_number(right)) or (isinstance(left, str) and isinstance(right, str))):
                types = f"{_type_name(left)} and {_type_name(right)}"
                raise _ExprError(f"invalid operation: {op} (mismatched types {types})")
            return {"<": left < right, "<=": left <= right, ">": left > right, ">=": left >= right}[op]
        if op in ("in", "not in"):
            if isinstance(right, list):
                found = any(_equal(left, item) for item in right)
            elif isinstance(right, Mapping):
                if not isinstance(left, str):
                    raise _ExprError(f"cannot use {_type_name(left)} as a map key")
                found = left in right
            else:
                raise _ExprError(f"operator in not defined on {_type_name(right)}")
            return found == (op == "in")
        if not isinstance(left, str) or not isinstance(right, str):
            raise _ExprError(f"invalid operation: {op} (mismatched types {_type_name(left)} and {_type_name(right)})")
        if op == "matches":
            return go_regexp_search(right, left, _ExprError, _ExprUnsupported)
        if op == "contains":
            return right in left
        return left.startswith(right) if op == "startsWith" else left.endswith(right)
