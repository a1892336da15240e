"""AWS blueprints (extra `[aws]`): S3 objects, SQS and SNS messages, DynamoDB items start Metaflow flows.

Exports are imported on first use (`registry.lazy_exports`): the package's declaration (`package.py`) is read
without importing pulumi-aws.
"""

from typing import TYPE_CHECKING

from pulumi_metaflow_blueprints.registry import lazy_exports

if TYPE_CHECKING:
    from pulumi_metaflow_blueprints.aws.args import AwsAlarms, AwsIdentity, AwsIdentityMode, QueueOptions, S3Delivery
    from pulumi_metaflow_blueprints.aws.dynamodb import DynamoDBChange, DynamoDBTableTrigger, DynamoDBTableTriggerArgs
    from pulumi_metaflow_blueprints.aws.s3 import S3ObjectTrigger, S3ObjectTriggerArgs
    from pulumi_metaflow_blueprints.aws.sns import SnsTopicTrigger, SnsTopicTriggerArgs
    from pulumi_metaflow_blueprints.aws.sqs_queue import SqsQueueTrigger, SqsQueueTriggerArgs

__all__ = [
    "AwsAlarms",
    "AwsIdentity",
    "AwsIdentityMode",
    "DynamoDBChange",
    "DynamoDBTableTrigger",
    "DynamoDBTableTriggerArgs",
    "QueueOptions",
    "S3Delivery",
    "S3ObjectTrigger",
    "S3ObjectTriggerArgs",
    "SnsTopicTrigger",
    "SnsTopicTriggerArgs",
    "SqsQueueTrigger",
    "SqsQueueTriggerArgs",
]

__getattr__ = lazy_exports(
    __name__,
    {
        "args": ("AwsAlarms", "AwsIdentity", "AwsIdentityMode", "QueueOptions", "S3Delivery"),
        "dynamodb": ("DynamoDBChange", "DynamoDBTableTrigger", "DynamoDBTableTriggerArgs"),
        "s3": ("S3ObjectTrigger", "S3ObjectTriggerArgs"),
        "sns": ("SnsTopicTrigger", "SnsTopicTriggerArgs"),
        "sqs_queue": ("SqsQueueTrigger", "SqsQueueTriggerArgs"),
    },
)
