"""New Parquet files under `landing/` start `IngestFlow`; a second blueprint on the same bucket could start another.

With `delivery="eventbridge"` the bucket sends its events to EventBridge and each blueprint owns a rule, so any
number of blueprints can watch one bucket (direct notifications allow one configuration per bucket).
"""

import pulumi

from pulumi_metaflow_blueprints.aws import AwsIdentityMode, S3Delivery, S3ObjectTrigger

config = pulumi.Config()

parquet = S3ObjectTrigger(
    "landing-parquet",
    {
        "bucket": config.require("bucket"),
        "delivery": S3Delivery.EVENTBRIDGE,
        # This blueprint turns on the bucket's EventBridge setting; others on the bucket set it to False.
        "manage_bucket_eventbridge": True,
        "prefix": "landing/",
        "suffix": ".parquet",
        "identity": {"mode": AwsIdentityMode.IRSA, "oidc_provider_arn": config.require("oidcProviderArn")},
        "kubernetes": {
            "namespace": config.require("namespace"),
            "workflow_namespace": config.require("workflowNamespace"),
        },
        "targets": [
            # The same field names as with direct notifications: `key` is `body.detail.object.key` here.
            {"flow": {"flow": "IngestFlow", "parameters": {"bucket": "bucket", "key": "key", "size_bytes": "size"}}},
        ],
    },
)

pulumi.export("queue_url", parquet.queue_url)
pulumi.export("sensor", parquet.sensor_name)
