"""The Pub/Sub leg every GCP blueprint shares: the subscription with retry and dead-lettering, the reader identity,
the EventSource's service account and the `pubSub` EventSource."""

from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp
import pulumi_kubernetes as k8s

from pulumi_metaflow_blueprints.core.source import create_event_source
from pulumi_metaflow_blueprints.gcp.alarms import create_dead_letter_alert
from pulumi_metaflow_blueprints.gcp.identity import (
    SUBSCRIBER,
    ProjectNumbers,
    SubscriptionReader,
    create_subscription_reader,
)
from pulumi_metaflow_blueprints.gcp.names import dead_letter_name
from pulumi_metaflow_blueprints.gcp.plan import GcpSourcePlan

__all__ = ["PUBLISHER", "PubSubSource", "create_pubsub_source", "create_topic", "pubsub_service_agent"]

PUBLISHER = "roles/pubsub.publisher"


def pubsub_service_agent(project_number: pulumi.Input[str]) -> pulumi.Output[str]:
    """The IAM member of a project's Pub/Sub service agent (it forwards messages to dead-letter topics)."""
    return pulumi.Output.concat("serviceAccount:service-", project_number, "@gcp-sa-pubsub.iam.gserviceaccount.com")


def create_topic(parent: pulumi.Resource, name: str, source: GcpSourcePlan) -> gcp.pubsub.Topic:
    """The topic the blueprint creates (``source.topic``), `<name>-topic`."""
    assert source.topic is not None
    return gcp.pubsub.Topic(
        f"{name}-topic",
        project=source.project,
        name=source.topic.name,
        kms_key_name=source.topic.kms_key_name,
        labels=source.plan.cloud_tags,
        opts=pulumi.ResourceOptions(parent=parent),
    )


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
    parent: pulumi.Resource, name: str, source: GcpSourcePlan, *, topic: pulumi.Input[str], numbers: ProjectNumbers
) -> PubSubSource:
    """Create the planned subscription to ``topic`` (and its dead-letter topic, with the alert policy on it when
    planned), the reader identity and the EventSource (its spec rendered and checked with the plan)."""
    plan, project, planned = source.plan, source.project, source.subscription
    opts = pulumi.ResourceOptions(parent=parent)
    labels = plan.cloud_tags
    never_expires = gcp.pubsub.SubscriptionExpirationPolicyArgs(ttl="")
    dead_letter_topic = gcp.pubsub.Topic(
        f"{name}-dead-letter", project=project, name=dead_letter_name(planned.name), labels=labels, opts=opts
    )
    dead_letter_subscription = gcp.pubsub.Subscription(
        f"{name}-dead-letter-subscription",
        project=project,
        name=dead_letter_name(planned.name),
        topic=dead_letter_topic.id,
        message_retention_duration=_seconds(planned.dead_letter_retention_seconds),
        expiration_policy=never_expires,
        labels=labels,
        opts=opts,
    )
    if source.alarms is not None:
        create_dead_letter_alert(
            parent,
            name,
            source.alarms,
            project=project,
            subscription=planned.name,
            dead_letter_subscription=dead_letter_name(planned.name),
            labels=labels,
        )
    subscription = gcp.pubsub.Subscription(
        f"{name}-subscription",
        project=project,
        name=planned.name,
        topic=topic,
        ack_deadline_seconds=planned.ack_deadline_seconds,
        message_retention_duration=_seconds(planned.message_retention_seconds),
        retain_acked_messages=False,
        expiration_policy=never_expires,
        retry_policy=gcp.pubsub.SubscriptionRetryPolicyArgs(
            minimum_backoff=_seconds(planned.minimum_backoff_seconds),
            maximum_backoff=_seconds(planned.maximum_backoff_seconds),
        ),
        dead_letter_policy=gcp.pubsub.SubscriptionDeadLetterPolicyArgs(
            dead_letter_topic=dead_letter_topic.id, max_delivery_attempts=planned.max_delivery_attempts
        ),
        filter=planned.filter,
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
        source.identity,
        project=project,
        subscription=subscription.name,
        namespace=plan.namespace,
        service_account=plan.event_source_service_account,
        numbers=numbers,
    )
    account, event_source = create_event_source(
        parent,
        name,
        plan,
        source.event_source_spec,
        annotations=reader.annotations,
        depends_on=[subscription, *reader.grants, *forwarding],
    )
    return PubSubSource(subscription, dead_letter_topic, dead_letter_subscription, reader, account, event_source)
