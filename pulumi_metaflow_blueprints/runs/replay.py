"""`metaflow-blueprints replay`: the exact objects that re-drive one event, as the live Sensor would create them.

The event is a sample `simulate` accepts (a raw source payload or an Argo event) or a parked event: the ConfigMap a
trigger's dlqTrigger writes (`core.dlq`), which re-drives only the trigger it names, through the Sensor it names.
Everything goes through `simulate` (filters, then `simulate_argo_trigger`), so what is printed is what the Sensor
renders: a Workflow as a YAML document for `kubectl create -f -`, an HTTP request as a `curl` command.
"""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import yaml

from pulumi_metaflow_blueprints.argo.semantics import go_json_loads
from pulumi_metaflow_blueprints.argo.spec import is_dict, is_mapping, items, mapping
from pulumi_metaflow_blueprints.core.dlq import (
    CONTEXT_KEY,
    DATA_KEY,
    PARKED_LABEL,
    SENSOR_ANNOTATION,
    TRIGGER_ANNOTATION,
    TRIGGER_KEY,
)
from pulumi_metaflow_blueprints.offline import ProgramRun
from pulumi_metaflow_blueprints.runs.render import curl_command, manifest_yaml
from pulumi_metaflow_blueprints.simulate import (
    SampleEvent,
    SensorSimulation,
    Simulation,
    SimulationInputError,
    load_sample,
    simulate,
    simulate_sensor,
)
from pulumi_metaflow_blueprints.simulate.events import SourceFormat
from pulumi_metaflow_blueprints.simulate.program import SensorTarget, event_sources, sensors

__all__ = ["ParkedEvent", "Replay", "load_replay_event", "parked_event", "replay"]


@dataclass(frozen=True)
class ParkedEvent:
    """A parked event: the Sensor and trigger it failed in, and the Argo event as the Sensor received it."""

    name: str
    namespace: str
    sensor: str
    trigger: str
    event: Mapping[str, object]


@dataclass
class Replay:
    """What to print: Workflow documents, `curl` commands, messages for stderr, and the exit code (as `simulate`)."""

    workflows: list[str] = field(default_factory=list[str])
    requests: list[str] = field(default_factory=list[str])
    messages: list[str] = field(default_factory=list[str])
    exit_code: int = 0

    def stdout(self) -> str:
        """The Workflows, then the requests: as YAML comments after Workflows, as they are without any."""
        if not self.workflows:
            return "".join(self.requests)
        text = "".join(self.workflows)
        for request in self.requests:
            text += "".join(f"# {line}\n" for line in request.splitlines())
        return text


def load_replay_event(
    path: str | Path,
    source_format: SourceFormat = "raw",
    headers: Mapping[str, str] | None = None,
    attributes: Mapping[str, str] | None = None,
) -> SampleEvent | list[ParkedEvent]:
    """A sample (as `simulate --event` reads it) or the parked events of a ConfigMap (or a List of them), in JSON or
    YAML as `kubectl get configmap -o yaml|json` prints. SimulationInputError when it is neither."""
    try:
        text = Path(path).read_text()
    except (OSError, UnicodeDecodeError):
        return load_sample(path, source_format, headers, attributes)  # its message says why
    document: object
    try:
        document = go_json_loads(text)
    except ValueError:
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError:
            document = None
        if not is_mapping(document) or document.get("kind") not in ("ConfigMap", "List"):
            return load_sample(path, source_format, headers, attributes)  # not JSON: its message says so
    if is_mapping(document) and document.get("kind") == "ConfigMap":
        return [parked_event(document)]
    if is_mapping(document) and document.get("kind") == "List" and document.get("apiVersion") == "v1":
        listed = [mapping(i) for i in items(document.get("items"))]
        if listed and all(i.get("kind") == "ConfigMap" for i in listed):
            return [parked_event(i) for i in listed]
    return load_sample(path, source_format, headers, attributes)


def parked_event(config_map: Mapping[str, object]) -> ParkedEvent:
    """The parked event a dlqTrigger's ConfigMap holds (SimulationInputError when it is not one)."""
    metadata = mapping(config_map.get("metadata"))
    name = str(metadata.get("name") or metadata.get("generateName") or "(unnamed)")
    what = f"ConfigMap {name!r}"
    if mapping(metadata.get("labels")).get(PARKED_LABEL) != "true":
        raise SimulationInputError(f'{what} is not a parked event: it has no label {PARKED_LABEL}: "true"')
    annotations = mapping(metadata.get("annotations"))
    data = mapping(config_map.get("data"))
    trigger = data.get(TRIGGER_KEY) or annotations.get(TRIGGER_ANNOTATION)
    sensor = annotations.get(SENSOR_ANNOTATION)
    if not isinstance(trigger, str) or not trigger:
        raise SimulationInputError(f"{what} names no trigger (data.{TRIGGER_KEY} or annotation {TRIGGER_ANNOTATION})")
    if not isinstance(sensor, str) or not sensor:
        raise SimulationInputError(f"{what} names no Sensor (annotation {SENSOR_ANNOTATION})")
    context = _json_field(data, CONTEXT_KEY, what)
    if not is_dict(context):
        raise SimulationInputError(f"{what}: data.{CONTEXT_KEY} is not a JSON object (the Argo event context)")
    event_data = _json_field(data, DATA_KEY, what)
    return ParkedEvent(
        name, str(metadata.get("namespace") or ""), sensor, trigger, {"context": context, "data": event_data}
    )


def _json_field(data: Mapping[str, object], key: str, what: str) -> object:
    text = data.get(key)
    if not isinstance(text, str) or not text:
        raise SimulationInputError(f"{what} has no data.{key}")
    try:
        return go_json_loads(text)
    except ValueError as error:
        raise SimulationInputError(f"{what}: data.{key} is not JSON: {error}") from None


def replay(
    run: ProgramRun,
    event: SampleEvent | Sequence[ParkedEvent],
    *,
    blueprint: str | None = None,
    triggers: Sequence[str] = (),
    now: datetime | None = None,
) -> Replay:
    """What to print to re-drive ``event`` (only through the triggers named ``triggers`` when given)."""
    if isinstance(event, SampleEvent):
        simulation = simulate(run, event, blueprint=blueprint, now=now)
        targets = {(t.namespace, t.name): t for t in sensors(run, blueprint)}
    else:
        chosen = [_parked_target(run, parked, blueprint) for parked in event]
        sources = event_sources(run)
        runs: list[SensorSimulation] = []
        for target, parked in chosen:
            sample = SampleEvent(dict(parked.event), json.dumps(parked.event), "argo")
            runs.append(simulate_sensor(target, sources, sample, now=now))
        simulation = Simulation(tuple(runs))
        targets = {(t.namespace, t.name): t for t, _ in chosen}
    known = {
        str(mapping(mapping(t).get("template")).get("name"))
        for s in targets.values()
        for t in items(s.spec.get("triggers"))
    }
    unknown = sorted(set(triggers) - known)
    if unknown:
        raise SimulationInputError(
            f"--trigger {unknown[0]!r}: no such trigger; the Sensors' triggers are: {', '.join(sorted(known))}"
        )
    return _result(simulation, targets, set(triggers))


def _parked_target(run: ProgramRun, parked: ParkedEvent, blueprint: str | None) -> tuple[SensorTarget, ParkedEvent]:
    """The program's Sensor the parked event names, keeping only its trigger (SimulationInputError when absent)."""
    found = sensors(run, blueprint)
    named = [s for s in found if s.name == parked.sensor]
    if len(named) > 1 and parked.namespace:
        named = [s for s in named if s.namespace == parked.namespace]
    if not named:
        names = ", ".join(sorted(s.name for s in found))
        raise SimulationInputError(
            f"parked event {parked.name!r} is for Sensor {parked.sensor!r}, which the program does not create "
            f"(its Sensors: {names})"
        )
    target = named[0]
    kept = [
        t
        for t in items(target.spec.get("triggers"))
        if mapping(mapping(t).get("template")).get("name") == parked.trigger
    ]
    if not kept:
        names = ", ".join(
            str(mapping(mapping(t).get("template")).get("name")) for t in items(target.spec.get("triggers"))
        )
        raise SimulationInputError(
            f"parked event {parked.name!r} is for trigger {parked.trigger!r}, which Sensor {target.name!r} does not "
            f"have (its triggers: {names})"
        )
    return replace(target, spec={**target.spec, "triggers": kept}), parked


def _result(simulation: Simulation, targets: Mapping[tuple[str, str], SensorTarget], chosen: set[str]) -> Replay:
    result = Replay()
    codes: list[int] = []
    for sensor in simulation.sensors:
        where = f"Sensor {sensor.namespace}/{sensor.sensor}"
        target = targets.get((sensor.namespace, sensor.sensor))
        triggers = [t for t in sensor.triggers if not chosen or t.name in chosen]
        if sensor.verdict == "not-triggered":
            result.messages.append(f"replay: {where} drops the event: {sensor.reason}")
            codes.append(1)
            continue
        if not sensor.triggers:
            result.messages.append(f"replay: {where}: {sensor.reason}")
            codes.append(4 if sensor.verdict == "unsupported" else 0)
            continue
        for trigger in triggers:
            label = f"{where}, trigger {trigger.name}"
            if trigger.outcome != "fires":
                result.messages.append(f"replay: {label}: {trigger.message}")
                codes.append(3 if trigger.outcome == "fails" else 4)
                continue
            if trigger.verdict != "triggered":
                bad = [p for p in trigger.parameters if p.status in ("fallback", "failed", "skipped", "unsupported")]
                for param in bad:
                    result.messages.append(f"replay: {label}: {param.name} is {param.status}: {param.reason}")
                codes.append(3 if trigger.verdict == "mis-wired" else 4)
            if trigger.workflow is not None:
                result.workflows.append(manifest_yaml(trigger.workflow))
            elif trigger.request is not None:
                http = _http_template(target, trigger.name)
                command, notes = curl_command(trigger.request, http, sensor.namespace)
                result.requests.append(command)
                result.messages.extend(f"replay: {label}: {note}" for note in notes)
                result.messages.append(
                    f"replay: {label}: a metaflow_event cannot be deduplicated: each send publishes a new event"
                )
    if result.workflows and result.requests:
        result.messages.append(
            "replay: the HTTP requests are printed as comments after the Workflows; --trigger NAME prints one alone"
        )
    codes.append(0)
    result.exit_code = _worst(codes)
    return result


def _worst(codes: Sequence[int]) -> int:
    """As `simulate`: filtered out (1) first, then mis-wired (3), then unsupported (4)."""
    for code in (1, 3, 4):
        if code in codes:
            return code
    return 0


def _http_template(target: SensorTarget | None, name: str) -> Mapping[str, object]:
    if target is None:
        return {}
    for trigger in items(target.spec.get("triggers")):
        template = mapping(mapping(trigger).get("template"))
        if template.get("name") == name:
            return mapping(template.get("http"))
    return {}
