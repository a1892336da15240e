"""AWS blueprints (extra `[aws]`): S3 objects, SQS and SNS messages, DynamoDB items start Metaflow flows."""

from pulumi_metaflow_blueprints.aws.args import AwsIdentity, AwsIdentityMode, QueueOptions, S3Delivery
from pulumi_metaflow_blueprints.aws.dynamodb import DynamoDBChange, DynamoDBTableTrigger, DynamoDBTableTriggerArgs
from pulumi_metaflow_blueprints.aws.s3 import S3ObjectTrigger, S3ObjectTriggerArgs
from pulumi_metaflow_blueprints.aws.sns import SnsTopicTrigger, SnsTopicTriggerArgs
from pulumi_metaflow_blueprints.aws.sqs_queue import SqsQueueTrigger, SqsQueueTriggerArgs

__all__ = [
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
