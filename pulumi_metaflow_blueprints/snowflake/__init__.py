"""Snowflake blueprints (extras `[snowflake,webhooks]`): changes in a table or view start Metaflow flows.

Importing this package does not import pulumi-snowflake (slow to import); constructing a blueprint does.
"""

from pulumi_metaflow_blueprints.snowflake.args import SnowflakeObjectKind, SnowflakeTaskRole, TableChangeTriggerArgs
from pulumi_metaflow_blueprints.snowflake.plan import PROVIDER_PREVIEW_FEATURES
from pulumi_metaflow_blueprints.snowflake.table_change import TableChangeTrigger

__all__ = [
    "PROVIDER_PREVIEW_FEATURES",
    "SnowflakeObjectKind",
    "SnowflakeTaskRole",
    "TableChangeTrigger",
    "TableChangeTriggerArgs",
]
