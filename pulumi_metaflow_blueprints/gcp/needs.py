"""The fewest resources a careful engineer would write by hand for each GCP blueprint, and why (`benchmarks/`)."""

from pulumi_metaflow_blueprints.core.needs import EVENT_SOURCE, SENSOR_NEEDS, SERVICE_ACCOUNT
from pulumi_metaflow_blueprints.registry import ResourceNeed

__all__ = ["MINIMUM"]

TOPIC = "^gcp:pubsub/topic:Topic$"
SUBSCRIPTION = "^gcp:pubsub/subscription:Subscription$"

PUBSUB_LEG = (
    ResourceNeed("Pub/Sub topic", TOPIC, "where messages are published", optional="a new topic"),
    ResourceNeed(
        "subscription", SUBSCRIPTION, "the EventSource reads a subscription the stack owns (no create rights)"
    ),
    ResourceNeed("dead-letter topic", TOPIC, "takes messages that keep failing"),
    ResourceNeed(
        "dead-letter subscription",
        SUBSCRIPTION,
        "Pub/Sub drops messages published to a topic without subscriptions; this keeps dead letters",
    ),
    ResourceNeed(
        "dead-letter alert policy",
        "^gcp:monitoring/alertPolicy:AlertPolicy$",
        "tells someone when messages land in the dead-letter subscription",
        optional="alarms",
    ),
    ResourceNeed(
        "Pub/Sub agent publish grant",
        "^gcp:pubsub/topicIAMMember:",
        "dead-lettering needs the Pub/Sub service agent to publish to the dead-letter topic",
    ),
    ResourceNeed(
        "Pub/Sub agent subscribe grant",
        "^gcp:pubsub/subscriptionIAMMember:",
        "... and to acknowledge on the source subscription",
    ),
    ResourceNeed(
        "subscriber grant",
        "^gcp:pubsub/subscriptionIAMMember:",
        "roles/pubsub.subscriber on this subscription only, for the EventSource's identity",
    ),
    ResourceNeed(
        "Google service account",
        "^gcp:serviceaccount/account:Account$",
        "the EventSource's Google identity",
        optional="a Google service account instead of direct Workload Identity",
    ),
    ResourceNeed(
        "Workload Identity binding",
        "^gcp:serviceaccount/iAMMember:IAMMember$",
        "lets the Kubernetes service account act as the Google one",
        optional="a Google service account instead of direct Workload Identity",
    ),
    ResourceNeed("EventSource service account", SERVICE_ACCOUNT, "the Kubernetes identity Workload Identity maps"),
    ResourceNeed("EventSource (pubSub)", EVENT_SOURCE, "pulls the subscription"),
)

MINIMUM: dict[str, tuple[ResourceNeed, ...]] = {
    "PubSubTrigger": (*PUBSUB_LEG, *SENSOR_NEEDS),
    "StorageObjectTrigger": (
        ResourceNeed("topic for the bucket", TOPIC, "Cloud Storage notifications publish to a topic"),
        ResourceNeed(
            "Cloud Storage agent publish grant",
            "^gcp:pubsub/topicIAMMember:",
            "the bucket's service agent must publish to that topic",
        ),
        ResourceNeed(
            "Cloud Storage notification", "^gcp:storage/notification:Notification$", "object-finalize -> topic"
        ),
        *[need for need in PUBSUB_LEG if need.role != "Pub/Sub topic"],
        *SENSOR_NEEDS,
    ),
}
