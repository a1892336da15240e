"""Messages on the (other project's) `orders` topic start `OrderFlow` with the order id and the message attributes."""

import pulumi

from pulumi_metaflow_blueprints.gcp import GcpIdentityMode, PubSubTrigger

config = pulumi.Config()

orders = PubSubTrigger(
    "orders",
    {
        "topic": config.require("topic"),
        "identity": {"mode": GcpIdentityMode.WORKLOAD_IDENTITY_PRINCIPAL},
        "subscription": {"ack_deadline_seconds": 30, "max_delivery_attempts": 10},
        "kubernetes": {
            "namespace": config.require("namespace"),
            "workflow_namespace": config.require("workflowNamespace"),
        },
        "targets": [
            {
                "flow": {
                    "flow": "OrderFlow",
                    # `body.<path>` reaches inside the JSON message; `attributes.<name>` into its attributes.
                    "parameters": {"order_id": "body.order.id", "source": "attributes.source"},
                },
            },
        ],
        # Only messages whose `kind` attribute is exactly `order` (the Sensor anchors the pattern).
        "filters": [{"field": "attributes.kind", "equals": ["order"]}],
    },
)

pulumi.export("subscription", orders.subscription_name)
pulumi.export("reader", orders.reader_member)
pulumi.export("sensor", orders.sensor_name)
