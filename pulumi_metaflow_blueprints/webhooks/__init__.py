"""Webhook blueprints (extra `[webhooks]`; dbt Cloud also `[dbt]`): HTTP posts, dbt Cloud job runs and Fivetran syncs
start Metaflow flows.

`webhooks.receiver` is the receiving side they share (token, EventSource, Service, Ingress), for other blueprints too;
`webhooks.verifying` the verifying receiver in front of it for signed webhooks (script in `webhooks.verifier`).
Exports are imported on first use (`registry.lazy_exports`).
"""

from typing import TYPE_CHECKING

from pulumi_metaflow_blueprints.registry import lazy_exports

if TYPE_CHECKING:
    from pulumi_metaflow_blueprints.webhooks.args import (
        SignatureAlgorithm,
        SignatureEncoding,
        VerifierOptions,
        VerifierResources,
        WebhookAuthMode,
        WebhookIngress,
        WebhookSignature,
    )
    from pulumi_metaflow_blueprints.webhooks.dbt import DbtCloudJobTrigger, DbtCloudJobTriggerArgs, DbtRunStatus
    from pulumi_metaflow_blueprints.webhooks.fivetran import FivetranSyncTrigger, FivetranSyncTriggerArgs
    from pulumi_metaflow_blueprints.webhooks.generic import WebhookTrigger, WebhookTriggerArgs

__all__ = [
    "DbtCloudJobTrigger",
    "DbtCloudJobTriggerArgs",
    "DbtRunStatus",
    "FivetranSyncTrigger",
    "FivetranSyncTriggerArgs",
    "SignatureAlgorithm",
    "SignatureEncoding",
    "VerifierOptions",
    "VerifierResources",
    "WebhookAuthMode",
    "WebhookIngress",
    "WebhookSignature",
    "WebhookTrigger",
    "WebhookTriggerArgs",
]

__getattr__ = lazy_exports(
    __name__,
    {
        "args": (
            "SignatureAlgorithm",
            "SignatureEncoding",
            "VerifierOptions",
            "VerifierResources",
            "WebhookAuthMode",
            "WebhookIngress",
            "WebhookSignature",
        ),
        "dbt": ("DbtCloudJobTrigger", "DbtCloudJobTriggerArgs", "DbtRunStatus"),
        "fivetran": ("FivetranSyncTrigger", "FivetranSyncTriggerArgs"),
        "generic": ("WebhookTrigger", "WebhookTriggerArgs"),
    },
)
