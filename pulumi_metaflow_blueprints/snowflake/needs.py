"""The fewest resources a careful engineer would write by hand for the Snowflake blueprint, and why (`benchmarks/`)."""

from pulumi_metaflow_blueprints.core.needs import SENSOR_NEEDS
from pulumi_metaflow_blueprints.registry import ResourceNeed
from pulumi_metaflow_blueprints.webhooks.needs import BEARER, RECEIVER

__all__ = ["MINIMUM"]

MINIMUM: dict[str, tuple[ResourceNeed, ...]] = {
    "TableChangeTrigger": (
        ResourceNeed("stream", "^snowflake:index/stream", "tracks changes in the table or view"),
        ResourceNeed(
            "sink table",
            "^snowflake:index/table:Table$",
            "a stream's offset advances only when DML reads it: the task inserts each batch here",
        ),
        ResourceNeed("task", "^snowflake:index/task:Task$", "runs when the stream has data, consumes it, notifies"),
        ResourceNeed("Snowflake secret", "^snowflake:index/secret", "holds the bearer token the notification sends"),
        ResourceNeed(
            "network rule",
            "^snowflake:index/networkRule:NetworkRule$",
            "egress to the receiving host only: webhook notification integrations reach only Slack, Teams and "
            "PagerDuty, so a generic HTTPS POST needs external access",
        ),
        ResourceNeed(
            "external access integration",
            "^snowflake:index/externalAccessIntegration:ExternalAccessIntegration$",
            "lets the procedure use that rule and that secret",
        ),
        ResourceNeed("procedure", "^snowflake:index/procedure", "posts the batch notification with the bearer token"),
        ResourceNeed(
            "role, grants and ownership",
            "^snowflake:index/(accountRole|grant)",
            "a role owning only these objects: one grant per object it touches, ownership of the objects it owns",
            count=16,
            optional="a dedicated role",
        ),
        *BEARER,
        *RECEIVER,
        *SENSOR_NEEDS,
    ),
}
