"""One object, four forms, one run: the live S3 notification (as moto's S3 sends it to SQS), its redelivery, its
replay from the event the dead-letter trigger parked, and its backfill from the bucket listing (as moto's
`list-objects-v2` returns it) all name the Workflow alike; another object gets another name."""

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from pulumi_metaflow_blueprints.argo.semantics import make_event
from pulumi_metaflow_blueprints.aws.package import sqs_event_data
from pulumi_metaflow_blueprints.cli import main
from pulumi_metaflow_blueprints.simulate import SampleEvent, load_sample, simulate
from pulumi_metaflow_blueprints.simulate.triggers import simulate_argo_trigger
from tests.helpers import as_dict, example_run, spec_of

boto3 = pytest.importorskip("boto3")
moto = pytest.importorskip("moto")

ROOT = Path(__file__).resolve().parent.parent
PROGRAM = ROOT / "examples" / "s3-to-flow"
BUCKET = "acme-raw-events"  # the example's default `bucket`
KEYS = ["landing/dt=2026-11-20/a b.parquet", "landing/dt=2026-11-20/c+d.parquet"]
FLOW_TRIGGER = "lakehouse.prod.ingestflow"


@pytest.fixture(scope="module")
def bucket() -> tuple[list[Any], dict[str, Any]]:
    """(the S3 notification body of each object, in KEYS order; the bucket's list-objects-v2 response as the AWS CLI
    prints it)."""
    with moto.mock_aws():
        s3 = boto3.client("s3", region_name="us-west-2")
        sqs = boto3.client("sqs", region_name="us-west-2")
        queue = sqs.create_queue(QueueName="landing")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        s3.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
        s3.put_bucket_notification_configuration(
            Bucket=BUCKET,
            NotificationConfiguration={"QueueConfigurations": [{"QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]},
        )
        bodies: dict[str, Any] = {}
        for index, key in enumerate(KEYS):
            s3.put_object(Bucket=BUCKET, Key=key, Body=f"object {index}".encode())
        for _ in range(10):
            for message in sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10).get("Messages", []):
                body = json.loads(message["Body"])
                if "Records" in body:
                    bodies[body["Records"][0]["s3"]["object"]["eTag"]] = body
            if len(bodies) == len(KEYS):
                break
        listing = s3.list_objects_v2(Bucket=BUCKET)
    listing.pop("ResponseMetadata")
    cli_json = json.loads(json.dumps(listing, default=lambda v: v.isoformat() if isinstance(v, datetime) else v))
    by_etag = {item["ETag"].strip('"'): item["Key"] for item in cli_json["Contents"]}
    ordered = sorted(bodies.values(), key=lambda b: KEYS.index(by_etag[b["Records"][0]["s3"]["object"]["eTag"]]))
    assert len(ordered) == len(KEYS)
    return ordered, cli_json


def workflow_names(text: str) -> list[str]:
    return [d["metadata"]["name"] for d in yaml.safe_load_all(text) if d and d.get("kind") == "Workflow"]


def live_name(body: Any, message_id: str, event_id: str) -> str:
    data = sqs_event_data(body, message_id=message_id)
    event = make_event(data, source="raw-events", type_="sqs", subject="object", id_=event_id)
    (sensor,) = simulate(example_run("s3-to-flow"), SampleEvent(event, "", "argo")).sensors
    (flow,) = [t for t in sensor.triggers if t.name == FLOW_TRIGGER]
    assert flow.outcome == "fires", flow.message
    return as_dict(flow.workflow)["metadata"]["name"]


def parked(body: Any) -> dict[str, Any]:
    """The ConfigMap the flow trigger's dlqTrigger writes for this event (rendered as Argo would)."""
    (trigger,) = [
        t for t in spec_of(example_run("s3-to-flow"), "Sensor")["triggers"] if t["template"]["name"] == FLOW_TRIGGER
    ]
    event = make_event(sqs_event_data(body), source="raw-events", type_="sqs", subject="object")
    check = simulate_argo_trigger(trigger["dlqTrigger"], {"source-event": event})
    assert check.outcome == "fires", check.message
    config_map = as_dict(check.workflow)
    config_map["metadata"]["name"] = config_map["metadata"].pop("generateName") + "x7k2p"
    return config_map


def test_live_redelivered_replayed_and_backfilled_forms_of_one_object_share_one_run(
    bucket: tuple[list[Any], dict[str, Any]], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bodies, listing = bucket
    live = [live_name(body, "4f2c-first-receive", "e1") for body in bodies]
    redelivered = [live_name(body, "9a81-second-message", "e2") for body in bodies]

    replayed = []
    for index, body in enumerate(bodies):
        sample = tmp_path / f"live-{index}.json"
        sample.write_text(json.dumps(body))
        assert main(["replay", str(PROGRAM), "--event", str(sample)]) == 0
        replayed.append(workflow_names(capsys.readouterr().out))
        parked_file = tmp_path / f"parked-{index}.yaml"
        parked_file.write_text(yaml.safe_dump(parked(body)))
        assert main(["replay", str(PROGRAM), "--event", str(parked_file)]) == 0
        replayed.append(workflow_names(capsys.readouterr().out))

    objects = tmp_path / "listing.json"
    objects.write_text(json.dumps(listing))
    assert main(["backfill", str(PROGRAM), "--blueprint", "raw-events", "--objects", str(objects)]) == 0
    backfilled = workflow_names(capsys.readouterr().out)

    assert live == redelivered == backfilled
    assert replayed == [[live[0]], [live[0]], [live[1]], [live[1]]]
    assert live[0] != live[1]
    assert all(name.startswith("lakehouse.prod.ingestflow-") for name in live)


def test_simulate_of_the_live_sample_reports_the_same_name(
    bucket: tuple[list[Any], dict[str, Any]], tmp_path: Path
) -> None:
    bodies, _ = bucket
    sample = tmp_path / "live.json"
    sample.write_text(json.dumps(bodies[0]))
    (sensor,) = simulate(example_run("s3-to-flow"), load_sample(sample)).sensors
    (flow,) = [t for t in sensor.triggers if t.name == FLOW_TRIGGER]
    assert as_dict(flow.workflow)["metadata"]["name"] == live_name(bodies[0], "m", "e")
