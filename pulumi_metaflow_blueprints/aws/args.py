"""Typed arguments shared by the AWS blueprints (see core/args.py for the schema rules they follow)."""

from enum import Enum
from typing import TypedDict

import pulumi
from typing_extensions import NotRequired

from pulumi_metaflow_blueprints.core.arguments import plain_because

__all__ = ["AwsAlarms", "AwsIdentity", "AwsIdentityMode", "QueueOptions", "S3Delivery"]


class AwsIdentityMode(str, Enum):
    """How the EventSource pod gets AWS credentials to read its queue."""

    POD_IDENTITY = "pod-identity"
    """EKS Pod Identity: a role trusted by `pods.eks.amazonaws.com`, associated with the exact service account."""
    IRSA = "irsa"
    """IAM Roles for Service Accounts: a role trusted by the cluster's OIDC provider for the exact service account."""
    ROLE_ARN = "role-arn"
    """An existing role the EventSource assumes (its `roleARN`); the queue policy is attached to it inline."""


class AwsIdentity(TypedDict):
    """The identity the EventSource uses to receive and delete messages on its one queue."""

    mode: AwsIdentityMode
    """Which mechanism gives the EventSource pod its credentials."""
    cluster_name: NotRequired[pulumi.Input[str]]
    """EKS cluster name (required for `pod-identity`; may be another resource's output; checked when known)."""
    oidc_provider_arn: NotRequired[pulumi.Input[str]]
    """ARN of the cluster's IAM OIDC provider (required for `irsa`; may be another resource's output; checked when
    known)."""
    role_arn: NotRequired[str]
    """ARN of an existing role the EventSource assumes (required for `role-arn`). A plain value: it goes into the
    EventSource spec."""
    permissions_boundary_arn: NotRequired[pulumi.Input[str]]
    """Permissions boundary put on the role this blueprint creates, where your organisation requires one (may be
    another resource's output; checked when known)."""


class QueueOptions(TypedDict):
    """The SQS queue between the cloud source and the EventSource."""

    name: NotRequired[str]
    """Queue name. Defaults to `<project>-<stack>-<blueprint name>`, known at preview."""
    max_receive_count: NotRequired[int]
    """Receives before a message moves to the dead-letter queue. Defaults to 5."""
    visibility_timeout_seconds: NotRequired[int]
    """How long a received message stays hidden before it is received again. Defaults to 60."""
    message_retention_seconds: NotRequired[int]
    """How long an unread message is kept (60 to 1209600). Defaults to 345600 (4 days)."""
    dead_letter_retention_seconds: NotRequired[int]
    """How long the dead-letter queue keeps messages. Defaults to 1209600 (14 days, the maximum)."""
    kms_master_key_id: NotRequired[pulumi.Input[str]]
    """A customer-managed KMS key for the queues (key id, key ARN, `alias/<name>` or alias ARN; may be another
    resource's output; checked when known); the sender must be allowed to use it. Defaults to SQS-managed SSE."""


class AwsAlarms(TypedDict):
    """A CloudWatch alarm on the dead-letter queue: a message there (an event that failed) notifies an SNS topic."""

    topic_arn: pulumi.Input[str]
    """ARN of the SNS topic notified when the dead-letter queue holds messages, and again when it is empty (may be
    another resource's output; checked when known). CloudWatch must be allowed to publish to it (and to use its KMS
    key, if it has one)."""
    period_seconds: NotRequired[int]
    """Length of each evaluation period: a multiple of 60 (SQS publishes one-minute metrics) up to 86400. Defaults
    to 60."""
    evaluation_periods: NotRequired[int]
    """Consecutive periods with messages in the dead-letter queue before the alarm fires. Defaults to 1. Together
    at most one day (`period_seconds` x `evaluation_periods`; seven days for periods of an hour or more)."""


plain_because(
    AwsIdentity,
    role_arn="it goes into the EventSource spec (`roleARN`), which is checked before anything is created",
)


class S3Delivery(str, Enum):
    """How a bucket's events reach the blueprint's queue."""

    NOTIFICATION = "notification"
    """A bucket notification sends to the queue. A bucket has one notification configuration: one blueprint a bucket."""
    EVENTBRIDGE = "eventbridge"
    """The bucket sends events to EventBridge and the blueprint's own rule routes them: many blueprints per bucket."""
