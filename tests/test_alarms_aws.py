"""`alarms` on the AWS blueprints: a CloudWatch alarm on the dead-letter queue each creates, notifying the given SNS
topic; none without `alarms` or without a dead-letter queue; bad input refused naming the argument."""

from collections.abc import Callable
from typing import Any

import grpc
import pulumi
import pulumi_aws
import pytest

from pulumi_metaflow_blueprints.aws import DynamoDBTableTrigger, S3ObjectTrigger, SnsTopicTrigger, SqsQueueTrigger
from pulumi_metaflow_blueprints.aws.alarms import ALARM_NAME_MAX
from pulumi_metaflow_blueprints.offline import ProgramRun, run_program
from pulumi_metaflow_blueprints.offline.runner import reveal
from tests import aws_checks as aws
from tests import test_aws_dynamodb, test_aws_sns, test_aws_sqs, test_s3_blueprint
from tests.provider_rpc import ProviderProcess, construct
from tests.test_provider import yaml_inputs

ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm"
ONCALL = "arn:aws:sns:us-west-2:111122223333:data-oncall"
ALARMS = {"topic_arn": ONCALL}

Build = Callable[..., dict[str, Any]]
BLUEPRINTS: list[tuple[type, str, Build]] = [
    (S3ObjectTrigger, "raw-events", test_s3_blueprint.base_args),
    (SnsTopicTrigger, "orders", test_aws_sns.base_args),
    (DynamoDBTableTrigger, "orders", test_aws_dynamodb.base_args),
    (SqsQueueTrigger, "orders", test_aws_sqs.base_args),
]
IDS = [component.__name__ for component, _, _ in BLUEPRINTS]


def build(component: type, name: str, args: dict[str, Any]) -> ProgramRun:
    run, _ = aws.run_component(lambda: component(name, args))
    return run


def the_alarm(run: ProgramRun, name: str) -> dict[str, Any]:
    (alarm,) = run.of_type(ALARM)
    assert alarm.name == f"{name}-dlq-alarm"
    (component,) = [r for r in run.registrations if r.urn == alarm.parent]
    assert component.type.startswith("metaflow-blueprints:index:"), "the alarm is the blueprint's child"
    return alarm.plain_inputs


@pytest.mark.parametrize(("component", "name", "base"), BLUEPRINTS, ids=IDS)
def test_alarm_watches_the_visible_messages_of_the_blueprints_own_dead_letter_queue(
    component: type, name: str, base: Build
) -> None:
    run = build(component, name, base(alarms=ALARMS))
    dead_letter = run.named(f"{name}-dlq").plain_inputs
    alarm = the_alarm(run, name)
    assert alarm["dimensions"] == {"QueueName": dead_letter["name"]}
    assert (alarm["namespace"], alarm["metricName"]) == ("AWS/SQS", "ApproximateNumberOfMessagesVisible")
    assert (alarm["statistic"], alarm["comparisonOperator"], alarm["threshold"]) == (
        "Maximum",
        "GreaterThanThreshold",
        0,
    )
    assert (alarm["period"], alarm["evaluationPeriods"]) == (60, 1)
    assert alarm["alarmActions"] == [ONCALL] and alarm["okActions"] == [ONCALL]
    assert alarm["treatMissingData"] == "ignore"
    assert alarm["region"] == dead_letter["region"] == "us-west-2"
    assert alarm["tags"] == dead_letter["tags"] and alarm["tags"]["managed-by"] == "metaflow-blueprints"
    assert alarm["name"] == f"{dead_letter['name']}-not-empty"
    assert dead_letter["name"] in alarm["alarmDescription"]
    assert "start-message-move-task" in alarm["alarmDescription"]


@pytest.mark.parametrize(("component", "name", "base"), BLUEPRINTS, ids=IDS)
def test_without_alarms_no_alarm_is_created(component: type, name: str, base: Build) -> None:
    assert build(component, name, base()).of_type(ALARM) == []


def test_eventbridge_delivery_gets_the_alarm_on_its_dead_letter_queue_too() -> None:
    run = build(S3ObjectTrigger, "raw-events", test_s3_blueprint.base_args(delivery="eventbridge", alarms=ALARMS))
    dead_letter = run.named("raw-events-dlq").plain_inputs["name"]
    assert the_alarm(run, "raw-events")["dimensions"] == {"QueueName": dead_letter}


def test_periods_and_a_named_queue_shape_the_alarm() -> None:
    alarms = {**ALARMS, "period_seconds": 300, "evaluation_periods": 3}
    run = build(SnsTopicTrigger, "orders", test_aws_sns.base_args(alarms=alarms, queue={"name": "orders-in"}))
    alarm = the_alarm(run, "orders")
    assert (alarm["period"], alarm["evaluationPeriods"]) == (300, 3)
    assert (alarm["dimensions"], alarm["name"]) == ({"QueueName": "orders-in-dlq"}, "orders-in-dlq-not-empty")


def test_the_longest_queue_name_gives_an_alarm_name_within_cloudwatchs_limit() -> None:
    queue = "q" * 76  # the longest name that leaves room for `-dlq`
    run = build(SqsQueueTrigger, "orders", test_aws_sqs.base_args(alarms=ALARMS, queue={"name": queue}))
    assert len(the_alarm(run, "orders")["name"]) <= ALARM_NAME_MAX


def test_topic_of_the_same_program_is_notified() -> None:
    def program() -> None:
        topic = pulumi_aws.sns.Topic("oncall", name="oncall", region="us-west-2")
        SnsTopicTrigger("orders", test_aws_sns.base_args(alarms={"topic_arn": topic.arn}))  # type: ignore[arg-type]

    run = run_program(program, config=aws.CONFIG)
    topic = f"arn:aws:sns:us-west-2:{aws.ACCOUNT}:oncall"
    alarm = the_alarm(run, "orders")
    assert alarm["alarmActions"] == [topic] and alarm["okActions"] == [topic]


def test_a_topic_output_that_resolves_to_a_malformed_arn_fails_the_deployment_naming_the_argument() -> None:
    def program() -> None:
        topic = pulumi.Output.from_input("arn:aws:sqs:us-west-2:111122223333:not-a-topic")
        SnsTopicTrigger("orders", test_aws_sns.base_args(alarms={"topic_arn": topic}))  # type: ignore[arg-type]

    with pytest.raises(Exception) as caught:
        run_program(program, config=aws.CONFIG)
    assert "alarms.topic_arn" in str(caught.value) and "is not an SNS topic ARN" in str(caught.value)


@pytest.mark.parametrize(
    ("alarms", "argument"),
    [
        ({}, "alarms.topic_arn"),
        ({"topic_arn": "arn:aws:sqs:us-west-2:111122223333:oncall"}, "alarms.topic_arn"),
        ({"topic_arn": "oncall"}, "alarms.topic_arn"),
        ({"topic_arn": "arn:aws:sns:us-west-2:1111:oncall"}, "alarms.topic_arn"),
        ({**ALARMS, "period_seconds": 30}, "alarms.period_seconds"),
        ({**ALARMS, "period_seconds": 90}, "alarms.period_seconds"),
        ({**ALARMS, "period_seconds": 0}, "alarms.period_seconds"),
        ({**ALARMS, "period_seconds": 86460}, "alarms.period_seconds"),
        ({**ALARMS, "evaluation_periods": 0}, "alarms.evaluation_periods"),
        ({**ALARMS, "evaluation_periods": 1441}, "alarms.evaluation_periods"),
        ({**ALARMS, "period_seconds": 3600, "evaluation_periods": 169}, "alarms.evaluation_periods"),
        ({**ALARMS, "evaluation_periods": 1.5}, "alarms.evaluation_periods"),
        ({**ALARMS, "period": 60}, "alarms.period"),
        ({**ALARMS, "topic": ONCALL}, "alarms.topic"),
    ],
)
def test_bad_alarms_are_refused_before_anything_is_created(alarms: dict[str, Any], argument: str) -> None:
    args = test_aws_sns.base_args(alarms=alarms)
    error = aws.refused(lambda: SnsTopicTrigger("orders", args))  # type: ignore[arg-type]
    assert error.argument == argument


def test_the_longest_evaluation_ranges_cloudwatch_takes_are_accepted() -> None:
    for period, periods in ((60, 1440), (3540, 24), (3600, 168), (86400, 7)):
        alarms = {**ALARMS, "period_seconds": period, "evaluation_periods": periods}
        alarm = the_alarm(build(SnsTopicTrigger, "orders", test_aws_sns.base_args(alarms=alarms)), "orders")
        assert (alarm["period"], alarm["evaluationPeriods"]) == (period, periods)


def test_an_existing_queue_has_no_dead_letter_queue_to_watch() -> None:
    args = test_aws_sqs.base_args(existing_queue=test_aws_sqs.OTHER_QUEUE_URL, alarms=ALARMS)
    error = aws.refused(lambda: SqsQueueTrigger("orders", args))  # type: ignore[arg-type]
    assert error.argument == "alarms"
    assert "new queue" in error.problem


def test_alarms_through_the_provider_reach_the_same_alarm(plugin: ProviderProcess) -> None:
    """Other languages: camelCase `alarms` through Construct make the alarm a Python program makes."""
    inputs = {**yaml_inputs(), "alarms": {"topicArn": ONCALL, "periodSeconds": 120, "evaluationPeriods": 2}}
    monitor, response = construct(plugin, inputs)
    assert not isinstance(response, grpc.RpcError), f"{response}\n{plugin.stderr_text()[-4000:]}"
    (alarm,) = [r for r in monitor.registrations if r.type == ALARM]
    given = reveal(alarm.inputs)
    assert (given["alarmActions"], given["period"], given["evaluationPeriods"]) == ([ONCALL], 120, 2)
    assert given["dimensions"] == {"QueueName": "yaml-s3-to-flow-dev-raw-events-dlq"}
