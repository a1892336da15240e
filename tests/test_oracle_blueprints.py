"""Every template and gjson path the blueprints emit, run by the real Go libraries (tests/oracle).

For every field of every blueprint — and for references into JSON fields through hostile keys (``@timestamp``,
``my.attr``, quotes, backslashes, newlines, braces, non-BMP characters, ...) — the flow parameter's
``dataTemplate`` must parse in Go's ``text/template`` + sprig and render over the sample event exactly what
``simulate`` reports (``resolve_param_value``), and the ``metaflow_event`` payload's / filters' gjson path must read
what ``simulate`` reads. References no event key can hold are refused before anything is registered.
"""

from collections.abc import Mapping
from typing import Any

import pytest

from pulumi_metaflow_blueprints.argo.semantics import (
    make_event,
    resolve_param_value,
)
from pulumi_metaflow_blueprints.argo.semantics._values import go_json
from pulumi_metaflow_blueprints.aws.dynamodb import DYNAMODB_RECORD_FIELDS
from pulumi_metaflow_blueprints.aws.package import sqs_event_data
from pulumi_metaflow_blueprints.aws.s3 import S3_EVENTBRIDGE_FIELDS, S3_NOTIFICATION_FIELDS
from pulumi_metaflow_blueprints.aws.sqs_queue import SQS_MESSAGE_FIELDS
from pulumi_metaflow_blueprints.core.fields import FieldCatalog
from pulumi_metaflow_blueprints.core.target import value_template
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.gcp.package import pubsub_event_data
from pulumi_metaflow_blueprints.gcp.pubsub import pubsub_message_fields
from pulumi_metaflow_blueprints.gcp.storage import STORAGE_OBJECT_FIELDS
from pulumi_metaflow_blueprints.offline import run_program_dir
from pulumi_metaflow_blueprints.simulate import simulate
from pulumi_metaflow_blueprints.snowflake.table_change import SNOWFLAKE_CHANGE_FIELDS
from pulumi_metaflow_blueprints.webhooks.dbt import DBT_JOB_RUN_FIELDS
from pulumi_metaflow_blueprints.webhooks.fivetran import FIVETRAN_SYNC_FIELDS
from pulumi_metaflow_blueprints.webhooks.generic import WEBHOOK_FIELDS
from pulumi_metaflow_blueprints.webhooks.package import webhook_event_data
from tests.helpers import EVENTS, signed_sample
from tests.oracle_client import GoOracle, tally

ROOT = __import__("pathlib").Path(__file__).parent.parent
DEPENDENCY = "source-event"

EXAMPLES: list[tuple[str, str, FieldCatalog]] = [
    ("s3-to-flow", "s3-object-created.sqs-message.json", S3_NOTIFICATION_FIELDS),
    ("s3-eventbridge-to-flow", "s3-object-created.eventbridge.json", S3_EVENTBRIDGE_FIELDS),
    ("dynamodb-to-flow", "dynamodb-stream-insert.record.json", DYNAMODB_RECORD_FIELDS),
    ("gcs-to-flow", "gcs-object-finalize.pubsub-message.json", STORAGE_OBJECT_FIELDS),
    ("dbt-cloud-to-flow", "dbt-cloud-job-run-completed.webhook.json", DBT_JOB_RUN_FIELDS),
    ("fivetran-to-flow", "fivetran-sync-end.webhook.json", FIVETRAN_SYNC_FIELDS),
    ("snowflake-to-flow", "snowflake-table-change.webhook.json", SNOWFLAKE_CHANGE_FIELDS),
]

HOSTILE_KEYS = [
    "@timestamp",
    "my.attr",
    "a*b",
    "a?b",
    "a|b",
    "#",
    "#(x==1)",
    'say "hi"',
    "back\\slash",
    "ends\\",
    "new\nline",
    "tab\tkey",
    "emoji😀",
    "{brace}",
    "[bracket]",
    "(paren)",
    "!bang",
    "=eq",
    "<lt>&amp;",
    "%pct",
    ",comma",
    " space ",
    "é",
    "-1",
    ":colon",
    "$dollar",
    "{{ env }}",
    '{{ fail "x" }}',
    "`tick`",
    "\u2028",
    "\x7f",
    "\x01",
    "..",
    "0x1",
    "null",
]
"""Object keys a user may need to reach (JSON bodies, SQS attribute names, Pub/Sub attributes)."""

VALUES: list[Any] = [
    "plain",
    'quo"te <&> \\ 😀 \u2028',
    "",
    0,
    -1.5,
    12345678901234567890,
    1e21,
    True,
    None,
    {"nested": [1, "two", None]},
    [],
]


def reference_to(field: str, key: str) -> str:
    """A user's field reference to ``key`` inside JSON field ``field`` (``\\`` escapes ``.`` and ``\\``)."""
    return field + "." + key.replace("\\", "\\\\").replace(".", "\\.")


def hostile_events() -> list[tuple[str, FieldCatalog, str, dict[str, Any]]]:
    """(label, catalog, reference, event) for hostile keys inside the JSON fields of SQS, Pub/Sub and webhooks."""
    cases = []
    for index, key in enumerate(HOSTILE_KEYS):
        value = VALUES[index % len(VALUES)]
        body = {key: value, "other": 1}
        sqs = make_event(
            sqs_event_data(body, message_attributes={key: "attr-value"}), source="es", type_="sqs", subject="message"
        )
        cases.append((f"sqs body {key!r}", SQS_MESSAGE_FIELDS, reference_to("body", key), sqs))
        attribute = reference_to("message_attributes", key) + ".StringValue"
        cases.append((f"sqs attribute {key!r}", SQS_MESSAGE_FIELDS, attribute, sqs))
        pubsub = make_event(
            pubsub_event_data(body, attributes={key: "attr-value"}), source="es", type_="pubsub", subject="message"
        )
        cases.append(
            (f"pubsub attribute {key!r}", pubsub_message_fields(True), reference_to("attributes", key), pubsub)
        )
        cases.append((f"pubsub body {key!r}", pubsub_message_fields(True), reference_to("body", key), pubsub))
        hook = make_event(
            webhook_event_data({"outer": body}, header={"X-Request-Id": "r-1"}), source="es", type_="webhook"
        )
        cases.append((f"webhook body {key!r}", WEBHOOK_FIELDS, "body.outer." + reference_to("", key)[1:], hook))
    for header in ("x-odd#*|'~`^%$&!+", "X-Request-Id"):
        hook = make_event(webhook_event_data({}, header={header: ["first", "second"]}), source="es", type_="webhook")
        for reference in (f"header.{header}", f"header.{header}.1"):
            cases.append((f"webhook {reference!r}", WEBHOOK_FIELDS, reference, hook))
    return cases


def example_events() -> list[tuple[str, FieldCatalog, str, dict[str, Any]]]:
    """(label, catalog, reference, event) for every field of every blueprint, on its sample event."""
    cases = []
    for example, sample, catalog in EXAMPLES:
        result = simulate(run_program_dir(ROOT / "examples" / example), signed_sample(EVENTS / sample))
        (sensor,) = result.sensors
        assert sensor.event is not None, sensor.reason
        for name in catalog.names:
            cases.append((f"{example} {name}", catalog, name, sensor.event))
    return cases


def go_data(event: Mapping[str, object]) -> str:
    """The event data bytes as Argo's EventSources write them (Go's encoding/json: HTML characters escaped)."""
    return go_json(event["data"], escape_html=True, sort_keys=False)


def argo_template_value(answer: dict[str, Any]) -> str | None:
    """getValueWithTemplate's verdict: the output, or None when Argo counts it a failure."""
    if answer["status"] != "ok" or answer["output"] in ("", "<no value>"):
        return None
    return answer["output"]


def argo_key_value(answer: dict[str, Any]) -> tuple[str, str] | None:
    """getValueByKey's verdict: (value, gjson type), or None when the key does not exist."""
    if not answer["exists"]:
        return None
    kind = answer["gjson_type"]
    return (answer["raw"] if kind in ("JSON", "Null") else answer["str"], kind)


def compare_all(oracle: GoOracle, cases: list[tuple[str, FieldCatalog, str, dict[str, Any]]]) -> list[str]:
    """Run every case's template and path through Go and through simulate; return the disagreements."""
    paths = [catalog.resolve(reference, "test") for _, catalog, reference, _ in cases]
    templates = [value_template(path) for path in paths]
    requests: list[dict[str, Any]] = []
    for (_, _, _, event), path, template in zip(cases, paths, templates, strict=True):
        requests.append({"op": "template", "template": template, "json": go_data(event)})
        requests.append({"op": "gjson", "json": go_data(event), "path": path.gjson})
    answers = oracle.ask(requests)
    wrong = []
    for index, ((label, _, reference, event), path, template) in enumerate(zip(cases, paths, templates, strict=True)):
        go_template, go_key = answers[2 * index], answers[2 * index + 1]
        if go_template["status"] == "parse_error":
            wrong.append(f"{label}: Go cannot parse {template!r}: {go_template['message']}")
            continue
        events = {DEPENDENCY: event}
        ours = resolve_param_value({"dependencyName": DEPENDENCY, "dataTemplate": template}, events)
        ours_value = ours.value if ours.status == "ok" else None
        if ours.status == "unsupported" or ours_value != argo_template_value(go_template):
            wrong.append(f"{label} ({reference!r}) template: Go {go_template}, simulate {ours}")
        key = resolve_param_value({"dependencyName": DEPENDENCY, "dataKey": path.gjson, "useRawData": True}, events)
        key_value = (key.value, key.value_type) if key.status == "ok" else None
        if key.status == "unsupported" or key_value != argo_key_value(go_key):
            wrong.append(f"{label} ({reference!r}) dataKey {path.gjson!r}: Go {go_key}, simulate {key}")
        if not wrong:
            tally("blueprints")
    return wrong


def test_every_field_of_every_blueprint_renders_in_go_as_simulate_reports(oracle: GoOracle) -> None:
    cases = example_events()
    assert len(cases) > 60
    wrong = compare_all(oracle, cases)
    assert not wrong, "\n".join(wrong[:20])


def test_hostile_keys_are_reached_in_go_exactly_as_simulate_reports(oracle: GoOracle) -> None:
    cases = hostile_events()
    wrong = compare_all(oracle, cases)
    assert not wrong, "\n".join(wrong[:20])


def test_every_hostile_key_actually_resolves_in_go(oracle: GoOracle) -> None:
    """Agreement alone is not enough: each hostile key must be reachable, not fail the same way on both sides."""
    cases = hostile_events()
    paths = [catalog.resolve(reference, "test") for _, catalog, reference, _ in cases]
    answers = oracle.ask(
        [
            {"op": "template", "template": value_template(path), "json": go_data(event)}
            for (_, _, _, event), path in zip(cases, paths, strict=True)
        ]
    )
    unreached = [
        label for (label, *_), answer in zip(cases, answers, strict=True) if argo_template_value(answer) is None
    ]
    assert not unreached, unreached


@pytest.mark.parametrize(
    "reference",
    ["body.\ud800", "body.a\x00b", "body.ends\\", "data:body..x", "data:"],
    ids=["lone-surrogate", "nul", "trailing-backslash", "empty-segment", "empty"],
)
def test_references_no_event_key_can_hold_are_refused(reference: str) -> None:
    with pytest.raises(BlueprintInputError) as raised:
        SQS_MESSAGE_FIELDS.resolve(reference, "targets[0].flow.parameters.x")
    assert raised.value.argument == "targets[0].flow.parameters.x"


@pytest.mark.parametrize(
    "body",
    [{}, {"order": None}, {"order": "text"}, {"order": {"items": "abc"}}, {"order": {"items": []}}, {"order": []}],
    ids=["no-parent", "null-parent", "string-parent", "string-list", "short-list", "list-parent"],
)
def test_a_missing_value_fails_naming_its_path_in_go_and_in_simulate(oracle: GoOracle, body: Any) -> None:
    """Whatever is missing or of the wrong kind along the path, Go fails with "event has no <path>"."""
    path = SQS_MESSAGE_FIELDS.resolve("body.order.items.0", "test")
    event = make_event(sqs_event_data(body), source="es", type_="sqs")
    go = oracle.one({"op": "template", "template": value_template(path), "json": go_data(event)})
    assert go["status"] == "error" and "event has no body.order.items.0" in go["message"], go
    ours = resolve_param_value(
        {"dependencyName": DEPENDENCY, "dataTemplate": value_template(path)}, {DEPENDENCY: event}
    )
    assert ours.status == "error" and "event has no body.order.items.0" in ours.reason, ours
    tally("blueprints")
