"""`WebhookTrigger`: an authenticated HTTP POST starts a Metaflow flow (webhook EventSource -> Sensor).

Senders authenticate with the bearer token (checked by Argo Events), with a path token (`auth: secret-path`), or by
signing the body (`signature`: an HMAC the verifying receiver checks before forwarding with the bearer token).
"""

from typing import TypedDict

import pulumi
import pulumi_random as random
from typing_extensions import NotRequired

from pulumi_metaflow_blueprints.core.args import FieldFilter, KubernetesSettings, SensorOptions, Target
from pulumi_metaflow_blueprints.core.arguments import blueprint_inputs
from pulumi_metaflow_blueprints.core.blueprint import publish_outputs, type_token
from pulumi_metaflow_blueprints.core.plan import plan_blueprint
from pulumi_metaflow_blueprints.core.sensor import create_sensor
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.webhooks.args import VerifierOptions, WebhookAuthMode, WebhookIngress, WebhookSignature
from pulumi_metaflow_blueprints.webhooks.fields import webhook_catalog
from pulumi_metaflow_blueprints.webhooks.receiver import TOKEN_LENGTH, ReceiverOptions, create_receiver, plan_receiver
from pulumi_metaflow_blueprints.webhooks.verifying import (
    SignatureSettings,
    check_signature,
    create_verifier,
    plan_verifier,
)

__all__ = ["EVENT_NAME", "WEBHOOK_FIELDS", "WebhookTrigger", "WebhookTriggerArgs"]

EVENT_NAME = "webhook"
WEBHOOK_FIELDS = webhook_catalog("webhook")


class WebhookTriggerArgs(TypedDict):
    """Arguments of `WebhookTrigger`."""

    auth: NotRequired[WebhookAuthMode]
    """How senders authenticate. Defaults to `signature` when `signature` is given, else `bearer`
    (`Authorization: Bearer <token>`, checked by Argo Events)."""
    signature: NotRequired[WebhookSignature]
    """Senders sign each body with an HMAC instead of sending the token: a verifying receiver (a Deployment in front of
    the EventSource) checks the signature and forwards verified requests with the bearer token."""
    verifier: NotRequired[VerifierOptions]
    """Image, replicas, NetworkPolicy and resources of the verifying receiver (with `signature` only)."""
    ingress: NotRequired[WebhookIngress]
    """An Ingress so systems outside the cluster can post. Without it (or `public_url`) the URL is in-cluster only."""
    public_url: NotRequired[str]
    """HTTPS base URL at which you expose the EventSource's Service (with `signature`, the verifier's) yourself (a
    gateway); the endpoint is appended."""
    kubernetes: KubernetesSettings
    """Namespaces, EventBus and labels of the Argo Events objects."""
    targets: list[Target]
    """What to start for each request: flows and/or Metaflow events (fields `body.<path>`, `header.<Name>`)."""
    filters: NotRequired[list[FieldFilter]]
    """Sensor filters on the request's fields (anchored), e.g. `{"field": "body.kind", "equals": ["daily"]}`."""
    sensor: NotRequired[SensorOptions]
    """Retry and rate limit of the Sensor's triggers."""


class WebhookTrigger(pulumi.ComponentResource):
    """An HTTP POST with the right token (or signature) starts a Metaflow flow or publishes a Metaflow event.

    Creates a random token (kept in state as a secret) and a Kubernetes Secret holding it, a `webhook` EventSource
    with its own Service that checks the token, optionally an Ingress, and the Sensor. With `signature`, also the
    verifying receiver (ConfigMap, Secret, Deployment, Service, PodDisruptionBudget, optional NetworkPolicy) that
    senders post to.
    """

    url: pulumi.Output[str]
    """Where senders post: `https://<host>/<name>` with an ingress, else the in-cluster Service URL."""
    token: pulumi.Output[str]
    """The secret senders present: the bearer token, or in `secret-path` mode the path token (already in `url`); in
    `signature` mode the token only the verifier sends."""
    signing_secret: pulumi.Output[str]
    """The generated signing secret to give senders (`signature` without `secret_name`), else empty (secret)."""
    event_source_name: pulumi.Output[str]
    """Name of the EventSource."""
    sensor_name: pulumi.Output[str]
    """Name of the Sensor."""
    workflow_templates: pulumi.Output[list[str]]
    """WorkflowTemplates the Sensor creates Workflows from."""

    def __init__(self, name: str, args: WebhookTriggerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        with blueprint_inputs(WebhookTrigger, name, args) as args:
            plan = plan_blueprint(WebhookTrigger, name, args, WEBHOOK_FIELDS, event_name=EVENT_NAME)
            signature = _signature(args.get("auth"), args.get("signature"), args.get("verifier"))
            auth = WebhookAuthMode.SIGNATURE if signature is not None else args.get("auth") or WebhookAuthMode.BEARER
            receiving = plan_receiver(plan, ReceiverOptions.from_args(args, auth))
            verifying = plan_verifier(plan, receiving, signature, args.get("verifier")) if signature else None
        super().__init__(type_token(WebhookTrigger), name, None, opts)

        receiver = create_receiver(self, name, plan, receiving)
        signing_secret: pulumi.Output[str] = pulumi.Output.secret("")
        if verifying is not None:
            generated = None
            if verifying.signature.secret_name is None:
                password = random.RandomPassword(
                    f"{name}-signing-secret",
                    length=TOKEN_LENGTH,
                    special=False,
                    opts=pulumi.ResourceOptions(parent=self),
                )
                signing_secret = generated = pulumi.Output.secret(password.result)
            create_verifier(self, name, verifying, receiver, generated)
        create_sensor(self, name, plan, depends_on=[receiver.event_source])

        publish_outputs(self, plan, url=receiver.url, token=receiver.token, signing_secret=signing_secret)


def _signature(auth: object, signature: object, verifier: object) -> SignatureSettings | None:
    """The checked signature settings when senders sign (`signature` given, `auth` unset or `signature`)."""
    if signature is None:
        if auth == WebhookAuthMode.SIGNATURE.value:
            fix = "give `signature` (at least its `header`), or another `auth`"
            raise BlueprintInputError("signature", "is required with `auth: signature`", fix)
        if verifier is not None:
            raise BlueprintInputError(
                "verifier", "applies only with `signature`", "give `signature`, or drop `verifier`"
            )
        return None
    if auth is not None and auth != WebhookAuthMode.SIGNATURE.value:
        fix = "leave `auth` unset (or `signature`) with `signature`, or drop `signature`"
        raise BlueprintInputError("auth", f"{auth!r} cannot be combined with `signature`", fix)
    return check_signature(signature)
