"""The blueprint side of the scale benchmark: N `S3ObjectTrigger` components."""

from workload import (
    EVENT_PAYLOAD,
    FLOW_PARAMETERS,
    NAMESPACE,
    OIDC_PROVIDER_ARN,
    PREFIX,
    RATE_LIMIT,
    RETRY_STEPS,
    SUFFIX,
    bucket_name,
    instance_name,
)

from pulumi_metaflow_blueprints.aws import AwsIdentityMode, S3ObjectTrigger


def program(n: int) -> None:
    """Register ``n`` S3ObjectTrigger blueprints, each starting a flow and publishing a Metaflow event."""
    for index in range(n):
        S3ObjectTrigger(
            instance_name(index),
            {
                "bucket": bucket_name(index),
                "prefix": PREFIX,
                "suffix": SUFFIX,
                "identity": {"mode": AwsIdentityMode.IRSA, "oidc_provider_arn": OIDC_PROVIDER_ARN},
                "kubernetes": {"namespace": NAMESPACE},
                "targets": [
                    {
                        "name": "ingest",
                        "flow": {
                            "flow": "IngestFlow",
                            "project": "lakehouse",
                            "production": True,
                            "parameters": dict(FLOW_PARAMETERS),
                            "static_parameters": {"mode": "incremental"},
                        },
                    },
                    {
                        "name": "landed",
                        "metaflow_event": {"event": "raw_data_landed", "payload": dict(EVENT_PAYLOAD)},
                    },
                ],
                "sensor": {"retry_steps": RETRY_STEPS, "rate_limit": RATE_LIMIT},
            },
        )
