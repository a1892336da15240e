"""The Snowflake objects of `TableChangeTrigger`. This module imports pulumi-snowflake (slow to import): only the
component's constructor imports it, so importing the package or any other blueprint never pays for it."""

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_snowflake as snowflake

from pulumi_metaflow_blueprints.snowflake.args import SnowflakeObjectKind
from pulumi_metaflow_blueprints.snowflake.plan import SnowflakePlan
from pulumi_metaflow_blueprints.snowflake.sql import (
    BATCH_COLUMNS,
    POSTER_ARGUMENT,
    POSTER_HANDLER,
    SECRET_VARIABLE,
    poster_code,
    stream_has_data,
    task_body,
)

__all__ = ["PYTHON_RUNTIME", "SERVERLESS_INITIAL_SIZE", "SNOWPARK_VERSION", "SnowflakeObjects", "create_objects"]

PYTHON_RUNTIME = "3.11"
SNOWPARK_VERSION = "1.14.0"
SERVERLESS_INITIAL_SIZE = "XSMALL"


@dataclass(frozen=True)
class SnowflakeObjects:
    """What `create_objects` registered."""

    stream: pulumi.CustomResource
    batches: snowflake.Table
    secret: snowflake.SecretWithGenericString
    network_rule: snowflake.NetworkRule
    integration: snowflake.ExternalAccessIntegration
    poster: snowflake.ProcedurePython
    task: snowflake.Task


def _stream(parent: pulumi.Resource, name: str, plan: SnowflakePlan, comment: str) -> pulumi.CustomResource:
    """`StreamOnView` for a view, else `StreamOnTable`, on the watched object (its quoted fully qualified name)."""
    stream: dict[str, Any] = {
        **plan.stream.placement,
        "append_only": "true" if plan.append_only else "false",
        "comment": comment,
        "opts": pulumi.ResourceOptions(parent=parent),
    }
    if plan.kind is SnowflakeObjectKind.VIEW:
        return snowflake.StreamOnView(f"{name}-stream", view=plan.source.qualified, **stream)
    return snowflake.StreamOnTable(f"{name}-stream", table=plan.source.qualified, **stream)


def _schedule(seconds: int) -> snowflake.TaskScheduleArgs:
    """Whole minutes as minutes, anything else as seconds."""
    if seconds % 60 == 0:
        return snowflake.TaskScheduleArgs(minutes=seconds // 60)
    return snowflake.TaskScheduleArgs(seconds=seconds)


def create_objects(
    parent: pulumi.Resource,
    name: str,
    plan: SnowflakePlan,
    token: pulumi.Output[str],
    comment: str,
    receiver: list[pulumi.Resource],
) -> SnowflakeObjects:
    """Register the stream, batch table, token secret, egress rule and integration, poster procedure and task.

    The task starts only once ``receiver`` (the EventSource, the Ingress) exists, so its first POST has somewhere to go.
    """
    child = pulumi.ResourceOptions(parent=parent)
    stream = _stream(parent, name, plan, comment)
    batches = snowflake.Table(
        f"{name}-batches",
        **plan.batches.placement,
        columns=[snowflake.TableColumnArgs(name=col, type=kind, nullable=False) for col, kind in BATCH_COLUMNS],
        comment=f"{comment} One row per batch of changes posted to the webhook.",
        opts=child,
    )
    secret = snowflake.SecretWithGenericString(
        f"{name}-webhook-secret",
        **plan.secret.placement,
        secret_string=token,
        comment=f"{comment} Bearer token of the webhook.",
        opts=child,
    )
    network_rule = snowflake.NetworkRule(
        f"{name}-egress-rule",
        **plan.network_rule.placement,
        mode="EGRESS",
        type="HOST_PORT",
        value_lists=[plan.host_port],
        comment=f"{comment} The webhook's host only.",
        opts=child,
    )
    integration = snowflake.ExternalAccessIntegration(
        f"{name}-egress",
        name=plan.integration,
        allowed_network_rules=[plan.network_rule.qualified],
        allowed_authentication_secrets=snowflake.ExternalAccessIntegrationAllowedAuthenticationSecretsArgs(
            secrets=[plan.secret.qualified]
        ),
        enabled=True,
        comment=comment,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[network_rule, secret]),
    )
    poster = snowflake.ProcedurePython(
        f"{name}-poster",
        **plan.poster.placement,
        arguments=[snowflake.ProcedurePythonArgumentArgs(arg_name=POSTER_ARGUMENT, arg_data_type="VARCHAR")],
        return_type="VARCHAR",
        handler=POSTER_HANDLER,
        procedure_definition=poster_code(plan),
        runtime_version=PYTHON_RUNTIME,
        snowpark_package=SNOWPARK_VERSION,
        external_access_integrations=[plan.integration],
        secrets=[
            snowflake.ProcedurePythonSecretArgs(secret_id=plan.secret.qualified, secret_variable_name=SECRET_VARIABLE)
        ],
        execute_as="OWNER",
        comment=f"{comment} Posts one batch to the webhook.",
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[integration]),
    )
    task = snowflake.Task(
        f"{name}-task",
        **plan.task.placement,
        schedule=_schedule(plan.schedule_seconds),
        when=stream_has_data(plan),
        sql_statement=task_body(plan),
        warehouse=plan.warehouse,
        user_task_managed_initial_warehouse_size=None if plan.warehouse else SERVERLESS_INITIAL_SIZE,
        allow_overlapping_execution="false",
        started=True,
        comment=comment,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[stream, batches, poster, *receiver]),
    )
    return SnowflakeObjects(
        stream=stream,
        batches=batches,
        secret=secret,
        network_rule=network_rule,
        integration=integration,
        poster=poster,
        task=task,
    )
