"""Snowflake blueprints (extras `[snowflake,webhooks]`): changes in a table or view start Metaflow flows.

Exports are imported on first use (`registry.lazy_exports`); constructing a blueprint imports pulumi-snowflake.
"""

from typing import TYPE_CHECKING

from pulumi_metaflow_blueprints.registry import lazy_exports

if TYPE_CHECKING:
    from pulumi_metaflow_blueprints.snowflake.args import SnowflakeObjectKind, SnowflakeTaskRole
    from pulumi_metaflow_blueprints.snowflake.plan import PROVIDER_PREVIEW_FEATURES
    from pulumi_metaflow_blueprints.snowflake.table_change import TableChangeTrigger, TableChangeTriggerArgs

__all__ = [
    "PROVIDER_PREVIEW_FEATURES",
    "SnowflakeObjectKind",
    "SnowflakeTaskRole",
    "TableChangeTrigger",
    "TableChangeTriggerArgs",
]

__getattr__ = lazy_exports(
    __name__,
    {
        "args": ("SnowflakeObjectKind", "SnowflakeTaskRole"),
        "plan": ("PROVIDER_PREVIEW_FEATURES",),
        "table_change": ("TableChangeTrigger", "TableChangeTriggerArgs"),
    },
)
