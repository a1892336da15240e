"""The Argo Events v1.9 controller's Sensor and EventSource validation, for the specs this package emits.

The installed CRDs accept any spec, so a spec the controller rejects is only reported later in the object's
status. These functions find those problems before anything is created. They mirror the parts of
``pkg/reconciler/sensor/validate.go`` and ``pkg/reconciler/eventsource/validate.go`` (with each event source's
``ValidateEventSource``) that apply to what the blueprints emit, and report every problem, not only the first,
each starting with its JSON path.

What is emitted: a Sensor with one dependency (optionally ``filters.data`` joined by ``dataLogicalOperator``) and
``k8s`` (create a Workflow) or ``http`` (post a Metaflow event) triggers, each with a ``dlqTrigger`` (``k8s``:
create a ConfigMap); an EventSource of one kind, whose rules its source package declares
(`registry.EventSourceKind.check`, written with this module's public helpers). Anything else in the objects these
rules look into is reported as not emitted by this package (so a bug here), not checked: add its rules before
emitting it.

Rules whose message says "blueprint rule" are stricter than the controller: it accepts those specs, but they
cannot work (a parameter naming no dependency silently falls back to its default value, a webhook endpoint
without a leading slash never matches a request).
"""

import json
import re
from collections.abc import Mapping

from pulumi_metaflow_blueprints.argo.spec import items as _items
from pulumi_metaflow_blueprints.argo.spec import mapping as _mapping
from pulumi_metaflow_blueprints.errors import ArgoSpecError
from pulumi_metaflow_blueprints.registry import event_source_kinds

__all__ = [
    "beyond",
    "check_event_source",
    "check_sensor",
    "event_source_problems",
    "is_go_int",
    "required_text",
    "sensor_problems",
    "text",
]

_LOGICAL_OPERATORS = ("and", "or")
_K8S_OPERATIONS = ("create", "update", "patch", "delete")
_HTTP_METHODS = ("GET", "DELETE", "PATCH", "POST", "PUT")

# The keys this package emits in each object the rules look into.
_DEPENDENCY_KEYS = frozenset({"name", "eventSourceName", "eventName", "filters"})
_FILTER_KEYS = frozenset({"data", "dataLogicalOperator"})
_DATA_FILTER_KEYS = frozenset({"path", "type", "value"})
_TRIGGER_KEYS = frozenset({"template", "retryStrategy", "rateLimit", "atLeastOnce", "dlqTrigger"})
_TEMPLATE_KEYS = frozenset({"name", "k8s", "http"})
_K8S_TRIGGER_KEYS = frozenset({"operation", "source", "parameters"})
_HTTP_TRIGGER_KEYS = frozenset({"url", "method", "headers", "secureHeaders", "payload"})
_PARAMETER_KEYS = frozenset({"src", "dest"})
_EVENT_SOURCE_KEYS = frozenset({"eventBusName", "template", "service"})
"""The keys of an EventSource spec besides its one kind (`registry.event_source_kinds`)."""

_Problems = list[str]
_SIMPLE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_GO_INT = re.compile(r"[+-]?[0-9]+")


def sensor_problems(spec: Mapping[str, object]) -> list[str]:
    """Every rule of the controller's ``ValidateSensor`` that ``spec`` (a Sensor's ``spec``) breaks."""
    dependencies = _items(spec.get("dependencies"))
    dependency_names = {text(dep, "name") for dep in map(_mapping, dependencies)} - {""}
    return _dependencies_problems(dependencies) + _triggers_problems(_items(spec.get("triggers")), dependency_names)


def event_source_problems(spec: Mapping[str, object]) -> list[str]:
    """Every rule of the controller's ``ValidateEventSource`` that ``spec`` (an EventSource's spec) breaks."""
    kinds = event_source_kinds()
    problems = _unemitted(spec, "", _EVENT_SOURCE_KEYS | frozenset(kinds))
    present = [key for key in kinds if _mapping(spec.get(key))]
    if len(present) > 1:
        problems.append(f"spec: has types {', '.join(present)}; this package emits one type per EventSource")
    for key in present:
        for event_name, source in _mapping(spec[key]).items():
            problems += kinds[key].check(_mapping(source), _child(key, str(event_name)))
    return problems


def check_sensor(name: str, spec: Mapping[str, object]) -> None:
    """Raise ``ArgoSpecError`` if the controller would reject Sensor ``name`` with ``spec``."""
    problems = sensor_problems(spec)
    if problems:
        raise ArgoSpecError("Sensor", name, problems)


def check_event_source(name: str, spec: Mapping[str, object]) -> None:
    """Raise ``ArgoSpecError`` if the controller would reject EventSource ``name`` with ``spec``."""
    problems = event_source_problems(spec)
    if problems:
        raise ArgoSpecError("EventSource", name, problems)


# --- Sensor: the dependency (validateDependencies, validateEventFilter) ---


def _dependencies_problems(dependencies: list[object]) -> _Problems:
    if not dependencies:
        return ["dependencies: at least one dependency is required"]
    problems: _Problems = []
    if len(dependencies) > 1:
        problems.append(f"dependencies: has {len(dependencies)}; this package emits one dependency per Sensor")
    for index, raw in enumerate(dependencies):
        path, dep = f"dependencies[{index}]", _mapping(raw)
        problems += _unemitted(dep, path, _DEPENDENCY_KEYS)
        problems += required_text(dep, path, "name", "eventSourceName", "eventName")
        if dep.get("filters") is not None:
            problems += _filter_problems(_mapping(dep["filters"]), f"{path}.filters")
    return problems


def _filter_problems(filters: Mapping[str, object], path: str) -> _Problems:
    problems = _unemitted(filters, path, _FILTER_KEYS)
    operator = text(filters, "dataLogicalOperator")
    if operator and operator not in _LOGICAL_OPERATORS:
        problems.append(
            f"{path}.dataLogicalOperator: {operator!r} is not supported; allowed: 'and', 'or' or empty (and)"
        )
    for index, raw in enumerate(_items(filters.get("data"))):
        problems += _data_filter_problems(_mapping(raw), f"{path}.data[{index}]")
    return problems


def _data_filter_problems(data: Mapping[str, object], path: str) -> _Problems:
    problems = _unemitted(data, path, _DATA_FILTER_KEYS) + required_text(data, path, "path", "type")
    values = _items(data.get("value"))
    if not values:
        problems.append(f"{path}.value: at least one value is required")
    for index, value in enumerate(values):
        if not isinstance(value, str) or not value:
            problems.append(f"{path}.value[{index}]: must be a non-empty string")
    return problems


# --- Sensor: triggers (validateTriggers, validateTrigger, validateDlqTrigger, validateTriggerTemplate,
# validateK8STrigger, validateHTTPTrigger) ---


def _triggers_problems(triggers: list[object], dependency_names: set[str]) -> _Problems:
    if not triggers:
        return ["triggers: at least one trigger is required"]
    problems: _Problems = []
    first_use: dict[str, int] = {}
    for index, raw in enumerate(triggers):
        path, trigger = f"triggers[{index}]", _mapping(raw)
        problems += _trigger_problems(trigger, path, dependency_names)
        if trigger.get("template") is None:
            continue
        name = text(_mapping(trigger["template"]), "name")
        if name in first_use:
            problems.append(
                f"{path}.template.name: {name!r} is also the name of triggers[{first_use[name]}]; "
                "trigger names must be unique"
            )
        elif name:
            first_use[name] = index
    return problems


def _trigger_problems(trigger: Mapping[str, object], path: str, dependency_names: set[str]) -> _Problems:
    """validateTrigger: the template, then validateDlqTrigger (a dlqTrigger is validated as a trigger)."""
    problems = _unemitted(trigger, path, _TRIGGER_KEYS)
    if trigger.get("template") is None:
        problems.append(f"{path}.template: required")
    else:
        problems += _template_problems(_mapping(trigger["template"]), f"{path}.template", dependency_names)
    if trigger.get("dlqTrigger") is not None:
        dlq, dlq_path = _mapping(trigger["dlqTrigger"]), f"{path}.dlqTrigger"
        if trigger.get("atLeastOnce") is not True:
            problems.append(f"{path}.atLeastOnce: to use dlqTrigger, trigger.atLeastOnce must be set to true")
        if dlq.get("atLeastOnce") is not True:
            problems.append(f"{dlq_path}.atLeastOnce: atLeastOnce must be set to true within the dlqTrigger")
        problems += _trigger_problems(dlq, dlq_path, dependency_names)
    return problems


def _template_problems(template: Mapping[str, object], path: str, dependency_names: set[str]) -> _Problems:
    problems = _unemitted(template, path, _TEMPLATE_KEYS) + required_text(template, path, "name")
    if template.get("k8s") is not None:
        problems += _k8s_problems(_mapping(template["k8s"]), f"{path}.k8s", dependency_names)
    if template.get("http") is not None:
        problems += _http_problems(_mapping(template["http"]), f"{path}.http", dependency_names)
    return problems


def _k8s_problems(trigger: Mapping[str, object], path: str, dependency_names: set[str]) -> _Problems:
    problems = _unemitted(trigger, path, _K8S_TRIGGER_KEYS)
    if trigger.get("source") is None:
        problems.append(f"{path}.source: required")
    operation = text(trigger, "operation")
    if operation and operation not in _K8S_OPERATIONS:
        problems.append(
            f"{path}.operation: {operation!r} is not supported; allowed: {', '.join(_K8S_OPERATIONS)} or empty (create)"
        )
    return problems + _parameters_problems(trigger, "parameters", path, dependency_names)


def _http_problems(trigger: Mapping[str, object], path: str, dependency_names: set[str]) -> _Problems:
    problems = _unemitted(trigger, path, _HTTP_TRIGGER_KEYS) + required_text(trigger, path, "url")
    method = text(trigger, "method")
    if method and method not in _HTTP_METHODS:
        problems.append(
            f"{path}.method: {method!r} is not supported; allowed: {', '.join(_HTTP_METHODS)} or empty (POST)"
        )
    return problems + _parameters_problems(trigger, "payload", path, dependency_names, dest_required=False)


def _parameters_problems(
    owner: Mapping[str, object], key: str, path: str, dependency_names: set[str], *, dest_required: bool = True
) -> _Problems:
    """validateTriggerParameter (or, for an HTTP payload, validateTriggerParameterForHTTP) on each item."""
    problems: _Problems = []
    for index, raw in enumerate(_items(owner.get(key))):
        item_path, parameter = f"{path}.{key}[{index}]", _mapping(raw)
        problems += _unemitted(parameter, item_path, _PARAMETER_KEYS)
        if parameter.get("src") is None:
            problems.append(f"{item_path}.src: required (with the dependencyName the value comes from)")
        else:
            problems += _source_dependency_problems(_mapping(parameter["src"]), f"{item_path}.src", dependency_names)
        if dest_required and not text(parameter, "dest"):
            problems.append(f"{item_path}.dest: required (the JSON path of the key to set)")
    return problems


def _source_dependency_problems(src: Mapping[str, object], path: str, dependency_names: set[str]) -> _Problems:
    dependency = text(src, "dependencyName")
    if not dependency:
        return [f"{path}.dependencyName: required (a non-empty string)"]
    if dependency not in dependency_names:
        return [
            f"{path}.dependencyName: {dependency!r} names no dependency of this Sensor"
            + beyond("the parameter would silently fall back to its default value")
        ]
    return []


# --- Small helpers (the public ones also serve the source packages' EventSource rules) ---


def _unemitted(owner: Mapping[str, object], path: str, emitted: frozenset[str]) -> _Problems:
    """One problem per key of ``owner`` this package never emits there (its rules are not modelled)."""
    return [
        f"{_child(path, str(key))}: not emitted by this package, so its controller rules are not checked here"
        for key in owner
        if key not in emitted
    ]


def beyond(why: str) -> str:
    """The suffix marking a rule stricter than the controller."""
    return f" (blueprint rule: the controller accepts this, but {why})"


def is_go_int(digits: str) -> bool:
    """Whether Go's ``strconv.Atoi`` accepts ``digits``."""
    return bool(_GO_INT.fullmatch(digits)) and -(2**63) <= int(digits) < 2**63


def text(owner: Mapping[str, object], key: str) -> str:
    """The value at ``key`` as Go would see a string field: missing or null is empty."""
    value = owner.get(key)
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def required_text(owner: Mapping[str, object], path: str, *keys: str) -> _Problems:
    """One problem per key of ``keys`` whose text (``text``) is empty."""
    return [f"{path}.{key}: required (a non-empty string)" for key in keys if not text(owner, key)]


def _child(path: str, key: str) -> str:
    if _SIMPLE_KEY.fullmatch(key):
        return f"{path}.{key}" if path else key
    return f"{path}[{json.dumps(key)}]"
