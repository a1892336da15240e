"""Named fields a source offers, and how a user's field reference resolves to an Argo event data path."""

import dataclasses
import difflib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from typing_extensions import Self

from pulumi_metaflow_blueprints.argo.semantics.gjson import escape_gjson_key
from pulumi_metaflow_blueprints.argo.spec import is_list, is_mapping
from pulumi_metaflow_blueprints.errors import BlueprintInputError

__all__ = [
    "FORM_URLENCODED",
    "RAW_PREFIX",
    "EventPath",
    "FieldCatalog",
    "SourceField",
    "array_index",
    "go_string_literal",
]

PathSegment = str | int
RAW_PREFIX = "data:"
_ESCAPE_FIX = "separate keys with `.`, and write a `.` or `\\` inside a key as `\\.` or `\\\\`"
FORM_URLENCODED = "form-urlencoded"
"""An `EventPath.decode`: the value is sent `application/x-www-form-urlencoded` (`+` a space, `%XX` a byte)."""


@dataclass(frozen=True)
class EventPath:
    """A path into the Argo event data, as segments (str keys, int array indexes)."""

    segments: tuple[PathSegment, ...]
    decode: str | None = None
    """How the source encodes the value (`FORM_URLENCODED`): targets get it decoded (`core/decode.py`)."""

    @classmethod
    def parse(cls, text: str) -> "EventPath":
        """Parse a gjson-style dotted path; numeric segments index arrays; `\\.` escapes a dot."""
        segments: list[PathSegment] = []
        current = ""
        escaped = False
        for char in text:
            if escaped:
                current += char
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == ".":
                segments.append(_segment(current))
                current = ""
            else:
                current += char
        segments.append(_segment(current))
        if escaped:
            raise ValueError(f"path {text!r} ends in a lone `\\`")
        if any(segment == "" for segment in segments):
            raise ValueError(f"empty segment in path {text!r}")
        unencodable = next((c for c in text if "\ud800" <= c <= "\udfff" or c == "\x00"), None)
        if unencodable is not None:
            raise ValueError(f"path {text!r} holds {unencodable!r}, which no JSON key from an event can hold")
        return cls(tuple(segments))

    def child(self, *more: PathSegment) -> "EventPath":
        """This path extended by more segments."""
        return EventPath(self.segments + tuple(more))

    def decoded(self, decode: str) -> "EventPath":
        """This path, its value sent encoded as ``decode`` says (targets get the decoded value)."""
        return EventPath(self.segments, decode)

    def go_steps(self) -> list[tuple[str, str]]:
        """Per segment, for a Go template walking ``$v`` down this path: the tests that ``$v`` holds the segment (a
        key only in an object, an index only within a list; for an ``and``) and the action reaching it."""
        steps: list[tuple[str, str]] = []
        for segment in self.segments:
            if isinstance(segment, int):
                steps.append((f'(kindIs "slice" $v) (gt (len $v) {segment})', f"index $v {segment}"))
            else:
                key = go_string_literal(segment)
                steps.append((f'(kindIs "map" $v) (hasKey $v {key})', f"get $v {key}"))
        return steps

    @cached_property
    def gjson(self) -> str:
        """The path in gjson syntax, as Argo's `dataKey` and data filters' `path` expect (computed once per path)."""
        return ".".join(escape_gjson_key(str(segment)) for segment in self.segments)

    def lookup(self, data: object) -> tuple[bool, object]:
        """Follow the path through JSON-like data: (found, value)."""
        current = data
        for segment in self.segments:
            if isinstance(segment, int) and is_list(current) and 0 <= segment < len(current):
                current = current[segment]
            elif is_mapping(current) and str(segment) in current:
                current = current[str(segment)]
            else:
                return False, None
        return True, current


def array_index(text: str) -> int | None:
    """``text`` as an array index when it is a canonical decimal number (no sign, no leading zero, at most 9
    digits), else None."""
    canonical = text.isascii() and text.isdigit() and len(text) <= 9 and (text == "0" or text[0] != "0")
    return int(text) if canonical else None


def _segment(text: str) -> PathSegment:
    """An array index for a canonical decimal number, else a key."""
    index = array_index(text)
    return text if index is None else index


def go_string_literal(text: str) -> str:
    """``text`` as a Go interpreted string literal, for Go templates.

    JSON's escapes are a subset of Go's; with non-ASCII characters kept as UTF-8 (``ensure_ascii=False``) no
    ``\\u`` surrogate pair, which Go rejects, is ever written.
    """
    return json.dumps(text, ensure_ascii=False)


@dataclass(frozen=True)
class SourceField:
    """A value a source offers by name, with where it sits in the Argo event data."""

    name: str
    path: EventPath
    description: str
    example: str = ""
    json_object: bool = False
    """True when the value is a JSON object, so `name.sub.path` may reach inside it."""


@dataclass(frozen=True)
class FieldCatalog:
    """The fields one source offers, and which of them identify one logical event."""

    source: str
    fields: tuple[SourceField, ...]
    identity: tuple[str, ...] = ()
    """Fields whose values together identify one logical event, the same for every delivery of it (`a|b`: the first
    of `a`, `b` the event has); empty when the source has none (runs are then not deduplicated by default)."""
    time: str | None = None
    """The field saying when the event happened, when the source sends one."""

    @classmethod
    def of(cls, source: str, fields: Iterable[SourceField]) -> "FieldCatalog":
        """A catalog whose field names are unique."""
        items = tuple(fields)
        names = [f.name for f in items]
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates:
            raise ValueError(f"duplicate field names in {source}: {sorted(duplicates)}")
        return cls(source, items)

    def identified_by(self, *identity: str, time: str | None = None) -> Self:
        """This catalog with its event identity (see ``identity``) and time field, each a field it has."""
        for name in [*(alt for part in identity for alt in part.split("|")), *([time] if time else [])]:
            if self.get(name) is None:
                raise ValueError(f"{self.source} has no field {name!r}")
        return dataclasses.replace(self, identity=identity, time=time)

    @property
    def names(self) -> list[str]:
        """Field names, in declaration order."""
        return [f.name for f in self.fields]

    def get(self, name: str) -> SourceField | None:
        """The field called ``name``, if any."""
        return next((f for f in self.fields if f.name == name), None)

    def resolve(self, reference: object, argument: str) -> EventPath:
        """Resolve a field name, `field.sub.path` inside a JSON field, or `data:<raw path>` to an event path."""
        if not isinstance(reference, str) or not reference:
            raise BlueprintInputError(argument, "must be a non-empty field name", self._fix())
        if reference.startswith(RAW_PREFIX):
            raw = reference[len(RAW_PREFIX) :]
            try:
                return EventPath.parse(raw)
            except ValueError as error:
                raise BlueprintInputError(
                    argument,
                    f"{reference!r} is not a valid event data path: {error}",
                    f"write it like `data:body.key.0`; {_ESCAPE_FIX}",
                ) from None
        exact = self.get(reference)
        if exact is not None:
            return exact.path
        head, _, rest = reference.partition(".")
        parent = self.get(head)
        if parent is not None and parent.json_object and rest:
            try:
                return EventPath(parent.path.segments + EventPath.parse(rest).segments)
            except ValueError as error:
                raise BlueprintInputError(
                    argument, f"{reference!r} is not a path inside {head!r}: {error}", _ESCAPE_FIX
                ) from None
        close = difflib.get_close_matches(reference, self.names, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise BlueprintInputError(argument, f"unknown {self.source} field {reference!r}{hint}", self._fix())

    def _fix(self) -> str:
        objects = [f.name for f in self.fields if f.json_object]
        inside = f"; `<field>.<path>` inside {', '.join(objects)}" if objects else ""
        return f"use one of {', '.join(self.names)}{inside}; or `data:<path>` for a raw Argo event data path"
