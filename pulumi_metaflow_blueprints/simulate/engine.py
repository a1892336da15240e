"""Deliver one sample event to each Sensor of a program run and decide what happens."""

from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime
from typing import Any

from pulumi_metaflow_blueprints.argo.expr_lang import evaluate_event_source_filter
from pulumi_metaflow_blueprints.argo.semantics import FiltersResult, evaluate_dependency
from pulumi_metaflow_blueprints.argo.spec import items, mapping
from pulumi_metaflow_blueprints.offline import ProgramRun
from pulumi_metaflow_blueprints.simulate.events import SampleEvent, argo_event
from pulumi_metaflow_blueprints.simulate.model import (
    DependencyCheck,
    FilterCheck,
    SensorSimulation,
    Simulation,
    TriggerCheck,
    Verdict,
    worst,
)
from pulumi_metaflow_blueprints.simulate.program import (
    EventSourceEvent,
    SensorTarget,
    event_sources,
    find_event_source,
    sensors,
)
from pulumi_metaflow_blueprints.simulate.triggers import declared_mappings, simulate_argo_trigger
from pulumi_metaflow_blueprints.simulate.verifier import VerifierGate, verify

__all__ = ["simulate", "simulate_sensor"]


def simulate(
    run: ProgramRun, sample: SampleEvent, *, blueprint: str | None = None, now: datetime | None = None
) -> Simulation:
    """What ``sample`` does to each Sensor of ``run`` (only blueprint ``blueprint``'s when given).

    ``now`` is the clock for event times and ``now`` in templates. Raises SimulationInputError for an unknown
    blueprint or a program without Sensors.
    """
    sources = event_sources(run)
    return Simulation(tuple(simulate_sensor(target, sources, sample, now=now) for target in sensors(run, blueprint)))


def simulate_sensor(
    target: SensorTarget, sources: list[EventSourceEvent], sample: SampleEvent, *, now: datetime | None = None
) -> SensorSimulation:
    """One Sensor: its EventSource filter, its dependency filters, then its triggers."""
    dependencies = items(target.spec.get("dependencies"))

    def result(verdict: Verdict, reason: str, source: EventSourceEvent | None = None, **rest: Any) -> SensorSimulation:
        return SensorSimulation(
            blueprint=target.blueprint,
            blueprint_type=target.blueprint_type,
            sensor=target.name,
            namespace=target.namespace,
            event_source=source.name if source else "",
            event_name=source.event_name if source else "",
            event_type=source.event_type if source else "",
            event=rest.pop("event", None),
            verdict=verdict,
            reason=reason,
            **rest,
        )

    if len(dependencies) != 1:
        return result("unsupported", f"the Sensor has {len(dependencies)} dependencies: only one is simulated")
    dependency = mapping(dependencies[0])
    source = find_event_source(
        sources, target.namespace, str(dependency.get("eventSourceName")), str(dependency.get("eventName"))
    )
    if source is None:
        reason = (
            f"the program creates no EventSource {dependency.get('eventSourceName')!r} with event "
            f"{dependency.get('eventName')!r} in namespace {target.namespace!r}"
        )
        return result("unsupported", reason)
    front: dict[str, Any] = {}
    gate = _verifier_gate(source, sample)
    if gate is not None:
        front["verifier"] = gate.check
        if gate.headers is None:
            return result(_GATE_VERDICTS[gate.check.outcome], gate.check.reason, source, **front)
        sample = replace(sample, headers=gate.headers)
    wrapped = argo_event(source, sample, now=now)
    notes = (*(gate.notes if gate else _unused_secret(source, sample)), *wrapped.notes)
    if wrapped.event is None:
        return result("unsupported", str(wrapped.unsupported), source, notes=notes, **front)
    event = wrapped.event
    common: dict[str, Any] = {"event": event, "notes": notes, **front}
    source_filter = _source_filter(source, event)
    if source_filter is not None:
        common["source_filter"] = source_filter
        if source_filter.outcome in ("fail", "error"):
            return result("not-triggered", f"the EventSource drops the event: {source_filter.reason}", source, **common)
        if source_filter.outcome == "unsupported":
            return result("unsupported", source_filter.reason, source, **common)
    checked = _dependency(dependency, event)
    common["dependencies"] = (checked,)
    if checked.outcome in ("fail", "error"):
        return result(
            "not-triggered", f"dependency {checked.name!r} rejects the event: {checked.reason}", source, **common
        )
    mappings = declared_mappings(target.annotations)
    triggers = tuple(
        simulate_argo_trigger(mapping(t), {checked.name: event}, now=now, mappings=mappings)
        for t in items(target.spec.get("triggers"))
    )
    common["triggers"] = triggers
    if checked.outcome == "unsupported":
        return result("unsupported", f"dependency {checked.name!r}: {checked.reason}", source, **common)
    verdict = worst([t.verdict for t in triggers])
    return result(verdict, _trigger_summary(verdict, triggers), source, **common)


_GATE_VERDICTS: dict[str, Verdict] = {"rejected": "not-triggered", "broken": "mis-wired", "unsupported": "unsupported"}
"""The verdict when the verifier stops the request: refused (as a filter), mis-wired, or not decidable offline."""


def _verifier_gate(source: EventSourceEvent, sample: SampleEvent) -> VerifierGate | None:
    """What the verifier fronting ``source`` does with a raw sample (None when none fronts it, or the sample is an
    Argo event, which is past the verifier)."""
    if sample.source_format != "raw" or not source.verifiers:
        return None
    return verify(
        source.verifiers,
        source.name,
        source.namespace,
        source.config,
        sample.headers,
        sample.body,
        sample.signing_secret,
    )


def _unused_secret(source: EventSourceEvent, sample: SampleEvent) -> tuple[str, ...]:
    if sample.signing_secret is None or sample.source_format != "raw":
        return ()
    return (f"the signing secret is not used: no verifier fronts EventSource {source.name!r}",)


def _source_filter(source: EventSourceEvent, event: Mapping[str, object]) -> FilterCheck | None:
    expression = mapping(source.config.get("filter")).get("expression")
    if not expression:
        return None
    checked = evaluate_event_source_filter(str(expression), event.get("data"))
    return FilterCheck("eventsource", 0, checked.outcome, checked.reason, str(expression), checked.seen)


def _dependency(dependency: Mapping[str, object], event: Mapping[str, object]) -> DependencyCheck:
    verdict: FiltersResult = evaluate_dependency(dependency, event)
    specs = items(mapping(dependency.get("filters")).get("data"))
    checks = [
        FilterCheck("data", i.index, i.outcome, i.reason, _path(mapping(specs[i.index])), i.value, i.notes)
        for i in verdict.data
    ]
    failed = next((c for c in checks if c.outcome in ("fail", "error")), None)
    reason = verdict.reason
    if failed is not None and verdict.outcome in ("fail", "error"):
        where = f" on {failed.path}" if failed.path else ""
        reason = f"{failed.kind} filter {failed.index}{where} {failed.outcome}s: {failed.reason}"
    return DependencyCheck(
        name=str(dependency.get("name", "")),
        event_source=str(dependency.get("eventSourceName", "")),
        event_name=str(dependency.get("eventName", "")),
        outcome=verdict.outcome,
        reason=reason,
        filters=tuple(checks),
    )


def _path(spec: Mapping[str, object]) -> str | None:
    path = spec.get("path")
    return None if path is None else str(path)


def _trigger_summary(verdict: Verdict, triggers: tuple[TriggerCheck, ...]) -> str:
    if not triggers:
        return "the Sensor has no trigger"
    if verdict == "triggered":
        return f"{len(triggers)} trigger(s) fire, every mapped value taken from the event"
    bad = [t for t in triggers if t.verdict == verdict]
    details: list[str] = []
    for trigger in bad:
        params = [p for p in trigger.parameters if p.status in ("fallback", "failed", "skipped", "unsupported")]
        named = ", ".join(f"{p.name} ({p.status}: {p.reason})" for p in params)
        details.append(f"trigger {trigger.name}: {named or trigger.message}")
    return "; ".join(details)
