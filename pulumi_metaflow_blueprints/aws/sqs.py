"""The SQS leg every AWS blueprint shares: encrypted queue + DLQ, its policy, the reader identity, the EventSource."""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from pulumi_metaflow_blueprints.aws import policies
from pulumi_metaflow_blueprints.aws.account import caller_account
from pulumi_metaflow_blueprints.aws.alarms import create_dead_letter_alarm
from pulumi_metaflow_blueprints.aws.identity import QueueReader, create_queue_reader
from pulumi_metaflow_blueprints.aws.plan import LONG_POLL_SECONDS, AwsSourcePlan
from pulumi_metaflow_blueprints.core.arguments import when_known
from pulumi_metaflow_blueprints.core.fields import EventPath, FieldCatalog, SourceField
from pulumi_metaflow_blueprints.core.source import create_event_source

__all__ = [
    "QueueConsumer",
    "SendersFor",
    "SqsSource",
    "create_queue_consumer",
    "create_sqs_source",
    "decrypt_key_arn",
    "message_fields",
    "principal_senders",
    "service_senders",
]

SendersFor = Callable[[pulumi.Output[str]], list[dict[str, Any]]]
"""Given the queue ARN, the policy statements that let the upstream service (and only it) send."""


def message_fields(source: str) -> FieldCatalog:
    """The fields of any SQS message the EventSource reads (`jsonBody: true`): body, attributes, id."""
    return FieldCatalog.of(
        source,
        [
            SourceField(
                "body",
                EventPath(("body",)),
                "The message body, parsed as JSON; `body.<path>` reaches inside (`body.order.id`, `body.items.0.sku`).",
                '{"order": {"id": "ord-1001"}}',
                json_object=True,
            ),
            SourceField(
                "message_attributes",
                EventPath(("messageAttributes",)),
                "Message attributes by name; `message_attributes.<name>.StringValue` is an attribute's value.",
                '{"tenant": {"DataType": "String", "StringValue": "acme"}}',
                json_object=True,
            ),
            SourceField("message_id", EventPath(("messageId",)), "The SQS message id.", "2d5c3a8e-5f1b-4c1e-9a3e-08f4"),
        ],
    ).identified_by("message_id")


def service_senders(sid: str, service: str, source_arn: pulumi.Input[str], account: pulumi.Input[str]) -> SendersFor:
    """Senders: one AWS service, on behalf of one resource of one account only (no confused deputy)."""
    return lambda queue_arn: [policies.service_may_send(sid, service, queue_arn, source_arn, account)]


def principal_senders(principals: list[str]) -> SendersFor:
    """Senders: the given IAM principals (none: only identities of the queue's account with IAM permission)."""
    return lambda queue_arn: [policies.principals_may_send(queue_arn, principals)] if principals else []


def decrypt_key_arn(kms_key: pulumi.Input[str] | None) -> pulumi.Input[str | None]:
    """The queue key to grant `kms:Decrypt` on: the key when it is an ARN (when known, for an Output), else None."""
    if kms_key is None:
        return None
    return when_known(kms_key, lambda key: key if key.startswith("arn:") else None)


@dataclass(frozen=True)
class QueueConsumer:
    """The reading side of the SQS leg: the identity, its service account and the EventSource."""

    reader: QueueReader
    service_account: k8s.core.v1.ServiceAccount
    event_source: k8s.apiextensions.CustomResource


@dataclass(frozen=True)
class SqsSource:
    """The resources of the SQS leg."""

    queue: aws.sqs.Queue
    dead_letter_queue: aws.sqs.Queue
    queue_policy: aws.sqs.QueuePolicy
    reader: QueueReader
    service_account: k8s.core.v1.ServiceAccount
    event_source: k8s.apiextensions.CustomResource

    def outputs(self) -> dict[str, pulumi.Output[str]]:
        """The outputs every AWS blueprint with its own queue pair publishes."""
        return {
            "queue_url": self.queue.url,
            "queue_arn": self.queue.arn,
            "dead_letter_queue_arn": self.dead_letter_queue.arn,
            "role_arn": self.reader.role_arn,
        }


def create_sqs_source(parent: pulumi.Resource, name: str, source: AwsSourcePlan, *, senders: SendersFor) -> SqsSource:
    """Create the planned queue pair (and the alarm on its dead-letter queue, when planned), the policy admitting
    only ``senders``, the reader identity and the EventSource (its spec rendered and checked with the plan)."""
    opts = pulumi.ResourceOptions(parent=parent)
    account_id, partition = caller_account(parent)
    region, queue_name, queue_options = source.region, source.queue_name, source.queue_options
    kms_key = queue_options.get("kms_master_key_id")
    encryption: dict[str, Any] = (
        {"kms_master_key_id": kms_key, "kms_data_key_reuse_period_seconds": 300}
        if kms_key
        else {"sqs_managed_sse_enabled": True}
    )
    tags = source.plan.cloud_tags
    queue_arn = pulumi.Output.format("arn:{0}:sqs:{1}:{2}:{3}", partition, region, account_id, queue_name)
    dead_letter_name = f"{queue_name}-dlq"
    dead_letter = aws.sqs.Queue(
        f"{name}-dlq",
        name=dead_letter_name,
        redrive_allow_policy=pulumi.Output.json_dumps({"redrivePermission": "byQueue", "sourceQueueArns": [queue_arn]}),
        message_retention_seconds=int(queue_options.get("dead_letter_retention_seconds", 1209600)),
        region=region,
        tags=tags,
        opts=opts,
        **encryption,
    )
    if source.alarms is not None:
        create_dead_letter_alarm(
            parent,
            name,
            source.alarms,
            dead_letter_queue=dead_letter,
            dead_letter_queue_name=dead_letter_name,
            region=region,
            tags=tags,
        )
    queue = aws.sqs.Queue(
        f"{name}-queue",
        name=queue_name,
        receive_wait_time_seconds=LONG_POLL_SECONDS,
        visibility_timeout_seconds=int(queue_options.get("visibility_timeout_seconds", 60)),
        message_retention_seconds=int(queue_options.get("message_retention_seconds", 345600)),
        redrive_policy=pulumi.Output.json_dumps(
            {"deadLetterTargetArn": dead_letter.arn, "maxReceiveCount": int(queue_options.get("max_receive_count", 5))}
        ),
        region=region,
        tags=tags,
        opts=opts,
        **encryption,
    )
    arn = queue.arn  # each read of a resource property goes through the SDK's getter: read it once
    queue_policy = aws.sqs.QueuePolicy(
        f"{name}-queue-policy",
        queue_url=queue.url,
        policy=pulumi.Output.json_dumps(policies.document(*senders(arn), policies.tls_only(arn))),
        region=region,
        opts=opts,
    )
    consumer = create_queue_consumer(
        parent, name, source, queue_arn=arn, kms_key_arn=decrypt_key_arn(kms_key), depends_on=[queue_policy]
    )
    return SqsSource(queue, dead_letter, queue_policy, consumer.reader, consumer.service_account, consumer.event_source)


def create_queue_consumer(
    parent: pulumi.Resource,
    name: str,
    source: AwsSourcePlan,
    *,
    queue_arn: pulumi.Input[str],
    kms_key_arn: pulumi.Input[str | None] = None,
    depends_on: Sequence[pulumi.Resource] = (),
) -> QueueConsumer:
    """Create the identity allowed to read only ``queue_arn``, its service account, and the `sqs` EventSource (its
    spec rendered and checked with the plan)."""
    account_id, partition = caller_account(parent)
    plan = source.plan
    reader = create_queue_reader(
        parent,
        name,
        source.identity,
        namespace=plan.namespace,
        service_account=plan.event_source_service_account,
        queue_arn=queue_arn,
        account_id=account_id,
        partition=partition,
        region=source.region,
        kms_key_arn=kms_key_arn,
    )
    account, event_source = create_event_source(
        parent,
        name,
        plan,
        source.event_source_spec,
        annotations=reader.service_account_annotations,
        depends_on=depends_on,
    )
    return QueueConsumer(reader, account, event_source)
