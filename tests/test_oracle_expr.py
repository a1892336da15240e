"""expr-lang as an EventSource ``filter.expression`` runs it, against our ``evaluate_expr_lang`` (tests/oracle).

Go side: the data decoded by ``encoding/json``, ``-`` in top-level keys made ``_``, Argo's ``toJson``/``sprig``
bound, then ``expr.Eval`` — Debian's expr v1.8.9, where Argo v1.9 pins v1.15.5. Our side must give Go's value with
Go's type (``%T`` and ``%v``), fail where Go fails, or say ``unsupported``, which it must also say wherever the two
versions disagree (checked against the v1.15.5 sources, see ``argo/expr_lang.py``). The EventSource's verdict
(``evaluate_event_source_filter``: pass, fail or error, as ``EvalBool`` decides) is compared too. Documents have no
dotted top-level keys (Argo expands them with bellows, which Debian lacks; ``tests/test_expr_lang.py`` covers that).
Cases: the divergences found so far, then ~1500 expressions from a seeded grammar (mostly well-typed comparisons and
logic over member access, literals and arrays, with a share of malformed and unmodelled constructs), each over
freshly drawn data.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from typing import Any

from pulumi_metaflow_blueprints.argo.expr_lang import (
    ExprLangError,
    ExprLangUnsupported,
    evaluate_event_source_filter,
    evaluate_expr_lang,
    expr_lang_env,
    expr_lang_type,
)
from pulumi_metaflow_blueprints.argo.semantics._values import go_print
from tests.oracle_client import GoOracle, tally

BASE: dict[str, Any] = {
    "a": 1,
    "b": True,
    "s": "x",
    "t": "10",
    "n": None,
    "xs": [1, "x", None],
    "m": {"k": 1, "": "empty"},
    "z": 2.5,
    "body": {"name": "Jane", "id": 4, "tags": ["a", "b"], "inner": {"k": "v"}},
    "detail-type": "Object Created",
}


@dataclass(frozen=True)
class Case:
    expression: str
    document: str

    def request(self) -> dict[str, Any]:
        return {"op": "expr", "expression": self.expression, "json": self.document}

    def data(self) -> Any:
        return json.loads(self.document, parse_int=lambda text: -0.0 if text == "-0" else int(text))


def doc(**changes: Any) -> str:
    return json.dumps({**BASE, **changes})


CURATED = [
    # in: a missing (nil) haystack is false; nil as a needle or a map key differs between v1.8.9 and v1.15.5
    Case("a in missing", doc()),
    Case("a in n", doc()),
    Case("a in nil", doc()),
    Case("nil in xs", doc()),
    Case("n in xs", doc()),
    Case("n in m", doc()),
    Case("'k' in m", doc()),
    Case("'' in m", doc()),
    Case("a in m", doc()),
    Case("a in s", doc()),
    Case("'x' in 'xyz'", doc()),
    Case("a in ['', 'a']", doc()),
    Case("n in ['', 'a']", doc()),
    Case("n in ['a']", doc()),
    Case("s in ['a', 'x']", doc()),
    Case("s not in ['a', 'x']", doc()),
    Case("1 in ['a']", doc()),
    Case("a in [1, 2]", doc()),
    Case("1 in [1, 2]", doc()),
    Case("xs in [xs]", doc()),
    Case("m[nil]", doc()),
    Case("m['']", doc()),
    Case("m[1]", doc()),
    # not in: one space only in v1.8.9; v1.15.5 reads `not` before other operators
    Case("a not in xs", doc()),
    Case("a not  in xs", doc()),
    Case("a not\tin xs", doc()),
    Case("a not inxs", doc()),
    Case("a not contains 'x'", doc()),
    Case("not in xs", doc()),
    Case("a == b not in xs", doc()),
    Case("!b not in xs", doc()),
    Case("(!b) not in xs", doc()),
    Case("b && a not in xs", doc()),
    Case("a ! in xs", doc()),
    Case("not b", doc()),
    Case("not(b)", doc()),
    # strings: Go escapes, no raw newline, no backtick strings in either version
    Case('s == "\\x78"', doc()),
    Case('s == "\\u0078"', doc()),
    Case('s == "\\U00000078"', doc()),
    Case('s == "\\170"', doc()),
    Case('s == "\\470"', doc()),
    Case('s == "\\17"', doc()),
    Case('s == "\\q"', doc()),
    Case('s == "\\\'"', doc()),
    Case("s == '\\''", doc(s="'")),
    Case('s == "\\ud800"', doc(s="\ufffd")),
    Case('s == "\\U00110000"', doc()),
    Case('s == "a\nb"', doc()),
    Case('s == "a\rb"', doc(s="a\nb")),
    Case('s == "\\0"', doc()),
    Case("s == `x`", doc()),
    Case("s == 'x", doc()),
    Case("s == 'héllo 日本 😀'", doc(s="héllo 日本 😀")),
    # numbers: int and float literals, data numbers are float64
    Case("a", doc()),
    Case("a == 1", doc()),
    Case("1", doc()),
    Case("1.5", doc()),
    Case("-1", doc()),
    Case("- -1", doc()),
    Case("-a", doc()),
    Case("-z", doc()),
    Case("-s", doc()),
    Case("1.e5", doc()),
    Case(".5 == z - 2", doc()),
    Case(".5", doc()),
    Case(".5.5", doc()),
    Case("1_000 == 1000", doc()),
    Case("010", doc()),
    Case("0x1F", doc()),
    Case("1e400", doc()),
    Case("1e-400", doc()),
    Case("9223372036854775807", doc()),
    Case("9223372036854775808", doc()),
    Case("1e", doc()),
    Case("1a", doc()),
    Case("9007199254740993 > 9007199254740992", doc()),
    Case("9007199254740993 > 9007199254740992.0", doc()),
    Case("a", '{"a": -0}'),
    Case("a > 1", '{"a": 1e400}'),
    Case("a > 1", '{"a": ' + "1" * 400 + "}"),
    Case("a == 12345678901234567890", '{"a": 12345678901234567890}'),
    # comparisons across types
    Case("1 == 1.0", doc()),
    Case("a == 1.0", doc()),
    Case("1 == 'a'", doc()),
    Case("a == 'a'", doc()),
    Case("t == 10", doc()),
    Case("1 < 'a'", doc()),
    Case("a < 'a'", doc()),
    Case("s < 'y'", doc()),
    Case("nil == nil", doc()),
    Case("n == nil", doc()),
    Case("missing == nil", doc()),
    Case("nil < 1", doc()),
    Case("b == true", doc()),
    Case("true == 1", doc()),
    Case("[1] == [1]", doc()),
    Case("[1] == [1.0]", doc()),
    Case("xs == [1, 'x', nil]", doc()),
    Case("xs == [1.0, 'x', nil]", doc()),
    Case("m == m", doc()),
    Case("body.inner == {'k': 'v'}", doc()),
    Case("body != nil", doc()),
    Case("[1] == 1", doc()),
    # member access
    Case("body.name", doc()),
    Case("body.name == 'Jane' && body.id == 4", doc()),
    Case("body.missing", doc()),
    Case("body.missing.deeper", doc()),
    Case("body?.name", doc()),
    Case("body.missing?.deeper", doc()),
    Case("body['name']", doc()),
    Case("body.tags[0]", doc()),
    Case("body.tags[1.5]", doc()),
    Case("body.tags[-1]", doc()),
    Case("body.tags[-3]", doc()),
    Case("body.tags[2]", doc()),
    Case("body.tags['x']", doc()),
    Case("body.tags[nil]", doc()),
    Case("s[0]", doc()),
    Case("'abc'[0]", doc()),
    Case("[1, 2][1]", doc()),
    Case("[1, 2][1.0]", doc()),
    Case("a.b", doc()),
    Case("n.b", doc()),
    Case("nil.b", doc()),
    Case("true.b", doc()),
    Case("m.true", doc()),
    Case("m.not", doc()),
    Case("m.in", doc()),
    Case("m.k.z", doc()),
    Case("detail_type == 'Object Created'", doc()),
    Case("m.", doc()),
    Case(".k", doc()),
    # && and ||: bool left operands, right operands unchecked; v1.15.5 folds `x && true`, `x || false`, ...
    Case("true && 1", doc()),
    Case("false && 1", doc()),
    Case("true && s", doc()),
    Case("b && s", doc()),
    Case("s && b", doc()),
    Case("a && true", doc()),
    Case("a || false", doc()),
    Case("b && true", doc()),
    Case("b || true", doc()),
    Case("body.missing.x && false", doc()),
    Case("body.missing.x || true", doc()),
    Case("body.missing.x && true", doc()),
    Case("b && !true", doc()),
    Case("b && (1 == 1)", doc()),
    Case("b and not false", doc()),
    Case("nil && true", doc()),
    Case("!nil", doc()),
    Case("!a", doc()),
    # matches and string operators
    Case("s matches 'x'", doc()),
    Case("s matches '^X'", doc()),
    Case("s matches '('", doc()),
    Case("true || s matches '('", doc()),
    Case("true || s matches ('(')", doc()),
    Case("true || s matches t", doc(t="(")),
    Case("s matches t", doc(t="(")),
    Case("a matches 'x'", doc()),
    Case("s contains ''", doc()),
    Case("s startsWith 'x' and s endsWith 'x'", doc()),
    Case("a contains 'x'", doc()),
    Case("n contains 'x'", doc()),
    # names Argo binds, and v1.15.5 builtins
    Case("toJson == nil", doc(toJson=1)),
    Case("sprig", doc()),
    Case("len == nil", doc()),
    Case("type == 'x'", doc(type="x")),
    Case("len(xs) > 1", doc()),
    # syntax outside the subset, or malformed
    Case("a + 1", doc()),
    Case("a - 1", doc()),
    Case("a ?? 1", doc()),
    Case("b ? 1 : 2", doc()),
    Case("1..3", doc()),
    Case("xs | len", doc()),
    Case("a == 1 // comment", doc()),
    Case("a ** 2", doc()),
    Case("{'a': 1}", doc()),
    Case("let x = 1; x", doc()),
    Case("$env", doc()),
    Case("a$b", doc()),
    Case("a & b", doc()),
    Case("a = 1", doc()),
    Case("a !& b", doc()),
    Case("a @ b", doc()),
    Case("", doc()),
    Case("(a", doc()),
    Case("a)", doc()),
    Case("[1, 2,]", doc()),
    Case("[, 1]", doc()),
    Case("[1 2]", doc()),
    Case("a b", doc()),
    Case("xs[1:2]", doc()),
    Case("#", doc()),
    Case("٣", doc()),
    Case("invalidexpression", doc()),
    Case("true", '["not", "an", "object"]'),
    Case("true", "null"),
]


class Grammar:
    """Seeded, mostly well-typed filter expressions over ``BASE``-shaped data (a share mistyped or malformed)."""

    STRINGS = ("x", "", "10", "Jane", "a b", "it\\'s", "\\x41", "\\u00e9", "héllo", "日本", "\\n", "Object Created")
    PATTERNS = ("x", "^x", "x$", "[0-9]+", "^[a-z]*$", "a|b", ".*", "(?i)J", "", "(", "\\\\d", "\\\\.", "[")
    NUMBERS = ("0", "1", "2.5", "4", "10", "1.0", "1e3", ".5", "007", "1_000", "9223372036854775807", "-0.0")
    JUNK = ("+", "?.", "??", "..", "`x`", "?", ":", "|", "//", "0x1", "len(xs)", "=", "@", "(", ")", "not", "!", ",")
    NAMES = ("a", "z", "s", "t", "b", "n", "xs", "m", "body", "detail_type", "missing", "a", "s", "b", "body.name")
    MEMBER_KEYS = (".name", ".id", ".k", ".missing", ".flag", "['name']", "['k']", "[0]", "[1]", "[2]", "[-1]", "[a]")
    MEMBER_KEYS += (".tags[0]", ".inner.k", ".missing.x", "[nil]", "['']")

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def pick(self, *options: Any) -> Any:
        return self.rng.choice(options)

    def expression(self) -> str:
        text = self.boolean(3) if self.chance(0.85) else self.any(2)
        if self.chance(0.08):
            words = text.split(" ")
            words.insert(self.rng.randrange(len(words) + 1), self.pick(*self.JUNK))
            text = " ".join(words)
        return text

    def boolean(self, depth: int) -> str:
        roll = self.rng.random()
        if depth <= 0 or roll < 0.4:
            return self.comparison(depth)
        if roll < 0.48:
            return self.pick("b", "true", "false", "!b", "not b", "body.flag", "m.k == 1")
        if roll < 0.56:
            return f"{self.pick('!', 'not ')}({self.boolean(depth - 1)})"
        if roll < 0.62:
            return f"({self.boolean(depth - 1)})"
        op = self.pick("&&", "||", "and", "or")
        return f"{self.boolean(depth - 1)} {op} {self.boolean(depth - 1)}"

    def comparison(self, depth: int) -> str:
        roll = self.rng.random()
        if roll < 0.25:
            side = self.number if self.chance(0.6) else self.string
            return f"{side(depth)} {self.pick('<', '<=', '>', '>=', '==', '!=')} {side(depth)}"
        if roll < 0.45:
            return f"{self.any(depth)} {self.pick('==', '!=')} {self.any(depth)}"
        if roll < 0.55:
            return f"{self.string(depth)} matches {self.pattern()}"
        if roll < 0.65:
            return f"{self.string(depth)} {self.pick('contains', 'startsWith', 'endsWith')} {self.string(depth)}"
        op = self.pick("in", "in", "not in")
        return f"{self.any(depth)} {op} {self.haystack(depth)}"

    def haystack(self, depth: int) -> str:
        if self.chance(0.4):
            return self.pick("xs", "m", "body", "body.tags", "n", "missing", "s", "body.inner")
        items = [self.any(depth - 1) if self.chance(0.5) else self.string(0) for _ in range(self.rng.randint(0, 3))]
        return "[" + ", ".join(items) + "]"

    def pattern(self) -> str:
        if self.chance(0.15):
            return self.pick("s", "t", "(s)")
        return self.quote(self.pick(*self.PATTERNS))

    def quote(self, text: str) -> str:
        return f"'{text}'" if self.chance(0.5) else '"' + text.replace("\\'", "'") + '"'

    def member(self, depth: int) -> str:
        base = self.pick("body", "body", "m", "body.inner", "xs", "body.tags", "n", "missing", "a", "toJson", "len")
        return base + self.pick(*self.MEMBER_KEYS) if depth >= 0 else base

    def number(self, depth: int) -> str:
        if self.chance(0.1):
            return self.any(depth)
        roll = self.rng.random()
        if roll < 0.35:
            return self.pick("a", "z", "body.id", "m.k", "xs[0]")
        if roll < 0.8:
            return self.pick(*self.NUMBERS)
        if roll < 0.9 or depth <= 0:
            return "-" + self.pick("a", "z", "1", "2.5", "(a)", "body.id")
        return f"({self.number(depth - 1)})"

    def string(self, depth: int) -> str:
        if self.chance(0.1):
            return self.any(depth)
        roll = self.rng.random()
        if roll < 0.45:
            return self.pick("s", "t", "detail_type", "body.name", "body.inner.k", "xs[1]", "m['']")
        if roll < 0.95 or depth <= 0:
            return self.quote(self.pick(*self.STRINGS))
        return f"({self.string(depth - 1)})"

    def any(self, depth: int) -> str:
        roll = self.rng.random()
        if roll < 0.25:
            return self.number(depth)
        if roll < 0.45:
            return self.string(depth)
        if roll < 0.6:
            return self.member(depth)
        if roll < 0.85:
            return self.pick(*self.NAMES, "nil", "true", "false")
        if roll < 0.9 or depth <= 0:
            items = [self.pick("1", "'x'", "nil", "a", "1.0") for _ in range(self.rng.randint(0, 3))]
            return "[" + ", ".join(items) + "]"
        return f"({self.boolean(depth - 1)})"

    def value(self, depth: int = 2) -> Any:
        roll = self.rng.random()
        if roll < 0.3:
            return self.pick(0, 1, -1, 2.5, 4, 10, 1e300, 12345678901234567890, 0.1, 1000)
        if roll < 0.55:
            return self.pick("x", "", "10", "Jane", "a b", "it's", "héllo", "日本😀", "line\nbreak", "A", "é")
        if roll < 0.65:
            return self.pick(True, False)
        if roll < 0.72:
            return None
        if depth <= 0:
            return "leaf"
        if roll < 0.86:
            return [self.value(depth - 1) for _ in range(self.rng.randint(0, 3))]
        keys = ("k", "name", "id", "flag", "", "inner", "tags")
        return {self.pick(*keys): self.value(depth - 1) for _ in range(self.rng.randint(0, 3))}

    def document(self) -> str:
        data: dict[str, Any] = {name: self.value() for name in BASE}
        data["a"] = self.pick(0, 1, 2.5, -3, 4, 10, 1e20, 0.1) if self.chance(0.9) else data["a"]
        data["s"] = self.pick("x", "10", "", "Jane", "AA", "héllo", "a b") if self.chance(0.9) else data["s"]
        data["b"] = self.pick(True, False) if self.chance(0.9) else data["b"]
        data["body"] = {"name": self.value(), "id": self.value(), "tags": self.value(), "inner": self.value()}
        if self.chance(0.7):
            name, id_, flag = self.pick("Jane", "Joe", "", "x"), self.pick(4, 1, 2.5, 0), self.pick(True, False)
            tags = [self.pick("a", "b", "x") for _ in range(self.rng.randint(0, 3))]
            data["body"] = {"name": name, "id": id_, "tags": tags, "inner": {"k": self.value(0)}, "flag": flag}
        if self.chance(0.05):
            data[self.pick("toJson", "sprig", "len", "a-b")] = 1
        if self.chance(0.05):
            return json.dumps(data).replace('"a": ', '"a": ' + self.pick("-0", "1e400", "1" * 400) + ', "_a": ', 1)
        return json.dumps(data, ensure_ascii=self.chance(0.5))


def generated_cases(count: int, seed: int = 20240612) -> list[Case]:
    grammar = Grammar(seed)
    return [Case(grammar.expression(), grammar.document()) for _ in range(count)]


def value_disagreement(case: Case, answer: dict[str, Any]) -> tuple[bool, str | None]:
    """(our side said unsupported, how ``evaluate_expr_lang`` disagrees with Go or None)."""
    go_failed = answer["status"] != "ok"
    try:
        value = evaluate_expr_lang(case.expression, expr_lang_env(case.data()))
    except ExprLangUnsupported:
        return True, None
    except ExprLangError as exc:
        return False, None if go_failed else f"we fail ({exc}) where Go gives {answer}"
    if go_failed:
        return False, f"we give {value!r} where Go fails: {answer}"
    got = (expr_lang_type(value), go_print(value))
    if got != (answer["type"], answer["printed"]):
        return False, f"we give {got} where Go gives {(answer['type'], answer['printed'])}"
    return False, None


def outcome_disagreement(case: Case, answer: dict[str, Any]) -> str | None:
    """How ``evaluate_event_source_filter`` disagrees with what ``EvalBool`` makes of Go's answer, or None."""
    checked = evaluate_event_source_filter(case.expression, case.data())
    if checked.outcome == "unsupported":
        return None
    if answer["status"] != "ok" or answer["type"] != "bool":
        expected = "error"
    else:
        expected = "pass" if answer["printed"] == "true" else "fail"
    return None if checked.outcome == expected else f"the EventSource outcome is {checked.outcome}, not {expected}"


def check_all(oracle: GoOracle, cases: list[Case]) -> tuple[int, int]:
    """Compare every case with Go; returns (cases, unsupported) and fails listing the first disagreements."""
    answers = oracle.ask([case.request() for case in cases])
    problems: list[str] = []
    unsupported = 0
    for case, answer in zip(cases, answers, strict=True):
        skipped, problem = value_disagreement(case, answer)
        problem = problem or outcome_disagreement(case, answer)
        if problem:
            problems.append(f"{case.expression!r} over {case.document}: {problem}")
            continue
        unsupported += skipped
        tally("expr", unsupported=skipped)
    assert not problems, f"{len(problems)} disagreements with Go:\n" + "\n".join(problems[:20])
    return len(cases), unsupported


def test_curated_expr_cases_agree_with_go(oracle: GoOracle) -> None:
    check_all(oracle, CURATED)


def test_generated_expr_cases_agree_with_go(oracle: GoOracle) -> None:
    cases, unsupported = check_all(oracle, generated_cases(1500))
    assert unsupported < cases * 0.35, f"{unsupported} of {cases} unsupported: the grammar proves too little"
