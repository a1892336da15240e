"""sjson path writes (``sjson.SetBytes`` / ``SetRawBytes``), with gjson locations for "complex" paths."""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass

from pulumi_metaflow_blueprints.argo.semantics.gjson import PathUnsupported, gjson_locations
from pulumi_metaflow_blueprints.argo.spec import is_dict, is_list

__all__ = ["SjsonResult", "sjson_set"]


@dataclass(frozen=True)
class SjsonResult:
    """The document after ``sjson.SetBytes`` / ``SetRawBytes``; ``changed`` is False when sjson left it as is."""

    document: object
    changed: bool
    error: str | None = None
    unsupported: str | None = None
    note: str = ""


@dataclass(frozen=True)
class _Comp:
    part: str
    force: bool


class _SjsonError(Exception):
    pass


def _sjson_components(path: str) -> list[_Comp] | None:
    """sjson's ``parsePath`` over the whole path; None for a "complex" path (one with ``|#@*?``)."""
    comps: list[_Comp] = []
    rest = path
    while True:
        force = rest.startswith(":")
        if force:
            rest = rest[1:]
        part: list[str] = []
        i = 0
        more = False
        while i < len(rest):
            ch = rest[i]
            if ch == ".":
                more = True
                break
            if ch in "|#@*?":
                return None
            if ch == "\\":
                if i + 1 < len(rest):
                    part.append(rest[i + 1])
                i += 2
                continue
            part.append(ch)
            i += 1
        comps.append(_Comp("".join(part), force))
        if not more:
            return comps
        rest = rest[i + 1 :]


def _atoui(comp: _Comp) -> tuple[int, bool]:
    if comp.force or not re.fullmatch(r"[0-9]*", comp.part):
        return 0, False
    return int(comp.part or "0"), True


def _sjson_build(rest: Sequence[_Comp], new: object) -> object:
    if not rest:
        return new
    head = rest[0]
    count, numeric = _atoui(head)
    if numeric or (not head.force and head.part == "-1"):
        return [None] * count + [_sjson_build(rest[1:], new)]
    return {head.part: _sjson_build(rest[1:], new)}


def _sjson_set_simple(node: object, comps: Sequence[_Comp], new: object) -> object:
    comp, rest = comps[0], comps[1:]
    if is_dict(node) and comp.part in node:
        node[comp.part] = _sjson_set_simple(node[comp.part], rest, new) if rest else new
        return node
    if is_list(node) and re.fullmatch(r"[0-9]+", comp.part) and int(comp.part) < len(node):
        index = int(comp.part)
        node[index] = _sjson_set_simple(node[index], rest, new) if rest else new
        return node
    count, numeric = _atoui(comp)
    if is_dict(node) or (not numeric and not is_list(node)):
        container: dict[str, object] = node if is_dict(node) else {}
        container[comp.part] = _sjson_build(rest, new)
        return container
    items: list[object] = node if is_list(node) else []
    if not numeric:
        if comp.part == "-1" and not comp.force:
            items.append(_sjson_build(rest, new))
            return items
        raise _SjsonError(f"cannot set array element for non-numeric key '{comp.part}'")
    items.extend([None] * (count - len(items)))
    items.append(_sjson_build(rest, new))
    return items


def sjson_set(document: object, path: str, value: str, *, raw: bool = False) -> SjsonResult:
    """Write ``value`` at ``path`` like sjson (a copy is returned; ``document`` is not modified).

    ``raw=False`` is ``SetBytes`` with a Go string (the value lands as a JSON string); ``raw=True`` is
    ``SetRawBytes`` (the value is JSON text). ``None`` stands for an empty document. Simple paths: dot keys,
    ``\\`` escapes, ``:`` to force an object key, numeric indexes (padding with nulls past the end), ``-1`` to
    append, missing objects/arrays created on the way (a scalar in the way is replaced). Paths with ``#``, ``*``,
    ``?``, ``|`` or ``@`` (e.g. ``parameters.#(name=foo).value``, as Metaflow uses) are "complex": sjson reads the
    locations with gjson and replaces the values found there; when nothing is found it leaves the document
    unchanged and reports no error.
    """
    if path == "":
        return SjsonResult(document, False, error="path cannot be empty")
    new: object = value
    if raw:
        try:
            new = json.loads(value)
        except ValueError:
            return SjsonResult(
                document, False, error=f"raw value {value!r} is not JSON; Argo would write an invalid document"
            )
    doc = copy.deepcopy(document)
    comps = _sjson_components(path)
    if comps is None:
        try:
            locations = gjson_locations(doc, path)
        except PathUnsupported as exc:
            return SjsonResult(document, False, unsupported=str(exc))
        if not locations:
            note = f"nothing found at {path!r}: sjson leaves the document unchanged and Argo reports no error"
            return SjsonResult(document, False, note=note)
        for container, key in locations:
            container[key] = copy.deepcopy(new)
        return SjsonResult(doc, True)
    try:
        doc = _sjson_set_simple(doc, comps, new)
    except _SjsonError as exc:
        return SjsonResult(document, False, error=str(exc))
    return SjsonResult(doc, True)
