"""The Kubernetes side of a pulled source: the EventSource's service account, then the EventSource itself."""

from collections.abc import Mapping, Sequence
from typing import Any

import pulumi
import pulumi_kubernetes as k8s

from pulumi_metaflow_blueprints.core import kube
from pulumi_metaflow_blueprints.core.plan import TriggerPlan


def create_event_source(
    parent: pulumi.Resource,
    name: str,
    plan: TriggerPlan,
    spec: dict[str, Any],
    *,
    annotations: Mapping[str, pulumi.Input[str]],
    depends_on: Sequence[pulumi.Resource] = (),
) -> tuple[k8s.core.v1.ServiceAccount, k8s.apiextensions.CustomResource]:
    """The plan's EventSource service account (with the cloud identity's annotations) and the EventSource,
    which waits for it and for ``depends_on`` (the grants that let it read)."""
    account = kube.service_account(
        f"{name}-eventsource-sa",
        name=plan.event_source_service_account,
        namespace=plan.namespace,
        labels=plan.labels,
        annotations=annotations,
        opts=pulumi.ResourceOptions(parent=parent),
    )
    source = kube.event_source(
        f"{name}-eventsource",
        name=plan.event_source_name,
        namespace=plan.namespace,
        labels=plan.labels,
        spec=spec,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[account, *depends_on]),
    )
    return account, source
