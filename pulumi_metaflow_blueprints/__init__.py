"""Pulumi components that start Metaflow flows on Argo Workflows from external events.

Each blueprint bundles the cloud-side resources with the Argo Events EventSource and Sensor they feed. Source
packages (`aws`, `gcp`, `webhooks`, `snowflake`: every folder with a `package.py`, see `registry`) are imported
lazily, so `import pulumi_metaflow_blueprints` pulls in no cloud provider SDK:

    from pulumi_metaflow_blueprints.aws import S3ObjectTrigger
"""

import importlib
from typing import TYPE_CHECKING, Any

from pulumi_metaflow_blueprints.core.args import (
    FieldFilter,
    FlowTarget,
    KubernetesSettings,
    MetaflowEventTarget,
    RateLimitUnit,
    SensorOptions,
    Target,
)
from pulumi_metaflow_blueprints.errors import ArgoSpecError, BlueprintInputError
from pulumi_metaflow_blueprints.registry import source_package_names

if TYPE_CHECKING:
    from pulumi_metaflow_blueprints import aws, gcp, snowflake, webhooks

__version__ = "0.1.0"

__all__ = [
    "ArgoSpecError",
    "BlueprintInputError",
    "FieldFilter",
    "FlowTarget",
    "KubernetesSettings",
    "MetaflowEventTarget",
    "RateLimitUnit",
    "SensorOptions",
    "Target",
    "aws",
    "gcp",
    "snowflake",
    "webhooks",
]


def __getattr__(name: str) -> Any:
    """Import a source package (`aws`, `gcp`, `webhooks`, `snowflake`, ...) on first use."""
    if name in source_package_names():
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
