"""The plan of one blueprint instance: every name, target and filter, decided and checked before anything exists."""

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeGuard

from pulumi_metaflow_blueprints.argo.validation import check_sensor
from pulumi_metaflow_blueprints.core.args import (
    FieldFilter,
    KubernetesSettings,
    RateLimitUnit,
    SensorOptions,
    Target,
)
from pulumi_metaflow_blueprints.core.dlq import dlq_trigger
from pulumi_metaflow_blueprints.core.fields import FieldCatalog
from pulumi_metaflow_blueprints.core.filters import user_filters
from pulumi_metaflow_blueprints.core.identity import ANNOTATION_SOURCE, plan_identity
from pulumi_metaflow_blueprints.core.target import (
    DEPENDENCY,
    MANAGED_BY,
    MAPPING_ANNOTATION,
    RunTracing,
    TargetPlan,
    plan_targets,
)
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.naming import (
    BASE_MAX,
    check_go_duration,
    check_labels,
    child_name,
    to_dns_label,
    validate_dns_label,
    validate_dns_subdomain,
)

__all__ = [
    "STANDARD_LABEL_KEYS",
    "BlueprintPlan",
    "plan_blueprint",
    "rate_limit",
    "require",
    "retry_strategy",
    "sensor_annotations",
    "sensor_spec",
    "standard_labels",
]

DEFAULT_RETRY_STEPS = 3
MAX_RETRY_STEPS = 100
DEFAULT_RETRY_DELAY = "10s"
DEFAULT_RETRY_FACTOR = 2.0
MAX_RETRY_FACTOR = 10.0
RETRY_JITTER = 0.2
INT32_MAX = 2**31 - 1


STANDARD_LABEL_KEYS = frozenset(
    {
        "app.kubernetes.io/managed-by",
        "app.kubernetes.io/part-of",
        "metaflow-blueprints/blueprint",
        "metaflow-blueprints/instance",
    }
)
"""Labels every blueprint sets on its objects; users may not override them."""


def standard_labels(blueprint: str, base: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Labels that let `kubectl get -l` find everything one blueprint instance made."""
    return {
        **(extra or {}),
        "app.kubernetes.io/managed-by": MANAGED_BY,
        "app.kubernetes.io/part-of": "metaflow",
        "metaflow-blueprints/blueprint": blueprint,
        "metaflow-blueprints/instance": base,
    }


@dataclass(frozen=True)
class BlueprintPlan:
    """Names, labels, targets and filters of one blueprint instance."""

    blueprint: str
    base: str
    namespace: str
    workflow_namespace: str
    event_bus_name: str
    labels: dict[str, str]
    event_source_name: str
    event_source_service_account: str
    sensor_name: str
    sensor_service_account: str
    create_sensor_service_account: bool
    targets: list[TargetPlan]
    filters: list[dict[str, Any]]
    event_name: str
    """The EventSource event the Sensor depends on."""
    retry: dict[str, Any]
    """Every Argo trigger's `retryStrategy`."""
    rate_limit: dict[str, Any] | None = None
    """Every Argo trigger's `rateLimit`, when limited."""

    @property
    def workflow_templates(self) -> list[str]:
        """The WorkflowTemplates the flow targets create Workflows from."""
        return [t.workflow_template for t in self.targets if t.workflow_template]

    @property
    def needs_workflow_rbac(self) -> bool:
        """Whether any Argo trigger creates Workflows (and so the Sensor needs RBAC for that)."""
        return any(t.kind == "flow" for t in self.targets)

    @property
    def workflow_verbs(self) -> list[str]:
        """What the Sensor may do with Workflows: create them, and get and patch them when a target names its runs after
        the event (Argo's `patch` operation gets the Workflow, then creates or merge-patches it)."""
        return ["create", "get", "patch"] if any(t.deduplicated for t in self.targets) else ["create"]

    @property
    def cloud_tags(self) -> dict[str, str]:
        """Tags (AWS) or labels (Google Cloud) on every cloud resource the blueprint creates."""
        return {"managed-by": MANAGED_BY, "metaflow-blueprints-instance": self.base}


def require(args: Mapping[str, Any], key: str, what: str) -> Any:
    """``args[key]``, or a clear error saying what to give."""
    value = args.get(key)
    if value is None:
        raise BlueprintInputError(key, "is required", f"give {what}")
    return value


def _is_settings(value: object) -> TypeGuard[KubernetesSettings]:
    """Whether ``value`` can be read as `KubernetesSettings`: a mapping (each field is checked as it is read)."""
    return isinstance(value, Mapping)


def plan_blueprint(
    blueprint: type,
    name: str,
    args: Mapping[str, Any],
    catalog: FieldCatalog,
    *,
    event_name: str,
    source_filters: Sequence[dict[str, Any]] = (),
) -> BlueprintPlan:
    """Check the four arguments every blueprint declares (`kubernetes`, `targets`, `filters`, `sensor`), decide the
    names of what ``blueprint`` will create, and render its Sensor spec, checked against the Argo Events controller's
    rules: all before anything is registered."""
    kubernetes: object = require(args, "kubernetes", "`{'namespace': ...}`")
    targets: Sequence[Target] = require(args, "targets", "at least one target")
    filters: Sequence[FieldFilter] | None = args.get("filters")
    options: SensorOptions = args.get("sensor") or SensorOptions()
    if not _is_settings(kubernetes):
        raise BlueprintInputError("kubernetes", "is required", "give `{'namespace': '<argo events namespace>'}`")
    namespace = validate_dns_label(kubernetes.get("namespace", ""), "kubernetes.namespace")
    workflow_namespace = validate_dns_label(
        kubernetes.get("workflow_namespace") or namespace, "kubernetes.workflow_namespace"
    )
    event_bus = validate_dns_subdomain(kubernetes.get("event_bus_name") or "default", "kubernetes.event_bus_name")
    extra_labels = check_labels(kubernetes.get("labels") or {}, "kubernetes.labels", reserved=STANDARD_LABEL_KEYS)
    base = to_dns_label(name, BASE_MAX)
    labels = standard_labels(blueprint.__name__, base, extra_labels)
    given_sa = kubernetes.get("sensor_service_account_name")
    if given_sa is not None:
        validate_dns_subdomain(given_sa, "kubernetes.sensor_service_account_name")
    identity = plan_identity(catalog, options.get("event_identity"), "sensor.event_identity")
    source = f"{catalog.source} (EventSource {base}, event {event_name})"
    tracing = RunTracing(
        scope=base,
        identity=identity,
        time=catalog.resolve(catalog.time, "sensor") if catalog.time else None,
        annotations={ANNOTATION_SOURCE: source},
    )
    planned = plan_targets(
        targets, catalog, namespace=namespace, workflow_namespace=workflow_namespace, labels=labels, tracing=tracing
    )
    sensor_name = child_name(base, "sensor")
    plan = BlueprintPlan(
        blueprint=blueprint.__name__,
        base=base,
        namespace=namespace,
        workflow_namespace=workflow_namespace,
        event_bus_name=event_bus,
        labels=labels,
        event_source_name=base,
        event_source_service_account=child_name(base, "eventsource"),
        sensor_name=sensor_name,
        sensor_service_account=given_sa or sensor_name,
        create_sensor_service_account=given_sa is None,
        targets=planned,
        filters=[*source_filters, *user_filters(filters, catalog, "filters")],
        event_name=event_name,
        retry=retry_strategy(options),
        rate_limit=rate_limit(options),
    )
    check_sensor(plan.sensor_name, sensor_spec(plan))
    return plan


def retry_strategy(options: SensorOptions) -> dict[str, Any]:
    """Every Argo trigger's `retryStrategy`: the user's steps, first delay and factor, checked, with defaults."""
    steps = options.get("retry_steps", DEFAULT_RETRY_STEPS)
    if not 0 <= steps <= MAX_RETRY_STEPS:
        fix = f"use a whole number 0..{MAX_RETRY_STEPS}"
        raise BlueprintInputError("sensor.retry_steps", f"{steps!r} is out of range", fix)
    delay = options.get("retry_initial_delay", DEFAULT_RETRY_DELAY)
    check_go_duration(delay, "sensor.retry_initial_delay")
    factor = options.get("retry_factor", DEFAULT_RETRY_FACTOR)
    if not 1 <= factor <= MAX_RETRY_FACTOR:
        problem = f"{factor!r} is out of range (below 1 each retry would wait less than the last)"
        raise BlueprintInputError("sensor.retry_factor", problem, f"use a number from 1 to {MAX_RETRY_FACTOR:g}")
    return {"steps": int(steps), "duration": delay, "factor": float(factor), "jitter": RETRY_JITTER}


def rate_limit(options: SensorOptions) -> dict[str, Any] | None:
    """Every Argo trigger's `rateLimit`, or None when unlimited."""
    unit = options.get("rate_limit_unit")
    rate = options.get("rate_limit")
    if rate is None:
        if unit is not None:
            raise BlueprintInputError("sensor.rate_limit_unit", "is set without `rate_limit`", "add `rate_limit`")
        return None
    if not 1 <= rate <= INT32_MAX:
        raise BlueprintInputError("sensor.rate_limit", f"{rate!r} is out of range", f"use 1..{INT32_MAX}")
    return {"unit": RateLimitUnit(unit or RateLimitUnit.SECOND).value, "requestsPerUnit": int(rate)}


def sensor_spec(plan: BlueprintPlan) -> dict[str, Any]:
    """The Sensor spec joining the plan's EventSource event to its targets; each trigger parks the events it
    fails on (its `dlqTrigger`, `core.dlq`), so the Sensor always runs as its service account."""
    dependency: dict[str, Any] = {
        "name": DEPENDENCY,
        "eventSourceName": plan.event_source_name,
        "eventName": plan.event_name,
    }
    if plan.filters:
        dependency["filters"] = {"data": plan.filters, "dataLogicalOperator": "and"}
    triggers: list[dict[str, Any]] = []
    for target in plan.targets:
        trigger: dict[str, Any] = {"template": target.template, "retryStrategy": dict(plan.retry), "atLeastOnce": True}
        if plan.rate_limit is not None:
            trigger["rateLimit"] = dict(plan.rate_limit)
        trigger["dlqTrigger"] = dlq_trigger(
            target.name, sensor_name=plan.sensor_name, namespace=plan.namespace, labels=plan.labels, retry=plan.retry
        )
        triggers.append(trigger)
    spec: dict[str, Any] = {
        "eventBusName": plan.event_bus_name,
        "dependencies": [dependency],
        "triggers": triggers,
    }
    spec["template"] = {"serviceAccountName": plan.sensor_service_account}  # every trigger may park (`core.dlq`)
    return spec


def sensor_annotations(plan: BlueprintPlan) -> dict[str, str]:
    """The Sensor's annotations: per Argo trigger, what each flow parameter or payload key is taken from (`simulate`
    reads it; see ``MAPPING_ANNOTATION``)."""
    mapping = {target.name: target.mapped for target in plan.targets}
    return {MAPPING_ANNOTATION: json.dumps(mapping, separators=(",", ":"))}
