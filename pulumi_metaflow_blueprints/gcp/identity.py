"""The Google identity an EventSource pod on GKE uses to pull one subscription: a Google service account it
impersonates through Workload Identity, or its own Workload Identity Federation principal."""

from collections.abc import Mapping
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from pulumi_metaflow_blueprints.core.arguments import checked_when_known
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.gcp.args import GcpIdentity, GcpIdentityMode
from pulumi_metaflow_blueprints.gcp.names import (
    check_account_id,
    check_project_id,
    check_project_number,
    default_account_id,
)

SUBSCRIBER = "roles/pubsub.subscriber"
WORKLOAD_IDENTITY_USER = "roles/iam.workloadIdentityUser"
GKE_ANNOTATION = "iam.gke.io/gcp-service-account"

__all__ = [
    "GKE_ANNOTATION",
    "SUBSCRIBER",
    "WORKLOAD_IDENTITY_USER",
    "GcpIdentityPlan",
    "ProjectNumbers",
    "SubscriptionReader",
    "create_subscription_reader",
    "plan_gcp_identity",
    "workload_identity_member",
    "workload_identity_principal",
]


@dataclass(frozen=True)
class GcpIdentityPlan:
    """A checked identity choice, every name decided."""

    mode: GcpIdentityMode
    cluster_project: str
    cluster_project_number: pulumi.Input[str] | None
    account_id: str | None
    """The Google service account's id (`google-service-account` mode only)."""


def plan_gcp_identity(identity: GcpIdentity | None, project: str, base: str) -> GcpIdentityPlan:
    """Check the identity choice and decide its names, before anything is created."""
    modes = ", ".join(m.value for m in GcpIdentityMode)
    if not isinstance(identity, Mapping) or not identity.get("mode"):
        raise BlueprintInputError("identity", "is required", f"set `identity.mode` to one of {modes}")
    try:
        mode = GcpIdentityMode(identity["mode"])
    except ValueError:
        raise BlueprintInputError(
            "identity.mode", f"{identity['mode']!r} is not a mode", f"use one of {modes}"
        ) from None
    cluster_project = check_project_id(identity.get("cluster_project") or project, "identity.cluster_project")
    number = identity.get("cluster_project_number")
    if number is not None:
        number = checked_when_known(
            number, lambda known: check_project_number(known, "identity.cluster_project_number")
        )
    account_id = identity.get("service_account_id")
    if mode is GcpIdentityMode.GOOGLE_SERVICE_ACCOUNT:
        account_id = check_account_id(account_id or default_account_id(base), "identity.service_account_id")
    elif account_id is not None:
        raise BlueprintInputError(
            "identity.service_account_id",
            f"is only used with mode {GcpIdentityMode.GOOGLE_SERVICE_ACCOUNT.value!r}",
            "remove it, or switch the mode",
        )
    return GcpIdentityPlan(mode, cluster_project, number, account_id)


def workload_identity_member(cluster_project: str, namespace: str, service_account: str) -> str:
    """The IAM member of one Kubernetes service account in the cluster project's Workload Identity pool."""
    return f"serviceAccount:{cluster_project}.svc.id.goog[{namespace}/{service_account}]"


def workload_identity_principal(
    project_number: pulumi.Input[str], cluster_project: str, namespace: str, service_account: str
) -> pulumi.Output[str]:
    """The Workload Identity Federation principal of one Kubernetes service account (no Google service account)."""
    return pulumi.Output.format(
        "principal://iam.googleapis.com/projects/{0}/locations/global/workloadIdentityPools/{1}.svc.id.goog"
        "/subject/ns/{2}/sa/{3}",
        project_number,
        cluster_project,
        namespace,
        service_account,
    )


class ProjectNumbers:
    """Project numbers, looked up once per project unless given."""

    def __init__(self, parent: pulumi.Resource) -> None:
        self._parent = parent
        self._numbers: dict[str, pulumi.Output[str]] = {}

    def of(self, project: str) -> pulumi.Output[str]:
        """The number of ``project``."""
        if project not in self._numbers:
            opts = pulumi.InvokeOutputOptions(parent=self._parent)
            self._numbers[project] = gcp.organizations.get_project_output(project_id=project, opts=opts).number
        return self._numbers[project]


@dataclass(frozen=True)
class SubscriptionReader:
    """What the EventSource needs to use the identity."""

    member: pulumi.Output[str]
    """The IAM member granted `roles/pubsub.subscriber` on the subscription."""
    service_account_email: pulumi.Output[str] | None
    annotations: dict[str, pulumi.Input[str]]
    grants: list[pulumi.Resource]
    """What must exist before the EventSource starts pulling."""


def create_subscription_reader(
    parent: pulumi.Resource,
    name: str,
    identity: GcpIdentityPlan,
    *,
    project: str,
    subscription: pulumi.Input[str],
    namespace: str,
    service_account: str,
    numbers: ProjectNumbers,
) -> SubscriptionReader:
    """Grant exactly one Kubernetes service account the right to pull (and ack) exactly one subscription."""
    opts = pulumi.ResourceOptions(parent=parent)
    if identity.mode is GcpIdentityMode.WORKLOAD_IDENTITY_PRINCIPAL:
        number = identity.cluster_project_number or numbers.of(identity.cluster_project)
        member = workload_identity_principal(number, identity.cluster_project, namespace, service_account)
        grant = gcp.pubsub.SubscriptionIAMMember(
            f"{name}-subscriber", project=project, subscription=subscription, role=SUBSCRIBER, member=member, opts=opts
        )
        return SubscriptionReader(member, None, {}, [grant])
    assert identity.account_id is not None
    account = gcp.serviceaccount.Account(
        f"{name}-reader",
        project=project,
        account_id=identity.account_id,
        display_name=f"Argo Events {namespace}/{service_account}",
        description="Pulls one Pub/Sub subscription for an Argo Events EventSource (metaflow-blueprints).",
        opts=opts,
    )
    grant = gcp.pubsub.SubscriptionIAMMember(
        f"{name}-subscriber",
        project=project,
        subscription=subscription,
        role=SUBSCRIBER,
        member=account.member,
        opts=opts,
    )
    binding = gcp.serviceaccount.IAMMember(
        f"{name}-workload-identity",
        service_account_id=account.name,
        role=WORKLOAD_IDENTITY_USER,
        member=workload_identity_member(identity.cluster_project, namespace, service_account),
        opts=opts,
    )
    return SubscriptionReader(account.member, account.email, {GKE_ANNOTATION: account.email}, [grant, binding])
