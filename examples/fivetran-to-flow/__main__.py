"""Each successful sync of one Fivetran connector starts `OrdersFlow`, and publishes a Metaflow event.

Fivetran posts to a verifying receiver (two pods running the package's verifier on `python:3.12-slim`), which checks
each delivery's `X-Fivetran-Signature-256` before Argo Events sees it. After `pulumi up`, create the Fivetran webhook
once (docs/blueprints/fivetran.md, "The one Fivetran step"):

    curl -X POST https://api.fivetran.com/v1/webhooks/account -u "$FIVETRAN_API_KEY:$FIVETRAN_API_SECRET" \
         -H 'Content-Type: application/json' \
         -d "{\"url\": \"$(pulumi stack output url)\", \"events\": [\"sync_end\"], \"active\": true,
              \"secret\": \"$(pulumi stack output --show-secrets signing_secret)\"}"
"""

import pulumi

from pulumi_metaflow_blueprints.webhooks import FivetranSyncTrigger

config = pulumi.Config()

synced = FivetranSyncTrigger(
    "fivetran-orders",
    {
        "connector_ids": [config.require("connectorId")],
        "ingress": {
            "host": config.require("host"),
            "class_name": "nginx",
            "tls_secret_name": config.require("tlsSecretName"),
        },
        "kubernetes": {
            "namespace": config.require("namespace"),
            "workflow_namespace": config.require("workflowNamespace"),
        },
        "targets": [
            {"flow": {"flow": "OrdersFlow", "parameters": {"sync_id": "sync_id", "synced_at": "created"}}},
            {"metaflow_event": {"event": "orders_synced", "payload": {"connector": "connector_name"}}},
        ],
    },
)

pulumi.export("url", synced.url)  # plain: the signature, not the URL, is the credential
pulumi.export("signing_secret", synced.signing_secret)
pulumi.export("sensor", synced.sensor_name)
