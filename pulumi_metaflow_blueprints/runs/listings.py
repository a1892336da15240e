"""Read object listings one object at a time: `aws s3api list-objects-v2` output and GCS `objects.list` responses.

A file may hold several such documents one after another (pages concatenated). Only the object array is streamed:
each of its items is decoded on its own (``json.JSONDecoder.raw_decode`` over a buffered reader), so memory stays
bounded by the largest item, not the file. Other top-level values (``nextPageToken``, ``Prefix``, ...) are small and
decoded whole.
"""

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Literal

from pulumi_metaflow_blueprints.argo.spec import is_dict, is_list

__all__ = ["ITEM_LIMIT", "ListedObject", "Listing", "ListingError", "ListingKind", "read_listing"]

ListingKind = Literal["s3", "gcs"]
ITEM_LIMIT = 1 << 20
"""The most characters one item (or one top-level value other than the object array) may take."""
_CHUNK = 1 << 16
_ARRAYS: dict[str, ListingKind] = {"Contents": "s3", "Versions": "s3", "items": "gcs"}
_SKIPPED = frozenset({"DeleteMarkers", "CommonPrefixes", "prefixes"})
"""Arrays that name no object to backfill: read item by item and dropped."""
_S3_MARKERS = frozenset({"Contents", "Versions", "KeyCount", "IsTruncated", "NextContinuationToken", "CommonPrefixes"})
_GCS_MARKERS = frozenset({"items", "nextPageToken", "prefixes"})
_WHITESPACE = " \t\n\r"


class ListingError(ValueError):
    """The file is not such a listing (the message says where and why)."""


@dataclass(frozen=True)
class ListedObject:
    """One object of a listing: which listing it came from and the item as decoded."""

    kind: ListingKind
    item: dict[str, object]
    array: str
    """``Contents``, ``Versions`` (`list-object-versions`) or ``items``."""


@dataclass
class Listing:
    """What was read so far: how many documents."""

    documents: int = 0


class _Reader:
    """A text buffer over a stream, trimmed as it is consumed."""

    def __init__(self, stream: IO[str]) -> None:
        self.stream = stream
        self.buffer = ""
        self.pos = 0
        self.eof = False
        self.consumed = 0  # characters before ``buffer[0]``, for error positions

    def more(self) -> bool:
        if self.eof:
            return False
        chunk = self.stream.read(_CHUNK)
        if not chunk:
            self.eof = True
            return False
        if self.pos > _CHUNK:
            self.consumed += self.pos
            self.buffer = self.buffer[self.pos :]
            self.pos = 0
        self.buffer += chunk
        return True

    def peek(self) -> str:
        """The next non-whitespace character ('' at the end)."""
        while True:
            while self.pos < len(self.buffer) and self.buffer[self.pos] in _WHITESPACE:
                self.pos += 1
            if self.pos < len(self.buffer):
                return self.buffer[self.pos]
            if not self.more():
                return ""

    def expect(self, char: str, what: str) -> None:
        found = self.peek()
        if found != char:
            shown = repr(found) if found else "the end of the file"
            raise ListingError(f"expected {what} at character {self.where()}, found {shown}")
        self.pos += 1

    def value(self, what: str) -> object:
        """Decode one JSON value, reading more until it is complete (at most ``ITEM_LIMIT`` characters)."""
        self.peek()
        decoder = _DECODER
        while True:
            try:
                value: object
                value, end = decoder.raw_decode(self.buffer, self.pos)
            except json.JSONDecodeError as error:
                if len(self.buffer) - self.pos > ITEM_LIMIT:
                    raise ListingError(f"{what} at character {self.where()} is over {ITEM_LIMIT} characters") from None
                if self.more():
                    continue
                raise ListingError(
                    f"{what} at character {self.consumed + error.pos} is not JSON: {error.msg}"
                ) from None
            closed = is_dict(value) or is_list(value) or isinstance(value, str)  # its end is its last character
            if end == len(self.buffer) and not self.eof and not closed:
                self.more()  # a number or literal may go on in the next chunk
                continue
            self.pos = end
            return value

    def where(self) -> int:
        return self.consumed + self.pos


_DECODER = json.JSONDecoder()


def read_listing(stream: IO[str], summary: Listing | None = None) -> Iterator[ListedObject]:
    """Every object of every listing document in ``stream``, in order (ListingError for anything else)."""
    reader = _Reader(stream)
    summary = summary if summary is not None else Listing()
    while reader.peek():
        summary.documents += 1
        yield from _document(reader, summary.documents)
    if summary.documents == 0:
        raise ListingError("the file is empty: expected the JSON of a bucket listing")


def _document(reader: _Reader, number: int) -> Iterator[ListedObject]:
    where = f"document {number}" if number > 1 else "the file"
    if reader.peek() != "{":
        raise ListingError(
            f"{where} is not a JSON object: expected `aws s3api list-objects-v2` output or a GCS objects.list response"
        )
    reader.pos += 1
    keys: set[str] = set()
    kind: ListingKind | None = None
    first = True
    while True:
        if reader.peek() == "}":
            reader.pos += 1
            break
        if not first:
            reader.expect(",", "',' or '}'")
        first = False
        if reader.peek() != '"':
            raise ListingError(f"expected a key at character {reader.where()} in {where}")
        key = reader.value("a key")
        assert isinstance(key, str)
        keys.add(key)
        reader.expect(":", "':'")
        if key in _ARRAYS and reader.peek() == "[":
            kind = _ARRAYS[key]
            yield from _array(reader, kind, key)
        elif key in _SKIPPED and reader.peek() == "[":
            _skip_array(reader, key)
        else:
            value = reader.value(f"the value of {key!r}")
            if key == "kind" and value == "storage#objects":
                kind = "gcs"
    if kind is None:
        kind = "gcs" if keys & _GCS_MARKERS else "s3" if keys & _S3_MARKERS else None
    if kind is None and keys:
        raise ListingError(
            f"{where} has none of Contents (list-objects-v2) or items (objects.list): its keys are "
            + ", ".join(sorted(keys)[:8])
        )


def _array(reader: _Reader, kind: ListingKind, key: str) -> Iterator[ListedObject]:
    reader.pos += 1  # '['
    if reader.peek() == "]":
        reader.pos += 1
        return
    index = 0
    while True:
        item = reader.value(f"{key}[{index}]")
        if not is_dict(item):
            raise ListingError(f"{key}[{index}] is not a JSON object")
        yield ListedObject(kind, item, key)
        index += 1
        if reader.peek() == "]":
            reader.pos += 1
            return
        reader.expect(",", f"',' or ']' after {key}[{index - 1}]")


def _skip_array(reader: _Reader, key: str) -> None:
    reader.pos += 1  # '['
    index = 0
    while reader.peek() != "]":
        if index:
            reader.expect(",", f"',' or ']' in {key}")
        reader.value(f"{key}[{index}]")
        index += 1
    reader.pos += 1
