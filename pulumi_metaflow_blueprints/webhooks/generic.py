"""`WebhookTrigger`: an authenticated HTTP POST starts a Metaflow flow (webhook EventSource -> Sensor)."""

from typing import TypedDict

import pulumi
from typing_extensions import NotRequired

from pulumi_metaflow_blueprints.core.args import FieldFilter, KubernetesSettings, SensorOptions, Target
from pulumi_metaflow_blueprints.core.arguments import blueprint_inputs
from pulumi_metaflow_blueprints.core.blueprint import publish_outputs, type_token
from pulumi_metaflow_blueprints.core.plan import plan_blueprint
from pulumi_metaflow_blueprints.core.sensor import create_sensor
from pulumi_metaflow_blueprints.webhooks.args import WebhookAuthMode, WebhookIngress
from pulumi_metaflow_blueprints.webhooks.fields import webhook_catalog
from pulumi_metaflow_blueprints.webhooks.receiver import ReceiverOptions, create_receiver, plan_receiver

__all__ = ["EVENT_NAME", "WEBHOOK_FIELDS", "WebhookTrigger", "WebhookTriggerArgs"]

EVENT_NAME = "webhook"
WEBHOOK_FIELDS = webhook_catalog("webhook")


class WebhookTriggerArgs(TypedDict):
    """Arguments of `WebhookTrigger`."""

    auth: NotRequired[WebhookAuthMode]
    """How senders authenticate. Defaults to `bearer` (`Authorization: Bearer <token>`, checked by Argo Events)."""
    ingress: NotRequired[WebhookIngress]
    """An Ingress so systems outside the cluster can post. Without it (or `public_url`) the URL is in-cluster only."""
    public_url: NotRequired[str]
    """HTTPS base URL at which you expose the EventSource's Service yourself (a gateway); the endpoint is appended."""
    kubernetes: KubernetesSettings
    """Namespaces, EventBus and labels of the Argo Events objects."""
    targets: list[Target]
    """What to start for each request: flows and/or Metaflow events (fields `body.<path>`, `header.<Name>`)."""
    filters: NotRequired[list[FieldFilter]]
    """Sensor filters on the request's fields (anchored), e.g. `{"field": "body.kind", "equals": ["daily"]}`."""
    sensor: NotRequired[SensorOptions]
    """Retry and rate limit of the Sensor's triggers."""


class WebhookTrigger(pulumi.ComponentResource):
    """An HTTP POST with the right token starts a Metaflow flow or publishes a Metaflow event.

    Creates a random token (kept in state as a secret) and a Kubernetes Secret holding it, a `webhook` EventSource
    with its own Service that checks the token, optionally an Ingress, and the Sensor.
    """

    url: pulumi.Output[str]
    """Where senders post: `https://<host>/<name>` with an ingress, else the in-cluster Service URL."""
    token: pulumi.Output[str]
    """The secret senders present: the bearer token, or in `secret-path` mode the path token (already in `url`)."""
    event_source_name: pulumi.Output[str]
    """Name of the EventSource."""
    sensor_name: pulumi.Output[str]
    """Name of the Sensor."""
    workflow_templates: pulumi.Output[list[str]]
    """WorkflowTemplates the Sensor creates Workflows from."""

    def __init__(self, name: str, args: WebhookTriggerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        with blueprint_inputs(WebhookTrigger, name, args) as args:
            plan = plan_blueprint(WebhookTrigger, name, args, WEBHOOK_FIELDS, event_name=EVENT_NAME)
            options = ReceiverOptions.from_args(args, args.get("auth") or WebhookAuthMode.BEARER)
            receiving = plan_receiver(plan, options)
        super().__init__(type_token(WebhookTrigger), name, None, opts)

        receiver = create_receiver(self, name, plan, receiving)
        create_sensor(self, name, plan, depends_on=[receiver.event_source])

        publish_outputs(self, plan, url=receiver.url, token=receiver.token)
