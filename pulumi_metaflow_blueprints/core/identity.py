"""One event, one run: the Workflow a flow target creates is named after the event's identity.

Every source here delivers at least once, and Argo Events does not deduplicate past a short in-memory window. So a
`flow` target gives its Workflow a deterministic ``metadata.name``: the WorkflowTemplate's name, ``-``, and a hex
digest of the event's identity — the values of the source's identity fields (`FieldCatalog.identity`: for S3 the
bucket, the decoded key and the ETag) together with the blueprint instance and the trigger name, so two targets, or
two blueprints, never share a run. Every delivery of one logical event, its replay and its backfilled twin get the
same name; different events get different names. Metaflow names the run ``argo-<workflow name>``.

The name is rendered by a Go template (text/template + sprig, as Argo's Sensor runs it), tested against the real
libraries in tests/test_run_identity.py. The trigger then runs as a merge ``patch``: Argo Events 1.9 gets the
Workflow, creates it when absent, and otherwise patches it with the same content — a no-op — so a redelivery
succeeds without a second run. (``create`` would fail with AlreadyExists, which the Sensor retries and then hands to
the dlqTrigger: pkg/sensors/triggers/standard-k8s/standard-k8s.go, pkg/sensors/listener.go.)
"""

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_metaflow_blueprints.argo.semantics._values import go_json
from pulumi_metaflow_blueprints.core.decode import decode_actions
from pulumi_metaflow_blueprints.core.fields import EventPath, FieldCatalog, go_string_literal
from pulumi_metaflow_blueprints.errors import BlueprintInputError

__all__ = [
    "ANNOTATION_DATA_DIGEST",
    "ANNOTATION_EVENT_IDENTITY",
    "ANNOTATION_EVENT_TIME",
    "ANNOTATION_SOURCE",
    "LABEL_EVENT",
    "RUN_NAME_MAX",
    "EventIdentity",
    "name_parameters",
    "plan_identity",
    "run_name",
    "run_name_shape",
    "trace_parameters",
]

RUN_NAME_MAX = 63
"""Argo Workflows refuses Workflow names over 63 characters (the name is also a label value on its pods)."""
DIGEST_MIN, DIGEST_MAX = 12, 16
"""Hex digits of the identity digest in the name: 16 (64 bits), fewer only for names over 46 characters."""
LABEL_EVENT = "metaflow-blueprints/event"
"""Workflow label: the event's identity digest (32 hex digits), for `kubectl get workflows -l`."""
ANNOTATION_EVENT_IDENTITY = "metaflow-blueprints/event-identity"
"""Workflow annotation: the identity values as a JSON list, e.g. `["acme-raw","landing/a.csv","9b2cf5..."]` (the
Argo event id when the source has no identity)."""
ANNOTATION_EVENT_TIME = "metaflow-blueprints/event-time"
"""Workflow annotation: when the event happened, as the source says (else when the EventSource received it)."""
ANNOTATION_DATA_DIGEST = "metaflow-blueprints/event-data-sha256"
"""Workflow annotation: SHA-256 of the event data (as JSON, keys sorted), to match it with a parked or saved copy."""
ANNOTATION_SOURCE = "metaflow-blueprints/source"
"""Workflow annotation: the source and its EventSource event, e.g. `S3 object (EventSource raw-events, object)`."""


@dataclass(frozen=True)
class EventIdentity:
    """What identifies one logical event: parts, each the first of its alternative paths the event has."""

    parts: tuple[tuple[EventPath, ...], ...]


def plan_identity(catalog: FieldCatalog, given: Sequence[str] | None, argument: str) -> EventIdentity | None:
    """The identity runs are named after: the fields the user names (``given``, its type checked by
    ``blueprint_inputs``), else the source's own; None when neither exists (a generic webhook without
    `event_identity`: its runs are not deduplicated)."""
    if given is None:
        if not catalog.identity:
            return None
        parts = tuple(tuple(catalog.resolve(name, argument) for name in part.split("|")) for part in catalog.identity)
        return EventIdentity(parts)
    if not given:
        raise BlueprintInputError(
            argument, "must name at least one source field", "give e.g. `['body.order_id']`, or leave it unset"
        )
    paths = tuple((catalog.resolve(reference, f"{argument}[{index}]"),) for index, reference in enumerate(given))
    return EventIdentity(paths)


def run_name_shape(template_name: str) -> tuple[str, int]:
    """The name prefix (the template's name, cut only when too long) and how many digest digits follow it."""
    digits = max(DIGEST_MIN, min(DIGEST_MAX, RUN_NAME_MAX - 1 - len(template_name)))
    prefix = template_name[: RUN_NAME_MAX - 1 - digits].rstrip("-.")
    return prefix, digits


def _digest_input(scope: str, values: Sequence[str]) -> str:
    return f"{scope}\n{go_json(list(values), escape_html=False)}"


def run_name(template_name: str, scope: str, values: Sequence[str]) -> str:
    """The Workflow name the Sensor renders for an event whose identity values are ``values`` (for docs and tests;
    the Sensor computes it with ``name_parameters``' template). ``values`` are the texts of the identity parts:
    a string as it is (S3 keys decoded), any other value as its JSON."""
    prefix, digits = run_name_shape(template_name)
    return f"{prefix}-{hashlib.sha256(_digest_input(scope, values).encode()).hexdigest()[:digits]}"


_HEAD = '{{- $id := "" -}}{{- $found := false -}}{{- $ok := true -}}{{- $v := .Input -}}{{- $t := "" -}}'
"""Declares the variables the identity actions use (Go templates need them declared at the top level)."""


def _try_path(path: EventPath) -> str:
    """Unless ``$found``: when the event has a non-empty value at ``path``, set ``$found`` and ``$t`` to its text (a
    string as it is, decoded when the source encodes it; any other value as its JSON)."""
    walk = "{{- $ok = true -}}{{- $v = .Input -}}"
    for present, step in path.go_steps():
        walk += f"{{{{- if and $ok {present} -}}}}{{{{- $v = {step} -}}}}"
        walk += "{{- else -}}{{- $ok = false -}}{{- end -}}"
    usable = '{{- if and $ok (not (kindIs "invalid" $v)) (ne (toString $v) "") -}}'
    keep = '{{- $found = true -}}{{- $t = $v -}}{{- if not (kindIs "string" $v) -}}{{- $t = toRawJson $v -}}{{- end -}}'
    decode = decode_actions(path).replace("$v", "$t")
    return f"{{{{- if not $found -}}}}{walk}{usable}{keep}{decode}{{{{- end -}}}}{{{{- end -}}}}"


def _identity_json(identity: EventIdentity) -> str:
    """Actions leaving in ``$id`` the identity values as a JSON list (`toRawJson` of each text); the trigger fails
    when the event has none of a part's alternatives (no run is better than a run named after half an identity)."""
    actions = [_HEAD]
    for index, part in enumerate(identity.parts):
        missing = go_string_literal(f"event has no {' or '.join(p.gjson for p in part)}, which identifies it")
        actions.append("{{- $found = false -}}" + "".join(_try_path(path) for path in part))
        actions.append(f"{{{{- if not $found -}}}}{{{{- fail {missing} -}}}}{{{{- end -}}}}")
        actions.append(f'{{{{- $id = print $id "{"," if index else ""}" (toRawJson $t) -}}}}')
    return "".join(actions) + '{{- $id = print "[" $id "]" -}}'


def _value_at(path: EventPath) -> str:
    """A template rendering the text at ``path``, empty when the event has none (Argo then takes the `value`)."""
    return _HEAD + _try_path(path) + "{{- if $found -}}{{- $t -}}{{- end -}}"


def name_parameters(dependency: str, template_name: str, scope: str, identity: EventIdentity) -> list[dict[str, Any]]:
    """The trigger parameters naming the Workflow after its event (see the module docstring) and labelling it with the
    identity digest; ``scope`` is `<blueprint instance>/<trigger name>`."""
    prefix, digits = run_name_shape(template_name)
    digest = f"(sha256sum (print {go_string_literal(scope + chr(10))} $id))"
    name = f"{_identity_json(identity)}{{{{- print {go_string_literal(prefix + '-')} (trunc {digits} {digest}) -}}}}"
    label = f"{_identity_json(identity)}{{{{- trunc 32 {digest} -}}}}"
    return [
        {"src": {"dependencyName": dependency, "dataTemplate": name}, "dest": "metadata.name"},
        {"src": {"dependencyName": dependency, "dataTemplate": label}, "dest": f"metadata.labels.{LABEL_EVENT}"},
    ]


def trace_parameters(dependency: str, identity: EventIdentity | None, time: EventPath | None) -> list[dict[str, Any]]:
    """The trigger parameters annotating the Workflow with its event: the identity values (the Argo event id when the
    source has no identity), when it happened, and the digest of its data."""
    identified: dict[str, Any] = (
        {"dependencyName": dependency, "dataTemplate": _identity_json(identity) + "{{- $id -}}"}
        if identity is not None
        else {"dependencyName": dependency, "contextKey": "id"}
    )
    when: dict[str, Any] = (
        {"dependencyName": dependency, "dataTemplate": _value_at(time), "value": "unknown"}
        if time is not None
        else {"dependencyName": dependency, "contextKey": "time"}
    )
    digest = {"dependencyName": dependency, "dataTemplate": "{{- toRawJson .Input | sha256sum -}}"}
    return [
        {"src": identified, "dest": f"metadata.annotations.{ANNOTATION_EVENT_IDENTITY}"},
        {"src": when, "dest": f"metadata.annotations.{ANNOTATION_EVENT_TIME}"},
        {"src": digest, "dest": f"metadata.annotations.{ANNOTATION_DATA_DIGEST}"},
    ]
