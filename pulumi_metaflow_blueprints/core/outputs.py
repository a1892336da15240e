"""The outputs every blueprint publishes, set and registered in one place."""

from typing import Any

import pulumi

from pulumi_metaflow_blueprints.core.plan import TriggerPlan


def publish_outputs(component: pulumi.ComponentResource, plan: TriggerPlan, **outputs: pulumi.Input[Any]) -> None:
    """Set ``outputs`` plus the plan's `event_source_name`, `sensor_name` and `workflow_templates` on ``component``
    (declared there as `pulumi.Output` annotations), then register them all: the component's last step."""
    values: dict[str, pulumi.Input[Any]] = {
        **outputs,
        "event_source_name": plan.event_source_name,
        "sensor_name": plan.sensor_name,
        "workflow_templates": plan.workflow_templates,
    }
    for key, value in values.items():
        setattr(component, key, pulumi.Output.from_input(value))
    component.register_outputs({key: getattr(component, key) for key in values})
