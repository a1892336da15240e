"""`SnsTopicTrigger`: messages published to an SNS topic start a Metaflow flow (SNS -> SQS -> Argo)."""

import re
from typing import TypedDict

import pulumi
import pulumi_aws as aws
from typing_extensions import NotRequired

from pulumi_metaflow_blueprints.aws.args import AwsAlarms, AwsIdentity, QueueOptions
from pulumi_metaflow_blueprints.aws.plan import plan_aws_source
from pulumi_metaflow_blueprints.aws.sqs import create_sqs_source, message_fields, service_senders
from pulumi_metaflow_blueprints.core.args import FieldFilter, KubernetesSettings, SensorOptions, Target
from pulumi_metaflow_blueprints.core.arguments import blueprint_inputs, checked_when_known, when_known
from pulumi_metaflow_blueprints.core.blueprint import publish_outputs, type_token
from pulumi_metaflow_blueprints.core.plan import require
from pulumi_metaflow_blueprints.core.sensor import create_sensor
from pulumi_metaflow_blueprints.errors import BlueprintInputError

__all__ = [
    "EVENT_NAME",
    "SNS_MESSAGE_FIELDS",
    "TOPIC_ARN",
    "SnsTopicTrigger",
    "SnsTopicTriggerArgs",
    "check_topic_arn",
]

EVENT_NAME = "message"
SNS_MESSAGE_FIELDS = message_fields("SNS message")
"""With raw message delivery the queue holds the published message itself, so the fields are an SQS message's."""

TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:([a-z]{2}[a-z0-9-]+):(\d{12}):([A-Za-z0-9_-]{1,256})$", re.ASCII)


class SnsTopicTriggerArgs(TypedDict):
    """Arguments of `SnsTopicTrigger`."""

    topic_arn: pulumi.Input[str]
    """ARN of an existing standard topic (may be another resource's output; checked when known). A topic of another
    account must let this account `sns:Subscribe`."""
    identity: AwsIdentity
    """The EventSource's credentials: a role allowed to consume only the subscribed queue."""
    queue: NotRequired[QueueOptions]
    """Options of the queue between the topic and the EventSource."""
    alarms: NotRequired[AwsAlarms]
    """A CloudWatch alarm notifying an SNS topic when messages reach the dead-letter queue. Unset: no alarm."""
    region: NotRequired[str]
    """Region of the queue and the EventSource's client (the topic may be elsewhere). Defaults to `aws:region`."""
    kubernetes: KubernetesSettings
    """Namespace and EventBus of the EventSource and Sensor, the flows' namespace, extra labels."""
    targets: list[Target]
    """What to start for each message: flows and/or Metaflow events."""
    filters: NotRequired[list[FieldFilter]]
    """Further Sensor filters on the message's fields (anchored), e.g. `body.kind`."""
    sensor: NotRequired[SensorOptions]
    """How the Sensor retries a failed trigger and paces a busy topic."""


def check_topic_arn(value: object, argument: str = "topic_arn") -> tuple[str, str]:
    """A standard topic's ARN; returns its region and account."""
    match = TOPIC_ARN.fullmatch(value) if isinstance(value, str) else None
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
    """ARN of the role the EventSource consumes the queue with."""
    subscription_arn: pulumi.Output[str]
    """ARN of the topic subscription."""
    event_source_name: pulumi.Output[str]
    """Name of the EventSource reading the subscribed queue."""
    sensor_name: pulumi.Output[str]
    """Name of the Sensor that starts the targets."""
    workflow_templates: pulumi.Output[list[str]]
    """WorkflowTemplates the Sensor creates Workflows from."""

    def __init__(self, name: str, args: SnsTopicTriggerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        with blueprint_inputs(SnsTopicTrigger, name, args) as args:
            topic_arn = checked_when_known(require(args, "topic_arn", "the topic's ARN"), check_topic_arn)
            topic_region = when_known(topic_arn, lambda arn: check_topic_arn(arn)[0])
            topic_account = when_known(topic_arn, lambda arn: check_topic_arn(arn)[1])
            source_plan = plan_aws_source(
                SnsTopicTrigger, name, args, SNS_MESSAGE_FIELDS, event_name=EVENT_NAME, keep_unreadable=True
            )
        plan = source_plan.plan
        super().__init__(type_token(SnsTopicTrigger), name, None, opts)

        senders = service_senders("SnsMaySendForOneTopic", "sns.amazonaws.com", topic_arn, topic_account)
        source = create_sqs_source(self, name, source_plan, senders=senders)
        subscription = aws.sns.TopicSubscription(
            f"{name}-subscription",
            topic=topic_arn,
            protocol="sqs",
            endpoint=source.queue.arn,
            raw_message_delivery=True,
            region=topic_region,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[source.queue_policy]),
        )
        create_sensor(self, name, plan, depends_on=[source.event_source])
        publish_outputs(self, plan, **source.outputs(), subscription_arn=subscription.arn)
