"""Kubernetes objects every blueprint creates from its plan: service accounts and the Argo custom resources.

The EventSource and Sensor specs registered here were checked against the Argo Events controller's rules when the
blueprint was planned (`argo.validation`, before anything registers); they are not checked again.
"""

from collections.abc import Mapping
from typing import Any, Literal

import pulumi
import pulumi_kubernetes as k8s

from pulumi_metaflow_blueprints.core.plan import BlueprintPlan

__all__ = ["ARGO_API_VERSION", "argo_resource", "metadata", "service_account"]

ARGO_API_VERSION = "argoproj.io/v1alpha1"


def metadata(
    name: str, namespace: str, labels: Mapping[str, str], annotations: Mapping[str, pulumi.Input[str]] | None = None
) -> k8s.meta.v1.ObjectMetaArgsDict:
    """An object's metadata: its name, namespace, our labels and optional annotations (a dict: the same on the wire
    as `ObjectMetaArgs`, and cheaper for the SDK to serialize)."""
    meta: k8s.meta.v1.ObjectMetaArgsDict = {"name": name, "namespace": namespace, "labels": dict(labels)}
    if annotations:
        meta["annotations"] = dict(annotations)
    return meta


def service_account(
    resource_name: str,
    plan: BlueprintPlan,
    name: str,
    opts: pulumi.ResourceOptions,
    annotations: Mapping[str, pulumi.Input[str]] | None = None,
) -> k8s.core.v1.ServiceAccount:
    """A service account in the plan's namespace with its labels and optional annotations (e.g. an IRSA role)."""
    return k8s.core.v1.ServiceAccount(
        resource_name, metadata=metadata(name, plan.namespace, plan.labels, annotations), opts=opts
    )


def argo_resource(
    kind: Literal["EventSource", "Sensor"],
    resource_name: str,
    plan: BlueprintPlan,
    name: str,
    spec: dict[str, Any],
    opts: pulumi.ResourceOptions,
    annotations: Mapping[str, str] | None = None,
) -> k8s.apiextensions.CustomResource:
    """An EventSource or a Sensor in the plan's namespace, its ``spec`` checked when the blueprint was planned."""
    return k8s.apiextensions.CustomResource(
        resource_name,
        api_version=ARGO_API_VERSION,
        kind=kind,
        metadata=metadata(name, plan.namespace, plan.labels, annotations),
        spec=spec,
        opts=opts,
    )
