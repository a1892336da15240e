"""Go text/template + sprig, as Argo runs dataTemplate and data-filter templates, against the real libraries.

Every case runs through ``render_go_template`` and the Go oracle; ours must give Go's status and output, or say
``unsupported``. The data goes the way ``simulate`` reads an event: ``json.loads`` of the JSON text (Go parses the
same text with gjson).
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Sequence
from typing import Any

import pytest

from pulumi_metaflow_blueprints.argo.semantics._values import json_int
from pulumi_metaflow_blueprints.argo.semantics.gotemplate import render_go_template
from pulumi_metaflow_blueprints.argo.semantics.parameters import resolve_param_value
from pulumi_metaflow_blueprints.core.fields import EventPath
from pulumi_metaflow_blueprints.core.target import value_template
from tests.oracle_client import GoOracle, tally

Case = tuple[str, str, str]
"""(template, data, kind): kind ``json`` (dataTemplate over the JSON text) or ``input`` (filter template)."""


def _request(case: Case) -> dict[str, Any]:
    template, data, kind = case
    return {"op": "template", "template": template, kind: data}


def _ours(case: Case) -> tuple[str, str | None, str]:
    template, data, kind = case
    result = render_go_template(template, {"Input": json.loads(data) if kind == "json" else data})
    return result.status, (result.output if result.status == "ok" else None), result.message


def _compare(oracle: GoOracle, cases: Sequence[Case]) -> tuple[list[str], int]:
    """Disagreements (readable) and how many cases our side called unsupported; tallies every agreeing case."""
    problems: list[str] = []
    unsupported = 0
    for case, answer in zip(cases, oracle.ask([_request(case) for case in cases]), strict=True):
        status, output, message = _ours(case)
        go = ("ok" if answer["status"] == "ok" else "error", answer.get("output"))
        if status == "unsupported":
            unsupported += 1
            tally("template", unsupported=True)
            continue
        if (status, output) != go:
            problems.append(f"{case!r}: go {go} {answer.get('message', '')!r}; ours {(status, output)} {message!r}")
            continue
        tally("template")
    return problems, unsupported


def _assert_agree(problems: Sequence[str]) -> None:
    assert not problems, f"{len(problems)} disagreements with Go:\n" + "\n".join(problems[:20])


# ---------------------------------------------------------------------------------------------------------------
# Curated cases: the divergences found so far and edge cases around them
# ---------------------------------------------------------------------------------------------------------------

NULLS = '{"a":null,"m":{},"l":[1,"x",null],"s":"str","n":1,"t":true}'
CURATED: list[Case] = [
    # JSON null and missing keys: Go's invalid value prints <no value>; field access on nil errors only in a chain
    *[
        (t, NULLS, "json")
        for t in [
            "{{ .Input.a }}",
            "{{ .Input.a.b }}",
            "{{ .Input.zz }}",
            "{{ .Input.zz.b.c }}",
            "{{ $x := .Input.a }}{{ $x.b }}",
            "{{ (.Input.a).b }}",
            "{{ (.Input.a).b 1 }}",
            "{{ .Input.zz.b 1 }}",
            "{{ .Input.m.b 1 }}",
            "{{ .Input.s.b }}",
            "{{ .Input.l.b }}",
            "{{ $.Input.a.b }}",
            "{{ .Input.l }}",
            "{{ . }}",
            '{{ index .Input "a" }}',
            '{{ index .Input "a" "b" }}',
            '{{ index .Input "zz" }}',
            '{{ index .Input "l" 2 }}',
            '{{ index .Input "l" 3 }}',
            '{{ index .Input "l" -1 }}',
            '{{ index .Input "l" 1.0 }}',
            "{{ index .Input 1.0 }}",
            "{{ index .Input.zz 1 }}",
            '{{ index .Input.s "a" }}',
            "{{ index .Input.s 9 }}",
            "{{ index .Input.n 0 }}",
            "{{ index .Input .Input.zz }}",
            '{{ index .Input.l "0" }}',
            "{{ index 1 }}",
            "{{ index .Input.s 0 }}{{ index .Input.s 0 | toJson }}{{ index `héllo` 2 }}{{ index `é` 1 | typeOf }}",
            "{{ eq (index `a` 0) 97 }}{{ lt (index `a` 0) 98 }}{{ ne 97 (index `a` 0) }}",
            "{{ index .Input.l (index `\x01` 0) }}",
            "{{ eq (index `a` 0) 97.0 }}",
            '{{ printf "%d %v" (index `a` 0) (index `a` 0) }}{{ kindOf (index `a` 0) }}{{ not (index `a` 0) }}',
            "{{ len (index `a` 0) }}",
            "{{ index .Input.s 3 }}",
            '{{ hasKey .Input.s "a" }}',
            '{{ hasKey .Input.l "a" }}',
            '{{ hasKey .Input.a "a" }}',
            '{{ hasKey .Input.zz "a" }}',
            '{{ get .Input.zz "a" }}',
            '{{ get .Input "a" }}',
            '{{ get .Input "zz" }}',
            '{{ get .Input.n "a" }}',
            '{{ hasKey nil "a" }}{{ hasKey .Input "a" }}',
            '{{ hasKey . "Input" }}',
            '{{ get .Input "a" | toRawJson }}',
            '{{ toRawJson (get .Input "a") }}',
            "{{ toJson .Input.zz }}{{ toJson nil }}",
            '{{ kindIs "invalid" .Input.a }}{{ kindIs "invalid" .Input.zz }}{{ kindIs "map" .Input.m }}',
            "{{ kindOf .Input.l }} {{ kindOf 1 }} {{ kindOf .Input.n }} {{ kindOf .Input.t }}",
            "{{ typeOf .Input.a }} {{ typeOf .Input.zz }} {{ typeOf .Input.m }} {{ typeOf 'a' }} {{ typeOf 1.5 }}",
            "{{ eq .Input.a .Input.zz }}{{ eq .Input.zz 1 }}{{ eq .Input.m .Input.zz }}",
            "{{ eq .Input.m .Input.m }}",
            "{{ eq .Input.m .Input.l }}",
            "{{ eq .Input.n 1 }}",
            "{{ eq .Input.n 1.0 }}{{ eq .Input.s `str` }}{{ eq .Input.t true }}",
            "{{ eq .Input.n 2.0 3.0 1.0 }}{{ eq 1 2 }}{{ eq 1 }}",
            '{{ eq .Input.s "x" 1 }}',
            '{{ eq .Input.s "str" 1 }}',
            "{{ ne .Input.n 1.0 }}{{ ne .Input.zz nil }}",
            '{{ lt .Input.n 2.0 }}{{ le "a" "b" }}{{ gt 2 1 }}{{ ge .Input.n 1.0 }}',
            "{{ lt .Input.zz 1 }}",
            "{{ lt true false }}",
            "{{ lt 1 1.5 }}",
            "{{ len .Input.l }}{{ len .Input }}{{ len .Input.s }}{{ len `héllo` }}",
            "{{ len .Input.a }}",
            "{{ len .Input.zz }}",
            "{{ len .Input.n }}",
            "{{ not .Input.a }}{{ not .Input.m }}{{ not .Input.l }}{{ not 0 }}{{ not `` }}",
            "{{ and .Input.n .Input.s }}|{{ and .Input.a 1 }}|{{ or .Input.zz .Input.m 0 }}|{{ or 0 .Input.s }}",
            "{{ and }}",
            "{{ .Input.n | and 1 }}{{ 0 | or .Input.zz }}",
            "{{ print 1 2 `a` 3 nil .Input.zz .Input.a 1.5 }}",
            "{{ println 1 `a` .Input.m }}",
            '{{ printf "%s-%d-%v-%t" "a" 3 .Input true }}',
            '{{ printf "%v %v" .Input.a .Input.zz }}',
            '{{ printf "%s" }}{{ printf "%d" 1 2 nil }}{{ printf "100%" }}{{ printf "%%" }}',
            '{{ printf "%s" .Input.n }}',
            '{{ printf "%5s" "a" }}',
            '{{ .Input.zz | default "d" }}{{ .Input.a | default "d" }}{{ .Input.s | default "d" }}',
            '{{ default "d" }}{{ default "d" 0 }}{{ default "d" .Input.m }}{{ default "d" .Input.l }}',
            "{{ empty .Input.zz }}{{ empty .Input.m }}{{ empty .Input.l }}{{ empty 0.0 }}{{ empty false }}",
            '{{ coalesce .Input.zz .Input.a 0 "" .Input.m "x" }}{{ coalesce }}{{ coalesce 0 }}',
            "{{ ternary 1 2 true }}{{ ternary 1 2 .Input.t }}",
            "{{ ternary 1 2 .Input.n }}",
            "{{ ternary 1 2 .Input.zz }}",
            "{{ ternary 1 2 1 }}",
            '{{ fail "boom" }}',
            "{{ fail 1 }}",
            "{{ fail .Input.n }}",
            "{{ fail .Input.zz }}",
            "{{ if true }}{{ else }}{{ fail `x` }}{{ end }}ok",
            "{{ upper .Input.s }}{{ lower `ABC` }}",
            "{{ upper `é` }}",
            "{{ upper .Input.n }}",
            "{{ .Input.s | upper }}",
            "{{ .Input.n | upper }}",
            "{{ .Input.zz | upper }}",
            '{{ trim "\\u00a0 x \\u001c" }}|{{ trim "\\t\\n x \\v\\f\\r\\u3000" }}',
            '{{ replace "" "-" "abc" }}{{ replace "a" "b" "banana" }}',
            '{{ sha256sum "" }} {{ sha256sum "héllo" }} {{ .Input.s | sha256sum }}',
            "{{ sha256sum .Input.n }}",
            "{{ sha256sum .Input.zz }}",
            '{{ trunc 3 "abcdef" }}|{{ trunc -2 "abcdef" }}|{{ trunc 0 "ab" }}|{{ trunc 9 "ab" }}|{{ trunc -9 "ab" }}',
            '{{ trunc 16 (sha256sum "x") }}{{ sha256sum "x" | trunc 12 }}',
            '{{ trunc 1.5 "ab" }}',
            '{{ trunc "1" "ab" }}',
            "{{ trunc .Input.n .Input.s }}",
            '{{ trunc 1 "é" }}',
            '{{ contains "tr" .Input.s }}{{ hasPrefix "st" .Input.s }}{{ hasSuffix "x" .Input.s }}',
            "{{ toString .Input.zz }} {{ toString .Input.a }} {{ toString 1.5 }} {{ toString .Input }}",
            '{{ b64enc "héllo" }}{{ b64dec "aGVsbG8gd29ybGQ=" }}{{ b64dec "YR==" }}',
            '{{ b64dec "YQ" }}',
            '{{ b64dec "/w==" }}',
            "{{ b64dec .Input.n }}",
        ]
    ],
    # number literals: Go's syntax and values, Go's parse errors
    *[
        ("{{ " + n + " }}", "{}", "json")
        for n in [
            "1",
            "-3",
            "+5",
            "1.5",
            "1.0",
            "5.",
            ".5",
            "-0",
            "-0.0",
            "1e3",
            "1E3",
            "1e+3",
            "1e-3",
            "1e21",
            "1e20",
            "123456",
            "1234567",
            "0.0001",
            "0.00001",
            "1_000",
            "1_000.5",
            "0x1F",
            "0X1f",
            "0x_1F",
            "-0x1E",
            "+0x1e",
            "0x1E",
            "0o17",
            "0O17",
            "017",
            "0_17",
            "0b101",
            "0B1",
            "0x1p-2",
            "0x1.8p1",
            "0X.8P1",
            "1e400",
            "-1e400",
            "1e-400",
            "08",
            "019",
            "0x",
            "0b",
            "0o",
            "0b102",
            "1__0",
            "1_",
            "_1",
            "1._5",
            "0x1.8",
            "1e",
            "1e+",
            "1.2.3",
            "1.a",
            "1a",
            "99999999999999999999",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "18446744073709551615",
            "1i",
            "0i",
            "1+2i",
            "1+2",
            "3-",
            "+",
            "-",
            "'a'",
            "'\\n'",
            "'\\x41'",
            "'\\xff'",
            "'\\u00e9'",
            "'\\U0001F600'",
            "'\\101'",
            "'\\''",
            "'\\\"'",
            "'\"'",
            "'ab'",
            "''",
            "'é'",
            "'\\z'",
            "'\\400'",
            "'\\ud800'",
        ]
    ],
    ("{{ if false }}{{ 9223372036854775808 }}{{ end }}", "{}", "json"),
    ("{{ kindIs `float64` -0x1E }}{{ kindIs `int` 0x1E }}{{ kindIs `int` 'a' }}{{ kindOf 1e3 }}", "{}", "json"),
    # string literals
    *[
        ("{{ " + s + " }}", "{}", "json")
        for s in [
            '"\\x41\\u00e9\\U0001F600\\101"',
            '"\\xc3\\xa9"',
            '"\\xe9"',
            '"\\q"',
            '"\\ud800"',
            '"\\U00110000"',
            '"\\400"',
            '"\\377"',
            '"\\\'"',
            '"\\""',
            '"\\\\"',
            '"\\a\\b\\f\\n\\r\\t\\v"',
            '"a\tb"',
            "`a\\nb`",
            "`a\rb`",
            "`a\nb`",
            '"a',
            "`a",
            '"a\nb"',
            '"\\',
            '"\\x4"',
            '"\\u00e"',
            '"é😀"',
            '"<&>"',
        ]
    ],
    # syntax: trim markers, comments, keywords, pipelines, declarations
    *[
        (t, '{"x":"1","e":""}', "json")
        for t in [
            "{{-3}} {{- 3 -}} x",
            " a \n {{- .Input.x -}} \n b ",
            "a {{- /* c */ -}} b {{/* d */}} c",
            "{{ /* c */ }}",
            "{{/* c */ }}",
            "{{/* c",
            "{{- }}",
            "{{ -}}",
            "{{-}}",
            "{{}}",
            "{{ }}",
            "{{ .Input.x }",
            "{{ .Input.x",
            "}}{{",
            "{{ .Input.x | }}",
            "{{ | .Input.x }}",
            "{{ .Input.x | | upper }}",
            '{{ "a" | 1 }}',
            "{{ .Input.x | .Input.e }}",
            "{{ 1 2 }}",
            "{{ if false }}{{ 1 2 }}{{ end }}",
            "{{ nil }}",
            "{{ nil.a }}",
            '{{ "a".b }}',
            "{{ ..a }}",
            "{{ $ }}",
            "{{ $.Input.x }}",
            "{{ $x }}",
            "{{ if false }}{{ $x }}{{ end }}",
            "{{ $x := 1 }}{{ $x }}",
            "{{ $x = 1 }}",
            "{{ $x := 1 }}{{ $x = 2 }}{{ $x }}",
            "{{ $x := $x }}",
            "{{ $x, $y := 1 }}",
            "{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ $y := 3 }}{{ end }}{{ $x }}",
            "{{ if true }}{{ $y := 3 }}{{ end }}{{ $y }}",
            "{{ if true }}{{ $x := 1 }}{{ else }}{{ $x }}{{ end }}",
            "{{ if false }}{{ $x := 1 }}{{ else }}{{ $x }}{{ end }}",
            "{{ if $v := .Input.x }}{{ $v }}{{ else }}no{{ $v }}{{ end }}",
            "{{ if .Input.e }}A{{ else if .Input.x }}B{{ else }}C{{ end }}",
            "{{ if .Input.e }}A{{ else if .Input.e }}B{{ end }}",
            "{{ if .Input.e }}A{{ else }}B{{ else }}C{{ end }}",
            "{{ if .Input.e }}A{{ else x }}B{{ end }}",
            "{{ if .Input.e }}A{{ end x }}",
            "{{ if }}A{{ end }}",
            "{{ if .Input.x }}A",
            "{{ end }}",
            "{{ else }}",
            "{{ .Input.x else }}",
            "{{ .Input.x range }}",
            "{{ range .Input }}{{ end }}",
            "{{ with .Input }}{{ end }}",
            "{{ ( ) }}",
            "{{ (1) 2 }}",
            "{{ (.Input.x }}",
            "{{ .Input.x) }}",
            "{{ .Input.x, 1 }}",
            "{{ .Input.x:= 1 }}",
            "{{ .Input.x : 1 }}",
            "{{ .Input.x(1) }}",
            '{{ .Input.x"a" }}',
            "{{ .Input.x-}}",
            "{{ .Input.x -}}",
            "{{ .Input.x  -}}",
            "{{ .Input.x # }}",
            "{{ .Input.x \x01 }}",
            "{{ ($x := 1) }}{{ $x }}",
            "{{ $x := 1 }}{{ if true }}{{ $x := 2 }}{{ $x }}{{ end }}{{ $x }}",
            "{{ $ := 1 }}{{ $ }}{{ $.Input }}",
            "{{ $x := .Input }}{{ $x.x }}{{ $x := 5 }}{{ $x }}",
            '{{ "a" | printf "%s %s" "b" }}{{ .Input.x | printf "%v" }}',
            "{{ if .Input.x | eq `1` }}one{{ end }}",
            "{{ .Input.x | len | eq 1 }}",
            "{{ (upper .Input.x).a }}",
            "{{ .Input.x | printf `%s!` }}",
            "{{ .Input.x | upper | lower }}",
            "{{ notAFunction 1 }}",
            "{{ .Input.café }}",
            "{{ break }}",
            "{{ true.a }}",
        ]
    ],
    # numbers in the data: every size, how %v and encoding/json print them
    *[
        (t, '{"n":' + n + "}", "json")
        for n in [
            "0",
            "-0.0",
            "1",
            "1.0",
            "-1.5",
            "1e6",
            "1e5",
            "123456789",
            "1e20",
            "1e21",
            "1e-5",
            "1e-6",
            "1e-7",
            "0.0001",
            "1.7976931348623157e308",
            "1e400",
            "-1e400",
            "5e-324",
            "1e-400",
            "123456789012345678901234567890",
            "9007199254740993",
            "100000000000000000000000",
            "0.1",
            "1E2",
        ]
        for t in ["{{ .Input.n }}", "{{ toJson .Input.n }}", "{{ toRawJson .Input.n }}", "{{ .Input }}"]
    ],
    # JSON of strings and nested values (sorted keys, HTML escapes, non-BMP characters)
    *[
        (t, '{"b":"<>&\\u2028\\u2029 😀 é \\u0001 \\t \\" \\\\ /","a":{"z":1,"y":[2,{"x":null}]},"c":[]}', "json")
        for t in ["{{ toJson .Input }}", "{{ toRawJson .Input }}", "{{ .Input }}", "{{ .Input.b }}"]
    ],
    ("{{ toJson .Input }}", '{"a":"\\b"}', "json"),
    ("{{ toRawJson .Input }}", '{"\\f":1}', "json"),
    ("{{ .Input }}", '"\\ud800 \\udc00x \\ud83d\\ude00"', "json"),
    ("{{ toRawJson .Input }}", '{"\\ud800":"\\ud83dA"}', "json"),
    ("{{ .Input }}", "null", "json"),
    ("{{ .Input.a }}", "null", "json"),
    ("{{ .Input.a }}", "[1]", "json"),
    ("{{ .Input }}", "[]", "json"),
    ("{{ .Input }}", "{}", "json"),
    ("{{ .Input }}", '""', "json"),
    # filter templates: .Input is a string
    *[
        (t, s, "input")
        for s in ["aGVsbG8=", "x", "", "1", "é", "<a>"]
        for t in [
            "{{ b64dec .Input }}",
            "{{ .Input }}",
            "{{ .Input | toJson }}",
            "{{ len .Input }}",
            "{{ .Input.a }}",
            '{{ eq .Input "x" }}',
            "{{ upper .Input }}",
            "{{ if .Input }}yes{{ end }}",
            "{{ index .Input 0 }}",
        ]
    ],
]


def test_template_curated_cases_agree_with_go(oracle: GoOracle) -> None:
    problems, unsupported = _compare(oracle, CURATED)
    _assert_agree(problems)
    assert unsupported < len(CURATED) // 5


# ---------------------------------------------------------------------------------------------------------------
# The templates our blueprints emit (core/target.py value_template) over every JSON value shape
# ---------------------------------------------------------------------------------------------------------------

PATHS: list[tuple[str | int, ...]] = [
    ("body", "key"),
    ("body", "order", "id"),
    ("header", "X-Request-Id", 0),
    ("body", "items", 1),
    ("body", "items", 0, "id"),
    ("body",),
    ("body", "é"),
    ("body", "😀 key"),
    ("body", "<&>"),
    ("body", "tab\tkey"),
    ("body", "a.b"),
    ("body", 'q"uote'),
    ("body", "back\\slash"),
    ("body", "new\nline"),
    ("body", "x@y|*#"),
    ("body", "0"),
    ("body", "€\x7f\u2028"),
]
VALUES = [
    '{"a":[1,2,{"b":null}],"z":"y"}',
    "[]",
    "{}",
    '[1,"two",null,true]',
    '"text"',
    '"é😀<>&\\u2028\\n\\t\\"\\\\/"',
    '""',
    "0",
    "-0.0",
    "1",
    "1.5",
    "1e21",
    "1e-7",
    "123456789012345678901234567890",
    "1e400",
    "true",
    "false",
    "null",
    '"\\u0000"',
]


def _nest(segments: Sequence[str | int], leaf: str) -> str:
    """JSON text holding ``leaf`` at ``segments`` (int segments as arrays with the leaf at that index)."""
    text = leaf
    for segment in reversed(segments):
        if isinstance(segment, int):
            text = "[" + ",".join(["0"] * segment + [text]) + "]"
        else:
            text = "{" + json.dumps(segment) + ":" + text + ',"other":1}'
    return text


def _blueprint_cases() -> Iterator[Case]:
    for segments in PATHS:
        template = value_template(EventPath(segments))
        for leaf in VALUES:
            yield template, _nest(segments, leaf), "json"
        parent = segments[:-1]
        for other in ['"a string"', "[1,2]", "3", "null", "{}", '{"unrelated":1}']:
            yield template, _nest(parent, other), "json"
        yield template, "{}", "json"
        yield template, "[]", "json"
        yield template, '"top"', "json"
        yield template, "null", "json"
        if len(segments) > 2:
            yield template, _nest(segments[:1], '{"x":1}'), "json"


def test_blueprint_value_templates_agree_with_go_and_are_all_supported(oracle: GoOracle) -> None:
    cases = list(_blueprint_cases())
    problems, unsupported = _compare(oracle, cases)
    _assert_agree(problems)
    assert unsupported == 0


# ---------------------------------------------------------------------------------------------------------------
# Generated cases: a grammar of templates over the modelled subset (and around it) x random JSON data
# ---------------------------------------------------------------------------------------------------------------

KEY_KINDS = {"s": "string", "n": "number", "b": "bool", "l": "list", "m": "map", "a": "any", "x": "any"}
NUMBER_TEXTS = [
    "0",
    "1",
    "2",
    "-1",
    "3.5",
    "-0.0",
    "1e6",
    "1e21",
    "1e-7",
    "123456789",
    "1e400",
    "0.1",
    "9007199254740993",
    "100000000000000000000000",
]
STRING_VALUES = ["", "x", "abc", "é", "😀", "<a&b>", "a b", "0", "true", "aGVsbG8=", "YQ==", " pad ", "\n", "A\u2028"]
STRING_LITERALS = [
    '"a"',
    '"x"',
    '""',
    "`raw`",
    '"é\\n"',
    '"\\u00e9"',
    '"abc"',
    '"s"',
    '"l"',
    '"m"',
    '"n"',
    '"map"',
    '"string"',
    '"float64"',
    '"invalid"',
    '"slice"',
    '"bool"',
    '"aGVsbG8="',
    "`a\\tb`",
    '"\\x41"',
]
OTHER_LITERALS = ["0", "1", "2", "-1", "1.5", "1e3", "0x10", "'a'", "true", "false", "nil", "1_0", "0.0", "-0.0"]
MALFORMED_LITERALS = ['"\\q"', "08", "1e400", "1__0", "'ab'", '"\\ud800"', "0x", "1.2.3", "99999999999999999999"]
SIGNATURES: dict[str, list[str]] = {
    # parameter kinds: string, number, bool, map, list, any, key (a map key literal), index, fmt; "*" repeats
    "index": ["container", "index", "*index"],
    "len": ["sized"],
    "not": ["any"],
    "and": ["any", "*any"],
    "or": ["any", "*any"],
    "eq": ["same", "same", "*same"],
    "ne": ["same", "same"],
    "lt": ["ordered", "ordered"],
    "le": ["ordered", "ordered"],
    "gt": ["ordered", "ordered"],
    "ge": ["ordered", "ordered"],
    "print": ["*any"],
    "println": ["*any"],
    "printf": ["fmt", "*any"],
    "hasKey": ["map", "key"],
    "get": ["map", "key"],
    "toJson": ["any"],
    "toRawJson": ["any"],
    "fail": ["string"],
    "kindIs": ["kind", "any"],
    "kindOf": ["any"],
    "typeOf": ["any"],
    "default": ["any", "*any"],
    "empty": ["any"],
    "coalesce": ["*any"],
    "ternary": ["any", "any", "bool"],
    "b64enc": ["string"],
    "b64dec": ["string"],
    "upper": ["string"],
    "lower": ["string"],
    "trim": ["string"],
    "toString": ["any"],
    "contains": ["string", "string"],
    "hasPrefix": ["string", "string"],
    "hasSuffix": ["string", "string"],
    "replace": ["string", "string", "string"],
    "sha256sum": ["string"],
    "trunc": ["index", "string"],
    "title": ["string"],
}


class _Grammar:
    """Templates over the modelled functions, mostly well typed for the data _json_document makes."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.vars: list[str] = []
        self.string_input = False

    def chance(self, p: float) -> bool:
        return self.rng.random() < p

    def field(self, kind: str) -> str:
        if self.string_input and not self.chance(0.05):
            return self.rng.choice([".Input", "$.Input", *self.vars[-1:]])
        keys = [k for k, v in KEY_KINDS.items() if v == kind or kind == "any" or (v == "any" and self.chance(0.2))]
        key = self.rng.choice(keys or list(KEY_KINDS))
        root = self.rng.choice([".Input", ".Input", "$.Input", ".Input.m", *self.vars[-1:]])
        if self.chance(0.04):
            key += "." + self.rng.choice(list(KEY_KINDS))
        return root if root in self.vars and self.chance(0.5) else f"{root}.{key}"

    def literal(self, kind: str) -> str:
        if self.chance(0.04):
            return self.rng.choice(MALFORMED_LITERALS)
        if kind == "string" or (kind in ("any", "same", "ordered") and self.chance(0.5)):
            return self.rng.choice(STRING_LITERALS)
        if kind in ("number", "ordered", "same"):
            return self.rng.choice(["1.0", "0.0", "2.5", "-1.0", "1e6", "0x1p-2", "1_000.5"])
        if kind == "bool":
            return self.rng.choice(["true", "false"])
        return self.rng.choice(OTHER_LITERALS + STRING_LITERALS)

    def operand(self, kind: str, depth: int) -> str:
        if self.chance(0.05):  # anything: Go's type errors
            kind = "any"
        if kind == "key":
            return json.dumps(self.rng.choice([*KEY_KINDS, "zz"]))
        if kind == "kind":
            return self.rng.choice(['"string"', '"float64"', '"map"', '"slice"', '"invalid"', '"bool"', '"int"'])
        if kind == "fmt":
            return self.rng.choice(['"%v"', '"%s-%v"', '"%d"', '"%t!"', '"x"', '"%v %v"', '"%%"', '"%s"'])
        if kind == "index":
            return self.rng.choice(["0", "1", "2", '"s"', '"m"', '"l"', '"zz"', "1.0"])
        if kind in ("container", "sized", "map", "list"):
            kind = self.rng.choice(["map", "list"]) if kind != "sized" else self.rng.choice(["map", "list", "string"])
        if kind in ("same", "ordered"):
            kind = self.rng.choice(["string", "number"] + (["bool", "any"] if kind == "same" else []))
        roll = self.rng.random()
        if roll < 0.55 or (kind in ("map", "list") and roll < 0.9):
            return self.field(kind)
        if roll < 0.85 or depth > 1:
            return self.literal(kind)
        return "(" + self.pipeline(depth + 1) + ")"

    def call(self, depth: int, piped: bool) -> str:
        name = self.rng.choice(list(SIGNATURES))
        params = SIGNATURES[name]
        fixed = [p for p in params if not p.startswith("*")]
        more = [p[1:] for p in params if p.startswith("*")]
        kinds = fixed + more * self.rng.randint(0, 2)
        if piped:
            kinds = kinds[:-1]
        if self.chance(0.04):
            kinds = kinds[:-1] if kinds and self.chance(0.5) else [*kinds, "any"]
        return " ".join([name, *(self.operand(kind, depth) for kind in kinds)])

    def pipeline(self, depth: int = 0) -> str:
        parts = [self.operand("any", depth) if self.chance(0.25) else self.call(depth, False)]
        while self.chance(0.2):
            parts.append(self.call(depth, True))
        return " | ".join(parts)

    def action(self, depth: int = 0) -> str:
        left, right = self.rng.choice([("{{ ", " }}"), ("{{- ", " -}}"), ("{{", "}}"), ("{{ ", " -}}")])
        if self.chance(0.15):
            name = f"$v{len(self.vars)}"
            text = f"{left}{name} := {self.pipeline()}{right}"
            self.vars.append(name)
            return text
        if self.chance(0.2) and depth < 2:
            mark = len(self.vars)
            head = f"{left}if {self.pipeline()}{right}{self.body(depth + 1)}"
            if self.chance(0.3):
                head += f"{{{{ else if {self.pipeline()} }}}}{self.body(depth + 1)}"
            if self.chance(0.5):
                head += "{{ else }}" + self.body(depth + 1)
            del self.vars[mark:]
            return head + "{{ end }}"
        return left + self.pipeline() + right

    def body(self, depth: int) -> str:
        parts = [self.rng.choice(["", " ", "t", "\n"]) for _ in range(2)]
        parts[1:1] = [self.action(depth) for _ in range(self.rng.choice([1, 1, 1, 2]))]
        if self.chance(0.05):
            parts.insert(1, self.rng.choice(["{{/* c */}}", "{{- /* c */ -}}"]))
        return "".join(parts)

    def template(self, string_input: bool = False) -> str:
        self.vars, self.string_input = [], string_input
        text = self.body(0)
        if self.chance(0.05):  # damage it: Go must reject it (or we must say unsupported)
            cut = self.rng.randrange(len(text) + 1)
            damage = self.rng.choice(["{{", "}}", "(", ")", "|", '"', "{{ end }}", "$z", ":=", "`"])
            text = text[:cut] + damage + text[cut:]
        return text


def _json_value(rng: random.Random, kind: str, depth: int) -> str:
    if kind == "any":
        kind = rng.choice(["string", "number", "bool", "list", "map", "null"])
    if kind == "map" and depth < 3:
        keys = [k for k in KEY_KINDS if rng.random() < (0.9 if depth == 0 else 0.5)]
        return "{" + ",".join(json.dumps(k) + ":" + _json_value(rng, KEY_KINDS[k], depth + 1) for k in keys) + "}"
    if kind == "list" and depth < 3:
        return "[" + ",".join(_json_value(rng, "any", depth + 1) for _ in range(rng.randint(0, 3))) + "]"
    if kind == "number":
        return rng.choice(NUMBER_TEXTS)
    if kind == "string":
        return json.dumps(rng.choice(STRING_VALUES), ensure_ascii=rng.random() < 0.5)
    if kind == "bool":
        return rng.choice(["true", "false"])
    return "null"


def _generated_cases(count: int, seed: int) -> list[Case]:
    rng = random.Random(seed)
    grammar = _Grammar(rng)
    documents = [_json_value(rng, "map", 0) for _ in range(40)] + ["null", "[1,2]", '"s"', "{}"]
    cases: list[Case] = []
    for _ in range(count):
        if rng.random() < 0.1:
            cases.append((grammar.template(string_input=True), rng.choice(STRING_VALUES), "input"))
        else:
            cases.append((grammar.template(), rng.choice(documents), "json"))
    return cases


def test_generated_templates_agree_with_go(oracle: GoOracle) -> None:
    cases = _generated_cases(1500, seed=20240607)
    problems, unsupported = _compare(oracle, cases)
    _assert_agree(problems)
    assert unsupported < len(cases) // 3, f"{unsupported} of {len(cases)} generated cases are unsupported"


# ---------------------------------------------------------------------------------------------------------------
# The contract around render_go_template
# ---------------------------------------------------------------------------------------------------------------


def test_now_unix_epoch_has_go_shape(oracle: GoOracle) -> None:
    [answer] = oracle.ask([{"op": "template", "template": "{{ now | unixEpoch }}", "json": "{}"}])
    ours = render_go_template("{{ now | unixEpoch }}", {"Input": {}})
    assert answer["status"] == ours.status == "ok"
    assert abs(int(answer["output"]) - int(ours.output)) < 60
    tally("template")


def test_json_int_keeps_minus_zero_like_gjson(oracle: GoOracle) -> None:
    # json.loads turns -0 into int 0; with the json_int hook the sign survives as gjson's float64 -0.
    data = '{"n":-0,"m":[-0,0,-1]}'
    [answer] = oracle.ask([{"op": "template", "template": "{{ .Input }} {{ toRawJson .Input }}", "json": data}])
    ours = render_go_template("{{ .Input }} {{ toRawJson .Input }}", {"Input": json.loads(data, parse_int=json_int)})
    assert (ours.status, ours.output) == (answer["status"], answer["output"])
    tally("template")


@pytest.mark.parametrize(
    ("template", "body"),
    [
        ("{{ .Input.body.x }}", {"x": None}),
        ("{{ .Input.body.nope }}", {}),
        ('{{ get .Input.body "x" }}', {}),
        ("{{ if false }}x{{ end }}", {}),
    ],
)
def test_params_treat_empty_or_no_value_output_as_a_failed_template(template: str, body: dict[str, Any]) -> None:
    event = {"context": {"datacontenttype": "application/json"}, "data": {"body": body}}
    rendered = render_go_template(template, {"Input": event["data"]})
    assert rendered.status == "ok" and rendered.output in ("", "<no value>")
    src = {"dependencyName": "dep", "dataTemplate": template, "value": "fallback"}
    result = resolve_param_value(src, {"dep": event})
    assert (result.status, result.value, result.origin) == ("ok", "fallback", "value")
