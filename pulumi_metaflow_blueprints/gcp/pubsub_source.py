"""The Pub/Sub leg every GCP blueprint shares: the subscription with retry and dead-lettering, the reader identity,
the EventSource's service account and the `pubSub` EventSource."""

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s

from pulumi_metaflow_blueprints.argo.validation import check_event_source
from pulumi_metaflow_blueprints.core.arguments import checked_when_known
from pulumi_metaflow_blueprints.core.plan import TriggerPlan
from pulumi_metaflow_blueprints.core.source import create_event_source
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.gcp.args import PubSubSubscription, PubSubTopic
from pulumi_metaflow_blueprints.gcp.identity import (
    SUBSCRIBER,
    ProjectNumbers,
    ResolvedGcpIdentity,
    SubscriptionReader,
    create_subscription_reader,
)
from pulumi_metaflow_blueprints.gcp.names import check_kms_key, check_pubsub_name, dead_letter_name, stack_stem

PUBLISHER = "roles/pubsub.publisher"
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
class SubscriptionSettings:
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
class TopicSettings:
    """The checked options of a topic the blueprint creates."""

    name: str
    kms_key_name: pulumi.Input[str] | None = None


def check_subscription_options(options: PubSubSubscription | None, base: str) -> SubscriptionSettings:
    """Validate subscription options; fill in defaults."""
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
    expression = options.get("filter")
    if expression is not None and (
        not isinstance(expression, str) or not expression.strip() or len(expression.encode()) > FILTER_MAX_BYTES
    ):
        raise BlueprintInputError(
            "subscription.filter",
            f"{expression!r} is not a Pub/Sub filter",
            f'give 1-{FILTER_MAX_BYTES} bytes such as `attributes.kind = "orders"`, or leave it unset',
        )
    return SubscriptionSettings(name=name, filter=expression, **values)


def check_topic_options(options: PubSubTopic | None, base: str, argument: str) -> TopicSettings:
    """Validate the options of a topic the blueprint creates."""
    options = options or PubSubTopic()
    name = check_pubsub_name(options.get("name") or stack_stem(base), f"{argument}.name", 255)
    kms = options.get("kms_key_name")
    if kms is None:
        return TopicSettings(name)
    return TopicSettings(name, checked_when_known(kms, lambda key: check_kms_key(key, f"{argument}.kms_key_name")))


def gcp_labels(plan: TriggerPlan) -> dict[str, str]:
    """Labels on every Google Cloud resource a blueprint creates."""
    return {"managed-by": "metaflow-blueprints", "metaflow-blueprints-instance": plan.base}


def pubsub_service_agent(project_number: pulumi.Input[str]) -> pulumi.Output[str]:
    """The IAM member of a project's Pub/Sub service agent (it forwards messages to dead-letter topics)."""
    return pulumi.Output.concat("serviceAccount:service-", project_number, "@gcp-sa-pubsub.iam.gserviceaccount.com")


def create_topic(
    parent: pulumi.Resource, resource_name: str, settings: TopicSettings, project: str, plan: TriggerPlan
) -> gcp.pubsub.Topic:
    """A topic the blueprint owns."""
    return gcp.pubsub.Topic(
        resource_name,
        project=project,
        name=settings.name,
        kms_key_name=settings.kms_key_name,
        labels=gcp_labels(plan),
        opts=pulumi.ResourceOptions(parent=parent),
    )


def pubsub_event_source_spec(
    plan: TriggerPlan, *, project: str, settings: SubscriptionSettings, json_body: bool
) -> dict[str, Any]:
    """A `pubSub` EventSource reading the blueprint's subscription (so it needs only
    `pubsub.subscriptions.consume`), checked against the Argo Events controller's rules."""
    reading = {"projectID": project, "subscriptionID": settings.name, "jsonBody": json_body}
    spec = {
        "eventBusName": plan.event_bus_name,
        "template": {"serviceAccountName": plan.event_source_service_account},
        "pubSub": {plan.event_name: reading},
    }
    check_event_source(plan.event_source_name, spec)
    return spec


@dataclass(frozen=True)
class PubSubSource:
    """The resources of the Pub/Sub leg."""

    subscription: gcp.pubsub.Subscription
    dead_letter_topic: gcp.pubsub.Topic
    dead_letter_subscription: gcp.pubsub.Subscription
    reader: SubscriptionReader
    service_account: k8s.core.v1.ServiceAccount
    event_source: k8s.apiextensions.CustomResource


def _seconds(value: int) -> str:
    return f"{value}s"


def create_pubsub_source(
    parent: pulumi.Resource,
    name: str,
    plan: TriggerPlan,
    *,
    event_source_spec: dict[str, Any],
    project: str,
    topic: pulumi.Input[str],
    settings: SubscriptionSettings,
    identity: ResolvedGcpIdentity,
    numbers: ProjectNumbers,
) -> PubSubSource:
    """Create the subscription (and its dead-letter topic), the reader identity and the EventSource
    (``event_source_spec``, from `pubsub_event_source_spec`)."""
    opts = pulumi.ResourceOptions(parent=parent)
    labels = gcp_labels(plan)
    never_expires = gcp.pubsub.SubscriptionExpirationPolicyArgs(ttl="")
    dead_letter_topic = gcp.pubsub.Topic(
        f"{name}-dead-letter", project=project, name=dead_letter_name(settings.name), labels=labels, opts=opts
    )
    dead_letter_subscription = gcp.pubsub.Subscription(
        f"{name}-dead-letter-subscription",
        project=project,
        name=dead_letter_name(settings.name),
        topic=dead_letter_topic.id,
        message_retention_duration=_seconds(settings.dead_letter_retention_seconds),
        expiration_policy=never_expires,
        labels=labels,
        opts=opts,
    )
    subscription = gcp.pubsub.Subscription(
        f"{name}-subscription",
        project=project,
        name=settings.name,
        topic=topic,
        ack_deadline_seconds=settings.ack_deadline_seconds,
        message_retention_duration=_seconds(settings.message_retention_seconds),
        retain_acked_messages=False,
        expiration_policy=never_expires,
        retry_policy=gcp.pubsub.SubscriptionRetryPolicyArgs(
            minimum_backoff=_seconds(settings.minimum_backoff_seconds),
            maximum_backoff=_seconds(settings.maximum_backoff_seconds),
        ),
        dead_letter_policy=gcp.pubsub.SubscriptionDeadLetterPolicyArgs(
            dead_letter_topic=dead_letter_topic.id, max_delivery_attempts=settings.max_delivery_attempts
        ),
        filter=settings.filter,
        labels=labels,
        opts=opts,
    )
    agent = pubsub_service_agent(numbers.of(project))
    forwarding = [
        gcp.pubsub.TopicIAMMember(
            f"{name}-dead-letter-publisher",
            project=project,
            topic=dead_letter_topic.name,
            role=PUBLISHER,
            member=agent,
            opts=opts,
        ),
        gcp.pubsub.SubscriptionIAMMember(
            f"{name}-dead-letter-forwarder",
            project=project,
            subscription=subscription.name,
            role=SUBSCRIBER,
            member=agent,
            opts=opts,
        ),
    ]
    reader = create_subscription_reader(
        parent,
        name,
        identity,
        project=project,
        subscription=subscription.name,
        namespace=plan.namespace,
        service_account=plan.event_source_service_account,
        numbers=numbers,
    )
    account, source = create_event_source(
        parent,
        name,
        plan,
        event_source_spec,
        annotations=reader.annotations,
        depends_on=[subscription, *reader.grants, *forwarding],
    )
    return PubSubSource(subscription, dead_letter_topic, dead_letter_subscription, reader, account, source)
