"""`metaflow-blueprints simulate`: what a sample event does to a program's Sensors, and the exit codes."""

import base64
import json
import re
import time
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from pulumi_metaflow_blueprints.cli import main
from pulumi_metaflow_blueprints.core.identity import run_name
from pulumi_metaflow_blueprints.simulate import SampleEvent, simulate_sensor
from pulumi_metaflow_blueprints.simulate.events import argo_event
from pulumi_metaflow_blueprints.simulate.program import EventSourceEvent, SensorTarget
from pulumi_metaflow_blueprints.webhooks.package import MASKED_AUTHORIZATION
from tests.helpers import EVENTS, as_dict, sample

ROOT = Path(__file__).parent.parent
S3_SAMPLE = EVENTS / "s3-object-created.sqs-message.json"
NOW = datetime(2026, 11, 20, 8, 16, tzinfo=timezone.utc)


def cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str]:
    code = main(["simulate", *map(str, args)])
    return code, capsys.readouterr().out


def cli_json(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, dict[str, Any]]:
    code, out = cli(capsys, *args, "--json")
    return code, json.loads(out)


def write(tmp_path: Path, name: str, value: Any) -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(value))
    return path


def test_the_s3_sample_triggers_the_root_example_with_every_value_from_the_event(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, report = cli_json(capsys, ROOT, "--event", S3_SAMPLE)
    assert (code, report["verdict"], report["exit_code"]) == (0, "triggered", 0)
    (sensor,) = report["sensors"]
    assert (sensor["blueprint"], sensor["blueprint_type"], sensor["sensor"]) == (
        "raw-events",
        "S3ObjectTrigger",
        "raw-events-sensor",
    )
    assert (sensor["event_source"], sensor["event_name"], sensor["event_type"]) == ("raw-events", "object", "sqs")
    assert sensor["source_filter"]["outcome"] == "pass"
    assert sensor["source_filter"]["value"] == {"body.Event": None}
    (dependency,) = sensor["dependencies"]
    assert [(f["kind"], f["path"], f["outcome"]) for f in dependency["filters"]] == [
        ("data", "body.Records.0.eventName", "pass")
    ]
    flow, event = sensor["triggers"]
    assert flow["verdict"] == event["verdict"] == "triggered"
    assert flow["workflow_template"] == "lakehouse.prod.ingestflow"
    assert [(p["name"], p["status"]) for p in flow["parameters"] if not p["name"].startswith("metadata.")] == [
        ("bucket", "event"),
        ("key", "event"),
        ("size_bytes", "event"),
    ]
    assert {a["name"]: a["value"] for a in flow["arguments"]} == {
        "bucket": '"acme-raw-events"',
        "key": '"landing/2026/11/20/orders.parquet"',
        "size_bytes": '"1048576"',  # a non-string as a JSON string of its JSON text (tests/test_metaflow_values.py)
        "mode": '"incremental"',
    }
    assert flow["workflow"]["kind"] == "Workflow"
    assert flow["workflow"]["spec"]["workflowTemplateRef"] == {"name": "lakehouse.prod.ingestflow"}
    metadata = flow["workflow"]["metadata"]
    assert "generateName" not in metadata
    assert metadata["name"] == run_name(
        "lakehouse.prod.ingestflow",
        "raw-events/lakehouse.prod.ingestflow",
        ["acme-raw-events", "landing/2026/11/20/orders.parquet", "d41d8cd98f00b204e9800998ecf8427e"],
    )
    assert "starts no second run" in flow["message"]
    request = event["request"]
    assert (request["method"], request["url"]) == (
        "POST",
        "http://argo-events-webhook-eventsource-svc.argo-events.svc:12000/metaflow-event",
    )
    body = json.loads(request["body"])
    assert body["name"] == body["payload"]["name"] == "raw_data_landed"
    assert (body["payload"]["bucket"], body["payload"]["key"]) == (
        "acme-raw-events",
        "landing/2026/11/20/orders.parquet",
    )
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", body["payload"]["id"])
    stamp = body["payload"]["timestamp"]  # an int, like ArgoEvent's (tests/test_metaflow_events.py)
    assert type(stamp) is int and abs(stamp - time.time()) < 600
    assert body["payload"]["utc_date"] == datetime.fromtimestamp(stamp, timezone.utc).strftime("%Y%m%d")
    ((whole,),) = [[(p["name"], p["status"], p["source"]) for p in event["parameters"]]]
    paths = "body.Records.0.s3.bucket.name, body.Records.0.s3.object.key"
    assert whole == ("(whole body)", "event", f"dataTemplate ({paths})")


def test_the_text_report_names_the_workflow_every_argument_and_the_request(capsys: pytest.CaptureFixture[str]) -> None:
    code, out = cli(capsys, ROOT, "--event", S3_SAMPLE)
    assert code == 0
    assert "workflowTemplateRef: lakehouse.prod.ingestflow" in out
    assert 'size_bytes = "1048576"   [from the event: dataTemplate (body.Records.0.s3.object.size)]' in out
    assert 'mode       = "incremental"   [static (in the Workflow spec)]' in out
    assert "request: POST http://argo-events-webhook-eventsource-svc.argo-events.svc:12000/metaflow-event" in out
    assert out.rstrip().endswith("Result: triggered (exit 0)")


def test_the_s3_test_event_is_dropped_by_the_event_source_filter(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = cli_json(capsys, ROOT, "--event", EVENTS / "s3-test-event.sqs-message.json")
    assert (code, report["verdict"]) == (1, "not-triggered")
    (sensor,) = report["sensors"]
    assert sensor["source_filter"]["outcome"] == "fail"
    assert sensor["source_filter"]["value"] == {"body.Event": "s3:TestEvent"}
    assert sensor["dependencies"] == sensor["triggers"] == []
    code, out = cli(capsys, ROOT, "--event", EVENTS / "s3-test-event.sqs-message.json")
    assert code == 1
    assert 'FAIL  body.Event != "s3:TestEvent" is false (body.Event = "s3:TestEvent")' in out


def test_a_mapped_path_missing_from_the_event_fails_the_trigger_and_names_the_parameter(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    record = sample("s3-object-created.sqs-message.json")["Records"][0]
    del record["s3"]["object"]["size"]
    event = write(tmp_path, "argo.json", {"body": {"Records": [record]}})  # bare Argo event data
    code, report = cli_json(capsys, ROOT, "--event", event, "--source-format", "argo")
    assert (code, report["verdict"]) == (3, "mis-wired")
    flow, metaflow_event = report["sensors"][0]["triggers"]
    assert (flow["outcome"], flow["verdict"], flow["workflow"]) == ("fails", "mis-wired", None)
    failed = [p for p in flow["parameters"] if p["status"] != "event"]
    assert [(p["name"], p["status"]) for p in failed] == [("size_bytes", "failed")]
    assert "event has no body.Records.0.s3.object.size" in failed[0]["reason"]
    assert metaflow_event["verdict"] == "triggered"  # it maps only bucket and key
    code, out = cli(capsys, ROOT, "--event", event, "--source-format", "argo")
    assert code == 3
    assert "FAILS    size_bytes = -   <- dataTemplate (body.Records.0.s3.object.size)" in out
    assert "=> mis-wired (exit 3): trigger lakehouse.prod.ingestflow: size_bytes (failed:" in out


def test_a_filter_that_does_not_match_is_named_with_the_value_it_saw(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    removed = sample("s3-object-created.sqs-message.json")
    removed["Records"][0]["eventName"] = "ObjectRemoved:Delete"
    code, out = cli(capsys, ROOT, "--event", write(tmp_path, "removed.json", removed))
    assert code == 1
    assert "FAIL  data[0] body.Records.0.eventName: 'ObjectRemoved:Delete' matches none of" in out
    assert 'saw "ObjectRemoved:Delete"' in out
    assert "=> not-triggered (exit 1): dependency 'source-event' rejects the event: data filter 0 on " in out


def test_a_wrapped_argo_event_keeps_its_context(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    data = {"messageId": "m-1", "messageAttributes": {}, "body": sample("s3-object-created.sqs-message.json")}
    context = {"id": "abc", "source": "raw-events", "subject": "object", "type": "sqs"}
    context.update({"specversion": "1.0", "datacontenttype": "application/json", "time": "2026-11-20T08:15:31Z"})
    code, report = cli_json(capsys, ROOT, "--event", write(tmp_path, "e.json", {"context": context, "data": data}))
    assert code == 1  # raw format: the whole file is taken as the SQS body, which has no Records
    code, report = cli_json(
        capsys,
        ROOT,
        "--event",
        write(tmp_path, "e.json", {"context": context, "data": data}),
        "--source-format",
        "argo",
    )
    assert code == 0
    (sensor,) = report["sensors"]
    assert sensor["event"]["context"] == context
    assert json.loads(sensor["triggers"][1]["request"]["body"])["payload"]["name"] == "raw_data_landed"
    context["subject"] = "other"
    code, report = cli_json(
        capsys,
        ROOT,
        "--event",
        write(tmp_path, "e.json", {"context": context, "data": data}),
        "--source-format",
        "argo",
    )
    assert code == 1
    assert "never sees it" in report["sensors"][0]["dependencies"][0]["reason"]


def test_usage_errors_exit_2_and_list_the_blueprints(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["simulate", str(ROOT), "--event", str(S3_SAMPLE), "--blueprint", "nope"]) == 2
    assert "no blueprint named 'nope'; the program's blueprints are: raw-events" in capsys.readouterr().err
    assert main(["simulate", str(ROOT), "--event", str(tmp_path / "missing.json")]) == 2
    assert "cannot read the event file" in capsys.readouterr().err
    (tmp_path / "bad.json").write_text("{not json")
    assert main(["simulate", str(ROOT), "--event", str(tmp_path / "bad.json")]) == 2
    assert "is not JSON" in capsys.readouterr().err
    assert main(["simulate", str(tmp_path), "--event", str(S3_SAMPLE)]) == 2  # not 1: that means "filtered out"
    assert f"{tmp_path} has no Pulumi.yaml" in capsys.readouterr().err


def test_blueprint_selects_by_component_name(capsys: pytest.CaptureFixture[str]) -> None:
    code, report = cli_json(capsys, ROOT, "--event", S3_SAMPLE, "--blueprint", "raw-events")
    assert code == 0
    assert [s["blueprint"] for s in report["sensors"]] == ["raw-events"]


# ---------------------------------------------------------------------------------------------------------------
# The engine on hand-built Sensors: fallbacks, unsupported constructs, secrets, wrapping
# ---------------------------------------------------------------------------------------------------------------

SQS_SOURCE = EventSourceEvent("orders", "ns", "sqs", "message", {"jsonBody": True, "queue": "q", "region": "r"})


def sensor_with(trigger_template: dict[str, Any], filters: dict[str, Any] | None = None) -> SensorTarget:
    dependency: dict[str, Any] = {"name": "dep", "eventSourceName": "orders", "eventName": "message"}
    if filters:
        dependency["filters"] = filters
    spec = {"dependencies": [dependency], "triggers": [{"template": trigger_template}]}
    return SensorTarget("orders", "SqsQueueTrigger", "orders-sensor", "ns", spec)


def http_template(payload: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"name": "post", "http": {"url": "http://x/hook", "method": "POST", "payload": payload, **extra}}


def body_event(body: Any) -> SampleEvent:
    return SampleEvent(body, json.dumps(body))


def test_a_mapped_value_falling_back_to_its_default_is_mis_wired() -> None:
    payload = [{"src": {"dependencyName": "dep", "dataKey": "body.order.id", "value": "0"}, "dest": "order_id"}]
    result = simulate_sensor(sensor_with(http_template(payload)), [SQS_SOURCE], body_event({"order": {}}), now=NOW)
    assert result.verdict == "mis-wired"
    (trigger,) = result.triggers
    assert trigger.outcome == "fires"  # Argo sends it, with the default: the silent fallback
    (param,) = trigger.parameters
    assert (param.name, param.status, param.value) == ("order_id", "fallback", "0")
    assert trigger.request is not None and trigger.request["json"] == {"order_id": "0"}
    ok = simulate_sensor(sensor_with(http_template(payload)), [SQS_SOURCE], body_event({"order": {"id": 7}}), now=NOW)
    assert ok.verdict == "triggered"
    assert ok.triggers[0].request is not None and ok.triggers[0].request["body"] == '{"order_id":"7"}'


def test_use_raw_data_keeps_numbers_from_a_data_key() -> None:
    payload = [{"src": {"dependencyName": "dep", "dataKey": "body.n", "useRawData": True}, "dest": "n"}]
    result = simulate_sensor(sensor_with(http_template(payload)), [SQS_SOURCE], body_event({"n": 5}), now=NOW)
    assert result.triggers[0].request is not None and result.triggers[0].request["body"] == '{"n":5}'
    assert result.triggers[0].parameters[0].notes == ()


def test_secret_and_sensitive_headers_are_masked() -> None:
    template = http_template(
        [{"src": {"dependencyName": "dep", "value": "x"}, "dest": "a"}],
        headers={"Content-Type": "application/json", "X-Api-Key": "k-123"},
        secureHeaders=[{"name": "Authorization", "valueFrom": {"secretKeyRef": {"name": "mf", "key": "auth"}}}],
    )
    result = simulate_sensor(sensor_with(template), [SQS_SOURCE], body_event({}), now=NOW)
    assert result.triggers[0].request is not None
    assert result.triggers[0].request["headers"] == {
        "Content-Type": "application/json",
        "X-Api-Key": "[masked]",
        "Authorization": "[secret mf/auth]",
    }
    assert "k-123" not in json.dumps(result.triggers[0].request)


def test_constructs_the_simulator_cannot_evaluate_are_unsupported() -> None:
    payload = [{"src": {"dependencyName": "dep", "value": "x"}, "dest": "a"}]
    scripted = sensor_with(http_template(payload), {"script": "return true"})
    result = simulate_sensor(scripted, [SQS_SOURCE], body_event({}), now=NOW)
    assert (result.verdict, result.dependencies[0].outcome) == ("unsupported", "unsupported")
    filtered = EventSourceEvent(
        "orders", "ns", "sqs", "message", {"jsonBody": True, "filter": {"expression": "len(body) > 0"}}
    )
    result = simulate_sensor(sensor_with(http_template(payload)), [filtered], body_event({}), now=NOW)
    assert result.verdict == "unsupported"
    assert result.source_filter is not None and "function calls" in result.source_filter.reason
    other = {"name": "run", "argoWorkflow": {"operation": "submit", "source": {"resource": {}}}}
    result = simulate_sensor(sensor_with(other), [SQS_SOURCE], body_event({}), now=NOW)
    assert (result.verdict, result.triggers[0].message) == ("unsupported", "argoWorkflow triggers are not simulated")


def test_a_dependency_on_an_event_source_outside_the_program_is_unsupported() -> None:
    result = simulate_sensor(sensor_with(http_template([])), [], body_event({}), now=NOW)
    assert result.verdict == "unsupported"
    assert "creates no EventSource 'orders'" in result.reason


def test_webhook_bodies_get_headers_and_the_authorization_header_is_masked() -> None:
    source = EventSourceEvent("hooks", "ns", "webhook", "hook", {"endpoint": "/x", "port": "12000", "authSecret": {}})
    wrapped = argo_event(source, SampleEvent({"a": 1}, "", headers={"x-request-id": "r-1"}), now=NOW)
    assert wrapped.event is not None
    assert wrapped.event["data"] == {
        "header": {
            "Authorization": [MASKED_AUTHORIZATION],
            "Content-Type": ["application/json"],
            "X-Request-Id": ["r-1"],
        },
        "body": {"a": 1},
    }
    assert as_dict(wrapped.event["context"])["type"] == "webhook"


def test_pub_sub_messages_with_base64_or_decoded_data_wrap_the_same() -> None:
    source = EventSourceEvent("landing", "ns", "pubSub", "object", {"jsonBody": True})
    message = sample("gcs-object-finalize.pubsub-message.json")
    decoded = argo_event(source, SampleEvent(message, ""), now=NOW)
    encoded_message = dict(message["message"])
    encoded_message["data"] = base64.b64encode(json.dumps(encoded_message["data"]).encode()).decode()
    encoded = argo_event(source, SampleEvent(encoded_message, ""), now=NOW)
    assert decoded.event == encoded.event
    assert decoded.event is not None
    data = as_dict(decoded.event["data"])
    assert (data["id"], data["publishTime"]) == ("10487693251911234", "2026-11-20 08:15:30.456 +0000 UTC")
    assert data["body"]["size"] == "52341"
    assert data["attributes"]["objectId"] == "exports/2026-11-20/users.csv"
    not_json = argo_event(source, SampleEvent({"data": base64.b64encode(b"plain").decode(), "messageId": "1"}, ""))
    assert not_json.event is None and "not JSON" in str(not_json.unsupported)


def test_sqs_without_json_body_delivers_base64() -> None:
    source = EventSourceEvent("orders", "ns", "sqs", "message", {"queue": "q"})
    wrapped = argo_event(source, SampleEvent({"a": 1}, '{"a": 1}', attributes={"kind": "created"}), now=NOW)
    assert wrapped.event is not None
    data = as_dict(wrapped.event["data"])
    assert base64.b64decode(data["body"]) == b'{"a": 1}'
    assert data["messageAttributes"]["kind"]["StringValue"] == "created"
    assert "base64" in wrapped.notes[0]
