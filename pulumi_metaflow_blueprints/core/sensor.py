"""The Sensor that joins a source to its targets, with the least RBAC it needs."""

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from pulumi_metaflow_blueprints.core import kube
from pulumi_metaflow_blueprints.core.dlq import parked_role_name
from pulumi_metaflow_blueprints.core.plan import BlueprintPlan, sensor_annotations, sensor_spec

__all__ = ["SensorResources", "create_sensor"]


@dataclass(frozen=True)
class SensorResources:
    """What `create_sensor` registered."""

    sensor: k8s.apiextensions.CustomResource
    service_account: k8s.core.v1.ServiceAccount | None
    role: k8s.rbac.v1.Role | None
    parked_role: k8s.rbac.v1.Role
    """Lets the Sensor create the ConfigMaps its triggers park failed events in (`core.dlq`), in its namespace."""


def create_sensor(
    parent: pulumi.Resource, name: str, plan: BlueprintPlan, depends_on: list[pulumi.Resource]
) -> SensorResources:
    """Register the Sensor under ``parent``, with its service account (unless given), the Role to start flows (when
    it does) and the Role to park failed events."""
    child = pulumi.ResourceOptions(parent=parent)
    account = None
    if plan.create_sensor_service_account:
        account = kube.service_account(f"{name}-sensor-sa", plan, plan.sensor_service_account, child)
    role = None
    waits: list[pulumi.Resource] = [*depends_on, *([account] if account else [])]
    if plan.needs_workflow_rbac:
        role = k8s.rbac.v1.Role(
            f"{name}-sensor-role",
            metadata=kube.metadata(plan.sensor_name, plan.workflow_namespace, plan.labels),
            rules=[{"api_groups": ["argoproj.io"], "resources": ["workflows"], "verbs": plan.workflow_verbs}],
            opts=child,
        )
        binding = k8s.rbac.v1.RoleBinding(
            f"{name}-sensor-binding",
            metadata=kube.metadata(plan.sensor_name, plan.workflow_namespace, plan.labels),
            role_ref={"api_group": "rbac.authorization.k8s.io", "kind": "Role", "name": plan.sensor_name},
            subjects=[{"kind": "ServiceAccount", "name": plan.sensor_service_account, "namespace": plan.namespace}],
            opts=pulumi.ResourceOptions(parent=parent, depends_on=[role]),
        )
        waits.append(binding)
    parked_role = _parked_rbac(parent, name, plan, waits)
    after = pulumi.ResourceOptions(parent=parent, depends_on=waits)
    spec, annotations = sensor_spec(plan), sensor_annotations(plan)
    sensor = kube.argo_resource("Sensor", f"{name}-sensor", plan, plan.sensor_name, spec, after, annotations)
    return SensorResources(sensor=sensor, service_account=account, role=role, parked_role=parked_role)


def _parked_rbac(
    parent: pulumi.Resource, name: str, plan: BlueprintPlan, waits: list[pulumi.Resource]
) -> k8s.rbac.v1.Role:
    """The Role (create ConfigMaps, nothing else) and RoleBinding in the plan's namespace that let the Sensor's
    service account (created or given) park failed events; the binding joins ``waits``."""
    role_name = parked_role_name(plan.sensor_name)
    role = k8s.rbac.v1.Role(
        f"{name}-sensor-parked-role",
        metadata=kube.metadata(role_name, plan.namespace, plan.labels),
        rules=[{"api_groups": [""], "resources": ["configmaps"], "verbs": ["create"]}],
        opts=pulumi.ResourceOptions(parent=parent),
    )
    waits.append(
        k8s.rbac.v1.RoleBinding(
            f"{name}-sensor-parked-binding",
            metadata=kube.metadata(role_name, plan.namespace, plan.labels),
            role_ref={"api_group": "rbac.authorization.k8s.io", "kind": "Role", "name": role_name},
            subjects=[{"kind": "ServiceAccount", "name": plan.sensor_service_account, "namespace": plan.namespace}],
            opts=pulumi.ResourceOptions(parent=parent, depends_on=[role]),
        )
    )
    return role
