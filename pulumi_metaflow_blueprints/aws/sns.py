"""`SnsTopicTrigger`: messages published to an SNS topic start a Metaflow flow (SNS -> SQS -> Argo)."""

import re
from typing import TypedDict

import pulumi
import pulumi_aws as aws
from typing_extensions import NotRequired

from pulumi_metaflow_blueprints.aws.args import AwsIdentityArgs, QueueOptionsArgs
from pulumi_metaflow_blueprints.aws.policies import service_may_send
from pulumi_metaflow_blueprints.aws.sqs import create_sqs_source, message_fields
from pulumi_metaflow_blueprints.aws.trigger import check_trigger, publish_outputs
from pulumi_metaflow_blueprints.core.args import FieldFilterArgs, KubernetesArgs, SensorOptionsArgs, TargetArgs
from pulumi_metaflow_blueprints.core.plan import require
from pulumi_metaflow_blueprints.core.sensor import create_sensor
from pulumi_metaflow_blueprints.errors import BlueprintInputError

TYPE_TOKEN = "metaflow-blueprints:index:SnsTopicTrigger"
EVENT_NAME = "message"
SNS_MESSAGE_FIELDS = message_fields("SNS message")
"""With raw message delivery the queue holds the published message itself, so the fields are an SQS message's."""

TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:([a-z]{2}[a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256})$")


class SnsTopicTriggerArgs(TypedDict):
    """Arguments of `SnsTopicTrigger`."""

    topic_arn: str
    """ARN of an existing standard topic. A topic of another account must let this account `sns:Subscribe`."""
    region: NotRequired[str]
    """Region of the queue and the EventSource's client. Defaults to the stack's `aws:region`."""
    identity: AwsIdentityArgs
    """How the EventSource pod gets credentials to read the queue."""
    queue: NotRequired[QueueOptionsArgs]
    """Options of the queue between the topic and the EventSource."""
    kubernetes: KubernetesArgs
    """Namespaces, EventBus and labels of the Argo Events objects."""
    targets: list[TargetArgs]
    """What to start for each message: flows and/or Metaflow events."""
    filters: NotRequired[list[FieldFilterArgs]]
    """Further Sensor filters on the message's fields (anchored), e.g. `body.kind`."""
    sensor: NotRequired[SensorOptionsArgs]
    """Retry and rate limit of the Sensor's triggers."""


def check_topic_arn(value: str, argument: str = "topic_arn") -> tuple[str, str]:
    """A standard topic's ARN; returns its region and account."""
    match = TOPIC_ARN.match(value) if isinstance(value, str) else None
    if not match:
        fix = "give arn:aws:sns:<region>:<account>:<topic> (FIFO topics cannot deliver to a standard queue)"
        raise BlueprintInputError(argument, f"{value!r} is not a standard SNS topic ARN", fix)
    return match.group(1), match.group(2)


class SnsTopicTrigger(pulumi.ComponentResource):
    """Messages published to an SNS topic start a Metaflow flow or publish a Metaflow event.

    Creates an encrypted queue with a dead-letter queue, a queue policy admitting only that topic, a raw-delivery
    subscription, the EventSource's identity and service account, the `sqs` EventSource, and the Sensor.
    """

    queue_url: pulumi.Output[str]
    """URL of the queue subscribed to the topic."""
    queue_arn: pulumi.Output[str]
    """ARN of the queue subscribed to the topic."""
    dead_letter_queue_arn: pulumi.Output[str]
    """ARN of the dead-letter queue (messages whose body is not JSON end here)."""
    role_arn: pulumi.Output[str]
    """ARN of the role the EventSource uses."""
    subscription_arn: pulumi.Output[str]
    """ARN of the topic subscription."""
    event_source_name: pulumi.Output[str]
    """Name of the EventSource."""
    sensor_name: pulumi.Output[str]
    """Name of the Sensor."""
    workflow_templates: pulumi.Output[list[str]]
    """WorkflowTemplates the Sensor creates Workflows from."""

    def __init__(self, name: str, args: SnsTopicTriggerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        topic_arn = require(args, "topic_arn", "the topic's ARN")
        topic_region, topic_account = check_topic_arn(topic_arn)
        trigger = check_trigger("SnsTopicTrigger", name, args, SNS_MESSAGE_FIELDS)
        plan = trigger.plan
        super().__init__(TYPE_TOKEN, name, None, opts)

        source = create_sqs_source(
            self,
            name,
            plan,
            event_name=EVENT_NAME,
            region=trigger.region,
            queue_name=trigger.queue_name,
            queue_options=trigger.queue_options,
            identity=trigger.identity,
            senders=lambda queue_arn: [
                service_may_send("SnsMaySendForOneTopic", "sns.amazonaws.com", queue_arn, topic_arn, topic_account)
            ],
            keep_unreadable=True,
        )
        subscription = aws.sns.TopicSubscription(
            f"{name}-subscription",
            topic=topic_arn,
            protocol="sqs",
            endpoint=source.queue.arn,
            raw_message_delivery=True,
            region=topic_region,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[source.queue_policy]),
        )
        create_sensor(self, name, plan, EVENT_NAME, depends_on=[source.event_source])
        publish_outputs(
            self,
            plan,
            queue_url=source.queue.url,
            queue_arn=source.queue.arn,
            dead_letter_queue_arn=source.dead_letter_queue.arn,
            role_arn=source.reader.role_arn,
            subscription_arn=subscription.arn,
        )
