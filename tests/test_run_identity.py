"""One event, one run: a flow target names its Workflow after the event's identity (core/identity.py).

The name template runs in real Go (text/template + sprig, tests/oracle) over every example's sample event and gives
the name `simulate` reports, which is the template's name, ``-`` and the SHA-256 of the identity computed here from the
raw sample by hand. Every delivery of one logical event gets that name (a redelivery through SQS comes with another
SQS message id, Argo event id and time); a different object, version or message gets another.
"""

from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any
from urllib.parse import unquote_plus

import pytest

from pulumi_metaflow_blueprints.argo.semantics import make_event
from pulumi_metaflow_blueprints.aws.package import sqs_event_data
from pulumi_metaflow_blueprints.core.identity import (
    ANNOTATION_DATA_DIGEST,
    ANNOTATION_EVENT_IDENTITY,
    ANNOTATION_EVENT_TIME,
    LABEL_EVENT,
    RUN_NAME_MAX,
    run_name,
    run_name_shape,
)
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.metaflow import workflow_template_name
from pulumi_metaflow_blueprints.naming import DNS1123_SUBDOMAIN
from pulumi_metaflow_blueprints.offline import ProgramRun, run_program
from pulumi_metaflow_blueprints.simulate import SampleEvent, simulate
from pulumi_metaflow_blueprints.simulate.model import SensorSimulation, TriggerCheck
from pulumi_metaflow_blueprints.simulate.triggers import simulate_argo_trigger
from pulumi_metaflow_blueprints.webhooks import WebhookTrigger
from tests.helpers import EVENTS, as_dict, example_run, sample, signed_sample, spec_of
from tests.oracle_client import GoOracle, tally
from tests.test_oracle_blueprints import go_data
from tests.test_webhook_trigger import base_args as webhook_args

NOW = datetime(2026, 11, 20, 8, 30, tzinfo=timezone.utc)
LABEL_VALUE_MAX = 63

Identity = Callable[[Any], list[str]]
"""The identity values of a raw sample, extracted by hand from the source's own payload."""

EXAMPLES: list[tuple[str, str, Identity]] = [
    (
        "s3-to-flow",
        "s3-object-created.sqs-message.json",
        lambda p: [
            p["Records"][0]["s3"]["bucket"]["name"],
            unquote_plus(p["Records"][0]["s3"]["object"]["key"]),
            p["Records"][0]["s3"]["object"]["eTag"],
        ],
    ),
    (
        "s3-eventbridge-to-flow",
        "s3-object-created.eventbridge.json",
        lambda p: [p["detail"]["bucket"]["name"], p["detail"]["object"]["key"], p["detail"]["object"]["etag"]],
    ),
    ("dynamodb-to-flow", "dynamodb-stream-insert.record.json", lambda p: [p["eventID"]]),
    (
        "gcs-to-flow",
        "gcs-object-finalize.pubsub-message.json",
        lambda p: [
            p["message"]["attributes"]["bucketId"],
            p["message"]["attributes"]["objectId"],
            p["message"]["attributes"]["objectGeneration"],
        ],
    ),
    ("dbt-cloud-to-flow", "dbt-cloud-job-run-completed.webhook.json", lambda p: [p["data"]["runId"]]),
    ("fivetran-to-flow", "fivetran-sync-end.webhook.json", lambda p: [p["sync_id"]]),
    ("snowflake-to-flow", "snowflake-table-change.webhook.json", lambda p: [p["batch_id"]]),
]


def simulated(run: ProgramRun, event: SampleEvent) -> SensorSimulation:
    (sensor,) = simulate(run, event, now=NOW).sensors
    return sensor


def flow_checks(sensor: SensorSimulation) -> list[TriggerCheck]:
    return [t for t in sensor.triggers if t.kind.startswith("k8s")]


def workflow_name(check: TriggerCheck) -> str:
    assert check.outcome == "fires", check.message
    return as_dict(check.workflow)["metadata"]["name"]


def name_template(run: ProgramRun, trigger: str) -> str:
    spec = spec_of(run, "Sensor")
    (found,) = [t for t in spec["triggers"] if t["template"]["name"] == trigger]
    (param,) = [p for p in found["template"]["k8s"]["parameters"] if p["dest"] == "metadata.name"]
    return param["src"]["dataTemplate"]


def instance(run: ProgramRun) -> str:
    (sensor,) = run.custom_resources("Sensor")
    return sensor.plain_inputs["metadata"]["labels"]["metaflow-blueprints/instance"]


@pytest.mark.parametrize(("example", "file", "identity"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_go_names_the_run_as_simulate_reports_after_the_sources_identity(
    oracle: GoOracle, example: str, file: str, identity: Identity
) -> None:
    run = example_run(example)
    sensor = simulated(run, signed_sample(EVENTS / file))
    checks = flow_checks(sensor)
    assert checks, example
    for check in checks:
        name = workflow_name(check)
        template = as_dict(check.workflow)["spec"]["workflowTemplateRef"]["name"]
        expected = run_name(template, f"{instance(run)}/{check.name}", identity(sample(file)))
        assert name == expected, example
        go = oracle.one(
            {"op": "template", "template": name_template(run, check.name), "json": go_data(as_dict(sensor.event))}
        )
        assert (go["status"], go.get("output")) == ("ok", name), (example, go)
        assert name.startswith(template[: len(run_name_shape(template)[0])] + "-")
        assert len(name) <= RUN_NAME_MAX and DNS1123_SUBDOMAIN.fullmatch(name)
        assert "starts no second run" in check.message
        metadata = as_dict(check.workflow)["metadata"]
        label = metadata["labels"][LABEL_EVENT]
        assert len(label) == 32 and label.startswith(name.rsplit("-", 1)[1])
        assert metadata["annotations"][ANNOTATION_EVENT_IDENTITY].startswith("[")
        assert metadata["annotations"][ANNOTATION_EVENT_TIME] not in ("", "unknown")
        assert len(metadata["annotations"][ANNOTATION_DATA_DIGEST]) == 64
        tally("blueprints")


def test_every_annotation_template_renders_in_go_as_simulate_reports(oracle: GoOracle) -> None:
    for example, file, _ in EXAMPLES:
        run = example_run(example)
        sensor = simulated(run, signed_sample(EVENTS / file))
        spec = spec_of(run, "Sensor")
        for check in flow_checks(sensor):
            (trigger,) = [t for t in spec["triggers"] if t["template"]["name"] == check.name]
            metadata = as_dict(check.workflow)["metadata"]
            for param in trigger["template"]["k8s"]["parameters"]:
                dest, src = param["dest"], param["src"]
                if not dest.startswith("metadata.") or "dataTemplate" not in src:
                    continue
                go = oracle.one(
                    {"op": "template", "template": src["dataTemplate"], "json": go_data(as_dict(sensor.event))}
                )
                _, *where = dest.split(".", 2)
                expected = metadata[where[0]] if len(where) == 1 else metadata[where[0]][where[1]]
                assert go["status"] == "ok" and go["output"] == expected, (example, dest, go)
                tally("blueprints")


def s3_record(key: str, etag: str, sequencer: str = "0055AED6DCD90281E5", version: str | None = None) -> Any:
    record = sample("s3-object-created.sqs-message.json")
    obj = record["Records"][0]["s3"]["object"]
    obj.update(key=key, eTag=etag, sequencer=sequencer)
    obj.pop("versionId", None)
    if version is not None:
        obj["versionId"] = version
    return record


def delivered(body: Any, message_id: str, event_id: str, time: str) -> SampleEvent:
    """The Argo event of one delivery: its own SQS message id, Argo event id and time."""
    data = sqs_event_data(body, message_id=message_id)
    event = make_event(data, source="raw-events", type_="sqs", subject="object", id_=event_id, time=time)
    return SampleEvent(event, "", "argo")


def s3_name(body: Any, message_id: str = "m-1", event_id: str = "e1", time: str = "2026-11-20T08:15:31Z") -> str:
    (check, _) = simulated(example_run("s3-to-flow"), delivered(body, message_id, event_id, time)).triggers
    return workflow_name(check)


def test_a_redelivered_s3_event_gets_the_same_name_and_another_object_or_version_another() -> None:
    first = s3_name(s3_record("landing/a+b.csv", "9b2cf535f27731c974343645a3985328"))
    again = s3_name(
        s3_record("landing/a+b.csv", "9b2cf535f27731c974343645a3985328"), "m-2", "e2", "2026-11-20T09:00:00Z"
    )
    encoded = s3_name(s3_record("landing/a%20b.csv", "9b2cf535f27731c974343645a3985328"))  # the same key
    assert first == again == encoded
    others = {
        s3_name(s3_record("landing/a+c.csv", "9b2cf535f27731c974343645a3985328")),
        s3_name(s3_record("landing/a+b.csv", "0000f535f27731c974343645a3985328")),
        s3_name(s3_record("landing/a+b.csv", "9b2cf535f27731c974343645a3985328-2")),
    }
    assert first not in others and len(others) == 3


def test_an_s3_removal_without_etag_is_named_by_its_version_then_its_sequencer() -> None:
    def removed(version: str | None, sequencer: str) -> Any:
        record = s3_record("landing/a.csv", "x", sequencer, version)
        del record["Records"][0]["s3"]["object"]["eTag"]
        record["Records"][0]["eventName"] = "ObjectRemoved:Delete"
        return record

    names = [
        trigger_name(removed(version, sequencer)) for version, sequencer in [("v1", "01"), ("v1", "02"), ("v2", "01")]
    ]
    assert names[0] == names[1] != names[2]
    assert trigger_name(removed(None, "01")) != trigger_name(removed(None, "02"))


def trigger_name(body: Any) -> str:
    """The name the S3 example's flow trigger gives an event, past its filters (the example takes creations only)."""
    spec = spec_of(example_run("s3-to-flow"), "Sensor")
    event = make_event(sqs_event_data(body), source="raw-events", type_="sqs", subject="object")
    return workflow_name(simulate_argo_trigger(spec["triggers"][0], {"source-event": event}, now=NOW))


def test_an_event_without_its_identity_fails_the_trigger_instead_of_starting_an_unnamed_run() -> None:
    body = s3_record("landing/a.csv", "x")
    del body["Records"][0]["s3"]["bucket"]["name"]
    (check, _) = simulated(example_run("s3-to-flow"), delivered(body, "m", "e", "2026-11-20T08:15:31Z")).triggers
    assert check.outcome == "fails"
    assert "event has no body.Records.0.s3.bucket.name, which identifies it" in check.message


@pytest.mark.parametrize(
    "template",
    [
        "a",
        "ingestflow",
        workflow_template_name("IngestFlow", project="lakehouse", production=True),
        workflow_template_name("A" * 30 + "Flow", project="p" * 40, branch="b" * 40),  # 47: Metaflow's longest
        "x" * 46,
        "x" * 50,
        "y." * 60 + "z",
        "t" * 253,
    ],
)
def test_names_fit_argo_and_kubernetes_and_keep_the_template_as_prefix(template: str) -> None:
    name = run_name(template, "orders/t", ["k"])
    prefix, digits = run_name_shape(template)
    assert len(name) <= RUN_NAME_MAX and DNS1123_SUBDOMAIN.fullmatch(name), name
    assert len(name) <= LABEL_VALUE_MAX and name[-1].isalnum()  # also a label value on the run's pods
    assert template.startswith(prefix) and name == f"{prefix}-{name[-digits:]}"
    assert digits == 16 if len(template) <= 46 else 12 <= digits <= 15 or len(prefix) < len(template)


def test_trigger_and_blueprint_are_part_of_the_identity() -> None:
    values = ["acme", "k", "e"]
    names = {run_name("f", scope, values) for scope in ("a/t", "a/u", "b/t")}
    assert len(names) == 3


def run_webhook(sensor: Mapping[str, Any] | None = None, **flow: Any) -> ProgramRun:
    args = webhook_args(sensor=sensor) if sensor is not None else webhook_args()
    args["targets"][0]["flow"].update(flow)
    args["targets"].append({"metaflow_event": {"event": "order_created"}})
    return run_program(lambda: WebhookTrigger("orders", args))  # type: ignore[arg-type]


def webhook_event(body: Any, request_id: str) -> SampleEvent:
    return SampleEvent(body, "", "raw", headers={"X-Request-Id": request_id})


def test_a_generic_webhook_dedupes_only_on_the_field_the_user_names() -> None:
    body = {"kind": "daily", "order": {"id": "o-1"}}
    plain = simulated(run_webhook(), webhook_event(body, "r-1"))
    flow, event = plain.triggers
    assert "generateName" in as_dict(flow.workflow)["metadata"] and "name" not in as_dict(flow.workflow)["metadata"]
    assert "not deduplicated: a second delivery of this event starts a second run" in flow.message
    assert "not deduplicated" in event.message
    keyed = run_webhook({"event_identity": ["header.X-Request-Id"]})
    names = [workflow_name(simulated(keyed, webhook_event(body, rid)).triggers[0]) for rid in ("r-1", "r-1", "r-2")]
    assert names[0] == names[1] != names[2]
    assert names[0] == run_name("ordersflow", "orders/ordersflow", ["r-1"])
    operations = [
        t["template"]["k8s"]["operation"] for t in spec_of(keyed, "Sensor")["triggers"] if "k8s" in t["template"]
    ]
    assert operations == ["patch"]


def test_opting_out_gives_every_delivery_a_new_run_and_the_sensor_no_get_or_patch() -> None:
    run = run_webhook({"event_identity": ["body.order.id"]}, deduplicate=False)
    (trigger, _) = spec_of(run, "Sensor")["triggers"]
    k8s = trigger["template"]["k8s"]
    assert k8s["operation"] == "create" and k8s["source"]["resource"]["metadata"]["generateName"] == "ordersflow-"
    assert "metadata.name" not in [p["dest"] for p in k8s["parameters"]]
    roles = [r.inputs for r in run.of_type("kubernetes:rbac.authorization.k8s.io/v1:Role")]
    workflow_rules = [rule for role in roles for rule in role["rules"] if rule["resources"] == ["workflows"]]
    assert [rule["verbs"] for rule in workflow_rules] == [["create"]]
    named = run_webhook({"event_identity": ["body.order.id"]})
    roles = [r.inputs for r in named.of_type("kubernetes:rbac.authorization.k8s.io/v1:Role")]
    workflow_rules = [rule for role in roles for rule in role["rules"] if rule["resources"] == ["workflows"]]
    assert [rule["verbs"] for rule in workflow_rules] == [["create", "get", "patch"]]


@pytest.mark.parametrize(
    ("identity", "argument", "problem"),
    [
        ([], "sensor.event_identity", "must name at least one source field"),
        (["body.order.id", "hedaer.X"], "sensor.event_identity[1]", "unknown webhook field 'hedaer.X'"),
        ("body.order.id", "sensor.event_identity", "list"),
    ],
)
def test_a_bad_event_identity_is_one_clear_error_before_anything_registers(
    identity: Any, argument: str, problem: str
) -> None:
    with pytest.raises(BlueprintInputError) as raised:
        run_webhook({"event_identity": identity})
    assert raised.value.argument == argument and problem in str(raised.value)


def test_a_trigger_creating_unnamed_runs_needs_a_label_value_as_name() -> None:
    """Argo's `create` labels each Workflow `events.argoproj.io/trigger: <trigger name>` (standard-k8s.go); `patch`
    does not, so only targets that opt out of one run per event need a label-valued name."""
    args = webhook_args()
    args["targets"][0]["name"] = "orders flow"
    args["targets"][0]["flow"]["deduplicate"] = False
    with pytest.raises(BlueprintInputError) as raised:
        run_program(lambda: WebhookTrigger("orders", args))  # type: ignore[arg-type]
    assert raised.value.argument == "targets[0].name" and "events.argoproj.io/trigger" in str(raised.value)
    args["targets"][0]["flow"]["deduplicate"] = True
    args["sensor"] = {"event_identity": ["header.X-Request-Id"]}
    run = run_program(lambda: WebhookTrigger("orders", args))  # type: ignore[arg-type]
    assert spec_of(run, "Sensor")["triggers"][0]["template"]["name"] == "orders flow"
