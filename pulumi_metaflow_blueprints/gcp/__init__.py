"""GCP blueprints (extra `[gcp]`): Pub/Sub messages and new Cloud Storage objects start Metaflow flows."""

from pulumi_metaflow_blueprints.gcp.args import (
    GcpIdentity,
    GcpIdentityMode,
    PubSubSubscription,
    PubSubTopic,
)
from pulumi_metaflow_blueprints.gcp.pubsub import PubSubTrigger, PubSubTriggerArgs
from pulumi_metaflow_blueprints.gcp.storage import StorageEventType, StorageObjectTrigger, StorageObjectTriggerArgs

__all__ = [
    "GcpIdentity",
    "GcpIdentityMode",
    "PubSubSubscription",
    "PubSubTopic",
    "PubSubTrigger",
    "PubSubTriggerArgs",
    "StorageEventType",
    "StorageObjectTrigger",
    "StorageObjectTriggerArgs",
]
