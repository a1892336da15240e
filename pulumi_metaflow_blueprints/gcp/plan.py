"""The plan every GCP blueprint shares, made before anything is registered: the blueprint's plan, the subscription
the `pubSub` EventSource reads (and a topic the blueprint creates), the reader's identity and the checked spec."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from pulumi_metaflow_blueprints.argo.spec import mapping
from pulumi_metaflow_blueprints.argo.validation import check_event_source
from pulumi_metaflow_blueprints.core.arguments import checked_when_known
from pulumi_metaflow_blueprints.core.fields import FieldCatalog
from pulumi_metaflow_blueprints.core.plan import BlueprintPlan, plan_blueprint
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.gcp.alarms import GcpAlarmPlan, plan_alarms
from pulumi_metaflow_blueprints.gcp.args import PubSubSubscription, PubSubTopic
from pulumi_metaflow_blueprints.gcp.identity import GcpIdentityPlan, plan_gcp_identity
from pulumi_metaflow_blueprints.gcp.names import check_kms_key, check_pubsub_name, stack_stem

__all__ = [
    "BOUNDS",
    "FILTER_MAX_BYTES",
    "GcpSourcePlan",
    "SubscriptionPlan",
    "TopicPlan",
    "plan_gcp_source",
    "plan_subscription",
    "plan_topic",
    "pubsub_event_source_spec",
]

FILTER_MAX_BYTES = 256
BOUNDS: dict[str, tuple[int, int, int]] = {
    "ack_deadline_seconds": (10, 600, 60),
    "message_retention_seconds": (600, 604800, 604800),
    "minimum_backoff_seconds": (0, 600, 10),
    "maximum_backoff_seconds": (0, 600, 600),
    "max_delivery_attempts": (5, 100, 5),
    "dead_letter_retention_seconds": (600, 604800, 604800),
}
"""Option -> (lowest, highest, default)."""


@dataclass(frozen=True)
class SubscriptionPlan:
    """The checked subscription options, defaults filled in."""

    name: str
    ack_deadline_seconds: int
    message_retention_seconds: int
    minimum_backoff_seconds: int
    maximum_backoff_seconds: int
    max_delivery_attempts: int
    dead_letter_retention_seconds: int
    filter: str | None = None


@dataclass(frozen=True)
class TopicPlan:
    """The checked options of a topic the blueprint creates."""

    name: str
    kms_key_name: pulumi.Input[str] | None = None


def plan_subscription(options: PubSubSubscription | None, base: str) -> SubscriptionPlan:
    """Check the subscription options and fill in defaults."""
    options = options or PubSubSubscription()
    name = check_pubsub_name(options.get("name") or stack_stem(base), "subscription.name")
    values: dict[str, int] = {}
    for key, (low, high, default) in BOUNDS.items():
        value = options.get(key)
        value = default if value is None else value
        if isinstance(value, bool) or not isinstance(value, int | float) or int(value) != value:
            raise BlueprintInputError(f"subscription.{key}", f"{value!r} is not a whole number", f"use {low}..{high}")
        if not low <= int(value) <= high:
            raise BlueprintInputError(f"subscription.{key}", f"{value!r} is out of range", f"use {low}..{high}")
        values[key] = int(value)
    if values["minimum_backoff_seconds"] > values["maximum_backoff_seconds"]:
        raise BlueprintInputError(
            "subscription.minimum_backoff_seconds",
            "is above maximum_backoff_seconds",
            "make the minimum backoff at most the maximum",
        )
    expression = mapping(options).get("filter")
    if expression is not None and (
        not isinstance(expression, str) or not expression.strip() or len(expression.encode()) > FILTER_MAX_BYTES
    ):
        raise BlueprintInputError(
            "subscription.filter",
            f"{expression!r} is not a Pub/Sub filter",
            f'give 1-{FILTER_MAX_BYTES} bytes such as `attributes.kind = "orders"`, or leave it unset',
        )
    return SubscriptionPlan(name=name, filter=expression, **values)


def plan_topic(options: PubSubTopic | None, base: str, argument: str) -> TopicPlan:
    """Check the options of a topic the blueprint creates."""
    options = options or PubSubTopic()
    name = check_pubsub_name(options.get("name") or stack_stem(base), f"{argument}.name", 255)
    kms = options.get("kms_key_name")
    if kms is None:
        return TopicPlan(name)
    return TopicPlan(name, checked_when_known(kms, lambda key: check_kms_key(key, f"{argument}.kms_key_name")))


@dataclass(frozen=True)
class GcpSourcePlan:
    """The checked inputs every GCP blueprint shares."""

    plan: BlueprintPlan
    project: str
    """Project of the subscription (and of a topic the blueprint creates)."""
    subscription: SubscriptionPlan
    topic: TopicPlan | None
    """The topic the blueprint creates, if it creates one."""
    identity: GcpIdentityPlan
    event_source_spec: dict[str, Any]
    """The `pubSub` EventSource's spec, checked against the Argo Events controller's rules."""
    alarms: GcpAlarmPlan | None = None
    """The alert policy on the dead-letter subscription (`alarms`), if asked for."""


def plan_gcp_source(
    blueprint: type,
    name: str,
    args: Mapping[str, Any],
    catalog: FieldCatalog,
    *,
    project: str,
    event_name: str,
    json_body: bool = True,
    source_filters: Sequence[dict[str, Any]] = (),
    new_topic: str | None = None,
) -> GcpSourcePlan:
    """Check Kubernetes, targets, filters, Sensor, subscription, topic, identity and alarms, and render both Argo specs;
    raise before any resource. ``new_topic`` names the argument holding the options of a topic the blueprint
    creates (None: it reads an existing topic)."""
    plan = plan_blueprint(blueprint, name, args, catalog, event_name=event_name, source_filters=source_filters)
    subscription = plan_subscription(args.get("subscription"), plan.base)
    topic = plan_topic(args.get(new_topic), plan.base, new_topic) if new_topic is not None else None
    identity = plan_gcp_identity(args.get("identity"), project, plan.base)
    alarms = plan_alarms(args.get("alarms"))
    spec = pubsub_event_source_spec(plan, project=project, subscription=subscription, json_body=json_body)
    return GcpSourcePlan(plan, project, subscription, topic, identity, spec, alarms)


def pubsub_event_source_spec(
    plan: BlueprintPlan, *, project: str, subscription: SubscriptionPlan, json_body: bool
) -> dict[str, Any]:
    """A `pubSub` EventSource reading the blueprint's subscription (so it needs only
    `pubsub.subscriptions.consume`), checked against the Argo Events controller's rules."""
    reading = {"projectID": project, "subscriptionID": subscription.name, "jsonBody": json_body}
    spec = {
        "eventBusName": plan.event_bus_name,
        "template": {"serviceAccountName": plan.event_source_service_account},
        "pubSub": {plan.event_name: reading},
    }
    check_event_source(plan.event_source_name, spec)
    return spec
