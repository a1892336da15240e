"""SqsQueueTrigger: a new queue or an existing one (any account), its reader, specs, fields and bad input."""

import json
from typing import Any

import pytest

from pulumi_metaflow_blueprints.aws import SqsQueueTrigger
from pulumi_metaflow_blueprints.aws.sqs_queue import SQS_MESSAGE_FIELDS, parse_existing_queue
from pulumi_metaflow_blueprints.core.fields import EventPath
from pulumi_metaflow_blueprints.core.target import value_template
from pulumi_metaflow_blueprints.offline import ProgramRun
from tests import aws_checks as aws
from tests.helpers import argument_parameters, body_template, policy, resolved

TYPE = "metaflow-blueprints:index:SqsQueueTrigger"
QUEUE = "metaflow-blueprints-offline-orders"
OTHER_QUEUE_URL = "https://sqs.us-west-2.amazonaws.com/444455556666/orders-feed"
OTHER_QUEUE_ARN = "arn:aws:sqs:us-west-2:444455556666:orders-feed"
PRODUCER = "arn:aws:iam::111122223333:role/order-service"


ORDER_TARGETS = [
    {
        "flow": {
            "flow": "OrderFlow",
            "parameters": {"order_id": "body.order.id", "tenant": "message_attributes.tenant.StringValue"},
        }
    },
    {"metaflow_event": {"event": "order_placed", "payload": {"message": "message_id"}}},
]


def base_args(**overrides: Any) -> dict[str, Any]:
    return aws.blueprint_args({}, ORDER_TARGETS, **overrides)


run_sqs = aws.runner(SqsQueueTrigger, "orders")


@pytest.fixture(scope="module")
def new_queue() -> tuple[ProgramRun, SqsQueueTrigger]:
    return run_sqs(base_args(senders=[PRODUCER, "444455556666"]))


@pytest.fixture(scope="module")
def existing() -> tuple[ProgramRun, SqsQueueTrigger]:
    return run_sqs(base_args(existing_queue=OTHER_QUEUE_URL))


def test_new_queue_registers_the_queue_pair_reader_event_source_and_sensor(new_queue: Any) -> None:
    run, _ = new_queue
    aws.assert_children(run, TYPE, "orders", aws.QUEUE_RESOURCES + aws.READER_RESOURCES + aws.SENSOR_RESOURCES)
    aws.assert_queue_pair(run, "orders", QUEUE)
    aws.assert_reads_only(run, "orders", aws.queue_arn(QUEUE))


def test_new_queue_policy_admits_only_the_named_senders_over_tls(new_queue: Any) -> None:
    run, _ = new_queue
    (allow,) = aws.queue_policy_statements(run, "orders", aws.queue_arn(QUEUE))
    assert allow == {
        "Sid": "PrincipalsMaySend",
        "Effect": "Allow",
        "Principal": {"AWS": [PRODUCER, "444455556666"]},
        "Action": "sqs:SendMessage",
        "Resource": aws.queue_arn(QUEUE),
    }


def test_without_senders_the_queue_policy_only_denies_plain_http() -> None:
    run, _ = run_sqs(base_args())
    assert aws.queue_policy_statements(run, "orders", aws.queue_arn(QUEUE)) == []


def test_event_source_keeps_unreadable_messages_for_the_dead_letter_queue(new_queue: Any) -> None:
    run, component = new_queue
    event_source, _ = aws.valid_specs(run)
    assert event_source["sqs"] == {
        "message": {"region": "us-west-2", "queue": QUEUE, "waitTimeSeconds": 20, "jsonBody": True, "dlq": True}
    }
    assert resolved(component.dead_letter_queue_arn)[0] == aws.queue_arn(f"{QUEUE}-dlq")
    assert resolved(component.queue_policy_statement)[0] == ""


def test_sensor_maps_body_paths_attributes_and_the_message_id(new_queue: Any) -> None:
    run, _ = new_queue
    _, sensor = aws.valid_specs(run)
    flow, event = sensor["triggers"]
    sources = [p["src"]["dataTemplate"] for p in argument_parameters(flow["template"]["k8s"])]
    assert sources == [aws.template_for("body.order.id"), aws.template_for("messageAttributes.tenant.StringValue")]
    assert f',"message":{value_template(EventPath.parse("messageId"), payload=True)}' in body_template(event)
    assert "filters" not in sensor["dependencies"][0]


def test_existing_queue_of_another_account_creates_no_queue_and_reads_only_it(existing: Any) -> None:
    run, _ = existing
    aws.assert_children(run, TYPE, "orders", aws.READER_RESOURCES + aws.SENSOR_RESOURCES)
    assert run.of_type("aws:sqs/queue:Queue") == []
    aws.assert_reads_only(run, "orders", OTHER_QUEUE_ARN)
    event_source, _ = aws.valid_specs(run)
    assert event_source["sqs"]["message"] == {
        "region": "us-west-2",
        "queue": "orders-feed",
        "queueAccountId": "444455556666",
        "waitTimeSeconds": 20,
        "jsonBody": True,
        "dlq": True,
    }


def test_existing_queue_of_another_account_outputs_the_statement_its_owner_must_add(existing: Any) -> None:
    _, component = existing
    assert resolved(component.queue_url)[0] == OTHER_QUEUE_URL
    assert resolved(component.queue_arn)[0] == OTHER_QUEUE_ARN
    assert resolved(component.dead_letter_queue_arn)[0] == ""
    statement = json.loads(resolved(component.queue_policy_statement)[0])
    assert statement == {
        "Sid": "ArgoEventsReaderMayConsume",
        "Effect": "Allow",
        "Principal": {"AWS": "arn:aws:iam::000000000000:role/orders-reader-placeholder"},
        "Action": ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"],
        "Resource": OTHER_QUEUE_ARN,
    }


def test_existing_queue_of_the_deploying_account_needs_no_statement() -> None:
    _, component = run_sqs(base_args(existing_queue="arn:aws:sqs:us-west-2:000000000000:orders-feed"))
    assert resolved(component.queue_policy_statement)[0] == ""


def test_existing_queue_with_a_customer_key_may_decrypt_with_that_key_only() -> None:
    key = "arn:aws:kms:us-west-2:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    run, _ = run_sqs(base_args(existing_queue=OTHER_QUEUE_ARN, existing_queue_kms_key_arn=key))
    read, decrypt = policy(run.named("orders-queue-access").inputs["policy"])["Statement"]
    assert read["Resource"] == OTHER_QUEUE_ARN
    assert decrypt == {"Sid": "DecryptQueue", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": key}


def test_role_arn_mode_reads_the_existing_queue_with_the_given_role() -> None:
    role = "arn:aws:iam::111122223333:role/team/argo-events-reader"
    run, component = run_sqs(base_args(existing_queue=OTHER_QUEUE_ARN, identity={"mode": "role-arn", "role_arn": role}))
    assert run.of_type("aws:iam/role:Role") == []
    assert run.named("orders-queue-access").plain_inputs["role"] == "argo-events-reader"
    event_source, _ = aws.valid_specs(run)
    assert event_source["sqs"]["message"]["roleARN"] == role
    assert json.loads(resolved(component.queue_policy_statement)[0])["Principal"] == {"AWS": role}


@pytest.mark.parametrize(
    ("given", "arn", "url"),
    [
        (
            "https://sqs.eu-west-1.amazonaws.com/444455556666/jobs.fifo",
            "arn:aws:sqs:eu-west-1:444455556666:jobs.fifo",
            "https://sqs.eu-west-1.amazonaws.com/444455556666/jobs.fifo",
        ),
        (
            "https://eu-west-1.queue.amazonaws.com/444455556666/jobs",
            "arn:aws:sqs:eu-west-1:444455556666:jobs",
            "https://sqs.eu-west-1.amazonaws.com/444455556666/jobs",
        ),
        (
            "https://sqs.cn-north-1.amazonaws.com.cn/444455556666/jobs",
            "arn:aws-cn:sqs:cn-north-1:444455556666:jobs",
            "https://sqs.cn-north-1.amazonaws.com.cn/444455556666/jobs",
        ),
        (
            "arn:aws-us-gov:sqs:us-gov-west-1:444455556666:jobs",
            "arn:aws-us-gov:sqs:us-gov-west-1:444455556666:jobs",
            "https://sqs.us-gov-west-1.amazonaws.com/444455556666/jobs",
        ),
    ],
)
def test_existing_queue_is_read_from_an_arn_or_any_url_form(given: str, arn: str, url: str) -> None:
    queue = parse_existing_queue(given)
    assert (queue.arn, queue.url) == (arn, url)


def test_sample_message_resolves_every_field_and_paths_inside_body_and_attributes() -> None:
    data = aws.sqs_message({"order": {"id": "ord-1001", "items": [{"sku": "A-1"}]}}, {"tenant": "acme"}, "m-42")
    assert SQS_MESSAGE_FIELDS.names == ["body", "message_attributes", "message_id"]
    expected = {
        "body.order.id": "ord-1001",
        "body.order.items.0.sku": "A-1",
        "message_attributes.tenant.StringValue": "acme",
        "message_attributes.tenant.DataType": "String",
        "message_id": "m-42",
    }
    for reference, value in expected.items():
        assert SQS_MESSAGE_FIELDS.resolve(reference, "test").lookup(data) == (True, value), reference


def test_every_spec_value_is_known_at_preview() -> None:
    aws.assert_known_at_preview(lambda: SqsQueueTrigger("orders", base_args(existing_queue=OTHER_QUEUE_URL)))  # type: ignore[arg-type]
    aws.assert_known_at_preview(lambda: SqsQueueTrigger("orders", base_args()))  # type: ignore[arg-type]


def test_example_program_runs_offline() -> None:
    run = aws.assert_example_runs("sqs-to-flow", TYPE)
    assert run.of_type("aws:sqs/queue:Queue") == []


@pytest.mark.parametrize(
    ("overrides", "argument"),
    [
        ({"existing_queue": "orders-feed"}, "existing_queue"),
        ({"existing_queue": "arn:aws:sns:us-west-2:444455556666:orders"}, "existing_queue"),
        ({"existing_queue": OTHER_QUEUE_ARN, "queue": {"max_receive_count": 3}}, "queue"),
        ({"existing_queue": OTHER_QUEUE_ARN, "senders": [PRODUCER]}, "senders"),
        ({"existing_queue": OTHER_QUEUE_ARN, "region": "eu-west-1"}, "region"),
        (
            {"existing_queue": OTHER_QUEUE_ARN, "existing_queue_kms_key_arn": "alias/orders"},
            "existing_queue_kms_key_arn",
        ),
        ({"existing_queue_kms_key_arn": "arn:aws:kms:us-west-2:444455556666:key/abc"}, "existing_queue_kms_key_arn"),
        ({"senders": ["order-service"]}, "senders[0]"),
        ({"queue": {"name": "orders queue"}}, "queue.name"),
        ({"identity": {"mode": "irsa"}}, "identity.oidc_provider_arn"),
        ({"targets": [{"flow": {"flow": "OrderFlow", "parameters": {"x": "bodyy"}}}]}, "targets[0].flow.parameters.x"),
    ],
)
def test_bad_input_is_rejected_before_anything_is_created(overrides: dict[str, Any], argument: str) -> None:
    error = aws.refused(lambda: SqsQueueTrigger("orders", base_args(**overrides)))  # type: ignore[arg-type]
    assert error.argument == argument
