"""`alarms`: a CloudWatch alarm on a blueprint's dead-letter queue, checked with the plan, created in the SQS leg.

The alarm watches `ApproximateNumberOfMessagesVisible` of the dead-letter queue (what SQS counts whichever way a
message arrived: its redrive policy moving it there does not count as `NumberOfMessagesSent`), fires on any
message and notifies the given SNS topic, and again when the queue is empty. Missing data keeps the alarm's state
(`ignore`): SQS publishes a queue's metrics only while CloudWatch counts it active (AWS's SQS guide: up to six hours
after its last activity), and a dead-letter queue nobody reads goes quiet with its messages still in it.
"""

import re
from dataclasses import dataclass

import pulumi
import pulumi_aws as aws

from pulumi_metaflow_blueprints.aws.args import AwsAlarms
from pulumi_metaflow_blueprints.core.arguments import checked_when_known
from pulumi_metaflow_blueprints.errors import BlueprintInputError

__all__ = [
    "ALARM_NAME_MAX",
    "SNS_TOPIC_ARN",
    "AwsAlarmPlan",
    "check_topic_arn",
    "create_dead_letter_alarm",
    "dead_letter_alarm_name",
    "plan_alarms",
]

SNS_TOPIC_ARN = re.compile(r"^arn:aws[a-z-]*:sns:[a-z]{2}[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(?:\.fifo)?$", re.ASCII)
ALARM_NAME_MAX = 255
"""CloudWatch's limit on an alarm name."""
_ALARM_SUFFIX = "-not-empty"
_METRIC_SECONDS = 60
"""SQS publishes one-minute metrics: shorter periods find no data, longer ones must be whole minutes."""
_DAY, _WEEK, _HOUR = 86400, 604800, 3600


@dataclass(frozen=True)
class AwsAlarmPlan:
    """The checked `alarms` argument, defaults filled in."""

    topic_arn: pulumi.Input[str]
    """The SNS topic (checked when known)."""
    period_seconds: int
    evaluation_periods: int


def check_topic_arn(value: object, argument: str = "alarms.topic_arn") -> None:
    """An SNS topic ARN."""
    if not isinstance(value, str) or not SNS_TOPIC_ARN.fullmatch(value):
        raise BlueprintInputError(
            argument, f"{value!r} is not an SNS topic ARN", "give arn:aws:sns:<region>:<account>:<topic name>"
        )


def plan_alarms(options: AwsAlarms | None, *, has_dead_letter_queue: bool = True) -> AwsAlarmPlan | None:
    """Check `alarms` (None: no alarm). Periods are whole minutes; CloudWatch evaluates at most one day of them
    (seven days when a period is an hour or more)."""
    if options is None:
        return None
    if not has_dead_letter_queue:
        raise BlueprintInputError(
            "alarms", "applies only to a new queue (the blueprint owns no dead-letter queue)", "drop it"
        )
    period = int(options.get("period_seconds", _METRIC_SECONDS))
    if not (_METRIC_SECONDS <= period <= _DAY and period % _METRIC_SECONDS == 0):
        raise BlueprintInputError(
            "alarms.period_seconds", f"{period!r} is not a period of SQS metrics", "use a multiple of 60 up to 86400"
        )
    limit = _DAY if period < _HOUR else _WEEK
    periods = int(options.get("evaluation_periods", 1))
    if not 1 <= periods <= limit // period:
        raise BlueprintInputError(
            "alarms.evaluation_periods",
            f"{periods!r} is out of range for {period}-second periods",
            f"use 1..{limit // period} (CloudWatch evaluates at most {limit} seconds)",
        )
    topic = checked_when_known(options["topic_arn"], check_topic_arn)
    return AwsAlarmPlan(topic, period, periods)


def dead_letter_alarm_name(dead_letter_queue_name: str) -> str:
    """The alarm's name: the dead-letter queue's (unique in its account and region) and `-not-empty`."""
    name = f"{dead_letter_queue_name}{_ALARM_SUFFIX}"
    assert len(name) <= ALARM_NAME_MAX, name  # queue names have at most 80 characters
    return name


def create_dead_letter_alarm(
    parent: pulumi.Resource,
    name: str,
    alarms: AwsAlarmPlan,
    *,
    dead_letter_queue: aws.sqs.Queue,
    dead_letter_queue_name: str,
    region: str,
    tags: dict[str, str],
) -> aws.cloudwatch.MetricAlarm:
    """`<name>-dlq-alarm`: any visible message in ``dead_letter_queue`` notifies the topic (and its emptying)."""
    description = (
        f"Events reached the dead-letter queue {dead_letter_queue_name}: they failed delivery to Argo Events. "
        "Read them (SQS console: Send and receive messages), fix the cause, then move the messages the queue's "
        "redrive policy put there back (SQS console: Start DLQ redrive, or "
        "`aws sqs start-message-move-task --source-arn <dead-letter queue ARN>`)."
    )
    return aws.cloudwatch.MetricAlarm(
        f"{name}-dlq-alarm",
        name=dead_letter_alarm_name(dead_letter_queue_name),
        alarm_description=description,
        namespace="AWS/SQS",
        metric_name="ApproximateNumberOfMessagesVisible",
        dimensions={"QueueName": dead_letter_queue.name},
        statistic="Maximum",
        period=alarms.period_seconds,
        evaluation_periods=alarms.evaluation_periods,
        comparison_operator="GreaterThanThreshold",
        threshold=0,
        treat_missing_data="ignore",
        alarm_actions=[alarms.topic_arn],
        ok_actions=[alarms.topic_arn],
        region=region,
        tags=tags,
        opts=pulumi.ResourceOptions(parent=parent),
    )
