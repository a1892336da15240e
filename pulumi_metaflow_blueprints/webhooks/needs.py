"""The fewest resources a careful engineer would write by hand for each webhook blueprint, and why (`benchmarks/`);
`RECEIVER` and `BEARER` are the receiving side other packages (Snowflake) reuse."""

from pulumi_metaflow_blueprints.core.needs import EVENT_SOURCE, RANDOM, SENSOR_NEEDS
from pulumi_metaflow_blueprints.registry import ResourceNeed

__all__ = ["BEARER", "MINIMUM", "RECEIVER", "SIGNATURE", "VERIFIER"]

RECEIVER = (
    ResourceNeed("EventSource (webhook)", EVENT_SOURCE, "the HTTP endpoint"),
    ResourceNeed(
        "Service",
        "^kubernetes:core/v1:Service$",
        "routes to the EventSource pod (the EventSource's own `service` field can make it instead)",
        optional="a separate Service",
    ),
    ResourceNeed(
        "Ingress",
        "^kubernetes:networking.k8s.io/v1:Ingress$",
        "lets systems outside the cluster reach the endpoint",
        optional="an Ingress",
    ),
)

BEARER = (
    ResourceNeed("bearer token", RANDOM, "generated once, stable across runs"),
    ResourceNeed("Kubernetes Secret", "^kubernetes:core/v1:Secret$", "the token the EventSource's authSecret checks"),
)

VERIFIER = (
    ResourceNeed(
        "verifier script", "^kubernetes:core/v1:ConfigMap$", "the package's verifier, run on a stock Python image"
    ),
    ResourceNeed(
        "verifier Deployment",
        "^kubernetes:apps/v1:Deployment$",
        "checks each request's HMAC (Argo cannot), forwards verified ones with the bearer token",
    ),
    ResourceNeed("verifier Service", "^kubernetes:core/v1:Service$", "where senders (and the Ingress) post"),
    ResourceNeed(
        "PodDisruptionBudget",
        "^kubernetes:policy/v1:PodDisruptionBudget$",
        "keeps one verifier up through node drains",
        optional="2 or more verifier replicas",
    ),
    ResourceNeed(
        "NetworkPolicy",
        "^kubernetes:networking.k8s.io/v1:NetworkPolicy$",
        "only the verifier may reach the EventSource",
        optional="`verifier.network_policy`",
    ),
)

SIGNATURE = (
    ResourceNeed(
        "signing secret Secret", "^kubernetes:core/v1:Secret$", "the signing secret, mounted into the verifier"
    ),
    *VERIFIER,
)
"""What a signed webhook adds to the bearer receiving side: the verifier and its signing secret's Secret."""

MINIMUM: dict[str, tuple[ResourceNeed, ...]] = {
    "WebhookTrigger": (
        *BEARER,
        *RECEIVER,
        ResourceNeed("signing secret", RANDOM, "generated for senders that sign", optional="`signature`"),
        *(
            ResourceNeed(need.role, need.pattern, need.why, need.count, need.optional or "`signature`")
            for need in SIGNATURE
        ),
        *SENSOR_NEEDS,
    ),
    "DbtCloudJobTrigger": (
        *BEARER,
        *RECEIVER,
        *SIGNATURE,
        ResourceNeed("dbt Cloud webhook", "^dbtcloud:index/webhook:Webhook$", "job.run.completed for the chosen jobs"),
        *SENSOR_NEEDS,
    ),
    "FivetranSyncTrigger": (
        *BEARER,
        ResourceNeed("signing secret", RANDOM, "the key Fivetran signs with, generated once"),
        *RECEIVER,
        *SIGNATURE,
        *SENSOR_NEEDS,
    ),
}
