"""The fewest resources a careful engineer would write by hand for each webhook blueprint, and why (`benchmarks/`);
`RECEIVER` and `BEARER` are the receiving side other packages (Snowflake) reuse."""

from pulumi_metaflow_blueprints.core.needs import EVENT_SOURCE, RANDOM, SENSOR_NEEDS
from pulumi_metaflow_blueprints.registry import ResourceNeed

__all__ = ["BEARER", "MINIMUM", "RECEIVER"]

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

MINIMUM: dict[str, tuple[ResourceNeed, ...]] = {
    "WebhookTrigger": (*BEARER, *RECEIVER, *SENSOR_NEEDS),
    "DbtCloudJobTrigger": (
        ResourceNeed(
            "path token", RANDOM, "dbt Cloud signs with an HMAC Argo cannot check: an unguessable path instead"
        ),
        *RECEIVER,
        ResourceNeed("dbt Cloud webhook", "^dbtcloud:index/webhook:Webhook$", "job.run.completed for the chosen jobs"),
        *SENSOR_NEEDS,
    ),
    "FivetranSyncTrigger": (
        ResourceNeed(
            "path token", RANDOM, "Fivetran's signature cannot be checked by Argo: an unguessable path instead"
        ),
        *RECEIVER,
        *SENSOR_NEEDS,
    ),
}
