"""A `metaflow_event` body that Metaflow's `Trigger`, `MetaflowEvent` and `current.trigger` take like `ArgoEvent`'s.

Our body is what ``simulate`` renders for a blueprint's trigger and what the real Go libraries render from the same
template (the oracle); ``ArgoEvent``'s is what the real ``ArgoEvent.publish()`` sends (its HTTP request captured).
Both go through what Metaflow compiles for tests/data/metaflow/mixed_events_flow.py, a flow with
``@trigger(events=["blueprint_event", "argo_event"])`` (its Sensor and start-step environment captured in
tests/data/metaflow/captured.json by tests/metaflow_capture.py): the Sensor's ``dataKey: body.payload`` parameter
fills the ``METAFLOW_ARGO_EVENT_PAYLOAD_*`` variables, from which Metaflow's own ``argo_workflows_internal``
decorator builds ``current.trigger`` — and records the ``execution-triggers`` metadata ``Run.trigger`` reads back.
"""

import json
import os
import re
import time
import urllib.request
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from pulumi_metaflow_blueprints.argo import spec
from pulumi_metaflow_blueprints.argo.semantics import make_event, resolve_param_value
from pulumi_metaflow_blueprints.argo.semantics._values import go_json
from pulumi_metaflow_blueprints.argo.semantics.gotemplate import render_go_template
from pulumi_metaflow_blueprints.core.target import event_body_template
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.offline import ProgramRun, run_program
from pulumi_metaflow_blueprints.simulate import SampleEvent, simulate
from pulumi_metaflow_blueprints.simulate.events import go_json_loads
from pulumi_metaflow_blueprints.webhooks import WebhookTrigger
from pulumi_metaflow_blueprints.webhooks.package import webhook_event_data
from tests.helpers import DATA, as_dict, body_template
from tests.oracle_client import GoOracle, tally

CAPTURE = json.loads((DATA / "metaflow" / "captured.json").read_text())
FLOW = CAPTURE["flows"]["mixed_events_flow.py"]
UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")
BODY = {"key": "landing/2026/11/20/orders.parquet", "size": 1048576, "meta": {"rows": [1, 2]}, "none": None}


def blueprint(**target: Any) -> ProgramRun:
    event = {"event": "blueprint_event", "payload": {"key": "body.key", "size": "body.size", "meta": "body.meta"}}
    args = {
        "ingress": {"host": "hooks.example.com", "class_name": "nginx", "tls_secret_name": "hooks-tls"},
        "kubernetes": {"namespace": "argo-events"},
        "targets": [{"metaflow_event": {**event, **target}}],
    }
    return run_program(lambda: WebhookTrigger("orders", args))  # type: ignore[arg-type]


def our_body(run: ProgramRun, now: datetime) -> tuple[dict[str, Any], dict[str, Any]]:
    """The body simulate says the trigger posts at ``now``, and the Argo event it was rendered from."""
    text = json.dumps(BODY)
    (sensor,) = simulate(run, SampleEvent(go_json_loads(text), text), now=now).sensors
    (trigger,) = sensor.triggers
    assert trigger.outcome == "fires" and trigger.request is not None, trigger.message
    return json.loads(trigger.request["body"]), as_dict(sensor.event)


def argo_event_body(monkeypatch: pytest.MonkeyPatch, **payload: Any) -> dict[str, Any]:
    """What Metaflow's own ``ArgoEvent("argo_event").publish()`` sends."""
    from metaflow.plugins.argo.argo_events import ArgoEvent

    sent: list[bytes] = []
    monkeypatch.setattr(urllib.request, "urlopen", lambda request, timeout: sent.append(request.data))
    ArgoEvent("argo_event", url="http://webhook.invalid/metaflow-event").publish(payload=payload, ignore_errors=False)
    (data,) = sent
    return json.loads(data)


def metaflow_webhook_event(body: dict[str, Any]) -> spec.ArgoEvent:
    """The Argo event Metaflow's webhook EventSource makes of a POSTed body."""
    data = webhook_event_data(body, header={"Content-Type": "application/json"})
    return make_event(data, source="argo-events-webhook", type_="webhook", subject="metaflow-event")


def current_trigger(monkeypatch: pytest.MonkeyPatch, bodies: list[dict[str, Any]]) -> tuple[Any, list[Any]]:
    """Metaflow's Sensor parameters, then its decorator's ``current.trigger`` and the metadata it records."""
    from metaflow.metaflow_current import current
    from metaflow.plugins.argo.argo_workflows_decorator import ArgoWorkflowsInternalDecorator

    events = {
        dep["name"]: metaflow_webhook_event(b) for dep, b in zip(FLOW["sensor_dependencies"], bodies, strict=True)
    }
    arguments = {}
    for param in FLOW["sensor_parameters"]:
        if param["src"]["dataKey"] == "body.payload":
            resolved = resolve_param_value(param["src"], events)
            assert resolved.status == "ok" and resolved.origin == "dataKey", resolved
            dest = re.fullmatch(r"spec\.arguments\.parameters\.#\(name=([^)]+)\)\.value", param["dest"])
            assert dest is not None, param["dest"]
            (name,) = dest.groups()
            arguments[name] = resolved.value
    for name in list(os.environ):
        if name.startswith("METAFLOW_ARGO_EVENT_PAYLOAD_"):
            monkeypatch.delenv(name)
    for variable, value in FLOW["start_env"].items():  # "{{workflow.parameters.<name>}}"
        monkeypatch.setenv(variable, arguments[value[len("{{workflow.parameters.") : -2]])
    for variable in ("ARGO_WORKFLOW_TEMPLATE", "ARGO_WORKFLOW_NAME", "ARGO_WORKFLOW_NAMESPACE", "METAFLOW_OWNER"):
        monkeypatch.setenv(variable, "x")
    recorded: list[Any] = []

    class Metadata:
        def register_metadata(self, run_id: str, step_name: str, task_id: str, entries: list[Any]) -> None:
            recorded.extend(entries)

    graph = type("Graph", (), {"start_step": "start"})()
    decorator = ArgoWorkflowsInternalDecorator(attributes={"auto-emit-argo-events": False})
    decorator.task_pre_step("start", None, Metadata(), "argo-x", "t1", None, graph, 0, 0, None, [])
    return current.trigger, recorded  # pyright: ignore[reportAttributeAccessIssue] - Metaflow sets it at run time


def test_the_body_has_integer_timestamp_uuid4_id_and_utc_date_in_simulate_and_in_go(oracle: GoOracle) -> None:
    run = blueprint(static_payload={"source": "blueprints"})
    now = datetime(2026, 11, 20, 8, 16, 5, tzinfo=timezone.utc)
    body, event = our_body(run, now)
    payload = body["payload"]
    assert body["name"] == payload["name"] == "blueprint_event"
    assert (payload["timestamp"], payload["utc_date"]) == (int(now.timestamp()), "20261120")
    assert UUID4.fullmatch(payload["id"])
    mapped = {"key": BODY["key"], "size": BODY["size"], "meta": BODY["meta"], "source": "blueprints"}
    assert {k: payload[k] for k in mapped} == mapped
    (sensor,) = run.custom_resources("Sensor")
    template = body_template(sensor.plain_inputs["spec"]["triggers"][0])
    before = int(time.time())
    go = oracle.one({"op": "template", "template": template, "json": go_json(event["data"], escape_html=True)})
    assert go["status"] == "ok", go
    go_payload = json.loads(go["output"])["payload"]
    assert type(go_payload["timestamp"]) is int and before <= go_payload["timestamp"] <= time.time()
    stamp = datetime.fromtimestamp(go_payload["timestamp"], timezone.utc)
    assert go_payload["utc_date"] == stamp.strftime("%Y%m%d") and UUID4.fullmatch(go_payload["id"])
    same = ("timestamp", "utc_date", "id")
    assert {k: v for k, v in go_payload.items() if k not in same} == {k: v for k, v in payload.items() if k not in same}
    tally("blueprints")


def test_the_body_matches_argo_event_publish_where_metaflow_reads_it(monkeypatch: pytest.MonkeyPatch) -> None:
    ours, _ = our_body(blueprint(), datetime.now(timezone.utc))
    theirs = argo_event_body(monkeypatch, key="k")
    assert set(theirs) == set(ours) == {"name", "payload"}
    shared = ("name", "id", "timestamp", "utc_date")
    assert [type(ours["payload"][k]) for k in shared] == [type(theirs["payload"][k]) for k in shared]
    assert UUID4.fullmatch(ours["payload"]["id"]) and UUID4.fullmatch(theirs["payload"]["id"])
    assert abs(ours["payload"]["timestamp"] - theirs["payload"]["timestamp"]) < 60
    assert ours["payload"]["utc_date"] == theirs["payload"]["utc_date"]
    # the one ArgoEvent default left out: nothing in Metaflow reads it, and this event is not Metaflow's
    assert set(theirs["payload"]) - set(ours["payload"]) == {"generated-by-metaflow"}


@pytest.mark.parametrize("ours_later", [False, True], ids=["argo-event-latest", "blueprint-event-latest"])
def test_a_flow_triggered_by_our_event_and_an_argo_event_gets_both_with_datetimes(
    monkeypatch: pytest.MonkeyPatch, ours_later: bool
) -> None:
    from metaflow.events import Trigger

    now = datetime.now(timezone.utc) + timedelta(hours=1 if ours_later else -1)
    ours, _ = our_body(blueprint(), now)
    theirs = argo_event_body(monkeypatch, key="from-argo-event")
    events = {dep["name"]: dep for dep in FLOW["sensor_dependencies"]}
    for body in (ours, theirs):  # each passes its own dependency: the expr compares body.payload.name
        (expr,) = events[next(n for n in events if n.startswith(body["name"]))]["filters"]["exprs"]
        assert expr["expr"] == f"name == '{body['name']}'" and expr["fields"][0]["path"] == "body.payload.name"
    trigger, recorded = current_trigger(monkeypatch, [ours, theirs])
    order = ["blueprint_event", "argo_event"] if ours_later else ["argo_event", "blueprint_event"]
    assert [e.name for e in trigger.events] == order
    assert trigger.event.name == order[0]  # the latest
    assert all(isinstance(e.timestamp, datetime) for e in trigger.events)
    assert {e.name: e.id for e in trigger.events} == {b["name"]: b["payload"]["id"] for b in (ours, theirs)}
    assert trigger["blueprint_event"].timestamp == datetime.fromtimestamp(ours["payload"]["timestamp"])
    (meta,) = [m.value for m in recorded if m.field == "execution-triggers"]
    again = Trigger(json.loads(meta))  # what Run.trigger does with the recorded metadata
    assert again.events is not None
    assert [e.name for e in again.events] == order and all(isinstance(e.timestamp, datetime) for e in again.events)


def test_a_string_timestamp_is_what_broke_mixed_triggers() -> None:
    """The issue's failure, in Metaflow's own code: the string this package used to send beside ArgoEvent's int."""
    from metaflow.events import Trigger

    with pytest.raises(TypeError, match="not supported between instances of"):
        Trigger([{"name": "a", "id": "1", "timestamp": "1795680965", "type": "event"}, {"timestamp": 1795680966}])


def test_the_key_parameter_of_the_triggered_flow_reads_our_payload_in_go_and_simulate(oracle: GoOracle) -> None:
    ours, _ = our_body(blueprint(), datetime.now(timezone.utc))
    (key,) = [p for p in FLOW["sensor_parameters"] if p["src"]["dataTemplate"]]
    event = metaflow_webhook_event(ours)
    resolved = resolve_param_value(key["src"], {key["src"]["dependencyName"]: event})
    go = oracle.one(
        {"op": "template", "template": key["src"]["dataTemplate"], "json": go_json(event["data"], escape_html=True)}
    )
    assert resolved.value == go["output"] == json.dumps(BODY["key"])
    tally("blueprints")


def test_a_user_utc_date_replaces_the_default_and_reserved_keys_are_refused() -> None:
    ours, _ = our_body(blueprint(static_payload={"utc_date": "19700101"}), datetime.now(timezone.utc))
    assert ours["payload"]["utc_date"] == "19700101"
    for key in ("name", "id", "timestamp"):
        with pytest.raises(BlueprintInputError, match="set by Metaflow's event format"):
            blueprint(static_payload={key: "x"})
    with pytest.raises(BlueprintInputError, match=r"holds a \$ or a backtick"):
        blueprint(static_payload={"note": "costs $5"})


@pytest.mark.parametrize("value", ['{{ fail "x" }}', 'quo"te \\ <&> \u2028 😀', "", "a}}b{{"])
def test_static_payload_values_are_text_never_template(value: str, oracle: GoOracle) -> None:
    template = event_body_template("e", {}, {"s": value})
    go = oracle.one({"op": "template", "template": template, "json": "{}"})
    ours = render_go_template(template, {"Input": {}})
    assert go["status"] == ours.status == "ok" and json.loads(go["output"])["payload"]["s"] == value
    assert json.loads(ours.output)["payload"]["s"] == value
    tally("template")


DATE_CASES = [
    ('{{ dateInZone "20060102" 1700000000 "UTC" }}', "20231114"),
    ('{{ dateInZone "2006-01-02T15:04:05" 1700000000 "UTC" }}', "2023-11-14T22:13:20"),
    ('{{ dateInZone "2006/01/02 15:04" 0 "" }}', "1970/01/01 00:00"),
    ('{{ dateInZone "20060102" (now | unixEpoch) "UTC" }}', None),  # a string: sprig takes time.Now()
    ('{{ dateInZone "Jan 2, 2006" 1700000000 "UTC" }}', None),
    ('{{ dateInZone "20060102" 1700000000 "America/New_York" }}', None),
    ('{{ dateInZone "15:04 -0700" 1700000000 "UTC" }}', None),
    ('{{ dateInZone "060102" 1700000000 "UTC" }}', None),
    ('{{ dateInZone "20060102" .Input.n "UTC" }}', None),  # a float64: sprig takes time.Now()
]


def test_date_in_zone_and_uuidv4_agree_with_go_or_are_unsupported(oracle: GoOracle) -> None:
    requests = [{"op": "template", "template": t, "json": '{"n": 1700000000}'} for t, _ in DATE_CASES]
    requests.append({"op": "template", "template": "{{ uuidv4 }} {{ uuidv4 | len }}", "json": "{}"})
    answers = oracle.ask(requests)
    for (template, expected), go in zip(DATE_CASES, answers[:-1], strict=True):
        ours = render_go_template(template, {"Input": {"n": 1700000000.0}})
        assert go["status"] == "ok", go
        if expected is None:
            assert ours.status == "unsupported", (template, ours)
        else:
            assert ours.status == "ok" and ours.output == go["output"] == expected, (template, ours, go)
        tally("template", unsupported=expected is None)
    go_uuid, go_len = answers[-1]["output"].split()
    ours_uuid, ours_len = render_go_template("{{ uuidv4 }} {{ uuidv4 | len }}", {"Input": {}}).output.split()
    assert UUID4.fullmatch(go_uuid) and UUID4.fullmatch(ours_uuid) and go_len == ours_len == "36"
    tally("template")
