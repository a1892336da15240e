"""Typed arguments of the Snowflake blueprint (see core/args.py for the schema rules they follow)."""

from enum import Enum
from typing import TypedDict

from typing_extensions import NotRequired

from pulumi_metaflow_blueprints.core.args import FieldFilter, KubernetesSettings, SensorOptions, Target
from pulumi_metaflow_blueprints.webhooks.args import WebhookIngress


class SnowflakeObjectKind(str, Enum):
    """What the watched object is; it decides the stream (`StreamOnTable` or `StreamOnView`)."""

    TABLE = "table"
    """A table: its owner's role creates the stream, or change tracking is already on."""
    VIEW = "view"
    """A view: change tracking must be on for the view and its underlying tables."""


class SnowflakeTaskRole(TypedDict):
    """A role created for the task: it owns only the stream, batch table, procedure and task, and gets only the
    grants the task needs, so the task does not run with the deploying role's privileges."""

    parent_role: str
    """An existing role granted the new role, so Pulumi (deploying with it or a role above it) keeps managing the
    objects the new role owns. Snowflake recommends SYSADMIN, or a role under it."""
    name: NotRequired[str]
    """Name of the role (upper case). Defaults to `<name_prefix>_ROLE`."""


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
