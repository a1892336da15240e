"""Snowflake blueprints (extras `[snowflake,webhooks]`): changes in a table or view start Metaflow flows.

Importing this package does not import pulumi-snowflake (slow to import); constructing a blueprint does.
"""

from pulumi_metaflow_blueprints.snowflake.args import SnowflakeObjectKind, SnowflakeTaskRoleArgs, TableChangeTriggerArgs
from pulumi_metaflow_blueprints.snowflake.table_change import TableChangeTrigger

__all__ = [
    "SnowflakeObjectKind",
    "SnowflakeTaskRoleArgs",
    "TableChangeTrigger",
    "TableChangeTriggerArgs",
]
