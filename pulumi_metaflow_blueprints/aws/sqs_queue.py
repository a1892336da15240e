"""`SqsQueueTrigger`: messages on an SQS queue (an existing one, of any account, or a new one) start a Metaflow flow."""

import re
from dataclasses import dataclass
from typing import TypedDict

import pulumi
from typing_extensions import NotRequired

from pulumi_metaflow_blueprints.aws.account import caller_account
from pulumi_metaflow_blueprints.aws.args import AwsAlarms, AwsIdentity, QueueOptions
from pulumi_metaflow_blueprints.aws.plan import plan_aws_source
from pulumi_metaflow_blueprints.aws.policies import reader_may_read
from pulumi_metaflow_blueprints.aws.sqs import (
    create_queue_consumer,
    create_sqs_source,
    message_fields,
    principal_senders,
)
from pulumi_metaflow_blueprints.core.args import FieldFilter, KubernetesSettings, SensorOptions, Target
from pulumi_metaflow_blueprints.core.arguments import blueprint_inputs, checked_when_known, plain_because
from pulumi_metaflow_blueprints.core.blueprint import publish_outputs, type_token
from pulumi_metaflow_blueprints.core.sensor import create_sensor
from pulumi_metaflow_blueprints.errors import BlueprintInputError

__all__ = [
    "EVENT_NAME",
    "KMS_KEY_ARN",
    "PRINCIPAL",
    "QUEUE_ARN",
    "QUEUE_URL",
    "SQS_MESSAGE_FIELDS",
    "ExistingQueue",
    "SqsQueueTrigger",
    "SqsQueueTriggerArgs",
    "check_kms_key_arn",
    "parse_existing_queue",
]

EVENT_NAME = "message"
SQS_MESSAGE_FIELDS = message_fields("SQS message")

_NAME = r"([A-Za-z0-9_-]{1,80}(?:\.fifo)?)"
QUEUE_ARN = re.compile(rf"^arn:(aws[a-z-]*):sqs:([a-z]{{2}}[a-z0-9-]+):(\d{{12}}):{_NAME}$", re.ASCII)
QUEUE_URL = re.compile(
    rf"^https://(?:sqs\.([a-z0-9-]+)|([a-z0-9-]+)\.queue)\.amazonaws\.com(\.cn)?/(\d{{12}})/{_NAME}$", re.ASCII
)
PRINCIPAL = re.compile(r"^(\d{12}|arn:aws[a-z-]*:iam::\d{12}:(root|role/[\w+=,.@/-]+|user/[\w+=,.@/-]+))$", re.ASCII)
KMS_KEY_ARN = re.compile(r"^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key/[A-Za-z0-9-]+$", re.ASCII)


class SqsQueueTriggerArgs(TypedDict):
    """Arguments of `SqsQueueTrigger`."""

    existing_queue: NotRequired[str]
    """ARN or URL of an existing queue to read, in this or another account. When unset, a new queue is created.
    A plain value: its name, region and account go into the EventSource spec."""
    existing_queue_kms_key_arn: NotRequired[pulumi.Input[str]]
    """ARN of the customer-managed KMS key of the existing queue, if it has one: the reader may decrypt with it
    (may be another resource's output; checked when known)."""
    senders: NotRequired[list[str]]
    """New queue only: IAM principals (role, user or account ARNs, or account ids) its policy lets send."""
    queue: NotRequired[QueueOptions]
    """New queue only: options of the queue and its dead-letter queue."""
    alarms: NotRequired[AwsAlarms]
    """New queue only: a CloudWatch alarm notifying an SNS topic when messages reach the dead-letter queue. Unset:
    no alarm."""
    region: NotRequired[str]
    """Region of the new queue. Defaults to the existing queue's region, else the stack's `aws:region`."""
    identity: AwsIdentity
    """The EventSource's credentials: a role allowed to consume this one queue (its KMS key too, when given)."""
    kubernetes: KubernetesSettings
    """Where the EventSource, the Sensor and their service accounts live, and the EventBus joining them."""
    targets: list[Target]
    """What to start for each message: flows and/or Metaflow events."""
    filters: NotRequired[list[FieldFilter]]
    """Further Sensor filters on the message's fields (anchored), e.g. `body.kind`."""
    sensor: NotRequired[SensorOptions]
    """Retries and rate limit of the triggers (e.g. at most N runs a minute for a bursty queue)."""


plain_because(
    SqsQueueTriggerArgs,
    existing_queue="the EventSource reads the queue by the name, region and account in it, which go into its spec, "
    "checked before anything is created (the name is yours: write the ARN or URL as a string)",
)


@dataclass(frozen=True)
class ExistingQueue:
    """An existing queue, from its ARN or URL."""

    arn: str
    url: str
    region: str
    account_id: str
    name: str


def parse_existing_queue(value: object, argument: str = "existing_queue") -> ExistingQueue:
    """Read region, account and name from a queue ARN or URL."""
    fix = "give arn:aws:sqs:<region>:<account>:<name> or https://sqs.<region>.amazonaws.com/<account>/<name>"
    text = value.strip() if isinstance(value, str) else ""
    arn, url = QUEUE_ARN.fullmatch(text), QUEUE_URL.fullmatch(text)
    if arn:
        partition, region, account, name = arn.groups()
    elif url and (url.group(1) or url.group(2)):
        region, account, name = url.group(1) or url.group(2), url.group(4), url.group(5)
        partition = "aws-cn" if url.group(3) else "aws-us-gov" if region.startswith("us-gov-") else "aws"
    else:
        raise BlueprintInputError(argument, f"{value!r} is not an SQS queue ARN or URL", fix)
    if len(name) > 80:
        raise BlueprintInputError(argument, f"queue name {name!r} is over 80 characters", fix)
    domain = "amazonaws.com.cn" if partition == "aws-cn" else "amazonaws.com"
    return ExistingQueue(
        arn=f"arn:{partition}:sqs:{region}:{account}:{name}",
        url=f"https://sqs.{region}.{domain}/{account}/{name}",
        region=region,
        account_id=account,
        name=name,
    )


def _check_choice(args: SqsQueueTriggerArgs) -> ExistingQueue | None:
    given = args.get("existing_queue")
    kms_key = args.get("existing_queue_kms_key_arn")
    if given is None:
        if kms_key is not None:
            raise BlueprintInputError("existing_queue_kms_key_arn", "applies only to `existing_queue`", "drop it")
        for index, principal in enumerate(list[object](args.get("senders") or [])):
            if not isinstance(principal, str) or not PRINCIPAL.fullmatch(principal):
                raise BlueprintInputError(
                    f"senders[{index}]",
                    f"{principal!r} is not an IAM principal",
                    "give a role/user/root ARN or an account id",
                )
        return None
    existing = parse_existing_queue(given)
    for key in ("queue", "senders"):
        if args.get(key) is not None:
            raise BlueprintInputError(key, "applies only to a new queue", "drop it, or drop `existing_queue`")
    region = args.get("region")
    if region is not None and region != existing.region:
        raise BlueprintInputError(
            "region", f"{region!r} is not the queue's region {existing.region!r}", "drop `region`"
        )
    return existing


def check_kms_key_arn(value: object, argument: str = "existing_queue_kms_key_arn") -> None:
    """A KMS key ARN (what an IAM policy grants `kms:Decrypt` on)."""
    if not isinstance(value, str) or not KMS_KEY_ARN.fullmatch(value):
        raise BlueprintInputError(
            argument, f"{value!r} is not a KMS key ARN", "give arn:aws:kms:<region>:<account>:key/<id>"
        )


class SqsQueueTrigger(pulumi.ComponentResource):
    """Messages on an SQS queue start a Metaflow flow or publish a Metaflow event.

    Reads an existing queue (the reader role may read only that queue) or creates an encrypted queue with a
    dead-letter queue; creates the EventSource's identity and service account, the `sqs` EventSource and the Sensor.
    """

    queue_url: pulumi.Output[str]
    """URL of the queue the EventSource reads (given or created)."""
    queue_arn: pulumi.Output[str]
    """ARN of that queue: producers send here."""
    dead_letter_queue_arn: pulumi.Output[str]
    """ARN of the new queue's dead-letter queue; empty for an existing queue."""
    role_arn: pulumi.Output[str]
    """ARN of the role that consumes the queue (created, or the one given in `role-arn` mode)."""
    queue_policy_statement: pulumi.Output[str]
    """Existing queue of another account: the statement (JSON) its owner must add to the queue policy; else empty."""
    event_source_name: pulumi.Output[str]
    """Name of the `sqs` EventSource (its event is `message`)."""
    sensor_name: pulumi.Output[str]
    """Name of the Sensor starting the targets."""
    workflow_templates: pulumi.Output[list[str]]
    """WorkflowTemplates the Sensor creates Workflows from."""

    def __init__(self, name: str, args: SqsQueueTriggerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        with blueprint_inputs(SqsQueueTrigger, name, args) as args:
            existing = _check_choice(args)
            kms_key = args.get("existing_queue_kms_key_arn")
            kms_key_arn = None if kms_key is None else checked_when_known(kms_key, check_kms_key_arn)
            source_plan = plan_aws_source(
                SqsQueueTrigger,
                name,
                args,
                SQS_MESSAGE_FIELDS,
                event_name=EVENT_NAME,
                region=existing.region if existing else None,
                existing_queue=(existing.name, existing.account_id) if existing else None,
                keep_unreadable=True,
            )
        plan = source_plan.plan
        super().__init__(type_token(SqsQueueTrigger), name, None, opts)

        queue_url: pulumi.Input[str]
        queue_arn: pulumi.Input[str]
        dead_letter_queue_arn: pulumi.Input[str] = ""
        if existing is not None:
            consumer = create_queue_consumer(self, name, source_plan, queue_arn=existing.arn, kms_key_arn=kms_key_arn)
            event_source, reader = consumer.event_source, consumer.reader
            queue_url, queue_arn = existing.url, existing.arn
            statement = _statement_for_owner(self, existing, reader.role_arn)
        else:
            may_send = principal_senders(list(args.get("senders") or []))
            source = create_sqs_source(self, name, source_plan, senders=may_send)
            event_source, reader = source.event_source, source.reader
            queue_url, queue_arn, dead_letter_queue_arn = (
                source.queue.url,
                source.queue.arn,
                source.dead_letter_queue.arn,
            )
            statement = pulumi.Output.from_input("")
        create_sensor(self, name, plan, depends_on=[event_source])
        publish_outputs(
            self,
            plan,
            queue_url=queue_url,
            queue_arn=queue_arn,
            dead_letter_queue_arn=dead_letter_queue_arn,
            role_arn=reader.role_arn,
            queue_policy_statement=statement,
        )


def _statement_for_owner(
    parent: pulumi.Resource, queue: ExistingQueue, role_arn: pulumi.Output[str]
) -> pulumi.Output[str]:
    """The queue-policy statement (JSON) the owner of a queue in another account must add; empty in our account."""
    account_id, _ = caller_account(parent)
    statement = pulumi.Output.json_dumps(reader_may_read(role_arn, queue.arn))
    return pulumi.Output.all(account_id, statement).apply(lambda pair: "" if pair[0] == queue.account_id else pair[1])
