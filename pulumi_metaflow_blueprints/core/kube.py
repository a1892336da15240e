"""Kubernetes objects every blueprint creates: labels, service accounts, and checked Argo custom resources."""

from collections.abc import Mapping
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pulumi_metaflow_blueprints.argo.validation import check_event_source, check_sensor
from pulumi_metaflow_blueprints.core.target import MANAGED_BY

ARGO_API_VERSION = "argoproj.io/v1alpha1"


STANDARD_LABEL_KEYS = frozenset(
    {
        "app.kubernetes.io/managed-by",
        "app.kubernetes.io/part-of",
        "metaflow-blueprints/blueprint",
        "metaflow-blueprints/instance",
    }
)
"""Labels every blueprint sets on its objects; users may not override them."""


def standard_labels(blueprint: str, base: str, extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Labels that let `kubectl get -l` find everything one blueprint instance made."""
    return {
        **(extra or {}),
        "app.kubernetes.io/managed-by": MANAGED_BY,
        "app.kubernetes.io/part-of": "metaflow",
        "metaflow-blueprints/blueprint": blueprint,
        "metaflow-blueprints/instance": base,
    }


def service_account(
    resource_name: str,
    *,
    name: str,
    namespace: str,
    labels: Mapping[str, str],
    annotations: Mapping[str, pulumi.Input[str]] | None = None,
    opts: pulumi.ResourceOptions,
) -> k8s.core.v1.ServiceAccount:
    """A service account with our labels and optional annotations (e.g. an IRSA role)."""
    return k8s.core.v1.ServiceAccount(
        resource_name,
        metadata=k8s.meta.v1.ObjectMetaArgs(
            name=name, namespace=namespace, labels=dict(labels), annotations=dict(annotations or {}) or None
        ),
        opts=opts,
    )


def _argo_resource(
    kind: str,
    resource_name: str,
    name: str,
    namespace: str,
    labels: Mapping[str, str],
    spec: Any,
    opts: pulumi.ResourceOptions,
    annotations: Mapping[str, str] | None = None,
) -> k8s.apiextensions.CustomResource:
    return k8s.apiextensions.CustomResource(
        resource_name,
        api_version=ARGO_API_VERSION,
        kind=kind,
        metadata=k8s.meta.v1.ObjectMetaArgs(
            name=name, namespace=namespace, labels=dict(labels), annotations=dict(annotations or {}) or None
        ),
        spec=spec,
        opts=opts,
    )


def event_source(
    resource_name: str,
    *,
    name: str,
    namespace: str,
    labels: Mapping[str, str],
    spec: dict[str, Any],
    opts: pulumi.ResourceOptions,
    checked_spec: dict[str, Any] | None = None,
) -> k8s.apiextensions.CustomResource:
    """An EventSource, checked against the Argo Events controller's rules before it is registered.

    When ``spec`` holds Outputs (e.g. an endpoint with a secret path), pass ``checked_spec``: the same spec with
    plain stand-ins for them, which is checked instead.
    """
    check_event_source(name, checked_spec if checked_spec is not None else spec)
    return _argo_resource("EventSource", resource_name, name, namespace, labels, spec, opts)


def sensor(
    resource_name: str,
    *,
    name: str,
    namespace: str,
    labels: Mapping[str, str],
    spec: dict[str, Any],
    opts: pulumi.ResourceOptions,
    annotations: Mapping[str, str] | None = None,
) -> k8s.apiextensions.CustomResource:
    """A Sensor, checked against the Argo Events controller's rules before it is registered."""
    check_sensor(name, spec)
    return _argo_resource("Sensor", resource_name, name, namespace, labels, spec, opts, annotations)
