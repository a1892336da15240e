"""`FivetranSyncTrigger`: a Fivetran connector's sync ending successfully starts a Metaflow flow.

Fivetran signs deliveries with `X-Fivetran-Signature-256` (an HMAC-SHA256 of the body, keyed by the webhook's
`secret`), which Argo Events cannot check: by default a verifying receiver (`webhooks.verifying`) checks it and
forwards verified deliveries to the EventSource with its bearer token; `auth: secret-path` opts out (the endpoint path
carries an unguessable token instead, no verifier). The Sensor accepts only successful `sync_end` events (of the given
connectors).
No maintained Pulumi provider on PyPI creates Fivetran webhooks, so the one Fivetran step (create the webhook with
`url`) is documented in `docs/blueprints/fivetran.md` ("The one Fivetran step") instead of shipping an API client.
"""

import re
from typing import TypedDict

import pulumi
import pulumi_random as random
from typing_extensions import NotRequired

from pulumi_metaflow_blueprints.argo.spec import is_list
from pulumi_metaflow_blueprints.core.args import FieldFilter, KubernetesSettings, SensorOptions, Target
from pulumi_metaflow_blueprints.core.arguments import blueprint_inputs
from pulumi_metaflow_blueprints.core.blueprint import publish_outputs, type_token
from pulumi_metaflow_blueprints.core.fields import EventPath, SourceField
from pulumi_metaflow_blueprints.core.filters import exact, string_filter
from pulumi_metaflow_blueprints.core.plan import plan_blueprint
from pulumi_metaflow_blueprints.core.sensor import create_sensor
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.webhooks.args import VerifierOptions, WebhookAuthMode, WebhookIngress
from pulumi_metaflow_blueprints.webhooks.fields import webhook_catalog
from pulumi_metaflow_blueprints.webhooks.receiver import TOKEN_LENGTH, create_receiver
from pulumi_metaflow_blueprints.webhooks.verifying import create_verifier, plan_signing_sender

__all__ = [
    "CONNECTOR_ID",
    "EVENT_NAME",
    "FIVETRAN_SYNC_FIELDS",
    "SUCCESSFUL",
    "SYNC_END",
    "FivetranSyncTrigger",
    "FivetranSyncTriggerArgs",
    "check_connector_ids",
]

EVENT_NAME = "sync-end"
SYNC_END = "sync_end"
SUCCESSFUL = "SUCCESSFUL"
CONNECTOR_ID = re.compile(r"^[A-Za-z0-9_]+$")

_BODY = EventPath(("body",))
FIVETRAN_SYNC_FIELDS = webhook_catalog(
    "Fivetran sync",
    [
        SourceField("connector_id", _BODY.child("connector_id"), "Connector id.", "mystified_presiding"),
        SourceField("connector_name", _BODY.child("connector_name"), "Connector (schema) name.", "orders_db"),
        SourceField("connector_type", _BODY.child("connector_type"), "Source type.", "postgres"),
        SourceField("sync_id", _BODY.child("sync_id"), "Sync id.", "4b8f0c7c-0fa9-49b6-bbbe-6e0c5cb4f6d5"),
        SourceField("status", _BODY.child("data", "status"), "Sync outcome; `SUCCESSFUL` here.", SUCCESSFUL),
        SourceField(
            "created", _BODY.child("created"), "When the event was created (ISO 8601).", "2026-11-20T08:38:34Z"
        ),
        SourceField("destination_group_id", _BODY.child("destination_group_id"), "Destination group id.", "deck_enjoy"),
        SourceField("event", _BODY.child("event"), "Always `sync_end` here.", SYNC_END),
        SourceField("data", _BODY.child("data"), "Event details; `data.<key>` reaches inside.", json_object=True),
    ],
).identified_by("sync_id", time="created")


class FivetranSyncTriggerArgs(TypedDict):
    """Arguments of `FivetranSyncTrigger`."""

    connector_ids: NotRequired[list[str]]
    """Only syncs of these connectors (ids like `mystified_presiding`). Defaults to all the webhook reports."""
    auth: NotRequired[WebhookAuthMode]
    """`signature` (default): a verifying receiver checks Fivetran's signature; `secret-path`: no verifier, the URL
    path carries an unguessable token instead (the EventSource spec then holds it)."""
    verifier: NotRequired[VerifierOptions]
    """Image, replicas, NetworkPolicy and resources of the verifying receiver."""
    ingress: NotRequired[WebhookIngress]
    """The Ingress Fivetran posts through (it requires HTTPS). Required unless `public_url` is given."""
    public_url: NotRequired[str]
    """HTTPS base URL at which you expose the receiver's Service yourself; the endpoint is appended."""
    kubernetes: KubernetesSettings
    """Namespaces, EventBus and labels of the Argo Events objects."""
    targets: list[Target]
    """What to start for each successful sync: flows and/or Metaflow events."""
    filters: NotRequired[list[FieldFilter]]
    """Further Sensor filters on the sync's fields (anchored), e.g. on `connector_type`."""
    sensor: NotRequired[SensorOptions]
    """Retry and rate limit of the Sensor's triggers."""


def check_connector_ids(connector_ids: object, argument: str = "connector_ids") -> list[str] | None:
    """Fivetran connector ids (letters, digits, `_`), unique, in the given order."""
    if connector_ids is None:
        return None
    if not is_list(connector_ids) or not connector_ids:
        raise BlueprintInputError(argument, "must list at least one connector id", "or leave it unset for all")
    checked: list[str] = []
    for index, connector_id in enumerate(connector_ids):
        if not isinstance(connector_id, str) or not CONNECTOR_ID.fullmatch(connector_id):
            raise BlueprintInputError(
                f"{argument}[{index}]", f"{connector_id!r} is not a Fivetran connector id", "e.g. `mystified_presiding`"
            )
        checked.append(connector_id)
    return list(dict.fromkeys(checked))


class FivetranSyncTrigger(pulumi.ComponentResource):
    """A Fivetran connector's sync ending successfully starts a Metaflow flow or publishes a Metaflow event.

    Creates the receiving side (a bearer token and its Secret, a `webhook` EventSource with its own Service, the
    verifying receiver Fivetran posts to, an Ingress), a random signing secret and the Sensor; with
    `auth: secret-path`, a random path token instead of the bearer token and the verifier. Create the Fivetran webhook
    (event `sync_end`) with the `url` and `signing_secret` outputs: one REST call, see the docs.
    """

    url: pulumi.Output[str]
    """The URL to give Fivetran's webhook (secret with `auth: secret-path`, where its path is the credential)."""
    signing_secret: pulumi.Output[str]
    """The `secret` to give Fivetran's webhook, which signs deliveries with it; the verifier checks them."""
    event_source_name: pulumi.Output[str]
    """Name of the EventSource."""
    sensor_name: pulumi.Output[str]
    """Name of the Sensor."""
    workflow_templates: pulumi.Output[list[str]]
    """WorkflowTemplates the Sensor creates Workflows from."""

    def __init__(self, name: str, args: FivetranSyncTriggerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        with blueprint_inputs(FivetranSyncTrigger, name, args) as args:
            connector_ids = check_connector_ids(args.get("connector_ids"))
            fields = FIVETRAN_SYNC_FIELDS
            source_filters = [
                string_filter(fields.resolve("event", "event"), exact([SYNC_END])),
                string_filter(fields.resolve("status", "status"), exact([SUCCESSFUL])),
            ]
            if connector_ids:
                connector = fields.resolve("connector_id", "connector_ids")
                source_filters.append(string_filter(connector, exact(connector_ids)))
            plan = plan_blueprint(
                FivetranSyncTrigger, name, args, fields, event_name=EVENT_NAME, source_filters=source_filters
            )
            receiving, verifying = plan_signing_sender(plan, args, "Fivetran", "fivetran")
        super().__init__(type_token(FivetranSyncTrigger), name, None, opts)

        receiver = create_receiver(self, name, plan, receiving)
        signing = random.RandomPassword(
            f"{name}-signing-secret", length=TOKEN_LENGTH, special=False, opts=pulumi.ResourceOptions(parent=self)
        )
        if verifying is not None:
            create_verifier(self, name, verifying, receiver, signing.result)
        create_sensor(self, name, plan, depends_on=[receiver.event_source])

        publish_outputs(self, plan, url=receiver.url, signing_secret=pulumi.Output.secret(signing.result))
