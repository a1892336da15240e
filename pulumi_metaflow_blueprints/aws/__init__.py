"""AWS blueprints (extra `[aws]`): S3 objects and SQS messages start Metaflow flows."""

from pulumi_metaflow_blueprints.aws.args import AwsIdentityArgs, AwsIdentityMode, QueueOptionsArgs
from pulumi_metaflow_blueprints.aws.s3 import S3ObjectTrigger, S3ObjectTriggerArgs

__all__ = [
    "AwsIdentityArgs",
    "AwsIdentityMode",
    "QueueOptionsArgs",
    "S3ObjectTrigger",
    "S3ObjectTriggerArgs",
]
