"""Named fields a source offers, and how a user's field reference resolves to an Argo event data path."""

import difflib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pulumi_metaflow_blueprints.errors import BlueprintInputError

PathSegment = str | int
RAW_PREFIX = "data:"


@dataclass(frozen=True)
class EventPath:
    """A path into the Argo event data, as segments (str keys, int array indexes)."""

    segments: tuple[PathSegment, ...]

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
        if any(segment == "" for segment in segments):
            raise ValueError(f"empty segment in path {text!r}")
        return cls(tuple(segments))

    def child(self, *more: PathSegment) -> "EventPath":
        """This path extended by more segments."""
        return EventPath(self.segments + tuple(more))

    @property
    def gjson(self) -> str:
        """The path in gjson syntax, as Argo's `dataKey` and data filters' `path` expect."""
        return ".".join(_escape(segment) for segment in self.segments)

    @property
    def go_template_value(self) -> str:
        """A Go template expression yielding the value at this path (`index .Input "body" 0 ...`)."""
        keys = " ".join(str(s) if isinstance(s, int) else _go_string(s) for s in self.segments)
        return f"index .Input {keys}"

    def lookup(self, data: object) -> tuple[bool, object]:
        """Follow the path through JSON-like data: (found, value)."""
        current = data
        for segment in self.segments:
            if isinstance(segment, int) and isinstance(current, list) and 0 <= segment < len(current):
                current = current[segment]
            elif isinstance(current, Mapping) and str(segment) in current:
                current = current[str(segment)]
            else:
                return False, None
        return True, current


def _segment(text: str) -> PathSegment:
    return int(text) if text.isdigit() else text


def _escape(segment: PathSegment) -> str:
    text = str(segment)
    for char in ("\\", ".", "*", "?", "|", "#", "@"):
        text = text.replace(char, "\\" + char)
    return text


def _go_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


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
    """The fields one source offers."""

    source: str
    fields: tuple[SourceField, ...]

    @classmethod
    def of(cls, source: str, fields: Iterable[SourceField]) -> "FieldCatalog":
        """A catalog whose field names are unique."""
        items = tuple(fields)
        names = [f.name for f in items]
        duplicates = {n for n in names if names.count(n) > 1}
        if duplicates:
            raise ValueError(f"duplicate field names in {source}: {sorted(duplicates)}")
        return cls(source, items)

    @property
    def names(self) -> list[str]:
        """Field names, in declaration order."""
        return [f.name for f in self.fields]

    def get(self, name: str) -> SourceField | None:
        """The field called ``name``, if any."""
        return next((f for f in self.fields if f.name == name), None)

    def resolve(self, reference: str, argument: str) -> EventPath:
        """Resolve a field name, `field.sub.path` inside a JSON field, or `data:<raw path>` to an event path."""
        if not isinstance(reference, str) or not reference:
            raise BlueprintInputError(argument, "must be a non-empty field name", self._fix())
        if reference.startswith(RAW_PREFIX):
            raw = reference[len(RAW_PREFIX) :]
            try:
                return EventPath.parse(raw)
            except ValueError:
                raise BlueprintInputError(
                    argument, f"{reference!r} is not a valid event data path", "write it like `data:body.key.0`"
                ) from None
        exact = self.get(reference)
        if exact is not None:
            return exact.path
        head, _, rest = reference.partition(".")
        parent = self.get(head)
        if parent is not None and parent.json_object and rest:
            try:
                return EventPath(parent.path.segments + EventPath.parse(rest).segments)
            except ValueError:
                pass
        close = difflib.get_close_matches(reference, self.names, n=1)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise BlueprintInputError(argument, f"unknown {self.source} field {reference!r}{hint}", self._fix())

    def _fix(self) -> str:
        objects = [f.name for f in self.fields if f.json_object]
        inside = f"; `<field>.<path>` inside {', '.join(objects)}" if objects else ""
        return f"use one of {', '.join(self.names)}{inside}; or `data:<path>` for a raw Argo event data path"
