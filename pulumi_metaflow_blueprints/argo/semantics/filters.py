"""Sensor dependency filters (``pkg/sensors/dependencies/filter.go``): data, expr, context, time and how their
logical operators combine them."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pulumi_metaflow_blueprints.argo.semantics._values import compare, go_float, go_parse_bool, go_parse_float, go_print
from pulumi_metaflow_blueprints.argo.semantics.events import NO_DATA, event_context, event_data
from pulumi_metaflow_blueprints.argo.semantics.gjson import GjsonResult, gjson_get
from pulumi_metaflow_blueprints.argo.semantics.goregexp import compile_go_regexp
from pulumi_metaflow_blueprints.argo.semantics.gotemplate import render_go_template
from pulumi_metaflow_blueprints.argo.semantics.govaluate import evaluate_expression

Outcome = Literal["pass", "fail", "error", "unsupported", "skipped"]
"""pass/fail: what Argo decides; error: Argo hits an error (counts as false); unsupported: not modelled here;
skipped: Argo ignores the filter (an expr filter without fields)."""


FilterKind = Literal["data", "expr", "context", "time", "script"]
_DATA_COMPARATORS = ("", "=", "!=", "<", "<=", ">", ">=")


class _Verdict:
    """What an ``outcome`` means for the event, shared by the filter results."""

    outcome: Outcome

    @property
    def passed(self) -> bool | None:
        """True/False as Argo decides (an error counts as False); None when unsupported or skipped, which cannot
        be decided here."""
        return {"pass": True, "fail": False, "error": False}.get(self.outcome)


@dataclass(frozen=True)
class FilterResult(_Verdict):
    """One filter's verdict: its outcome, the value it looked at and why."""

    kind: FilterKind
    index: int
    outcome: Outcome
    reason: str
    value: Any = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class FilterGroupResult(_Verdict):
    """The data or expr filters of a dependency, combined with their logical operator."""

    kind: Literal["data", "expr"]
    operator: Literal["and", "or"]
    outcome: Outcome
    filters: tuple[FilterResult, ...]
    reason: str


@dataclass(frozen=True)
class FiltersResult(_Verdict):
    """All filters of a dependency combined with ``filtersLogicalOperator`` (Argo order: expr, data, context,
    time, script)."""

    outcome: Outcome
    operator: Literal["and", "or"]
    reason: str
    exprs: FilterGroupResult | None = None
    data: FilterGroupResult | None = None
    context: FilterResult | None = None
    time: FilterResult | None = None
    script: FilterResult | None = None
    notes: tuple[str, ...] = ()


def _operator(value: Any, notes: list[str], field_name: str) -> Literal["and", "or"]:
    if value == "or":
        return "or"
    if value not in (None, "", "and"):
        notes.append(f"{field_name} {value!r} is not 'and' or 'or' (lower case): Argo applies 'and'")
    return "and"


def _combine(outcomes: Sequence[Outcome], operator: Literal["and", "or"]) -> Outcome:
    decisive = [o for o in outcomes if o != "skipped"]
    if operator == "and":
        for outcome in decisive:
            if outcome in ("fail", "error"):
                return outcome
        return "unsupported" if "unsupported" in decisive else "pass"
    if "pass" in decisive:
        return "pass"
    if "unsupported" in decisive:
        return "unsupported"
    return "error" if "error" in decisive else "fail"


def evaluate_data_filter(spec: Mapping[str, Any], event: Mapping[str, Any], index: int = 0) -> FilterResult:
    """One ``filters.data`` entry: ``{path, type, value[], comparator, template}``.

    string: each value is a Go regexp searched UNANCHORED in gjson's ``String()`` of the value (``"labeled"``
    matches ``"unlabeled"``); comparator ``=``/empty (match) or ``!=`` (no match). number: gjson ``Float()``
    (non-numeric strings become 0) against each ``ParseFloat`` value with ``>=``, ``>``, ``=`` (default), ``!=``,
    ``<``, ``<=``. bool: gjson ``Bool()`` equals a ``ParseBool`` value. A missing path is an error (false).
    ``template`` runs first over the value as a string. Values are tried in order; the first that matches wins.
    """

    def result(outcome: Outcome, reason: str, value: Any = None, notes: Sequence[str] = ()) -> FilterResult:
        return FilterResult("data", index, outcome, reason, value, tuple(notes))

    data = event_data(event)
    if data is NO_DATA:
        return result("pass", "the event has no data: Argo skips data filters")
    path = str(spec.get("path", ""))
    hit = gjson_get(data, path)
    if hit.unsupported:
        return result("unsupported", hit.unsupported)
    if not hit.exists:
        return result("error", f"path '{path}' does not exist in the event data")
    values = [str(v) for v in spec.get("value") or []]
    if not values:
        return result("error", "no values specified", hit.value)
    seen, notes = hit, []
    template = spec.get("template") or ""
    if template:
        rendered = render_go_template(str(template), {"Input": hit.to_string()})
        if rendered.status != "ok":
            return result("unsupported" if rendered.status == "unsupported" else "error", rendered.message, hit.value)
        if rendered.output in ("", "<no value>"):
            return result("error", f"template '{template}' evaluated to empty string or no value", hit.value)
        notes.append(f"template turned {hit.to_string()!r} into {rendered.output!r}")
        seen = GjsonResult(True, rendered.output)
    comparator = str(spec.get("comparator") or "")
    kind = spec.get("type", "")
    if kind == "string":
        return _data_string(seen, values, comparator, result, notes)
    if kind == "number":
        return _data_number(seen, values, comparator, result, notes)
    if kind == "bool":
        return _data_bool(seen, values, result, notes)
    return result("error", f"unsupported JSON type '{kind}'", seen.value)


def _data_string(seen: GjsonResult, values: list[str], comparator: str, result: Any, notes: list[str]) -> FilterResult:
    text = seen.to_string()
    if comparator not in ("", "=", "!="):
        notes.append(f"string filters only honour '=' and '!=': comparator {comparator!r} never matches")
    for pattern in values:
        regex = compile_go_regexp(pattern)
        if regex.error:
            return result("error", regex.error, text, notes)
        if regex.unsupported:
            return result("unsupported", regex.unsupported, text, notes)
        found = regex.search(text)
        if comparator in ("", "=") and found:
            if not regex.full_match(text):
                notes.append(
                    f"the pattern {pattern!r} matched only part of {text!r} (Argo searches unanchored); "
                    f"use '^(?:{pattern})$' to require a whole match"
                )
            return result("pass", f"{text!r} matches the regular expression {pattern!r}", text, notes)
        if comparator == "!=" and not found:
            return result("pass", f"{text!r} does not match {pattern!r} (comparator '!=')", text, notes)
    verb = "matches every one" if comparator == "!=" else "matches none"
    return result("fail", f"{text!r} {verb} of {values!r} (Go regexp, unanchored search)", text, notes)


def _data_number(seen: GjsonResult, values: list[str], comparator: str, result: Any, notes: list[str]) -> FilterResult:
    event_value = seen.to_float()
    if seen.type != "Number":
        notes.append(f"the value is {seen.type}, read as the number {go_float(event_value, 'v')} by gjson Float()")
    shown = comparator or "="
    if comparator not in _DATA_COMPARATORS:
        notes.append(f"comparator {comparator!r} is not one Argo knows: it never matches")
    known = comparator in _DATA_COMPARATORS
    for text in values:
        wanted = go_parse_float(text)
        if wanted is None:
            return result("error", f'strconv.ParseFloat: parsing "{text}": invalid syntax', event_value, notes)
        if known and compare(event_value, comparator or "=", wanted):
            return result("pass", f"{go_float(event_value, 'v')} {shown} {text} holds", event_value, notes)
    shown_value = go_float(event_value, "v")
    return result("fail", f"{shown_value} {shown} x is false for every x in {values!r}", event_value, notes)


def _data_bool(seen: GjsonResult, values: list[str], result: Any, notes: list[str]) -> FilterResult:
    event_value = seen.to_bool()
    if seen.type not in ("True", "False"):
        notes.append(f"the value is {seen.type}, read as {str(event_value).lower()} by gjson Bool()")
    for text in values:
        wanted = go_parse_bool(text)
        if wanted is None:
            return result("error", f'strconv.ParseBool: parsing "{text}": invalid syntax', event_value, notes)
        if wanted == event_value:
            return result("pass", f"{str(event_value).lower()} equals {text!r}", event_value, notes)
    return result("fail", f"{str(event_value).lower()} equals none of {values!r}", event_value, notes)


def evaluate_data_filters(
    filters: Sequence[Mapping[str, Any]] | None, event: Mapping[str, Any], operator: str | None = ""
) -> FilterGroupResult:
    """``filters.data`` combined with ``dataLogicalOperator`` ("or" exactly; anything else means "and")."""
    return _filter_group("data", filters, event, operator, evaluate_data_filter, empty_passes=True)


def _filter_group(
    kind: Literal["data", "expr"],
    filters: Sequence[Mapping[str, Any]] | None,
    event: Mapping[str, Any],
    operator: str | None,
    evaluate: Callable[[Mapping[str, Any], Mapping[str, Any], int], FilterResult],
    *,
    empty_passes: bool,
) -> FilterGroupResult:
    """Evaluate each filter of a group and combine them with ``<kind>LogicalOperator``; no group (or an empty one,
    with ``empty_passes``) and an event without data pass."""
    notes: list[str] = []
    op = _operator(operator, notes, f"{kind}LogicalOperator")
    if filters is None or (empty_passes and not filters):
        return FilterGroupResult(kind, op, "pass", (), f"no {kind} filters")
    if event_data(event) is NO_DATA:
        return FilterGroupResult(kind, op, "pass", (), f"the event has no data: Argo skips {kind} filters")
    results = tuple(evaluate(spec, event, i) for i, spec in enumerate(filters))
    outcome = _combine([r.outcome for r in results], op)
    return FilterGroupResult(kind, op, outcome, results, _group_reason(results, op, outcome, notes))


def _group_reason(results: Sequence[FilterResult], op: str, outcome: Outcome, notes: Sequence[str]) -> str:
    counts = ", ".join(f"{sum(r.outcome == o for r in results)} {o}" for o in ("pass", "fail", "error", "unsupported"))
    return "; ".join([f"{outcome} with '{op}' ({counts})", *notes])


def evaluate_expr_filter(spec: Mapping[str, Any], event: Mapping[str, Any], index: int = 0) -> FilterResult:
    """One ``filters.exprs`` entry ``{expr, fields: [{name, path}]}``: each path is read with gjson and bound to
    its ``name`` (verbatim, dots included), then the expression is evaluated with govaluate semantics. A missing
    path is an error; an entry without fields is skipped by Argo."""
    data = event_data(event)
    if data is NO_DATA:
        return FilterResult("expr", index, "pass", "the event has no data: Argo skips expr filters")
    params: dict[str, Any] = {}
    for field_spec in spec.get("fields") or []:
        path = str(field_spec.get("path", ""))
        hit = gjson_get(data, path)
        if hit.unsupported:
            return FilterResult("expr", index, "unsupported", hit.unsupported, params)
        if not hit.exists:
            return FilterResult("expr", index, "error", f"path '{path}' does not exist", params)
        params[str(field_spec.get("name", ""))] = hit.to_value()
    if not params:
        return FilterResult("expr", index, "skipped", "no fields: Argo skips this expression", params)
    expression = str(spec.get("expr", ""))
    value = evaluate_expression(expression, params)
    if value.status != "ok":
        return FilterResult(
            "expr", index, "unsupported" if value.status == "unsupported" else "error", value.message, params
        )
    if value.value is True:
        return FilterResult("expr", index, "pass", f"{expression} is true", params)
    return FilterResult("expr", index, "fail", f"{expression} evaluates to {go_print(value.value)}", params)


def evaluate_expr_filters(
    filters: Sequence[Mapping[str, Any]] | None, event: Mapping[str, Any], operator: str | None = ""
) -> FilterGroupResult:
    """``filters.exprs`` combined with ``exprLogicalOperator`` (an empty list passes with "and", fails with "or")."""
    return _filter_group("expr", filters, event, operator, evaluate_expr_filter, empty_passes=False)


def evaluate_context_filter(expected: Mapping[str, Any] | None, event: Mapping[str, Any]) -> FilterResult:
    """``filters.context``: each non-empty ``type``, ``subject``, ``source``, ``datacontenttype`` must equal the
    event's (exactly; no regexp). ``id``, ``specversion`` and ``time`` are ignored."""
    if expected is None:
        return FilterResult("context", 0, "pass", "no context filter")
    actual = event.get("context")
    if not isinstance(actual, Mapping):
        return FilterResult("context", 0, "fail", "the event has no context")
    mismatches = [
        f"{name} {actual.get(name, '')!r} != {expected[name]!r}"
        for name in ("type", "subject", "source", "datacontenttype")
        if expected.get(name) and expected[name] != actual.get(name)
    ]
    seen = {name: actual.get(name) for name in ("type", "subject", "source", "datacontenttype")}
    if mismatches:
        return FilterResult("context", 0, "fail", "; ".join(mismatches), seen)
    return FilterResult("context", 0, "pass", "the event context matches", seen)


def _parse_rfc3339(text: str) -> datetime:
    return datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)


def evaluate_time_filter(spec: Mapping[str, Any] | None, event: Mapping[str, Any]) -> FilterResult:
    """``filters.time``: ``start`` (inclusive) and ``stop`` (exclusive) as ``HH:MM:SS`` on the event's date, in
    UTC or ``timezone``; when ``stop`` < ``start`` the window wraps past midnight."""
    if spec is None:
        return FilterResult("time", 0, "pass", "no time filter")
    context = event.get("context")
    raw_time = context.get("time") if isinstance(context, Mapping) else None
    try:
        moment = _parse_rfc3339(str(raw_time))
    except ValueError:
        return FilterResult("time", 0, "unsupported", f"the event time {raw_time!r} is not RFC 3339")
    zone_name = spec.get("timezone") or ""
    try:
        zone: Any = ZoneInfo(str(zone_name)) if zone_name else timezone.utc
    except (ZoneInfoNotFoundError, ValueError):
        return FilterResult("time", 0, "error", f"unknown time zone {zone_name!r}")
    local = moment.astimezone(zone)
    bounds = []
    for name in ("start", "stop"):
        text = str(spec.get(name, ""))
        parts = re.fullmatch(r"(\d{1,2}):(\d{2}):(\d{2})", text)
        if not parts or int(parts[1]) > 23 or int(parts[2]) > 59 or int(parts[3]) > 59:
            return FilterResult("time", 0, "error", f'parsing time "{text}": expected HH:MM:SS')
        midnight = local.replace(hour=0, minute=0, second=0, microsecond=0)
        bounds.append(midnight + timedelta(hours=int(parts[1]), minutes=int(parts[2]), seconds=int(parts[3])))
    start, stop = bounds
    ok = start <= local < stop if start < stop else local >= start or local < stop
    shown = local.strftime("%H:%M:%S")
    window = f"[{spec.get('start')}, {spec.get('stop')}) {zone_name or 'UTC'}"
    return FilterResult("time", 0, "pass" if ok else "fail", f"{shown} is {'' if ok else 'not '}in {window}", shown)


def evaluate_filters(
    filters: Mapping[str, Any] | None, event: Mapping[str, Any], *, operator: str | None = ""
) -> FiltersResult:
    """All of a dependency's ``filters`` for one event, combined with ``filtersLogicalOperator`` (``operator``).

    With "and" every present filter type must pass; with "or" one present type passing is enough (a present but
    empty ``data: []`` passes). Lua ``script`` filters are reported as unsupported.
    """
    notes: list[str] = []
    op = _operator(operator, notes, "filtersLogicalOperator")
    if not filters:
        return FiltersResult("pass", op, "no filters")
    exprs = data = None
    if filters.get("exprs") is not None:
        exprs = evaluate_expr_filters(filters["exprs"], event, filters.get("exprLogicalOperator"))
    if filters.get("data") is not None:
        data = evaluate_data_filters(filters["data"], event, filters.get("dataLogicalOperator"))
    context = evaluate_context_filter(filters["context"], event) if filters.get("context") is not None else None
    time_result = evaluate_time_filter(filters["time"], event) if filters.get("time") is not None else None
    script = None
    if filters.get("script"):
        script = FilterResult("script", 0, "unsupported", "Lua script filters are not evaluated offline")
    present = [p for p in (exprs, data, context, time_result, script) if p is not None]
    outcome = _combine([p.outcome for p in present], op)
    names = ", ".join(f"{p.kind}: {p.outcome}" for p in present)
    reason = "; ".join([f"{outcome} with '{op}' ({names})", *notes])
    return FiltersResult(outcome, op, reason, exprs, data, context, time_result, script, tuple(notes))


def evaluate_dependency(dependency: Mapping[str, Any], event: Mapping[str, Any]) -> FiltersResult:
    """Whether ``event`` satisfies a Sensor dependency: it must come from the dependency's EventSource and event
    (context ``source`` / ``subject``) and pass its filters. ``transform`` is reported as unsupported."""
    context = event_context(event)
    for key, wanted in (("source", dependency.get("eventSourceName")), ("subject", dependency.get("eventName"))):
        if wanted and context.get(key) != wanted:
            reason = f"the event's {key} {context.get(key)!r} is not {wanted!r}: the dependency never sees it"
            return FiltersResult("fail", "and", reason)
    if dependency.get("transform"):
        return FiltersResult("unsupported", "and", "dependency transforms (jq/Lua) are not evaluated offline")
    return evaluate_filters(dependency.get("filters"), event, operator=dependency.get("filtersLogicalOperator"))
