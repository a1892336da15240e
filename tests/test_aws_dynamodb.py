"""DynamoDBTableTrigger: the Pipe, its least-privilege role, the SQS leg, typed attribute fields and bad input."""

import copy
import json
from typing import Any

import pytest

from pulumi_metaflow_blueprints.argo.semantics import make_event, resolve_param_value
from pulumi_metaflow_blueprints.argo.semantics._values import go_json
from pulumi_metaflow_blueprints.aws import DynamoDBTableTrigger
from pulumi_metaflow_blueprints.aws.dynamodb import DYNAMODB_RECORD_FIELDS
from pulumi_metaflow_blueprints.aws.package import sqs_event_data
from pulumi_metaflow_blueprints.core.fields import EventPath
from pulumi_metaflow_blueprints.core.target import value_template
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.offline import ProgramRun
from tests import aws_checks as aws
from tests.helpers import argument_parameters, body_template, policy, resolved, sample
from tests.oracle_client import GoOracle, tally

TYPE = "metaflow-blueprints:index:DynamoDBTableTrigger"
STREAM = "arn:aws:dynamodb:us-west-2:000000000000:table/orders/stream/2026-11-01T00:00:00.000"
QUEUE = "metaflow-blueprints-offline-orders"
PIPE = "metaflow-blueprints-offline-orders"
PIPE_ARN = f"arn:aws:pipes:us-west-2:{aws.ACCOUNT}:pipe/{PIPE}"


NEW_ORDER_TARGETS = [
    {"flow": {"flow": "OrderFlow", "parameters": {"order_id": "keys.order_id", "amount": "new_image.amount.N"}}},
    {"metaflow_event": {"event": "order_created", "payload": {"customer": "new_image.customer"}}},
]


def base_args(**overrides: Any) -> dict[str, Any]:
    return aws.blueprint_args({"stream_arn": STREAM}, NEW_ORDER_TARGETS, **overrides)


run_dynamodb = aws.runner(DynamoDBTableTrigger, "orders")


@pytest.fixture(scope="module")
def run() -> ProgramRun:
    return run_dynamodb(base_args())[0]


def test_registers_the_pipe_its_role_and_the_sqs_leg_under_the_component(run: ProgramRun) -> None:
    pipe = [
        ("aws:iam/role:Role", "pipe-role"),
        ("aws:iam/rolePolicy:RolePolicy", "pipe-access"),
        ("aws:pipes/pipe:Pipe", "pipe"),
    ]
    aws.assert_children(run, TYPE, "orders", aws.QUEUE_RESOURCES + aws.READER_RESOURCES + aws.SENSOR_RESOURCES + pipe)
    aws.assert_queue_pair(run, "orders", QUEUE)
    aws.assert_reads_only(run, "orders", aws.queue_arn(QUEUE))


def test_pipe_reads_new_items_one_record_at_a_time_into_the_queue(run: ProgramRun) -> None:
    pipe = run.named("orders-pipe").plain_inputs
    assert (pipe["name"], pipe["source"], pipe["target"]) == (PIPE, STREAM, aws.queue_arn(QUEUE))
    assert pipe["roleArn"] == "arn:aws:iam::000000000000:role/orders-pipe-role-placeholder"
    assert (pipe["desiredState"], pipe["region"]) == ("RUNNING", "us-west-2")
    stream = pipe["sourceParameters"]["dynamodbStreamParameters"]
    assert stream == {
        "startingPosition": "LATEST",
        "batchSize": 1,
        "maximumRetryAttempts": 10,
        "deadLetterConfig": {"arn": aws.queue_arn(f"{QUEUE}-dlq")},
    }
    (pattern,) = pipe["sourceParameters"]["filterCriteria"]["filters"]
    assert json.loads(pattern["pattern"]) == {"eventName": ["INSERT"]}
    assert "targetParameters" not in pipe  # no input template: the record itself is the message body


def test_pipe_role_is_trusted_only_by_that_pipe_of_this_account(run: ProgramRun) -> None:
    (trust,) = policy(run.named("orders-pipe-role").inputs["assumeRolePolicy"])["Statement"]
    assert trust == {
        "Sid": "OneResourceOfOneAccount",
        "Effect": "Allow",
        "Principal": {"Service": "pipes.amazonaws.com"},
        "Action": "sts:AssumeRole",
        "Condition": {"StringEquals": {"aws:SourceAccount": aws.ACCOUNT}, "ArnEquals": {"aws:SourceArn": PIPE_ARN}},
    }


def test_pipe_role_may_only_read_that_stream_and_send_to_its_own_queues(run: ProgramRun) -> None:
    read, list_streams, send = policy(run.named("orders-pipe-access").inputs["policy"])["Statement"]
    assert read == {
        "Sid": "ReadOneStream",
        "Effect": "Allow",
        "Action": ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator"],
        "Resource": STREAM,
    }
    # The Pipes user guide requires ListStreams; IAM only accepts it on "*" (no resource type), so alone there.
    assert list_streams == {"Sid": "ListStreams", "Effect": "Allow", "Action": "dynamodb:ListStreams", "Resource": "*"}
    assert send == {
        "Sid": "SendToOwnQueues",
        "Effect": "Allow",
        "Action": "sqs:SendMessage",
        "Resource": [aws.queue_arn(QUEUE), aws.queue_arn(f"{QUEUE}-dlq")],
    }


def test_a_customer_key_on_the_queues_lets_the_pipe_encrypt_with_it() -> None:
    key = "arn:aws:kms:us-west-2:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    run, _ = run_dynamodb(base_args(queue={"kms_master_key_id": key}))
    *_, encrypt = policy(run.named("orders-pipe-access").inputs["policy"])["Statement"]
    assert encrypt == {
        "Sid": "EncryptForQueues",
        "Effect": "Allow",
        "Action": ["kms:GenerateDataKey", "kms:Decrypt"],
        "Resource": key,
    }
    assert run.named("orders-queue").plain_inputs["kmsMasterKeyId"] == key


def test_queue_policy_admits_no_other_sender_and_denies_plain_http(run: ProgramRun) -> None:
    assert aws.queue_policy_statements(run, "orders", aws.queue_arn(QUEUE)) == []


def test_outputs_name_the_pipe_and_its_role() -> None:
    _, component = run_dynamodb(base_args())
    assert resolved(component.pipe_arn)[0] == PIPE_ARN
    assert resolved(component.pipe_role_arn)[0] == "arn:aws:iam::000000000000:role/orders-pipe-role-placeholder"


def test_specs_read_records_and_the_sensor_keeps_only_the_chosen_changes(run: ProgramRun) -> None:
    event_source, sensor = aws.valid_specs(run)
    assert event_source["sqs"] == {
        "record": {"region": "us-west-2", "queue": QUEUE, "waitTimeSeconds": 20, "jsonBody": True}
    }
    (dependency,) = sensor["dependencies"]
    assert dependency["filters"]["data"] == [{"path": "body.eventName", "type": "string", "value": ["^(?:INSERT)$"]}]
    flow, event = sensor["triggers"]
    templates = [p["src"]["dataTemplate"] for p in argument_parameters(flow["template"]["k8s"])]
    assert templates == [
        aws.template_for("body.dynamodb.NewImage.amount.N"),
        aws.template_for("body.dynamodb.Keys.order_id.S"),
    ]
    customer = value_template(EventPath.parse("body.dynamodb.NewImage.customer.S"), payload=True)
    assert f',"customer":{customer}' in body_template(event)


def test_modified_and_removed_items_can_be_chosen_too() -> None:
    run, _ = run_dynamodb(base_args(changes=["INSERT", "MODIFY", "REMOVE", "MODIFY"]))
    (pattern,) = run.named("orders-pipe").plain_inputs["sourceParameters"]["filterCriteria"]["filters"]
    assert json.loads(pattern["pattern"]) == {"eventName": ["INSERT", "MODIFY", "REMOVE"]}
    _, sensor = aws.valid_specs(run)
    (event_filter,) = sensor["dependencies"][0]["filters"]["data"]
    assert event_filter["value"] == ["^(?:INSERT|MODIFY|REMOVE)$"]


def test_sample_record_resolves_every_field() -> None:
    record = sample("dynamodb-stream-insert.record.json")
    data = aws.sqs_message(record)  # the Pipe sends the record itself as the message body
    expected = {
        "event_name": "INSERT",
        "keys": {"order_id": {"S": "ord-1001"}},
        "new_image": record["dynamodb"]["NewImage"],
        "sequence_number": "4421584500000000017450439091",
        "created_at": 1763626530,
        "event_id": "c4ca4238a0b923820dcc509a6f75849b",
        "stream_arn": record["eventSourceARN"],
    }
    for name, value in expected.items():
        assert DYNAMODB_RECORD_FIELDS.resolve(name, "test").lookup(data) == (True, value), name
    assert DYNAMODB_RECORD_FIELDS.resolve("old_image", "test").lookup(data) == (False, None)  # NEW_IMAGE stream


@pytest.mark.parametrize(
    ("reference", "path", "value"),
    [
        ("keys.order_id", "body.dynamodb.Keys.order_id.S", "ord-1001"),
        ("new_image.customer", "body.dynamodb.NewImage.customer.S", "c-42"),
        ("new_image.customer.S", "body.dynamodb.NewImage.customer.S", "c-42"),
        ("new_image.amount.N", "body.dynamodb.NewImage.amount.N", "129.95"),
        ("new_image.amount", "body.dynamodb.NewImage.amount.S", None),  # a number is not found as a string
        ("new_image.address.M.city", "body.dynamodb.NewImage.address.M.city.S", None),
        ("new_image.tags.L.0.N", "body.dynamodb.NewImage.tags.L.0.N", None),
        ("new_image.labels.SS.1", "body.dynamodb.NewImage.labels.SS.1", None),
        ("new_image.2024", "body.dynamodb.NewImage.2024.S", None),
        ("data:body.dynamodb.NewImage.amount", "body.dynamodb.NewImage.amount", {"N": "129.95"}),
    ],
)
def test_typed_attribute_paths_unwrap_dynamodb_json(reference: str, path: str, value: Any) -> None:
    resolved_path = DYNAMODB_RECORD_FIELDS.resolve(reference, "test")
    assert resolved_path.gjson == path
    found = resolved_path.lookup(aws.sqs_message(sample("dynamodb-stream-insert.record.json")))
    assert found == ((True, value) if value is not None else (False, None))


@pytest.mark.parametrize(
    "reference", ["new_image.amount.Q", "new_image.tags.L.first", "new_image.amount.S.more", "new_image.amount.NS.x"]
)
def test_malformed_typed_attribute_paths_name_the_types(reference: str) -> None:
    with pytest.raises(BlueprintInputError, match="S, N, B, BOOL, NULL") as caught:
        DYNAMODB_RECORD_FIELDS.resolve(reference, "targets[0].flow.parameters.x")
    assert caught.value.argument == "targets[0].flow.parameters.x"


def test_every_spec_value_is_known_at_preview() -> None:
    aws.assert_known_at_preview(lambda: DynamoDBTableTrigger("orders", base_args()))  # type: ignore[arg-type]


def test_example_program_runs_offline() -> None:
    run = aws.assert_example_runs("dynamodb-to-flow", TYPE)
    assert len(run.of_type("aws:pipes/pipe:Pipe")) == 1


@pytest.mark.parametrize(
    ("overrides", "argument"),
    [
        ({"stream_arn": "arn:aws:dynamodb:us-west-2:000000000000:table/orders"}, "stream_arn"),
        ({"stream_arn": STREAM.replace("us-west-2", "eu-west-1")}, "stream_arn"),
        ({"stream_arn": None}, "stream_arn"),
        ({"changes": []}, "changes"),
        ({"changes": ["UPSERT"]}, "changes[0]"),
        ({"changes": "INSERT"}, "changes"),
        ({"filters": [{"field": "new_image.status.X", "equals": ["paid"]}]}, "filters[0].field"),
        (
            {"targets": [{"flow": {"flow": "OrderFlow", "parameters": {"n": "new_image.n.L.x"}}}]},
            "targets[0].flow.parameters.n",
        ),
        ({"queue": {"visibility_timeout_seconds": -1}}, "queue.visibility_timeout_seconds"),
    ],
)
def test_bad_input_is_rejected_before_anything_is_created(overrides: dict[str, Any], argument: str) -> None:
    args = {k: v for k, v in base_args(**overrides).items() if v is not None}
    error = aws.refused(lambda: DynamoDBTableTrigger("orders", args))  # type: ignore[arg-type]
    assert error.argument == argument


def test_only_a_number_kept_as_a_string_is_exact_beyond_2_53(oracle: GoOracle) -> None:
    """Argo hands templates gjson's float64 of every JSON number: 2^53 + 1 arrives as 2^53. A DynamoDB `N` is a
    string in the record, so `new_image.<attr>.N` reaches the flow digit for digit (README, the 2^53 note)."""
    record = copy.deepcopy(sample("dynamodb-stream-insert.record.json"))
    big = "9007199254740993"  # 2^53 + 1
    record["dynamodb"]["NewImage"]["views"] = {"N": big}
    record["dynamodb"]["ApproximateCreationDateTime"] = int(big)
    event = make_event(sqs_event_data(record), source="es", type_="sqs", subject="record")
    data = go_json(event["data"], escape_html=True, sort_keys=False)
    rendered = {}
    for reference in ("new_image.views.N", "created_at"):
        template = value_template(DYNAMODB_RECORD_FIELDS.resolve(reference, "test"))
        go = oracle.one({"op": "template", "template": template, "json": data})
        ours = resolve_param_value({"dependencyName": "e", "dataTemplate": template}, {"e": event})
        assert go["status"] == ours.status == "ok" and go["output"] == ours.value, (go, ours)
        rendered[reference] = str(json.loads(go["output"]))
        tally("blueprints")
    assert rendered == {"new_image.views.N": big, "created_at": "9007199254740992"}
