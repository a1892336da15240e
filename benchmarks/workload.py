"""What both benchmark programs build, N times: the example's S3 -> flow + Metaflow event wiring, one bucket each."""

REGION = "us-west-2"
CONFIG = {"aws:region": REGION}
"""Stack config both programs run with."""
NAMESPACE = "argo-events"
OIDC_PROVIDER_ARN = (
    "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"
)
PREFIX = "landing/"
SUFFIX = ".parquet"
FLOW_PARAMETERS = {"bucket": "bucket", "key": "key", "size_bytes": "size"}
"""Flow parameter -> S3 field."""
EVENT_PAYLOAD = {"bucket": "bucket", "key": "key"}
"""Metaflow event payload key -> S3 field."""
RETRY_STEPS = 5
RATE_LIMIT = 10


def instance_name(index: int) -> str:
    """Logical name of blueprint ``index``."""
    return f"s3-{index}"


def bucket_name(index: int) -> str:
    """The (existing) bucket blueprint ``index`` watches."""
    return f"bench-bucket-{index}"
