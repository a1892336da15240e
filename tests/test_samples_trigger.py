"""Every sample payload in tests/data/events triggers its blueprint's example, every mapped value from the event.

Each sample runs through `metaflow-blueprints simulate`'s engine: wrapped the way the example's EventSource wraps it,
through the EventSource filter and the Sensor's filters, then each trigger's parameters. A mapped parameter that
fails or falls back to a default, or a filter that rejects the sample, fails the test.
"""

import json
from pathlib import Path
from typing import Any

import pytest

from pulumi_metaflow_blueprints.offline import ProgramRun, run_program_dir
from pulumi_metaflow_blueprints.simulate import Simulation, load_sample, simulate
from tests.helpers import EVENTS, as_dict, signed_sample

EXAMPLES = Path(__file__).parent.parent / "examples"
ROOT = Path(__file__).parent.parent

SAMPLES: list[tuple[str, str, dict[str, Any]]] = [
    (
        "s3-object-created.sqs-message.json",
        "s3-to-flow",
        {"bucket": "acme-raw-events", "key": "landing/2026/11/20/orders.parquet", "size_bytes": 1048576},
    ),
    (
        "s3-object-created.eventbridge.json",
        "s3-eventbridge-to-flow",
        {"bucket": "acme-raw-events", "key": "landing/2026/11/20/orders.parquet", "size_bytes": 1048576},
    ),
    (
        "dynamodb-stream-insert.record.json",
        "dynamodb-to-flow",
        {"order_id": "ord-1001", "customer": "c-42", "amount": "129.95"},
    ),
    (
        "gcs-object-finalize.pubsub-message.json",
        "gcs-to-flow",
        {"bucket": "acme-landing", "key": "exports/2026-11-20/users.csv", "size_bytes": "52341"},
    ),
    (
        "dbt-cloud-job-run-completed.webhook.json",
        "dbt-cloud-to-flow",
        {"dbt_run_id": "2342", "dbt_finished_at": "2026-11-20T08:29:32Z"},
    ),
    (
        "fivetran-sync-end.webhook.json",
        "fivetran-to-flow",
        {"sync_id": "4b8f0c7c-0fa9-49b6-bbbe-6e0c5cb4f6d5", "synced_at": "2026-11-20T08:38:34.386Z"},
    ),
    (
        "snowflake-table-change.webhook.json",
        "snowflake-to-flow",
        {"batch_id": "6f1c1b7e-4d7a-4c3e-9a51-0f2b8d6e7c11", "inserted_rows": 42, "updated_rows": 3, "deleted_rows": 1},
    ),
]

DROPPED = {"s3-test-event.sqs-message.json"}
"""Samples that must not trigger anything."""

_RUNS: dict[str, ProgramRun] = {}


def example_run(example: str) -> ProgramRun:
    if example not in _RUNS:
        _RUNS[example] = run_program_dir(EXAMPLES / example)
    return _RUNS[example]


def assert_triggers_from_the_event(result: Simulation) -> None:
    assert result.sensors, "no Sensor simulated"
    for sensor in result.sensors:
        assert sensor.verdict == "triggered", sensor.reason
        assert sensor.triggers, "the Sensor has no trigger"
        for trigger in sensor.triggers:
            assert trigger.outcome == "fires", trigger.message
            mapped = [p for p in trigger.parameters if p.status not in ("static", "computed")]
            assert mapped, f"trigger {trigger.name} maps nothing from the event"
            assert all(p.status == "event" for p in mapped), [(p.name, p.status, p.reason) for p in mapped]


@pytest.mark.parametrize(("sample", "example", "expected"), SAMPLES, ids=[s[1] for s in SAMPLES])
def test_each_sample_triggers_its_blueprint_with_every_mapped_value_from_the_event(
    sample: str, example: str, expected: dict[str, Any]
) -> None:
    if not (EXAMPLES / example / "__main__.py").is_file():
        pytest.skip(f"examples/{example} is not there (yet)")
    result = simulate(example_run(example), signed_sample(EVENTS / sample))
    assert_triggers_from_the_event(result)
    (sensor,) = result.sensors
    flow = sensor.triggers[0]
    assert as_dict(flow.workflow)["kind"] == "Workflow"
    arguments = {name: (value, origin) for name, value, origin in flow.arguments}
    for name, value in expected.items():
        shown, origin = arguments[name]
        text = json.loads(shown)  # a JSON string: the text Metaflow's start step hands the Parameter's type
        assert (text if isinstance(value, str) else json.loads(text)) == value, name  # non-strings: their JSON text
        assert origin.startswith("from the event"), (name, origin)


def test_every_sample_is_paired_with_an_example() -> None:
    paired = {sample for sample, _, _ in SAMPLES} | DROPPED
    assert {path.name for path in EVENTS.glob("*.json")} <= paired


def test_metaflow_event_payloads_carry_the_sample_values() -> None:
    result = simulate(example_run("fivetran-to-flow"), signed_sample(EVENTS / "fivetran-sync-end.webhook.json"))
    (sensor,) = result.sensors
    request = sensor.triggers[1].request
    assert request is not None
    body = as_dict(request["json"])
    assert body["name"] == "orders_synced"
    assert body["payload"]["connector"] == "orders_db"


def test_the_s3_test_event_is_dropped_before_any_sensor_sees_it() -> None:
    for program in (ROOT, EXAMPLES / "s3-to-flow"):
        result = simulate(run_program_dir(program), load_sample(EVENTS / "s3-test-event.sqs-message.json"))
        (sensor,) = result.sensors
        assert sensor.verdict == "not-triggered"
        assert sensor.source_filter is not None and sensor.source_filter.outcome == "fail"
        assert sensor.triggers == ()
