"""The SQS leg every AWS blueprint shares: encrypted queue + DLQ, its policy, the reader identity, the EventSource."""

import re
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s

from pulumi_metaflow_blueprints.aws import policies
from pulumi_metaflow_blueprints.aws.args import AwsIdentity, QueueOptions
from pulumi_metaflow_blueprints.aws.identity import QueueReader, create_queue_reader
from pulumi_metaflow_blueprints.core.arguments import checked_when_known, when_known
from pulumi_metaflow_blueprints.core.fields import EventPath, FieldCatalog, SourceField
from pulumi_metaflow_blueprints.core.plan import TriggerPlan
from pulumi_metaflow_blueprints.core.source import create_event_source
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.naming import stable_hash

QUEUE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
QUEUE_NAME_MAX = 80 - len("-dlq")
LONG_POLL_SECONDS = 20
REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$", re.ASCII)
_KMS_KEY_ID = r"(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
_KMS_ALIAS = r"alias/[A-Za-z0-9/_-]{1,250}"
KMS_KEY = re.compile(
    rf"^(?:{_KMS_KEY_ID}|{_KMS_ALIAS}|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{{12}}:(?:key/{_KMS_KEY_ID}|{_KMS_ALIAS}))$",
    re.ASCII,
)
"""What SQS takes as `KmsMasterKeyId`: a key id, a key ARN, an alias name or an alias ARN."""

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
    )


def service_senders(sid: str, service: str, source_arn: pulumi.Input[str], account: pulumi.Input[str]) -> SendersFor:
    """Senders: one AWS service, on behalf of one resource of one account only (no confused deputy)."""
    return lambda queue_arn: [policies.service_may_send(sid, service, queue_arn, source_arn, account)]


def principal_senders(principals: list[str]) -> SendersFor:
    """Senders: the given IAM principals (none: only identities of the queue's account with IAM permission)."""
    return lambda queue_arn: [policies.principals_may_send(queue_arn, principals)] if principals else []


def resolve_region(region: str | None) -> str:
    """The explicit region, else the stack's `aws:region`, checked; the EventSource and queue must agree."""
    value = region or pulumi.Config("aws").get("region")
    if not value:
        raise BlueprintInputError(
            "region", "is not set and the stack has no `aws:region`", "pass `region` or set aws:region"
        )
    if not REGION.fullmatch(value):
        raise BlueprintInputError("region", f"{value!r} is not an AWS region", "use a region code like us-west-2")
    return value


def default_name(base: str, max_length: int) -> str:
    """`<project>-<stack>-<base>` in `[A-Za-z0-9_-]`, shortened stably to ``max_length`` (queues, rules, pipes)."""
    raw = re.sub(r"[^A-Za-z0-9_-]", "-", f"{pulumi.get_project()}-{pulumi.get_stack()}-{base}")
    if len(raw) <= max_length:
        return raw
    digest = stable_hash(raw)
    return f"{raw[: max_length - len(digest) - 1]}-{digest}"


def default_queue_name(base: str) -> str:
    """`<project>-<stack>-<base>`, shortened stably to fit SQS's limit with room for `-dlq`."""
    return default_name(base, QUEUE_NAME_MAX)


def check_kms_key(value: object, argument: str = "queue.kms_master_key_id") -> None:
    """A KMS key as SQS takes it (`KMS_KEY`)."""
    if not isinstance(value, str) or not KMS_KEY.fullmatch(value):
        fix = "give a key id, arn:aws:kms:<region>:<account>:key/<id>, alias/<name> or an alias ARN"
        raise BlueprintInputError(argument, f"{value!r} is not a KMS key", fix)


def decrypt_key_arn(kms_key: pulumi.Input[str] | None) -> pulumi.Input[str | None]:
    """The queue key to grant `kms:Decrypt` on: the key when it is an ARN (when known, for an Output), else None."""
    if kms_key is None:
        return None
    return when_known(kms_key, lambda key: key if key.startswith("arn:") else None)


def check_queue_options(options: QueueOptions | None, base: str) -> tuple[str, QueueOptions]:
    """Validate queue options; return the queue name and the options (the KMS key checked when known)."""
    options = options or QueueOptions()
    kms_key = options.get("kms_master_key_id")
    if kms_key is not None:
        options = QueueOptions(**{**options, "kms_master_key_id": checked_when_known(kms_key, check_kms_key)})
    name = options.get("name") or default_queue_name(base)
    if not QUEUE_NAME.fullmatch(name) or len(name) > QUEUE_NAME_MAX:
        raise BlueprintInputError(
            "queue.name", f"{name!r} is not a valid SQS queue name", f"use up to {QUEUE_NAME_MAX} of A-Z a-z 0-9 _ -"
        )
    bounds = {
        "max_receive_count": (1, 1000),
        "visibility_timeout_seconds": (0, 43200),
        "message_retention_seconds": (60, 1209600),
        "dead_letter_retention_seconds": (60, 1209600),
    }
    for key, (low, high) in bounds.items():
        value = options.get(key)
        if value is not None and not (low <= int(value) <= high and int(value) == value):
            raise BlueprintInputError(f"queue.{key}", f"{value!r} is out of range", f"use a whole number {low}..{high}")
    return name, options


def sqs_event_source_spec(
    plan: TriggerPlan,
    *,
    region: str,
    queue_name: str,
    assume_role_arn: str | None = None,
    queue_account_id: str | None = None,
    filter_expression: str | None = None,
    keep_unreadable: bool = False,
) -> dict[str, Any]:
    """An `sqs` EventSource: JSON bodies, long polling, credentials from its service account.

    ``keep_unreadable`` sets `dlq: true`: a message whose body is not JSON is left on the queue (to reach its
    dead-letter queue after `maxReceiveCount` receives) instead of being deleted.
    """
    sqs: dict[str, Any] = {
        "region": region,
        "queue": queue_name,
        "waitTimeSeconds": LONG_POLL_SECONDS,
        "jsonBody": True,
    }
    if queue_account_id:
        sqs["queueAccountId"] = queue_account_id
    if assume_role_arn:
        sqs["roleARN"] = assume_role_arn
    if filter_expression:
        sqs["filter"] = {"expression": filter_expression}
    if keep_unreadable:
        sqs["dlq"] = True
    return {
        "eventBusName": plan.event_bus_name,
        "template": {"serviceAccountName": plan.event_source_service_account},
        "sqs": {plan.event_name: sqs},
    }


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


_CALLER: "weakref.WeakKeyDictionary[pulumi.Resource, tuple[pulumi.Output[str], pulumi.Output[str]]]" = (
    weakref.WeakKeyDictionary()
)


def caller_account(parent: pulumi.Resource) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
    """The deploying account id and partition, looked up once per component (each lookup is a provider call)."""
    found = _CALLER.get(parent)
    if found is None:
        invoke = pulumi.InvokeOutputOptions(parent=parent)
        found = aws.get_caller_identity_output(opts=invoke).account_id, aws.get_partition_output(opts=invoke).partition
        _CALLER[parent] = found
    return found


def create_sqs_source(
    parent: pulumi.Resource,
    name: str,
    plan: TriggerPlan,
    *,
    event_source_spec: dict[str, Any],
    region: str,
    queue_name: str,
    queue_options: QueueOptions,
    identity: AwsIdentity,
    senders: SendersFor,
) -> SqsSource:
    """Create the queue pair, the policy admitting only ``senders``, the reader identity and the EventSource
    (``event_source_spec``, rendered and checked with the plan)."""
    opts = pulumi.ResourceOptions(parent=parent)
    account_id, partition = caller_account(parent)
    kms_key = queue_options.get("kms_master_key_id")
    encryption: dict[str, Any] = (
        {"kms_master_key_id": kms_key, "kms_data_key_reuse_period_seconds": 300}
        if kms_key
        else {"sqs_managed_sse_enabled": True}
    )
    tags = {"managed-by": "metaflow-blueprints", "metaflow-blueprints-instance": plan.base}
    queue_arn = pulumi.Output.format("arn:{0}:sqs:{1}:{2}:{3}", partition, region, account_id, queue_name)
    dead_letter = aws.sqs.Queue(
        f"{name}-dlq",
        name=f"{queue_name}-dlq",
        redrive_allow_policy=pulumi.Output.json_dumps({"redrivePermission": "byQueue", "sourceQueueArns": [queue_arn]}),
        message_retention_seconds=int(queue_options.get("dead_letter_retention_seconds", 1209600)),
        region=region,
        tags=tags,
        opts=opts,
        **encryption,
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
    queue_policy = aws.sqs.QueuePolicy(
        f"{name}-queue-policy",
        queue_url=queue.url,
        policy=pulumi.Output.json_dumps(policies.document(*senders(queue.arn), policies.tls_only(queue.arn))),
        region=region,
        opts=opts,
    )
    consumer = create_queue_consumer(
        parent,
        name,
        plan,
        event_source_spec=event_source_spec,
        region=region,
        queue_arn=queue.arn,
        identity=identity,
        kms_key_arn=decrypt_key_arn(kms_key),
        depends_on=[queue_policy],
    )
    return SqsSource(queue, dead_letter, queue_policy, consumer.reader, consumer.service_account, consumer.event_source)


def create_queue_consumer(
    parent: pulumi.Resource,
    name: str,
    plan: TriggerPlan,
    *,
    event_source_spec: dict[str, Any],
    region: str,
    queue_arn: pulumi.Input[str],
    identity: AwsIdentity,
    kms_key_arn: pulumi.Input[str | None] = None,
    depends_on: Sequence[pulumi.Resource] = (),
) -> QueueConsumer:
    """Create the identity allowed to read only ``queue_arn``, its service account, and the `sqs` EventSource
    (``event_source_spec``, rendered and checked with the plan)."""
    account_id, partition = caller_account(parent)
    reader = create_queue_reader(
        parent,
        name,
        identity,
        namespace=plan.namespace,
        service_account=plan.event_source_service_account,
        queue_arn=queue_arn,
        account_id=account_id,
        partition=partition,
        region=region,
        kms_key_arn=kms_key_arn,
    )
    account, source = create_event_source(
        parent, name, plan, event_source_spec, annotations=reader.service_account_annotations, depends_on=depends_on
    )
    return QueueConsumer(reader, account, source)
