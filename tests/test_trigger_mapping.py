"""One path from args to Sensor: flow parameters addressed by name, and the mapping `simulate` reads from the Sensor.

A `flow` target's trigger parameters write Workflow arguments by name (``spec.arguments.parameters.#(name=="x").value``,
as Metaflow's own Sensors do), so nothing couples the parameter list to the argument list by position. Argo Events 1.9
applies a ``dest`` with ``sjson.SetBytes`` (sjson v1.2.4/v1.2.5, whose ``sjson.go`` is identical): a path with ``#`` is
"complex", and ``setComplexPath`` replaces the bytes at gjson's ``Result.Index`` for that path. Debian packages no
sjson, so the oracle proves the half sjson delegates: real gjson locates every dest we emit at the named argument's
value, and splicing the value there (what ``setComplexPath`` does) gives the document our sjson model writes.

Every blueprint's Sensor declares, in its ``metaflow-blueprints/mapping`` annotation, the event path each mapped value
is taken from; `simulate` reports that path. Deleting the declared path from a sample makes exactly that value's
template fail with "event has no <path>": the annotation says what the template reads.
"""

import copy
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from pulumi_metaflow_blueprints.argo.semantics import gjson_get, make_event, sjson_set
from pulumi_metaflow_blueprints.argo.semantics.gjson import gjson_locations
from pulumi_metaflow_blueprints.core.fields import FieldCatalog
from pulumi_metaflow_blueprints.core.target import (
    DEPENDENCY,
    MAPPING_ANNOTATION,
    TargetPlan,
    argument_dest,
    plan_targets,
)
from pulumi_metaflow_blueprints.simulate import simulate
from pulumi_metaflow_blueprints.simulate.program import SensorTarget, sensors
from pulumi_metaflow_blueprints.simulate.triggers import argument_written, declared_mappings, simulate_argo_trigger
from tests.helpers import DATA, EVENTS, argument_parameters, as_dict, as_list, example_run, signed_sample
from tests.oracle_client import GoOracle, tally
from tests.test_samples_trigger import SAMPLES

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p.parent.name for p in (ROOT / "examples").glob("*/__main__.py"))
NOW = datetime(2026, 11, 20, 8, 30, tzinfo=timezone.utc)
VALUE = 'a "quoted" é\\ value'
"""Written at each dest: sjson must JSON-escape it (``appendStringify``)."""


def stress_target() -> TargetPlan:
    """A flow target whose argument list is not in parameter order: statics sort between the mapped names."""
    flow = {
        "flow": "OrdersFlow",
        "parameters": {"b-c": "data:body.b", "ab": "data:body.ab", "a": "data:body.a", "Z_z": "data:body.z"},
        "static_parameters": {"aa": "x", "b": "y"},
    }
    (target,) = plan_targets(
        [{"flow": flow}],  # type: ignore[list-item]
        FieldCatalog.of("test", ()),
        namespace="argo-events",
        workflow_namespace="argo-events",
        labels={},
    )
    return target


def k8s_triggers() -> list[tuple[str, dict[str, Any]]]:
    """(label, k8s trigger template) of the stress target and of every example's `flow` targets."""
    found = [("stress", stress_target().template["k8s"])]
    for example in EXAMPLES:
        for sensor in sensors(example_run(example)):
            for trigger in as_list(sensor.spec["triggers"]):
                if "k8s" in trigger["template"]:
                    found.append((f"{example}/{trigger['template']['name']}", trigger["template"]["k8s"]))
    return found


def arguments(resource: dict[str, Any]) -> list[dict[str, Any]]:
    return resource["spec"]["arguments"]["parameters"]


# ---------------------------------------------------------------------------------------------------------------
# By name: each dest writes the argument it names, whatever the argument order
# ---------------------------------------------------------------------------------------------------------------


def test_each_flow_parameter_dest_names_the_argument_it_writes() -> None:
    target = stress_target()
    resource = target.template["k8s"]["source"]["resource"]
    params = argument_parameters(target.template["k8s"])
    assert [a["name"] for a in arguments(resource)] == ["Z_z", "a", "ab", "b-c", "aa", "b"]
    assert [p["dest"] for p in params] == [argument_dest(k) for k in target.mapped]
    for param, name in zip(params, target.mapped, strict=True):
        ((container, key),) = gjson_locations(resource, param["dest"])
        assert (container["name"], key) == (name, "value")
        written = sjson_set(resource, param["dest"], VALUE)
        assert written.changed
        after = arguments(as_dict(written.document))
        changed = [a["name"] for a, b in zip(arguments(resource), after, strict=True) if a != b]
        assert changed == [name]
        assert argument_written(param["dest"], resource) == name


def test_every_emitted_dest_writes_a_declared_argument() -> None:
    """In every example: each k8s parameter writes one argument, a different one each, declared as JSON null."""
    for label, k8s in k8s_triggers():
        resource = k8s["source"]["resource"]
        names = [argument_written(p["dest"], resource) for p in argument_parameters(k8s)]
        assert None not in names and len(set(names)) == len(names), label
        declared = {a["name"]: a["value"] for a in arguments(resource)}
        assert all(declared[name] == "null" for name in names if name is not None), label


def test_go_gjson_locates_each_dest_where_our_sjson_writes(oracle: GoOracle) -> None:
    """For every dest we emit, applied in order as ``ApplyParams`` does: Go's gjson finds the named argument's value,
    and replacing the bytes at its ``Index`` (``setComplexPath``) gives exactly our sjson model's document."""
    cases = k8s_triggers()
    documents = {label: copy.deepcopy(k8s["source"]["resource"]) for label, k8s in cases}
    params = {label: argument_parameters(k8s) for label, k8s in cases}
    steps = max(len(p) for p in params.values())
    for step in range(steps):
        todo = [(label, params[label][step]["dest"]) for label, _ in cases if step < len(params[label])]
        texts = {label: json.dumps(documents[label], separators=(",", ":"), ensure_ascii=False) for label, _ in todo}
        answers = oracle.ask([{"op": "gjson", "json": texts[label], "path": dest} for label, dest in todo])
        for (label, dest), go in zip(todo, answers, strict=True):
            assert go["status"] == "ok" and go["exists"], (label, dest, go)
            assert go["raw"] == '"null"' and go["index"] > 0 and "indexes" not in go, (label, dest, go)
            text = texts[label].encode()
            start = go["index"]
            assert text[start : start + len(go["raw"].encode())] == go["raw"].encode()
            spliced = text[:start] + json.dumps(VALUE, ensure_ascii=False).encode() + text[start + len(b'"null"') :]
            ours = sjson_set(documents[label], dest, VALUE)
            assert ours.changed and ours.document == json.loads(spliced), (label, dest)
            documents[label] = ours.document
            tally("sjson-dest")
    for label, _ in cases:
        written = [a for a in arguments(documents[label]) if a["value"] == VALUE]
        assert len(written) == len(params[label]), label


def test_metaflow_compiles_by_name_dests_too_and_both_forms_write_the_same_argument(oracle: GoOracle) -> None:
    """Metaflow's own Sensors (captured from its compiler) address arguments ``#(name=x)``; ours quote the name.
    Go's gjson puts both at the same bytes of the same Workflow."""
    capture = json.loads((DATA / "metaflow" / "captured.json").read_text())
    dests = [p["dest"] for p in capture["flows"]["mixed_events_flow.py"]["sensor_parameters"]]
    assert dests and all(d.startswith("spec.arguments.parameters.#(name=") for d in dests), dests
    names = [d[len("spec.arguments.parameters.#(name=") : -len(").value")] for d in dests]
    workflow = {"spec": {"arguments": {"parameters": [{"name": n, "value": "null"} for n in [*names, "other"]]}}}
    text = json.dumps(workflow, separators=(",", ":"))
    answers = oracle.ask([{"op": "gjson", "json": text, "path": d} for d in [*dests, *map(argument_dest, names)]])
    theirs, ours = answers[: len(dests)], answers[len(dests) :]
    assert [a["index"] for a in theirs] == [a["index"] for a in ours]
    for dest, name in zip(dests, names, strict=True):
        assert sjson_set(workflow, dest, "v").document == sjson_set(workflow, argument_dest(name), "v").document


# ---------------------------------------------------------------------------------------------------------------
# The mapping travels in the Sensor, and simulate reports it
# ---------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("example", EXAMPLES)
def test_the_sensor_declares_each_triggers_mapping(example: str) -> None:
    for sensor in sensors(example_run(example)):
        mappings = json.loads(str(sensor.annotations[MAPPING_ANNOTATION]))
        assert mappings == declared_mappings(sensor.annotations)
        triggers = {t["template"]["name"]: t["template"] for t in as_list(sensor.spec["triggers"])}
        assert list(mappings) == list(triggers)
        for name, template in triggers.items():
            if "k8s" in template:
                resource = template["k8s"]["source"]["resource"]
                written = [argument_written(p["dest"], resource) for p in template["k8s"].get("parameters", [])]
                assert sorted(mappings[name]) == sorted(w for w in written if w is not None)
            assert all(isinstance(path, str) and path for path in mappings[name].values())


def delivered(example: str, sample: str) -> tuple[SensorTarget, dict[str, Any]]:
    """The example's Sensor and the Argo event it receives for ``sample``."""
    run = example_run(example)
    (result,) = simulate(run, signed_sample(EVENTS / sample), now=NOW).sensors
    (sensor,) = sensors(run)
    assert result.verdict == "triggered", result.reason
    return sensor, as_dict(result.event)


def without(event: dict[str, Any], path: str) -> dict[str, Any]:
    """``event`` with the value at data ``path`` deleted."""
    changed = copy.deepcopy(event)
    ((container, key),) = gjson_locations(changed["data"], path)
    del container[key]
    assert not gjson_get(changed["data"], path).exists, path
    return changed


@pytest.mark.parametrize(("sample", "example"), [(s, e) for s, e, _ in SAMPLES])
def test_each_declared_path_is_what_its_template_reads(sample: str, example: str) -> None:
    """Deleting a declared path from the event fails exactly that value, with "event has no <path>"."""
    sensor, event = delivered(example, sample)
    mappings = declared_mappings(sensor.annotations)
    for trigger in as_list(sensor.spec["triggers"]):
        name = trigger["template"]["name"]
        for key, path in mappings[name].items():
            check = simulate_argo_trigger(trigger, {DEPENDENCY: without(event, path)}, now=NOW, mappings=mappings)
            assert check.outcome == "fails", (name, key)
            failed = [p for p in check.parameters if p.status == "failed" and not p.name.startswith("metadata.")]
            assert len(failed) == 1 and failed[0].reason.endswith(f"event has no {path}"), (name, key, failed)
            if "k8s" in trigger["template"]:
                assert failed[0].name == key
            assert f"({path}" in failed[0].source or f", {path}" in failed[0].source


def test_simulate_reports_the_declared_path_not_the_template_text() -> None:
    sensor, event = delivered("s3-to-flow", "s3-object-created.sqs-message.json")
    trigger = next(t for t in as_list(sensor.spec["triggers"]) if "k8s" in t["template"])
    name = trigger["template"]["name"]
    declared = declared_mappings(sensor.annotations)
    relabelled = {name: {**declared[name], "key": "declared.elsewhere"}}
    check = simulate_argo_trigger(trigger, {DEPENDENCY: event}, now=NOW, mappings=relabelled)
    sources = {p.name: p.source for p in check.parameters}
    assert sources["key"] == "dataTemplate (declared.elsewhere)"
    assert sources["bucket"] == f"dataTemplate ({declared[name]['bucket']})"
    bare = simulate_argo_trigger(trigger, {DEPENDENCY: event}, now=NOW)  # no annotation: the template is shown as it is
    assert {p.name: p.source for p in bare.parameters}["key"].startswith("dataTemplate {{")


def test_a_malformed_annotation_is_ignored() -> None:
    for value in ("not json", "[1]", '{"t": [1]}', '{"t": {"k": 1}}'):
        assert declared_mappings({MAPPING_ANNOTATION: value}) in ({}, {"t": {}})
    assert declared_mappings({}) == {}


def test_simulate_flags_a_dest_naming_no_argument() -> None:
    """By name, a dest naming no argument writes nothing and Argo reports no error: simulate calls it mis-wired."""
    target = stress_target()
    trigger = {"template": copy.deepcopy(target.template)}
    params = argument_parameters(trigger["template"]["k8s"])
    params[0]["dest"] = argument_dest("missing")
    event = make_event({"body": {"a": "1", "ab": "2", "b": "3", "z": "4"}}, source="s", type_="webhook", subject="e")
    check = simulate_argo_trigger(trigger, {DEPENDENCY: event}, now=NOW)
    assert check.outcome == "fires" and check.verdict == "mis-wired"
    first, *rest = [p for p in check.parameters if p.name.startswith("spec.arguments") or p.name in target.mapped]
    assert first.status == "skipped" and "nothing found at" in first.reason and first.name == params[0]["dest"]
    assert [p.status for p in rest] == ["event"] * len(rest)
    assert dict((n, v) for n, v, _ in check.arguments)[next(iter(target.mapped))] == "null"
