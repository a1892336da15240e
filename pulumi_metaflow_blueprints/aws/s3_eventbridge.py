"""S3 events through EventBridge: the bucket sends to EventBridge, each blueprint's own rule routes to its queue.

A bucket has one notification configuration, so only one direct-notification blueprint can watch it; with
EventBridge, any number of rules (one per blueprint) can.
"""

import dataclasses
from typing import Any

import pulumi
import pulumi_aws as aws

from pulumi_metaflow_blueprints.aws.account import caller_account, default_name
from pulumi_metaflow_blueprints.aws.plan import AwsSourcePlan
from pulumi_metaflow_blueprints.aws.sqs import SqsSource, create_sqs_source, service_senders
from pulumi_metaflow_blueprints.core.fields import EventPath, FieldCatalog, SourceField
from pulumi_metaflow_blueprints.errors import BlueprintInputError

__all__ = [
    "DETAIL_TYPES",
    "NOT_SENT",
    "RULE_NAME_MAX",
    "EventBridgeFields",
    "detail_types",
    "event_pattern",
    "eventbridge_fields",
    "route_through_eventbridge",
]

RULE_NAME_MAX = 64
_DETAIL = EventPath(("body", "detail"))
_OBJECT = _DETAIL.child("object")
_PATHS = {
    "bucket": (_DETAIL.child("bucket", "name"), "Bucket name."),
    "key": (_OBJECT.child("key"), "Object key (EventBridge sends it as it is)."),
    "size": (_OBJECT.child("size"), "Object size in bytes."),
    "etag": (_OBJECT.child("etag"), "Object ETag."),
    "version_id": (_OBJECT.child("version-id"), "Version id (versioned buckets only)."),
    "sequencer": (_OBJECT.child("sequencer"), "Orders events of one key."),
    "event_name": (EventPath(("body", "detail-type")), "EventBridge detail type, e.g. `Object Created`."),
    "event_time": (EventPath(("body", "time")), "When S3 saw the event (ISO 8601, seconds)."),
}


NOT_SENT = {
    "key_encoded": (
        "EventBridge sends the object key as it is: there is no URL-encoded form to map",
        "map `key`, the decoded key in both delivery modes",
    )
}
"""Notification fields EventBridge has no counterpart of: (why, fix)."""


class EventBridgeFields(FieldCatalog):
    """The S3 fields at their EventBridge paths; a field only notifications carry is refused with the reason."""

    def resolve(self, reference: object, argument: str) -> EventPath:
        """Like `FieldCatalog.resolve`, naming why a notification-only field is absent."""
        if isinstance(reference, str) and reference.partition(".")[0] in NOT_SENT:
            why, fix = NOT_SENT[reference.partition(".")[0]]
            raise BlueprintInputError(argument, why, fix)
        return super().resolve(reference, argument)


def eventbridge_fields(notification_fields: FieldCatalog) -> FieldCatalog:
    """The notification catalog's fields, each at its place in an EventBridge event (same names, same order)."""
    return EventBridgeFields.of(
        notification_fields.source,
        [_at_eventbridge_path(field) for field in notification_fields.fields if field.name not in NOT_SENT],
    ).identified_by(*notification_fields.identity, time=notification_fields.time)


def _at_eventbridge_path(field: SourceField) -> SourceField:
    path, description = _PATHS[field.name]
    return dataclasses.replace(field, path=path, description=description)


DETAIL_TYPES: dict[str, tuple[str, ...]] = {
    "s3:ObjectCreated:*": ("Object Created",),
    "s3:ObjectRemoved:*": ("Object Deleted",),
    "s3:ObjectRestore:*": ("Object Restore Initiated", "Object Restore Completed", "Object Restore Expired"),
    "s3:ObjectRestore:Post": ("Object Restore Initiated",),
    "s3:ObjectRestore:Completed": ("Object Restore Completed",),
    "s3:ObjectRestore:Delete": ("Object Restore Expired",),
    "s3:ObjectTagging:*": ("Object Tags Added", "Object Tags Deleted"),
    "s3:ObjectTagging:Put": ("Object Tags Added",),
    "s3:ObjectTagging:Delete": ("Object Tags Deleted",),
    "s3:ObjectAcl:Put": ("Object ACL Updated",),
    "s3:LifecycleTransition": ("Object Storage Class Changed",),
    "s3:IntelligentTiering": ("Object Access Tier Changed",),
}
"""S3 event types and the EventBridge detail types that carry them. `Object Deleted` includes lifecycle expirations,
and `Object Created` every way of creating (`detail.reason` tells PutObject, CopyObject, ... apart)."""


def detail_types(events: list[str], argument: str = "events") -> list[str]:
    """The detail types of the chosen S3 event types; types EventBridge cannot tell apart are refused."""
    chosen: list[str] = []
    for event in events:
        if event not in DETAIL_TYPES:
            fix = (
                f"use one of {', '.join(DETAIL_TYPES)}; to narrow `Object Created`/`Object Deleted` add a filter "
                "on `data:body.detail.reason` (e.g. PutObject, CopyObject, DeleteObject, Lifecycle Expiration)"
            )
            raise BlueprintInputError(argument, f"{event!r} has no exact EventBridge detail type", fix)
        chosen.extend(DETAIL_TYPES[event])
    return list(dict.fromkeys(chosen))


def _wildcard_literal(text: str) -> str:
    return text.replace("\\", "\\\\")


def event_pattern(
    bucket: pulumi.Input[str], prefix: str | None, suffix: str | None, types: list[str]
) -> dict[str, Any]:
    """The rule's pattern: S3 events of these detail types, for this bucket and these keys."""
    detail: dict[str, Any] = {"bucket": {"name": [bucket]}}
    if prefix and suffix:
        detail["object"] = {"key": [{"wildcard": f"{_wildcard_literal(prefix)}*{_wildcard_literal(suffix)}"}]}
    elif prefix or suffix:
        detail["object"] = {"key": [{"prefix": prefix} if prefix else {"suffix": suffix}]}
    return {"source": ["aws.s3"], "detail-type": types, "detail": detail}


def route_through_eventbridge(
    parent: pulumi.Resource,
    name: str,
    source_plan: AwsSourcePlan,
    *,
    bucket: pulumi.Input[str],
    prefix: str | None,
    suffix: str | None,
    types: list[str],
    manage_bucket_eventbridge: bool,
) -> SqsSource:
    """The rule, the queue (admitting only that rule), the rule's target, and the bucket's EventBridge switch."""
    child = pulumi.ResourceOptions(parent=parent)
    plan = source_plan.plan
    rule = aws.cloudwatch.EventRule(
        f"{name}-rule",
        name=default_name(plan.base, RULE_NAME_MAX),
        description=pulumi.Output.format(
            "S3 {0} in {1} to Argo Events {2}/{3}", ", ".join(types), bucket, plan.namespace, plan.event_source_name
        ),
        event_pattern=pulumi.Output.json_dumps(event_pattern(bucket, prefix, suffix, types)),
        state="ENABLED",
        region=source_plan.region,
        tags=plan.cloud_tags,
        opts=child,
    )
    account_id, _ = caller_account(parent)
    senders = service_senders("EventBridgeMaySendForOneRule", "events.amazonaws.com", rule.arn, account_id)
    source = create_sqs_source(parent, name, source_plan, senders=senders)
    aws.cloudwatch.EventTarget(
        f"{name}-rule-target",
        rule=rule.name,
        target_id="argo-events-queue",
        arn=source.queue.arn,
        region=source_plan.region,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[source.queue_policy]),
    )
    if manage_bucket_eventbridge:
        aws.s3.BucketNotification(
            f"{name}-bucket-eventbridge", bucket=bucket, eventbridge=True, region=source_plan.region, opts=child
        )
    return source
