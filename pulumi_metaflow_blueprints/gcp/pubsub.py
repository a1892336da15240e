"""`PubSubTrigger`: messages on a Pub/Sub topic start a Metaflow flow (topic -> subscription -> Argo)."""

from typing import TypedDict

import pulumi
from typing_extensions import NotRequired

from pulumi_metaflow_blueprints.core.args import FieldFilter, KubernetesSettings, SensorOptions, Target
from pulumi_metaflow_blueprints.core.arguments import blueprint_inputs, checked_when_known
from pulumi_metaflow_blueprints.core.blueprint import publish_outputs, type_token
from pulumi_metaflow_blueprints.core.fields import EventPath, FieldCatalog, SourceField
from pulumi_metaflow_blueprints.core.sensor import create_sensor
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.gcp.args import GcpAlarms, GcpIdentity, PubSubSubscription, PubSubTopic
from pulumi_metaflow_blueprints.gcp.identity import ProjectNumbers
from pulumi_metaflow_blueprints.gcp.names import check_topic_id, resolve_project
from pulumi_metaflow_blueprints.gcp.plan import plan_gcp_source
from pulumi_metaflow_blueprints.gcp.pubsub_source import create_pubsub_source, create_topic

__all__ = ["EVENT_NAME", "PubSubTrigger", "PubSubTriggerArgs", "pubsub_message_fields"]

EVENT_NAME = "message"


def pubsub_message_fields(json_body: bool) -> FieldCatalog:
    """The fields of a Pub/Sub message as Argo's `pubSub` EventSource delivers it."""
    body = "The message data: its JSON value (`body.<path>` reaches inside)" if json_body else "The data, base64"
    return FieldCatalog.of(
        "Pub/Sub message",
        [
            SourceField("message_id", EventPath(("id",)), "Message id Pub/Sub assigned.", "10487693251911234"),
            SourceField("body", EventPath(("body",)), f"{body}.", json_object=json_body),
            SourceField(
                "attributes",
                EventPath(("attributes",)),
                "Message attributes (strings); `attributes.<name>` reaches one.",
                json_object=True,
            ),
            SourceField(
                "publish_time",
                EventPath(("publishTime",)),
                "When Pub/Sub received the message, in Go's time format.",
                "2026-11-20 08:15:30.456 +0000 UTC",
            ),
        ],
    ).identified_by("message_id", time="publish_time")


class PubSubTriggerArgs(TypedDict):
    """Arguments of `PubSubTrigger`. Set exactly one of `topic` and `new_topic`."""

    project: NotRequired[str]
    """Project of the subscription (and of `new_topic`). Defaults to the stack's `gcp:project`."""
    topic: NotRequired[pulumi.Input[str]]
    """An existing topic, `projects/<project>/topics/<name>`; it may live in another project (may be another
    resource's output, e.g. a `Topic`'s id; checked when known)."""
    new_topic: NotRequired[PubSubTopic]
    """Create a topic in `project` instead (`{}` for the defaults)."""
    json_body: NotRequired[bool]
    """Whether messages are JSON, so `body.<path>` reaches inside them. Defaults to true; a message that is not
    JSON is then refused by the EventSource and ends on the dead-letter topic."""
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
    """What to start for each message: flows and/or Metaflow events."""
    filters: NotRequired[list[FieldFilter]]
    """Further Sensor filters on the message's fields (anchored)."""
    sensor: NotRequired[SensorOptions]
    """Retry and rate limit of the Sensor's triggers."""


class PubSubTrigger(pulumi.ComponentResource):
    """Messages on a Pub/Sub topic start a Metaflow flow or publish a Metaflow event.

    Creates (optionally) the topic, a pull subscription with exponential retry and a dead-letter topic, the
    EventSource's identity with `roles/pubsub.subscriber` on that subscription only, the `pubSub` EventSource and the
    Sensor.
    """

    topic_id: pulumi.Output[str]
    """Id of the topic read, `projects/<project>/topics/<name>`."""
    subscription_id: pulumi.Output[str]
    """Id of the subscription the EventSource pulls."""
    subscription_name: pulumi.Output[str]
    """Name of that subscription (known at preview)."""
    dead_letter_topic_id: pulumi.Output[str]
    """Id of the dead-letter topic (a subscription of the same name keeps its messages)."""
    reader_member: pulumi.Output[str]
    """The IAM member allowed to pull the subscription (a Google service account or a Kubernetes principal)."""
    event_source_name: pulumi.Output[str]
    """Name of the EventSource."""
    sensor_name: pulumi.Output[str]
    """Name of the Sensor."""
    workflow_templates: pulumi.Output[list[str]]
    """WorkflowTemplates the Sensor creates Workflows from."""

    def __init__(self, name: str, args: PubSubTriggerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        with blueprint_inputs(PubSubTrigger, name, args) as args:
            project = resolve_project(args.get("project"))
            existing, new_topic = args.get("topic"), args.get("new_topic")
            if (existing is None) == (new_topic is None):
                fix = "give an existing topic id, or `new_topic: {}`"
                raise BlueprintInputError("topic", "set exactly one of `topic` and `new_topic`", fix)
            if existing is not None:
                existing = checked_when_known(existing, check_topic_id)
            json_body = args.get("json_body", True)
            source_plan = plan_gcp_source(
                PubSubTrigger,
                name,
                args,
                pubsub_message_fields(json_body),
                project=project,
                event_name=EVENT_NAME,
                json_body=json_body,
                new_topic="new_topic" if new_topic is not None else None,
            )
        plan = source_plan.plan
        super().__init__(type_token(PubSubTrigger), name, None, opts)

        numbers = ProjectNumbers(self)
        topic_id: pulumi.Output[str] = pulumi.Output.from_input(existing or "")
        if source_plan.topic is not None:
            topic_id = create_topic(self, name, source_plan).id
        source = create_pubsub_source(self, name, source_plan, topic=topic_id, numbers=numbers)
        create_sensor(self, name, plan, depends_on=[source.event_source])

        publish_outputs(
            self,
            plan,
            topic_id=topic_id,
            subscription_id=source.subscription.id,
            subscription_name=source_plan.subscription.name,
            dead_letter_topic_id=source.dead_letter_topic.id,
            reader_member=source.reader.member,
        )
