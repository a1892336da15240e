"""The `snowflake` source package's declaration (see `registry`): its blueprint and the resources it needs. It
receives through the `webhooks` package's EventSource, so it declares no EventSource kind; pulumi-snowflake computes
nothing the blueprint reads, so it needs no placeholders. Imports no cloud SDK."""

from pulumi_metaflow_blueprints.registry import SourcePackage
from pulumi_metaflow_blueprints.snowflake.needs import MINIMUM

__all__ = ["SOURCE_PACKAGE"]

SOURCE_PACKAGE = SourcePackage(name="snowflake", blueprints=("TableChangeTrigger",), minimum=MINIMUM)
