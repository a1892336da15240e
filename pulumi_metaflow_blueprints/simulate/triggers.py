"""What one Sensor trigger does with an event: the Workflow it creates (k8s) or the request it sends (http)."""

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timezone

from pulumi_metaflow_blueprints.argo.semantics import apply_parameters, construct_payload, resolve_param_value
from pulumi_metaflow_blueprints.argo.semantics.gjson import PathUnsupported, gjson_locations
from pulumi_metaflow_blueprints.argo.semantics.parameters import ParameterApplication
from pulumi_metaflow_blueprints.argo.spec import is_dict, is_list, is_mapping, items, mapping
from pulumi_metaflow_blueprints.core.target import MAPPING_ANNOTATION
from pulumi_metaflow_blueprints.metaflow import expanded_by_start_step
from pulumi_metaflow_blueprints.simulate.model import HttpRequest, ParameterCheck, ParameterStatus, TriggerCheck

__all__ = ["Events", "Mappings", "argument_written", "declared_mappings", "simulate_argo_trigger"]

_KEYS = ("dataTemplate", "dataKey", "contextTemplate", "contextKey")
_FROM_EVENT = ("dataTemplate", "dataKey", "contextTemplate", "contextKey", "event")
_SENSITIVE_HEADER = re.compile(r"authorization|token|secret|password|api-?key|cookie|signature", re.IGNORECASE)
_HANDLED = frozenset({"name", "k8s", "http", "conditions", "conditionsReset"})
Events = Mapping[str, Mapping[str, object]]
"""The events received, by dependency name."""
Mappings = Mapping[str, Mapping[str, str]]
"""Per trigger name: flow parameter or payload key -> the gjson path of the event data it is taken from."""


def declared_mappings(annotations: Mapping[str, object]) -> dict[str, dict[str, str]]:
    """The mapping a blueprint declares on its Sensor (``MAPPING_ANNOTATION``); empty without one or when malformed."""
    text = annotations.get(MAPPING_ANNOTATION) or "{}"
    if not isinstance(text, str | bytes | bytearray):
        return {}
    try:
        declared: object = json.loads(text)
    except ValueError:
        return {}
    if not is_dict(declared):
        return {}
    return {
        str(trigger): {str(k): v for k, v in mapped.items() if isinstance(v, str)}
        for trigger, mapped in declared.items()
        if is_dict(mapped)
    }


def simulate_argo_trigger(
    trigger: Mapping[str, object], events: Events, *, now: datetime | None = None, mappings: Mappings | None = None
) -> TriggerCheck:
    """Evaluate one Sensor trigger (``spec.triggers[i]``) against the events received, by dependency name.

    ``mappings`` (``declared_mappings``) names the event paths mapped values are taken from, for the report. When
    the trigger fails, its ``dlqTrigger`` (if any) is simulated too (``TriggerCheck.parked``).
    """
    template = mapping(trigger.get("template"))
    name = str(template.get("name", ""))
    mapped = (mappings or {}).get(name) or {}
    now = now or datetime.now(timezone.utc)  # one clock for every render of this trigger (its checks and its body)
    others = sorted(k for k in template if k not in _HANDLED)
    if others:
        return TriggerCheck(name, others[0], "unsupported", f"{others[0]} triggers are not simulated")
    if template.get("conditions"):
        return TriggerCheck(name, "conditions", "unsupported", "trigger conditions are not simulated")
    notes = _trigger_notes(trigger)
    if "k8s" in template:
        check = _k8s(name, mapping(template["k8s"]), events, now, notes, mapped)
    elif "http" in template:
        check = _http(name, mapping(template["http"]), events, now, notes, mapped)
    else:
        return TriggerCheck(name, "none", "unsupported", "the trigger has no k8s or http template")
    if check.outcome == "fails" and is_mapping(trigger.get("dlqTrigger")):
        # Argo runs the dlqTrigger once the retries are exhausted (pkg/sensors/listener.go)
        check = replace(check, parked=simulate_argo_trigger(mapping(trigger["dlqTrigger"]), events, now=now))
    return check


def _trigger_notes(trigger: Mapping[str, object]) -> tuple[str, ...]:
    notes: list[str] = []
    if trigger.get("parameters"):
        notes.append("trigger-level parameters (applied to the template itself) are not simulated")
    if trigger.get("policy"):
        notes.append("the trigger policy (what counts as success) is not simulated")
    return tuple(notes)


def _parameter_checks(
    params: Sequence[Mapping[str, object]],
    events: Events,
    names: Sequence[str],
    now: datetime | None,
    paths: Sequence[Sequence[str]] | None = None,
) -> tuple[ParameterCheck, ...]:
    """Resolve every parameter on its own (Argo stops at the first failure; this reports them all).

    ``paths``: per parameter, the event paths its ``dataTemplate`` reads, as the blueprint declares them.
    """
    checks: list[ParameterCheck] = []
    for param, name, read in zip(params, names, paths or [()] * len(params), strict=True):
        src = mapping(param.get("src"))
        resolved = resolve_param_value(src, events, now=now)
        mapped = any(src.get(k) for k in _KEYS) or src.get("value") is None
        status: ParameterStatus
        if resolved.status == "unsupported":
            status = "unsupported"
        elif resolved.status == "error":
            status = "failed"
        elif resolved.status == "skipped":
            status = "skipped"
        elif resolved.origin in ("dataTemplate", "contextTemplate") and ".Input" not in str(src.get(resolved.origin)):
            status = "computed"
        elif resolved.origin in _FROM_EVENT:
            status = "event"
        else:
            status = "fallback" if mapped else "static"
        notes = list(resolved.notes)
        raw_string = src.get("useRawData") is True and resolved.status == "ok" and resolved.value_type == "String"
        if raw_string and (src.get("dataTemplate") or src.get("contextTemplate") or status == "fallback"):
            notes.append(
                f"useRawData has no effect on a template or value result: it goes out as the JSON string "
                f"{json.dumps(resolved.value)}, not as raw JSON"
            )
        checks.append(
            ParameterCheck(
                name=name,
                dest=str(param.get("dest", "")),
                source=_describe_source(src, read),
                status=status,
                value=resolved.value,
                reason=resolved.reason,
                notes=tuple(notes),
            )
        )
    return tuple(checks)


def _describe_source(src: Mapping[str, object], paths: Sequence[str] = ()) -> str:
    """A short description of a parameter source; a ``dataTemplate`` by the event ``paths`` it reads, when known."""
    parts: list[str] = []
    for key in _KEYS:
        value = src.get(key)
        if not value:
            continue
        if key == "dataTemplate" and paths:
            parts.append(f"{key} ({', '.join(dict.fromkeys(paths))})")
        else:
            parts.append(f"{key} {value}")
    if src.get("value") is not None:
        parts.append(f"value {json.dumps(src['value'])}")
    return ", ".join(parts) or "the whole event"


def _k8s(
    name: str,
    k8s: Mapping[str, object],
    events: Events,
    now: datetime | None,
    notes: tuple[str, ...],
    mapped: Mapping[str, str],
) -> TriggerCheck:
    source = mapping(k8s.get("source"))
    operation = k8s.get("operation") or "create"
    if "resource" not in source:
        return TriggerCheck(name, "k8s", "unsupported", "k8s sources other than an inline resource are not simulated")
    resource = source["resource"]
    params = [mapping(p) for p in items(k8s.get("parameters"))]
    written = [argument_written(str(p.get("dest", "")), resource) for p in params]
    names = [argument or str(p.get("dest", "")) for argument, p in zip(written, params, strict=True)]
    paths = [(mapped[argument],) if argument is not None and argument in mapped else () for argument in written]
    checks = _parameter_checks(params, events, names, now, paths)
    if _is_metaflow_run(resource):
        checks = tuple(
            replace(check, notes=check.notes + _metaflow_value_notes(check.value))
            if check.value is not None and check.status == "event" and argument is not None
            else check
            for check, argument in zip(checks, written, strict=True)
        )
    applied = apply_parameters(resource, params, events, now=now)
    spec = mapping(resource).get("spec")
    ref = _text(mapping(mapping(spec).get("workflowTemplateRef")).get("name")) if is_mapping(spec) else None
    kind = f"k8s {operation} {mapping(resource).get('kind', 'resource')}"
    if applied.status != "ok":
        outcome = "unsupported" if applied.status == "unsupported" else "fails"
        message = f"Argo fails the trigger and creates nothing: {applied.message}"
        if outcome == "unsupported":
            message = f"cannot simulate: {applied.message}"
        return TriggerCheck(name, kind, outcome, message, checks, ref, None, (), None, notes)
    checks = _written_nowhere(checks, applied.parameters)
    final_arguments = _arguments(applied.document)
    origin = {check.name: check for check in checks}
    rows = tuple(
        (arg_name, value, _argument_origin(origin.get(arg_name))) for arg_name, value in final_arguments.items()
    )
    created = mapping(resource).get("kind", "resource")
    message = f"creates a {created}" + (f" from WorkflowTemplate {ref}" if ref else "") + _redelivery(
        operation, applied.document
    )
    return TriggerCheck(name, kind, "fires", message, checks, ref, applied.document, rows, None, notes)


def _redelivery(operation: object, document: object) -> str:
    """What a second delivery of the event does, for a Workflow a flow target creates."""
    if not _is_metaflow_run(document):
        return ""
    name = _text(mapping(mapping(document).get("metadata")).get("name"))
    if operation == "patch" and name:
        return (
            f" named {name} (Metaflow run argo-{name}); a second delivery of this event finds it and starts no"
            " second run"
        )
    return "; not deduplicated: a second delivery of this event starts a second run"


def _written_nowhere(
    checks: tuple[ParameterCheck, ...], applications: Sequence[ParameterApplication]
) -> tuple[ParameterCheck, ...]:
    """Values sjson wrote nowhere (a ``#(...)`` dest that finds nothing, e.g. no argument of that name) are left out:
    Argo creates the resource without them and reports no error."""
    dropped = {a.index: a.detail for a in applications if a.set_as is not None and not a.applied}
    return tuple(
        replace(check, status="skipped", reason=f"Argo writes it nowhere: {dropped[index]}")
        if index in dropped
        else check
        for index, check in enumerate(checks)
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def _is_metaflow_run(resource: object) -> bool:
    """A Workflow created from a WorkflowTemplate: what a `flow` target makes (Metaflow's start step reads it)."""
    spec = mapping(resource).get("spec")
    return is_mapping(spec) and mapping(resource).get("kind") == "Workflow" and "workflowTemplateRef" in spec


_SET_PARAMETERS = "Metaflow's start step (set_parameters) writes the value with json.dumps into a file bash sources"


def _metaflow_value_notes(value: str) -> tuple[str, ...]:
    """What Metaflow 2.19's start step makes of a Workflow parameter ``value``, where a Parameter type cannot take it.

    ``set_parameters`` ``json.loads`` the value (else keeps the text) and ``json.dumps`` the result into an unquoted
    ``export METAFLOW_INIT_<NAME>=...`` line bash sources; ``init`` converts what bash leaves with the Parameter's
    type. tests/test_metaflow_values.py runs that real path on each case these notes describe.
    """
    try:
        loaded = json.loads(value)
    except ValueError:
        loaded = value
    if loaded is None:
        return (
            "JSON null: a parameter whose default is None gets None; otherwise a JSONType parameter gets its "
            "default, a str parameter the text 'null', and int, float and bool parameters fail at init",
        )
    if isinstance(loaded, dict | list):
        return (
            f"a JSON {'object' if isinstance(loaded, dict) else 'array'} as it is: {_SET_PARAMETERS}, unquoted, so "
            "bash splits it (a JSONType parameter fails at init, a str parameter gets a fragment); render a JSON "
            "string of its JSON text instead (toRawJson | toRawJson), as this package's templates do",
        )
    if not isinstance(loaded, str):
        return ()  # a number or a bool: its JSON text reaches every Parameter type that can parse it
    dumped = json.dumps(loaded)
    if expanded_by_start_step(dumped):
        return (f"holds $ or a backtick: {_SET_PARAMETERS} in double quotes, so bash expands it ($(...) runs)",)
    arrives = _bash_double_quoted(dumped[1:-1])
    notes: list[str] = []
    if arrives != loaded:
        notes.append(
            f"the flow gets {arrives!r}, not {loaded!r}: {_SET_PARAMETERS}, and json.dumps writes non-ASCII and "
            "control characters as \\u and \\n escapes, which bash leaves as they are"
        )
    try:
        parsed = json.loads(arrives)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict | list):
        notes.append(
            f"a JSON {'object' if isinstance(parsed, dict) else 'array'}: a JSONType parameter gets it, a str "
            "parameter its JSON text; int, float and bool parameters fail at init"
        )
    return tuple(notes)


def _bash_double_quoted(text: str) -> str:
    """What bash makes of ``text`` inside double quotes, when it holds no ``$`` or backtick."""
    out: list[str] = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in '\\"\n':
            out.append(text[i + 1])
            i += 2
        else:
            out.append(text[i])
            i += 1
    return "".join(out)


def _argument_items(resource: object) -> object:
    """``spec.arguments.parameters`` of a Workflow (None where it has none)."""
    return mapping(mapping(mapping(resource).get("spec")).get("arguments")).get("parameters")


def _arguments(resource: object) -> dict[str, str]:
    return {str(p.get("name")): str(p.get("value")) for p in items(_argument_items(resource)) if is_mapping(p)}


def argument_written(dest: str, resource: object) -> str | None:
    """The name of the Workflow argument whose ``value`` a trigger parameter's ``dest`` writes, or None.

    Where gjson finds the dest in the resource is where sjson writes it, by position (``...parameters.0.value``) or by
    name (``...parameters.#(name=="x").value``, what `flow` targets emit).
    """
    parameters = _argument_items(resource)
    if not dest or not is_list(parameters):
        return None
    try:
        locations = gjson_locations(resource, dest)
    except PathUnsupported:
        return None
    for container, key in locations:
        if key == "value" and any(container is item for item in parameters):
            return str(container.get("name"))
    return None


def _argument_origin(check: ParameterCheck | None) -> str:
    if check is None:
        return "static (in the Workflow spec)"
    labels = {"event": "from the event", "fallback": "FALLBACK to value", "static": "static value"}
    labels["computed"] = "computed"
    return f"{labels.get(check.status, check.status)}: {check.source}"


def _http(
    name: str,
    http: Mapping[str, object],
    events: Events,
    now: datetime | None,
    notes: tuple[str, ...],
    mapped: Mapping[str, str],
) -> TriggerCheck:
    params = [mapping(p) for p in items(http.get("payload"))]
    names = [str(p.get("dest", "")) or "(whole body)" for p in params]
    paths = [tuple(mapped.values()) if not p.get("dest") else () for p in params]  # `metaflow_event`: the whole body
    checks = _parameter_checks(params, events, names, now, paths)
    payload = construct_payload(params, events, now=now)
    method = str(http.get("method") or "POST")
    url = str(http.get("url", ""))
    kind = f"http {method}"
    if payload.status != "ok":
        outcome = "unsupported" if payload.status == "unsupported" else "fails"
        message = f"Argo fails the trigger and sends nothing: {payload.message}"
        if outcome == "unsupported":
            message = f"cannot simulate: {payload.message}"
        return TriggerCheck(name, kind, outcome, message, checks, notes=notes)
    headers = {str(k): _mask(str(k), str(v)) for k, v in mapping(http.get("headers")).items()}
    for secure in map(mapping, items(http.get("secureHeaders"))):
        ref = mapping(mapping(secure.get("valueFrom")).get("secretKeyRef"))
        headers[str(secure.get("name"))] = f"[secret {ref.get('name')}/{ref.get('key')}]"
    if http.get("basicAuth"):
        headers["Authorization"] = "Basic [secret]"
    body = payload.body or ""  # a payload that is "ok" has its body
    request = HttpRequest(method=method, url=url, headers=headers, body=body, json=payload.document)
    message = f"sends {method} {url}; not deduplicated: a second delivery of this event sends it again"
    return TriggerCheck(name, kind, "fires", message, checks, request=request, notes=notes)


def _mask(name: str, value: str) -> str:
    return "[masked]" if _SENSITIVE_HEADER.search(name) else value
