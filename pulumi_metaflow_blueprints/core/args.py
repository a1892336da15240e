"""Typed arguments shared by every blueprint.

These classes are read by the Pulumi multi-language provider to infer its schema, so they follow its rules:
TypedDicts with a docstring after each field, no Union types, class names unique across the package, and no
``from __future__ import annotations`` in this module.
"""

from enum import Enum
from typing import TypedDict

from typing_extensions import NotRequired

__all__ = [
    "FieldFilter",
    "FlowTarget",
    "KubernetesSettings",
    "MetaflowEventTarget",
    "RateLimitUnit",
    "SensorOptions",
    "Target",
]


class KubernetesSettings(TypedDict):
    """Where the Argo Events objects live and which EventBus they use."""

    namespace: str
    """Namespace of the EventSource, the Sensor and their service accounts (where Argo Events' EventBus runs)."""
    workflow_namespace: NotRequired[str]
    """Namespace of the flows' WorkflowTemplates (Metaflow's KUBERNETES_NAMESPACE). Defaults to `namespace`."""
    event_bus_name: NotRequired[str]
    """EventBus the EventSource publishes to and the Sensor reads from. Defaults to `default`."""
    sensor_service_account_name: NotRequired[str]
    """An existing service account for the Sensor pod. When unset, one is created. Either way the blueprint binds it
    the least RBAC its triggers need: Workflows in `workflow_namespace` (flow targets), and creating ConfigMaps in
    `namespace`, where failed events are parked."""
    labels: NotRequired[dict[str, str]]
    """Extra labels put on every Kubernetes object the blueprint creates (and on the Workflows it starts); keys the
    blueprint sets itself (`app.kubernetes.io/managed-by`, `metaflow-blueprints/...`) are refused."""


class FlowTarget(TypedDict):
    """Start a deployed Metaflow flow: the Sensor creates a Workflow from the flow's WorkflowTemplate."""

    flow: str
    """The flow's class name, as in `class IngestFlow(FlowSpec)`."""
    project: NotRequired[str]
    """The `@project(name=...)` of the flow, when it has one."""
    branch: NotRequired[str]
    """The `--branch` of `argo-workflows create`: branch `test.<branch>`, or `prod.<branch>` with `production`."""
    production: NotRequired[bool]
    """Whether the flow was deployed with `--production`."""
    user: NotRequired[str]
    """The deploying user, for a `@project` flow deployed with neither `branch` nor `production`."""
    template_name: NotRequired[str]
    """The WorkflowTemplate's name, when known; overrides the name computed from flow, project and branch."""
    parameters: NotRequired[dict[str, str]]
    """Flow parameter name -> source field (e.g. `{"input_key": "key"}`), or `data:<path>` for a raw event path."""
    static_parameters: NotRequired[dict[str, str]]
    """Flow parameter name -> fixed value, given as on the command line (`--alpha 0.5` is `{"alpha": "0.5"}`)."""
    deduplicate: NotRequired[bool]
    """One run per event (default true): the Workflow is named after the event's identity (see `sensor.
    event_identity`), so a redelivered, replayed or backfilled event finds its run and starts no second one. False
    gives every delivery a new run (`generateName`)."""


class MetaflowEventTarget(TypedDict):
    """Publish a Metaflow event, so every flow deployed with `@trigger(event=...)` starts with `current.trigger` set.

    Not deduplicated: Metaflow's webhook gives each publication a new event id and its Sensors start a run for each,
    so a redelivered source event starts the triggered flows again. Use a `flow` target for one run per event."""

    event: str
    """The Metaflow event name, as in `@trigger(event="raw_data_landed")`."""
    payload: NotRequired[dict[str, str]]
    """Payload key -> source field (payload keys become flow parameters in Metaflow), or `data:<path>`."""
    static_payload: NotRequired[dict[str, str]]
    """Payload key -> fixed string value."""
    webhook_url: NotRequired[str]
    """URL of Metaflow's webhook EventSource. Defaults to the `argo-events-webhook` service in `namespace`."""
    authorization_secret_name: NotRequired[str]
    """Kubernetes Secret (in `namespace`) whose key holds the full `Authorization` header value, `Bearer <token>`."""
    authorization_secret_key: NotRequired[str]
    """Key in `authorization_secret_name` (letters, digits, `-`, `_`, `.`). Defaults to `authorization`."""


class Target(TypedDict):
    """What the Sensor starts when a source event passes its filters. Set exactly one of `flow` and `metaflow_event`."""

    name: NotRequired[str]
    """Trigger name, unique within the blueprint. Defaults to the flow's template name or the event name."""
    flow: NotRequired[FlowTarget]
    """Start this deployed flow directly."""
    metaflow_event: NotRequired[MetaflowEventTarget]
    """Publish this Metaflow event to Metaflow's webhook."""


class FieldFilter(TypedDict):
    """Keep only events whose source field matches. Values are matched whole (the filter is anchored)."""

    field: str
    """Source field name (e.g. `key`), or `data:<path>` for a raw event path."""
    equals: NotRequired[list[str]]
    """Exact values, any of which passes (regular-expression characters are escaped)."""
    pattern: NotRequired[str]
    """A regular expression (RE2) the whole value must match, e.g. `landing/.*\\.parquet`."""


class RateLimitUnit(str, Enum):
    """Unit of a Sensor trigger's rate limit."""

    SECOND = "Second"
    """Per second."""
    MINUTE = "Minute"
    """Per minute."""
    HOUR = "Hour"
    """Per hour."""


class SensorOptions(TypedDict):
    """How the Sensor retries and paces its triggers."""

    retry_steps: NotRequired[int]
    """Attempts after the first failure of a trigger, 0 to 100. Defaults to 3."""
    retry_initial_delay: NotRequired[str]
    """Delay before the first retry, as a Go duration up to `24h` (`10s`, `1m30s`). Defaults to `10s`."""
    retry_factor: NotRequired[float]
    """Each retry waits this many times longer than the last, 1 to 10. Defaults to 2."""
    rate_limit: NotRequired[int]
    """At most this many triggers per `rate_limit_unit`. Unlimited when unset."""
    rate_limit_unit: NotRequired[RateLimitUnit]
    """Unit of `rate_limit`. Defaults to `Second`."""
    event_identity: NotRequired[list[str]]
    """Source fields whose values together identify one logical event (the same for every delivery of it), e.g.
    `["body.order_id"]` or `["header.X-Request-Id"]`; flow targets name their runs after them. Defaults to the
    source's own identity (S3 bucket, key and ETag; the SQS message id; ...); a generic webhook has none, so its
    runs are deduplicated only when this is set."""
