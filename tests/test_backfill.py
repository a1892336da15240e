"""`metaflow-blueprints backfill`: the Workflows a bucket listing's objects would have started, as live."""

import io
import json
import shutil
import urllib.parse
from pathlib import Path
from typing import Any

import pytest

from pulumi_metaflow_blueprints.cli import main
from pulumi_metaflow_blueprints.runs.cloud import CloudRoute, pattern_matches
from pulumi_metaflow_blueprints.runs.listings import ListedObject
from pulumi_metaflow_blueprints.runs.objects import s3_notification
from tests.helpers import EVENTS, run_cli, yaml_documents

ROOT = Path(__file__).parent.parent
S3 = ROOT / "examples" / "s3-to-flow"
S3_EVENTBRIDGE = ROOT / "examples" / "s3-eventbridge-to-flow"
GCS = ROOT / "examples" / "gcs-to-flow"
SAMPLE_ETAG = "d41d8cd98f00b204e9800998ecf8427e"


def cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    return run_cli(capsys, "backfill", *args)


def arguments(workflow: dict[str, Any]) -> dict[str, str]:
    return {p["name"]: p["value"] for p in workflow["spec"]["arguments"]["parameters"]}


def s3_item(key: str, etag: str = SAMPLE_ETAG, size: int = 1048576) -> dict[str, Any]:
    """One `Contents` item as `aws s3api list-objects-v2` prints it (ETag with its quotes)."""
    return {
        "Key": key,
        "LastModified": "2026-11-20T08:15:30+00:00",
        "ETag": f'"{etag}"',
        "Size": size,
        "StorageClass": "STANDARD",
    }


def gcs_item(name: str, generation: str = "1763626530123456", size: str = "52341") -> dict[str, Any]:
    """One `items` entry of a GCS objects.list response (an object resource)."""
    return {
        "kind": "storage#object",
        "id": f"acme-landing/{name}/{generation}",
        "name": name,
        "bucket": "acme-landing",
        "generation": generation,
        "metageneration": "1",
        "contentType": "text/csv",
        "size": size,
        "md5Hash": "1B2M2Y8AsgTpgAmY7PhCfg==",
        "timeCreated": "2026-11-20T08:15:30.123Z",
        "updated": "2026-11-20T08:15:30.123Z",
    }


def first_record(payload: dict[str, object]) -> dict[str, Any]:
    """The one record of an S3 notification body."""
    (record,) = json.loads(json.dumps(payload))["Records"]
    return record


def write(tmp_path: Path, name: str, *docs: Any) -> Path:
    path = tmp_path / name
    path.write_text("\n".join(json.dumps(doc, indent=2) for doc in docs))
    return path


def replayed(
    capsys: pytest.CaptureFixture[str], program: Path, event: Path, trigger: str = "lakehouse.prod.ingestflow"
) -> dict[str, Any]:
    """The Workflow the live event makes: `replay` of the raw sample through the Sensor."""
    code = main(["replay", str(program), "--event", str(event), "--trigger", trigger])
    assert code == 0
    (workflow,) = yaml_documents(capsys.readouterr().out)
    return workflow


def test_s3_objects_under_the_prefix_with_the_suffix_become_workflows_of_the_flow(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    listing = write(
        tmp_path,
        "listing.json",
        {
            "Contents": [
                s3_item("landing/2026/11/20/orders.parquet"),
                s3_item("landing/2026/11/20/orders.csv", "1" * 32),  # suffix: S3 does not send it
                s3_item("archive/2026/orders.parquet", "2" * 32),  # prefix: S3 does not send it
                s3_item("landing/dt=1/a b+c é.parquet", "3" * 32, 12),  # sent URL-encoded, reaches the flow decoded
            ],
            "RequestCharged": None,
            "Prefix": "",
        },
        {"Contents": [s3_item("landing/page2.parquet", "4" * 32, 5)]},  # a second page, concatenated
    )
    code, out, err = cli(capsys, S3, "--blueprint", "raw-events", "--objects", listing)
    assert code == 0
    workflows = yaml_documents(out)
    assert [w["kind"] for w in workflows] == ["Workflow"] * 3
    assert {w["spec"]["workflowTemplateRef"]["name"] for w in workflows} == {"lakehouse.prod.ingestflow"}
    assert [arguments(w) for w in workflows] == [
        {"bucket": '"acme-raw-events"', "key": f'"{k}"', "size_bytes": f'"{s}"', "mode": '"incremental"'}
        for k, s in [
            ("landing/2026/11/20/orders.parquet", 1048576),
            ("landing/dt=1/a b+c é.parquet", 12),
            ("landing/page2.parquet", 5),
        ]
    ]
    names = [w["metadata"]["name"] for w in workflows]
    assert len(set(names)) == 3 and all(n.startswith("lakehouse.prod.ingestflow-") for n in names)
    assert "trigger raw_data_landed is not backfilled: a metaflow_event cannot be deduplicated" in err
    assert err.splitlines()[-1] == (
        "backfill: done: 5 objects read, 2 outside the cloud filter, 0 dropped by the EventSource or Sensor "
        "filters, 3 matched, 3 workflows"
    )


def test_a_backfilled_object_gets_the_name_its_live_event_gets(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    listing = write(tmp_path, "s3.json", {"Contents": [s3_item("landing/2026/11/20/orders.parquet")]})
    code, out, _ = cli(capsys, S3, "--blueprint", "raw-events", "--objects", listing)
    assert code == 0
    (workflow,) = yaml_documents(out)
    live = replayed(capsys, S3, EVENTS / "s3-object-created.sqs-message.json")
    assert workflow["metadata"]["name"] == live["metadata"]["name"]
    assert workflow["metadata"]["labels"] == live["metadata"]["labels"]
    assert workflow["spec"] == live["spec"]


def test_through_eventbridge_the_rule_pattern_filters_and_names_match_the_live_event(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    sample = json.loads((EVENTS / "s3-object-created.eventbridge.json").read_text())
    obj = sample["detail"]["object"]
    listing = write(
        tmp_path,
        "s3.json",
        {
            "Contents": [
                s3_item(obj["key"], obj["etag"], obj["size"]),
                s3_item("landing/x.csv", "1" * 32),
                s3_item("elsewhere/x.parquet", "2" * 32),
            ]
        },
    )
    code, out, err = cli(capsys, S3_EVENTBRIDGE, "--blueprint", "landing-parquet", "--objects", listing)
    assert code == 0
    (workflow,) = yaml_documents(out)
    assert arguments(workflow)["key"] == f'"{obj["key"]}"'
    assert "2 outside the cloud filter" in err
    live = replayed(capsys, S3_EVENTBRIDGE, EVENTS / "s3-object-created.eventbridge.json", "ingestflow")
    assert workflow["metadata"]["name"] == live["metadata"]["name"]


def test_gcs_objects_become_workflows_named_as_their_live_notification(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    listing = write(
        tmp_path,
        "gcs.json",
        {"kind": "storage#objects", "items": [gcs_item("exports/2026-11-20/users.csv")], "nextPageToken": "p2"},
        {
            "kind": "storage#objects",
            "items": [
                gcs_item("exports/2026-11-20/users.json", "2"),  # suffix: the Sensor's filter drops it
                gcs_item("elsewhere/users.csv", "3"),  # prefix: the notification does not send it
                gcs_item("exports/b.csv", "4", "7"),
            ],
            "prefixes": ["exports/"],
        },
    )
    code, out, err = cli(capsys, GCS, "--blueprint", "landing", "--objects", listing)
    assert code == 0
    first, second = yaml_documents(out)
    assert arguments(first) == {
        "bucket": '"acme-landing"',
        "key": '"exports/2026-11-20/users.csv"',
        "size_bytes": '"52341"',
        "mode": '"incremental"',
    }
    assert arguments(second)["key"] == '"exports/b.csv"'
    assert "1 outside the cloud filter, 1 dropped by the EventSource or Sensor filters, 2 matched" in err
    live = replayed(capsys, GCS, EVENTS / "gcs-object-finalize.pubsub-message.json")
    assert first["metadata"]["name"] == live["metadata"]["name"] != second["metadata"]["name"]


def test_list_object_versions_backfills_the_latest_versions_with_their_version_id(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    versions = [
        {**s3_item("landing/a.parquet", "1" * 32), "VersionId": "v2", "IsLatest": True},
        {**s3_item("landing/a.parquet", "2" * 32), "VersionId": "v1", "IsLatest": False},
    ]
    listing = write(tmp_path, "versions.json", {"Versions": versions, "DeleteMarkers": [{"Key": "landing/b.parquet"}]})
    code, out, err = cli(capsys, S3, "--blueprint", "raw-events", "--objects", listing)
    assert code == 0
    (workflow,) = yaml_documents(out)
    assert arguments(workflow)["key"] == '"landing/a.parquet"'
    assert "1 not the latest version (skipped)" in err
    route = CloudRoute("notification", "acme-raw-events", region="us-west-2")
    record = first_record(s3_notification(ListedObject("s3", versions[0], "Versions"), route).payload)
    assert record["s3"]["object"]["versionId"] == "v2"


def test_an_object_its_trigger_fails_on_prints_nothing_names_the_reason_and_exits_3(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    listing = write(
        tmp_path,
        "s3.json",
        {"Contents": [s3_item("landing/$(id).parquet", "1" * 32), s3_item("landing/fine.parquet", "2" * 32)]},
    )
    code, out, err = cli(capsys, S3, "--blueprint", "raw-events", "--objects", listing)
    assert code == 3
    assert [arguments(w)["key"] for w in yaml_documents(out)] == ['"landing/fine.parquet"']
    assert "backfill: landing/$(id).parquet: trigger lakehouse.prod.ingestflow: " in err
    assert "holds a $ or a backtick" in err
    assert "1 failed, 0 mis-wired, 0 not evaluated" in err


def test_the_sensor_filters_are_honoured(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    program = tmp_path / "program"
    shutil.copytree(S3, program)
    main_py = program / "__main__.py"
    main_py.write_text(
        main_py.read_text().replace(
            '"sensor": {',
            '"filters": [{"field": "key", "pattern": "landing/keep/.*"}, {"field": "size", "equals": ["100"]}],'
            '\n        "sensor": {',
        )
    )
    listing = write(
        tmp_path,
        "s3.json",
        {
            "Contents": [
                s3_item("landing/keep/a.parquet", "1" * 32, 100),
                s3_item("landing/drop/b.parquet", "2" * 32, 100),
                s3_item("landing/keep/small.parquet", "3" * 32, 1),
            ]
        },
    )
    code, out, err = cli(capsys, program, "--blueprint", "raw-events", "--objects", listing)
    assert code == 0, err
    assert [arguments(w)["key"] for w in yaml_documents(out)] == ['"landing/keep/a.parquet"']
    assert "0 outside the cloud filter, 2 dropped by the EventSource or Sensor filters, 1 matched" in err


def test_twenty_thousand_objects_stream_from_stdin_with_progress(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Most objects lie outside the prefix (cheap); every 20th is rendered."""
    items = [s3_item(f"{'landing' if i % 20 == 0 else 'other'}/{i:06d}.parquet", f"{i:032x}", i) for i in range(20_000)]
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps({"Contents": items})))
    code, out, err = cli(capsys, S3, "--blueprint", "raw-events", "--objects", "-", "--progress-every", "5000")
    assert code == 0
    workflows = yaml_documents(out)
    assert len(workflows) == 1000
    assert len({w["metadata"]["name"] for w in workflows}) == 1000
    assert [arguments(w)["key"] for w in workflows[:2]] == ['"landing/000000.parquet"', '"landing/000020.parquet"']
    progress = [line for line in err.splitlines() if " objects read, " in line and "done" not in line]
    assert progress == [
        f"backfill: {n} objects read, {n // 20} matched, {n // 20} workflows" for n in (5000, 10000, 15000, 20000)
    ]


def test_a_listed_object_synthesizes_the_notification_moto_sends(tmp_path: Path) -> None:
    """The record S3 (moto) sends for an object: every field moto has, with the same values, is in ours."""
    boto3 = pytest.importorskip("boto3")
    moto = pytest.importorskip("moto")
    key = "landing/dt=1/a b+c.parquet"
    with moto.mock_aws():
        s3 = boto3.client("s3", region_name="us-west-2")
        sqs = boto3.client("sqs", region_name="us-west-2")
        s3.create_bucket(Bucket="acme-raw-events", CreateBucketConfiguration={"LocationConstraint": "us-west-2"})
        queue = sqs.create_queue(QueueName="q")["QueueUrl"]
        arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        s3.put_bucket_notification_configuration(
            Bucket="acme-raw-events",
            NotificationConfiguration={
                "QueueConfigurations": [{"Id": "cfg", "QueueArn": arn, "Events": ["s3:ObjectCreated:*"]}]
            },
        )
        s3.put_object(Bucket="acme-raw-events", Key=key, Body=b"parquet bytes")
        messages = sqs.receive_message(QueueUrl=queue, MaxNumberOfMessages=10)["Messages"]
        bodies = [json.loads(m["Body"]) for m in messages]
        (live,) = [b["Records"][0] for b in bodies if "Records" in b]
        listed = s3.list_objects_v2(Bucket="acme-raw-events")["Contents"][0]
    item = {**listed, "LastModified": listed["LastModified"].isoformat()}
    route = CloudRoute("notification", "acme-raw-events", region="us-west-2", configuration_id="cfg")
    ours = first_record(s3_notification(ListedObject("s3", item, "Contents"), route).payload)

    def same_shape(theirs: Any, mine: Any, path: str) -> None:
        if isinstance(theirs, dict):
            assert isinstance(mine, dict), path
            for k, v in theirs.items():
                assert k in mine, f"{path}.{k}"
                if k not in ("eventTime", "key"):
                    same_shape(v, mine[k], f"{path}.{k}")
        else:
            assert theirs == mine, path

    same_shape(live, ours, "record")
    # moto encodes '/' too; both decode to the key, which is what the flow gets
    assert urllib.parse.unquote_plus(live["s3"]["object"]["key"]) == key
    assert urllib.parse.unquote_plus(ours["s3"]["object"]["key"]) == key


@pytest.mark.parametrize(
    "key",
    [
        "landing/a.parquet",
        "landing/a.csv",
        "x/landing/a.parquet",
        "landing/*.parquet",
        "landing\\x.parquet",
        "landing/.parquet",
    ],
)
@pytest.mark.parametrize(
    "rule",
    [
        {"wildcard": "landing/*.parquet"},
        {"prefix": "landing/"},
        {"suffix": ".parquet"},
        {"wildcard": "landing/\\*.parquet"},
        {"anything-but": "landing/a.csv"},
    ],
)
def test_the_event_pattern_matcher_agrees_with_moto(key: str, rule: dict[str, Any]) -> None:
    models = pytest.importorskip("moto.events.models")
    pattern = {"source": ["aws.s3"], "detail": {"bucket": {"name": ["b"]}, "object": {"key": [rule]}}}
    event = {"source": "aws.s3", "detail": {"bucket": {"name": "b"}, "object": {"key": key}}}
    expected = models.EventPattern.load(json.dumps(pattern)).matches_event(event)
    assert pattern_matches(pattern, event) is expected


def one_error(capsys: pytest.CaptureFixture[str], *args: str | Path) -> str:
    code, out, err = cli(capsys, *args)
    assert (code, out) == (2, ""), err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    return err


def test_bad_inputs_are_one_error_line(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    not_json = tmp_path / "not.json"
    not_json.write_text("Key,Size\nlanding/a.parquet,1\n")
    array = write(tmp_path, "array.json", [s3_item("landing/a.parquet")])
    gcs = write(tmp_path, "gcs.json", {"kind": "storage#objects", "items": [gcs_item("exports/a.csv")]})
    no_key = write(tmp_path, "nokey.json", {"Contents": [{"Size": 1}]})
    other = write(tmp_path, "other.json", {"Buckets": []})
    s3 = write(tmp_path, "s3.json", {"Contents": [s3_item("landing/a.parquet")]})
    args = ["--blueprint", "raw-events", "--objects"]
    assert "the file is not a JSON object" in one_error(capsys, S3, *args, not_json)
    assert "the file is not a JSON object" in one_error(capsys, S3, *args, array)
    assert "is a GCS objects.list response, but blueprint 'raw-events'" in one_error(capsys, S3, *args, gcs)
    assert "object 1 (in Contents): no Key" in one_error(capsys, S3, *args, no_key)
    assert "none of Contents (list-objects-v2) or items (objects.list)" in one_error(capsys, S3, *args, other)
    assert "cannot read it" in one_error(capsys, S3, *args, tmp_path / "missing.json")
    assert "no component named 'nope'" in one_error(capsys, S3, "--blueprint", "nope", "--objects", s3)
    assert "is `aws s3api list-objects-v2` output, but blueprint 'landing'" in one_error(
        capsys, GCS, "--blueprint", "landing", "--objects", s3
    )
    sqs = ROOT / "examples" / "sqs-to-flow"
    err = one_error(capsys, sqs, "--blueprint", _component(sqs), "--objects", s3)
    assert "registers no S3 bucket notification, EventBridge rule or GCS notification" in err


def _component(program: Path) -> str:
    from pulumi_metaflow_blueprints.offline import run_program_dir

    run = run_program_dir(program)
    return next(r.name for r in run.registrations if not r.custom)
