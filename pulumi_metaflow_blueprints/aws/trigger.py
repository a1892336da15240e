"""What every AWS blueprint checks first and publishes last: the shared inputs and the shared outputs."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from pulumi_metaflow_blueprints.aws.args import AwsIdentity, QueueOptions
from pulumi_metaflow_blueprints.aws.identity import check_identity
from pulumi_metaflow_blueprints.aws.sqs import (
    SendersFor,
    SqsSource,
    check_queue_options,
    create_sqs_source,
    resolve_region,
)
from pulumi_metaflow_blueprints.core.fields import FieldCatalog
from pulumi_metaflow_blueprints.core.outputs import publish_outputs as core_publish_outputs
from pulumi_metaflow_blueprints.core.plan import TriggerPlan, plan_from_args


@dataclass(frozen=True)
class AwsTrigger:
    """The checked inputs every AWS blueprint shares."""

    plan: TriggerPlan
    identity: AwsIdentity
    region: str
    queue_name: str
    queue_options: QueueOptions


def check_trigger(
    blueprint: str,
    name: str,
    args: Mapping[str, Any],
    catalog: FieldCatalog,
    *,
    source_filters: Sequence[dict[str, Any]] = (),
    region: str | None = None,
) -> AwsTrigger:
    """Check identity, region, Kubernetes, targets, filters, Sensor and queue options; raise before any resource."""
    identity = check_identity(args.get("identity"))
    resolved_region = resolve_region(region or args.get("region"))
    plan = plan_from_args(
        blueprint,
        name,
        args,
        catalog,
        source_filters=source_filters,
    )
    queue_name, queue_options = check_queue_options(args.get("queue"), plan.base)
    return AwsTrigger(plan, identity, resolved_region, queue_name, queue_options)


def create_trigger_queue(
    parent: pulumi.Resource,
    name: str,
    trigger: AwsTrigger,
    *,
    event_name: str,
    senders: SendersFor,
    filter_expression: str | None = None,
    keep_unreadable: bool = False,
) -> SqsSource:
    """The SQS leg (`create_sqs_source`) of a checked trigger: its queue pair, policy, reader and EventSource."""
    return create_sqs_source(
        parent,
        name,
        trigger.plan,
        event_name=event_name,
        region=trigger.region,
        queue_name=trigger.queue_name,
        queue_options=trigger.queue_options,
        identity=trigger.identity,
        senders=senders,
        filter_expression=filter_expression,
        keep_unreadable=keep_unreadable,
    )


def publish_source_outputs(
    component: pulumi.ComponentResource, plan: TriggerPlan, source: SqsSource, **extra: pulumi.Input[Any]
) -> None:
    """`publish_outputs` for a blueprint that created its queue pair."""
    publish_outputs(
        component,
        plan,
        queue_url=source.queue.url,
        queue_arn=source.queue.arn,
        dead_letter_queue_arn=source.dead_letter_queue.arn,
        role_arn=source.reader.role_arn,
        **extra,
    )


def publish_outputs(
    component: pulumi.ComponentResource,
    plan: TriggerPlan,
    *,
    queue_url: pulumi.Input[str],
    queue_arn: pulumi.Input[str],
    dead_letter_queue_arn: pulumi.Input[str],
    role_arn: pulumi.Input[str],
    **extra: pulumi.Input[Any],
) -> None:
    """Set the outputs every AWS blueprint declares (plus ``extra``) and register them."""
    core_publish_outputs(
        component,
        plan,
        queue_url=queue_url,
        queue_arn=queue_arn,
        dead_letter_queue_arn=dead_letter_queue_arn,
        role_arn=role_arn,
        **extra,
    )
