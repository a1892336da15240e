"""SnsTopicTrigger: the raw-delivery subscription, the queue scoped to one topic, specs, fields and bad input."""

from typing import Any

import pytest

from pulumi_metaflow_blueprints.aws import SnsTopicTrigger
from pulumi_metaflow_blueprints.aws.sns import SNS_MESSAGE_FIELDS
from pulumi_metaflow_blueprints.offline import ProgramRun
from tests import aws_checks as aws
from tests.helpers import resolved

TYPE = "metaflow-blueprints:index:SnsTopicTrigger"
TOPIC = "arn:aws:sns:us-west-2:444455556666:order-events"
QUEUE = "metaflow-blueprints-offline-orders"


ORDER_TARGETS = [
    {
        "flow": {
            "flow": "OrderFlow",
            "parameters": {"order_id": "body.order.id", "kind": "message_attributes.kind.StringValue"},
        }
    }
]
ONLY_CREATED = [{"field": "message_attributes.kind.StringValue", "equals": ["created"]}]


def base_args(**overrides: Any) -> dict[str, Any]:
    return aws.blueprint_args({"topic_arn": TOPIC, "filters": ONLY_CREATED}, ORDER_TARGETS, **overrides)


run_sns = aws.runner(SnsTopicTrigger, "orders")


@pytest.fixture(scope="module")
def run() -> ProgramRun:
    return run_sns(base_args())[0]


def test_registers_the_subscription_and_the_sqs_leg_under_the_component(run: ProgramRun) -> None:
    own = [
        *aws.QUEUE_RESOURCES,
        *aws.READER_RESOURCES,
        *aws.SENSOR_RESOURCES,
        ("aws:sns/topicSubscription:TopicSubscription", "subscription"),
    ]
    aws.assert_children(run, TYPE, "orders", own)
    aws.assert_queue_pair(run, "orders", QUEUE)
    aws.assert_reads_only(run, "orders", aws.queue_arn(QUEUE))


def test_subscription_delivers_raw_messages_to_the_queue(run: ProgramRun) -> None:
    subscription = run.named("orders-subscription").plain_inputs
    assert subscription == {
        "topic": TOPIC,
        "protocol": "sqs",
        "endpoint": aws.queue_arn(QUEUE),
        "rawMessageDelivery": True,
        "region": "us-west-2",
    }


def test_queue_policy_admits_only_that_topic_of_its_account_over_tls(run: ProgramRun) -> None:
    (allow,) = aws.queue_policy_statements(run, "orders", aws.queue_arn(QUEUE))
    assert allow == {
        "Sid": "SnsMaySendForOneTopic",
        "Effect": "Allow",
        "Principal": {"Service": "sns.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": aws.queue_arn(QUEUE),
        "Condition": {"ArnEquals": {"aws:SourceArn": TOPIC}, "StringEquals": {"aws:SourceAccount": "444455556666"}},
    }


def test_topic_of_another_region_is_subscribed_in_its_region_and_delivers_across() -> None:
    topic = "arn:aws:sns:eu-west-1:444455556666:order-events"
    run, _ = run_sns(base_args(topic_arn=topic))
    subscription = run.named("orders-subscription").plain_inputs
    assert (subscription["region"], subscription["endpoint"]) == ("eu-west-1", aws.queue_arn(QUEUE))
    assert run.named("orders-queue").plain_inputs["region"] == "us-west-2"


def test_specs_keep_non_json_messages_for_the_dead_letter_queue_and_filter_anchored(run: ProgramRun) -> None:
    event_source, sensor = aws.valid_specs(run)
    assert event_source["sqs"] == {
        "message": {"region": "us-west-2", "queue": QUEUE, "waitTimeSeconds": 20, "jsonBody": True, "dlq": True}
    }
    (attribute_filter,) = sensor["dependencies"][0]["filters"]["data"]
    assert attribute_filter == {
        "path": "messageAttributes.kind.StringValue",
        "type": "string",
        "value": ["^(?:created)$"],
    }


def test_outputs_name_the_subscription_and_the_queues() -> None:
    _, component = run_sns(base_args())
    assert resolved(component.subscription_arn)[0].startswith("arn:aws:sns:us-west-2:000000000000:")
    assert resolved(component.dead_letter_queue_arn)[0] == aws.queue_arn(f"{QUEUE}-dlq")
    assert resolved(component.event_source_name)[0] == "orders"


def test_raw_sample_message_resolves_every_field() -> None:
    data = aws.sqs_message({"order": {"id": "ord-1001", "total": 129.95}}, {"kind": "created"}, "m-7")
    expected = {
        "body": {"order": {"id": "ord-1001", "total": 129.95}},
        "body.order.total": 129.95,
        "message_attributes.kind.StringValue": "created",
        "message_id": "m-7",
    }
    for reference, value in expected.items():
        assert SNS_MESSAGE_FIELDS.resolve(reference, "test").lookup(data) == (True, value), reference


def test_every_spec_value_is_known_at_preview() -> None:
    aws.assert_known_at_preview(lambda: SnsTopicTrigger("orders", base_args()))  # type: ignore[arg-type]


def test_example_program_runs_offline() -> None:
    run = aws.assert_example_runs("sns-to-flow", TYPE)
    assert run.of_type("aws:sns/topicSubscription:TopicSubscription")[0].plain_inputs["rawMessageDelivery"] is True


@pytest.mark.parametrize(
    ("overrides", "argument"),
    [
        ({"topic_arn": "order-events"}, "topic_arn"),
        ({"topic_arn": "arn:aws:sns:us-west-2:444455556666:order-events.fifo"}, "topic_arn"),
        ({"topic_arn": "arn:aws:sqs:us-west-2:444455556666:order-events"}, "topic_arn"),
        ({"topic_arn": None}, "topic_arn"),
        ({"region": "mars-1"}, "region"),
        ({"filters": [{"field": "message_attributes.kind.StringValue", "pattern": "[a-"}]}, "filters[0].pattern"),
    ],
)
def test_bad_input_is_rejected_before_anything_is_created(overrides: dict[str, Any], argument: str) -> None:
    args = {k: v for k, v in base_args(**overrides).items() if v is not None}
    error = aws.refused(lambda: SnsTopicTrigger("orders", args))  # type: ignore[arg-type]
    assert error.argument == argument
