"""Capture what Metaflow's own compiler emits for the flows in tests/data/metaflow (tests/data/metaflow/captured.json).

tests/test_metaflow_values.py runs the values our Sensors produce through Metaflow's real start-step command and its
real Sensor spec; both come from this capture, made by ``python flow.py argo-workflows create --only-json`` of the
installed ``metaflow`` with nothing of the cluster touched: the code package upload, the existing-deployment lookup and
the ``kubernetes`` import check of ``@kubernetes`` are stubbed. Compiling needs the ``kubernetes`` package (its model
classes build the containers), which the project does not depend on, so regenerate in a throwaway directory::

    pip install --target /tmp/k8s kubernetes
    PYTHONPATH=/tmp/k8s .venv/bin/python -m tests.metaflow_capture

The test checks that the capture was made with the installed Metaflow version.
"""

import json
import os
import runpy
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

DIR = Path(__file__).parent / "data" / "metaflow"
CAPTURED = DIR / "captured.json"
FLOWS = ("values_flow.py", "mixed_events_flow.py")
ENV = {
    "USERNAME": "tester",
    "METAFLOW_DATASTORE_SYSROOT_S3": "s3://example-bucket/metaflow",
    "METAFLOW_KUBERNETES_NAMESPACE": "jobs",
    "AWS_ACCESS_KEY_ID": "unused",
    "AWS_SECRET_ACCESS_KEY": "unused",
    "AWS_DEFAULT_REGION": "us-east-1",
    # what Metaflow's standard Argo Events install names (metaflow-tools' argo-events webhook EventSource)
    "METAFLOW_ARGO_EVENTS_EVENT": "metaflow-event",
    "METAFLOW_ARGO_EVENTS_EVENT_SOURCE": "argo-events-webhook",
    "METAFLOW_ARGO_EVENTS_SERVICE_ACCOUNT": "operate-workflow-sa",
}


def _compile(flow: str, out: str) -> None:  # pragma: no cover - runs in a subprocess with `kubernetes` importable
    """In a fresh interpreter: compile ``flow`` with the cluster stubbed and write the template and Sensor."""
    from metaflow.datastore.flow_datastore import FlowDataStore
    from metaflow.plugins.argo.argo_workflows import ArgoWorkflows
    from metaflow.plugins.kubernetes.kubernetes_decorator import KubernetesDecorator

    made: list[Any] = []
    original = ArgoWorkflows.__init__

    def keep(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        made.append(self)

    ArgoWorkflows.__init__ = keep  # type: ignore[method-assign]
    ArgoWorkflows.get_existing_deployment = staticmethod(lambda name: None)  # type: ignore[method-assign]
    FlowDataStore.save_data = lambda self, blobs, len_hint=0: [("s3://example-bucket/pkg", "sha")]  # type: ignore
    KubernetesDecorator.package_init = lambda *args, **kwargs: None  # type: ignore[method-assign]
    sys.argv = [flow, "--no-pylint", "--datastore", "s3", "argo-workflows", "create", "--only-json"]
    try:
        runpy.run_path(flow, run_name="__main__")
    except SystemExit as exit_:
        if exit_.code not in (0, None):
            raise
    (workflows,) = made
    sensor = workflows._sensor.to_json() if workflows._sensor else None
    Path(out).write_text(json.dumps({"template": workflows._workflow_template.to_json(), "sensor": sensor}))


def capture() -> dict[str, Any]:
    """Compile every flow in a subprocess and keep what the tests use."""
    import metaflow.metaflow_version

    captured: dict[str, Any] = {"metaflow_version": metaflow.metaflow_version.get_version(), "flows": {}}
    for flow in FLOWS:
        with tempfile.TemporaryDirectory() as home:
            out = Path(home) / "out.json"
            env = {**os.environ, **ENV, "HOME": home, "METAFLOW_HOME": home}
            code = f"from tests.metaflow_capture import _compile; _compile({str(DIR / flow)!r}, {str(out)!r})"
            subprocess.run([sys.executable, "-c", code], cwd=Path(__file__).parent.parent, env=env, check=True)
            compiled = json.loads(out.read_text())
        template = compiled["template"]
        (start,) = [t for t in template["spec"]["templates"] if t["name"] == "start"]
        captured["flows"][flow] = {
            "arguments": template["spec"]["arguments"]["parameters"],
            "start_command": start["container"]["command"],
            "start_env": {
                e["name"]: e["value"]
                for e in start["container"]["env"]
                if e["name"].startswith("METAFLOW_ARGO_EVENT_PAYLOAD_")
            },
            "sensor_dependencies": compiled["sensor"]["spec"]["dependencies"] if compiled["sensor"] else None,
            "sensor_parameters": (
                compiled["sensor"]["spec"]["triggers"][0]["template"]["k8s"]["parameters"]
                if compiled["sensor"]
                else None
            ),
        }
    return captured


if __name__ == "__main__":  # pragma: no cover
    CAPTURED.write_text(json.dumps(capture(), indent=1, ensure_ascii=False) + "\n")
    print(f"wrote {CAPTURED}")
