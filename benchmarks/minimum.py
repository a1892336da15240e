"""The fewest resources a careful engineer would write by hand for each blueprint, and why each one is needed.

Each `Need` matches resource type tokens by regular expression (case-insensitive). `optional` needs depend on an
option the example chose (identity mode, delivery mode, a new vs an existing queue/topic, an Ingress, ...): they count
toward the minimum only when the blueprint registered them. Anything a blueprint registers beyond its needs is
reported as extra; a required need it does not register is reported as missing.
"""

import re
from collections import Counter
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Need:
    """One resource (or `count` of them) the hand-written program cannot do without."""

    role: str
    pattern: str
    why: str
    count: int = 1
    optional: str = ""
    """Empty when always needed; else the option that calls for it."""

    def matches(self, type_: str) -> bool:
        return re.search(self.pattern, type_, re.IGNORECASE) is not None


QUEUE = "^aws:sqs/queue:Queue$"
ROLE = "^aws:iam/role:Role$"
ROLE_POLICY = "^aws:iam/rolePolicy:RolePolicy$"
SERVICE_ACCOUNT = "^kubernetes:core/v1:ServiceAccount$"
EVENT_SOURCE = "^kubernetes:argoproj.io/v1alpha1:EventSource$"
TOPIC = "^gcp:pubsub/topic:Topic$"
SUBSCRIPTION = "^gcp:pubsub/subscription:Subscription$"
RANDOM = "^random:index/random"

SENSOR = [
    Need(
        "Sensor service account",
        SERVICE_ACCOUNT,
        "the Sensor pod's own identity, so its RBAC grant goes to it alone",
        optional="no existing service account given",
    ),
    Need(
        "Role (create workflows)",
        "^kubernetes:rbac.authorization.k8s.io/v1:Role$",
        "the Sensor may create Workflows in the flow namespace, nothing else",
        optional="flow targets",
    ),
    Need(
        "RoleBinding",
        "^kubernetes:rbac.authorization.k8s.io/v1:RoleBinding$",
        "binds that Role to the Sensor's service account",
        optional="flow targets",
    ),
    Need("Sensor", "^kubernetes:argoproj.io/v1alpha1:Sensor$", "turns the event into the Workflow / Metaflow event"),
]

SQS_READER = [
    Need("IAM role", ROLE, "the EventSource pod's AWS identity", optional="identity.mode irsa or pod-identity"),
    Need("IAM role policy", ROLE_POLICY, "receive/delete on this one queue only (least privilege)"),
    Need(
        "EKS Pod Identity association",
        "^aws:eks/podIdentityAssociation:PodIdentityAssociation$",
        "ties the role to the EventSource's service account",
        optional="identity.mode=pod-identity",
    ),
    Need(
        "EventSource service account",
        SERVICE_ACCOUNT,
        "carries the IRSA annotation / Pod Identity binding; the pod must not share the namespace default",
    ),
    Need("EventSource (sqs)", EVENT_SOURCE, "reads the queue and puts events on the EventBus"),
]


def sqs_leg(*, new_queue_optional: str = "", policy_optional: str = "") -> list[Need]:
    """The queue pair an AWS source delivers into."""
    return [
        Need(
            "SQS queue",
            QUEUE,
            "buffers events while the EventSource pod is down; Argo reads SQS",
            optional=new_queue_optional,
        ),
        Need(
            "dead-letter queue",
            QUEUE,
            "keeps messages that keep failing instead of retrying them until they expire",
            optional=new_queue_optional,
        ),
        Need(
            "SQS queue policy",
            "^aws:sqs/queuePolicy:QueuePolicy$",
            "lets only the upstream resource send (aws:SourceArn/SourceAccount), TLS only",
            optional=policy_optional,
        ),
    ]


PUBSUB_LEG = [
    Need("Pub/Sub topic", TOPIC, "where messages are published", optional="a new topic"),
    Need("subscription", SUBSCRIPTION, "the EventSource reads a subscription the stack owns (no create rights)"),
    Need("dead-letter topic", TOPIC, "takes messages that keep failing"),
    Need(
        "dead-letter subscription",
        SUBSCRIPTION,
        "Pub/Sub drops messages published to a topic without subscriptions; this keeps dead letters",
    ),
    Need(
        "Pub/Sub agent publish grant",
        "^gcp:pubsub/topicIAMMember:",
        "dead-lettering needs the Pub/Sub service agent to publish to the dead-letter topic",
    ),
    Need(
        "Pub/Sub agent subscribe grant",
        "^gcp:pubsub/subscriptionIAMMember:",
        "... and to acknowledge on the source subscription",
    ),
    Need(
        "subscriber grant",
        "^gcp:pubsub/subscriptionIAMMember:",
        "roles/pubsub.subscriber on this subscription only, for the EventSource's identity",
    ),
    Need(
        "Google service account",
        "^gcp:serviceaccount/account:Account$",
        "the EventSource's Google identity",
        optional="a Google service account instead of direct Workload Identity",
    ),
    Need(
        "Workload Identity binding",
        "^gcp:serviceaccount/iAMMember:IAMMember$",
        "lets the Kubernetes service account act as the Google one",
        optional="a Google service account instead of direct Workload Identity",
    ),
    Need("EventSource service account", SERVICE_ACCOUNT, "the Kubernetes identity Workload Identity maps"),
    Need("EventSource (pubSub)", EVENT_SOURCE, "pulls the subscription"),
]

RECEIVER = [
    Need("EventSource (webhook)", EVENT_SOURCE, "the HTTP endpoint"),
    Need(
        "Service",
        "^kubernetes:core/v1:Service$",
        "routes to the EventSource pod (the EventSource's own `service` field can make it instead)",
        optional="a separate Service",
    ),
    Need(
        "Ingress",
        "^kubernetes:networking.k8s.io/v1:Ingress$",
        "lets systems outside the cluster reach the endpoint",
        optional="an Ingress",
    ),
]

BEARER = [
    Need("bearer token", RANDOM, "generated once, stable across runs"),
    Need("Kubernetes Secret", "^kubernetes:core/v1:Secret$", "the token the EventSource's authSecret checks"),
]

MINIMUM: dict[str, list[Need]] = {
    "S3ObjectTrigger": [
        *sqs_leg(),
        Need(
            "bucket notification",
            "^aws:s3/bucketNotification:BucketNotification$",
            "the bucket's one event configuration (direct: to the queue; eventbridge: on, shared)",
            optional="delivery=direct, or the shared EventBridge switch",
        ),
        Need(
            "EventBridge rule",
            "^aws:cloudwatch/eventRule:EventRule$",
            "selects this bucket/prefix/suffix/event types",
            optional="delivery=eventbridge",
        ),
        Need(
            "EventBridge target",
            "^aws:cloudwatch/eventTarget:EventTarget$",
            "sends the rule's matches to the queue",
            optional="delivery=eventbridge",
        ),
        *SQS_READER,
        *SENSOR,
    ],
    "SqsQueueTrigger": [
        *sqs_leg(new_queue_optional="a new queue", policy_optional="a new queue (TLS-only deny)"),
        *SQS_READER,
        *SENSOR,
    ],
    "SnsTopicTrigger": [
        *sqs_leg(),
        Need(
            "SNS subscription",
            "^aws:sns/topicSubscription:TopicSubscription$",
            "raw delivery of the topic into the queue",
        ),
        *SQS_READER,
        *SENSOR,
    ],
    "DynamoDBTableTrigger": [
        *sqs_leg(policy_optional="a TLS-only deny (the pipe's role may send anyway)"),
        Need("EventBridge pipe", "^aws:pipes/pipe:Pipe$", "stream -> filter on eventName -> queue, batch size 1"),
        Need("pipe role", ROLE, "the identity the pipe runs as"),
        Need("pipe role policy", ROLE_POLICY, "read this stream and send to this queue only"),
        *SQS_READER,
        *SENSOR,
    ],
    "PubSubTrigger": [*PUBSUB_LEG, *SENSOR],
    "StorageObjectTrigger": [
        Need("topic for the bucket", TOPIC, "Cloud Storage notifications publish to a topic"),
        Need(
            "Cloud Storage agent publish grant",
            "^gcp:pubsub/topicIAMMember:",
            "the bucket's service agent must publish to that topic",
        ),
        Need("Cloud Storage notification", "^gcp:storage/notification:Notification$", "object-finalize -> topic"),
        *[need for need in PUBSUB_LEG if need.role != "Pub/Sub topic"],
        *SENSOR,
    ],
    "WebhookTrigger": [*BEARER, *RECEIVER, *SENSOR],
    "DbtCloudJobTrigger": [
        Need("path token", RANDOM, "dbt Cloud signs with an HMAC Argo cannot check: an unguessable path instead"),
        *RECEIVER,
        Need("dbt Cloud webhook", "^dbtcloud:index/webhook:Webhook$", "job.run.completed for the chosen jobs"),
        *SENSOR,
    ],
    "FivetranSyncTrigger": [
        Need("path token", RANDOM, "Fivetran's signature cannot be checked by Argo: an unguessable path instead"),
        *RECEIVER,
        *SENSOR,
    ],
    "TableChangeTrigger": [
        Need("stream", "^snowflake:index/stream", "tracks changes in the table or view"),
        Need(
            "sink table",
            "^snowflake:index/table:Table$",
            "a stream's offset advances only when DML reads it: the task inserts each batch here",
        ),
        Need("task", "^snowflake:index/task:Task$", "runs when the stream has data, consumes it, notifies"),
        Need("Snowflake secret", "^snowflake:index/secret", "holds the bearer token the notification sends"),
        Need(
            "network rule",
            "^snowflake:index/networkRule:NetworkRule$",
            "egress to the receiving host only: webhook notification integrations reach only Slack, Teams and "
            "PagerDuty, so a generic HTTPS POST needs external access",
        ),
        Need(
            "external access integration",
            "^snowflake:index/externalAccessIntegration:ExternalAccessIntegration$",
            "lets the procedure use that rule and that secret",
        ),
        Need("procedure", "^snowflake:index/procedure", "posts the batch notification with the bearer token"),
        Need(
            "role, grants and ownership",
            "^snowflake:index/(accountRole|grant)",
            "a role owning only these objects: one grant per object it touches, ownership of the objects it owns",
            count=16,
            optional="a dedicated role",
        ),
        *BEARER,
        *RECEIVER,
        *SENSOR,
    ],
}
"""Component type name (the last part of its type token) -> its needs."""


@dataclass
class Comparison:
    """A blueprint instance's resources against the hand-written minimum."""

    registered: int
    minimum: int
    extra: dict[str, int] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    matched: list[tuple[Need, int]] = field(default_factory=list)


def compare(component: str, resources: dict[str, int]) -> Comparison | None:
    """Match ``resources`` (type -> count) against the needs of ``component``; None when no minimum is listed."""
    needs = MINIMUM.get(component)
    if needs is None:
        return None
    pool = Counter(resources)
    result = Comparison(registered=sum(pool.values()), minimum=0)
    taken: dict[int, int] = {}
    for index, need in sorted(enumerate(needs), key=lambda item: bool(item[1].optional)):  # required ones first
        taken[index] = 0
        for type_ in sorted(pool):
            while taken[index] < need.count and pool[type_] > 0 and need.matches(type_):
                pool[type_] -= 1
                taken[index] += 1
    for index, need in enumerate(needs):
        result.matched.append((need, taken[index]))
        result.minimum += taken[index] if need.optional else need.count
        if not need.optional and taken[index] < need.count:
            result.missing.append(need.role)
    result.extra = {type_: count for type_, count in sorted(pool.items()) if count > 0}
    return result
