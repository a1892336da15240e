"""The AWS identity an EventSource pod uses to read its queue: Pod Identity, IRSA, or a role it assumes."""

import json
import re
from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_aws as aws

from pulumi_metaflow_blueprints.aws import policies
from pulumi_metaflow_blueprints.aws.args import AwsIdentity, AwsIdentityMode
from pulumi_metaflow_blueprints.core.arguments import checked_when_known, when_known
from pulumi_metaflow_blueprints.errors import BlueprintInputError

__all__ = [
    "CLUSTER_NAME",
    "OIDC_PROVIDER_ARN",
    "POLICY_ARN",
    "ROLE_ARN",
    "QueueReader",
    "check_boundary",
    "check_identity",
    "create_queue_reader",
]

ROLE_ARN = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/(?:[\w+=,.@-]+/)*([\w+=,.@-]{1,64})$", re.ASCII)
OIDC_PROVIDER_ARN = re.compile(
    r"^arn:aws[a-z-]*:iam::\d{12}:oidc-provider/"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?\.)+[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?"
    r"(?:/(?!\.\.?(?:/|$))[A-Za-z0-9._~-]+)*$",
    re.ASCII,
)
"""The issuer (a host name, then path segments) keys the trust policy's conditions: no `*`, `?` or `${`."""
POLICY_ARN = re.compile(r"arn:aws[a-z-]*:iam::(\d{12}|aws):policy/(?:[\w+=,.@-]+/)*[\w+=,.@-]{1,128}", re.ASCII)
CLUSTER_NAME = re.compile(r"^[0-9A-Za-z][A-Za-z0-9\-_]{0,99}$")


def check_identity(identity: AwsIdentity | None) -> AwsIdentity:
    """Validate the identity choice before anything is created."""
    modes = ", ".join(m.value for m in AwsIdentityMode)
    if not identity or not identity.get("mode"):
        raise BlueprintInputError("identity", "is required", f"set `identity.mode` to one of {modes}")
    try:
        mode = AwsIdentityMode(identity["mode"])
    except ValueError:
        raise BlueprintInputError(
            "identity.mode", f"{identity['mode']!r} is not a mode", f"use one of {modes}"
        ) from None
    needs = {
        AwsIdentityMode.POD_IDENTITY: ("cluster_name", CLUSTER_NAME, "the EKS cluster's name"),
        AwsIdentityMode.IRSA: ("oidc_provider_arn", OIDC_PROVIDER_ARN, "arn:aws:iam::<account>:oidc-provider/<issuer>"),
        AwsIdentityMode.ROLE_ARN: ("role_arn", ROLE_ARN, "arn:aws:iam::<account>:role/<name>"),
    }
    key, pattern, example = needs[mode]
    value = identity.get(key)
    if not value:
        raise BlueprintInputError(f"identity.{key}", f"is required with mode {mode.value!r}", f"give {example}")
    checked: dict[str, object] = {**identity, "mode": mode}
    checked[key] = checked_when_known(value, lambda known: _check_form(known, f"identity.{key}", pattern, example))
    boundary = identity.get("permissions_boundary_arn")
    if boundary is not None:
        checked["permissions_boundary_arn"] = checked_when_known(boundary, check_boundary)
    return AwsIdentity(**checked)  # type: ignore[typeddict-item]


def _check_form(value: object, argument: str, pattern: re.Pattern[str], example: str) -> None:
    if not isinstance(value, str) or not pattern.fullmatch(value):
        raise BlueprintInputError(argument, f"{value!r} is malformed", f"give {example}")


def check_boundary(value: object, argument: str = "identity.permissions_boundary_arn") -> None:
    """A permissions boundary: an IAM policy ARN."""
    if not isinstance(value, str) or not POLICY_ARN.fullmatch(value):
        raise BlueprintInputError(
            argument, f"{value!r} is not a policy ARN", "give arn:aws:iam::<account>:policy/<name>"
        )


@dataclass(frozen=True)
class QueueReader:
    """What the EventSource needs to use the identity."""

    role_arn: pulumi.Output[str]
    service_account_annotations: dict[str, pulumi.Input[str]]


def create_queue_reader(
    parent: pulumi.Resource,
    name: str,
    identity: AwsIdentity,
    *,
    namespace: str,
    service_account: str,
    queue_arn: pulumi.Input[str],
    account_id: pulumi.Input[str],
    partition: pulumi.Input[str],
    region: str,
    kms_key_arn: pulumi.Input[str | None] = None,
) -> QueueReader:
    """Create the role (or attach to the given one) allowing only reads of one queue (and decrypting with
    ``kms_key_arn``, when it is or resolves to a key ARN)."""
    opts = pulumi.ResourceOptions(parent=parent)
    mode = AwsIdentityMode(identity["mode"])
    consumer = pulumi.Output.json_dumps(when_known(kms_key_arn, lambda key: policies.queue_consumer(queue_arn, key)))
    if mode is AwsIdentityMode.ROLE_ARN:
        role_arn = str(identity.get("role_arn"))
        match = ROLE_ARN.fullmatch(role_arn)
        assert match is not None
        aws.iam.RolePolicy(f"{name}-queue-access", role=match.group(1), policy=consumer, opts=opts)
        return QueueReader(pulumi.Output.from_input(role_arn), {})
    cluster_name, oidc_provider_arn = identity.get("cluster_name"), identity.get("oidc_provider_arn")
    if mode is AwsIdentityMode.IRSA:
        assert oidc_provider_arn is not None
        trust: Any = when_known(
            oidc_provider_arn,  # its issuer is a key of the trust policy's conditions
            lambda arn: json.dumps(policies.irsa_trust(arn, namespace, service_account)),
        )
    else:
        assert cluster_name is not None
        cluster_arn = pulumi.Output.format(
            "arn:{0}:eks:{1}:{2}:cluster/{3}", partition, region, account_id, cluster_name
        )
        trust = pulumi.Output.json_dumps(
            policies.pod_identity_trust(account_id, cluster_arn, namespace, service_account)
        )
    role = aws.iam.Role(
        f"{name}-reader",
        assume_role_policy=trust,
        description=f"Argo Events EventSource {namespace}/{service_account}: read one SQS queue",
        permissions_boundary=identity.get("permissions_boundary_arn"),
        opts=opts,
    )
    aws.iam.RolePolicy(f"{name}-queue-access", role=role.id, policy=consumer, opts=opts)
    if mode is AwsIdentityMode.IRSA:
        role_arn = role.arn  # each read of a resource property goes through the SDK's getter: read it once
        return QueueReader(role_arn, {"eks.amazonaws.com/role-arn": role_arn})
    aws.eks.PodIdentityAssociation(
        f"{name}-pod-identity",
        cluster_name=cluster_name,
        namespace=namespace,
        service_account=service_account,
        role_arn=role.arn,
        region=region,
        opts=opts,
    )
    return QueueReader(role.arn, {})
