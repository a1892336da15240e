"""GCP blueprints (extra `[gcp]`): Pub/Sub messages and new Cloud Storage objects start Metaflow flows."""

from pulumi_metaflow_blueprints.gcp.args import (
    GcpIdentityArgs,
    GcpIdentityMode,
    PubSubSubscriptionArgs,
    PubSubTopicArgs,
)
from pulumi_metaflow_blueprints.gcp.pubsub import PubSubTrigger, PubSubTriggerArgs
from pulumi_metaflow_blueprints.gcp.storage import StorageEventType, StorageObjectTrigger, StorageObjectTriggerArgs

__all__ = [
    "GcpIdentityArgs",
    "GcpIdentityMode",
    "PubSubSubscriptionArgs",
    "PubSubTopicArgs",
    "PubSubTrigger",
    "PubSubTriggerArgs",
    "StorageEventType",
    "StorageObjectTrigger",
    "StorageObjectTriggerArgs",
]
