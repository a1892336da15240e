"""Smoke test of benchmarks/run.py: the cheap parts only (the timings themselves are not part of the suite)."""

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"
EVENT_SOURCE = "kubernetes:argoproj.io/v1alpha1:EventSource"
SENSOR = "kubernetes:argoproj.io/v1alpha1:Sensor"
S3_CHILDREN = {
    "aws:sqs/queue:Queue": 2,
    "aws:sqs/queuePolicy:QueuePolicy": 1,
    "aws:s3/bucketNotification:BucketNotification": 1,
    "aws:iam/role:Role": 1,
    "aws:iam/rolePolicy:RolePolicy": 1,
    "kubernetes:core/v1:ServiceAccount": 2,
    EVENT_SOURCE: 1,
    "kubernetes:rbac.authorization.k8s.io/v1:Role": 2,
    "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding": 2,
    SENSOR: 1,
}


def load_minimum() -> ModuleType:
    spec = importlib.util.spec_from_file_location("benchmarks_minimum", BENCHMARKS / "minimum.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("bench") / "results.json"
    command = [
        sys.executable,
        str(BENCHMARKS / "run.py"),
        "--quick",
        "--parts",
        "resources,scale,preview",
        "--preview-runs",
        "1",
        "--ns",
        "2",
        "--repeats",
        "1",
        "--work-ns",
        "1,2",
        "--examples",
        "s3-to-flow",
        "--json",
        str(out),
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "| 2 |" in done.stdout
    assert "Scale: work per extra blueprint" in done.stdout and "its import floor" in done.stdout  # both goals
    return json.loads(out.read_text())


def test_blueprint_and_handwritten_programs_register_the_same_resources(results: dict[str, Any]) -> None:
    (check,) = results["scale"]["checks"]
    assert (check["n"], check["resources"]) == (2, 28)  # run.py asserts the same types and names itself
    # Input differences (specs drifting as the package evolves) are reported, not fatal: the resource set is the claim.
    assert isinstance(check["differ"], dict)
    (row,) = results["scale"]["rows"]
    blueprint, handwritten = row["blueprint"]["types"], row["handwritten"]["types"]
    assert blueprint.pop("metaflow-blueprints:index:S3ObjectTrigger") == 2
    assert blueprint == handwritten == {t: 2 * c for t, c in S3_CHILDREN.items()}
    for side in ("blueprint", "handwritten"):  # work counts: one more blueprint means more function calls
        assert results["scale"]["work"][side]["2"] > results["scale"]["work"][side]["1"] > 0


def test_s3_example_registers_exactly_the_hand_written_minimum(results: dict[str, Any]) -> None:
    (example,) = results["resources"]["examples"]
    assert example["example"] == "s3-to-flow"
    assert (example["event_sources"], example["sensors"]) == (1, 1)
    (component,) = example["components"]
    assert component["type"] == "S3ObjectTrigger"
    assert component["resources"] == S3_CHILDREN
    result = load_minimum().compare("S3ObjectTrigger", component["resources"])
    assert (result.registered, result.minimum, result.extra, result.missing) == (14, 14, {}, [])


def test_minimum_comparison_reports_extra_and_missing_resources() -> None:
    minimum = load_minimum()
    resources = {**S3_CHILDREN, "kubernetes:core/v1:ConfigMap": 1}
    del resources[SENSOR]
    result = minimum.compare("S3ObjectTrigger", resources)
    assert result.extra == {"kubernetes:core/v1:ConfigMap": 1}
    assert result.missing == ["Sensor"]
    assert minimum.compare("NoSuchTrigger", resources) is None
    # Required needs claim resources before optional ones of the same type: an existing topic leaves the only topic
    # to the dead-letter need.
    pubsub = minimum.compare("PubSubTrigger", {"gcp:pubsub/topic:Topic": 1})
    assert "dead-letter topic" not in pubsub.missing


def test_the_preview_is_measured_against_a_fresh_interpreter_importing_the_sdk_modules_it_loads(
    results: dict[str, Any],
) -> None:
    preview = results["preview"]
    packages = {module.split(".")[0] for module in preview["modules"]}
    assert packages == {"pulumi", "pulumi_aws", "pulumi_kubernetes"}  # the S3 example's SDKs: nothing it does not use
    assert "pulumi_aws.sqs" in preview["modules"] and "pulumi_kubernetes.core.v1" in preview["modules"]
    for process in ("preview", "floor"):
        assert set(preview[process]) >= {"min_wall_s", "median_wall_s", "min_cpu_s"}
