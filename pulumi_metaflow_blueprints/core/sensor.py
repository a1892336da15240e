"""The Sensor that joins a source to its targets, with the least RBAC it needs."""

from dataclasses import dataclass

import pulumi
import pulumi_kubernetes as k8s

from pulumi_metaflow_blueprints.core import kube
from pulumi_metaflow_blueprints.core.plan import TriggerPlan, sensor_annotations, sensor_spec


@dataclass(frozen=True)
class SensorResources:
    """What `create_sensor` registered."""

    sensor: k8s.apiextensions.CustomResource
    service_account: k8s.core.v1.ServiceAccount | None
    role: k8s.rbac.v1.Role | None


def create_sensor(
    parent: pulumi.Resource, name: str, plan: TriggerPlan, depends_on: list[pulumi.Resource]
) -> SensorResources:
    """Register the Sensor (and its service account and Role when it starts flows) under ``parent``."""
    child = pulumi.ResourceOptions(parent=parent)
    account = None
    if plan.create_sensor_service_account:
        account = kube.service_account(
            f"{name}-sensor-sa",
            name=plan.sensor_service_account,
            namespace=plan.namespace,
            labels=plan.labels,
            opts=child,
        )
    role = None
    waits: list[pulumi.Resource] = [*depends_on, *([account] if account else [])]
    if plan.needs_workflow_rbac:
        role = k8s.rbac.v1.Role(
            f"{name}-sensor-role",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=plan.sensor_name, namespace=plan.workflow_namespace, labels=plan.labels
            ),
            rules=[k8s.rbac.v1.PolicyRuleArgs(api_groups=["argoproj.io"], resources=["workflows"], verbs=["create"])],
            opts=child,
        )
        binding = k8s.rbac.v1.RoleBinding(
            f"{name}-sensor-binding",
            metadata=k8s.meta.v1.ObjectMetaArgs(
                name=plan.sensor_name, namespace=plan.workflow_namespace, labels=plan.labels
            ),
            role_ref=k8s.rbac.v1.RoleRefArgs(api_group="rbac.authorization.k8s.io", kind="Role", name=plan.sensor_name),
            subjects=[
                k8s.rbac.v1.SubjectArgs(
                    kind="ServiceAccount", name=plan.sensor_service_account, namespace=plan.namespace
                )
            ],
            opts=pulumi.ResourceOptions(parent=parent, depends_on=[role]),
        )
        waits.append(binding)
    sensor = kube.sensor(
        f"{name}-sensor",
        name=plan.sensor_name,
        namespace=plan.namespace,
        labels=plan.labels,
        spec=sensor_spec(plan),
        annotations=sensor_annotations(plan),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=waits),
    )
    return SensorResources(sensor=sensor, service_account=account, role=role)
