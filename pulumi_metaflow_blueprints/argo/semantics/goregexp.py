"""Go's ``regexp`` (RE2 syntax), run by google-re2: the C++ RE2 that Go's package was ported from.

Argo compiles string data filters with ``regexp.Compile`` and ``Match``es them (an unanchored search over the
text's UTF-8); govaluate's ``=~`` and expr's ``matches`` do the same. RE2 parses the same syntax and matches the
same way (leftmost-first, ASCII ``\\d\\s\\w\\b``, ``$`` = end of text unless ``(?m)``, Unicode case folding,
``\\p`` classes), which tests/test_oracle_regexp.py checks against Go. Where C++ RE2 and Go differ, we answer as
Go does or say ``unsupported``:

- ``\\C`` (one byte) and capture names with non-ASCII letters exist only in C++: Go rejects them.
- ``(?<name>...)`` is Go 1.22+; ``\\p{Name}`` beyond Go 1.19's exact names (newer scripts, Go 1.25's aliases and
  loose matching) depends on the Go release Argo is built with: ``unsupported``.
- RE2's Unicode tables are 15.1, Go 1.26's 15.0: a text with a character new in 15.1 matched against a ``\\p``
  class is ``unsupported``, and so is case-insensitive matching of a text holding ``ΐ ΰ ﬅ`` or their fold partners
  (folds Unicode 14/15.1 added without a case mapping; Go 1.19 lacks them, Go 1.26 may). No Go string holds a lone
  surrogate: a text or pattern with one is ``unsupported``.
- Go's size, rune and nesting limits are not modelled: patterns that could reach them are ``unsupported``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Protocol

import re2

__all__ = ["GoRegexp", "compile_go_regexp", "go_regexp_search"]

# The names Go 1.19 (Unicode 13) accepts in \p{...}: "Any", the general categories and the scripts. Go 1.25+ accepts
# more (aliases such as "Letter", loose spellings, newer scripts), so any other name is version-sensitive.
_GO_CATEGORIES = "C Cc Cf Co Cs L Ll Lm Lo Lt Lu M Mc Me Mn N Nd Nl No P Pc Pd Pe Pf Pi Po Ps S Sc Sk Sm So Z Zl Zp Zs"
_GO_SCRIPTS = """
Adlam Ahom Anatolian_Hieroglyphs Arabic Armenian Avestan Balinese Bamum Bassa_Vah Batak Bengali Bhaiksuki Bopomofo
Brahmi Braille Buginese Buhid Canadian_Aboriginal Carian Caucasian_Albanian Chakma Cham Cherokee Chorasmian Common
Coptic Cuneiform Cypriot Cyrillic Deseret Devanagari Dives_Akuru Dogra Duployan Egyptian_Hieroglyphs Elbasan Elymaic
Ethiopic Georgian Glagolitic Gothic Grantha Greek Gujarati Gunjala_Gondi Gurmukhi Han Hangul Hanifi_Rohingya Hanunoo
Hatran Hebrew Hiragana Imperial_Aramaic Inherited Inscriptional_Pahlavi Inscriptional_Parthian Javanese Kaithi Kannada
Katakana Kayah_Li Kharoshthi Khitan_Small_Script Khmer Khojki Khudawadi Lao Latin Lepcha Limbu Linear_A Linear_B Lisu
Lycian Lydian Mahajani Makasar Malayalam Mandaic Manichaean Marchen Masaram_Gondi Medefaidrin Meetei_Mayek
Mende_Kikakui Meroitic_Cursive Meroitic_Hieroglyphs Miao Modi Mongolian Mro Multani Myanmar Nabataean Nandinagari
New_Tai_Lue Newa Nko Nushu Nyiakeng_Puachue_Hmong Ogham Ol_Chiki Old_Hungarian Old_Italic Old_North_Arabian Old_Permic
Old_Persian Old_Sogdian Old_South_Arabian Old_Turkic Oriya Osage Osmanya Pahawh_Hmong Palmyrene Pau_Cin_Hau Phags_Pa
Phoenician Psalter_Pahlavi Rejang Runic Samaritan Saurashtra Sharada Shavian Siddham SignWriting Sinhala Sogdian
Sora_Sompeng Soyombo Sundanese Syloti_Nagri Syriac Tagalog Tagbanwa Tai_Le Tai_Tham Tai_Viet Takri Tamil Tangut Telugu
Thaana Thai Tibetan Tifinagh Tirhuta Ugaritic Vai Wancho Warang_Citi Yezidi Yi Zanabazar_Square
"""
_GO_UNICODE_NAMES = frozenset(["Any", *_GO_CATEGORIES.split(), *_GO_SCRIPTS.split()])

# Characters Unicode 15.1 assigned (CJK Extension I and five ideographic description characters): RE2 knows them,
# Go 1.26 (Unicode 15.0) does not.
_UNICODE_15_1 = re.compile("[\U0002ebf0-\U0002ee5d\u2ffc-\u2fff\u31ef]")
_NEW_FOLDS = re.compile("[\u0390\u1fd3\u03b0\u1fe3\ufb05\ufb06]")
_SURROGATE = re.compile("[\ud800-\udfff]")

# Go's limits (regexp/syntax): compiled size (in instructions), runes held by character classes, parse-tree height.
_GO_MAX_SIZE = (128 << 20) // 40
_MAX_PATTERN_CHARS = 20_000  # each class item adds at most ~1,500 runes: far below Go's 32M at this length
_MAX_DEPTH = 200  # each group adds at most four levels to Go's parse tree (limit 1000)

_CAPTURE_NAME = re.compile(r"[A-Za-z0-9_]+")
_UNICODE_CLASS = re.compile(r"\\[pP](?:\{\^?([^}]*)\}|([A-Za-z]))")
# RE2's error codes as Go's regexp/syntax words them.
_GO_ERROR_CODES = {
    "invalid perl operator": "invalid or unsupported Perl syntax",
    "bad repetition operator": "invalid nested repetition operator",
    "invalid repetition size": "invalid repeat count",
    "missing ]": "missing closing ]",
    "missing )": "missing closing )",
    "trailing \\": "trailing backslash at end of expression",
    "no argument for repetition operator": "missing argument to repetition operator",
    "invalid named capture group": "invalid named capture",
}
_FLAGS = re.compile(r"\(\?([A-Za-z-]*)[:)]")
_REPEAT = re.compile(r"\{(\d+)(?:,(\d*))?\}")


class _Compiled(Protocol):
    """What this module uses of a compiled RE2 pattern."""

    def search(self, text: str) -> object | None: ...

    def fullmatch(self, text: str) -> object | None: ...


@dataclass(frozen=True)
class GoRegexp:
    """A Go regular expression compiled with RE2.

    ``error``: Go's ``regexp.Compile`` rejects the pattern. ``unsupported``: whether Go accepts it, or how it
    matches, depends on what this module does not model (see the module docstring).
    """

    pattern: str
    error: str | None = None
    unsupported: str | None = None
    folds_case: bool = False
    uses_unicode_classes: bool = False
    compiled: _Compiled | None = field(default=None, repr=False, compare=False)

    def unsupported_text(self, text: str) -> str | None:
        """Why matching ``text`` cannot be decided here, or None."""
        if _SURROGATE.search(text):
            return "the text holds a lone UTF-16 surrogate, which no Go string does"
        tables = self.folds_case or self.uses_unicode_classes
        if tables and not text.isascii() and not _re2_tables_expected():
            return "the installed RE2's Unicode tables are not the 15.1 ones checked against Go"
        if self.uses_unicode_classes and _UNICODE_15_1.search(text):
            return "the text holds a character new in Unicode 15.1, which Go's tables (15.0) lack"
        if self.folds_case and _NEW_FOLDS.search(text):
            return "the text holds a character whose case folding Go releases disagree on"
        return None

    def search(self, text: str) -> bool:
        """Go's ``MatchString``: an unanchored search."""
        return self._checked(text).search(text) is not None

    def full_match(self, text: str) -> bool:
        """Whether the pattern matches the whole of ``text`` (used to warn about unanchored partial matches)."""
        return self._checked(text).fullmatch(text) is not None

    def _checked(self, text: str) -> _Compiled:
        reason = self.error or self.unsupported or self.unsupported_text(text)
        if reason:
            raise ValueError(reason)
        assert self.compiled is not None
        return self.compiled


@functools.lru_cache(maxsize=256)
def compile_go_regexp(pattern: str) -> GoRegexp:
    """Compile a Go ``regexp`` pattern as Go would (see ``GoRegexp``)."""
    if _SURROGATE.search(pattern):
        return GoRegexp(pattern, unsupported=f"Go regexp {pattern!r} holds a lone surrogate, which no Go string does")
    scan = _PatternScan(pattern)
    if scan.version_sensitive:
        return GoRegexp(pattern, unsupported=f"Go regexp {pattern!r} uses {scan.version_sensitive}")
    if scan.size_risk:
        return GoRegexp(pattern, unsupported=f"Go regexp {pattern!r} {scan.size_risk}")
    try:
        compiled = re2.compile(pattern, _options())
    except re2.error as exc:
        message = exc.args[0].decode("utf-8", "replace") if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        if "too large" in message:
            return GoRegexp(pattern, unsupported=f"Go regexp {pattern!r} is too large to judge Go's size limits")
        return GoRegexp(pattern, error=_go_error(message))
    if scan.go_error:
        return GoRegexp(pattern, error=_go_error(scan.go_error))
    return GoRegexp(
        pattern, folds_case=scan.folds_case, uses_unicode_classes=bool(scan.unicode_names), compiled=compiled
    )


def go_regexp_search(pattern: str, text: str, error: type[Exception], unsupported: type[Exception]) -> bool:
    """Go's ``regexp.MatchString(pattern, text)`` (unanchored); raises ``error`` when Go rejects the pattern and
    ``unsupported`` when this module cannot tell."""
    regex = compile_go_regexp(pattern)
    if regex.error:
        raise error(regex.error)
    reason = regex.unsupported or regex.unsupported_text(text)
    if reason:
        raise unsupported(reason)
    return regex.search(text)


def _go_error(message: str) -> str:
    """An RE2 error (``code: fragment``) in the words of Go's ``regexp.Compile``."""
    code, _, fragment = message.partition(": ")
    return f"error parsing regexp: {_GO_ERROR_CODES.get(code, code)}: `{fragment}`"


@functools.cache
def _options() -> re2.Options:
    """RE2 as Go's ``regexp.Compile`` parses (Perl syntax, UTF-8, leftmost-first); room for Go-sized programs.
    (``perl_classes``/``word_boundary``/``one_line`` only apply to POSIX syntax; ``\\d``, ``\\b`` are on here.)"""
    options = re2.Options()
    options.posix_syntax = False
    options.longest_match = False
    options.encoding = re2.Options.Encoding.UTF8
    options.case_sensitive = True
    options.max_mem = 64 << 20
    options.log_errors = False
    return options


@functools.cache
def _re2_tables_expected() -> bool:
    """Whether RE2's Unicode tables are the 15.1 ones this module was checked with (a Unicode 15.0 script is known,
    a 16.0 one is not, and CJK Extension I is Han)."""

    def compiles(pattern: str) -> bool:
        try:
            re2.compile(pattern, _options())
        except re2.error:
            return False
        return True

    han = compiles(r"\p{Han}") and re2.compile(r"\p{Han}", _options()).search("\U0002ebf0") is not None
    return compiles(r"\p{Kawi}") and not compiles(r"\p{Garay}") and han


class _PatternScan:
    """What a pattern uses where C++ RE2 and Go part ways: ``go_error`` (Go rejects what RE2 accepts),
    ``version_sensitive`` (Go releases disagree), ``size_risk`` (Go's limits may apply), ``unicode_names``."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self.go_error: str | None = None
        self.version_sensitive: str | None = None
        self.unicode_names: list[str] = []
        self.depth = 0
        self.max_depth = 0
        self.repeat_product = 1
        self.folds_case = False
        self._walk()
        self.size_risk = self._size_risk()

    def _walk(self) -> None:
        p, i = self.pattern, 0
        while i < len(p):
            ch = p[i]
            if ch == "\\":
                i = self._escape(i)
            elif ch == "[":
                i = self._char_class(i)
            elif ch == "(":
                self._group(i)
                self.depth += 1
                self.max_depth = max(self.max_depth, self.depth)
                i += 1
            elif ch == ")":
                self.depth -= 1
                i += 1
            elif ch == "{":
                i = self._repeat(i)
            else:
                i += 1

    def _escape(self, i: int) -> int:
        p = self.pattern
        nxt = p[i + 1 : i + 2]
        if nxt == "Q":
            end = p.find("\\E", i + 2)
            return len(p) if end < 0 else end + 2
        if nxt == "C":
            self._fail("invalid escape sequence: \\C")
        if nxt in ("p", "P"):
            return self._unicode_class(i)
        return i + 2

    def _unicode_class(self, i: int) -> int:
        found = _UNICODE_CLASS.match(self.pattern, i)
        if found is None:
            return i + 2
        name = found.group(1) if found.group(1) is not None else found.group(2)
        self.unicode_names.append(name)
        if name and name not in _GO_UNICODE_NAMES:
            self._version(f"\\p{{{name}}}, a Unicode class name Go 1.19 does not know (newer Go releases may)")
        return found.end()

    def _char_class(self, i: int) -> int:
        """Skip a ``[...]`` class (``]`` first is a literal, ``[:name:]`` nests), noting escapes inside it."""
        p = self.pattern
        i += 1
        if p[i : i + 1] == "^":
            i += 1
        first = True
        while i < len(p):
            ch = p[i]
            if ch == "]" and not first:
                return i + 1
            first = False
            if ch == "\\":
                i = self._unicode_class(i) if p[i + 1 : i + 2] in ("p", "P") else i + 2
            elif p.startswith("[:", i) and ":]" in p[i + 2 :]:
                i = p.index(":]", i + 2) + 2
            else:
                i += 1
        return i

    def _group(self, i: int) -> None:
        p = self.pattern
        flags = _FLAGS.match(p, i)
        if flags and "i" in flags.group(1):
            self.folds_case = True
        if p.startswith("(?P<", i):
            end = p.find(">", i + 4)
            name = p[i + 4 : end] if end >= 0 else ""
            if name and not _CAPTURE_NAME.fullmatch(name):
                self._fail(f"invalid named capture group: (?P<{name}>")
        elif p.startswith("(?<", i) and not p.startswith(("(?<=", "(?<!"), i):
            self._version("(?<name>...), which only Go 1.22+ accepts (write (?P<name>...))")

    def _repeat(self, i: int) -> int:
        found = _REPEAT.match(self.pattern, i)
        if found is None:
            return i + 1
        bound = int(found.group(2) or found.group(1))
        self.repeat_product = min(self.repeat_product * max(bound, 1), 1 << 40)
        return found.end()

    def _size_risk(self) -> str | None:
        if len(self.pattern) > _MAX_PATTERN_CHARS:
            return f"is longer than {_MAX_PATTERN_CHARS} characters (Go's size limits are not modelled)"
        if self.max_depth > _MAX_DEPTH:
            return f"nests groups more than {_MAX_DEPTH} deep (Go's nesting limit is not modelled)"
        # Nested repeats copy an atom at most 1000 times in Go (more is an error) and every character costs at most
        # six instructions, so this bounds Go's compiled size.
        if 6 * len(self.pattern) * min(self.repeat_product, 1000) > _GO_MAX_SIZE:
            return "may exceed Go's compiled-size limit, which is not modelled"
        return None

    def _fail(self, message: str) -> None:
        self.go_error = self.go_error or message

    def _version(self, message: str) -> None:
        self.version_sensitive = self.version_sensitive or message
