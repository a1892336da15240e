"""Sensor data filters: always anchored, so a value matches whole or not at all."""

import re
from collections.abc import Sequence
from typing import Any

from pulumi_metaflow_blueprints.argo.semantics.goregexp import compile_go_regexp
from pulumi_metaflow_blueprints.core.args import FieldFilter
from pulumi_metaflow_blueprints.core.fields import EventPath, FieldCatalog
from pulumi_metaflow_blueprints.errors import BlueprintInputError

__all__ = [
    "anchored",
    "check_go_pattern",
    "exact",
    "string_filter",
    "user_filters",
]


def exact(values: Sequence[str]) -> str:
    """An anchored regular expression matching exactly one of ``values``."""
    return "^(?:" + "|".join(re.escape(v) for v in values) + ")$"


def anchored(pattern: str) -> str:
    """``pattern`` anchored at both ends (Argo matches string filters unanchored)."""
    return f"^(?:{pattern})$"


def string_filter(path: EventPath, regex: str) -> dict[str, Any]:
    """An Argo data filter on a string value at ``path``."""
    return {"path": path.gjson, "type": "string", "value": [regex]}


def user_filters(filters: Sequence[FieldFilter] | None, catalog: FieldCatalog, argument: str) -> list[dict[str, Any]]:
    """Turn the user's field filters into anchored Argo data filters."""
    rendered: list[dict[str, Any]] = []
    for index, item in enumerate(filters or []):
        where = f"{argument}[{index}]"
        path = catalog.resolve(item.get("field", ""), f"{where}.field")
        equals, pattern = item.get("equals"), item.get("pattern")
        if (equals is None) == (pattern is None):
            raise BlueprintInputError(where, "must set exactly one of `equals` and `pattern`", "keep one of them")
        if equals is not None:
            if isinstance(equals, str) or not equals or not all(isinstance(v, str) for v in list[object](equals)):
                raise BlueprintInputError(f"{where}.equals", "must be a non-empty list of strings", "list the values")
            rendered.append(string_filter(path, exact(equals)))
            continue
        assert pattern is not None
        check_go_pattern(pattern, f"{where}.pattern")
        rendered.append(string_filter(path, anchored(pattern)))
    return rendered


# Perl constructs Go's regexp (RE2) lacks, found in Go's error (which quotes the offending part), with the fix.
_PERL_ONLY = [
    (
        re.compile(r"`\(\?[=!]"),
        "has no lookahead `(?=`/`(?!`",
        "match the part you want instead, or use a second filter with `equals`",
    ),
    (
        re.compile(r"`\(\?<[=!]"),
        "has no lookbehind `(?<=`/`(?<!`",
        "match the part you want instead, or use a second filter with `equals`",
    ),
    (re.compile(r"`\\[1-9]"), "has no backreferences (`\\1`)", "spell out what the group matches instead"),
    (re.compile(r"`\\Z`"), "has no `\\Z`", "use `$`, which is the end of the text in Go"),
    (re.compile(r"`\(\?>"), "has no atomic groups `(?>`", "use a plain group `(?:...)`"),
    (re.compile(r"`[*+?}]\+`"), "has no possessive quantifiers (`*+`, `++`)", "drop the second `+`"),
]
_GO_SYNTAX = "https://github.com/google/re2/wiki/Syntax"


def check_go_pattern(pattern: str, argument: str) -> None:
    """Refuse a pattern Go's regexp (RE2) rejects, or that Go releases read differently, as written and as emitted
    (``^(?:pattern)$``)."""
    for candidate in (pattern, anchored(pattern)):
        regex = compile_go_regexp(candidate)
        if regex.error:
            for construct, missing, fix in _PERL_ONLY:
                if construct.search(regex.error):
                    raise BlueprintInputError(argument, f"Go's regexp (RE2) {missing}", fix)
            raise BlueprintInputError(
                argument, f"is not a valid Go regular expression ({regex.error})", f"use Go's RE2 syntax ({_GO_SYNTAX})"
            )
        if regex.unsupported:
            raise BlueprintInputError(
                argument,
                f"may not mean the same to every Go release Argo Events is built with ({regex.unsupported})",
                "use syntax Go 1.19+ reads the same (e.g. `(?P<name>...)`, `\\pL`, `\\p{Greek}`)",
            )
