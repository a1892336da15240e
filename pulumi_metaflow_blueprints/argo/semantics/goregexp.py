"""Go ``regexp`` (RE2 syntax) patterns translated to Python ``re``; what cannot be translated is reported."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class GoRegexp:
    """A Go regular expression translated to Python ``re`` (ASCII ``\\d\\w\\s\\b``, ``$`` = end of text).

    ``error``: Go's ``regexp.Compile`` rejects the pattern. ``unsupported``: valid (or possibly valid) Go syntax
    that is not translated (Unicode classes ``\\p``, octal escapes, ``(?U)``, mid-pattern flags, ...).
    """

    pattern: str
    python_pattern: str | None
    error: str | None = None
    unsupported: str | None = None

    def search(self, text: str) -> bool:
        """Go's ``MatchString``: an unanchored search."""
        if self.python_pattern is None:
            raise ValueError(self.error or self.unsupported)
        return re.search(self.python_pattern, text, re.ASCII) is not None

    def full_match(self, text: str) -> bool:
        """Whether the pattern matches the whole of ``text`` (used to warn about unanchored partial matches)."""
        if self.python_pattern is None:
            raise ValueError(self.error or self.unsupported)
        return re.fullmatch(self.python_pattern, text, re.ASCII) is not None


_GO_S = "\\t\\n\\f\\r "
_POSIX_CLASSES = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "ascii": "\\x00-\\x7f",
    "blank": "\\t ",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "graph": "!-~",
    "lower": "a-z",
    "print": " -~",
    "punct": "!-/:-@\\[-`{-~",
    "space": "\\t\\n\\v\\f\\r ",
    "upper": "A-Z",
    "word": "0-9A-Za-z_",
    "xdigit": "0-9A-Fa-f",
}
_REPEAT = re.compile(r"\{(\d+)(,(\d*))?\}")


class _RegexGoError(Exception):
    pass


class _RegexUnsupported(Exception):
    pass


def compile_go_regexp(pattern: str) -> GoRegexp:
    """Translate a Go ``regexp`` pattern for use with Python ``re`` (see ``GoRegexp``)."""
    try:
        translated = _RegexTranslator(pattern).translate()
    except _RegexGoError as exc:
        return GoRegexp(pattern, None, error=f"error parsing regexp: {exc}: `{pattern}`")
    except _RegexUnsupported as exc:
        return GoRegexp(pattern, None, unsupported=f"Go regexp {pattern!r} uses {exc}, which is not translated")
    try:
        re.compile(translated, re.ASCII)
    except re.error as exc:
        return GoRegexp(pattern, None, unsupported=f"Go regexp {pattern!r} could not be translated ({exc})")
    return GoRegexp(pattern, translated)


def go_regexp_search(pattern: str, text: str, error: type[Exception], unsupported: type[Exception]) -> bool:
    """Go's ``regexp.MatchString(pattern, text)`` (unanchored); raises ``error`` when Go rejects the pattern and
    ``unsupported`` when it is not translated."""
    regex = compile_go_regexp(pattern)
    if regex.error:
        raise error(regex.error)
    if regex.unsupported:
        raise unsupported(regex.unsupported)
    return regex.search(text)


class _RegexTranslator:
    def __init__(self, pattern: str) -> None:
        self.p = pattern
        self.i = 0
        self.out: list[str] = []
        self.multiline = False
        self.ignorecase = False

    def translate(self) -> str:
        p = self.p
        lead = re.match(r"\(\?([imsU]+)\)", p)
        if lead:
            flags = lead.group(1)
            if "U" in flags:
                raise _RegexUnsupported("the (?U) ungreedy flag")
            self.multiline = "m" in flags
            self.ignorecase = "i" in flags
            self.out.append(f"(?{flags})")
            self.i = lead.end()
        depth = 0
        while self.i < len(p):
            ch = p[self.i]
            if ch == "\\":
                self.out.append(self._escape(in_class=False))
            elif ch == "[":
                self.out.append(self._char_class())
            elif ch == "(":
                self.out.append(self._group_open())
                depth += 1
            elif ch == ")":
                depth -= 1
                if depth < 0:
                    raise _RegexGoError("unexpected )")
                self.out.append(")")
                self.i += 1
            elif ch == "$":
                self.out.append("$" if self.multiline else "\\Z")
                self.i += 1
            elif ch in "*+?":
                self.out.append(ch)
                self.i += 1
                self._after_repeat()
            elif ch == "{":
                repeat = _REPEAT.match(p, self.i)
                if repeat is None:
                    self.out.append("\\{")  # Go reads it literally (e.g. `{,3}`); Python 3.11 would not
                    self.i += 1
                    continue
                low, high = int(repeat.group(1)), repeat.group(3)
                if low > 1000 or (high and int(high) > 1000):
                    raise _RegexGoError("invalid repeat count")
                if high and int(high) < low:
                    raise _RegexGoError("invalid repeat count")
                self.out.append(repeat.group(0))
                self.i = repeat.end()
                self._after_repeat()
            else:
                self._literal(ch)
                self.i += 1
        if depth > 0:
            raise _RegexGoError("missing closing )")
        return "".join(self.out)

    def _literal(self, ch: str) -> None:
        if self.ignorecase and not ch.isascii() and ch.lower() != ch.upper():
            raise _RegexUnsupported("case-insensitive matching of non-ASCII letters")
        self.out.append(ch)

    def _after_repeat(self) -> None:
        p = self.p
        if p[self.i : self.i + 1] == "?":
            self.out.append("?")
            self.i += 1
        nxt = p[self.i : self.i + 1]
        if nxt and (nxt in "*+?" or _REPEAT.match(p, self.i)):
            raise _RegexGoError("invalid nested repetition operator")

    def _group_open(self) -> str:
        p = self.p
        if not p.startswith("(?", self.i):
            self.i += 1
            return "("
        rest = p[self.i + 2 :]
        named = re.match(r"P<([A-Za-z0-9_]*)>", rest)
        if named:
            name = named.group(1)
            if not name:
                raise _RegexGoError("invalid named capture")
            if name[0].isdigit():
                raise _RegexUnsupported("a capture name starting with a digit")
            self.i += 2 + named.end()
            return f"(?P<{name}>"
        if rest.startswith("<") and not rest.startswith(("<=", "<!")):
            raise _RegexUnsupported("(?<name>...) captures (Go 1.22+ only)")
        if rest.startswith(":"):
            self.i += 3
            return "(?:"
        flags = re.match(r"([imsU]*)(?:-([imsU]*))?([:)])", rest)
        if flags and (flags.group(1) or flags.group(2)):
            on, off, end = flags.group(1), flags.group(2) or "", flags.group(3)
            if "U" in on + off:
                raise _RegexUnsupported("the (?U) ungreedy flag")
            if end == ")":
                raise _RegexUnsupported("inline flags after the start of the pattern")
            if "m" in on + off:
                raise _RegexUnsupported("a scoped (?m:...) group")
            if "i" in on:
                self.ignorecase = True
            self.i += 2 + flags.end()
            return f"(?{on}{'-' + off if off else ''}:"
        raise _RegexGoError("invalid or unsupported Perl syntax")

    def _escape(self, in_class: bool) -> str:
        p = self.p
        if self.i + 1 >= len(p):
            raise _RegexGoError("trailing backslash at end of expression")
        e = p[self.i + 1]
        self.i += 2
        if e in "dDwW":
            return "\\" + e
        if e == "s":
            return _GO_S if in_class else f"[{_GO_S}]"
        if e == "S":
            if in_class:
                raise _RegexUnsupported("\\S inside a character class")
            return f"[^{_GO_S}]"
        if e in "bBAz":
            if in_class:
                raise _RegexUnsupported(f"\\{e} inside a character class")
            return "\\Z" if e == "z" else "\\" + e
        if e in "afnrtv":
            return "\\" + e
        if e == "x":
            return self._hex_escape()
        if e == "Q":
            if in_class:
                raise _RegexUnsupported("\\Q inside a character class")
            end = p.find("\\E", self.i)
            literal = p[self.i :] if end < 0 else p[self.i : end]
            self.i = len(p) if end < 0 else end + 2
            return re.escape(literal)
        if e in "pP":
            raise _RegexUnsupported("Unicode character classes (\\p, \\P)")
        if e.isdigit():
            return self._octal_escape(e)
        if e in "CE":
            raise _RegexUnsupported(f"the escape \\{e}")
        if e.isascii() and e.isalnum():
            raise _RegexGoError(f"invalid escape sequence: `\\{e}`")
        if not e.isascii():
            raise _RegexGoError(f"invalid escape sequence: `\\{e}`")
        return "\\" + e

    def _octal_escape(self, first: str) -> str:
        """Go: ``\\0`` and ``\\1``-``\\7`` followed by an octal digit are octal codes; other digits (backreferences)
        are errors."""
        p = self.p
        if first in "89" or (first != "0" and not re.match(r"[0-7]", p[self.i : self.i + 1])):
            raise _RegexGoError(f"invalid escape sequence: `\\{first}`")
        more = re.match(r"[0-7]{0,2}", p[self.i :])
        digits = first + (more.group(0) if more else "")
        self.i += len(digits) - 1
        return re.escape(chr(int(digits, 8)))

    def _hex_escape(self) -> str:
        p = self.p
        braced = re.match(r"\{([0-9A-Fa-f]+)\}", p[self.i :])
        if braced:
            code = int(braced.group(1), 16)
            self.i += braced.end()
        else:
            two = re.match(r"[0-9A-Fa-f]{2}", p[self.i :])
            if not two:
                raise _RegexGoError("invalid escape sequence: `\\x`")
            code = int(two.group(0), 16)
            self.i += 2
        if code > 0x10FFFF:
            raise _RegexGoError("invalid escape sequence")
        return re.escape(chr(code))

    def _char_class(self) -> str:
        p = self.p
        self.i += 1
        out = ["["]
        if p[self.i : self.i + 1] == "^":
            out.append("^")
            self.i += 1
        first = True
        while True:
            if self.i >= len(p):
                raise _RegexGoError("missing closing ]")
            ch = p[self.i]
            if ch == "]" and not first:
                self.i += 1
                out.append("]")
                return "".join(out)
            first = False
            posix = re.match(r"\[:(\^?)([A-Za-z]+):\]", p[self.i :])
            if posix:
                if posix.group(1):
                    raise _RegexUnsupported("negated POSIX classes ([:^name:])")
                name = posix.group(2)
                if name not in _POSIX_CLASSES:
                    raise _RegexGoError("invalid character class range")
                out.append(_POSIX_CLASSES[name])
                self.i += posix.end()
                continue
            if ch == "\\":
                out.append(self._escape(in_class=True))
                continue
            if ch in "[]&~|^":
                out.append("\\" + ch)
            else:
                if self.ignorecase and not ch.isascii() and ch.lower() != ch.upper():
                    raise _RegexUnsupported("case-insensitive matching of non-ASCII letters")
                out.append(ch)
            self.i += 1
