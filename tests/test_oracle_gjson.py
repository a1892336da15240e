"""gjson against the Go oracle: every path read by our model agrees with ``gjson.Get`` or says "unsupported".

Compared per case: Exists, Type, Raw, String(), Float(), Bool() and Value(). Documents are given to our side two
ways: as the JSON bytes (everything read as written, so Raw must match exactly) and as parsed Python data, for
which the oracle reads the data re-encoded as compact JSON — that re-encoding is what our ``raw`` documents, and
what parsing loses (duplicate keys, ``-0``, a number's spelling) is not visible to either side.
"""

from __future__ import annotations

import json
import math
import random
from dataclasses import dataclass
from typing import Any

import pytest

from pulumi_metaflow_blueprints.argo.semantics._values import GoError, go_float, go_json, go_print
from pulumi_metaflow_blueprints.argo.semantics.gjson import GjsonResult, escape_gjson_key, gjson_get
from tests.oracle_client import GoOracle, tally


@dataclass(frozen=True)
class Case:
    document: str
    """The JSON text the oracle reads."""
    path: str
    data: Any = None
    """Parsed data given to our side instead of the bytes (``python=True``)."""
    python: bool = False
    supported: bool = False
    """The case must not come back unsupported (a construct we claim to model)."""

    def ours(self) -> GjsonResult:
        return gjson_get(self.data if self.python else self.document.encode(), self.path)


def text_case(document: str, path: str, supported: bool = False) -> Case:
    return Case(document, path, supported=supported)


def python_case(data: Any, path: str, supported: bool = False) -> Case:
    return Case(go_json(data, escape_html=False, sort_keys=False), path, data, True, supported)


def _as_floats(value: Any) -> Any:
    """Go's float64s as the oracle's JSON gives them back (integral ones come back as ints)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    if isinstance(value, dict):
        return {k: _as_floats(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_as_floats(v) for v in value]
    return value


def _same_number(ours: float, go: Any) -> bool:
    if isinstance(go, str):  # NaN and infinities come back printed with %v
        return not math.isfinite(ours) and go_float(ours, "v") == go
    return ours == _as_floats(go)


def _same_value(ours: Any, go: Any) -> bool:
    if isinstance(go, str) and not isinstance(ours, str):  # not JSON-encodable in Go (an Inf inside): %v
        return go_print(ours) == go
    return ours == _as_floats(go)


def differences(case: Case, ours: GjsonResult, go: dict[str, Any]) -> list[str]:
    """What our result gets wrong against Go's answer (empty when they agree)."""
    if go.get("status") != "ok":
        return [f"oracle failed: {go}"]
    checks = [
        ("exists", ours.exists, go["exists"]),
        ("type", ours.type, go["gjson_type"]),
        ("raw", ours.raw, go["raw"]),
        ("String()", ours.to_string(), go["str"]),
        ("Bool()", ours.to_bool(), go["bool"]),
    ]
    found = [f"{name}: ours {mine!r}, Go {theirs!r}" for name, mine, theirs in checks if mine != theirs]
    if not _same_number(ours.to_float(), go["float"]):
        found.append(f"Float(): ours {ours.to_float()!r}, Go {go['float']!r}")
    if not _same_value(ours.to_value(), go.get("value")):
        found.append(f"Value(): ours {ours.to_value()!r}, Go {go.get('value')!r}")
    return found


def run_cases(oracle: GoOracle, cases: list[Case]) -> tuple[int, int]:
    """Compare every case with Go in one batch; fail listing the first disagreements. (cases, unsupported)"""
    answers = oracle.ask([{"op": "gjson", "json": case.document, "path": case.path} for case in cases])
    problems, unsupported = [], 0
    for case, go in zip(cases, answers, strict=True):
        ours = case.ours()
        mode = "data" if case.python else "bytes"
        label = f"{mode} {case.document[:70]!r} path {case.path!r}"
        if ours.unsupported:
            if case.supported:
                problems.append(f"{label}: unsupported ({ours.unsupported}), Go {go}")
                continue
            unsupported += 1
            tally("gjson", unsupported=True)
            continue
        found = differences(case, ours, go)
        if found:
            problems.append(f"{label}: " + "; ".join(found))
            continue
        tally("gjson")
    assert not problems, f"{len(problems)} of {len(cases)} gjson cases disagree with Go:\n" + "\n".join(problems[:20])
    return len(cases), unsupported


# ---------------------------------------------------------------------------------------------------------------
# Curated cases: the known divergences and the edges found on the way
# ---------------------------------------------------------------------------------------------------------------

NUMBERS = '{"a":-0,"b":1e400,"c":-1e400,"d":123456789012345678901234567890,"e":1.0,"f":-0.0,"g":1E2,"h":9007199254740993,"i":0.1,"j":1e21,"k":-12,"l":2.5e-8}'  # noqa: E501
SPECIAL_KEYS = r'{"a.b":1,"a*b":2,"axb":3,"a?c":4,"@x":5,"!x":6,"#":7,"|":8,"\\":9,"\"":10,"{":11,"[":12,"":{"":13},"a,b":14,"k\n":15,"😀":16,"@timestamp":17,"é":18,"\u00e9x":19,"a b":20}'  # noqa: E501


def curated() -> list[Case]:
    supported = [
        # wildcards and duplicates: a key whose value cannot take the rest of the path makes gjson try the next one
        ('{"x":1,"y":{"b":2}}', "*.b"),
        ('{"x":1,"y":{"b":2}}', "?.b"),
        ('{"x":{"c":1},"y":{"b":2}}', "*.b"),
        ('{"x":[1],"y":[1,2]}', "*.1"),
        ('{"a":1,"a":{"b":2}}', "a.b"),
        ('{"a":1,"a":{"b":2}}', "a"),
        ('{"a":{"x":1},"a":{"b":2}}', "a.b"),
        ('{"a":{"x":1},"a":{"x":2}}', "a"),
        ('{"a":[{"x":1}],"b":[{"x":1,"y":2}]}', "*.#(x==1).y"),
        ('{"a":[1],"a":[2]}', "a.#(==2)#"),
        ('{"a":[1],"a":[2]}', "a.#(==2)"),
        ('{"a":[1],"b":null}', "?.#(==5)#"),
        # queries on empty arrays and edge operators
        ('{"a":[]}', "a.#(b==1)"),
        ('{"a":[]}', "a.#(b==1)#"),
        ('{"a":[]}', "a.#(b==1)#.c"),
        ('{"a":[]}', "a.#"),
        ('{"a":[]}', "a.#.b"),
        ('{"a":[]}', "a.#(b==1)#|#"),
        ('{"b":[{"x":1},{"x":2,"":9},3]}', "b.#(x!2)"),
        ('{"b":[{"x":1},{"x":2,"":9},3]}', "b.#(x!2)#"),
        ('{"b":[{"x":1},{"x":2,"":9},3]}', "b.#(x!)#"),
        ('{"b":[{"x":1},{"x":2,"":9},3]}', "b.#(x==2)junk.x"),
        ('{"b":[{"x":1},{"x":2,"":9},3]}', "b.#(x==2]"),
        ('{"b":[{"x":1},{"x":2,"":9},3]}', "b.#.x|0"),
        ('{"b":[{"x":1},{"x":2,"":9},3]}', "b.#."),
        ('{"b":[{"x":1},{"x":2,"":9},3]}', "b.#(==3)"),
        ('{"b":[{"x":1},{"x":2,"":9},3]}', "b.#(=3)#"),
        ('{"b":[{"x":"a\\"b"}]}', 'b.#(x=="a\\"b")'),
        ('{"b":[{"x":"a\\"b"}]}', 'b.#(x=="a\\qb")'),
        ('{"b":[{"x":"é"}]}', 'b.#(x=="\\u00e9")'),
        ('{"b":["ab","a\\\\"]}', 'b.#(%"a*")#'),
        ('{"b":["ab","ba"]}', 'b.#(!%"a?")#'),
        ('{"b":[1000,1,0.5]}', "b.#(==1_000)"),
        ('{"b":[1000,1,0.5]}', "b.#(==0x_1p0)"),
        ('{"b":[1000,1,0.5]}', "b.#(<infinity)#"),
        ('{"b":[1000,1,0.5]}', "b.#(!=nan)#"),
        ('{"b":[1000,1,0.5]}', "b.#(>=1e400)#"),
        ('{"b":[true,false,null,"true"]}', "b.#(==true)#"),
        ('{"b":[true,false,null,"true"]}', "b.#(<true)#"),
        ('{"b":[true,false,null,"true"]}', "b.#(>false)#"),
        ('{"b":[true,false,null,"true"]}', "b.#(!=null)#"),
        ('{"a":[{"b":{"c":1}}]}', "a.#(b.c==1).b|c"),
        ('{"a":[{"b":{"c":1}}]}', "a.#(b.c==1)#.b|c"),
        ('{"a":[{"b":{"c":1}}]}', "a.#(b.c==1)#.b.#|x"),
        ('{"a":[{"b":{"c":1}}]}', "a.#.b|#"),
        ('{"a":[{"b":[{"c":1},{"c":2}]}]}', "a.#(b.#(c==2))#.b.#.c"),
        ('{"a":[[1,2],[3]]}', "a.#(#==2)"),
        ('{"a":[[1,2],[3]]}', "a.#(0==3)#"),
        ('{"a":[{"b":"x y"}]}', 'a.#( b == "x y" )'),
        ('{"a":[{"b":"x y"}]}', "a.#(b==x y)"),
        ('{"a":[{"b":""}]}', "a.#(b==)"),
        ('{"a":[{"b":""}]}', "a.#(b=)#"),
        ('{"a":[{"b.c":1}]}', "a.#(b\\.c==1)"),
        ('{"a":[{"b":1},{"b":2}]}', "a.#[b>1]"),
        ('{"a":[{"b":1},{"b":2}]}', "a.#(b>1)#|0"),
        ('{"a":[{"b":1},{"b":2}]}', "a.#(b)#"),
        ('{"a":[1,"1",true,null,{"b":1}]}', "a.#(==1)#"),
        ('{"a":[1,"1",true,null,{"b":1}]}', "a.#(>0)#"),
        ('{"a":["B","a","b","é"]}', 'a.#(<"b")#'),
        ('{"a":["B","a","b","é"]}', 'a.#(>"b")#'),
        # pipes parsed differently by objects and arrays
        ('{"x":[],"y":{"a|b":1}}', "*.a\\|b"),
        ('{"a":[1,2,3]}', "a.#|x"),
        ('{"a":[1,2,3]}', "a|#"),
        ('{"a":[1,2,3]}', "a.#|0"),
        # indexes
        ('{"a":[1,2,3]}', "a.18446744073709551617"),
        ('{"a":[1,2,3]}', "a.9223372036854775809"),
        ('{"a":[1,2,3]}', "a.01"),
        ('{"a":[1,2,3]}', "a.-1"),
        ('{"a":[1,2,3]}', "a."),
        # escaped wildcards, a literal backslash, wildcards that un-escape
        ('{"a*b":1,"axb":2,"a\\\\b":3,"ab*":4}', "a\\*b"),
        ('{"a*b":1,"axb":2,"a\\\\b":3,"ab*":4}', "a\\*b*"),
        ('{"a*b":1,"axb":2,"a\\\\b":3,"ab*":4}', "a\\\\b"),
        ('{"a*b":1,"axb":2,"a\\\\b":3,"ab*":4}', "ab\\**"),
        ('{"a*b":1,"axb":2,"a\\\\b":3,"ab*":4}', "a\\\\*"),
        # numbers: String() is the text for integers, Go's 'f' format otherwise
        *((NUMBERS, key) for key in "abcdefghijkl"),
        # keys gjson treats as plain: commas, @ and ! that are no modifier or literal, [ and { alone
        *((SPECIAL_KEYS, path) for path in ("a,b", "@timestamp", "!x", "", ".", "[", "{", "\\@x", "é", "éx")),
        ('{"a":{"[":6,"":7}}', "a.["),
        ('{"a":{"[":6,"":7}}', "a."),
        # strings: escapes, surrogate pairs, lone surrogates as gjson unescapes them
        ('{"s":"\\u00e9\\ud83d\\ude00\\n\\/"}', "s"),
        ('{"s":"\\ud800"}', "s"),
        ('{"s":"\\udc00x"}', "s"),
        ('{"s":"\\ud800\\u0041"}', "s"),
        ('{"\\u0061":1}', "a"),
        ('{"\\ud83d\\ude00":1}', "😀"),
        ('{"a" : [ 1 , {"b" : 2 } ] }', "a"),
        ('{"a" : [ 1 , {"b" : 2 } ] }', "a.#.b"),
        ('{"a" : [ 1 , {"b" : 2 } ] }', "a.#(b==2)#"),
        # documents that are not objects or arrays
        ('"plain"', "a"),
        ("12", "a"),
        ("[1,[2,3]]", "1.1"),
        ("[1,[2,3]]", "#"),
        # `@this` as the whole path (the dlqTrigger's dataKey/contextKey, core/dlq.py): the document itself
        *((doc, "@this") for doc in ('{"a":[1,2]}', ' \n{"a" : [1, 2]} \n', "[1, 2]", '"pl\u00e9in"', "12.50", "null")),
    ]
    cases = [text_case(doc, path, supported=True) for doc, path in supported]
    unsupported = [
        ('{"a":[1,2]}', "a.@reverse"),
        ('{"a":[1,2]}', "@this.a"),
        ('{"a":[1,2]}', "a|@dig:x"),
        ('{"a":[1,2]}', "a.@dig"),
        ('{"a":[1,2]}', "!true"),
        ('{"a":[1,2]}', "{a}"),
        ('{"a":[1,2]}', "[a,a]"),
        ('{"a":[1,2]}', "..0"),
        ('{"a":[1,2]}', "a.#(==~true)"),
        ('{"a":[1,2]}', "a.#(==1"),
        ('{"a":[1],"b":{"#(==5)#":null}}', "*.#(==5)#"),  # Go: Type JSON, Raw "null"
        ('{"a":"x{1}"}', "a|0"),
        ('"x[1]"', "0"),
        ('{"a*\\\\":1}', "a*\\\\"),
    ]
    cases += [text_case(doc, path) for doc, path in unsupported]
    parsed = {"a": [{"b": 1, "c": "x"}, {"b": 2.5, "c": None}], "n": 12345678901234567890, "f": 1e21, "z": -0.0}
    cases += [python_case(parsed, path, True) for path in ("a.#.b", "a.#(b>1).c", "n", "f", "z", "a", "a.1")]
    return cases


def test_curated_cases_agree_with_go(oracle: GoOracle) -> None:
    cases = curated()
    total, unsupported = run_cases(oracle, cases)
    assert unsupported <= 16, f"{unsupported} of {total} curated cases unsupported"


def test_unsupported_constructs_are_reported() -> None:
    for path in ("a.@reverse", "@this.a", "a.@dig", "!true", "{a}", "..0", "a.#(==~true)"):
        assert gjson_get(b'{"a":[1,2]}', path).unsupported, path
    assert gjson_get({"a": math.inf}, "a").unsupported  # its JSON text is lost: 1e400? 1E999?
    assert gjson_get(b'{"a":1', "a").unsupported  # not JSON


# ---------------------------------------------------------------------------------------------------------------
# escape_gjson_key
# ---------------------------------------------------------------------------------------------------------------

HOSTILE_KEYS = [
    *"@.*?|#\"\\{}[]()!=<>%,:~^$+-/;'`&",
    "",
    " ",
    "  lead and trail  ",
    "\n",
    "\t",
    "\x00",
    "\x7f",
    "😀",
    "é",
    "a.b.c",
    "..",
    "@this",
    "@reverse",
    "@dig",
    "!true",
    "!",
    "#(a==1)",
    "#.a",
    "a|b",
    "*",
    "a*",
    "\\*",
    "\\",
    "\\\\",
    "a\\",
    '"quoted"',
    "{a,b}",
    "[0]",
    "0",
    "01",
    "-1",
    "18446744073709551617",
    "x\u2028y",
    "tab\tkey",
    "multi\nline",
    "@",
    "#",
    "\U0010ffff",
]


def escape_cases() -> list[tuple[str, str, str]]:
    """(document, path, the raw JSON the path must read) for every hostile key: alone, nested, piped, in pairs, with
    the document's keys written as UTF-8 and as ``\\u`` escapes, next to decoys a wrong escape would read."""
    values = {key: index for index, key in enumerate(HOSTILE_KEYS)}
    decoys = {"a": {"b": {"c": "decoy"}}, "this": "decoy", "x": "decoy", "": {"": "decoy"}}
    document = {**decoys, **values, "outer": {**decoys, **values}}
    cases = []
    for ascii_only in (False, True):
        text = json.dumps(document, ensure_ascii=ascii_only)
        for key, index in values.items():
            escaped = escape_gjson_key(key)
            cases += [(text, path, str(index)) for path in (escaped, "outer." + escaped, "outer|" + escaped)]
    for first, second in zip(HOSTILE_KEYS, reversed(HOSTILE_KEYS), strict=True):
        text = json.dumps({first: {second: "deep", "x": "decoy"}, "x": "decoy"}, ensure_ascii=False)
        cases.append((text, escape_gjson_key(first) + "." + escape_gjson_key(second), '"deep"'))
    return cases


def test_escape_gjson_key_reads_exactly_the_key(oracle: GoOracle) -> None:
    cases = escape_cases()
    answers = oracle.ask([{"op": "gjson", "json": text, "path": path} for text, path, _ in cases])
    wrong = []
    for (text, path, want), answer in zip(cases, answers, strict=True):
        ours = gjson_get(text.encode(), path)
        if answer.get("raw") != want or ours.raw != want or ours.unsupported:
            wrong.append(f"{path!r}: Go raw {answer.get('raw')!r}, ours {ours.raw!r}, expected {want!r}")
        else:
            tally("gjson")
    assert not wrong, "\n".join(wrong[:20])


def test_escape_gjson_key_rejects_lone_surrogates_and_documents_leading_empty_keys(oracle: GoOracle) -> None:
    with pytest.raises(ValueError, match="surrogate"):
        escape_gjson_key("\ud800")
    # Two empty keys then more at the very start of a path make "..", gjson's JSON Lines prefix.
    document = '{"":{"":{"x":1}}}'
    joined = ".".join(escape_gjson_key(key) for key in ("", "", "x"))
    two = ".".join(escape_gjson_key(key) for key in ("", ""))
    lines, pair = oracle.ask([{"op": "gjson", "json": document, "path": p} for p in (joined, two)])
    assert joined == "..x" and lines["raw"] != "1" and gjson_get(document.encode(), joined).unsupported
    assert pair["raw"] == '{"x":1}' == gjson_get(document.encode(), two).raw


# ---------------------------------------------------------------------------------------------------------------
# Generated cases
# ---------------------------------------------------------------------------------------------------------------

KEYS = ["a", "b", "ab", "ba", "a.b", "a*", "*", "?", "a?b", "#", "@x", "@this", "!x", "", "|", "\\", '"', "{", "k\n",
        "é", "😀", "1", "0", "a b", "a,b", "x|y", "(", "=", "a\\b", "#(a)"]  # fmt: skip
NUMBER_TEXTS = ["0", "-0", "1", "-1", "2", "1.5", "1e400", "-1e400", "9007199254740993", "1.0", "-0.0", "1E2",
                "123456789012345678901234567890", "0.1", "2.5e-3", "1e21", "-7"]  # fmt: skip
STRING_TEXTS = ['"a"', '"b"', '"ab"', '""', '"\\u00e9"', '"\\ud83d\\ude00"', '"\\ud800"', '"x{y"', '"*"', '"1"',
                '"true"', '"a\\"b"', '"a\\\\"', '"\\n"', '"é"', '"TRUE"', '"1e3"']  # fmt: skip


@dataclass
class Doc:
    kind: str
    text: str
    members: list[tuple[str, Doc]]
    items: list[Doc]

    def scalar_literal(self) -> str | None:
        """The value as a query would write it (strings quoted), None for objects/arrays."""
        return None if self.kind in ("object", "array") else self.text


class Generator:
    """Random small JSON documents (text kept as written) and paths built from them, from a fixed seed."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def ws(self) -> str:
        return self.rng.choice(["", "", "", " ", "\n  "])

    def key_text(self, key: str) -> str:
        roll = self.rng.random()
        if roll < 0.15:
            return json.dumps(key, ensure_ascii=True)
        if roll < 0.2 and key[:1].isalpha() and key.isascii():
            return f'"\\u{ord(key[0]):04x}{json.dumps(key[1:])[1:-1]}"'
        return json.dumps(key, ensure_ascii=False)

    def document(self, depth: int = 0) -> Doc:
        roll = self.rng.random()
        if depth == 0 or (depth < 3 and roll < 0.5):
            if self.rng.random() < 0.6:
                count = self.rng.randint(0, 4)
                keys = [self.rng.choice(KEYS) for _ in range(count)]
                members = [(key, self.document(depth + 1)) for key in keys]
                inner = ",".join(
                    f"{self.ws()}{self.key_text(k)}{self.ws()}:{self.ws()}{v.text}{self.ws()}" for k, v in members
                )
                return Doc("object", "{" + inner + "}", members, [])
            items = [self.document(depth + 1) for _ in range(self.rng.randint(0, 4))]
            return Doc("array", "[" + ",".join(self.ws() + item.text + self.ws() for item in items) + "]", [], items)
        roll = self.rng.random()
        if roll < 0.4:
            return Doc("number", self.rng.choice(NUMBER_TEXTS), [], [])
        if roll < 0.8:
            return Doc("string", self.rng.choice(STRING_TEXTS), [], [])
        return Doc("literal", self.rng.choice(["true", "false", "null"]), [], [])

    def key_component(self, key: str) -> str:
        roll = self.rng.random()
        if roll < 0.55:
            return escape_gjson_key(key)
        if roll < 0.7:
            return key
        if roll < 0.8:
            return key.replace("\\", "\\\\").replace(".", "\\.")
        if roll < 0.9 and key:
            i = self.rng.randrange(len(key))
            return escape_gjson_key(key[:i]) + self.rng.choice(["?", "*"]) + escape_gjson_key(key[i + 1 :])
        return self.rng.choice(["*", "?", "a*", "*b", "?*"])

    def path(self, doc: Doc, depth: int = 0) -> str:
        component, child = self.component(doc)
        if child is None or depth > 3 or self.rng.random() < 0.3:
            return component + self.ending()
        return component + self.rng.choice([".", ".", ".", "|"]) + self.path(child, depth + 1)

    def ending(self) -> str:
        roll = self.rng.random()
        if roll < 0.85:
            return ""
        return self.rng.choice([".#", "|#", ".0", "|@reverse", ".@this", "|!true", ".x", "|x", ".", "|*"])

    def component(self, doc: Doc) -> tuple[str, Doc | None]:
        if doc.kind == "object" and doc.members and self.rng.random() < 0.85:
            key, child = self.rng.choice(doc.members)
            return self.key_component(key), child
        if doc.kind == "array" and self.rng.random() < 0.9:
            return self.array_component(doc)
        return self.key_component(self.rng.choice(KEYS)), None

    def array_component(self, doc: Doc) -> tuple[str, Doc | None]:
        roll = self.rng.random()
        element = self.rng.choice(doc.items) if doc.items else None
        if roll < 0.3:
            index = self.rng.choice([0, 1, 2, 5, len(doc.items) - 1])
            return self.rng.choice([str(index), str(index), f"0{index}", "-1"]), element
        if roll < 0.4:
            return "#", None
        if roll < 0.55:
            sub = self.path(element) if element else self.key_component("a")
            return "#." + sub, None
        query = self.query(element)
        if self.rng.random() < 0.5:
            return query + "#", None
        return query, element

    def query(self, element: Doc | None) -> str:
        op = self.rng.choice(["==", "=", "!=", "<", "<=", ">", ">=", "%", "!%", ""])
        if element is None:
            return f"#(a{op}1)" if op else "#(a)"
        target, qpath = element, ""
        if element.kind == "object" and element.members and self.rng.random() < 0.8:
            key, target = self.rng.choice(element.members)
            qpath = self.key_component(key)
        literal = target.scalar_literal()
        if not op:
            return f"#({qpath})" if qpath else "#(=" + (literal or "1") + ")"
        if literal is None:
            literal = self.rng.choice(['"a"', "1", "true"])
        if op in ("%", "!%"):
            literal = self.rng.choice(['"a*"', '"*"', '"?"', literal])
        elif target.kind == "string" and self.rng.random() < 0.3:
            literal = literal[1:-1]  # unquoted
        return f"#({qpath}{self.rng.choice(['', ' '])}{op}{literal})"


def _python_data(text: str) -> Any | None:
    """The document as parsed data, when re-encoding it is defined (no Inf, no lone surrogate)."""
    data = json.loads(text)
    try:
        encoded = go_json(data, escape_html=False, sort_keys=False)
        encoded.encode("utf-8")
    except (GoError, UnicodeEncodeError):
        return None
    return data


def generated(seed: int, documents: int, paths_per_document: int) -> list[Case]:
    generator = Generator(seed)
    cases: list[Case] = []
    for _ in range(documents):
        doc = generator.document()
        paths = [generator.path(doc) for _ in range(paths_per_document)]
        cases += [text_case(doc.text, path) for path in paths]
        data = _python_data(doc.text)
        if data is not None:
            cases += [python_case(data, path) for path in paths[:2]]
    return cases


def test_generated_cases_agree_with_go(oracle: GoOracle) -> None:
    cases = generated(seed=20240506, documents=320, paths_per_document=4)
    total, unsupported = run_cases(oracle, cases)
    assert total > 1200
    assert unsupported < total * 0.15, f"{unsupported} of {total} generated cases unsupported"
