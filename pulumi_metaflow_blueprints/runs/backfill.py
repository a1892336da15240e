"""`metaflow-blueprints backfill`: the Workflows that objects already in a bucket would have started.

Each listed object becomes the event its source delivers live (`runs.objects`), dropped where the live event would
be: the cloud's filter (`runs.cloud`), the EventSource filter and the Sensor's filters (`simulate`). What passes goes
through the Sensor's own trigger rendering (`simulate_argo_trigger`), so each Workflow gets the name a live event of
that object gets. The listing is streamed and each Workflow written as it is made: memory does not grow with it.

Only `flow` targets (k8s triggers) are backfilled: a `metaflow_event` target cannot be deduplicated, so a backfill
run twice would publish every event twice; `replay` sends one event at a time.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from typing import IO

from pulumi_metaflow_blueprints.argo.spec import items, mapping
from pulumi_metaflow_blueprints.offline import ProgramRun
from pulumi_metaflow_blueprints.runs.cloud import CloudRoute, PatternUnsupported, cloud_route
from pulumi_metaflow_blueprints.runs.listings import ListedObject, ListingError, read_listing
from pulumi_metaflow_blueprints.runs.objects import (
    BadObject,
    SynthesizedEvent,
    gcs_message,
    s3_eventbridge_event,
    s3_notification,
)
from pulumi_metaflow_blueprints.runs.render import manifest_yaml
from pulumi_metaflow_blueprints.simulate import (
    SampleEvent,
    SimulationInputError,
    TriggerCheck,
    argo_event,
    simulate_sensor,
)
from pulumi_metaflow_blueprints.simulate.program import (
    EventSourceEvent,
    SensorTarget,
    event_sources,
    find_event_source,
    sensors,
)

__all__ = ["BackfillCounts", "BackfillError", "backfill"]

_SHOWN_FAILURES = 10
_CREATED_TYPES = {"notification": ("s3:ObjectCreated:*", "s3:ObjectCreated:Put"), "gcs": ("OBJECT_FINALIZE",)}


class BackfillError(ValueError):
    """The listing or the blueprint cannot be backfilled (the CLI prints one line and exits 2)."""


@dataclass
class BackfillCounts:
    """Objects read, outside the cloud filter, dropped by the EventSource or Sensor, matched, Workflows printed,
    and triggers that failed or could not be evaluated."""

    read: int = 0
    outside: int = 0
    dropped: int = 0
    matched: int = 0
    workflows: int = 0
    failed: int = 0
    unsupported: int = 0
    mis_wired: int = 0
    not_latest: int = 0

    def progress(self) -> str:
        """The progress line."""
        return f"backfill: {self.read} objects read, {self.matched} matched, {self.workflows} workflows"

    def summary(self) -> str:
        """The last line."""
        parts = [
            f"backfill: done: {self.read} objects read",
            f"{self.outside} outside the cloud filter",
            f"{self.dropped} dropped by the EventSource or Sensor filters",
            f"{self.matched} matched",
            f"{self.workflows} workflows",
        ]
        if self.not_latest:
            parts.insert(1, f"{self.not_latest} not the latest version (skipped)")
        if self.failed or self.mis_wired or self.unsupported:
            parts.append(f"{self.failed} failed, {self.mis_wired} mis-wired, {self.unsupported} not evaluated")
        return ", ".join(parts)

    @property
    def exit_code(self) -> int:
        """0, 3 when a trigger failed or a value fell back, 4 when one could not be evaluated."""
        return 3 if self.failed or self.mis_wired else 4 if self.unsupported else 0


def backfill(
    run: ProgramRun,
    blueprint: str,
    listing: IO[str],
    out: IO[str],
    say: Callable[[str], None],
    *,
    every: int = 10_000,
    now: datetime | None = None,
) -> BackfillCounts:
    """Write the Workflows for ``listing``'s objects to ``out``; progress, notes and failures go to ``say``."""
    now = now or datetime.now(timezone.utc)
    route = _route(run, blueprint)
    left_out: list[str] = []
    targets = _flow_targets(run, blueprint, left_out)
    sources = event_sources(run)
    synthesize = {"notification": s3_notification, "eventbridge": s3_eventbridge_event, "gcs": gcs_message}
    make = synthesize[route.delivery]
    expected = "gcs" if route.delivery == "gcs" else "s3"
    counts = BackfillCounts()
    try:
        for listed in read_listing(listing):
            if listed.kind != expected:
                raise BackfillError(_wrong_kind(blueprint, route, listed))
            counts.read += 1
            _one(listed, route, make, targets, sources, out, say, counts, now)
            if every and counts.read % every == 0:
                say(counts.progress())
    except ListingError as error:
        raise BackfillError(f"--objects: {error}") from None
    for trigger in left_out:
        say(
            f"backfill: trigger {trigger} is not backfilled: a metaflow_event cannot be deduplicated "
            "(replay sends one event at a time)"
        )
    say(counts.summary())
    return counts


def _one(
    listed: ListedObject,
    route: CloudRoute,
    make: Callable[[ListedObject, CloudRoute], SynthesizedEvent],
    targets: list[SensorTarget],
    sources: list[EventSourceEvent],
    out: IO[str],
    say: Callable[[str], None],
    counts: BackfillCounts,
    now: datetime,
) -> None:
    if listed.item.get("IsLatest") is False:
        counts.not_latest += 1
        return
    try:
        synthesized = make(listed, route)
    except BadObject as error:
        raise BackfillError(f"--objects: object {counts.read} (in {listed.array}): {error}") from None
    try:
        passes = route.passes(synthesized.key, synthesized.payload)
    except PatternUnsupported as error:
        raise BackfillError(f"cannot evaluate the EventBridge rule: {error}") from None
    if not passes:
        counts.outside += 1
        return
    matched = False
    for target in targets:
        sample = _argo_sample(target, sources, synthesized, now)
        simulation = simulate_sensor(target, sources, sample, now=now)
        if simulation.verdict == "not-triggered":
            continue
        matched = True
        for trigger in simulation.triggers:
            if trigger.workflow is not None:
                out.write(manifest_yaml(trigger.workflow))
                counts.workflows += 1
            if trigger.verdict == "triggered":
                continue
            if trigger.outcome == "fails" or trigger.verdict == "mis-wired":
                counts.failed += trigger.outcome == "fails"
                counts.mis_wired += trigger.outcome == "fires"
            else:
                counts.unsupported += 1
            if counts.failed + counts.mis_wired + counts.unsupported <= _SHOWN_FAILURES:
                say(f"backfill: {synthesized.key}: trigger {trigger.name}: {_why(trigger)}")
        if simulation.verdict == "unsupported" and not simulation.triggers:
            counts.unsupported += 1
            if counts.unsupported <= _SHOWN_FAILURES:
                say(f"backfill: {synthesized.key}: {simulation.reason}")
    if matched:
        counts.matched += 1
    else:
        counts.dropped += 1


def _why(trigger: TriggerCheck) -> str:
    bad = [p for p in trigger.parameters if p.status in ("fallback", "failed", "skipped", "unsupported")]
    return "; ".join(f"{p.name} {p.status}: {p.reason}" for p in bad) or trigger.message


def _argo_sample(
    target: SensorTarget, sources: list[EventSourceEvent], synthesized: SynthesizedEvent, now: datetime
) -> SampleEvent:
    """The Argo event of ``synthesized`` as ``target``'s EventSource wraps it, with the object's own event id."""
    raw = SampleEvent(synthesized.payload, json.dumps(synthesized.payload))
    dependencies = items(target.spec.get("dependencies"))
    dependency = mapping(dependencies[0]) if len(dependencies) == 1 else None
    if dependency is None:
        return raw  # simulate_sensor says why
    name, event_name = str(dependency.get("eventSourceName")), str(dependency.get("eventName"))
    source = find_event_source(sources, target.namespace, name, event_name)
    wrapped = argo_event(source, raw, now=now) if source is not None else None
    if wrapped is None or wrapped.event is None:
        return raw
    context = {**mapping(wrapped.event.get("context")), "id": synthesized.event_id}
    return SampleEvent({"context": context, "data": wrapped.event.get("data")}, "", "argo")


def _route(run: ProgramRun, blueprint: str) -> CloudRoute:
    from pulumi_metaflow_blueprints.runs.cloud import CloudRouteError

    try:
        route = cloud_route(run, blueprint)
    except CloudRouteError as error:
        raise BackfillError(f"--blueprint {blueprint!r}: {error}") from None
    created = _CREATED_TYPES.get(route.delivery)
    if created and route.event_types and not set(route.event_types) & set(created):
        raise BackfillError(
            f"--blueprint {blueprint!r} receives only {', '.join(route.event_types)}: backfill sends the events of "
            "new objects (s3:ObjectCreated:Put, OBJECT_FINALIZE), which it would not receive"
        )
    if route.pattern is not None and "Object Created" not in items(route.pattern.get("detail-type")):
        raise BackfillError(f"--blueprint {blueprint!r}: its EventBridge rule does not take `Object Created` events")
    return route


def _flow_targets(run: ProgramRun, blueprint: str, left_out: list[str]) -> list[SensorTarget]:
    """The blueprint's Sensors with only their k8s (flow) triggers; the others' names go to ``left_out``."""
    try:
        found = sensors(run, blueprint)
    except SimulationInputError as error:
        raise BackfillError(str(error)) from None
    targets: list[SensorTarget] = []
    for target in found:
        kept: list[object] = []
        for trigger in items(target.spec.get("triggers")):
            template = mapping(mapping(trigger).get("template"))
            if "k8s" in template:
                kept.append(trigger)
            else:
                left_out.append(str(template.get("name")))
        if kept:
            targets.append(replace(target, spec={**target.spec, "triggers": kept}))
    if not targets:
        raise BackfillError(f"--blueprint {blueprint!r} has no flow target: nothing to backfill")
    return targets


def _wrong_kind(blueprint: str, route: CloudRoute, listed: ListedObject) -> str:
    given = "a GCS objects.list response" if listed.kind == "gcs" else "`aws s3api list-objects-v2` output"
    wanted = "a GCS objects.list response" if route.delivery == "gcs" else "`aws s3api list-objects-v2` output"
    return f"--objects is {given}, but blueprint {blueprint!r} watches {route.bucket!r}: it takes {wanted}"
