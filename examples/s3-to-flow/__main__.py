"""New Parquet files under `landing/` start `IngestFlow`, and publish the `raw_data_landed` Metaflow event."""

import pulumi

from pulumi_metaflow_blueprints.aws import AwsIdentityMode, S3ObjectTrigger

config = pulumi.Config()

landing = S3ObjectTrigger(
    "raw-events",
    {
        "bucket": config.require("bucket"),
        "prefix": "landing/",
        "suffix": ".parquet",
        "identity": {"mode": AwsIdentityMode.IRSA, "oidc_provider_arn": config.require("oidcProviderArn")},
        "kubernetes": {
            "namespace": config.require("namespace"),
            "workflow_namespace": config.require("workflowNamespace"),
        },
        "targets": [
            {
                # Starts the deployed `IngestFlow` of `@project(name="lakehouse")`, deployed with --production.
                "flow": {
                    "flow": "IngestFlow",
                    "project": "lakehouse",
                    "production": True,
                    "parameters": {"bucket": "bucket", "key": "key", "size_bytes": "size"},
                    "static_parameters": {"mode": "incremental"},
                },
            },
            {
                # Every flow deployed with @trigger(event="raw_data_landed") starts too.
                "metaflow_event": {
                    "event": "raw_data_landed",
                    "payload": {"bucket": "bucket", "key": "key"},
                },
            },
        ],
        "sensor": {"retry_steps": 5, "rate_limit": 10},
    },
)

pulumi.export("queue_url", landing.queue_url)
pulumi.export("sensor", landing.sensor_name)
pulumi.export("workflow_templates", landing.workflow_templates)
