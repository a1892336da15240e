"""What every AWS blueprint checks first and publishes last: the shared inputs and the shared outputs."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import pulumi

from pulumi_metaflow_blueprints.argo.validation import check_event_source
from pulumi_metaflow_blueprints.aws.args import AwsIdentity, AwsIdentityMode, QueueOptions
from pulumi_metaflow_blueprints.aws.identity import check_identity
from pulumi_metaflow_blueprints.aws.sqs import (
    SendersFor,
    SqsSource,
    check_queue_options,
    create_sqs_source,
    resolve_region,
    sqs_event_source_spec,
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
    event_source_spec: dict[str, Any]
    """The `sqs` EventSource's spec, checked against the Argo Events controller's rules."""


def check_trigger(
    blueprint: str,
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
) -> AwsTrigger:
    """Check identity, region, Kubernetes, targets, filters, Sensor and queue options, and render both Argo specs;
    raise before any resource. ``existing_queue`` is the (name, account id) of a queue read but not created."""
    identity = check_identity(args.get("identity"))
    resolved_region = resolve_region(region or args.get("region"))
    plan = plan_from_args(
        blueprint, name, args, catalog, event_name=event_name, source_filters=source_filters
    )
    queue_name, queue_options = check_queue_options(args.get("queue"), plan.base)
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
    return AwsTrigger(plan, identity, resolved_region, queue_name, queue_options, spec)


def create_trigger_queue(
    parent: pulumi.Resource,
    name: str,
    trigger: AwsTrigger,
    *,
    senders: SendersFor,
) -> SqsSource:
    """The SQS leg (`create_sqs_source`) of a checked trigger: its queue pair, policy, reader and EventSource."""
    return create_sqs_source(
        parent,
        name,
        trigger.plan,
        event_source_spec=trigger.event_source_spec,
        region=trigger.region,
        queue_name=trigger.queue_name,
        queue_options=trigger.queue_options,
        identity=trigger.identity,
        senders=senders,
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
