"""Print a simulation for people (text) or machines (JSON)."""

import json

import yaml

from pulumi_metaflow_blueprints.argo.spec import is_dict
from pulumi_metaflow_blueprints.simulate.model import (
    EXIT_CODES,
    FilterCheck,
    SensorSimulation,
    Simulation,
    TriggerCheck,
    VerifierCheck,
)

__all__ = ["to_json", "to_text"]

_MARK = {"pass": "ok", "fail": "FAIL", "error": "ERROR", "unsupported": "UNSUPPORTED", "skipped": "skipped"}
_PARAM_MARK = {"event": "event", "computed": "computed", "static": "static", "fallback": "FALLBACK", "failed": "FAILS"}
_PARAM_MARK.update({"skipped": "LEFT OUT", "unsupported": "UNSUPPORTED"})


def to_json(simulation: Simulation) -> str:
    """The simulation as indented JSON."""
    return json.dumps(simulation.to_json(), indent=2, default=str)


def to_text(simulation: Simulation) -> str:
    """A readable report: per Sensor, the filters with what they saw and what each trigger produces."""
    blocks = [_sensor(sensor) for sensor in simulation.sensors]
    code = simulation.exit_code
    blocks.append(f"Result: {simulation.verdict} (exit {code})")
    return "\n\n".join(blocks)


def _sensor(sensor: SensorSimulation) -> str:
    lines = [
        f"Sensor {sensor.namespace}/{sensor.sensor}  (blueprint {sensor.blueprint}: {sensor.blueprint_type})",
    ]
    if sensor.event_source:
        lines.append(f"  EventSource {sensor.event_source}, event {sensor.event_name!r} ({sensor.event_type})")
    if sensor.verifier is not None:
        lines.append(_verifier(sensor.verifier))
    lines.extend(f"  note: {note}" for note in sensor.notes)
    if sensor.source_filter is not None:
        lines.append("  EventSource filter")
        lines.extend(_filter(sensor.source_filter, "    "))
    for dependency in sensor.dependencies:
        lines.append(f"  Dependency {dependency.name}: {_MARK.get(dependency.outcome, dependency.outcome)}")
        lines.extend(line for check in dependency.filters for line in _filter(check, "    "))
        if not dependency.filters:
            lines.append("    no filters")
    for trigger in sensor.triggers:
        lines.extend(_trigger(trigger))
    lines.append(f"  => {sensor.verdict} (exit {EXIT_CODES[sensor.verdict]}): {sensor.reason}")
    return "\n".join(lines)


def _verifier(check: VerifierCheck) -> str:
    preset = f"preset {check.preset}" if check.preset else "no preset"
    header = f", header {check.header}" if check.header else ""
    state = {"verified": "verified", "not-checked": "not checked", "rejected": f"REJECTED {check.status}"}
    state.update({"broken": "MIS-WIRED", "unsupported": "UNSUPPORTED"})
    return (
        f"  Verifier Deployment {check.namespace}/{check.deployment} ({preset}{header}): "
        f"{state[check.outcome]} - {check.reason}"
    )


def _filter(check: FilterCheck, indent: str) -> list[str]:
    mark = f"{indent}{_MARK.get(check.outcome, check.outcome):<5}"
    if check.kind == "eventsource":
        lines = [f"{mark} {check.reason}"]
    else:
        where = f" {check.path}" if check.path else ""
        lines = [f"{mark} {check.kind}[{check.index}]{where}: {check.reason}"]
        if check.outcome != "pass" and check.value is not None:
            lines.append(f"{indent}      saw {json.dumps(check.value, default=str)}")
    lines.extend(f"{indent}      note: {note}" for note in check.notes)
    return lines


def _trigger(trigger: TriggerCheck) -> list[str]:
    state = {"fires": "fires", "fails": "FAILS", "unsupported": "UNSUPPORTED"}[trigger.outcome]
    if trigger.outcome == "fires" and trigger.verdict != "triggered":
        state += f", {trigger.verdict.upper()}"
    lines = [f"  Trigger {trigger.name} ({trigger.kind}): {state} - {trigger.message}"]
    lines.extend(f"    note: {note}" for note in trigger.notes)
    if trigger.workflow_template:
        lines.append(f"    workflowTemplateRef: {trigger.workflow_template}")
    if trigger.arguments:
        width = max(len(name) for name, _, _ in trigger.arguments)
        lines.append("    arguments:")
        lines.extend(f"      {name:<{width}} = {value}   [{origin}]" for name, value, origin in trigger.arguments)
        lines.extend(f"      note ({p.name}): {note}" for p in trigger.parameters for note in p.notes)
    else:
        lines.extend(_parameters(trigger))
    if trigger.workflow is not None:
        lines.append("    creates:")
        lines.extend("      " + line for line in _yaml(_resource_order(trigger.workflow)).splitlines())
    if trigger.request is not None:
        request = trigger.request
        lines.append(f"    request: {request['method']} {request['url']}")
        lines.extend(f"      {name}: {value}" for name, value in request["headers"].items())
        lines.append(f"      body: {request['body']}")
    if trigger.parked is not None:
        lines.append(_parked(trigger.parked))
    return lines


def _parked(dlq: TriggerCheck) -> str:
    """Where the dlqTrigger of a failed trigger parks the event."""
    if dlq.outcome != "fires" or not is_dict(dlq.workflow):
        lost = " (the event is lost)" if dlq.outcome == "fails" else ""
        return f"    dlqTrigger {dlq.name}: {dlq.outcome.upper()} - {dlq.message}{lost}"
    meta = dlq.workflow.get("metadata")
    meta = meta if is_dict(meta) else {}
    name = meta.get("name") or f"{meta.get('generateName', '')}<random>"
    kind = dlq.workflow.get("kind", "resource")
    return f"    parked by dlqTrigger {dlq.name}: {kind} {meta.get('namespace', '')}/{name}"


def _parameters(trigger: TriggerCheck) -> list[str]:
    lines = ["    parameters:"]
    for param in trigger.parameters:
        shown = "-" if param.value is None else param.value
        mark = _PARAM_MARK.get(param.status, param.status)
        lines.append(f"      {mark:<8} {param.name} = {shown}   <- {param.source}")
        if param.status not in ("event", "static", "computed"):
            lines.append(f"               {param.reason}")
        lines.extend(f"               note: {note}" for note in param.notes)
    return lines


def _resource_order(resource: object) -> object:
    if not is_dict(resource):
        return resource
    first = [k for k in ("apiVersion", "kind", "metadata", "spec") if k in resource]
    return {**{k: resource[k] for k in first}, **{k: v for k, v in resource.items() if k not in first}}


def _yaml(value: object) -> str:
    return yaml.safe_dump(value, sort_keys=False, default_flow_style=False, width=1000)
