"""What every blueprint does first and last: register under its type token, then publish its outputs."""

from typing import Any

import pulumi

from pulumi_metaflow_blueprints.core.plan import BlueprintPlan

__all__ = ["PACKAGE_NAME", "publish_outputs", "type_token"]

PACKAGE_NAME = "metaflow-blueprints"
"""The Pulumi package name: a blueprint's type token is `metaflow-blueprints:index:<class name>`."""


def type_token(blueprint: type) -> str:
    """The type token ``blueprint`` registers under (and the provider serves it as)."""
    return f"{PACKAGE_NAME}:index:{blueprint.__name__}"


def publish_outputs(component: pulumi.ComponentResource, plan: BlueprintPlan, **outputs: pulumi.Input[Any]) -> None:
    """Set ``outputs`` plus the plan's `event_source_name`, `sensor_name` and `workflow_templates` on ``component``
    (declared there as `pulumi.Output` annotations), then register them all: the component's last step."""
    values: dict[str, pulumi.Input[Any]] = {
        **outputs,
        "event_source_name": plan.event_source_name,
        "sensor_name": plan.sensor_name,
        "workflow_templates": plan.workflow_templates,
    }
    published: dict[str, pulumi.Output[Any]] = {}
    for key, value in values.items():
        # An Output's value holds no nested inputs (`apply` lifts them, resources resolve to plain values): set as is.
        published[key] = value if isinstance(value, pulumi.Output) else pulumi.Output.from_input(value)
        setattr(component, key, published[key])
    component.register_outputs(published)
