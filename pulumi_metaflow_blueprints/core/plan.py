"""The plan of one blueprint instance: every name, target and filter, decided and checked before anything exists."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from pulumi_metaflow_blueprints.core.args import (
    FieldFilter,
    KubernetesSettings,
    RateLimitUnit,
    SensorOptions,
    Target,
)
from pulumi_metaflow_blueprints.core.fields import FieldCatalog
from pulumi_metaflow_blueprints.core.filters import user_filters
from pulumi_metaflow_blueprints.core.kube import standard_labels
from pulumi_metaflow_blueprints.core.target import DEPENDENCY, ResolvedTarget, resolve_targets
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.naming import (
    BASE_MAX,
    child_name,
    to_dns_label,
    validate_dns_label,
    validate_dns_subdomain,
)


@dataclass(frozen=True)
class TriggerPlan:
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
    targets: list[ResolvedTarget]
    filters: list[dict[str, Any]]
    options: SensorOptions = field(default_factory=lambda: SensorOptions())

    @property
    def workflow_templates(self) -> list[str]:
        """The WorkflowTemplates the flow targets create Workflows from."""
        return [t.workflow_template for t in self.targets if t.workflow_template]

    @property
    def needs_workflow_rbac(self) -> bool:
        """Whether any trigger creates Workflows (and so the Sensor needs RBAC for that)."""
        return any(t.kind == "flow" for t in self.targets)


def require(args: Mapping[str, Any], key: str, what: str) -> Any:
    """``args[key]``, or a clear error saying what to give."""
    value = args.get(key)
    if value is None:
        raise BlueprintInputError(key, "is required", f"give {what}")
    return value


def plan_trigger(
    blueprint: str,
    name: str,
    *,
    kubernetes: KubernetesSettings,
    targets: Sequence[Target],
    catalog: FieldCatalog,
    filters: Sequence[FieldFilter] | None = None,
    source_filters: Sequence[dict[str, Any]] = (),
    options: SensorOptions | None = None,
) -> TriggerPlan:
    """Check the arguments shared by every blueprint and decide the names of what it will create."""
    if not isinstance(kubernetes, Mapping):
        raise BlueprintInputError("kubernetes", "is required", "give `{'namespace': '<argo events namespace>'}`")
    namespace = validate_dns_label(kubernetes.get("namespace", ""), "kubernetes.namespace")
    workflow_namespace = validate_dns_label(
        kubernetes.get("workflow_namespace") or namespace, "kubernetes.workflow_namespace"
    )
    event_bus = validate_dns_subdomain(kubernetes.get("event_bus_name") or "default", "kubernetes.event_bus_name")
    extra_labels = dict(kubernetes.get("labels") or {})
    for key, value in extra_labels.items():
        if not isinstance(value, str) or len(value) > 63:
            raise BlueprintInputError(
                f"kubernetes.labels.{key}", "must be a string of at most 63 characters", "shorten it"
            )
    base = to_dns_label(name, BASE_MAX)
    labels = standard_labels(blueprint, base, extra_labels)
    given_sa = kubernetes.get("sensor_service_account_name")
    if given_sa is not None:
        validate_dns_subdomain(given_sa, "kubernetes.sensor_service_account_name")
    resolved = resolve_targets(
        targets, catalog, namespace=namespace, workflow_namespace=workflow_namespace, labels=extra_labels
    )
    _check_options(options or SensorOptions())
    return TriggerPlan(
        blueprint=blueprint,
        base=base,
        namespace=namespace,
        workflow_namespace=workflow_namespace,
        event_bus_name=event_bus,
        labels=labels,
        event_source_name=base,
        event_source_service_account=child_name(base, "eventsource"),
        sensor_name=child_name(base, "sensor"),
        sensor_service_account=given_sa or child_name(base, "sensor"),
        create_sensor_service_account=given_sa is None,
        targets=resolved,
        filters=[*source_filters, *user_filters(filters, catalog, "filters")],
        options=options or SensorOptions(),
    )


def plan_from_args(
    blueprint: str,
    name: str,
    args: Mapping[str, Any],
    catalog: FieldCatalog,
    source_filters: Sequence[dict[str, Any]] = (),
) -> TriggerPlan:
    """`plan_trigger` over the four arguments every blueprint declares: `kubernetes`, `targets`, `filters`, `sensor`."""
    return plan_trigger(
        blueprint,
        name,
        kubernetes=require(args, "kubernetes", "`{'namespace': ...}`"),
        targets=require(args, "targets", "at least one target"),
        catalog=catalog,
        filters=args.get("filters"),
        source_filters=source_filters,
        options=args.get("sensor"),
    )


def _check_options(options: SensorOptions) -> None:
    steps = options.get("retry_steps")
    if steps is not None and (int(steps) != steps or steps < 0):
        raise BlueprintInputError("sensor.retry_steps", f"{steps!r} is not a whole number >= 0", "use 0 or more")
    rate = options.get("rate_limit")
    if rate is not None and (int(rate) != rate or rate < 1):
        raise BlueprintInputError("sensor.rate_limit", f"{rate!r} is not a whole number >= 1", "use 1 or more")
    unit = options.get("rate_limit_unit")
    if unit is not None and unit not in {u.value for u in RateLimitUnit}:
        raise BlueprintInputError("sensor.rate_limit_unit", f"{unit!r} is not a unit", "use Second, Minute or Hour")


def sensor_spec(plan: TriggerPlan, event_name: str) -> dict[str, Any]:
    """The Sensor spec joining the plan's EventSource event to its targets."""
    options = plan.options
    dependency: dict[str, Any] = {
        "name": DEPENDENCY,
        "eventSourceName": plan.event_source_name,
        "eventName": event_name,
    }
    if plan.filters:
        dependency["filters"] = {"data": plan.filters, "dataLogicalOperator": "and"}
    retry = {
        "steps": int(options.get("retry_steps", 3)),
        "duration": options.get("retry_initial_delay", "10s"),
        "factor": float(options.get("retry_factor", 2.0)),
        "jitter": 0.2,
    }
    triggers: list[dict[str, Any]] = []
    for target in plan.targets:
        trigger: dict[str, Any] = {"template": target.template, "retryStrategy": dict(retry), "atLeastOnce": True}
        rate = options.get("rate_limit")
        if rate is not None:
            unit = options.get("rate_limit_unit") or RateLimitUnit.SECOND
            trigger["rateLimit"] = {"unit": RateLimitUnit(unit).value, "requestsPerUnit": int(rate)}
        triggers.append(trigger)
    spec: dict[str, Any] = {
        "eventBusName": plan.event_bus_name,
        "dependencies": [dependency],
        "triggers": triggers,
    }
    if plan.needs_workflow_rbac or not plan.create_sensor_service_account:
        spec["template"] = {"serviceAccountName": plan.sensor_service_account}
    return spec
