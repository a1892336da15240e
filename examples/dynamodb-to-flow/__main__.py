"""New orders (items inserted into the `orders` table) start `OrderFlow` with the order's id, customer and amount."""

import pulumi

from pulumi_metaflow_blueprints.aws import AwsIdentityMode, DynamoDBChange, DynamoDBTableTrigger

config = pulumi.Config()

orders = DynamoDBTableTrigger(
    "orders",
    {
        # The table's LatestStreamArn; its stream view must include new images (NEW_IMAGE or NEW_AND_OLD_IMAGES).
        "stream_arn": config.require("streamArn"),
        "changes": [DynamoDBChange.INSERT],
        "identity": {"mode": AwsIdentityMode.POD_IDENTITY, "cluster_name": config.require("clusterName")},
        "kubernetes": {
            "namespace": config.require("namespace"),
            "workflow_namespace": config.require("workflowNamespace"),
        },
        "targets": [
            {
                "flow": {
                    "flow": "OrderFlow",
                    "parameters": {
                        "order_id": "keys.order_id",  # a string attribute: `keys.<attr>` is its `S` value
                        "customer": "new_image.customer",
                        "amount": "new_image.amount.N",  # numbers arrive as strings, e.g. "129.95"
                    },
                },
            },
        ],
    },
)

pulumi.export("pipe_arn", orders.pipe_arn)
pulumi.export("queue_url", orders.queue_url)
pulumi.export("sensor", orders.sensor_name)
