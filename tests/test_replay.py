"""`metaflow-blueprints replay`: the objects that re-drive one event, from a sample or a parked ConfigMap."""

import json
import shlex
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml

from pulumi_metaflow_blueprints.cli import main
from pulumi_metaflow_blueprints.core.dlq import PARKED_LABEL, SENSOR_ANNOTATION, TRIGGER_ANNOTATION
from tests.helpers import EVENTS, run_cli, yaml_documents

ROOT = Path(__file__).parent.parent
S3 = ROOT / "examples" / "s3-to-flow"
S3_SAMPLE = EVENTS / "s3-object-created.sqs-message.json"
FLOW_TRIGGER = "lakehouse.prod.ingestflow"
EVENT_TRIGGER = "raw_data_landed"


def cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    return run_cli(capsys, "replay", *args)


def simulated(capsys: pytest.CaptureFixture[str], program: Path, event: Path) -> dict[str, Any]:
    """`simulate --json`'s Sensor report for ``event``."""
    assert main(["simulate", str(program), "--event", str(event), "--json"]) == 0
    (sensor,) = json.loads(capsys.readouterr().out)["sensors"]
    return sensor


def parked_config_map(event: dict[str, Any], trigger: str, sensor: str = "raw-events-sensor") -> dict[str, Any]:
    """A parked event as the dlqTrigger writes it (core/dlq.py), built by hand."""
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "name": "raw-events-sensor-parked-x7k2p",
            "namespace": "argo-events",
            "labels": {PARKED_LABEL: "true", "metaflow-blueprints/instance": "raw-events"},
            "annotations": {TRIGGER_ANNOTATION: trigger, SENSOR_ANNOTATION: sensor},
        },
        "data": {
            "trigger": trigger,
            "event-data": json.dumps(event["data"], separators=(",", ":")),
            "event-context": json.dumps(event["context"]),
        },
    }


def test_a_sample_replays_as_the_workflow_simulate_renders_with_its_deterministic_name(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = cli(capsys, S3, "--event", S3_SAMPLE)
    assert code == 0
    (workflow,) = yaml_documents(out)  # the request follows as comments: kubectl sees one object
    assert workflow["kind"] == "Workflow"
    assert workflow["apiVersion"] == "argoproj.io/v1alpha1"
    assert workflow["spec"]["workflowTemplateRef"] == {"name": FLOW_TRIGGER}
    arguments = {p["name"]: p["value"] for p in workflow["spec"]["arguments"]["parameters"]}
    assert arguments == {
        "bucket": '"acme-raw-events"',
        "key": '"landing/2026/11/20/orders.parquet"',
        "size_bytes": '"1048576"',
        "mode": '"incremental"',
    }
    name = workflow["metadata"]["name"]
    assert name.startswith(f"{FLOW_TRIGGER}-") and len(name) <= 63
    assert "generateName" not in workflow["metadata"]  # `kubectl create` of a second replay meets AlreadyExists
    flow = next(t for t in simulated(capsys, S3, S3_SAMPLE)["triggers"] if t["name"] == FLOW_TRIGGER)
    assert workflow == flow["workflow"]
    assert "# curl -sS -X POST http://argo-events-webhook-eventsource-svc.argo-events.svc:12000/metaflow-event" in out
    assert "cannot be deduplicated" in err


def test_a_redelivered_sample_replays_under_the_same_name_and_another_object_under_another(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    message = json.loads(S3_SAMPLE.read_text())
    message["Records"][0]["s3"]["object"]["sequencer"] = "0055AED6DCD90281FF"  # a second delivery of the same event
    again = tmp_path / "again.json"
    again.write_text(json.dumps(message))
    message["Records"][0]["s3"]["object"]["key"] = "landing/2026/11/21/orders.parquet"
    other = tmp_path / "other.json"
    other.write_text(json.dumps(message))
    names = []
    for event in (S3_SAMPLE, again, other):
        code, out, _ = cli(capsys, S3, "--event", event, "--trigger", FLOW_TRIGGER)
        assert code == 0
        (workflow,) = yaml_documents(out)
        names.append(workflow["metadata"]["name"])
    assert names[0] == names[1] != names[2]


def test_a_metaflow_event_target_replays_as_a_runnable_curl_command(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = cli(capsys, S3, "--event", S3_SAMPLE, "--trigger", EVENT_TRIGGER)
    assert code == 0
    words = shlex.split(out)
    assert words[:5] == [
        "curl",
        "-sS",
        "-X",
        "POST",
        "http://argo-events-webhook-eventsource-svc.argo-events.svc:12000/metaflow-event",
    ]
    assert words[words.index("-H") + 1] == "Content-Type: application/json"
    body = json.loads(words[words.index("--data-binary") + 1])
    assert body["name"] == EVENT_TRIGGER
    assert (body["payload"]["bucket"], body["payload"]["key"]) == (
        "acme-raw-events",
        "landing/2026/11/20/orders.parquet",
    )


def test_a_secret_header_is_read_from_its_secret_when_the_command_runs_never_printed(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    program = tmp_path / "program"
    shutil.copytree(S3, program)
    main_py = program / "__main__.py"
    main_py.write_text(
        main_py.read_text().replace(
            '"event": "raw_data_landed",',
            '"event": "raw_data_landed", "authorization_secret_name": "metaflow-webhook", '
            '"authorization_secret_key": "auth.token",',
        )
    )
    code, out, _ = cli(capsys, program, "--event", S3_SAMPLE, "--trigger", EVENT_TRIGGER)
    assert code == 0
    expected = (
        "\"Authorization: $(kubectl get secret metaflow-webhook -n argo-events -o jsonpath='{.data.auth\\.token}' "
        '| base64 -d)"'
    )
    assert expected in out
    words = shlex.split(out)
    header = words[words.index("-H", words.index("-H") + 1) + 1]
    assert header.startswith("Authorization: $(kubectl get secret metaflow-webhook")


def test_an_event_the_sensor_drops_prints_nothing_and_says_why(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    message = json.loads(S3_SAMPLE.read_text())
    message["Records"][0]["eventName"] = "ObjectRemoved:Delete"
    removed = tmp_path / "removed.json"
    removed.write_text(json.dumps(message))
    code, out, err = cli(capsys, S3, "--event", removed)
    assert (code, out) == (1, "")
    assert "replay: Sensor argo-events/raw-events-sensor drops the event: dependency 'source-event' rejects" in err


@pytest.mark.parametrize("form", ["yaml", "json", "list"])
def test_a_parked_event_replays_its_trigger_as_the_raw_sample_does(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, form: str
) -> None:
    event = simulated(capsys, S3, S3_SAMPLE)["event"]
    config_map = parked_config_map(event, FLOW_TRIGGER)
    parked = tmp_path / f"parked.{form}"
    if form == "yaml":
        parked.write_text(yaml.safe_dump(config_map))
    elif form == "json":
        parked.write_text(json.dumps(config_map, indent=4))
    else:
        parked.write_text(yaml.safe_dump({"apiVersion": "v1", "kind": "List", "items": [config_map]}))
    code, out, err = cli(capsys, S3, "--event", parked)
    assert (code, err) == (0, "")  # only the trigger it names: no HTTP request, no note about it
    code, raw, _ = cli(capsys, S3, "--event", S3_SAMPLE, "--trigger", FLOW_TRIGGER)
    assert code == 0
    assert yaml_documents(out) == yaml_documents(raw)
    assert len(yaml_documents(out)) == 1


def test_a_parked_metaflow_event_replays_as_its_request(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    event = simulated(capsys, S3, S3_SAMPLE)["event"]
    parked = tmp_path / "parked.yaml"
    parked.write_text(yaml.safe_dump(parked_config_map(event, EVENT_TRIGGER)))
    code, out, _ = cli(capsys, S3, "--event", parked)
    assert code == 0
    assert out.startswith("curl -sS -X POST ")
    body = json.loads(shlex.split(out)[-1])
    assert body["payload"]["key"] == "landing/2026/11/20/orders.parquet"


def test_a_parked_event_whose_trigger_fails_prints_the_reason_and_exits_3(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    event = simulated(capsys, S3, S3_SAMPLE)["event"]
    del event["data"]["body"]["Records"][0]["s3"]["object"]["key"]
    parked = tmp_path / "parked.yaml"
    parked.write_text(yaml.safe_dump(parked_config_map(event, FLOW_TRIGGER)))
    code, out, err = cli(capsys, S3, "--event", parked)
    assert (code, out) == (3, "")
    assert "trigger lakehouse.prod.ingestflow: Argo fails the trigger and creates nothing" in err
    assert "event has no body.Records.0.s3.object.key" in err


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            lambda cm: cm["metadata"]["annotations"].update({SENSOR_ANNOTATION: "gone-sensor"}),
            "for Sensor 'gone-sensor', which the program does not create (its Sensors: raw-events-sensor)",
        ),
        (
            lambda cm: cm["data"].update({"trigger": "gone"}),
            "for trigger 'gone', which Sensor 'raw-events-sensor' does not have "
            "(its triggers: lakehouse.prod.ingestflow, raw_data_landed)",
        ),
        (lambda cm: cm["metadata"]["labels"].pop(PARKED_LABEL), "is not a parked event"),
        (lambda cm: cm["data"].update({"event-data": "{not json"}), "data.event-data is not JSON"),
        (lambda cm: cm["data"].update({"event-context": "[]"}), "data.event-context is not a JSON object"),
    ],
)
def test_a_parked_event_that_does_not_fit_the_program_is_one_error_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, change: Any, message: str
) -> None:
    event = simulated(capsys, S3, S3_SAMPLE)["event"]
    config_map = parked_config_map(event, FLOW_TRIGGER)
    change(config_map)
    parked = tmp_path / "parked.yaml"
    parked.write_text(yaml.safe_dump(config_map))
    code, out, err = cli(capsys, S3, "--event", parked)
    assert (code, out) == (2, "")
    assert err.startswith("error: ") and err.count("\n") == 1
    assert message in err


def test_bad_inputs_are_one_error_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.txt"
    garbage.write_text("this: is: not: json\n")
    cases = [
        (["--event", garbage], "is not JSON"),
        (["--event", tmp_path / "missing.json"], "cannot read the event file"),
        (["--event", S3_SAMPLE, "--blueprint", "nope"], "no blueprint named 'nope'"),
        (["--event", S3_SAMPLE, "--trigger", "nope"], "--trigger 'nope': no such trigger"),
    ]
    for args, message in cases:
        code, out, err = cli(capsys, S3, *args)
        assert (code, out) == (2, "")
        assert err.startswith("error: ") and message in err and err.count("\n") == 1
