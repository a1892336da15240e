"""Every mapped value reaches the flow as the typed value Metaflow's own trigger gives it, through real Metaflow.

The values are the Workflow arguments our Sensor creates in ``simulate`` for a sample webhook event — and the same
templates rendered by the real Go libraries (the oracle) must give the same strings. They then go through Metaflow
2.19's real start step: the ``set_parameters`` command and the ``init`` invocation of the WorkflowTemplate Metaflow
compiles for tests/data/metaflow/values_flow.py (captured in tests/data/metaflow/captured.json by
tests/metaflow_capture.py), with Argo's ``{{=toBase64(workflow.parameters['x'])}}`` substituted, run by bash as the
container runs them (the parameter file sourced with ``.``), the local datastore instead of S3; then Metaflow's client
reads the typed values back from the run's ``_parameters`` task.
"""

import base64
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from pulumi_metaflow_blueprints.argo.semantics import resolve_param_value
from pulumi_metaflow_blueprints.argo.semantics._values import go_json
from pulumi_metaflow_blueprints.offline import ProgramRun, run_program
from pulumi_metaflow_blueprints.simulate import SampleEvent, TriggerCheck, simulate
from pulumi_metaflow_blueprints.simulate.events import go_json_loads
from pulumi_metaflow_blueprints.simulate.triggers import argument_written
from pulumi_metaflow_blueprints.webhooks import WebhookTrigger
from tests.helpers import DATA, argument_parameters, as_dict
from tests.oracle_client import GoOracle, tally

CAPTURE = json.loads((DATA / "metaflow" / "captured.json").read_text())
FLOW = CAPTURE["flows"]["values_flow.py"]
StartSteps = dict[str, tuple[Path, subprocess.CompletedProcess[str]]]
"""Each start-step run: its directory and outcome."""
_TO_BASE64 = re.compile(r"\{\{=toBase64\(workflow\.parameters\['([^']+)'\]\)\}\}")

BODY: dict[str, Any] = {
    "text": "landing/2026/11/20/a b.parquet",
    "symbols": "q\"uote back\\slash !bang *glob 'single' ~ # % {braces} \\n",
    "int": 42,
    "int_text": "7",
    "negative": -3,
    "float": 1.5,
    "float_text": "2.5e3",
    "yes": True,
    "no": False,
    "object": {"a": 2, "b": [1, 2], "c": {"d": None}},
    "list": [1, "two", None],
    "json_text": '{"a": 1, "b": [true]}',
    "null": None,
    "escaped": "café\tx\ny",
    "unicode_object": {"k": 'café\n"q" \\ <&> 😀'},
    "plain": "not json",
    "dollar": "$(touch PWNED)",
}

ACCEPTED: list[tuple[str, str, Any]] = [
    # (flow parameter, body field, what the flow gets)
    ("text", "text", "landing/2026/11/20/a b.parquet"),
    ("text_symbols", "symbols", BODY["symbols"]),
    ("text_from_int", "int", "42"),
    ("text_from_object", "object", '{"a":2,"b":[1,2],"c":{"d":null}}'),
    ("text_null", "null", "null"),
    ("text_none_null", "null", None),
    ("text_escaped", "escaped", "caf\\u00e9\\tx\\ny"),  # cannot be represented: json.dumps escapes, bash keeps them
    ("count", "int", 42),
    ("count_from_text", "int_text", 7),
    ("count_negative", "negative", -3),
    ("count_none_null", "null", None),
    ("ratio", "float", 1.5),
    ("ratio_from_int", "int", 42.0),
    ("ratio_from_text", "float_text", 2500.0),
    ("flag_true", "yes", True),
    ("flag_false", "no", False),
    ("doc_object", "object", {"a": 2, "b": [1, 2], "c": {"d": None}}),
    ("doc_list", "list", [1, "two", None]),
    ("doc_text", "json_text", {"a": 1, "b": [True]}),
    ("doc_null", "null", None),
    ("doc_default_null", "null", {"d": 1}),  # JSONType turns null into None, so the default applies
    ("doc_number", "int", 42),
    ("doc_unicode", "unicode_object", {"k": 'café\n"q" \\ <&> 😀'}),
]
"""Every Parameter type from every JSON shape, as Metaflow's own Sensor would deliver it."""

REJECTED: list[tuple[str, str, str]] = [
    # (flow parameter, body field, init's error): mappings no encoding can represent (README "Targets")
    ("count", "object", "is not a valid integer"),
    ("count", "null", "null is not a valid integer"),
    ("ratio", "plain", "not json is not a valid floating point value"),
    ("flag_true", "list", "is not a valid boolean"),
    ("doc_object", "plain", "not json is not a valid JSON object"),
]

READ_BACK = """
import json, sys
from metaflow import Task, namespace
namespace(None)
task = Task("ValuesFlow/argo-values-x1/_parameters/t1-params")
print(json.dumps({name: [type(task[name].data).__name__, task[name].data] for name in sys.argv[1:]}))
"""


def start_step_script() -> str:
    """The start step's ``set_parameters`` and ``init`` commands, as Metaflow compiled them, for a local datastore."""
    shell, flag, script = FLOW["start_command"]
    assert (shell, flag) == ("bash", "-c")
    (part,) = re.findall(r"python -m metaflow\.plugins\.argo\.set_parameters .*?; fi", script)
    assert " && . `pwd`/" in part  # the parameter file is sourced by bash
    part, datastores = re.subn(r"--datastore=s3 --datastore-root=\S+", "--datastore=local", part)
    part, kubernetes = re.subn(r"--with 'kubernetes:[^']*' ", "", part)
    assert (datastores, kubernetes) == (1, 1)
    return part


def run_start_step(arguments: Mapping[str, str], workdir: Path, read: list[str]) -> subprocess.CompletedProcess[str]:
    """Run the start step with these Workflow arguments (over the template's defaults) and read ``read`` back."""
    values = {a["name"]: a["value"] for a in FLOW["arguments"]} | dict(arguments)
    script = _TO_BASE64.sub(lambda m: base64.b64encode(values[m.group(1)].encode()).decode(), start_step_script())
    script = script.replace("{{workflow.name}}", "values-x1")
    if read:
        script += f" && python -c {shlex.quote(READ_BACK)} {' '.join(read)}"
    workdir.mkdir(parents=True, exist_ok=True)
    shutil.copy(DATA / "metaflow" / "values_flow.py", workdir)
    env = {
        "PATH": f"{Path(sys.executable).parent}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": str(workdir),
        "METAFLOW_HOME": str(workdir),
        "USERNAME": "tester",
        "METAFLOW_TASK_ID": "t1",
        "METAFLOW_DATASTORE_SYSROOT_LOCAL": str(workdir),
        "METAFLOW_DEFAULT_METADATA": "local",
        "METAFLOW_DEFAULT_DATASTORE": "local",
    }
    return subprocess.run(["bash", "-c", script], cwd=workdir, env=env, capture_output=True, text=True, timeout=300)


def webhook(parameters: Mapping[str, str]) -> ProgramRun:
    args = {
        "ingress": {"host": "hooks.example.com", "class_name": "nginx", "tls_secret_name": "hooks-tls"},
        "kubernetes": {"namespace": "argo-events", "workflow_namespace": "jobs"},
        "targets": [{"flow": {"flow": "ValuesFlow", "parameters": dict(parameters)}}],
    }
    return run_program(lambda: WebhookTrigger("values", args))  # type: ignore[arg-type]


def simulated(run: ProgramRun, body: Any) -> tuple[TriggerCheck, dict[str, Any]]:
    text = json.dumps(body, ensure_ascii=False)
    (sensor,) = simulate(run, SampleEvent(go_json_loads(text), text)).sensors
    (trigger,) = sensor.triggers
    return trigger, as_dict(sensor.event)


@pytest.fixture(scope="module")
def sensor_values(oracle: GoOracle) -> tuple[dict[str, str], TriggerCheck]:
    """Each flow parameter's Workflow argument, from simulate, checked against the same templates in real Go."""
    run = webhook({param: f"body.{field}" for param, field, _ in ACCEPTED})
    trigger, event = simulated(run, BODY)
    assert trigger.outcome == "fires", trigger.message
    arguments = {a["name"]: a["value"] for a in as_dict(trigger.workflow)["spec"]["arguments"]["parameters"]}
    (sensor,) = run.custom_resources("Sensor")
    k8s = sensor.plain_inputs["spec"]["triggers"][0]["template"]["k8s"]
    data = go_json(event["data"], escape_html=True, sort_keys=False)
    params = argument_parameters(k8s)
    answers = oracle.ask([{"op": "template", "template": p["src"]["dataTemplate"], "json": data} for p in params])
    for param, answer in zip(params, answers, strict=True):
        name = argument_written(param["dest"], k8s["source"]["resource"])
        assert name is not None and (answer["status"], answer.get("output")) == ("ok", arguments[name]), name
        tally("blueprints")
    return arguments, trigger


@pytest.fixture(scope="module")
def start_steps(
    sensor_values: tuple[dict[str, str], TriggerCheck], tmp_path_factory: pytest.TempPathFactory
) -> StartSteps:
    """Metaflow's real start step: the accepted values, each rejected mapping, values rendered once (in parallel)."""
    arguments, _ = sensor_values
    root = tmp_path_factory.mktemp("start-steps")
    jobs: dict[str, tuple[dict[str, str], list[str]]] = {
        "accepted": (arguments, [param for param, _, _ in ACCEPTED]),
        # a string as Metaflow's own Sensor renders it (toRawJson), and an object as this package used to (the same)
        "rendered-once": ({"text": json.dumps(BODY["dollar"]), "doc_object": json.dumps(BODY["object"])}, []),
    }
    for index, (param, field, _) in enumerate(REJECTED):
        trigger, _ = simulated(webhook({param: f"body.{field}"}), BODY)
        assert trigger.outcome == "fires", trigger.message
        parameters = as_dict(trigger.workflow)["spec"]["arguments"]["parameters"]
        (value,) = [a["value"] for a in parameters if a["name"] == param]
        jobs[f"rejected-{index}"] = ({param: value}, [])
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {key: pool.submit(run_start_step, args, root / key, read) for key, (args, read) in jobs.items()}
        results = {key: future.result() for key, future in futures.items()}
    return {key: (root / key, done) for key, done in results.items()}


def test_the_capture_is_of_the_installed_metaflow() -> None:
    import metaflow.metaflow_version

    assert CAPTURE["metaflow_version"] == metaflow.metaflow_version.get_version(), "rerun tests/metaflow_capture.py"
    assert FLOW["arguments"] and "set_parameters" in FLOW["start_command"][2]


def test_every_parameter_type_gets_the_typed_value_metaflow_would_give(
    start_steps: StartSteps,
) -> None:
    _, done = start_steps["accepted"]
    assert done.returncode == 0, done.stderr[-3000:]
    got = json.loads(done.stdout.strip().splitlines()[-1])
    wrong = [
        (param, got[param], expected)
        for param, _, expected in ACCEPTED
        if got[param] != [type(expected).__name__ if expected is not None else "NoneType", expected]
    ]
    assert not wrong, wrong


def test_mappings_no_encoding_can_represent_fail_at_init_naming_the_value(
    start_steps: StartSteps,
) -> None:
    for index, (param, field, error) in enumerate(REJECTED):
        _, done = start_steps[f"rejected-{index}"]
        assert done.returncode != 0, (param, field)
        assert f"Invalid value for '--{param}'" in done.stderr and error in done.stderr, done.stderr[-2000:]


def test_values_rendered_once_mangle_objects_and_run_dollar_commands_which_our_templates_refuse(
    start_steps: StartSteps, oracle: GoOracle
) -> None:
    """Why the encoding is what it is: the issue's failure, and the shell expansion ``json.dumps`` + bash allow."""
    workdir, done = start_steps["rendered-once"]
    assert (workdir / "PWNED").exists()  # set_parameters' file, sourced by bash, ran the event's $(...)
    assert done.returncode != 0 and "{a: is not a valid JSON object" in done.stderr
    run = webhook({"text": "body.dollar"})
    trigger, event = simulated(run, BODY)
    assert trigger.outcome == "fails" and "body.dollar holds a $ or a backtick" in trigger.message
    (param,) = argument_parameters(
        run.custom_resources("Sensor")[0].plain_inputs["spec"]["triggers"][0]["template"]["k8s"]
    )
    data = go_json(event["data"], escape_html=True, sort_keys=False)
    go = oracle.one({"op": "template", "template": param["src"]["dataTemplate"], "json": data})
    assert go["status"] == "error" and "body.dollar holds a $ or a backtick" in go["message"]
    assert resolve_param_value(param["src"], {"source-event": event}).status == "error"
    tally("blueprints")


def test_simulate_notes_say_what_the_flow_gets_where_a_type_cannot_take_the_value(
    sensor_values: tuple[dict[str, str], TriggerCheck],
    start_steps: StartSteps,
) -> None:
    _, trigger = sensor_values
    notes = {p.name: " | ".join(p.notes) for p in trigger.parameters}
    got = json.loads(start_steps["accepted"][1].stdout.strip().splitlines()[-1])
    for param in ("text_from_object", "doc_object", "doc_unicode"):
        assert "a JSON object: a JSONType parameter gets it, a str parameter its JSON text" in notes[param], param
        assert "int, float and bool parameters fail at init" in notes[param]  # REJECTED: count, flag_true
    assert "a JSON array: a JSONType parameter gets it" in notes["doc_list"]
    for param in ("text_null", "text_none_null", "count_none_null", "doc_null", "doc_default_null"):
        assert notes[param].startswith("JSON null: a parameter whose default is None gets None; otherwise a JSONType")
    assert repr(got["text_escaped"][1]) in notes["text_escaped"] and "json.dumps" in notes["text_escaped"]
    assert "a JSON object: a JSONType parameter gets it" in notes["doc_text"]  # a string holding JSON text
    quiet = ("text", "text_symbols", "count", "count_from_text", "ratio", "ratio_from_text", "flag_true", "doc_number")
    assert all(notes[param] == "" for param in quiet), {param: notes[param] for param in quiet}
