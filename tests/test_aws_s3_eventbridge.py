"""S3ObjectTrigger with `delivery="eventbridge"`: the bucket setting, the rule, its queue, fields and bad input."""

import json
from typing import Any

import pytest

from pulumi_metaflow_blueprints.aws import S3Delivery, S3ObjectTrigger
from pulumi_metaflow_blueprints.aws.s3 import S3_EVENTBRIDGE_FIELDS, S3_NOTIFICATION_FIELDS
from pulumi_metaflow_blueprints.aws.s3_eventbridge import event_pattern
from pulumi_metaflow_blueprints.core.fields import EventPath
from pulumi_metaflow_blueprints.core.target import value_template
from pulumi_metaflow_blueprints.offline import ProgramRun, run_program
from tests import aws_checks as aws
from tests.helpers import argument_parameters, body_template, sample

TYPE = "metaflow-blueprints:index:S3ObjectTrigger"
QUEUE = "metaflow-blueprints-offline-raw-events"
RULE = "metaflow-blueprints-offline-raw-events"
RULE_ARN = f"arn:aws:events:us-west-2:{aws.ACCOUNT}:rule/{RULE}"
EVENTBRIDGE_RESOURCES = [
    ("aws:cloudwatch/eventRule:EventRule", "rule"),
    ("aws:cloudwatch/eventTarget:EventTarget", "rule-target"),
]


LANDED_TARGETS = [
    {"flow": {"flow": "IngestFlow", "parameters": {"bucket": "bucket", "key": "key", "size_bytes": "size"}}},
    {"metaflow_event": {"event": "raw_data_landed", "payload": {"key": "key"}}},
]
BUCKET = {"bucket": "acme-raw-events", "delivery": S3Delivery.EVENTBRIDGE, "prefix": "landing/", "suffix": ".parquet"}


def base_args(**overrides: Any) -> dict[str, Any]:
    return aws.blueprint_args(BUCKET, LANDED_TARGETS, **overrides)


run_s3 = aws.runner(S3ObjectTrigger, "raw-events")


@pytest.fixture(scope="module")
def run() -> ProgramRun:
    return run_s3(base_args())[0]


def test_registers_the_rule_its_target_the_bucket_setting_and_the_sqs_leg(run: ProgramRun) -> None:
    bucket = [("aws:s3/bucketNotification:BucketNotification", "bucket-eventbridge")]
    own = aws.QUEUE_RESOURCES + aws.READER_RESOURCES + aws.SENSOR_RESOURCES + EVENTBRIDGE_RESOURCES + bucket
    aws.assert_children(run, TYPE, "raw-events", own)
    aws.assert_queue_pair(run, "raw-events", QUEUE)
    aws.assert_reads_only(run, "raw-events", aws.queue_arn(QUEUE))


def test_bucket_setting_only_turns_eventbridge_on(run: ProgramRun) -> None:
    setting = run.named("raw-events-bucket-eventbridge").plain_inputs
    assert setting == {"bucket": "acme-raw-events", "eventbridge": True, "region": "us-west-2"}


def test_second_blueprint_on_the_bucket_leaves_the_bucket_setting_alone() -> None:
    run, _ = run_s3(base_args(manage_bucket_eventbridge=False))
    assert run.of_type("aws:s3/bucketNotification:BucketNotification") == []
    assert len(run.of_type("aws:cloudwatch/eventRule:EventRule")) == 1


def test_rule_matches_only_that_bucket_these_keys_and_these_detail_types(run: ProgramRun) -> None:
    rule = run.named("raw-events-rule").plain_inputs
    assert (rule["name"], rule["state"], rule["region"]) == (RULE, "ENABLED", "us-west-2")
    assert json.loads(rule["eventPattern"]) == {
        "source": ["aws.s3"],
        "detail-type": ["Object Created"],
        "detail": {"bucket": {"name": ["acme-raw-events"]}, "object": {"key": [{"wildcard": "landing/*.parquet"}]}},
    }


@pytest.mark.parametrize(
    ("prefix", "suffix", "key"),
    [
        ("landing/", None, [{"prefix": "landing/"}]),
        (None, ".csv", [{"suffix": ".csv"}]),
        ("a\\b/", ".csv", [{"wildcard": "a\\\\b/*.csv"}]),
        (None, None, None),
    ],
)
def test_key_filters_use_prefix_suffix_or_a_wildcard_with_backslashes_escaped(
    prefix: str | None, suffix: str | None, key: list[dict[str, str]] | None
) -> None:
    pattern = event_pattern("b-1", prefix, suffix, ["Object Created"])
    assert pattern["detail"].get("object") == (None if key is None else {"key": key})


def test_rules_match_the_key_as_it_is_not_url_encoded() -> None:
    """EventBridge events carry the key unencoded, so the rule's filters are the prefix and suffix as given —
    including the characters notification filters refuse or encode."""
    run, _ = run_s3(base_args(prefix="raw data/dt=2026 (copy)/", suffix="+é!.csv"))
    pattern = json.loads(run.named("raw-events-rule").plain_inputs["eventPattern"])
    assert pattern["detail"]["object"] == {"key": [{"wildcard": "raw data/dt=2026 (copy)/*+é!.csv"}]}


def test_rule_targets_its_own_queue_which_admits_only_that_rule(run: ProgramRun) -> None:
    target = run.named("raw-events-rule-target").plain_inputs
    assert target == {"rule": RULE, "targetId": "argo-events-queue", "arn": aws.queue_arn(QUEUE), "region": "us-west-2"}
    (allow,) = aws.queue_policy_statements(run, "raw-events", aws.queue_arn(QUEUE))
    assert allow == {
        "Sid": "EventBridgeMaySendForOneRule",
        "Effect": "Allow",
        "Principal": {"Service": "events.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": aws.queue_arn(QUEUE),
        "Condition": {"ArnEquals": {"aws:SourceArn": RULE_ARN}, "StringEquals": {"aws:SourceAccount": aws.ACCOUNT}},
    }


def test_specs_read_eventbridge_events_without_the_test_event_filter(run: ProgramRun) -> None:
    event_source, sensor = aws.valid_specs(run)
    assert event_source["sqs"] == {
        "object": {"region": "us-west-2", "queue": QUEUE, "waitTimeSeconds": 20, "jsonBody": True}
    }
    (event_filter,) = sensor["dependencies"][0]["filters"]["data"]
    assert event_filter == {"path": "body.detail-type", "type": "string", "value": ["^(?:Object\\ Created)$"]}
    flow, event = sensor["triggers"]
    templates = [p["src"]["dataTemplate"] for p in argument_parameters(flow["template"]["k8s"])]
    assert templates[1] == aws.template_for("body.detail.object.key")
    assert f',"key":{value_template(EventPath.parse("body.detail.object.key"), payload=True)}' in body_template(event)


def test_fields_have_the_same_names_in_both_modes_and_resolve_the_eventbridge_sample() -> None:
    assert S3_EVENTBRIDGE_FIELDS.names == [n for n in S3_NOTIFICATION_FIELDS.names if n != "key_encoded"]
    data = aws.sqs_message(sample("s3-object-created.eventbridge.json"))
    expected = {
        "bucket": "acme-raw-events",
        "key": "landing/2026/11/20/orders.parquet",
        "size": 1048576,
        "etag": "b1946ac92492d2347c6235b4d2611184",
        "version_id": "IYV3p45BT0ac8hjHg1houSdS1a.Mro8e",
        "sequencer": "617f08299329d189",
        "event_name": "Object Created",
        "event_time": "2026-11-20T08:15:30Z",
    }
    assert list(expected) == S3_EVENTBRIDGE_FIELDS.names
    for field in S3_EVENTBRIDGE_FIELDS.fields:
        assert field.path.lookup(data) == (True, expected[field.name]), field.name


def test_event_types_map_to_detail_types() -> None:
    events = ["s3:ObjectCreated:*", "s3:ObjectTagging:*", "s3:ObjectRestore:Completed", "s3:ObjectTagging:Put"]
    run, _ = run_s3(base_args(events=events))
    types = ["Object Created", "Object Tags Added", "Object Tags Deleted", "Object Restore Completed"]
    assert json.loads(run.named("raw-events-rule").plain_inputs["eventPattern"])["detail-type"] == types
    _, sensor = aws.valid_specs(run)
    assert sensor["dependencies"][0]["filters"]["data"][0]["value"] == [
        "^(?:Object\\ Created|Object\\ Tags\\ Added|Object\\ Tags\\ Deleted|Object\\ Restore\\ Completed)$"
    ]


def test_two_blueprints_watch_one_bucket_with_their_own_rules_and_queues() -> None:
    def program() -> None:
        S3ObjectTrigger("parquet", base_args(suffix=".parquet"))  # type: ignore[arg-type]
        S3ObjectTrigger("csv", base_args(suffix=".csv", manage_bucket_eventbridge=False))  # type: ignore[arg-type]

    run = run_program(program, config=aws.CONFIG)
    assert [r.name for r in run.of_type("aws:s3/bucketNotification:BucketNotification")] == [
        "parquet-bucket-eventbridge"
    ]
    rules = {
        r.name: json.loads(r.plain_inputs["eventPattern"]) for r in run.of_type("aws:cloudwatch/eventRule:EventRule")
    }
    assert rules["parquet-rule"]["detail"]["object"]["key"] == [{"wildcard": "landing/*.parquet"}]
    assert rules["csv-rule"]["detail"]["object"]["key"] == [{"wildcard": "landing/*.csv"}]
    targets = {r.name: r.plain_inputs["arn"] for r in run.of_type("aws:cloudwatch/eventTarget:EventTarget")}
    assert targets == {
        "parquet-rule-target": aws.queue_arn("metaflow-blueprints-offline-parquet"),
        "csv-rule-target": aws.queue_arn("metaflow-blueprints-offline-csv"),
    }


def test_every_spec_value_is_known_at_preview() -> None:
    aws.assert_known_at_preview(lambda: S3ObjectTrigger("raw-events", base_args()))  # type: ignore[arg-type]


def test_example_program_runs_offline() -> None:
    run = aws.assert_example_runs("s3-eventbridge-to-flow", TYPE)
    assert len(run.of_type("aws:cloudwatch/eventRule:EventRule")) == 1


@pytest.mark.parametrize(
    ("overrides", "argument"),
    [
        ({"delivery": "webhook"}, "delivery"),
        ({"events": ["s3:ObjectCreated:Put"]}, "events"),
        ({"events": ["s3:LifecycleExpiration:*"]}, "events"),
        ({"events": ["s3:Replication:*"]}, "events"),
        ({"bucket_account_id": "444455556666"}, "bucket_account_id"),
        ({"delivery": "notification", "manage_bucket_eventbridge": False}, "manage_bucket_eventbridge"),
        ({"suffix": "*.parquet"}, "suffix"),
        ({"filters": [{"field": "kee", "equals": ["x"]}]}, "filters[0].field"),
    ],
)
def test_bad_input_is_rejected_before_anything_is_created(overrides: dict[str, Any], argument: str) -> None:
    error = aws.refused(lambda: S3ObjectTrigger("raw-events", base_args(**overrides)))  # type: ignore[arg-type]
    assert error.argument == argument


def test_key_encoded_is_refused_with_the_reason_because_eventbridge_sends_the_key_as_it_is() -> None:
    targets = [{"flow": {"flow": "IngestFlow", "parameters": {"raw_key": "key_encoded"}}}]
    error = aws.refused(lambda: S3ObjectTrigger("raw-events", base_args(targets=targets)))  # type: ignore[arg-type]
    assert error.argument == "targets[0].flow.parameters.raw_key"
    assert "no URL-encoded form" in str(error) and "map `key`" in str(error)
