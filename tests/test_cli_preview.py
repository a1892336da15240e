"""`metaflow-blueprints preview`: the README's main command, run as a user would."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from pulumi_metaflow_blueprints.cli import main
from pulumi_metaflow_blueprints.offline import export, run_program
from pulumi_metaflow_blueprints.offline.runner import mask
from tests.argo_schema import assert_valid_argo

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def preview_out(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    out = tmp_path_factory.mktemp("preview")
    result = subprocess.run(
        [sys.executable, "-m", "pulumi_metaflow_blueprints", "preview", str(ROOT), "--out", str(out)],
        capture_output=True,
        text=True,
        check=True,
        cwd=out,
    )
    return out, result.stdout


def test_prints_the_resource_tree_with_parents(preview_out: tuple[Path, str]) -> None:
    _, stdout = preview_out
    lines = stdout.splitlines()
    assert lines[1].split() == ["+", "pulumi:pulumi:Stack", "s3-to-flow-offline"]
    assert lines[2].split() == ["+", "└─", "metaflow-blueprints:index:S3ObjectTrigger", "raw-events"]
    children = [line for line in lines if line.startswith(" +     ")]
    assert len(children) == 14
    assert "+ 16 to create" in stdout


def test_manifests_are_ordered_complete_and_valid(preview_out: tuple[Path, str]) -> None:
    out, _ = preview_out
    documents = list(yaml.safe_load_all((out / "manifests.yaml").read_text()))
    kinds = [d["kind"] for d in documents]
    assert kinds == [
        "ServiceAccount",
        "ServiceAccount",
        "Role",
        "Role",
        "RoleBinding",
        "RoleBinding",
        "EventSource",
        "Sensor",
    ]
    for document in documents:
        assert set(document) >= {"apiVersion", "kind", "metadata"}
        # The Sensor may create Workflows only where Metaflow put the WorkflowTemplates (`workflowNamespace`), and
        # park failed events (ConfigMaps, `core.dlq`) only in its own namespace.
        parks = document["metadata"]["name"].endswith("-parked")
        in_workflow_namespace = document["kind"] in {"Role", "RoleBinding"} and not parks
        assert document["metadata"]["namespace"] == ("default" if in_workflow_namespace else "argo-events")
        if document["kind"] == "RoleBinding":
            assert [s["namespace"] for s in document["subjects"]] == ["argo-events"]
        if document["kind"] in {"EventSource", "Sensor"}:
            assert document["apiVersion"] == "argoproj.io/v1alpha1"
            assert_valid_argo(document["kind"], document)


def test_resources_json_lists_every_resource_with_its_parent(preview_out: tuple[Path, str]) -> None:
    out, _ = preview_out
    data = json.loads((out / "resources.json").read_text())
    resources = data["resources"]
    assert len(resources) == 15
    by_name = {r["name"]: r for r in resources}
    assert by_name["raw-events"]["parent"] is None
    assert all(r["parent"] == "raw-events" for r in resources if r["name"] != "raw-events")
    assert by_name["raw-events-queue"]["inputs"]["name"] == "s3-to-flow-offline-raw-events"


def test_output_is_deterministic(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        assert main(["preview", str(ROOT), "--out", str(out)]) == 0
    for name in ("manifests.yaml", "resources.json"):
        assert (first / name).read_text() == (second / name).read_text()


def test_config_overrides_reach_the_program(tmp_path: Path) -> None:
    assert main(["preview", str(ROOT), "--out", str(tmp_path), "--config", "bucket=other-bucket"]) == 0
    data = json.loads((tmp_path / "resources.json").read_text())
    notification = next(r for r in data["resources"] if r["name"] == "raw-events-notification")
    assert notification["inputs"]["bucket"] == "other-bucket"


def test_bad_config_is_reported_as_an_error(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["preview", str(ROOT), "--config", "bucket=Not_A_Bucket"]) == 2
    assert "bucket: 'Not_A_Bucket' is not a valid S3 bucket name" in capsys.readouterr().err


def test_secrets_are_masked_in_everything_written() -> None:
    import pulumi

    def program() -> None:
        import pulumi_kubernetes as k8s

        k8s.core.v1.Secret("token", string_data={"token": pulumi.Output.secret("s3cr3t-value")})

    run = run_program(program)
    assert "s3cr3t-value" not in export.resources_json(run)
    assert "s3cr3t-value" not in export.manifests_yaml(run)
    assert mask(run.named("token").inputs)["stringData"] == {"token": "[secret]"}


def test_config_defaults_are_stored_as_the_pulumi_cli_stores_them(tmp_path: Path) -> None:
    from pulumi_metaflow_blueprints.offline.runner import load_project

    (tmp_path / "Pulumi.yaml").write_text(
        "name: demo\nconfig:\n  jobId: {default: 481516}\n  enabled: {default: true}\n"
        "  ids: {default: [1, 2]}\n  aws:region: {value: us-west-2}\n"
    )
    name, defaults = load_project(tmp_path)
    assert name == "demo"
    assert defaults == {"demo:jobId": "481516", "demo:enabled": "true", "demo:ids": "[1, 2]", "aws:region": "us-west-2"}
