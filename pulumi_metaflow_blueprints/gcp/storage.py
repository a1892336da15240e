"""`StorageObjectTrigger`: new objects in a Cloud Storage bucket start a Metaflow flow
(bucket notification -> topic -> subscription -> Argo)."""

import re
from enum import Enum
from typing import TypedDict

import pulumi
import pulumi_gcp as gcp
from typing_extensions import NotRequired

from pulumi_metaflow_blueprints.core.args import FieldFilter, KubernetesSettings, SensorOptions, Target
from pulumi_metaflow_blueprints.core.arguments import blueprint_inputs, checked_when_known
from pulumi_metaflow_blueprints.core.blueprint import publish_outputs, type_token
from pulumi_metaflow_blueprints.core.fields import EventPath, FieldCatalog, SourceField
from pulumi_metaflow_blueprints.core.filters import anchored, string_filter
from pulumi_metaflow_blueprints.core.plan import require
from pulumi_metaflow_blueprints.core.sensor import create_sensor
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.gcp.args import GcpAlarms, GcpIdentity, PubSubSubscription, PubSubTopic
from pulumi_metaflow_blueprints.gcp.identity import ProjectNumbers
from pulumi_metaflow_blueprints.gcp.names import check_bucket_name, check_project_id, resolve_project
from pulumi_metaflow_blueprints.gcp.plan import plan_gcp_source
from pulumi_metaflow_blueprints.gcp.pubsub_source import PUBLISHER, create_pubsub_source, create_topic

__all__ = [
    "EVENT_NAME",
    "OBJECT_NAME_MAX",
    "PAYLOAD_FORMAT",
    "STORAGE_OBJECT_FIELDS",
    "StorageEventType",
    "StorageObjectTrigger",
    "StorageObjectTriggerArgs",
    "check_event_types",
    "check_name_filter",
]

EVENT_NAME = "object"
PAYLOAD_FORMAT = "JSON_API_V1"
OBJECT_NAME_MAX = 1024


class StorageEventType(str, Enum):
    """Cloud Storage object events a notification can send."""

    OBJECT_FINALIZE = "OBJECT_FINALIZE"
    """An object was created (or overwritten): the upload finished."""
    OBJECT_METADATA_UPDATE = "OBJECT_METADATA_UPDATE"
    """An object's metadata changed."""
    OBJECT_DELETE = "OBJECT_DELETE"
    """An object was deleted (or overwritten)."""
    OBJECT_ARCHIVE = "OBJECT_ARCHIVE"
    """A live version of an object became noncurrent (versioned buckets)."""


_ATTRIBUTES = EventPath(("attributes",))
_OBJECT = EventPath(("body",))
STORAGE_OBJECT_FIELDS = FieldCatalog.of(
    "Cloud Storage object",
    [
        SourceField("bucket", _ATTRIBUTES.child("bucketId"), "Bucket name.", "acme-landing"),
        SourceField("key", _ATTRIBUTES.child("objectId"), "Object name (not URL-encoded).", "exports/users.csv"),
        SourceField("size", _OBJECT.child("size"), "Object size in bytes, as a decimal string.", "52341"),
        SourceField("etag", _OBJECT.child("etag"), "Object ETag (opaque; not an MD5).", "CKih16GjycICEAE="),
        SourceField("md5_hash", _OBJECT.child("md5Hash"), "Base64 MD5 of the data.", "1B2M2Y8AsgTpgAmY7PhCfg=="),
        SourceField(
            "generation", _ATTRIBUTES.child("objectGeneration"), "Object generation (version).", "1763626530123456"
        ),
        SourceField("version_id", _ATTRIBUTES.child("objectGeneration"), "Same as `generation`, named as on S3."),
        SourceField("content_type", _OBJECT.child("contentType"), "Content type of the object.", "text/csv"),
        SourceField("event_type", _ATTRIBUTES.child("eventType"), "The notification event.", "OBJECT_FINALIZE"),
        SourceField(
            "event_time", _ATTRIBUTES.child("eventTime"), "When the event happened (RFC 3339).", "2026-11-20T08:15:30Z"
        ),
        SourceField("message_id", EventPath(("id",)), "Pub/Sub message id.", "10487693251911234"),
        SourceField(
            "object", _OBJECT, "The object resource (JSON API); `object.metadata.<key>` reaches custom metadata.",
            json_object=True,
        ),
        SourceField(
            "attributes", _ATTRIBUTES, "The notification's attributes; `attributes.<name>` reaches one.",
            json_object=True,
        ),
    ],
).identified_by("bucket", "key", "generation", time="event_time")  # fmt: skip


class StorageObjectTriggerArgs(TypedDict):
    """Arguments of `StorageObjectTrigger`."""

    bucket: pulumi.Input[str]
    """Name of an existing bucket (may be another resource's output; checked when known). A notification
    configuration is added (a bucket keeps up to 100)."""
    bucket_project: NotRequired[str]
    """Project that owns the bucket (its Cloud Storage service agent publishes). Defaults to `project`."""
    prefix: NotRequired[str]
    """Only objects whose name starts with this, e.g. `landing/` (filtered by Cloud Storage)."""
    suffix: NotRequired[str]
    """Only objects whose name ends with this, e.g. `.parquet` (filtered by the Sensor: Cloud Storage cannot)."""
    event_types: NotRequired[list[StorageEventType]]
    """Object events to send. Defaults to `["OBJECT_FINALIZE"]` (new objects)."""
    project: NotRequired[str]
    """Project of the topic and the subscription. Defaults to the stack's `gcp:project`."""
    topic: NotRequired[PubSubTopic]
    """Options of the topic this blueprint creates for the bucket's notifications."""
    subscription: NotRequired[PubSubSubscription]
    """Options of the subscription the EventSource reads."""
    alarms: NotRequired[GcpAlarms]
    """A Cloud Monitoring alert policy notifying channels when messages reach the dead-letter subscription.
    Unset: no alert policy."""
    identity: GcpIdentity
    """How the EventSource pod gets Google credentials to pull the subscription."""
    kubernetes: KubernetesSettings
    """Namespaces, EventBus and labels of the Argo Events objects."""
    targets: list[Target]
    """What to start for each new object: flows and/or Metaflow events."""
    filters: NotRequired[list[FieldFilter]]
    """Further Sensor filters on the object's fields (anchored)."""
    sensor: NotRequired[SensorOptions]
    """Retry and rate limit of the Sensor's triggers."""


def check_event_types(events: list[StorageEventType] | None, argument: str = "event_types") -> list[str]:
    """Cloud Storage notification event types."""
    allowed = [e.value for e in StorageEventType]
    chosen = list(events) if events is not None else [StorageEventType.OBJECT_FINALIZE]
    if not chosen or isinstance(events, str):
        raise BlueprintInputError(argument, "must list at least one event type", f"use some of {', '.join(allowed)}")
    values: list[str] = []
    for event in list[object](chosen):
        value = event.value if isinstance(event, StorageEventType) else event
        if not isinstance(value, str) or value not in allowed:
            raise BlueprintInputError(argument, f"{event!r} is not an event type", f"use some of {', '.join(allowed)}")
        if value not in values:
            values.append(value)
    return values


def check_name_filter(value: object, argument: str) -> str | None:
    """An object name prefix or suffix: 1-1024 characters, matched literally."""
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value.encode()) > OBJECT_NAME_MAX:
        raise BlueprintInputError(
            argument, f"{value!r} is not an object name {argument}", "give 1-1024 bytes, or leave it unset"
        )
    return value


class StorageObjectTrigger(pulumi.ComponentResource):
    """New objects in a Cloud Storage bucket start a Metaflow flow or publish a Metaflow event.

    Creates a topic the bucket's Cloud Storage service agent may publish to, the bucket notification (JSON API
    payloads), and the same Pub/Sub leg as `PubSubTrigger`: subscription with retry and dead-letter topic, the
    EventSource's identity, the `pubSub` EventSource and the Sensor.
    """

    topic_id: pulumi.Output[str]
    """Id of the topic the bucket notifies."""
    notification_id: pulumi.Output[str]
    """Id of the bucket's notification configuration."""
    subscription_id: pulumi.Output[str]
    """Id of the subscription the EventSource pulls."""
    subscription_name: pulumi.Output[str]
    """Name of that subscription (known at preview)."""
    dead_letter_topic_id: pulumi.Output[str]
    """Id of the dead-letter topic (a subscription of the same name keeps its messages)."""
    reader_member: pulumi.Output[str]
    """The IAM member allowed to pull the subscription."""
    event_source_name: pulumi.Output[str]
    """Name of the EventSource."""
    sensor_name: pulumi.Output[str]
    """Name of the Sensor."""
    workflow_templates: pulumi.Output[list[str]]
    """WorkflowTemplates the Sensor creates Workflows from."""

    def __init__(self, name: str, args: StorageObjectTriggerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        with blueprint_inputs(StorageObjectTrigger, name, args) as args:
            bucket = checked_when_known(require(args, "bucket", "the bucket's name"), check_bucket_name)
            project = resolve_project(args.get("project"))
            bucket_project = check_project_id(args.get("bucket_project") or project, "bucket_project")
            events = check_event_types(args.get("event_types"))
            prefix = check_name_filter(args.get("prefix"), "prefix")
            suffix = check_name_filter(args.get("suffix"), "suffix")
            fields = STORAGE_OBJECT_FIELDS
            suffix_filters = (
                [string_filter(fields.resolve("key", "suffix"), anchored(".*" + re.escape(suffix)))] if suffix else []
            )
            source_plan = plan_gcp_source(
                StorageObjectTrigger,
                name,
                args,
                fields,
                project=project,
                event_name=EVENT_NAME,
                source_filters=suffix_filters,
                new_topic="topic",
            )
        plan = source_plan.plan
        super().__init__(type_token(StorageObjectTrigger), name, None, opts)

        topic = create_topic(self, name, source_plan)
        invoke = pulumi.InvokeOutputOptions(parent=self)
        storage_agent = gcp.storage.get_project_service_account_output(project=bucket_project, opts=invoke)
        may_publish = gcp.pubsub.TopicIAMMember(
            f"{name}-storage-publisher",
            project=project,
            topic=topic.name,
            role=PUBLISHER,
            member=pulumi.Output.concat("serviceAccount:", storage_agent.email_address),
            opts=pulumi.ResourceOptions(parent=self),
        )
        source = create_pubsub_source(self, name, source_plan, topic=topic.id, numbers=ProjectNumbers(self))
        notification = gcp.storage.Notification(
            f"{name}-notification",
            bucket=bucket,
            topic=topic.id,
            payload_format=PAYLOAD_FORMAT,
            event_types=events,
            object_name_prefix=prefix,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[may_publish, source.subscription]),
        )
        create_sensor(self, name, plan, depends_on=[source.event_source])

        publish_outputs(
            self,
            plan,
            topic_id=topic.id,
            notification_id=notification.notification_id,
            subscription_id=source.subscription.id,
            subscription_name=source_plan.subscription.name,
            dead_letter_topic_id=source.dead_letter_topic.id,
            reader_member=source.reader.member,
        )
