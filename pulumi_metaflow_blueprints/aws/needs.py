"""The fewest resources a careful engineer would write by hand for each AWS blueprint, and why (`benchmarks/`)."""

from pulumi_metaflow_blueprints.core.needs import EVENT_SOURCE, ROLE, ROLE_POLICY, SENSOR_NEEDS, SERVICE_ACCOUNT
from pulumi_metaflow_blueprints.registry import ResourceNeed

__all__ = ["MINIMUM"]

QUEUE = "^aws:sqs/queue:Queue$"

SQS_READER = (
    ResourceNeed("IAM role", ROLE, "the EventSource pod's AWS identity", optional="identity.mode irsa or pod-identity"),
    ResourceNeed("IAM role policy", ROLE_POLICY, "receive/delete on this one queue only (least privilege)"),
    ResourceNeed(
        "EKS Pod Identity association",
        "^aws:eks/podIdentityAssociation:PodIdentityAssociation$",
        "ties the role to the EventSource's service account",
        optional="identity.mode=pod-identity",
    ),
    ResourceNeed(
        "EventSource service account",
        SERVICE_ACCOUNT,
        "carries the IRSA annotation / Pod Identity binding; the pod must not share the namespace default",
    ),
    ResourceNeed("EventSource (sqs)", EVENT_SOURCE, "reads the queue and puts events on the EventBus"),
)


def sqs_leg(*, new_queue_optional: str = "", policy_optional: str = "") -> tuple[ResourceNeed, ...]:
    """The queue pair an AWS source delivers into."""
    return (
        ResourceNeed(
            "SQS queue",
            QUEUE,
            "buffers events while the EventSource pod is down; Argo reads SQS",
            optional=new_queue_optional,
        ),
        ResourceNeed(
            "dead-letter queue",
            QUEUE,
            "keeps messages that keep failing instead of retrying them until they expire",
            optional=new_queue_optional,
        ),
        ResourceNeed(
            "dead-letter queue alarm",
            "^aws:cloudwatch/metricAlarm:MetricAlarm$",
            "tells someone when events land in the dead-letter queue",
            optional="alarms",
        ),
        ResourceNeed(
            "SQS queue policy",
            "^aws:sqs/queuePolicy:QueuePolicy$",
            "lets only the upstream resource send (aws:SourceArn/SourceAccount), TLS only",
            optional=policy_optional,
        ),
    )


MINIMUM: dict[str, tuple[ResourceNeed, ...]] = {
    "S3ObjectTrigger": (
        *sqs_leg(),
        ResourceNeed(
            "bucket notification",
            "^aws:s3/bucketNotification:BucketNotification$",
            "the bucket's one event configuration (direct: to the queue; eventbridge: on, shared)",
            optional="delivery=direct, or the shared EventBridge switch",
        ),
        ResourceNeed(
            "EventBridge rule",
            "^aws:cloudwatch/eventRule:EventRule$",
            "selects this bucket/prefix/suffix/event types",
            optional="delivery=eventbridge",
        ),
        ResourceNeed(
            "EventBridge target",
            "^aws:cloudwatch/eventTarget:EventTarget$",
            "sends the rule's matches to the queue",
            optional="delivery=eventbridge",
        ),
        *SQS_READER,
        *SENSOR_NEEDS,
    ),
    "SqsQueueTrigger": (
        *sqs_leg(new_queue_optional="a new queue", policy_optional="a new queue (TLS-only deny)"),
        *SQS_READER,
        *SENSOR_NEEDS,
    ),
    "SnsTopicTrigger": (
        *sqs_leg(),
        ResourceNeed(
            "SNS subscription",
            "^aws:sns/topicSubscription:TopicSubscription$",
            "raw delivery of the topic into the queue",
        ),
        *SQS_READER,
        *SENSOR_NEEDS,
    ),
    "DynamoDBTableTrigger": (
        *sqs_leg(policy_optional="a TLS-only deny (the pipe's role may send anyway)"),
        ResourceNeed(
            "EventBridge pipe", "^aws:pipes/pipe:Pipe$", "stream -> filter on eventName -> queue, batch size 1"
        ),
        ResourceNeed("pipe role", ROLE, "the identity the pipe runs as"),
        ResourceNeed("pipe role policy", ROLE_POLICY, "read this stream and send to this queue only"),
        *SQS_READER,
        *SENSOR_NEEDS,
    ),
}
