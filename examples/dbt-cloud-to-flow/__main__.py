"""Each successful run of the nightly dbt Cloud job starts `FeaturesFlow` with the run's id and finish time.

dbt Cloud posts to a verifying receiver (two pods running the package's verifier on `python:3.12-slim`), which checks
each delivery's HMAC signature against the webhook's `hmac_secret` before Argo Events sees it.

Set `dbtcloud:token` (a service token allowed to manage webhooks) as a secret: `pulumi config set --secret
dbtcloud:token ...`. The account id comes from `dbtcloud:accountId`.
"""

import pulumi

from pulumi_metaflow_blueprints.webhooks import DbtCloudJobTrigger, DbtRunStatus

config = pulumi.Config()
# dbt Cloud's published IPs for North America (AWS us-east-1, multi-tenant); other regions publish their own.
DBT_CLOUD_NA1_IPS = "52.45.144.63/32,54.81.134.249/32,52.22.161.231/32,52.3.77.232/32,3.214.191.130/32,34.233.79.135/32"

nightly = DbtCloudJobTrigger(
    "dbt-nightly",
    {
        "job_ids": [int(config.require("jobId"))],
        "statuses": [DbtRunStatus.SUCCESS],
        "ingress": {
            "host": config.require("host"),
            "class_name": "nginx",
            "tls_secret_name": config.require("tlsSecretName"),
            # Admit only dbt Cloud's published egress IPs for your region
            # (see docs/blueprints/dbt-cloud.md, "Security").
            "annotations": {"nginx.ingress.kubernetes.io/whitelist-source-range": DBT_CLOUD_NA1_IPS},
        },
        "kubernetes": {
            "namespace": config.require("namespace"),
            "workflow_namespace": config.require("workflowNamespace"),
        },
        "targets": [
            {
                "flow": {
                    "flow": "FeaturesFlow",
                    "parameters": {"dbt_run_id": "run_id", "dbt_finished_at": "finished_at"},
                }
            }
        ],
        "filters": [{"field": "environment_name", "equals": ["Production"]}],
    },
)

pulumi.export("url", nightly.url)  # plain: the signature, not the URL, is the credential
pulumi.export("webhook_id", nightly.webhook_id)
pulumi.export("sensor", nightly.sensor_name)
