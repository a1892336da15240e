"""A cursor over a token list: what the govaluate parser here and the expr-lang parser (``argo.expr_lang``) share."""

from __future__ import annotations

from typing import Any

Token = tuple[str, Any]
"""A token: its kind and its value."""


class TokenCursor:
    """Reads ``tokens`` one at a time; a subclass says which error running out of tokens raises."""

    def __init__(self, tokens: list[Token]) -> None:
        self.tokens = tokens
        self.pos = 0

    def end_of_input(self) -> Exception:
        """The error to raise when a token is needed and none is left."""
        raise NotImplementedError

    def peek(self) -> Token | None:
        """The next token, left in place (None at the end)."""
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> Token:
        """The next token, consumed (raises ``end_of_input()`` at the end)."""
        token = self.peek()
        if token is None:
            raise self.end_of_input()
        self.pos += 1
        return token


def word_end(text: str, start: int, extra: str = "_") -> int:
    """Where the run of identifier characters (letters, digits and ``extra``) from ``start`` ends."""
    end = start
    while end < len(text) and (text[end].isalnum() or text[end] in extra):
        end += 1
    return end
