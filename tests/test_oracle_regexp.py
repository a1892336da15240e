# ruff: noqa: RUF001  (the look-alike letters are the point: case folding and Unicode classes)
"""Go's ``regexp`` (RE2 syntax) as Argo Events runs it, against our ``compile_go_regexp`` (tests/oracle).

Argo compiles a data filter's value with ``regexp.Compile`` and calls ``Match`` (an unanchored search); govaluate's
``=~`` and expr's ``matches`` do the same. For every pattern — curated constructs where engines disagree (lookaround,
backreferences, ``\\Z``, possessive and atomic groups, ``(?<name>)``, Unicode classes and case folding, ``\\Q..\\E``,
flags, repeat limits, ``\\C``, octal, ``$`` before a final newline, ...) and ~1500 drawn from a seeded grammar —
our side must reject exactly what Go rejects and, where Go compiles the pattern, match every text as Go does, unless
it says ``unsupported``. Texts only use characters Unicode 13 (Go 1.19's tables) already had.
"""

from __future__ import annotations

import copy
import random
import re
from dataclasses import dataclass
from typing import Any

from pulumi_metaflow_blueprints.argo.semantics.goregexp import _GO_UNICODE_NAMES, GoRegexp, compile_go_regexp
from pulumi_metaflow_blueprints.aws import S3ObjectTrigger
from pulumi_metaflow_blueprints.core.filters import anchored, exact
from pulumi_metaflow_blueprints.offline import run_program
from tests.helpers import rejected, spec_of
from tests.oracle_client import GoOracle, tally
from tests.test_s3_blueprint import CONFIG, base_args

# Characters whose Unicode data is the same in Go 1.19 (Unicode 13), Go 1.26 (15.0) and RE2, chosen for case folding
# (Kelvin sign, long s, sigma, titlecase ǅ, Turkish i), classes (Arabic-Indic digit, Han, emoji) and newlines.
UNICODE_LETTERS = "éÉßẞKſΣσςµΜμǅǆǄİıΩωÅåϑθΘϴιΙᾳᾼ日本αβγ"
OTHER_CHARS = "٣😀\u00a0\u2028ﬀ"
PLAIN = "abcksxyzABKS019_-./ "
CONTROL = "\t\n\v\r\x00"

COMMON_TEXTS = [
    "",
    "a",
    "ab",
    "abc",
    "A",
    "aB",
    "aa",
    "aaa",
    "\n",
    "a\n",
    "\na",
    "a\nb",
    "\r\n",
    "k",
    "K",
    "\u212a",
    "s",
    "S",
    "ſ",
    "é",
    "É",
    "ß",
    "ẞ",
    "Σ",
    "σ",
    "ς",
    "αβγ",
    "日本",
    "😀",
    "x y",
    "\t",
    "\v",
    "\x00",
    "123",
    "٣",
    "_",
    "-",
    "landing/tmp/x",
    "landing/data/x",
    "foo.bar",
    "AA.B",
    "a{,2}",
    "a{2}",
    "tmp",
    "\u0345",
    "\u1fbe",
    "\u0378",  # unassigned
    "\ue000",  # private use
    "\U0002ebf0",  # CJK Extension I (Unicode 15.1): RE2 knows it, Go does not
    "\u00a0",
    "\u2028",
    "\ufffd",
    "\u0390\u1fd3\ufb05",  # folds Unicode 14/15.1 added
    "\ud7ff\ue000",
]


@dataclass(frozen=True)
class Case:
    """A pattern and the texts to match it against."""

    pattern: str
    texts: tuple[str, ...]


CURATED: list[str | tuple[str, list[str]]] = [
    # Perl constructs RE2 has no machinery for
    ("landing/(?!tmp).*", ["landing/data/x", "landing/tmp/x"]),
    "(a)\\1",
    "(?P<x>a)(?P=x)",
    "a(?=b)",
    "(?<=a)b",
    "(?<!a)b",
    "a*+",
    "a++",
    "a?+",
    "(?>a)",
    "(?#comment)a",
    "(?x)a b",
    "\\Z",
    "a\\Z",
    "\\z",
    "a\\z",
    "\\Aa",
    "\\G",
    "\\K",
    "\\R",
    "\\X",
    "\\h",
    "\\H",
    "\\V",
    "\\e",
    "\\cA",
    "\\N{LATIN SMALL LETTER A}",
    "\\o{101}",
    "\\g1",
    "\\k<n>",
    "\\C",
    "a\\Cb",
    "[\\C]",
    # captures and names
    "(?P<name>a)",
    "(?<name>a)",
    "(?'name'a)",
    "(?P<1a>a)",
    "(?P<a1>a)",
    "(?P<_>a)",
    "(?P<é>a)",
    "(?P<>a)",
    "(?P<n>a)(?P<n>b)",
    "(?P<n>a",
    "(?P<n",
    "(?P=n)",
    "(?P>n)",
    # flags
    "(?i)k",
    "(?i)K",
    "(?i)\u212a",
    "(?i)s",
    "(?i)ſ",
    "(?i)σ",
    "(?i)ς",
    "(?i)Σ",
    "(?i)ß",
    "(?i)ẞ",
    "(?i)é",
    "(?i)É",
    "(?i)ǅ",
    "(?i)ı",
    "(?i)İ",
    "(?i)i",
    "(?i)µ",
    "(?i)θ",
    "(?i)ϑ",
    "(?i)ι",
    "(?i)[k]",
    "(?i)[^k]",
    "(?i)[a-z]+",
    "(?i)[^a-z]",
    "(?i)[\\x{212A}]",
    "(?i)\\x{17F}",
    "(?i)[[:upper:]]",
    "(?i)[[:lower:]]",
    "(?i)\\p{Lu}",
    "(?i)\\p{Ll}",
    "(?i)\\P{Lu}",
    "(?i)\\w",
    "(?i)[^\\w]",
    "(?i)\\pL",
    "a(?i)b",
    "a(?i:b)c",
    "(?i)a(?-i)b",
    "(?i:a)b",
    "(?-i:a)",
    "(?i-s:a.)",
    "(?s).",
    "(?s:.)",
    ".",
    "a.b",
    "(?m)^b",
    "(?m)a$",
    "(?m)^$",
    "(?m:^)b",
    "(?m)$",
    "(?m)\\Ab",
    "(?m)a\\z",
    "(?U)a+",
    "(?U)a+?",
    "(?U)(a+)b",
    "(?U:a*)",
    "(?imsU)a",
    "(?)a",
    "(?i-)a",
    "(?-)a",
    "(?--i)a",
    "(?i-i)a",
    "(?ii)a",
    "(?q)a",
    "(?i",
    "(?i:",
    "(?:a",
    "(?",
    # anchors and newlines
    "^a$",
    "^$",
    "$",
    "^",
    "a$",
    "\\n$",
    "^\\n",
    "a\\n?$",
    "^*",
    "$+",
    "\\b*",
    "(?:^)*a",
    "\\b",
    "\\ba\\b",
    "\\bé",
    "é\\b",
    "\\B",
    "\\Bé",
    "a\\B",
    # classes
    "\\d",
    "\\D",
    "\\w",
    "\\W",
    "\\s",
    "\\S",
    "[\\s]",
    "[\\S]",
    "[^\\s]",
    "[\\d\\s]",
    "[^\\d\\W]",
    "\\pL",
    "\\PL",
    "\\pN",
    "\\p{L}",
    "\\p{Lu}",
    "\\p{Greek}",
    "\\P{Greek}",
    "\\p{^Greek}",
    "\\P{^Greek}",
    "\\p{Han}",
    "\\p{Latin}",
    "\\p{Arabic}",
    "\\p{Common}",
    "\\p{Inherited}",
    "\\p{Any}",
    "\\P{Any}",
    "\\p{^Any}",
    "[^\\p{Any}]",
    "\\p{Nd}",
    "\\p{Zs}",
    "\\p{Zl}",
    "\\p{Cc}",
    "\\p{Co}",
    "\\p{Cs}",
    "\\p{So}",
    "\\p{Sk}",
    "\\p{LC}",
    "\\p{L&}",
    "\\p{Cn}",
    "\\p{Assigned}",
    "\\p{ASCII}",
    "\\p{Letter}",
    "\\p{greek}",
    "\\p{Old_Italic}",
    "\\p{Vithkuqi}",
    "\\p{Kawi}",
    "\\p{Garay}",
    "\\p{Foo}",
    "\\p{}",
    "\\p",
    "\\pX",
    "\\p{Greek",
    "[\\pL]",
    "[^\\pL]",
    "[\\p{Greek}\\d]",
    "[[:alpha:]]",
    "[[:^alpha:]]",
    "[[:word:]]",
    "[[:space:]]",
    "[[:blank:]]",
    "[[:punct:]]",
    "[[:ascii:]]",
    "[[:foo:]]",
    "[[:alpha:]-z]",
    "[[=a=]]",
    "[[.a.]]",
    "[:alpha:]",
    "[a-z]",
    "[z-a]",
    "[a-]",
    "[-a]",
    "[a-b-c]",
    "[]a]",
    "[^]a]",
    "[]",
    "[^]",
    "[a",
    "[\\d-z]",
    "[a-\\d]",
    "[é-ñ]",
    "[^\\x00-\\x{10FFFF}]",
    "[\\x00-\\x{10FFFF}]",
    "[\\Q]\\E]",
    "[\\b]",
    "[\\A]",
    "[\\z]",
    "[.]",
    "[\\n]",
    "[\\]]",
    "[\\[]",
    "[&&a]",
    "[a&&b]",
    "[a~~b]",
    "[a||b]",
    # escapes
    "\\Qa.b\\E",
    "\\Qa.b",
    "\\Q\\E",
    "\\Qa\\\\E",
    "\\E",
    "\\x41",
    "\\x4",
    "\\x{41}",
    "\\x{10FFFF}",
    "\\x{110000}",
    "\\x{}",
    "\\x{D800}",
    "\\x{1F600}",
    "[\\x{D800}-\\x{DFFF}]",
    "[\\x{D7FF}-\\x{E000}]",
    "(?i)[^\\x{D800}-\\x{E000}]",
    "\\xé",
    "\\101",
    "\\0",
    "\\00",
    "\\012",
    "\\0123",
    "\\1",
    "\\12",
    "\\8",
    "\\9",
    "\\7",
    "\\08",
    "\\a",
    "\\f",
    "\\t",
    "\\v",
    "\\r",
    "\\n",
    "\\.",
    "\\-",
    "\\_",
    "\\ ",
    "\\#",
    "\\~",
    "\\é",
    "\\😀",
    "\\y",
    "\\",
    "a\\",
    # repeats
    "a{2}",
    "a{2,}",
    "a{2,3}",
    "a{,3}",
    "a{",
    "a{1",
    "a{1,",
    "a{x}",
    "{2}",
    "a{1000}",
    "a{1001}",
    "a{0,1000}",
    "a{0,1001}",
    "a{1000,}",
    "a{3,2}",
    "a{2}{3}",
    "a{2}*",
    "a**",
    "a*?",
    "a*??",
    "a+?",
    "a??",
    "a{2}?",
    "*a",
    "+",
    "?",
    "(a{2}){500}",
    "(a{2}){501}",
    "(a{10}){100}",
    "((a{10}){10}){10}",
    "((a{10}){10}){11}",
    "(a*){1000}",
    "(?:a{1000}){2}",
    "(?:(?:a){1000})",
    "\\pL{1000}",
    "[\\p{L}\\p{N}]{500}",
    ".{1000}",
    "(?s).{1000}",
    # groups and alternation
    "()",
    "(|a)",
    "(a|)",
    "a||b",
    "|",
    "|a",
    "a|",
    "(a|b)*c",
    "((a))",
    "(a)(b)",
    "(?:)",
    "(?:)*",
    "()*",
    "(",
    ")",
    "a)",
    "(a",
    "(()",
    "(?:a|b)+$",
    # whole-pattern forms the blueprints emit
    "^(?:landing/.*)$",
    "^(?:a|b)$",
    "^(?:\\.csv)$",
    "^(?:landing/(?!tmp).*)$",
    "^(?:(a)\\1)$",
    "^(?:a(?=b))$",
    "^(?:)$",
    "^(?:a|)$",
    "^(?:data\\-1\\ x\\#)$",
    # literals
    "a\x00b",
    "\x00",
    "é",
    "😀",
    "日本",
    "ſ",
    "\u212a",
    "\n",
    "a\nb",
]


def curated_cases() -> list[Case]:
    """The curated patterns, each with the common texts (plus its own)."""
    cases = []
    for item in CURATED:
        pattern, extra = (item, []) if isinstance(item, str) else item
        cases.append(Case(pattern, tuple(dict.fromkeys([*extra, *COMMON_TEXTS]))))
    return cases


class PatternGrammar:
    """Draws Go regexp patterns from a small grammar, each with a text it was built to match (when it is valid)."""

    LITERALS = PLAIN + UNICODE_LETTERS + OTHER_CHARS + "\n"
    META = ".*+?()[]{}|^$\\"
    ESCAPES = [
        ("\\d", "7"),
        ("\\D", "x"),
        ("\\w", "_"),
        ("\\W", "é"),
        ("\\s", " "),
        ("\\S", "ſ"),
        ("\\pL", "Σ"),
        ("\\PL", "1"),
        ("\\pN", "٣"),
        ("\\p{Lu}", "K"),
        ("\\p{Ll}", "ſ"),
        ("\\p{Greek}", "ς"),
        ("\\P{Greek}", "k"),
        ("\\p{^Latin}", "σ"),
        ("\\p{Han}", "日"),
        ("\\p{Latin}", "\u212a"),
        ("\\p{Zs}", "\u00a0"),
        ("\\x41", "A"),
        ("\\x{e9}", "é"),
        ("\\x{1F600}", "😀"),
        ("\\x{212A}", "\u212a"),
        ("\\101", "A"),
        ("\\0", "\x00"),
        ("\\t", "\t"),
        ("\\n", "\n"),
        ("\\v", "\v"),
        ("\\.", "."),
        ("\\Qa.b\\E", "a.b"),
        ("\\Q*\\E", "*"),
    ]
    CLASSES = [
        ("[abc]", "b"),
        ("[^abc]", "x"),
        ("[a-z]", "k"),
        ("[^a-z]", "K"),
        ("[A-Za-z0-9_]", "S"),
        ("[[:alpha:]]", "s"),
        ("[[:^digit:]]", "ß"),
        ("[[:upper:][:digit:]]", "9"),
        ("[\\d\\s]", "\t"),
        ("[^\\d\\s]", "日"),
        ("[\\pL]", "é"),
        ("[^\\pL]", "-"),
        ("[\\p{Greek}x]", "σ"),
        ("[é-ñ]", "ë"),
        ("[α-ω]", "ς"),
        ("[-a]", "-"),
        ("[a-]", "-"),
        ("[]a]", "]"),
        ("[^]a]", "b"),
        ("[.]", "."),
        ("[\\]\\[]", "["),
        ("[kK]", "\u212a"),
        ("[^\\n]", "a"),
        ("[\\x{1F600}-\\x{1F64F}]", "😀"),
        ("[sſ]", "S"),
    ]
    ANCHORS = ["^", "$", "\\A", "\\z", "\\b", "\\B"]
    FLAGS = ["i", "m", "s", "U", "im", "is", "-i", "i-s", "ms"]
    INVALID = [
        "(?=a)",
        "(?!a)",
        "(?<=a)",
        "(?<!a)",
        "(?>a)",
        "\\1",
        "\\Z",
        "\\C",
        "(?<n>a)",
        "a*+",
        "a**",
        "a{1001}",
        "[z-a]",
        "\\8",
        "\\e",
        "(?P<1>a)",
        "(?P=n)",
        "[[:foo:]]",
        "\\p{Foo}",
        "\\x{110000}",
        "(",
        ")",
        "[a",
        "\\",
        "*",
        "(?i",
        "\\G",
        "\\p{greek}",
        "\\p{Letter}",
        "\\p{Kawi}",
    ]

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.names = 0

    def pattern(self) -> tuple[str, str]:
        """A pattern and a text meant to match it."""
        self.names = 0
        prefix = ""
        if self.rng.random() < 0.2:
            prefix = f"(?{self.rng.choice(['i', 'm', 's', 'U', 'is', 'im', 'imsU'])})"
        pattern, text = self.alternation(self.rng.randint(1, 3))
        return prefix + pattern, text

    def alternation(self, depth: int) -> tuple[str, str]:
        branches = [self.sequence(depth) for _ in range(self.rng.choice([1, 1, 1, 2, 3]))]
        if len(branches) > 1 and self.rng.random() < 0.1:
            branches.insert(self.rng.randrange(len(branches) + 1), ("", ""))
        return "|".join(p for p, _ in branches), self.rng.choice(branches)[1]

    def sequence(self, depth: int) -> tuple[str, str]:
        parts = [self.repeat(depth) for _ in range(self.rng.randint(1, 4))]
        return "".join(p for p, _ in parts), "".join(t for _, t in parts)

    def repeat(self, depth: int) -> tuple[str, str]:
        pattern, text = self.atom(depth)
        bare_flags = re.fullmatch(r"\(\?[a-zA-Z-]*\)", pattern) is not None
        if self.rng.random() < (0.97 if bare_flags else 0.55):  # Go rejects `(?i)*`: keep a few
            return pattern, text
        quantifier, count = self.rng.choice(
            [("*", 2), ("+", 1), ("?", 1), ("?", 0), ("{2}", 2), ("{1,3}", 3), ("{0,}", 0), ("{2,}", 2), ("{,2}", -1)]
        )
        if self.rng.random() < 0.25:
            quantifier += "?"
        if count == -1:  # `{,2}` is literal text in Go
            return pattern + quantifier, text + quantifier
        return pattern + quantifier, text * count

    def atom(self, depth: int) -> tuple[str, str]:
        roll = self.rng.random()
        if roll < 0.35:
            return self.literal()
        if roll < 0.47:
            return self.rng.choice(self.ESCAPES)
        if roll < 0.59:
            return self.rng.choice(self.CLASSES)
        if roll < 0.63:
            return ".", self.rng.choice("a日\n")
        if roll < 0.69:
            return self.rng.choice(self.ANCHORS), ""
        if roll < 0.705:
            return self.rng.choice(self.INVALID), "a"
        if roll < 0.75:
            flags = self.rng.choice(self.FLAGS)
            return f"(?{flags})", ""
        if depth <= 0:
            return self.literal()
        inner, text = self.alternation(depth - 1)
        return self.group(inner), text

    def group(self, inner: str) -> str:
        kind = self.rng.choice(["(", "(", "(?:", "(?:", "named", "flags"])
        if kind == "named":
            self.names += 1
            return f"(?P<g{self.names}>{inner})"
        if kind == "flags":
            return f"(?{self.rng.choice(self.FLAGS)}:{inner})"
        return f"{kind}{inner})"

    def literal(self) -> tuple[str, str]:
        if self.rng.random() < 0.15:
            char = self.rng.choice(self.META)
            return "\\" + char, char
        char = self.rng.choice(self.LITERALS)
        return char, char

    def texts(self, pattern: str, sample: str) -> tuple[str, ...]:
        """The sample, variants of it, and random texts over the pattern's characters."""
        alphabet = list(dict.fromkeys(ch for ch in pattern + sample + "aK\u212aſ\n" if ch not in "\\"))
        texts = [sample, sample.upper(), sample.lower(), "x" + sample + "\n", sample[1:], sample[:-1]]
        for _ in range(6):
            texts.append("".join(self.rng.choice(alphabet) for _ in range(self.rng.randint(0, 6))))
        return tuple(dict.fromkeys(texts))


def generated_cases(count: int, seed: int = 20240607) -> list[Case]:
    """``count`` distinct patterns drawn from the grammar, each with about a dozen texts."""
    grammar = PatternGrammar(seed)
    cases: dict[str, Case] = {}
    while len(cases) < count:
        pattern, sample = grammar.pattern()
        if pattern not in cases:
            cases[pattern] = Case(pattern, grammar.texts(pattern, sample))
    return list(cases.values())


def go_answers(oracle: GoOracle, cases: list[Case]) -> list[dict[str, Any]]:
    """Go's verdict for each case: ``regexp.Compile`` then ``Match`` on every text."""
    return oracle.ask([{"op": "regexp", "pattern": case.pattern, "texts": list(case.texts)} for case in cases])


def disagreement(case: Case, answer: dict[str, Any], ours: GoRegexp) -> str | None:
    """Why our verdict differs from Go's, or None when it agrees (or we said unsupported)."""
    if ours.unsupported:
        return None
    if answer["status"] != "ok":
        return None if ours.error else f"{case.pattern!r}: Go rejects it ({answer['message']}), we compile it"
    if ours.error:
        return f"{case.pattern!r}: Go compiles it, we reject it ({ours.error})"
    wrong = []
    for text, go_match in zip(case.texts, answer["matches"], strict=True):
        if ours.unsupported_text(text) is None and ours.search(text) != go_match:
            wrong.append(f"{text!r} (Go {go_match})")
    return f"{case.pattern!r}: " + ", ".join(wrong) if wrong else None


def compare(oracle: GoOracle, cases: list[Case]) -> tuple[list[str], int]:
    """Every disagreement between Go and us, and how many cases we called unsupported."""
    wrong, unsupported = [], 0
    for case, answer in zip(cases, go_answers(oracle, cases), strict=True):
        ours = compile_go_regexp(case.pattern)
        problem = disagreement(case, answer, ours)
        if problem:
            wrong.append(problem)
            continue
        unsupported += bool(ours.unsupported)
        tally("regexp", unsupported=bool(ours.unsupported))
    return wrong, unsupported


def test_curated_patterns_compile_and_match_as_go(oracle: GoOracle) -> None:
    cases = curated_cases()
    wrong, unsupported = compare(oracle, cases)
    assert not wrong, f"{len(wrong)} of {len(cases)} disagree:\n" + "\n".join(wrong[:20])
    assert unsupported < len(cases) // 10


def test_generated_patterns_compile_and_match_as_go(oracle: GoOracle) -> None:
    cases = generated_cases(1500)
    wrong, unsupported = compare(oracle, cases)
    assert not wrong, f"{len(wrong)} of {len(cases)} disagree:\n" + "\n".join(wrong[:20])
    assert unsupported < len(cases) // 10


def test_every_unicode_class_name_go_knows_matches_as_go(oracle: GoOracle) -> None:
    """``\\p{Name}``/``\\P{Name}`` (also case-insensitive) for every name Go 1.19 knows, over characters sampled from
    all of Unicode 13 (characters whose class changed since, which Go 1.26 and RE2 agree on, are left out)."""
    assigned = oracle.one({"op": "regexp", "pattern": "^[\\pL\\pM\\pN\\pP\\pS\\pZ\\pC]$", "texts": SAMPLE_CHARS})
    texts = tuple(
        c for c, ok in zip(SAMPLE_CHARS, assigned["matches"], strict=True) if ok and c not in CHANGED_SINCE_13
    )
    assert len(texts) > 300
    names = sorted(_GO_UNICODE_NAMES)
    cases = [Case(f"^{form}$".format(name), texts) for name in names for form in UNICODE_CLASS_FORMS]
    cases += [Case(f"^\\{p}{letter}$", texts) for letter in "CLMNPSZ" for p in "pP"]
    wrong, unsupported = compare(oracle, cases)
    assert not wrong, f"{len(wrong)} of {len(cases)} disagree:\n" + "\n".join(wrong[:20])
    assert unsupported == 0


# Every 701st code point (surrogates skipped) and a few per block that fold or classify unusually.
SAMPLE_CHARS = [chr(c) for c in range(0, 0x110000, 701) if not 0xD800 <= c <= 0xDFFF] + list(
    UNICODE_LETTERS + OTHER_CHARS + "\u0345\u1fbe\u01c5\u2126\u212b\u1e9e\u0130\u0131\u00b5\u03f4\u1d79\ua7c0\u0600"
)
# Characters Unicode 14 or 15 moved to another category or script (Go 1.19 still has the old one).
CHANGED_SINCE_13 = {"\u1734", "\U00016fe2", "\U00016fe3"}
UNICODE_CLASS_FORMS = ["\\p{{{}}}", "\\P{{{}}}", "(?i)\\p{{{}}}", "[^\\p{{{}}}a]"]


def test_blueprints_refuse_patterns_go_rejects_before_registering_anything(oracle: GoOracle) -> None:
    refused = {
        "landing/(?!tmp).*": "lookahead",
        "(a)\\1": "backreferences",
        "a(?=b)": "lookahead",
        "(?<=a)b": "lookbehind",
        "a\\Z": "\\Z",
        "a*+": "possessive",
        "(?>a)": "atomic",
        "a\\Cb": "\\C",
        "(?<n>a)": "(?P<name>",
        "\\p{Letter}": "Go 1.19",
        "a\\Qb": "not a valid Go regular expression",  # valid alone, but `^(?:a\Qb)$` quotes the closing `)$`
    }
    for pattern, words in refused.items():
        args = copy.deepcopy(base_args(filters=[{"field": "key", "pattern": pattern}]))
        run, error = rejected(lambda args=args: S3ObjectTrigger("raw-events", args), config=CONFIG)
        assert (error.argument, run.registrations) == ("filters[0].pattern", []), pattern
        assert words in str(error) and "Fix:" in str(error), str(error)
    go = go_answers(oracle, [Case(f"^(?:{pattern})$", ()) for pattern in refused if pattern != "(?<n>a)"])
    assert all(answer["status"] == "parse_error" for answer in go), go


def test_blueprints_accept_go_syntax_python_lacks_and_emit_what_go_matches_whole(oracle: GoOracle) -> None:
    patterns = {
        "\\p{Greek}+\\.csv": (["αβ.csv", "ab.csv", "αβ.csv.tmp"]),
        "\\pL+/[[:digit:]]{4}": (["Daten/2024", "日本/2024", "x/20245"]),
        "\\x{41}\\Q*.\\E\\z": (["A*.", "A*.x"]),
        "(?U)a+b|(?i)k": (["aab", "\u212a", "b"]),
    }
    filters = [{"field": "key", "pattern": pattern} for pattern in patterns]
    sensor = spec_of(
        run_program(lambda: S3ObjectTrigger("raw-events", base_args(filters=filters)), config=CONFIG),  # type: ignore[arg-type]
        "Sensor",
    )
    emitted = [item["value"][0] for item in sensor["dependencies"][0]["filters"]["data"][-len(patterns) :]]
    assert emitted == [anchored(pattern) for pattern in patterns]
    cases = [Case(value, tuple(texts)) for value, texts in zip(emitted, patterns.values(), strict=True)]
    wrong, unsupported = compare(oracle, cases)
    assert not wrong and unsupported == 0, wrong
    answers = go_answers(oracle, cases)
    assert [answer["matches"] for answer in answers] == [
        [True, False, False],
        [True, True, False],
        [True, False],
        [True, True, False],
    ]


def test_equals_filters_match_exactly_their_values_in_go(oracle: GoOracle) -> None:
    values = ["a.b", "data-1 x#", "tab\there", "new\nline", "é😀", "[x]{1}", "a|b", "^$", "back\\slash", "~&", ""]
    regex = exact(values)
    answer = oracle.one({"op": "regexp", "pattern": regex, "texts": [*values, "a", "axb", "data-1 x", "tab here"]})
    assert answer["status"] == "ok" and answer["matches"] == [True] * len(values) + [False] * 4, answer
    ours = compile_go_regexp(regex)
    assert [ours.search(text) for text in [*values, "axb"]] == [True] * len(values) + [False]
    tally("regexp")


def test_lone_surrogates_and_unicode_15_1_characters_are_unsupported() -> None:
    assert compile_go_regexp("a\ud800").unsupported
    assert compile_go_regexp("a").unsupported_text("x\udc00y")
    assert compile_go_regexp("\\pS").unsupported_text("\u2ffc")  # IDEOGRAPHIC DESCRIPTION CHARACTER, new in 15.1
    assert compile_go_regexp("\\pL").unsupported_text("\U0002ebf0")
    assert compile_go_regexp(".").unsupported_text("\U0002ebf0") is None
    assert compile_go_regexp("(?i)x").unsupported_text("\ufb06")  # folds to U+FB05 in RE2 (Unicode 15.1), not Go
