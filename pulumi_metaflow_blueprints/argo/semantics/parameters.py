"""Trigger parameters (``pkg/sensors/triggers/params.go``): ``ResolveParamValue``, ``ApplyParams`` and
``ConstructPayload``."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pulumi_metaflow_blueprints.argo.semantics._values import go_json, go_json_string, to_go_value
from pulumi_metaflow_blueprints.argo.semantics.events import CONTEXT_FIELDS, NO_DATA, event_context, event_data
from pulumi_metaflow_blueprints.argo.semantics.gjson import gjson_get
from pulumi_metaflow_blueprints.argo.semantics.gotemplate import render_go_template
from pulumi_metaflow_blueprints.argo.semantics.sjson import sjson_set
from pulumi_metaflow_blueprints.argo.spec import is_mapping, mapping

__all__ = [
    "ApplyResult",
    "ParamOrigin",
    "ParamValue",
    "ParameterApplication",
    "PayloadResult",
    "apply_parameters",
    "construct_payload",
    "resolve_param_value",
]

ParamOrigin = Literal["dataTemplate", "contextTemplate", "dataKey", "contextKey", "value", "event", "none"]
_NULL_NOTE = (
    "the value is JSON null: Argo Events releases without PR #3738 (e.g. 1.9.7) resolve it to an empty string, "
    "which with useRawData makes invalid JSON"
)


@dataclass(frozen=True)
class ParamValue:
    """``ResolveParamValue`` for one parameter source: the string value, its gjson type and where it came from.

    status ``ok``: resolved (``origin`` says from where); ``skipped``: the dependency has no event and there is no
    ``value`` (Argo leaves the parameter out); ``error``: Argo fails the trigger; ``unsupported``: not modelled.
    """

    status: Literal["ok", "skipped", "error", "unsupported"]
    value: str | None
    value_type: str
    origin: ParamOrigin
    reason: str
    notes: tuple[str, ...] = ()

    @property
    def from_event(self) -> bool:
        """Whether the value was taken from the event (not the ``value`` default)."""
        return self.status == "ok" and self.origin not in ("value", "none")


def _marshal_event(event: Mapping[str, object]) -> str:
    context = event.get("context")
    if is_mapping(context):
        fields: list[str] = []
        for name in CONTEXT_FIELDS:
            value = context.get(name)
            if name == "time" and not value:
                fields.append('"time":null')
            else:
                fields.append(f"{go_json_string(name, True)}:{go_json(value or '', escape_html=True)}")
        context_json = "{" + ",".join(fields) + "}"
    else:
        context_json = "null"
    data = event_data(event)
    if data is NO_DATA:
        return '{"context":' + context_json + ',"data":null}'
    encoded = base64.b64encode(go_json(data, escape_html=False, sort_keys=False).encode()).decode()
    return '{"context":' + context_json + ',"data":"' + encoded + '"}'


def resolve_param_value(
    src: Mapping[str, object], events: Mapping[str, Mapping[str, object]], *, now: datetime | None = None
) -> ParamValue:
    """Argo's ``ResolveParamValue`` for a parameter ``src`` and the events received, by dependency name.

    Order: no event for the dependency -> ``value`` (else skipped); no key/template -> ``value`` (else the whole
    event as JSON, its data base64-encoded); data* settings replace context* ones; template first (Go template
    over the payload; an error or an empty/``<no value>`` output falls through), then the key (gjson: objects and
    arrays as raw JSON, other values via ``String()``), then ``value``; nothing left -> error. Templates and
    ``value`` always resolve as type String. ``now`` is the clock for ``now`` in templates.
    """
    dependency = str(src.get("dependencyName", ""))
    default = src.get("value")
    if default is not None and not isinstance(default, str):
        return ParamValue("error", None, "", "none", f"src.value must be a string, not {type(default).__name__}")
    notes: list[str] = []

    def use_default(reason: str) -> ParamValue:
        assert isinstance(default, str)
        return ParamValue("ok", default, "String", "value", reason, tuple(notes))

    event = events.get(dependency)
    context_key, context_template = str(src.get("contextKey") or ""), str(src.get("contextTemplate") or "")
    data_key, data_template = str(src.get("dataKey") or ""), str(src.get("dataTemplate") or "")
    if event is None:
        if default is not None:
            return use_default(f"no event for dependency {dependency!r}: using value")
        reason = f"no event for dependency {dependency!r} and no value: Argo leaves this parameter out"
        return ParamValue("skipped", None, "", "none", reason)
    if not (context_key or context_template or data_key or data_template):
        if default is not None:
            return use_default("no key or template set: using value")
        notes.append("approximation: the data bytes inside are re-encoded, not the EventSource's exact bytes")
        return ParamValue("ok", _marshal_event(event), "String", "event", "the whole event as JSON", tuple(notes))
    key, template = context_key, context_template
    key_origin: ParamOrigin = "contextKey"
    template_origin: ParamOrigin = "contextTemplate"
    payload: object = event.get("context")
    payload_error = ""
    if data_key or data_template:
        if context_key or context_template:
            notes.append("dataKey/dataTemplate are set, so contextKey/contextTemplate are ignored")
        key, template, key_origin, template_origin = data_key, data_template, "dataKey", "dataTemplate"
        context = event_context(event)
        content_type = context.get("datacontenttype", "")
        payload = event_data(event)
        if content_type == "application/yaml":
            return ParamValue("unsupported", None, "", "none", "YAML event data is not modelled")
        if content_type != "application/json":
            payload_error = f"unsupported event content type: {content_type}"
        elif payload is NO_DATA:
            payload_error = "event data is not valid JSON"
    if payload_error:
        if default is not None:
            return use_default(f"{payload_error}: using value")
        return ParamValue("error", None, "", "none", payload_error, tuple(notes))
    last_error = ""
    if template:
        rendered = render_go_template(template, {"Input": to_go_value(payload)}, now=now)
        if rendered.status == "unsupported":
            return ParamValue("unsupported", None, "", "none", rendered.message, tuple(notes))
        if rendered.status == "ok" and rendered.output not in ("", "<no value>"):
            return ParamValue(
                "ok", rendered.output, "String", template_origin, f"{template_origin} output", tuple(notes)
            )
        last_error = rendered.message or f"template evaluated to empty string or no value: {template}"
        fallback = key_origin if key else ("value" if default is not None else "an error")
        notes.append(f"{template_origin} failed ({last_error}); falling back to {fallback}")
    if key:
        hit = gjson_get(payload, key)
        if hit.unsupported:
            return ParamValue("unsupported", None, "", "none", hit.unsupported, tuple(notes))
        if hit.exists:
            if hit.type == "JSON":
                value = hit.raw
            elif hit.type == "Null":
                value = "null"
                notes.append(_NULL_NOTE)
            else:
                value = hit.to_string()
            return ParamValue("ok", value, hit.type, key_origin, f"{key_origin} {key!r} found", tuple(notes))
        notes.append(f"{key_origin} {key!r} does not exist in the event")
    if default is not None:
        return use_default("falling back to value")
    reason = f"unable to resolve '{dependency}' parameter value. err: {last_error or 'key not found'}"
    return ParamValue("error", None, "", "none", reason, tuple(notes))


@dataclass(frozen=True)
class ParameterApplication:
    """What one trigger parameter did: its resolution, how it was written to ``dest`` and whether it changed it."""

    index: int
    dest: str
    resolution: ParamValue
    set_as: Literal["string", "raw"] | None
    applied: bool
    detail: str


@dataclass(frozen=True)
class ApplyResult:
    """The resource after ``ApplyParams`` (``document`` is None unless ``status`` is ``ok``)."""

    status: Literal["ok", "error", "unsupported"]
    document: object
    parameters: tuple[ParameterApplication, ...]
    message: str = ""


@dataclass(frozen=True)
class PayloadResult:
    """An HTTP trigger body from ``ConstructPayload``: ``document`` (parsed) and ``body`` (the text sent)."""

    status: Literal["ok", "error", "unsupported"]
    document: object
    body: str | None
    parameters: tuple[ParameterApplication, ...]
    message: str = ""


class _Stop(Exception):
    """Argo stops applying parameters: ``status`` and ``message`` are what the whole call reports."""

    def __init__(self, status: Literal["error", "unsupported"], message: str) -> None:
        super().__init__(message)
        self.status: Literal["error", "unsupported"] = status
        self.message = message


def _resolve_parameter(
    index: int,
    param: Mapping[str, object],
    events_by_dependency: Mapping[str, Mapping[str, object]],
    now: datetime | None,
    applied: list[ParameterApplication],
) -> tuple[str, ParamValue]:
    """The parameter's ``dest`` and resolved value; raises ``_Stop`` (recording the failure) when Argo stops."""
    src = param.get("src")
    if not is_mapping(src):
        raise _Stop("error", f"parameter {index} has no src")
    resolved = resolve_param_value(src, events_by_dependency, now=now)
    dest = str(param.get("dest", ""))
    if resolved.status in ("error", "unsupported"):
        applied.append(ParameterApplication(index, dest, resolved, None, False, resolved.reason))
        raise _Stop(resolved.status, f"parameter {index}: {resolved.reason}")
    return dest, resolved


def _write_parameter(
    document: object,
    index: int,
    param: Mapping[str, object],
    resolved: ParamValue,
    value: str,
    value_type: str,
    applied: list[ParameterApplication],
) -> object:
    """Write the value at ``dest`` with sjson and record it; the new document, or ``_Stop`` when sjson fails."""
    dest = str(param.get("dest", ""))
    src = mapping(param.get("src"))
    raw = value_type != "String" and src.get("useRawData") is True
    written = sjson_set(document, dest, value, raw=raw)
    set_as: Literal["string", "raw"] = "raw" if raw else "string"
    how = "raw JSON" if raw else "a string"
    detail = written.error or written.unsupported or written.note or f"set {dest!r} as {how}"
    if src.get("useRawData") is True and value_type == "String":
        detail += " (useRawData has no effect on a String value: templates and value always give strings)"
    applied.append(ParameterApplication(index, dest, resolved, set_as, written.changed, detail))
    if written.error or written.unsupported:
        raise _Stop("error" if written.error else "unsupported", f"parameter {index}: {detail}")
    return written.document


def apply_parameters(
    resource: object,
    params: Sequence[Mapping[str, object]],
    events_by_dependency: Mapping[str, Mapping[str, object]],
    *,
    now: datetime | None = None,
) -> ApplyResult:
    """Argo's ``ApplyParams``: resolve each parameter and write it at ``dest`` with sjson, in order.

    With ``useRawData`` and a non-String value (a dataKey/contextKey hitting a number, bool, null, object or
    array) the value is written as raw JSON; otherwise as a string. ``operation`` append/prepend joins with the
    current value (which makes it a string). Argo stops at the first error and creates nothing.
    """
    document = copy.deepcopy(resource)
    applied: list[ParameterApplication] = []
    try:
        for index, param in enumerate(params):
            dest, resolved = _resolve_parameter(index, param, events_by_dependency, now, applied)
            if resolved.value is None:
                applied.append(ParameterApplication(index, dest, resolved, None, False, resolved.reason))
                continue
            value, value_type = resolved.value, resolved.value_type
            operation = param.get("operation") or ""
            if operation not in ("", "overwrite", "append", "prepend"):
                message = f"unsupported trigger parameter operation: {operation}"
                applied.append(ParameterApplication(index, dest, resolved, None, False, message))
                raise _Stop("error", message)
            if operation in ("append", "prepend"):
                current = gjson_get(document, dest)
                if current.unsupported:
                    raise _Stop("unsupported", current.unsupported)
                if current.exists:
                    value_type = "String"
                    joined = (current.to_string(), value) if operation == "append" else (value, current.to_string())
                    value = "".join(joined)
            document = _write_parameter(document, index, param, resolved, value, value_type, applied)
    except _Stop as stop:
        return ApplyResult(stop.status, None, tuple(applied), stop.message)
    return ApplyResult("ok", document, tuple(applied))


def construct_payload(
    params: Sequence[Mapping[str, object]],
    events_by_dependency: Mapping[str, Mapping[str, object]],
    *,
    now: datetime | None = None,
) -> PayloadResult:
    """Argo's ``ConstructPayload`` (HTTP and similar triggers): build a JSON body from an empty document.

    An empty ``dest`` makes that parameter's value the whole body (returned at once); ``operation`` is ignored.
    """
    document: object = None
    applied: list[ParameterApplication] = []
    try:
        for index, param in enumerate(params):
            dest, resolved = _resolve_parameter(index, param, events_by_dependency, now, applied)
            if dest == "":
                if resolved.value is None:
                    applied.append(ParameterApplication(index, dest, resolved, None, False, resolved.reason))
                    continue
                whole = ParameterApplication(index, dest, resolved, "string", True, "the value is the whole body")
                applied.append(whole)
                try:
                    parsed: object = json.loads(resolved.value)
                except ValueError:
                    parsed = None
                return PayloadResult("ok", parsed, resolved.value, tuple(applied))
            if resolved.value is None:
                message = "no event and no value, with a dest: Argo dereferences a nil value here (the sensor panics)"
                applied.append(ParameterApplication(index, dest, resolved, None, False, message))
                raise _Stop("error", message)
            value, value_type = resolved.value, resolved.value_type
            document = _write_parameter(document, index, param, resolved, value, value_type, applied)
    except _Stop as stop:
        return PayloadResult(stop.status, None, None, tuple(applied), stop.message)
    body = "" if document is None else go_json(document, escape_html=False, sort_keys=False)
    return PayloadResult("ok", document, body, tuple(applied))
