"""`POST https://<host>/orders` with `Authorization: Bearer <token>` starts `OrdersFlow`.

    curl -X POST "$(pulumi stack output url)" -H "Authorization: Bearer $(pulumi stack output --show-secrets token)" \
         -H 'Content-Type: application/json' -H 'X-Request-Id: req-7' -d '{"kind": "daily", "order": {"id": 42}}'
"""

import pulumi

from pulumi_metaflow_blueprints.webhooks import WebhookTrigger

config = pulumi.Config()

orders = WebhookTrigger(
    "orders",
    {
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
            {
                "flow": {
                    "flow": "OrdersFlow",
                    "parameters": {"order_id": "body.order.id", "request_id": "header.X-Request-Id"},
                }
            }
        ],
        # Only requests whose body says {"kind": "daily"} start a run (matched whole).
        "filters": [{"field": "body.kind", "equals": ["daily"]}],
        # One run per request id: a sender's retry of `X-Request-Id: req-7` finds its run and starts no other.
        "sensor": {"event_identity": ["header.X-Request-Id"]},
    },
)

pulumi.export("url", orders.url)
pulumi.export("token", orders.token)  # a secret: `pulumi stack output --show-secrets token`
pulumi.export("sensor", orders.sensor_name)
