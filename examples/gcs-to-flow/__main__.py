"""New CSV files under `exports/` start `IngestFlow`, and publish the `raw_data_landed` Metaflow event.

The flow parameters have the same names as in the S3 example, so one flow serves both clouds.
"""

import pulumi

from pulumi_metaflow_blueprints.gcp import GcpIdentityMode, StorageObjectTrigger

config = pulumi.Config()

landing = StorageObjectTrigger(
    "landing",
    {
        "bucket": config.require("bucket"),
        "prefix": "exports/",
        "suffix": ".csv",
        "identity": {"mode": GcpIdentityMode.GOOGLE_SERVICE_ACCOUNT},
        "kubernetes": {
            "namespace": config.require("namespace"),
            "workflow_namespace": config.require("workflowNamespace"),
        },
        "targets": [
            {
                "flow": {
                    "flow": "IngestFlow",
                    "project": "lakehouse",
                    "production": True,
                    "parameters": {"bucket": "bucket", "key": "key", "size_bytes": "size"},
                    "static_parameters": {"mode": "incremental"},
                },
            },
            {"metaflow_event": {"event": "raw_data_landed", "payload": {"bucket": "bucket", "key": "key"}}},
        ],
        "sensor": {"retry_steps": 5, "rate_limit": 10},
    },
)

pulumi.export("topic", landing.topic_id)
pulumi.export("subscription", landing.subscription_name)
pulumi.export("sensor", landing.sensor_name)
