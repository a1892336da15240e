"""Typed arguments shared by the GCP blueprints (see core/args.py for the schema rules they follow)."""

from enum import Enum
from typing import TypedDict

import pulumi
from typing_extensions import NotRequired

__all__ = ["GcpAlarms", "GcpIdentity", "GcpIdentityMode", "PubSubSubscription", "PubSubTopic"]


class GcpIdentityMode(str, Enum):
    """How the EventSource pod (on GKE with Workload Identity Federation) is allowed to pull its subscription."""

    GOOGLE_SERVICE_ACCOUNT = "google-service-account"
    """A Google service account holding `roles/pubsub.subscriber` on the subscription, impersonated by the exact
    Kubernetes service account (`roles/iam.workloadIdentityUser`, annotation `iam.gke.io/gcp-service-account`)."""
    WORKLOAD_IDENTITY_PRINCIPAL = "workload-identity-principal"
    """No Google service account: the Kubernetes service account's own Workload Identity Federation principal
    (`principal://.../subject/ns/<namespace>/sa/<name>`) is granted `roles/pubsub.subscriber` on the subscription."""


class GcpIdentity(TypedDict):
    """The identity the EventSource uses to pull and acknowledge messages of its one subscription."""

    mode: GcpIdentityMode
    """Which mechanism gives the EventSource pod its Google credentials."""
    cluster_project: NotRequired[str]
    """Project of the GKE cluster, whose Workload Identity pool is `<project>.svc.id.goog`. Defaults to `project`."""
    cluster_project_number: NotRequired[pulumi.Input[str]]
    """Number of `cluster_project` (used by `workload-identity-principal`; may be another resource's output; checked
    when known). Looked up when unset."""
    service_account_id: NotRequired[str]
    """Account id of the Google service account created in `google-service-account` mode (6-30 characters).
    Defaults to one derived from the blueprint name and the stack."""


class PubSubSubscription(TypedDict):
    """The pull subscription the EventSource reads, and its dead-letter topic."""

    name: NotRequired[str]
    """Subscription name. Defaults to `<project>-<stack>-<blueprint name>`, known at preview."""
    ack_deadline_seconds: NotRequired[int]
    """Seconds a pulled message stays leased before it is redelivered (10 to 600). Defaults to 60."""
    message_retention_seconds: NotRequired[int]
    """How long an unacknowledged message is kept (600 to 604800). Defaults to 604800 (7 days, the maximum)."""
    minimum_backoff_seconds: NotRequired[int]
    """Shortest delay before a nacked or expired message is redelivered (0 to 600). Defaults to 10."""
    maximum_backoff_seconds: NotRequired[int]
    """Longest delay of the exponential redelivery backoff (0 to 600). Defaults to 600."""
    max_delivery_attempts: NotRequired[int]
    """Deliveries before a message moves to the dead-letter topic (5 to 100). Defaults to 5."""
    dead_letter_retention_seconds: NotRequired[int]
    """How long the dead-letter subscription keeps messages (600 to 604800). Defaults to 604800 (7 days)."""
    filter: NotRequired[str]
    """A Pub/Sub filter on message attributes, e.g. `attributes.kind = "orders"`; Pub/Sub drops the rest."""


class PubSubTopic(TypedDict):
    """A topic this blueprint creates."""

    name: NotRequired[str]
    """Topic name. Defaults to `<project>-<stack>-<blueprint name>`, known at preview."""
    kms_key_name: NotRequired[pulumi.Input[str]]
    """A Cloud KMS key (`projects/.../cryptoKeys/...`) encrypting the topic's messages (may be another resource's
    output, e.g. a `CryptoKey`'s id; checked when known). Publishers' service agents must be allowed to use it.
    Defaults to Google-managed encryption."""


class GcpAlarms(TypedDict):
    """A Cloud Monitoring alert policy on the dead-letter subscription: a message there (an event that failed)
    notifies the given channels."""

    notification_channels: list[pulumi.Input[str]]
    """Notification channels to notify, `projects/<project>/notificationChannels/<id>` (at least one; each may be
    another resource's output, e.g. a `NotificationChannel`'s id; checked when known)."""
    duration_seconds: NotRequired[int]
    """How long the dead-letter subscription must hold messages before the policy opens an incident: a multiple of
    60 up to 3600. Defaults to 0 (the first sample with a message)."""
