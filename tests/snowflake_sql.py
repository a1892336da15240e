"""Test helper: a small Snowflake SQL tokenizer and statement splitter, to check the SQL the blueprint writes.

It knows just enough of Snowflake's lexical rules to be strict: double-quoted identifiers (`""` is a quote inside),
single-quoted string literals (`''` and backslash escapes inside), numbers, `:name` binds, operators, and comments
(reported, never skipped). Anything it does not recognise, or an unterminated quote, raises `SqlSyntaxError`.
"""

import re
from dataclasses import dataclass
from typing import Literal

Kind = Literal["word", "quoted", "string", "number", "bind", "op", "comment"]

_WORD = re.compile(r"[A-Za-z_][A-Za-z0-9_$]*")
_NUMBER = re.compile(r"[0-9]+(\.[0-9]+)?")
_OPS = (":=", "<=", ">=", "<>", "!=", "(", ")", ",", ";", ".", "=", "<", ">", "*", "+", "-", "/")
_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", "0": "\0", "b": "\b", "f": "\f"}


class SqlSyntaxError(ValueError):
    """The text is not SQL this tokenizer accepts."""


@dataclass(frozen=True)
class Token:
    """One token: its kind, its value (unquoted and unescaped for identifiers and strings) and its offset."""

    kind: Kind
    value: str
    at: int

    def is_word(self, *words: str) -> bool:
        """Whether this is one of ``words`` (bare, case-insensitive)."""
        return self.kind == "word" and self.value.upper() in {w.upper() for w in words}


def tokenize(sql: str) -> list[Token]:
    """Split ``sql`` into tokens, whitespace dropped."""
    tokens: list[Token] = []
    i = 0
    while i < len(sql):
        char = sql[i]
        if char.isspace():
            i += 1
        elif sql.startswith("--", i) or sql.startswith("//", i):
            end = sql.find("\n", i)
            end = len(sql) if end < 0 else end
            tokens.append(Token("comment", sql[i:end], i))
            i = end
        elif sql.startswith("/*", i):
            end = sql.find("*/", i + 2)
            if end < 0:
                raise SqlSyntaxError(f"unterminated comment at {i}")
            tokens.append(Token("comment", sql[i : end + 2], i))
            i = end + 2
        elif char == '"':
            value, end = _quoted_identifier(sql, i)
            tokens.append(Token("quoted", value, i))
            i = end
        elif char == "'":
            value, end = _string(sql, i)
            tokens.append(Token("string", value, i))
            i = end
        elif char == ":" and i + 1 < len(sql) and _WORD.match(sql, i + 1):
            match = _WORD.match(sql, i + 1)
            assert match
            tokens.append(Token("bind", match.group(), i))
            i = match.end()
        elif match := _WORD.match(sql, i):
            tokens.append(Token("word", match.group(), i))
            i = match.end()
        elif match := _NUMBER.match(sql, i):
            tokens.append(Token("number", match.group(), i))
            i = match.end()
        else:
            op = next((op for op in _OPS if sql.startswith(op, i)), None)
            if op is None:
                raise SqlSyntaxError(f"unexpected {char!r} at {i}")
            tokens.append(Token("op", op, i))
            i += len(op)
    return tokens


def _quoted_identifier(sql: str, start: int) -> tuple[str, int]:
    value, i = "", start + 1
    while i < len(sql):
        if sql[i] == '"':
            if sql.startswith('""', i):
                value, i = value + '"', i + 2
                continue
            if not value:
                raise SqlSyntaxError(f"empty identifier at {start}")
            return value, i + 1
        value, i = value + sql[i], i + 1
    raise SqlSyntaxError(f"unterminated identifier at {start}")


def _string(sql: str, start: int) -> tuple[str, int]:
    value, i = "", start + 1
    while i < len(sql):
        char = sql[i]
        if char == "\\":
            if i + 1 >= len(sql):
                break
            nxt = sql[i + 1]
            value, i = value + _ESCAPES.get(nxt, nxt), i + 2
        elif char == "'":
            if sql.startswith("''", i):
                value, i = value + "'", i + 2
                continue
            return value, i + 1
        else:
            value, i = value + char, i + 1
    raise SqlSyntaxError(f"unterminated string at {start}")


def statements(tokens: list[Token]) -> list[list[Token]]:
    """The tokens split at `;` (the last statement may lack one)."""
    result: list[list[Token]] = [[]]
    for token in tokens:
        if token.kind == "op" and token.value == ";":
            result.append([])
        else:
            result[-1].append(token)
    return [statement for statement in result if statement]


def words(tokens: list[Token]) -> set[str]:
    """Every bare word, upper-cased."""
    return {t.value.upper() for t in tokens if t.kind == "word"}


def shape(tokens: list[Token]) -> str:
    """A statement with identifiers, strings and binds abstracted: `INSERT INTO <id>.<id>.<id> ( <id> , ...`."""
    marks = {"quoted": "<id>", "string": "<str>", "number": "<num>", "bind": ":<bind>"}
    return " ".join(marks.get(t.kind, t.value.upper() if t.kind == "word" else t.value) for t in tokens)


def qualified_names(tokens: list[Token]) -> list[tuple[str, ...]]:
    """Every run of quoted identifiers joined by `.` (a possibly qualified object name), in order."""
    names: list[tuple[str, ...]] = []
    i = 0
    while i < len(tokens):
        if tokens[i].kind != "quoted":
            i += 1
            continue
        parts = [tokens[i].value]
        i += 1
        while i + 1 < len(tokens) and tokens[i].value == "." and tokens[i + 1].kind == "quoted":
            parts.append(tokens[i + 1].value)
            i += 2
        names.append(tuple(parts))
    return names


def call_arguments(tokens: list[Token], function: str) -> list[list[Token]]:
    """The comma-separated arguments (as token lists) of the first call of ``function``."""
    start = next(i for i, t in enumerate(tokens) if t.is_word(function))
    if tokens[start + 1].value != "(":
        raise SqlSyntaxError(f"{function} is not called")
    depth, args, current = 0, [], []
    for token in tokens[start + 2 :]:
        if token.kind == "op" and token.value == "(":
            depth += 1
        elif token.kind == "op" and token.value == ")":
            if depth == 0:
                args.append(current)
                return args
            depth -= 1
        elif token.kind == "op" and token.value == "," and depth == 0:
            args.append(current)
            current = []
            continue
        current.append(token)
    raise SqlSyntaxError(f"unclosed call of {function}")
