"""`TableChangeTrigger`: changes in a Snowflake table or view start a Metaflow flow.

A stream records the changes; a task checks it on a schedule and, only when it has data, records the batch (which
consumes the stream) and has a Python procedure POST one JSON notification per batch to the webhook receiver with
`Authorization: Bearer <token>`, which the EventSource's `authSecret` checks. Snowflake's own webhook notification
integrations (`TYPE = WEBHOOK`) only accept Slack, Microsoft Teams and PagerDuty URLs, so the POST goes through an
external access integration limited to the receiver's host instead. Needs the extras `[snowflake,webhooks]`;
pulumi-snowflake is imported only when a `TableChangeTrigger` is constructed.
"""

from typing import TypedDict

import pulumi
from typing_extensions import NotRequired

from pulumi_metaflow_blueprints.core.args import FieldFilter, KubernetesSettings, SensorOptions, Target
from pulumi_metaflow_blueprints.core.arguments import blueprint_inputs
from pulumi_metaflow_blueprints.core.blueprint import publish_outputs, type_token
from pulumi_metaflow_blueprints.core.fields import EventPath, SourceField
from pulumi_metaflow_blueprints.core.filters import exact, string_filter
from pulumi_metaflow_blueprints.core.plan import plan_blueprint
from pulumi_metaflow_blueprints.core.sensor import create_sensor
from pulumi_metaflow_blueprints.snowflake.args import SnowflakeObjectKind, SnowflakeTaskRole
from pulumi_metaflow_blueprints.snowflake.plan import check_source, plan_snowflake
from pulumi_metaflow_blueprints.snowflake.sql import SOURCE
from pulumi_metaflow_blueprints.webhooks.args import WebhookAuthMode, WebhookIngress
from pulumi_metaflow_blueprints.webhooks.fields import webhook_catalog
from pulumi_metaflow_blueprints.webhooks.receiver import ReceiverOptions, create_receiver, plan_receiver

__all__ = ["EVENT_NAME", "SNOWFLAKE_CHANGE_FIELDS", "TableChangeTrigger", "TableChangeTriggerArgs"]

EVENT_NAME = "table-change"

_BODY = EventPath(("body",))
SNOWFLAKE_CHANGE_FIELDS = webhook_catalog(
    "Snowflake table change",
    [
        SourceField(
            "table", _BODY.child("table"), "The watched object, `DATABASE.SCHEMA.NAME`.", "ANALYTICS.RAW.ORDERS"
        ),
        SourceField("database", _BODY.child("database"), "Its database.", "ANALYTICS"),
        SourceField("schema", _BODY.child("schema"), "Its schema.", "RAW"),
        SourceField("name", _BODY.child("name"), "Its name.", "ORDERS"),
        SourceField("kind", _BODY.child("kind"), "`table` or `view`.", "table"),
        SourceField("inserted_rows", _BODY.child("inserted_rows"), "Rows inserted (a JSON number).", "42"),
        SourceField("updated_rows", _BODY.child("updated_rows"), "Rows updated (a JSON number).", "3"),
        SourceField("deleted_rows", _BODY.child("deleted_rows"), "Rows deleted (a JSON number).", "1"),
        SourceField(
            "batch_id",
            _BODY.child("batch_id"),
            "Batch id (a UUID); its row in the batch table.",
            "6f1c1b7e-4d7a-4c3e-9a51-0f2b8d6e7c11",
        ),
        SourceField(
            "sent_at",
            _BODY.child("sent_at"),
            "When Snowflake posted the batch (ISO 8601, UTC).",
            "2026-11-20T08:15:30.123Z",
        ),
        SourceField("source", _BODY.child("source"), f"Always `{SOURCE}`.", SOURCE),
    ],
).identified_by("batch_id", time="sent_at")


class TableChangeTriggerArgs(TypedDict):
    """Arguments of `TableChangeTrigger`."""

    database: str
    """Database of the watched table or view, as Snowflake stores it (upper case unless it was created quoted)."""
    schema: str
    """Schema of the watched table or view."""
    table: str
    """Name of the watched table or view."""
    kind: NotRequired[SnowflakeObjectKind]
    """`table` (default) or `view`."""
    append_only: NotRequired[bool]
    """Track inserts only (an append-only stream): updates and deletes are not reported. Defaults to false."""
    objects_database: NotRequired[str]
    """Database for the blueprint's stream, batch table, secret, network rule, procedure and task. Defaults to
    `database`."""
    objects_schema: NotRequired[str]
    """Schema for the blueprint's objects. Defaults to `schema`."""
    name_prefix: NotRequired[str]
    """Upper-case prefix of every object name (`<prefix>_STREAM`, `<prefix>_TASK`, ...). Defaults to
    `<PROJECT>_<STACK>_<NAME>`, so stacks never collide on the account-level integration."""
    warehouse: NotRequired[str]
    """Run the task on this warehouse. When unset the task is serverless (billed for the compute it uses)."""
    schedule_seconds: NotRequired[int]
    """How often the task checks the stream, in seconds (10 to 86400). Defaults to 60. The task only runs when the
    stream has data (`SYSTEM$STREAM_HAS_DATA`)."""
    role: NotRequired[SnowflakeTaskRole]
    """Create a least-privilege role that owns the task and what it uses. Without it the deploying role owns them."""
    ingress: NotRequired[WebhookIngress]
    """The Ingress Snowflake posts through (HTTPS, public). Required unless `public_url` is given."""
    public_url: NotRequired[str]
    """HTTPS base URL at which you expose the EventSource's Service yourself; the endpoint is appended."""
    kubernetes: KubernetesSettings
    """Namespaces, EventBus and labels of the Argo Events objects."""
    targets: list[Target]
    """What to start for each batch of changes: flows and/or Metaflow events."""
    filters: NotRequired[list[FieldFilter]]
    """Further Sensor filters on the batch's fields (anchored)."""
    sensor: NotRequired[SensorOptions]
    """Retry and rate limit of the Sensor's triggers."""


class TableChangeTrigger(pulumi.ComponentResource):
    """Changes in a Snowflake table or view start a Metaflow flow or publish a Metaflow event, one run per batch.

    Creates in Snowflake a stream on the table or view, a batch table, a secret holding the webhook's bearer token, a
    network rule and external access integration admitting only the webhook's host, a Python procedure that posts a
    batch, and a scheduled task that runs only when the stream has data (optionally a role owning them); in
    Kubernetes the receiving side (token Secret, `webhook` EventSource checking the token, Ingress) and the Sensor.
    """

    url: pulumi.Output[str]
    """Where Snowflake posts: `https://<host>/<name>`."""
    token: pulumi.Output[str]
    """The bearer token (secret); Snowflake reads it from its secret object."""
    stream_name: pulumi.Output[str]
    """Fully qualified name of the stream."""
    task_name: pulumi.Output[str]
    """Fully qualified name of the task."""
    batch_table_name: pulumi.Output[str]
    """Fully qualified name of the batch table (one row per notification sent)."""
    event_source_name: pulumi.Output[str]
    """Name of the EventSource."""
    sensor_name: pulumi.Output[str]
    """Name of the Sensor."""
    workflow_templates: pulumi.Output[list[str]]
    """WorkflowTemplates the Sensor creates Workflows from."""

    def __init__(self, name: str, args: TableChangeTriggerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        with blueprint_inputs(TableChangeTrigger, name, args) as args:
            try:
                from pulumi_metaflow_blueprints.snowflake import grants, resources
            except ImportError as error:  # pragma: no cover - depends on the environment
                raise ImportError(
                    "TableChangeTrigger needs `pip install pulumi-metaflow-blueprints[snowflake,webhooks]`"
                ) from error

            fields = SNOWFLAKE_CHANGE_FIELDS
            source = check_source(args)
            plan = plan_blueprint(
                TableChangeTrigger,
                name,
                args,
                fields,
                event_name=EVENT_NAME,
                source_filters=[
                    string_filter(fields.resolve("source", "source"), exact([SOURCE])),
                    string_filter(fields.resolve("table", "table"), exact([source.dotted])),
                ],
            )
            options = ReceiverOptions.from_args(args, WebhookAuthMode.BEARER, require_public=True)
            receiving = plan_receiver(plan, options)
            assert receiving.public_base is not None  # require_public
            url_argument = "public_url" if args.get("public_url") else "ingress.host"
            snow = plan_snowflake(args, plan.base, receiving.public_base + receiving.endpoint_base, url_argument)
        super().__init__(type_token(TableChangeTrigger), name, None, opts)

        receiver = create_receiver(self, name, plan, receiving)
        comment = f"Metaflow trigger {plan.namespace}/{plan.sensor_name} (pulumi-metaflow-blueprints)."
        listening: list[pulumi.Resource] = [r for r in (receiver.event_source, receiver.ingress) if r is not None]
        objects = resources.create_objects(self, name, snow, receiver.token, comment, listening)
        if snow.role is not None:
            grants.create_role(self, name, snow, snow.role, objects, comment)
        create_sensor(self, name, plan, depends_on=[receiver.event_source])
        publish_outputs(
            self,
            plan,
            url=receiver.url,
            token=receiver.token,
            stream_name=snow.stream.qualified,
            task_name=snow.task.qualified,
            batch_table_name=snow.batches.qualified,
        )
