"""Sensor dependency filters as the blueprints emit them (``pkg/sensors/dependencies/filter.go``): string data
filters — a gjson path and Go regular expressions — joined by ``dataLogicalOperator``.

No blueprint emits expr, context, time or script filters, number or bool data filters, comparators or filter
templates, and no argument lets a user write them: a dependency holding one is reported as unsupported.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from pulumi_metaflow_blueprints.argo.semantics.events import NO_DATA, event_context, event_data
from pulumi_metaflow_blueprints.argo.semantics.gjson import gjson_get
from pulumi_metaflow_blueprints.argo.semantics.goregexp import compile_go_regexp
from pulumi_metaflow_blueprints.argo.spec import items, mapping

__all__ = ["FilterResult", "FiltersResult", "Outcome", "evaluate_data_filter", "evaluate_dependency"]

Outcome = Literal["pass", "fail", "error", "unsupported"]
"""pass/fail: what Argo decides; error: Argo hits an error (counts as false); unsupported: not modelled here."""

_EMITTED_FILTER_KEYS = frozenset({"data", "dataLogicalOperator"})
_EMITTED_DATA_KEYS = frozenset({"path", "type", "value"})


@dataclass(frozen=True)
class FilterResult:
    """One data filter's verdict: its outcome, the value it looked at and why."""

    index: int
    outcome: Outcome
    reason: str
    value: object = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class FiltersResult:
    """A dependency's verdict on one event: its data filters combined with ``dataLogicalOperator``."""

    outcome: Outcome
    reason: str
    data: tuple[FilterResult, ...] = ()


def evaluate_data_filter(spec: Mapping[str, object], event: Mapping[str, object], index: int = 0) -> FilterResult:
    """One ``filters.data`` entry ``{path, type: string, value[]}``: each value is a Go regexp searched
    UNANCHORED in gjson's ``String()`` of the value at ``path``; the first that matches passes. A missing path is an
    error (false)."""

    def result(outcome: Outcome, reason: str, value: object = None, notes: Sequence[str] = ()) -> FilterResult:
        return FilterResult(index, outcome, reason, value, tuple(notes))

    extra = sorted(set(spec) - _EMITTED_DATA_KEYS)
    if extra or spec.get("type") != "string":
        what = f"{extra[0]!r}" if extra else f"type {spec.get('type')!r}"
        return result("unsupported", f"data filters with {what} are not emitted by this package, nor simulated")
    data = event_data(event)
    if data is NO_DATA:
        return result("pass", "the event has no data: Argo skips data filters")
    path = str(spec.get("path", ""))
    hit = gjson_get(data, path)
    if hit.unsupported:
        return result("unsupported", hit.unsupported)
    if not hit.exists:
        return result("error", f"path '{path}' does not exist in the event data")
    values = [str(v) for v in items(spec.get("value"))]
    if not values:
        return result("error", "no values specified", hit.value)
    text = hit.to_string()
    notes: list[str] = []
    for pattern in values:
        regex = compile_go_regexp(pattern)
        if regex.error:
            return result("error", regex.error, text)
        unsupported = regex.unsupported or regex.unsupported_text(text)
        if unsupported:
            return result("unsupported", unsupported, text)
        if regex.search(text):
            if not regex.full_match(text):
                notes.append(
                    f"the pattern {pattern!r} matched only part of {text!r} (Argo searches unanchored); "
                    f"use '^(?:{pattern})$' to require a whole match"
                )
            return result("pass", f"{text!r} matches the regular expression {pattern!r}", text, notes)
    return result("fail", f"{text!r} matches none of {values!r} (Go regexp, unanchored search)", text)


def _combine(outcomes: Sequence[Outcome], operator: Literal["and", "or"]) -> Outcome:
    if operator == "and":
        for outcome in outcomes:
            if outcome in ("fail", "error"):
                return outcome
        return "unsupported" if "unsupported" in outcomes else "pass"
    if "pass" in outcomes:
        return "pass"
    if "unsupported" in outcomes:
        return "unsupported"
    return "error" if "error" in outcomes else "fail"


def _evaluate_filters(filters: Mapping[str, object], event: Mapping[str, object]) -> FiltersResult:
    extra = sorted(set(filters) - _EMITTED_FILTER_KEYS)
    if extra:
        return FiltersResult("unsupported", f"{extra[0]!r} filters are not emitted by this package, nor simulated")
    specs = [mapping(spec) for spec in items(filters.get("data"))]
    if not specs:
        return FiltersResult("pass", "no data filters")
    if event_data(event) is NO_DATA:
        return FiltersResult("pass", "the event has no data: Argo skips data filters")
    operator: Literal["and", "or"] = "or" if filters.get("dataLogicalOperator") == "or" else "and"
    results = tuple(evaluate_data_filter(spec, event, i) for i, spec in enumerate(specs))
    outcome = _combine([r.outcome for r in results], operator)
    counts = ", ".join(f"{sum(r.outcome == o for r in results)} {o}" for o in ("pass", "fail", "error", "unsupported"))
    return FiltersResult(outcome, f"{outcome} with '{operator}' ({counts})", results)


def evaluate_dependency(dependency: Mapping[str, object], event: Mapping[str, object]) -> FiltersResult:
    """Whether ``event`` satisfies a Sensor dependency: it must come from the dependency's EventSource and event
    (context ``source`` / ``subject``) and pass its filters."""
    context = event_context(event)
    for key, wanted in (("source", dependency.get("eventSourceName")), ("subject", dependency.get("eventName"))):
        if wanted and context.get(key) != wanted:
            reason = f"the event's {key} {context.get(key)!r} is not {wanted!r}: the dependency never sees it"
            return FiltersResult("fail", reason)
    extra = sorted(set(dependency) - {"name", "eventSourceName", "eventName", "filters"})
    if extra:
        return FiltersResult("unsupported", f"dependency {extra[0]!r} is not emitted by this package, nor simulated")
    return _evaluate_filters(mapping(dependency.get("filters")), event)
