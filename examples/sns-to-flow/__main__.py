"""`created` order events published to the `order-events` topic start `OrderFlow` and publish a Metaflow event."""

import pulumi

from pulumi_metaflow_blueprints.aws import AwsIdentityMode, SnsTopicTrigger

config = pulumi.Config()

orders = SnsTopicTrigger(
    "order-events",
    {
        "topic_arn": config.require("topicArn"),
        "identity": {"mode": AwsIdentityMode.IRSA, "oidc_provider_arn": config.require("oidcProviderArn")},
        "kubernetes": {
            "namespace": config.require("namespace"),
            "workflow_namespace": config.require("workflowNamespace"),
        },
        "targets": [
            # Raw delivery: the body is the published JSON message itself, attributes arrive as message attributes.
            {"flow": {"flow": "OrderFlow", "parameters": {"order_id": "body.order.id"}}},
            {"metaflow_event": {"event": "order_created", "payload": {"order_id": "body.order.id"}}},
        ],
        "filters": [{"field": "message_attributes.kind.StringValue", "equals": ["created"]}],
    },
)

pulumi.export("queue_arn", orders.queue_arn)
pulumi.export("subscription_arn", orders.subscription_arn)
pulumi.export("sensor", orders.sensor_name)
