"""Nothing silently lost: every Argo trigger parks the events it fails on in a ConfigMap (`core.dlq`).

Every example's Sensor (together they cover every blueprint) is checked against the controller's rules and the Argo
Events v1.9.11 schema; the parked ConfigMap is rendered by the same Argo semantics `simulate` uses (gjson ``@this``
cross-checked with the Go oracle) and validated as a Kubernetes object.
"""

import copy
import json
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest

from pulumi_metaflow_blueprints.argo.semantics._values import go_json
from pulumi_metaflow_blueprints.aws import AwsIdentityMode, S3ObjectTrigger
from pulumi_metaflow_blueprints.core.dlq import (
    CONTEXT_KEY,
    DATA_KEY,
    MIN_PARK_STEPS,
    PARKED_LABEL,
    SENSOR_ANNOTATION,
    TRIGGER_ANNOTATION,
    TRIGGER_KEY,
    dlq_trigger_name,
    parked_generate_name,
)
from pulumi_metaflow_blueprints.core.target import DEPENDENCY
from pulumi_metaflow_blueprints.naming import validate_dns_label
from pulumi_metaflow_blueprints.offline import ProgramRun, run_program
from pulumi_metaflow_blueprints.registry import blueprint_classes
from pulumi_metaflow_blueprints.simulate import load_sample, simulate, to_text
from pulumi_metaflow_blueprints.simulate.triggers import simulate_argo_trigger
from tests.argo_schema import controller_problems, schema_errors
from tests.helpers import EVENTS, as_dict, example_run, signed_sample
from tests.oracle_client import GoOracle, tally
from tests.test_samples_trigger import SAMPLES

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p.parent.name for p in (ROOT / "examples").glob("*/__main__.py"))
KUBERNETES_VERSION = "1.33"
CONTEXT_FIELDS = ["id", "source", "specversion", "type", "datacontenttype", "subject", "time"]
ROLE = "kubernetes:rbac.authorization.k8s.io/v1:Role"
BINDING = "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"


def sensors(run: ProgramRun) -> list[dict[str, Any]]:
    return [item.plain_inputs for item in run.custom_resources("Sensor")]


def test_the_examples_cover_every_blueprint() -> None:
    covered = {r.type.rsplit(":", 1)[-1] for ex in EXAMPLES for r in example_run(ex).registrations}
    assert {cls.__name__ for cls in blueprint_classes()} <= covered


@pytest.mark.parametrize("example", EXAMPLES)
def test_every_trigger_parks_what_it_fails_on(example: str) -> None:
    for sensor in sensors(example_run(example)):
        meta, spec = sensor["metadata"], sensor["spec"]
        assert schema_errors("Sensor", sensor) == []
        assert controller_problems("Sensor", sensor) == []
        assert spec["triggers"]
        for trigger in spec["triggers"]:
            name, dlq = trigger["template"]["name"], trigger["dlqTrigger"]
            assert trigger["atLeastOnce"] is True and dlq["atLeastOnce"] is True
            assert dlq["retryStrategy"]["steps"] >= max(MIN_PARK_STEPS, trigger["retryStrategy"]["steps"])
            assert dlq["template"]["name"] == validate_dns_label(dlq_trigger_name(name), "dlq")
            k8s = dlq["template"]["k8s"]
            assert k8s["operation"] == "create"
            config_map = k8s["source"]["resource"]
            assert (config_map["apiVersion"], config_map["kind"]) == ("v1", "ConfigMap")
            parked_meta = config_map["metadata"]
            assert parked_meta["generateName"] == f"{meta['name']}-parked-"
            assert parked_meta["namespace"] == meta["namespace"]
            assert parked_meta["labels"] == {**meta["labels"], PARKED_LABEL: "true"}
            assert parked_meta["annotations"] == {TRIGGER_ANNOTATION: name, SENSOR_ANNOTATION: meta["name"]}
            assert config_map["data"][TRIGGER_KEY] == name
            assert [(p["src"], p["dest"]) for p in k8s["parameters"]] == [
                ({"dependencyName": DEPENDENCY, "dataKey": "@this"}, f"data.{DATA_KEY}"),
                ({"dependencyName": DEPENDENCY, "contextKey": "@this"}, f"data.{CONTEXT_KEY}"),
            ]


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_sensor_may_create_configmaps_in_its_namespace_and_nothing_more(example: str) -> None:
    run = example_run(example)
    for sensor in sensors(run):
        meta = sensor["metadata"]
        account = sensor["spec"]["template"]["serviceAccountName"]
        roles = [r.plain_inputs for r in run.of_type(ROLE) if r.name.endswith("-sensor-parked-role")]
        (role,) = [r for r in roles if r["metadata"]["namespace"] == meta["namespace"]]
        assert role["rules"] == [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["create"]}]
        bindings = [b.plain_inputs for b in run.of_type(BINDING)]
        (binding,) = [b for b in bindings if b["roleRef"]["name"] == role["metadata"]["name"]]
        assert binding["metadata"]["namespace"] == meta["namespace"]
        assert binding["roleRef"] == {
            "apiGroup": "rbac.authorization.k8s.io",
            "kind": "Role",
            "name": role["metadata"]["name"],
        }
        assert binding["subjects"] == [{"kind": "ServiceAccount", "name": account, "namespace": meta["namespace"]}]


def s3_run(kubernetes: dict[str, Any], targets: list[dict[str, Any]]) -> ProgramRun:
    args: dict[str, Any] = {
        "bucket": "acme-raw-events",
        "identity": {"mode": AwsIdentityMode.ROLE_ARN, "role_arn": "arn:aws:iam::111122223333:role/reader"},
        "kubernetes": kubernetes,
        "targets": targets,
    }
    return run_program(lambda: S3ObjectTrigger("raw-events", args), config={"aws:region": "us-west-2"})  # type: ignore[arg-type]


def test_a_given_service_account_is_bound_to_park_and_an_event_only_sensor_still_runs_as_it() -> None:
    run = s3_run(
        {"namespace": "argo-events", "sensor_service_account_name": "shared-sensor"},
        [{"metaflow_event": {"event": "raw_data_landed"}}],
    )
    assert [r.name for r in run.of_type("kubernetes:core/v1:ServiceAccount")] == ["raw-events-eventsource-sa"]
    (sensor,) = sensors(run)
    assert sensor["spec"]["template"] == {"serviceAccountName": "shared-sensor"}
    (role,) = [r.plain_inputs for r in run.of_type(ROLE)]  # no Workflow Role: nothing starts a flow
    assert role["rules"] == [{"apiGroups": [""], "resources": ["configmaps"], "verbs": ["create"]}]
    (binding,) = [b.plain_inputs for b in run.of_type(BINDING)]
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "shared-sensor", "namespace": "argo-events"}]


def test_names_stay_valid_whatever_the_trigger_and_sensor_names() -> None:
    long_sensor = "a" * 63
    assert len(parked_generate_name(long_sensor)) <= 58  # Kubernetes keeps 58 characters of a generateName
    validate_dns_label(parked_generate_name(long_sensor)[:-1], "generateName")
    assert parked_generate_name("raw-events-sensor") == "raw-events-sensor-parked-"
    for trigger in ("IngestFlow", "lakehouse.prod.nightly.ingestflow", "x" * 80, "start flow!"):
        validate_dns_label(dlq_trigger_name(trigger), "dlq")  # Argo labels the ConfigMap with it
    assert dlq_trigger_name("ingest") == "ingest-parked"


# --- The parked ConfigMap, rendered from real sample events ---


def received_event(example: str, sample: str) -> tuple[dict[str, Any], dict[str, Any]]:
    """The example's Sensor spec and the Argo event it receives for the sample (as `simulate` wraps it)."""
    result = simulate(example_run(example), signed_sample(EVENTS / sample))
    (sensor,) = result.sensors
    (spec,) = [s["spec"] for s in sensors(example_run(example))]
    return spec, as_dict(sensor.event)


def parked(trigger: dict[str, Any], event: dict[str, Any]) -> dict[str, Any]:
    check = simulate_argo_trigger(trigger["dlqTrigger"], {DEPENDENCY: event})
    assert check.outcome == "fires", check.message
    return as_dict(check.workflow)


@pytest.mark.parametrize(("sample", "example"), [s[:2] for s in SAMPLES], ids=[s[1] for s in SAMPLES])
def test_the_parked_configmap_holds_the_event_as_received(sample: str, example: str, oracle: GoOracle) -> None:
    spec, event = received_event(example, sample)
    data, context = event["data"], event["context"]
    compact = go_json(data, escape_html=True, sort_keys=False)  # what an EventSource's json.Marshal sends
    for received in (compact, json.dumps(data, indent=2, ensure_ascii=False)):
        as_received = {**event, "data": received.encode()}
        (answer,) = oracle.gjson(received, ["@this"])
        assert answer["raw"] == received  # gjson's Raw of the whole document: the bytes as received
        tally("gjson")
        for trigger in spec["triggers"]:
            config_map = parked(trigger, as_received)
            assert config_map["data"][DATA_KEY] == received
            assert config_map["data"][TRIGGER_KEY] == trigger["template"]["name"]
            parked_context = json.loads(config_map["data"][CONTEXT_KEY])
            assert list(parked_context) == CONTEXT_FIELDS  # Argo's EventContext, in its field order
            assert parked_context == {k: context[k] for k in CONTEXT_FIELDS}
            with_name = copy.deepcopy(config_map)
            with_name["metadata"]["name"] = with_name["metadata"]["generateName"] + "x7k2q"  # what the API adds
            kubernetes_validate.validate(with_name, KUBERNETES_VERSION, strict=True)
            kubernetes_validate.validate(config_map, KUBERNETES_VERSION, strict=True)
    for trigger in spec["triggers"]:  # parsed data (as `simulate` holds it): the same JSON, re-encoded compactly
        assert json.loads(parked(trigger, event)["data"][DATA_KEY]) == data


def failing(run: ProgramRun, *, park_fails: bool = False) -> ProgramRun:
    """``run`` with its Sensor's first trigger reading a key no event has (so Argo fails it); with ``park_fails``
    its dlqTrigger too."""
    broken = copy.deepcopy(run)
    (item,) = broken.custom_resources("Sensor")
    trigger = item.inputs["spec"]["triggers"][0]
    missing = {"dependencyName": DEPENDENCY, "dataKey": "no.such.key"}
    trigger["template"]["k8s"]["parameters"][0]["src"] = missing
    if park_fails:
        trigger["dlqTrigger"]["template"]["k8s"]["parameters"][0]["src"] = missing
    return broken


def test_simulate_says_where_a_failed_event_is_parked() -> None:
    run = example_run("s3-to-flow")
    result = simulate(failing(run), load_sample(EVENTS / "s3-object-created.sqs-message.json"))
    (sensor,) = result.sensors
    assert sensor.verdict == "mis-wired"
    flow = sensor.triggers[0]
    assert flow.outcome == "fails" and flow.parked is not None
    config_map = as_dict(flow.parked.workflow)
    assert json.loads(config_map["data"][DATA_KEY]) == as_dict(sensor.event)["data"]
    generate_name = config_map["metadata"]["generateName"]
    dlq = dlq_trigger_name(flow.name)
    assert f"parked by dlqTrigger {dlq}: ConfigMap {sensor.namespace}/{generate_name}<random>" in to_text(result)
    assert all(t.parked is None for t in sensor.triggers[1:])  # triggers that fire park nothing
    lost = simulate(failing(run, park_fails=True), load_sample(EVENTS / "s3-object-created.sqs-message.json"))
    assert f"dlqTrigger {dlq}: FAILS - " in to_text(lost) and "(the event is lost)" in to_text(lost)
