"""Messages on an existing queue (here of another account) start `OrderFlow` with values from their JSON body."""

import pulumi

from pulumi_metaflow_blueprints.aws import AwsIdentityMode, SqsQueueTrigger

config = pulumi.Config()

orders = SqsQueueTrigger(
    "orders",
    {
        "existing_queue": config.require("queueUrl"),
        "identity": {"mode": AwsIdentityMode.IRSA, "oidc_provider_arn": config.require("oidcProviderArn")},
        "kubernetes": {
            "namespace": config.require("namespace"),
            "workflow_namespace": config.require("workflowNamespace"),
        },
        "targets": [
            {
                "flow": {
                    "flow": "OrderFlow",
                    "parameters": {
                        # `body.<path>` reaches inside the JSON body; numbers index arrays.
                        "order_id": "body.order.id",
                        "first_sku": "body.order.items.0.sku",
                        # String message attributes carry their value in `StringValue`.
                        "tenant": "message_attributes.tenant.StringValue",
                    },
                },
            },
        ],
        # Only orders of the EU region start a run (anchored: the whole value must match).
        "filters": [{"field": "body.order.region", "equals": ["eu"]}],
    },
)

pulumi.export("queue_arn", orders.queue_arn)
pulumi.export("sensor", orders.sensor_name)
# The queue is in another account: its owner must add this statement to the queue's policy.
pulumi.export("queue_policy_statement", orders.queue_policy_statement)
