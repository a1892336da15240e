"""GCP blueprints (extra `[gcp]`): Pub/Sub messages and new Cloud Storage objects start Metaflow flows.

Exports are imported on first use (`registry.lazy_exports`): the package's declaration (`package.py`) is read
without importing pulumi-gcp.
"""

from typing import TYPE_CHECKING

from pulumi_metaflow_blueprints.registry import lazy_exports

if TYPE_CHECKING:
    from pulumi_metaflow_blueprints.gcp.args import (
        GcpAlarms,
        GcpIdentity,
        GcpIdentityMode,
        PubSubSubscription,
        PubSubTopic,
    )
    from pulumi_metaflow_blueprints.gcp.pubsub import PubSubTrigger, PubSubTriggerArgs
    from pulumi_metaflow_blueprints.gcp.storage import StorageEventType, StorageObjectTrigger, StorageObjectTriggerArgs

__all__ = [
    "GcpAlarms",
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

__getattr__ = lazy_exports(
    __name__,
    {
        "args": ("GcpAlarms", "GcpIdentity", "GcpIdentityMode", "PubSubSubscription", "PubSubTopic"),
        "pubsub": ("PubSubTrigger", "PubSubTriggerArgs"),
        "storage": ("StorageEventType", "StorageObjectTrigger", "StorageObjectTriggerArgs"),
    },
)
