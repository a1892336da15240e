"""The Kubernetes side of a pulled source: the EventSource's service account, then the EventSource itself."""

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pulumi_metaflow_blueprints.core import kube
from pulumi_metaflow_blueprints.core.plan import BlueprintPlan

__all__ = ["create_event_source"]


def create_event_source(
    parent: pulumi.Resource,
    name: str,
    plan: BlueprintPlan,
    spec: dict[str, Any],
    *,
    annotations: Mapping[str, pulumi.Input[str]],
    depends_on: Sequence[pulumi.Resource] = (),
) -> tuple[k8s.core.v1.ServiceAccount, k8s.apiextensions.CustomResource]:
    """The plan's EventSource service account (with the cloud identity's annotations) and the EventSource,
    which waits for it and for ``depends_on`` (the grants that let it read)."""
    child = pulumi.ResourceOptions(parent=parent)
    account = kube.service_account(
        f"{name}-eventsource-sa", plan, plan.event_source_service_account, child, annotations
    )
    waits = pulumi.ResourceOptions(parent=parent, depends_on=[account, *depends_on])
    source = kube.argo_resource("EventSource", f"{name}-eventsource", plan, plan.event_source_name, spec, waits)
    return account, source
