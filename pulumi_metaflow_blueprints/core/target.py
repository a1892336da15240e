"""Targets: what the Sensor starts (a flow's Workflow, or a Metaflow event), each planned as one Argo trigger."""

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, TypeGuard
from urllib.parse import urlsplit

from pulumi_metaflow_blueprints import metaflow
from pulumi_metaflow_blueprints.argo.spec import is_mapping
from pulumi_metaflow_blueprints.core.args import FlowTarget, MetaflowEventTarget, Target
from pulumi_metaflow_blueprints.core.decode import decode_actions
from pulumi_metaflow_blueprints.core.fields import EventPath, FieldCatalog, go_string_literal
from pulumi_metaflow_blueprints.core.identity import EventIdentity, name_parameters, trace_parameters
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.naming import SUBDOMAIN_MAX, is_label_value, validate_dns_subdomain

__all__ = [
    "DEPENDENCY",
    "MANAGED_BY",
    "MAPPING_ANNOTATION",
    "SECRET_KEY",
    "RunTracing",
    "TargetPlan",
    "argument_dest",
    "event_body_template",
    "plan_targets",
    "value_template",
]

DEPENDENCY = "source-event"
"""Name of the one Sensor dependency every blueprint declares."""
MANAGED_BY = "metaflow-blueprints"
MAPPING_ANNOTATION = "metaflow-blueprints/mapping"
"""Sensor annotation: JSON ``{trigger name: {flow parameter or payload key: gjson path of the event data}}``, each
target's ``mapped``; what `simulate` reports a mapped value is taken from (and what a reader of the Sensor sees)."""


@dataclass(frozen=True)
class RunTracing:
    """How flow targets name and annotate their Workflows after the event (core/identity.py)."""

    scope: str
    """The blueprint instance: with the trigger name, it keeps two targets or blueprints from sharing a run."""
    identity: EventIdentity | None
    time: EventPath | None
    annotations: dict[str, str]
    """Static annotations (the source)."""


@dataclass(frozen=True)
class TargetPlan:
    """A checked target: its Argo trigger's name, its kind, and the Argo trigger template it renders to."""

    name: str
    kind: str
    template: dict[str, Any]
    mapped: dict[str, str]
    """Parameter or payload key -> the gjson path of the event data it is taken from."""
    workflow_template: str | None = None
    deduplicated: bool = False
    """Whether the Workflow is named after the event (one run per event)."""


def argument_dest(name: str) -> str:
    """The trigger parameter ``dest`` writing the value of the Workflow argument named ``name``, as Metaflow's own
    Sensors address it: by name, not by position, so the argument list and the parameter list are not coupled.

    Argo Events 1.9 applies a ``dest`` with ``sjson.SetBytes`` (v1.2.4/v1.2.5); a path with ``#`` is "complex", so
    sjson asks gjson where ``#(name=="x")`` points and replaces the value found there (nothing, without an error,
    when no argument has that name: ``plan_targets`` declares every mapped name). tests/test_trigger_mapping.py
    checks each dest against the Go oracle's gjson.
    """
    return f"spec.arguments.parameters.#(name=={json.dumps(name)}).value"


@lru_cache(maxsize=1024)  # pure; blueprints of one source map the same few paths
def value_template(path: EventPath, *, payload: bool = False) -> str:
    """A Go template that renders the value at ``path`` for a flow parameter (or, with ``payload``, as JSON).

    It walks the path one segment at a time — a key only in an object, an index only within a list (``and``
    short-circuits since Go 1.18; Argo Events 1.9 builds with 1.20 and later) — so whatever is missing or of the
    wrong kind, the template fails with "event has no <path>". A failing template makes Argo fall back to the
    parameter's `value`; we set none, so the trigger errors (and the Sensor retries and logs it) instead of starting
    the flow with a guessed value. Keys reach the template only as Go string literals. A value the source sends
    encoded (``path.decode``, the S3 key of a notification) is decoded before it is encoded (``core/decode.py``).

    Then one encoding step, for what Metaflow 2.19 does with a Workflow parameter: its start step runs
    ``set_parameters`` (``json.loads`` the value, else keep the text; ``json.dumps`` the result into an unquoted
    ``export METAFLOW_INIT_X=...`` line that bash sources), then ``init`` converts the text with the Parameter's type.
    So a string goes as a JSON string (the flow gets its text), JSON null as ``null`` (the parameter's default when
    that is None), and any other value as a JSON string of its JSON text — what Metaflow's own Sensor renders for a
    JSONType parameter (``toRawJson | toRawJson``): the text survives bash quoted, and ``int``/``float``/``bool``/
    ``JSONType`` all parse it, whatever the Parameter's type (which no template can know). ``payload`` renders the
    value as JSON instead (a ``metaflow_event`` payload member, which Metaflow's Sensor encodes the same way). A value
    whose text holds ``$`` or a backtick fails the trigger: bash expands it inside the double quotes ``json.dumps``
    writes — the flow would get another value, and ``$(...)`` would run as a command in the start step.
    """
    shell = go_string_literal(
        f"{path.gjson} holds a $ or a backtick, which Metaflow's start step would expand as shell code "
        "(set_parameters writes parameter values into a file bash sources)"
    )
    expanded = " ".join(f"(contains {go_string_literal(char)} $t)" for char in metaflow.SHELL_EXPANDED)
    encode = (
        '{{- $t := $v -}}{{- if not (kindIs "string" $v) -}}{{- $t = toRawJson $v -}}{{- end -}}'
        f"{{{{- if or {expanded} -}}}}{{{{- fail {shell} -}}}}{{{{- end -}}}}"
    )
    if payload:
        encode += "{{- toRawJson $v -}}"
    else:
        encode += '{{- if kindIs "invalid" $v -}}null{{- else -}}{{- toRawJson $t -}}{{- end -}}'
    return _walk(path) + decode_actions(path) + encode


def _walk(path: EventPath) -> str:
    """Actions setting ``$v`` to the value at ``path``, failing with "event has no <path>" where it is absent."""
    missing = go_string_literal(f"event has no {path.gjson}")
    steps = ["{{- $v := .Input -}}"]
    for present, step in path.go_steps():
        fail = f"{{{{- if not (and {present}) -}}}}{{{{- fail {missing} -}}}}{{{{- end -}}}}"
        steps.append(f"{fail}{{{{- $v = {step} -}}}}")
    return "".join(steps)


def _is_targets(value: object) -> TypeGuard[Sequence[Target]]:
    """Whether ``value`` can be read as targets: a sequence other than a string (each item is checked as read)."""
    return isinstance(value, Sequence) and not isinstance(value, str)


def plan_targets(
    targets: object,
    catalog: FieldCatalog,
    *,
    namespace: str,
    workflow_namespace: str,
    labels: Mapping[str, str],
    tracing: RunTracing | None = None,
    argument: str = "targets",
) -> list[TargetPlan]:
    """Check every target and render its Argo trigger template; trigger names must be unique."""
    if not _is_targets(targets) or not targets:
        raise BlueprintInputError(
            argument, "needs at least one target", "add `{'flow': {...}}` or `{'metaflow_event': {...}}`"
        )
    planned: list[TargetPlan] = []
    for index, target in enumerate(targets):
        where = f"{argument}[{index}]"
        flow, event = target.get("flow"), target.get("metaflow_event")
        if (flow is None) == (event is None):
            raise BlueprintInputError(where, "must set exactly one of `flow` and `metaflow_event`", "keep one of them")
        if flow is not None:
            trace = tracing or RunTracing("", None, None, {})
            item = _flow_target(flow, target.get("name"), catalog, workflow_namespace, labels, trace, f"{where}.flow")
        else:
            assert event is not None
            item = _event_target(event, target.get("name"), catalog, namespace, f"{where}.metaflow_event")
        if any(other.name == item.name for other in planned):
            raise BlueprintInputError(
                f"{where}.name", f"trigger name {item.name!r} is used twice", "give each target a distinct `name`"
            )
        planned.append(item)
    return planned


def _target_plan(
    key: str,
    body: dict[str, Any],
    mapped: Mapping[str, EventPath],
    name: str,
    workflow_template: str | None = None,
    deduplicated: bool = False,
) -> TargetPlan:
    """A target's plan: its Argo trigger ``name`` doing ``body`` (``key``: `k8s` starts a flow, `http` posts a
    Metaflow event)."""
    return TargetPlan(
        name=name,
        kind="flow" if key == "k8s" else "metaflow_event",
        template={"name": name, key: body},
        mapped={parameter: path.gjson for parameter, path in mapped.items()},
        workflow_template=workflow_template,
        deduplicated=deduplicated,
    )


def _trigger_name(given: object, default: str, argument: str) -> str:
    """The Argo trigger's name: ``given``, else ``default``."""
    name: object = default if given is None else given
    if not isinstance(name, str) or not name.strip():
        fix = "give a short trigger name"
        raise BlueprintInputError(argument.rsplit(".", 1)[0] + ".name", "must be a non-empty string", fix)
    return name


def _check_keys(mapping: object, argument: str, kind: str) -> dict[str, str]:
    if mapping is None:
        return {}
    if not is_mapping(mapping):
        raise BlueprintInputError(argument, f"must map {kind} names to values", f"pass a dict of {kind} name -> value")
    checked: dict[str, str] = {}
    for key, value in mapping.items():
        if not isinstance(value, str):
            raise BlueprintInputError(f"{argument}.{key}", "must be a string", "quote the value")
        checked[key] = value
    return checked


def _flow_target(
    flow: FlowTarget,
    name: str | None,
    catalog: FieldCatalog,
    workflow_namespace: str,
    labels: Mapping[str, str],
    tracing: RunTracing,
    argument: str,
) -> TargetPlan:
    metaflow.validate_flow_name(flow.get("flow", ""), f"{argument}.flow")
    explicit = flow.get("template_name")
    if explicit is not None:
        template_name = metaflow.validate_template_name(explicit, f"{argument}.template_name")
    else:
        template_name = metaflow.workflow_template_name(
            flow["flow"],
            project=flow.get("project"),
            branch=flow.get("branch"),
            production=bool(flow.get("production", False)),
            user=flow.get("user"),
            argument=argument,
        )
    mapped_args = _check_keys(flow.get("parameters"), f"{argument}.parameters", "parameter")
    static_args = _check_keys(flow.get("static_parameters"), f"{argument}.static_parameters", "parameter")
    for group, keys in (("parameters", mapped_args), ("static_parameters", static_args)):
        for key in keys:
            metaflow.validate_parameter_name(key, f"{argument}.{group}.{key}")
    both = sorted(set(mapped_args) & set(static_args))
    if both:
        raise BlueprintInputError(
            f"{argument}.static_parameters",
            f"{both[0]!r} is both mapped from the event and static",
            "keep it in one of `parameters` and `static_parameters`",
        )
    for key, value in static_args.items():
        _check_static_value(value, f"{argument}.static_parameters.{key}")
    mapped = {key: catalog.resolve(ref, f"{argument}.parameters.{key}") for key, ref in sorted(mapped_args.items())}
    arguments = [{"name": key, "value": "null"} for key in mapped] + [
        {"name": key, "value": json.dumps(value)} for key, value in sorted(static_args.items())
    ]
    trigger_name = _trigger_name(name, template_name, argument)
    named = flow.get("deduplicate", True) and tracing.identity is not None  # its type checked by blueprint_inputs
    if not named and not is_label_value(trigger_name):
        raise BlueprintInputError(
            argument.rsplit(".", 1)[0] + ".name",
            f"trigger name {trigger_name!r} is not a Kubernetes label value, which Argo Events' create puts on each "
            "Workflow (events.argoproj.io/trigger), so every run would fail to start",
            "give `name` of up to 63 letters, digits, '-', '_', '.', starting and ending with a letter or digit",
        )
    parameters = [
        {"src": {"dependencyName": DEPENDENCY, "dataTemplate": value_template(path)}, "dest": argument_dest(key)}
        for key, path in mapped.items()
    ]
    if named:
        assert tracing.identity is not None
        scope = f"{tracing.scope}/{trigger_name}"
        parameters = name_parameters(DEPENDENCY, template_name, scope, tracing.identity) + parameters
    parameters = trace_parameters(DEPENDENCY, tracing.identity, tracing.time) + parameters
    metadata: dict[str, Any] = {} if named else {"generateName": f"{template_name}-"}
    metadata["namespace"] = workflow_namespace
    metadata["labels"] = {**labels, "app.kubernetes.io/managed-by": MANAGED_BY}
    if tracing.annotations:
        metadata["annotations"] = dict(tracing.annotations)
    workflow: dict[str, Any] = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": metadata,
        "spec": {"workflowTemplateRef": {"name": template_name}},
    }
    if arguments:
        workflow["spec"]["arguments"] = {"parameters": arguments}
    # patch: Argo gets the named Workflow, creates it when absent, else merge-patches it with the same content
    k8s: dict[str, Any] = {"operation": "patch" if named else "create", "source": {"resource": workflow}}
    k8s["parameters"] = parameters
    return _target_plan("k8s", k8s, mapped, trigger_name, template_name, deduplicated=named)


def _event_target(
    event: MetaflowEventTarget,
    name: str | None,
    catalog: FieldCatalog,
    namespace: str,
    argument: str,
) -> TargetPlan:
    event_name = metaflow.validate_event_name(event.get("event", ""), f"{argument}.event")
    mapped_args = _check_keys(event.get("payload"), f"{argument}.payload", "payload key")
    static_args = _check_keys(event.get("static_payload"), f"{argument}.static_payload", "payload key")
    for field, keys in (("payload", mapped_args), ("static_payload", static_args)):
        reserved = sorted({"name", "id", "timestamp"} & set(keys))
        if reserved:
            raise BlueprintInputError(
                f"{argument}.{field}", f"{reserved[0]!r} is set by Metaflow's event format", "choose another key"
            )
    both = sorted(set(mapped_args) & set(static_args))
    if both:
        raise BlueprintInputError(
            f"{argument}.static_payload", f"{both[0]!r} is both mapped and static", "keep it in one of the two"
        )
    for key in mapped_args:
        _check_payload_key(key, f"{argument}.payload.{key}")
    for key in static_args:
        _check_payload_key(key, f"{argument}.static_payload.{key}")
    for key, value in static_args.items():
        _check_static_value(value, f"{argument}.static_payload.{key}")
    mapped = {key: catalog.resolve(ref, f"{argument}.payload.{key}") for key, ref in sorted(mapped_args.items())}
    body = {"dependencyName": DEPENDENCY, "dataTemplate": event_body_template(event_name, mapped, static_args)}
    url = event.get("webhook_url")
    http: dict[str, Any] = {
        "url": _check_webhook_url(url, f"{argument}.webhook_url")
        if url is not None
        else metaflow.default_metaflow_webhook_url(namespace),
        "method": "POST",
        "headers": {"Content-Type": "application/json"},
        "payload": [{"src": body, "dest": ""}],
    }
    secret = _authorization_secret(event, argument)
    if secret:
        http["secureHeaders"] = [{"name": "Authorization", "valueFrom": {"secretKeyRef": secret}}]
    return _target_plan("http", http, mapped, _trigger_name(name, event_name, argument))


def _check_webhook_url(url: str, argument: str) -> str:
    """An http(s) URL with a host and nothing Argo's HTTP trigger would mangle (spaces, controls, a fragment)."""
    try:
        parts = urlsplit(url)
        valid = parts.scheme in {"http", "https"} and bool(parts.hostname) and (parts.port is None or parts.port > 0)
        valid = valid and not parts.fragment
    except ValueError:
        valid = False
    if not valid or any(char.isspace() or ord(char) < 32 for char in url):
        fix = "give e.g. http://argo-events-webhook-eventsource-svc.argo-events.svc:12000/metaflow-event"
        raise BlueprintInputError(argument, f"{url!r} is not an http(s) URL", fix)
    return url


def _authorization_secret(event: MetaflowEventTarget, argument: str) -> dict[str, str] | None:
    """The Secret key holding the `Authorization` header value, checked by Kubernetes' rules; None without one."""
    name, key = event.get("authorization_secret_name"), event.get("authorization_secret_key")
    if name is None:
        if key is not None:
            fix = "add `authorization_secret_name`, or drop the key"
            raise BlueprintInputError(f"{argument}.authorization_secret_key", "is set without a Secret name", fix)
        return None
    validate_dns_subdomain(name, f"{argument}.authorization_secret_name")
    key = key if key is not None else "authorization"
    if len(key) > SUBDOMAIN_MAX or not SECRET_KEY.fullmatch(key):
        fix = "use letters, digits, '-', '_' and '.' (a Secret data key)"
        raise BlueprintInputError(f"{argument}.authorization_secret_key", f"{key!r} is not a Secret key", fix)
    return {"name": name, "key": key}


def event_body_template(event_name: str, mapped: Mapping[str, EventPath], static: Mapping[str, str]) -> str:
    """The Go template rendering a ``metaflow_event`` trigger's whole request body, as ``ArgoEvent.publish()`` sends it.

    ``{"name": N, "payload": {"name": N, "id": <uuid4>, "timestamp": <epoch seconds>, "utc_date": "YYYYMMDD",
    <mapped and static keys>}}``. It is one template because only a payload parameter with an empty ``dest``
    (Argo Events 1.9.8 and later: ``ConstructPayload`` returns its value as the body) can write a number: a template
    value set at a ``dest`` is always a JSON string, and Metaflow's ``Trigger`` sorts events by ``timestamp`` (a
    string beside ``ArgoEvent``'s integers raises ``TypeError``) and makes a ``datetime`` only of an ``int``. A
    template cannot read the Argo event's context, so the ``id`` is a fresh ``uuidv4`` like ``ArgoEvent``'s. A user
    key ``utc_date`` replaces the default one, as a user payload does in ``ArgoEvent.publish()``;
    ``generated-by-metaflow`` is left out (nothing in Metaflow reads it, and this event is not Metaflow's).
    """
    name = json.dumps(event_name)
    parts = [
        "{{- $now := now -}}",
        f'{{"name":{name},"payload":{{"name":{name}',
        ',"id":{{ uuidv4 | toRawJson }},"timestamp":{{ $now | unixEpoch }}',
    ]
    if "utc_date" not in mapped and "utc_date" not in static:
        parts.append(',"utc_date":{{ dateInZone "20060102" $now "UTC" | toRawJson }}')
    parts.extend(f",{json.dumps(key)}:{value_template(path, payload=True)}" for key, path in mapped.items())
    parts.extend(
        f",{json.dumps(key)}:{{{{ {go_string_literal(json.dumps(value, ensure_ascii=False))} }}}}"
        for key, value in sorted(static.items())
    )
    return "".join(parts) + "}}"


def _check_static_value(value: str, argument: str) -> None:
    """A static value goes through Metaflow's bash-sourced ``set_parameters`` step: no ``$``/backtick, valid text."""
    if metaflow.expanded_by_start_step(value):
        raise BlueprintInputError(
            argument,
            "holds a $ or a backtick, which Metaflow's start step would expand as shell code",
            "remove it (Metaflow sources parameter values in bash, inside double quotes)",
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise BlueprintInputError(argument, "is not valid Unicode text", "remove the lone surrogate") from None


SECRET_KEY = re.compile(r"[-._a-zA-Z0-9]+")
_PAYLOAD_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]{0,252}")


def _check_payload_key(key: str, argument: str) -> None:
    """Payload keys are read by a triggered flow's Sensor as gjson paths (``body.payload.<key>``): plain names."""
    if not _PAYLOAD_KEY.fullmatch(key):
        raise BlueprintInputError(
            argument,
            f"{key!r} is not a payload key this package writes as given",
            "use letters, digits, `_` and `-`, starting with a letter or `_` (a Metaflow parameter name works)",
        )
