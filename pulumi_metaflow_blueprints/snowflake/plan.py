"""The checked, plain decisions of one `TableChangeTrigger`: every Snowflake name, the schedule, role and URL."""

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pulumi

from pulumi_metaflow_blueprints.argo.spec import is_dict
from pulumi_metaflow_blueprints.core.plan import require
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.snowflake.args import SnowflakeObjectKind
from pulumi_metaflow_blueprints.snowflake.identifiers import (
    check_identifier,
    check_upper_name,
    check_warehouse,
    derived_name,
    qualified,
)

if TYPE_CHECKING:
    from pulumi_metaflow_blueprints.snowflake.table_change import TableChangeTriggerArgs

__all__ = [
    "DEFAULT_SCHEDULE_SECONDS",
    "MAX_SCHEDULE_SECONDS",
    "MIN_SCHEDULE_SECONDS",
    "PROVIDER_PREVIEW_FEATURES",
    "RolePlan",
    "SnowflakeObject",
    "SnowflakePlan",
    "check_flag",
    "check_kind",
    "check_receiver_url",
    "check_schedule",
    "check_source",
    "plan_snowflake",
]

PROVIDER_PREVIEW_FEATURES = (
    "snowflake_table_resource",
    "snowflake_external_access_integration_resource",
    "snowflake_procedure_python_resource",
)
"""pulumi-snowflake 2.x marks these resources as preview: list them in the provider's `previewFeaturesEnabled`."""
DEFAULT_SCHEDULE_SECONDS = 60
MIN_SCHEDULE_SECONDS = 10
MAX_SCHEDULE_SECONDS = 86400
_SAFE_URL = re.compile(r"^https://[A-Za-z0-9.-]+(:[0-9]{1,5})?(/[A-Za-z0-9._~%!*+,;=:@/-]*)?$")
"""What the receiver URL may contain: it is written into the poster procedure's code."""


@dataclass(frozen=True)
class SnowflakeObject:
    """A schema-level object: database, schema and name, and its quoted fully qualified name."""

    database: str
    schema: str
    name: str

    @property
    def qualified(self) -> str:
        """`"DB"."SCHEMA"."NAME"`."""
        return qualified(self.database, self.schema, self.name)

    @property
    def placement(self) -> dict[str, Any]:
        """`database`, `schema` and `name`, the arguments of pulumi-snowflake's schema-level resources."""
        return {"database": self.database, "schema": self.schema, "name": self.name}

    @property
    def dotted(self) -> str:
        """`DB.SCHEMA.NAME`, for people and payloads (names never contain dots)."""
        return f"{self.database}.{self.schema}.{self.name}"


@dataclass(frozen=True)
class RolePlan:
    """The least-privilege role: its name and the role it is granted to."""

    name: str
    parent: str


@dataclass(frozen=True)
class SnowflakePlan:
    """Everything the blueprint will create in Snowflake, decided before anything is registered."""

    source: SnowflakeObject
    kind: SnowflakeObjectKind
    append_only: bool
    stream: SnowflakeObject
    batches: SnowflakeObject
    secret: SnowflakeObject
    network_rule: SnowflakeObject
    poster: SnowflakeObject
    task: SnowflakeObject
    integration: str
    warehouse: str | None
    schedule_seconds: int
    role: RolePlan | None
    url: str
    host_port: str

    @property
    def schema_qualified(self) -> str:
        """The quoted schema holding the blueprint's objects."""
        return qualified(self.stream.database, self.stream.schema)

    @property
    def poster_signature(self) -> str:
        """The poster procedure as GRANT and ownership statements name it: name plus argument types."""
        return f"{self.poster.qualified}(VARCHAR)"


def check_schedule(value: object, argument: str = "schedule_seconds") -> int:
    """Seconds between stream checks: a whole number (floats from other languages accepted) in range."""
    if value is None:
        return DEFAULT_SCHEDULE_SECONDS
    number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
    if number is None or int(number) != number or not MIN_SCHEDULE_SECONDS <= number <= MAX_SCHEDULE_SECONDS:
        raise BlueprintInputError(
            argument,
            f"{value!r} is not a whole number of seconds from {MIN_SCHEDULE_SECONDS} to {MAX_SCHEDULE_SECONDS}",
            "e.g. 60 (check the stream every minute)",
        )
    return int(number)


def check_flag(value: object, argument: str) -> bool:
    """A boolean argument, false when unset."""
    if value is None:
        return False
    if not isinstance(value, bool):
        raise BlueprintInputError(argument, f"{value!r} is not true or false", "give a boolean")
    return value


def check_kind(value: object, argument: str = "kind") -> SnowflakeObjectKind:
    """`table` (default) or `view`."""
    if value is None:
        return SnowflakeObjectKind.TABLE
    try:
        return SnowflakeObjectKind(value)
    except ValueError:
        raise BlueprintInputError(argument, f"{value!r} is not an object kind", "use table or view") from None


def check_receiver_url(url: str, argument: str) -> tuple[str, str]:
    """The receiver URL (plain characters only: it goes into the procedure's code) and its `host:port`."""
    if not _SAFE_URL.fullmatch(url) or "$$" in url:
        raise BlueprintInputError(
            argument,
            f"the webhook URL {url!r} has characters the blueprint does not write into Snowflake code",
            "use a URL of letters, digits and -._~%!*+,;=:@/ only",
        )
    parts = urlsplit(url)
    return url, f"{parts.hostname}:{parts.port or 443}"


def _given(value: object, default: str) -> object:
    """``value`` unless it is unset (an empty string is given, and rejected by the check)."""
    return default if value is None else value


def check_source(args: "TableChangeTriggerArgs") -> SnowflakeObject:
    """The watched table or view."""
    return SnowflakeObject(
        check_identifier(require(args, "database", "the database of the table, e.g. ANALYTICS"), "database"),
        check_identifier(require(args, "schema", "the schema of the table, e.g. RAW"), "schema"),
        check_identifier(require(args, "table", "the table or view to watch, e.g. ORDERS"), "table"),
    )


def plan_snowflake(args: "TableChangeTriggerArgs", base: str, url: str, url_argument: str) -> SnowflakePlan:
    """Check the Snowflake arguments and name every object (pure: registers nothing)."""
    source = check_source(args)
    database, schema = source.database, source.schema
    home_db = check_identifier(_given(args.get("objects_database"), database), "objects_database")
    home_schema = check_identifier(_given(args.get("objects_schema"), schema), "objects_schema")
    given_prefix = args.get("name_prefix")
    if given_prefix is not None:
        prefix = check_upper_name(given_prefix, "name_prefix")
    else:
        prefix = derived_name(f"{pulumi.get_project()}_{pulumi.get_stack()}_{base}")
    warehouse = args.get("warehouse")
    role_args: object = args.get("role")
    role = None
    if role_args is not None:
        if not is_dict(role_args):
            raise BlueprintInputError("role", "must be an object", "give `{'parent_role': 'SYSADMIN'}`")
        parent = check_identifier(role_args.get("parent_role"), "role.parent_role")
        role_name = role_args.get("name")
        role = RolePlan(
            name=check_upper_name(role_name, "role.name") if role_name is not None else f"{prefix}_ROLE",
            parent=parent,
        )
    checked_url, host_port = check_receiver_url(url, url_argument)

    def home(suffix: str) -> SnowflakeObject:
        return SnowflakeObject(home_db, home_schema, f"{prefix}_{suffix}")

    return SnowflakePlan(
        source=source,
        kind=check_kind(args.get("kind")),
        append_only=check_flag(args.get("append_only"), "append_only"),
        stream=home("STREAM"),
        batches=home("BATCHES"),
        secret=home("WEBHOOK_TOKEN"),
        network_rule=home("WEBHOOK_EGRESS"),
        poster=home("POST_BATCH"),
        task=home("TASK"),
        integration=f"{prefix}_WEBHOOK_ACCESS",
        warehouse=check_warehouse(warehouse) if warehouse is not None else None,
        schedule_seconds=check_schedule(args.get("schedule_seconds")),
        role=role,
        url=checked_url,
        host_port=host_port,
    )
