"""`DynamoDBTableTrigger`: new (or changed, or removed) items of a DynamoDB table start a Metaflow flow.

Stream -> EventBridge Pipe (filter on `eventName`, one record per message) -> SQS -> Argo. The Pipe sends each stream
record unchanged as the message body.
"""

import json
import re
from collections.abc import Sequence
from enum import Enum
from typing import TypedDict

import pulumi
import pulumi_aws as aws
from typing_extensions import NotRequired

from pulumi_metaflow_blueprints.aws import policies
from pulumi_metaflow_blueprints.aws.account import caller_account, default_name
from pulumi_metaflow_blueprints.aws.args import AwsAlarms, AwsIdentity, QueueOptions
from pulumi_metaflow_blueprints.aws.plan import plan_aws_source
from pulumi_metaflow_blueprints.aws.sqs import create_sqs_source, decrypt_key_arn
from pulumi_metaflow_blueprints.core.args import FieldFilter, KubernetesSettings, SensorOptions, Target
from pulumi_metaflow_blueprints.core.arguments import blueprint_inputs, checked_when_known, when_known
from pulumi_metaflow_blueprints.core.blueprint import publish_outputs, type_token
from pulumi_metaflow_blueprints.core.fields import EventPath, FieldCatalog, PathSegment, SourceField
from pulumi_metaflow_blueprints.core.filters import exact, string_filter
from pulumi_metaflow_blueprints.core.plan import require
from pulumi_metaflow_blueprints.core.sensor import create_sensor
from pulumi_metaflow_blueprints.errors import BlueprintInputError

__all__ = [
    "DYNAMODB_RECORD_FIELDS",
    "EVENT_NAME",
    "PIPE_NAME_MAX",
    "PIPE_RETRIES",
    "SCALAR_TYPES",
    "SET_TYPES",
    "STREAM_ARN",
    "TYPE_FIX",
    "DynamoDBChange",
    "DynamoDBRecordFields",
    "DynamoDBTableTrigger",
    "DynamoDBTableTriggerArgs",
    "check_changes",
    "check_stream_arn",
    "typed_attribute",
]

EVENT_NAME = "record"
PIPE_NAME_MAX = 64
PIPE_RETRIES = 10
"""Attempts to deliver a record to the queue before the Pipe gives up and reports it to the dead-letter queue."""
STREAM_ARN = re.compile(
    r"^arn:aws[a-z-]*:dynamodb:([a-z]{2}[a-z0-9-]+):(\d{12}):table/([A-Za-z0-9_.-]{3,255})/stream/[0-9A-Za-z:.\-T]+$",
    re.ASCII,
)
SCALAR_TYPES = {"S", "N", "B", "BOOL", "NULL"}
SET_TYPES = {"SS", "NS", "BS"}
TYPE_FIX = (
    "write `<field>.<attribute>` for a string (S), or `<field>.<attribute>.<type>` with type one of "
    "S, N, B, BOOL, NULL, SS, NS, BS, `M.<attribute>...` or `L.<index>...`"
)


class DynamoDBChange(str, Enum):
    """A kind of item change in a DynamoDB stream (the record's `eventName`)."""

    INSERT = "INSERT"
    """A new item."""
    MODIFY = "MODIFY"
    """An existing item was updated."""
    REMOVE = "REMOVE"
    """An item was deleted (also by TTL)."""


class DynamoDBTableTriggerArgs(TypedDict):
    """Arguments of `DynamoDBTableTrigger`."""

    stream_arn: pulumi.Input[str]
    """ARN of the table's stream (`LatestStreamArn`); streams must be on with `NEW_IMAGE` or `NEW_AND_OLD_IMAGES`.
    May be another resource's output (a table's `stream_arn`); checked when known."""
    changes: NotRequired[list[DynamoDBChange]]
    """Which item changes start a run. Defaults to `["INSERT"]` (new items only)."""
    region: NotRequired[str]
    """Region of the table, the Pipe, the queue and the EventSource's client. Defaults to the stack's `aws:region`."""
    queue: NotRequired[QueueOptions]
    """Options of the queue between the Pipe and the EventSource."""
    alarms: NotRequired[AwsAlarms]
    """A CloudWatch alarm notifying an SNS topic when records reach the dead-letter queue (records the Pipe could
    not deliver land there too). Unset: no alarm."""
    identity: AwsIdentity
    """The EventSource's credentials (it reads the queue only; the Pipe has its own role for the stream)."""
    kubernetes: KubernetesSettings
    """Argo Events namespace and EventBus, the flows' namespace, and labels for every Kubernetes object."""
    targets: list[Target]
    """What to start for each record: flows and/or Metaflow events."""
    filters: NotRequired[list[FieldFilter]]
    """Further Sensor filters on the record's fields (anchored), e.g. `new_image.status`."""
    sensor: NotRequired[SensorOptions]
    """Retries and rate limit of the triggers (a bulk load of items could otherwise start many runs at once)."""


def typed_attribute(segments: Sequence[PathSegment]) -> tuple[PathSegment, ...]:
    """`<attribute>[.<type>...]` of DynamoDB JSON, the type defaulting to `S` (`customer` -> `customer.S`)."""
    attribute, *rest = segments
    return (str(attribute), *_typed_value(rest))


def _typed_value(segments: Sequence[PathSegment]) -> tuple[PathSegment, ...]:
    if not segments:
        return ("S",)
    kind, *rest = segments
    if kind == "M":
        return ("M", *typed_attribute(rest)) if rest else ("M",)
    if kind == "L":
        if not rest:
            return ("L",)
        if not isinstance(rest[0], int):
            raise ValueError(f"`L` takes an index, not {rest[0]!r}")
        return ("L", rest[0], *_typed_value(rest[1:]))
    if kind in SET_TYPES and len(rest) <= 1 and all(isinstance(s, int) for s in rest):
        return (kind, *rest)
    if kind in SCALAR_TYPES and not rest:
        return (kind,)
    raise ValueError(f"{kind!r} is not a DynamoDB type here")


class DynamoDBRecordFields(FieldCatalog):
    """The fields of a stream record; inside the typed fields, attribute paths unwrap DynamoDB JSON."""

    def resolve(self, reference: object, argument: str) -> EventPath:
        """Like `FieldCatalog.resolve`, with `new_image.<attribute>` meaning `NewImage.<attribute>.S`."""
        head, _, rest = reference.partition(".") if isinstance(reference, str) else ("", "", "")
        field = self.get(head)
        if field is None or not field.json_object or not rest:
            return super().resolve(reference, argument)
        try:
            return field.path.child(*typed_attribute(EventPath.parse(rest).segments))
        except ValueError as error:
            raise BlueprintInputError(
                argument, f"{reference!r} is not a typed attribute path ({error})", TYPE_FIX
            ) from None


_RECORD = EventPath(("body",))
_ITEM = _RECORD.child("dynamodb")
DYNAMODB_RECORD_FIELDS = DynamoDBRecordFields.of(
    "DynamoDB stream record",
    [
        SourceField("event_name", _RECORD.child("eventName"), "INSERT, MODIFY or REMOVE.", "INSERT"),
        SourceField(
            "keys", _ITEM.child("Keys"), "The item's key attributes, typed.", '{"order_id": {"S": "o-1"}}', True
        ),
        SourceField(
            "new_image", _ITEM.child("NewImage"), "The item after the change, typed.", '{"n": {"N": "2"}}', True
        ),
        SourceField("old_image", _ITEM.child("OldImage"), "The item before (NEW_AND_OLD_IMAGES streams).", "", True),
        SourceField("sequence_number", _ITEM.child("SequenceNumber"), "Orders the changes of one item.", "4421584500"),
        SourceField("created_at", _ITEM.child("ApproximateCreationDateTime"), "Epoch seconds.", "1763626530"),
        SourceField(
            "event_id", _RECORD.child("eventID"), "Unique id of the record.", "c4ca4238a0b923820dcc509a6f75849b"
        ),
        SourceField("stream_arn", _RECORD.child("eventSourceARN"), "The stream's ARN."),
    ],
).identified_by("event_id", time="created_at")


def check_stream_arn(value: object, region: str, argument: str = "stream_arn") -> str:
    """A DynamoDB stream ARN in the blueprint's region; returns the table name."""
    match = STREAM_ARN.fullmatch(value) if isinstance(value, str) else None
    if not match:
        fix = "give the table's LatestStreamArn, arn:aws:dynamodb:<region>:<account>:table/<table>/stream/<label>"
        raise BlueprintInputError(argument, f"{value!r} is not a DynamoDB stream ARN", fix)
    if match.group(1) != region:
        fix = f"set `region` to {match.group(1)!r} (a Pipe reads streams of its own region)"
        raise BlueprintInputError(argument, f"the stream is in {match.group(1)!r}, not {region!r}", fix)
    return match.group(3)


def check_changes(changes: list[DynamoDBChange] | None, argument: str = "changes") -> list[str]:
    """The `eventName` values that start a run."""
    chosen = [DynamoDBChange.INSERT] if changes is None else changes
    names = ", ".join(c.value for c in DynamoDBChange)
    if isinstance(chosen, str) or not chosen:
        raise BlueprintInputError(argument, "must list at least one change", f"list some of {names}")
    values: list[str] = []
    for change in chosen:
        if change not in {c.value for c in DynamoDBChange}:
            raise BlueprintInputError(argument, f"{change!r} is not a stream change", f"use {names}")
        values.append(DynamoDBChange(change).value)
    return list(dict.fromkeys(values))


class DynamoDBTableTrigger(pulumi.ComponentResource):
    """New (or changed, or removed) items of a DynamoDB table start a Metaflow flow or publish a Metaflow event.

    Creates an encrypted queue with a dead-letter queue, an EventBridge Pipe from the table's stream to the queue with
    a role that may only read that stream and send to those queues, the EventSource's identity and service account,
    the `sqs` EventSource, and the Sensor.
    """

    queue_url: pulumi.Output[str]
    """URL of the queue the Pipe sends records to."""
    queue_arn: pulumi.Output[str]
    """ARN of the queue the Pipe sends records to."""
    dead_letter_queue_arn: pulumi.Output[str]
    """ARN of the dead-letter queue (also where the Pipe reports records it could not deliver)."""
    role_arn: pulumi.Output[str]
    """ARN of the role the EventSource reads the queue with."""
    pipe_arn: pulumi.Output[str]
    """ARN of the EventBridge Pipe."""
    pipe_role_arn: pulumi.Output[str]
    """ARN of the Pipe's role."""
    event_source_name: pulumi.Output[str]
    """Name of the EventSource (its event is `record`)."""
    sensor_name: pulumi.Output[str]
    """Name of the Sensor filtering on `eventName` and starting the targets."""
    workflow_templates: pulumi.Output[list[str]]
    """WorkflowTemplates the Sensor creates Workflows from."""

    def __init__(self, name: str, args: DynamoDBTableTriggerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        with blueprint_inputs(DynamoDBTableTrigger, name, args) as args:
            changes = check_changes(args.get("changes"))
            fields = DYNAMODB_RECORD_FIELDS
            event_filter = string_filter(fields.resolve("event_name", "changes"), exact(changes))
            source_plan = plan_aws_source(
                DynamoDBTableTrigger, name, args, fields, event_name=EVENT_NAME, source_filters=[event_filter]
            )
            region = source_plan.region
            stream_arn = checked_when_known(
                require(args, "stream_arn", "the table's stream ARN"), lambda arn: check_stream_arn(arn, region)
            )
            table = when_known(stream_arn, lambda arn: check_stream_arn(arn, region))
        plan = source_plan.plan
        super().__init__(type_token(DynamoDBTableTrigger), name, None, opts)

        source = create_sqs_source(self, name, source_plan, senders=lambda _: [])
        account_id, partition = caller_account(self)
        pipe_name = default_name(plan.base, PIPE_NAME_MAX)
        pipe_arn = pulumi.Output.format("arn:{0}:pipes:{1}:{2}:pipe/{3}", partition, region, account_id, pipe_name)
        child = pulumi.ResourceOptions(parent=self)
        role = aws.iam.Role(
            f"{name}-pipe-role",
            assume_role_policy=pulumi.Output.json_dumps(
                policies.service_trust("pipes.amazonaws.com", account_id, pipe_arn)
            ),
            description=when_known(
                table, lambda t: f"EventBridge Pipe {pipe_name}: read the stream of table {t}, send to one queue"
            ),
            permissions_boundary=source_plan.identity.get("permissions_boundary_arn"),
            opts=child,
        )
        queue_arns = [source.queue.arn, source.dead_letter_queue.arn]
        access = aws.iam.RolePolicy(
            f"{name}-pipe-access",
            role=role.id,
            policy=pulumi.Output.json_dumps(
                when_known(
                    decrypt_key_arn(source_plan.queue_options.get("kms_master_key_id")),
                    lambda key: policies.stream_to_queues(stream_arn, queue_arns, key),
                )
            ),
            opts=child,
        )
        pipe = aws.pipes.Pipe(
            f"{name}-pipe",
            name=pipe_name,
            description=when_known(table, lambda t: f"{t} stream changes {', '.join(changes)} to Argo Events"),
            role_arn=role.arn,
            source=stream_arn,
            target=source.queue.arn,
            source_parameters=aws.pipes.PipeSourceParametersArgs(
                dynamodb_stream_parameters=aws.pipes.PipeSourceParametersDynamodbStreamParametersArgs(
                    starting_position="LATEST",
                    batch_size=1,
                    maximum_retry_attempts=PIPE_RETRIES,
                    dead_letter_config=aws.pipes.PipeSourceParametersDynamodbStreamParametersDeadLetterConfigArgs(
                        arn=source.dead_letter_queue.arn
                    ),
                ),
                filter_criteria=aws.pipes.PipeSourceParametersFilterCriteriaArgs(
                    filters=[
                        aws.pipes.PipeSourceParametersFilterCriteriaFilterArgs(
                            pattern=json.dumps({"eventName": changes})
                        )
                    ]
                ),
            ),
            desired_state="RUNNING",
            region=region,
            tags=plan.cloud_tags,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[access]),
        )
        create_sensor(self, name, plan, depends_on=[source.event_source])
        publish_outputs(self, plan, **source.outputs(), pipe_arn=pipe.arn, pipe_role_arn=role.arn)
