"""The plan every AWS blueprint shares, made before anything is registered: the blueprint's plan, the reader's
identity, the region, and the queue the `sqs` EventSource reads (its name, its options, the checked spec)."""

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from pulumi_metaflow_blueprints.argo.validation import check_event_source
from pulumi_metaflow_blueprints.aws.account import default_name, resolve_region
from pulumi_metaflow_blueprints.aws.alarms import AwsAlarmPlan, plan_alarms
from pulumi_metaflow_blueprints.aws.args import AwsIdentity, AwsIdentityMode, QueueOptions
from pulumi_metaflow_blueprints.aws.identity import check_identity
from pulumi_metaflow_blueprints.core.arguments import checked_when_known
from pulumi_metaflow_blueprints.core.fields import FieldCatalog
from pulumi_metaflow_blueprints.core.plan import BlueprintPlan, plan_blueprint
from pulumi_metaflow_blueprints.errors import BlueprintInputError

__all__ = [
    "KMS_KEY",
    "LONG_POLL_SECONDS",
    "QUEUE_NAME",
    "QUEUE_NAME_MAX",
    "AwsSourcePlan",
    "check_kms_key",
    "check_queue_options",
    "default_queue_name",
    "plan_aws_source",
    "sqs_event_source_spec",
]

QUEUE_NAME = re.compile(r"^[A-Za-z0-9_-]{1,80}$")
QUEUE_NAME_MAX = 80 - len("-dlq")
LONG_POLL_SECONDS = 20
_KMS_KEY_ID = r"(?:mrk-[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"
_KMS_ALIAS = r"alias/[A-Za-z0-9/_-]{1,250}"
KMS_KEY = re.compile(
    rf"^(?:{_KMS_KEY_ID}|{_KMS_ALIAS}|arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{{12}}:(?:key/{_KMS_KEY_ID}|{_KMS_ALIAS}))$",
    re.ASCII,
)
"""What SQS takes as `KmsMasterKeyId`: a key id, a key ARN, an alias name or an alias ARN."""


@dataclass(frozen=True)
class AwsSourcePlan:
    """The checked inputs every AWS blueprint shares: the blueprint's plan, the reader's identity, the queue."""

    plan: BlueprintPlan
    identity: AwsIdentity
    region: str
    queue_name: str
    queue_options: QueueOptions
    event_source_spec: dict[str, Any]
    """The `sqs` EventSource's spec, checked against the Argo Events controller's rules."""
    alarms: AwsAlarmPlan | None = None
    """The alarm on the dead-letter queue (`alarms`), if asked for."""


def plan_aws_source(
    blueprint: type,
    name: str,
    args: Mapping[str, Any],
    catalog: FieldCatalog,
    *,
    event_name: str,
    source_filters: Sequence[dict[str, Any]] = (),
    region: str | None = None,
    existing_queue: tuple[str, str] | None = None,
    filter_expression: str | None = None,
    keep_unreadable: bool = False,
) -> AwsSourcePlan:
    """Check identity, region, Kubernetes, targets, filters, Sensor, queue options and alarms, and render both Argo
    specs; raise before any resource. ``existing_queue`` is the (name, account id) of a queue read but not created."""
    identity = check_identity(args.get("identity"))
    resolved_region = resolve_region(region or args.get("region"))
    plan = plan_blueprint(blueprint, name, args, catalog, event_name=event_name, source_filters=source_filters)
    queue_name, queue_options = check_queue_options(args.get("queue"), plan.base)
    alarms = plan_alarms(args.get("alarms"), has_dead_letter_queue=existing_queue is None)
    read_name, read_account = existing_queue or (queue_name, None)
    spec = sqs_event_source_spec(
        plan,
        region=resolved_region,
        queue_name=read_name,
        assume_role_arn=identity.get("role_arn") if identity["mode"] == AwsIdentityMode.ROLE_ARN else None,
        queue_account_id=read_account,
        filter_expression=filter_expression,
        keep_unreadable=keep_unreadable,
    )
    check_event_source(plan.event_source_name, spec)
    return AwsSourcePlan(plan, identity, resolved_region, queue_name, queue_options, spec, alarms)


def default_queue_name(base: str) -> str:
    """`<project>-<stack>-<base>`, shortened stably to fit SQS's limit with room for `-dlq`."""
    return default_name(base, QUEUE_NAME_MAX)


def check_kms_key(value: object, argument: str = "queue.kms_master_key_id") -> None:
    """A KMS key as SQS takes it (`KMS_KEY`)."""
    if not isinstance(value, str) or not KMS_KEY.fullmatch(value):
        fix = "give a key id, arn:aws:kms:<region>:<account>:key/<id>, alias/<name> or an alias ARN"
        raise BlueprintInputError(argument, f"{value!r} is not a KMS key", fix)


def check_queue_options(options: QueueOptions | None, base: str) -> tuple[str, QueueOptions]:
    """Validate queue options; return the queue name and the options (the KMS key checked when known)."""
    options = options or QueueOptions()
    kms_key = options.get("kms_master_key_id")
    if kms_key is not None:
        options = QueueOptions(options)
        options["kms_master_key_id"] = checked_when_known(kms_key, check_kms_key)
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
    plan: BlueprintPlan,
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
