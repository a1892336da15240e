"""`S3ObjectTrigger`: new objects in an S3 bucket start a Metaflow flow (notification or EventBridge -> SQS -> Argo)."""

import re
import string
from typing import TypedDict

import pulumi
import pulumi_aws as aws
from typing_extensions import NotRequired

from pulumi_metaflow_blueprints.aws.account import caller_account
from pulumi_metaflow_blueprints.aws.args import AwsAlarms, AwsIdentity, QueueOptions, S3Delivery
from pulumi_metaflow_blueprints.aws.plan import AwsSourcePlan, plan_aws_source
from pulumi_metaflow_blueprints.aws.s3_eventbridge import detail_types, eventbridge_fields, route_through_eventbridge
from pulumi_metaflow_blueprints.aws.sqs import SqsSource, create_sqs_source, service_senders
from pulumi_metaflow_blueprints.core.args import FieldFilter, KubernetesSettings, SensorOptions, Target
from pulumi_metaflow_blueprints.core.arguments import blueprint_inputs, checked_when_known
from pulumi_metaflow_blueprints.core.blueprint import publish_outputs, type_token
from pulumi_metaflow_blueprints.core.fields import FORM_URLENCODED, EventPath, FieldCatalog, SourceField
from pulumi_metaflow_blueprints.core.filters import anchored, exact, string_filter
from pulumi_metaflow_blueprints.core.plan import require
from pulumi_metaflow_blueprints.core.sensor import create_sensor
from pulumi_metaflow_blueprints.errors import BlueprintInputError

__all__ = [
    "ACCOUNT_ID",
    "BUCKET_NAME",
    "DEFAULT_EVENTS",
    "EVENT_NAME",
    "EVENT_TYPE",
    "S3_EVENTBRIDGE_FIELDS",
    "S3_NOTIFICATION_FIELDS",
    "TEST_EVENT_FILTER",
    "S3ObjectTrigger",
    "S3ObjectTriggerArgs",
    "check_account_id",
    "check_bucket_name",
    "check_delivery",
    "check_event_types",
    "check_key_filter",
    "event_name_pattern",
    "notification_key_filter",
]

EVENT_NAME = "object"
DEFAULT_EVENTS = ["s3:ObjectCreated:*"]
TEST_EVENT_FILTER = 'body.Event != "s3:TestEvent"'
"""S3 sends `s3:TestEvent` when a notification is configured; the EventSource drops it so setup starts no run."""

_RECORD = EventPath(("body", "Records", 0))
S3_NOTIFICATION_FIELDS = FieldCatalog.of(
    "S3 object",
    [
        SourceField("bucket", _RECORD.child("s3", "bucket", "name"), "Bucket name.", "acme-raw-events"),
        SourceField(
            "key",
            _RECORD.child("s3", "object", "key").decoded(FORM_URLENCODED),
            "Object key, decoded from the URL-encoded form S3 sends (`dt%3D1/a+b.csv` -> `dt=1/a b.csv`).",
            "landing/dt=2026-11-20/a b.parquet",
        ),
        SourceField(
            "key_encoded",
            _RECORD.child("s3", "object", "key"),
            "Object key as S3 sent it: form-URL-encoded (`+` a space, `%XX` a UTF-8 byte).",
            "landing/dt%3D2026-11-20/a+b.parquet",
        ),
        SourceField("size", _RECORD.child("s3", "object", "size"), "Object size in bytes.", "1048576"),
        SourceField("etag", _RECORD.child("s3", "object", "eTag"), "Object ETag.", "d41d8cd98f00b204e9800998ecf8427e"),
        SourceField("version_id", _RECORD.child("s3", "object", "versionId"), "Version id (versioned buckets only)."),
        SourceField(
            "sequencer", _RECORD.child("s3", "object", "sequencer"), "Orders events of one key.", "0055AED6DCD90281E5"
        ),
        SourceField("event_name", _RECORD.child("eventName"), "Event type without `s3:`.", "ObjectCreated:Put"),
        SourceField(
            "event_time", _RECORD.child("eventTime"), "When S3 saw the event (ISO 8601).", "2026-11-20T08:15:30.123Z"
        ),
    ],
).identified_by("bucket", "key", "etag|version_id|sequencer", time="event_time")
"""One object version: its bucket, decoded key and ETag — what a listing of the bucket also gives (`backfill`); a
removal, which has no ETag, by its version id or sequencer."""
S3_EVENTBRIDGE_FIELDS = eventbridge_fields(S3_NOTIFICATION_FIELDS)
"""The same fields at their EventBridge paths (`body.detail.object.key`, ...), so targets work in both modes."""

BUCKET_NAME = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
ACCOUNT_ID = re.compile(r"^\d{12}$", re.ASCII)
EVENT_TYPE = re.compile(
    r"^s3:(ObjectCreated|ObjectRemoved|ObjectRestore|ObjectTagging|ObjectAcl|LifecycleExpiration|LifecycleTransition|IntelligentTiering|Replication|ReducedRedundancyLostObject)(:[A-Za-z*]+)*$"
)


class S3ObjectTriggerArgs(TypedDict):
    """Arguments of `S3ObjectTrigger`."""

    bucket: pulumi.Input[str]
    """Name of an existing bucket (may be another resource's output; checked when known). With `notification`
    delivery its notification configuration is replaced."""
    delivery: NotRequired[S3Delivery]
    """`notification` (default; one blueprint per bucket) or `eventbridge` (any number of blueprints per bucket)."""
    manage_bucket_eventbridge: NotRequired[bool]
    """`eventbridge` only: turn on the bucket's EventBridge setting (default true). Set false on all but one blueprint
    of a bucket, or when the setting is managed elsewhere: it replaces the bucket's notification configuration."""
    prefix: NotRequired[str]
    """Only keys starting with this prefix, e.g. `landing/`, written as in the key (not URL-encoded): with
    `notification` delivery the blueprint encodes it the way S3 matches filters (`a b=` -> `a+b%3D`)."""
    suffix: NotRequired[str]
    """Only keys ending with this suffix, e.g. `.parquet`, written as in the key (encoded like `prefix`)."""
    events: NotRequired[list[str]]
    """S3 event types. Defaults to `["s3:ObjectCreated:*"]`."""
    bucket_account_id: NotRequired[pulumi.Input[str]]
    """`notification` only: account owning the bucket (the queue admits S3 only for it; may be another resource's
    output; checked when known). Defaults to the deployer's."""
    region: NotRequired[str]
    """Region of the bucket, the queue and the EventSource's client. Defaults to the stack's `aws:region`."""
    identity: AwsIdentity
    """How the EventSource pod gets credentials to read the queue."""
    queue: NotRequired[QueueOptions]
    """Options of the queue between S3 and the EventSource."""
    alarms: NotRequired[AwsAlarms]
    """A CloudWatch alarm notifying an SNS topic when events reach the dead-letter queue. Unset: no alarm."""
    kubernetes: KubernetesSettings
    """Namespaces, EventBus and labels of the Argo Events objects."""
    targets: list[Target]
    """What to start for each new object: flows and/or Metaflow events."""
    filters: NotRequired[list[FieldFilter]]
    """Further Sensor filters on the object's fields (anchored)."""
    sensor: NotRequired[SensorOptions]
    """Retry and rate limit of the Sensor's triggers."""


def check_bucket_name(bucket: object, argument: str = "bucket") -> str:
    """S3's bucket naming rules (general purpose buckets)."""
    fix = "use 3-63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit"
    if not isinstance(bucket, str) or not BUCKET_NAME.fullmatch(bucket) or ".." in bucket:
        raise BlueprintInputError(argument, f"{bucket!r} is not a valid S3 bucket name", fix)
    if (
        re.fullmatch(r"[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+", bucket)
        or bucket.startswith(("xn--", "sthree-"))
        or bucket.endswith(("-s3alias", "--ol-s3"))
    ):
        raise BlueprintInputError(argument, f"{bucket!r} uses a form S3 reserves", fix)
    return bucket


def check_account_id(value: object, argument: str = "bucket_account_id") -> None:
    """An AWS account id: 12 digits."""
    if not isinstance(value, str) or not ACCOUNT_ID.fullmatch(value):
        raise BlueprintInputError(
            argument, f"{value!r} is not an AWS account id", "give the 12 digits, e.g. '444455556666'"
        )


def check_event_types(events: list[str] | None, argument: str = "events") -> list[str]:
    """S3 event types like `s3:ObjectCreated:*`."""
    chosen = list(events) if events is not None else list(DEFAULT_EVENTS)
    if not chosen or isinstance(events, str):
        raise BlueprintInputError(argument, "must list at least one S3 event type", "e.g. ['s3:ObjectCreated:*']")
    for event in list[object](chosen):
        if not isinstance(event, str) or not EVENT_TYPE.fullmatch(event):
            raise BlueprintInputError(
                argument, f"{event!r} is not an S3 event type", "e.g. s3:ObjectCreated:* or s3:ObjectRemoved:Delete"
            )
    return chosen


def check_key_filter(value: object, argument: str) -> str | None:
    """An S3 key prefix or suffix filter: at most 1024 characters, no wildcards (S3 matches them literally)."""
    if value is None:
        return None
    if not isinstance(value, str) or not value or len(value) > 1024:
        raise BlueprintInputError(
            argument, f"{value!r} is not a key {argument}", "give 1-1024 characters, or leave it unset"
        )
    if "*" in value:
        raise BlueprintInputError(
            argument, "S3 does not expand wildcards in key filters", "drop the '*'; use `filters` with a pattern"
        )
    return value


_FILTER_AS_IS = frozenset(string.ascii_letters + string.digits + "-_./")
"""Characters a notification filter holds as they are: letters, digits, `-`, `_`, `.` (safe characters in "Naming
Amazon S3 objects", which no form encoding escapes) and `/` (the filtering page's own examples: `images/`, `logs/`)."""
_FILTER_UNSETTLED = "!'()"
"""Safe characters (no encoding needed, says the filter note) that form encoding and S3's own URL encoding
(`test_file(3).png` -> `test_file%283%29.png`, the S3 API reference's EncodingType) escape: not established."""


def notification_key_filter(value: str | None, argument: str) -> str | None:
    """``value`` (a key prefix or suffix as the key holds it) as S3 matches notification filters: against the key
    in the URL-encoded form it sends (user guide, "Configuring event notifications using object key name
    filtering": a space as `+`, any other special character percent-encoded). Characters whose encoding AWS's
    documentation leaves open are refused, naming the character."""
    if value is None:
        return None
    encoded: list[str] = []
    for char in value:
        if char in _FILTER_AS_IS:
            encoded.append(char)
        elif char == " ":
            encoded.append("+")
        elif char in _FILTER_UNSETTLED or "\ud800" <= char <= "\udfff":
            why = (
                "is a lone surrogate, which no S3 key holds"
                if char not in _FILTER_UNSETTLED
                else "may or may not be URL-encoded in the key S3 matches notification filters against (AWS's "
                "documentation says both)"
            )
            raise BlueprintInputError(
                argument,
                f"{char!r} {why}",
                f"end the {argument} before {char!r} and add a Sensor filter on `key_encoded`, or use delivery "
                "'eventbridge' (its rules match the key as it is)",
            )
        else:
            encoded.append("".join(f"%{byte:02X}" for byte in char.encode()))
    return "".join(encoded)


def check_delivery(args: S3ObjectTriggerArgs) -> S3Delivery:
    """The delivery mode, and the arguments that only make sense in one mode."""
    value = args.get("delivery", S3Delivery.NOTIFICATION)
    try:
        delivery = S3Delivery(value)
    except ValueError:
        fix = "use notification or eventbridge"
        raise BlueprintInputError("delivery", f"{value!r} is not a delivery mode", fix) from None
    if delivery is S3Delivery.NOTIFICATION and args.get("manage_bucket_eventbridge") is not None:
        raise BlueprintInputError("manage_bucket_eventbridge", "applies only to delivery 'eventbridge'", "drop it")
    if delivery is S3Delivery.EVENTBRIDGE and args.get("bucket_account_id") is not None:
        fix = "deploy in the bucket's account, or use delivery 'notification'"
        problem = "S3 sends EventBridge events only to the bucket owner's default bus"
        raise BlueprintInputError("bucket_account_id", problem, fix)
    return delivery


def event_name_pattern(events: list[str]) -> str:
    """The anchored regular expression of `eventName` values (no `s3:` prefix) the chosen event types produce."""
    parts = [re.escape(e.removeprefix("s3:")).replace(r"\*", ".*") for e in events]
    return anchored("|".join(parts))


class S3ObjectTrigger(pulumi.ComponentResource):
    """New objects in an S3 bucket start a Metaflow flow or publish a Metaflow event.

    Creates an encrypted SQS queue with a dead-letter queue, a queue policy admitting only that bucket, the bucket
    notification, the EventSource's identity and service account, the `sqs` EventSource, and the Sensor. With
    `eventbridge` delivery, an EventBridge rule of its own (and the bucket's EventBridge setting) replaces the
    notification, and the queue admits only that rule.
    """

    queue_url: pulumi.Output[str]
    """URL of the queue S3 (or the EventBridge rule) sends to."""
    queue_arn: pulumi.Output[str]
    """ARN of the queue S3 (or the EventBridge rule) sends to."""
    dead_letter_queue_arn: pulumi.Output[str]
    """ARN of the dead-letter queue."""
    role_arn: pulumi.Output[str]
    """ARN of the role the EventSource uses."""
    event_source_name: pulumi.Output[str]
    """Name of the EventSource."""
    sensor_name: pulumi.Output[str]
    """Name of the Sensor."""
    workflow_templates: pulumi.Output[list[str]]
    """WorkflowTemplates the Sensor creates Workflows from."""

    def __init__(self, name: str, args: S3ObjectTriggerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        with blueprint_inputs(S3ObjectTrigger, name, args) as args:
            bucket = checked_when_known(require(args, "bucket", "the bucket's name"), check_bucket_name)
            events = check_event_types(args.get("events"))
            prefix = check_key_filter(args.get("prefix"), "prefix")
            suffix = check_key_filter(args.get("suffix"), "suffix")
            delivery = check_delivery(args)
            owner = args.get("bucket_account_id")
            owner = None if owner is None else checked_when_known(owner, check_account_id)
            types: list[str] = []
            if delivery is S3Delivery.NOTIFICATION:
                fields, event_names = S3_NOTIFICATION_FIELDS, event_name_pattern(events)
                prefix, suffix = notification_key_filter(prefix, "prefix"), notification_key_filter(suffix, "suffix")
            else:
                types = detail_types(events)
                fields, event_names = S3_EVENTBRIDGE_FIELDS, exact(types)
            event_filter = string_filter(fields.resolve("event_name", "events"), event_names)
            source_plan = plan_aws_source(
                S3ObjectTrigger,
                name,
                args,
                fields,
                event_name=EVENT_NAME,
                source_filters=[event_filter],
                filter_expression=TEST_EVENT_FILTER if delivery is S3Delivery.NOTIFICATION else None,
            )
        super().__init__(type_token(S3ObjectTrigger), name, None, opts)

        if delivery is S3Delivery.NOTIFICATION:
            source = self._notify(name, source_plan, owner, bucket=bucket, events=events, prefix=prefix, suffix=suffix)
        else:
            source = route_through_eventbridge(
                self,
                name,
                source_plan,
                bucket=bucket,
                prefix=prefix,
                suffix=suffix,
                types=types,
                manage_bucket_eventbridge=bool(args.get("manage_bucket_eventbridge", True)),
            )
        create_sensor(self, name, source_plan.plan, depends_on=[source.event_source])
        publish_outputs(self, source_plan.plan, **source.outputs())

    def _notify(
        self,
        name: str,
        source_plan: AwsSourcePlan,
        bucket_account_id: pulumi.Input[str] | None,
        *,
        bucket: pulumi.Input[str],
        events: list[str],
        prefix: str | None,
        suffix: str | None,
    ) -> SqsSource:
        """The queue admitting only this bucket, and the bucket notification sending to it."""
        account_id, partition = caller_account(self)
        bucket_arn = pulumi.Output.concat("arn:", partition, ":s3:::", bucket)
        owner = bucket_account_id or account_id
        senders = service_senders("S3MaySendForOneBucket", "s3.amazonaws.com", bucket_arn, owner)
        source = create_sqs_source(self, name, source_plan, senders=senders)
        # A plain dict, not `BucketNotificationQueueArgs`: the same on the wire (unset filters left out, as the class
        # leaves them), cheaper to serialize.
        queue: aws.s3.BucketNotificationQueueArgsDict = {
            "id": f"metaflow-blueprints-{source_plan.plan.base}",
            "queue_arn": source.queue.arn,
            "events": events,
        }
        if prefix is not None:
            queue["filter_prefix"] = prefix
        if suffix is not None:
            queue["filter_suffix"] = suffix
        aws.s3.BucketNotification(
            f"{name}-notification",
            bucket=bucket,
            queues=[queue],
            region=source_plan.region,
            opts=pulumi.ResourceOptions(parent=self, depends_on=[source.queue_policy]),
        )
        return source
