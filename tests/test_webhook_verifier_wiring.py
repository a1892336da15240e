"""The verifying receiver wired into the webhook blueprints (issue 17): its objects and their inputs, the EventSource
in bearer mode holding no secret, secrets only inside Pulumi secrets, the secret-path opt-out, bad input, and the
rendered Deployment's settings running the ConfigMap's script for real on loopback."""

import hashlib
import hmac
import http.client
import json
import os
import socket
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from pulumi_metaflow_blueprints.offline import ProgramRun, export, run_program
from pulumi_metaflow_blueprints.offline.runner import is_secret, reveal
from pulumi_metaflow_blueprints.webhooks import DbtCloudJobTrigger, FivetranSyncTrigger, WebhookTrigger
from pulumi_metaflow_blueprints.webhooks.verifier import SCRIPT_NAME, source
from pulumi_metaflow_blueprints.webhooks.verifier.server import Config
from tests import test_webhook_dbt, test_webhook_fivetran, test_webhook_trigger
from tests.argo_schema import assert_valid_argo
from tests.helpers import rejected, resolved, strings_outside_secrets

KUBERNETES_VERSION = "1.33"
DEPLOYMENT = "kubernetes:apps/v1:Deployment"
SIGNATURE = {"header": "X-Hub-Signature-256", "prefix": "sha256="}


@dataclass(frozen=True)
class Case:
    """One blueprint in signature mode: how to build it, its resource name and its secrets' placeholder values."""

    component: type[Any]
    base_args: Callable[..., dict[str, Any]]
    name: str
    preset: dict[str, str]
    signing_value: str
    overrides: dict[str, Any] = field(default_factory=dict[str, Any])

    def args(self, **more: Any) -> dict[str, Any]:
        """The blueprint's test args in signature mode (its tests pin the `secret-path` opt-out), with ``more``."""
        chosen = {**self.overrides, **more}
        args = self.base_args(**chosen)
        if "auth" not in chosen:
            args.pop("auth", None)
        return {key: value for key, value in args.items() if value is not None}

    def run(self, **more: Any) -> tuple[ProgramRun, Any]:
        made: list[Any] = []
        args = self.args(**more)
        run = run_program(lambda: made.append(self.component(self.name, args)))
        return run, made[0]


CASES = {
    "dbt": Case(
        DbtCloudJobTrigger,
        test_webhook_dbt.base_args,
        "nightly",
        {"VERIFIER_PRESET": "dbt-cloud"},
        "placeholder-hmac-for-nightly-dbt-webhook",
    ),
    "fivetran": Case(
        FivetranSyncTrigger,
        test_webhook_fivetran.base_args,
        "syncs",
        {"VERIFIER_PRESET": "fivetran"},
        "placeholder-token-for-syncs-signing-secret",
    ),
    "generic": Case(
        WebhookTrigger,
        test_webhook_trigger.base_args,
        "orders",
        {
            "VERIFIER_SIGNATURE_HEADER": "X-Hub-Signature-256",
            "VERIFIER_SIGNATURE_ALGORITHM": "sha256",
            "VERIFIER_SIGNATURE_ENCODING": "hex",
            "VERIFIER_SIGNATURE_PREFIX": "sha256=",
        },
        "placeholder-token-for-orders-signing-secret",
        {"signature": SIGNATURE},
    ),
}


@pytest.fixture(scope="module", params=sorted(CASES))
def case(request: pytest.FixtureRequest) -> Case:
    return CASES[request.param]


_RUNS: dict[str, tuple[ProgramRun, Any]] = {}


def default_run(case: Case) -> tuple[ProgramRun, Any]:
    """Each blueprint's signature-mode run, once per session."""
    if case.name not in _RUNS:
        _RUNS[case.name] = case.run()
    return _RUNS[case.name]


def verifier_objects(run: ProgramRun, name: str) -> dict[str, Any]:
    return {
        "config_map": run.named(f"{name}-verifier-script").plain_inputs,
        "deployment": run.named(f"{name}-verifier").plain_inputs,
        "service": run.named(f"{name}-verifier-service").plain_inputs,
        "pdb": run.named(f"{name}-verifier-pdb").plain_inputs,
    }


def test_the_verifier_objects_are_registered_under_the_component(case: Case) -> None:
    run, _ = default_run(case)
    (component,) = run.of_type(f"metaflow-blueprints:index:{case.component.__name__}")
    children = {(r.type, r.name) for r in run.children_of(component)}
    assert {
        ("random:index/randomPassword:RandomPassword", f"{case.name}-token"),
        ("kubernetes:core/v1:Secret", f"{case.name}-token-secret"),
        ("kubernetes:core/v1:ConfigMap", f"{case.name}-verifier-script"),
        ("kubernetes:core/v1:Secret", f"{case.name}-verifier-secret"),
        (DEPLOYMENT, f"{case.name}-verifier"),
        ("kubernetes:core/v1:Service", f"{case.name}-verifier-service"),
        ("kubernetes:policy/v1:PodDisruptionBudget", f"{case.name}-verifier-pdb"),
        ("kubernetes:argoproj.io/v1alpha1:EventSource", f"{case.name}-eventsource"),
        ("kubernetes:networking.k8s.io/v1:Ingress", f"{case.name}-ingress"),
    } <= children
    assert not any(name.endswith("path-token") for _, name in children)
    assert run.of_type("kubernetes:networking.k8s.io/v1:NetworkPolicy") == []  # opt-in


def test_deployment_is_hardened_and_runs_the_script_with_plain_settings(case: Case) -> None:
    run, _ = default_run(case)
    objects = verifier_objects(run, case.name)
    deployment = objects["deployment"]
    meta = deployment["metadata"]
    assert meta["name"] == f"{case.name}-verifier" and meta["namespace"] == "argo-events"
    assert meta["labels"]["metaflow-blueprints/component"] == "verifier"
    assert meta["labels"]["metaflow-blueprints/instance"] == case.name
    assert meta["annotations"] == {"metaflow-blueprints/verifies": case.name}
    spec = deployment["spec"]
    assert spec["replicas"] == 2
    selector = spec["selector"]["matchLabels"]
    assert selector == {"metaflow-blueprints/instance": case.name, "metaflow-blueprints/component": "verifier"}
    template = spec["template"]
    assert selector.items() <= template["metadata"]["labels"].items()
    pod = template["spec"]
    assert pod["automountServiceAccountToken"] is False
    assert pod["securityContext"] == {
        "runAsNonRoot": True,
        "runAsUser": 65532,
        "runAsGroup": 65532,
        "fsGroup": 65532,
        "seccompProfile": {"type": "RuntimeDefault"},
    }
    (container,) = pod["containers"]
    assert container["name"] == "verifier"
    assert container["image"] == "python:3.12-slim"
    assert container["command"] == ["python", f"/app/{SCRIPT_NAME}"]
    security = container["securityContext"]
    assert security["readOnlyRootFilesystem"] is True and security["allowPrivilegeEscalation"] is False
    assert security["capabilities"] == {"drop": ["ALL"]} and security["runAsNonRoot"] is True
    assert security["seccompProfile"] == {"type": "RuntimeDefault"}
    assert set(container["resources"]) == {"requests", "limits"}
    assert container["livenessProbe"]["httpGet"] == {"path": "/healthz", "port": "http"}
    assert container["readinessProbe"]["httpGet"] == {"path": "/readyz", "port": "http"}
    assert container["ports"] == [{"name": "http", "containerPort": 8080, "protocol": "TCP"}]
    env = {item["name"]: item["value"] for item in container["env"]}
    assert all(set(item) == {"name", "value"} for item in container["env"])  # plain values, no secretKeyRef
    assert env == {
        "VERIFIER_PORT": "8080",
        "VERIFIER_PATH": f"/{case.name}",
        **case.preset,
        "VERIFIER_SECRET_FILE": "/var/run/verifier/signing-secret",
        "VERIFIER_UPSTREAM_URL": f"http://{case.name}-eventsource-svc.argo-events.svc:12000/{case.name}",
        "VERIFIER_UPSTREAM_TOKEN_FILE": "/var/run/verifier/upstream-token",
        "VERIFIER_SHUTDOWN_GRACE_SECONDS": "20",
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
    }
    # The grace period covers the preStop pause plus the server's shutdown grace.
    pause = int(container["lifecycle"]["preStop"]["exec"]["command"][1])
    assert pod["terminationGracePeriodSeconds"] >= pause + int(env["VERIFIER_SHUTDOWN_GRACE_SECONDS"])
    mounts = {m["name"]: m for m in container["volumeMounts"]}
    assert mounts["script"] == {"name": "script", "mountPath": "/app", "readOnly": True}
    assert mounts["secrets"] == {"name": "secrets", "mountPath": "/var/run/verifier", "readOnly": True}
    assert mounts["tmp"]["mountPath"] == "/tmp"
    volumes = {v["name"]: v for v in pod["volumes"]}
    assert volumes["script"]["configMap"]["name"] == f"{case.name}-verifier"
    sources = [s["secret"] for s in volumes["secrets"]["projected"]["sources"]]
    assert sources == [
        {"name": f"{case.name}-verifier", "items": [{"key": "signing-secret", "path": "signing-secret"}]},
        {"name": f"{case.name}-webhook-token", "items": [{"key": "token", "path": "upstream-token"}]},
    ]
    assert "emptyDir" in volumes["tmp"]
    script = objects["config_map"]["data"][SCRIPT_NAME]
    assert script == source()
    assert (
        template["metadata"]["annotations"]["metaflow-blueprints/script-sha256"]
        == hashlib.sha256(script.encode()).hexdigest()
    )


def test_service_budget_and_ingress_route_to_the_verifier(case: Case) -> None:
    run, _ = default_run(case)
    objects = verifier_objects(run, case.name)
    selector = {"metaflow-blueprints/instance": case.name, "metaflow-blueprints/component": "verifier"}
    service = objects["service"]["spec"]
    assert service["selector"] == selector
    assert service["ports"] == [{"name": "http", "port": 80, "targetPort": "http", "protocol": "TCP"}]
    assert objects["pdb"]["spec"] == {"minAvailable": 1, "selector": {"matchLabels": selector}}
    (path,) = run.named(f"{case.name}-ingress").plain_inputs["spec"]["rules"][0]["http"]["paths"]
    assert path == {
        "path": f"/{case.name}",
        "pathType": "Exact",
        "backend": {"service": {"name": f"{case.name}-verifier", "port": {"number": 80}}},
    }


def test_event_source_is_in_bearer_mode_and_holds_no_secret(case: Case) -> None:
    run, trigger = default_run(case)
    (item,) = run.custom_resources("EventSource")
    assert strings_outside_secrets(item.inputs) and not _has_secret(item.inputs)
    resource = item.plain_inputs
    assert_valid_argo("EventSource", resource)
    (route,) = resource["spec"]["webhook"].values()
    assert route["endpoint"] == f"/{case.name}"
    assert route["authSecret"] == {"name": f"{case.name}-webhook-token", "key": "token"}
    url, secret = resolved(trigger.url)
    assert (url, secret) == (f"https://hooks.example.com/{case.name}", False)
    if case.component is DbtCloudJobTrigger:  # dbt Cloud posts to the plain URL, signing with its hmac_secret
        webhook = run.named(f"{case.name}-dbt-webhook")
        assert webhook.inputs["clientUrl"] == url and not is_secret(webhook.inputs["clientUrl"])


def _has_secret(value: Any) -> bool:
    if is_secret(value):
        return True
    if isinstance(value, dict):
        return any(_has_secret(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_secret(v) for v in value)
    return False


def test_signing_secret_and_token_live_only_in_pulumi_secrets(case: Case) -> None:
    run, _ = default_run(case)
    token = f"placeholder-token-for-{case.name}-token"
    for value in (token, case.signing_value):
        leaks = [(r.name, s) for r in run.registrations for s in strings_outside_secrets(r.inputs) if value in s]
        assert leaks == [], value
    signing = run.named(f"{case.name}-verifier-secret")
    data = signing.inputs["stringData"]
    assert is_secret(data) or is_secret(data["signing-secret"])
    assert reveal(signing.inputs["stringData"]) == {"signing-secret": case.signing_value}
    assert reveal(run.named(f"{case.name}-token-secret").inputs["stringData"]) == {"token": token}


def test_preview_shows_the_event_source_whole_and_every_object_validates(case: Case) -> None:
    run, _ = case.run(verifier={"network_policy": True})
    documents = list(yaml.safe_load_all(export.manifests_yaml(run)))
    kinds = [d["kind"] for d in documents]
    for kind in ("ConfigMap", "Deployment", "Service", "PodDisruptionBudget", "NetworkPolicy", "EventSource"):
        assert kind in kinds, kind
    (event_source,) = (d for d in documents if d["kind"] == "EventSource")
    assert "[secret]" not in json.dumps(event_source)
    for document in documents:
        if document["apiVersion"].startswith("argoproj.io/"):
            continue
        kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)
    (policy,) = (d for d in documents if d["kind"] == "NetworkPolicy")
    # Argo Events v1.9.11 labels an EventSource's pods `controller: eventsource-controller` and
    # `eventsource-name: <name>` (pkg/reconciler/eventsource/controller.go).
    assert policy["spec"] == {
        "podSelector": {"matchLabels": {"controller": "eventsource-controller", "eventsource-name": case.name}},
        "policyTypes": ["Ingress"],
        "ingress": [
            {
                "from": [
                    {
                        "podSelector": {
                            "matchLabels": {
                                "metaflow-blueprints/instance": case.name,
                                "metaflow-blueprints/component": "verifier",
                            }
                        }
                    }
                ],
                "ports": [{"port": 12000, "protocol": "TCP"}],
            }
        ],
    }


def test_verifier_options_reach_the_deployment() -> None:
    image = "registry.example.com/python:3.12-slim@sha256:" + "0f" * 32
    run, _ = CASES["fivetran"].run(
        verifier={
            "image": image,
            "replicas": 1,
            "resources": {"requests": {"cpu": "100m", "memory": "96Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}},
        }
    )
    spec = run.named("syncs-verifier").plain_inputs["spec"]
    (container,) = spec["template"]["spec"]["containers"]
    assert spec["replicas"] == 1 and container["image"] == image
    assert container["resources"] == {
        "requests": {"cpu": "100m", "memory": "96Mi"},
        "limits": {"cpu": "1", "memory": "1Gi"},
    }
    assert run.of_type("kubernetes:policy/v1:PodDisruptionBudget") == []  # one replica: a budget would block drains


def test_generic_signature_with_an_existing_secret_mounts_it_and_generates_nothing() -> None:
    signature = {**SIGNATURE, "algorithm": "sha512", "encoding": "base64", "secret_name": "hook-keys"}
    run, trigger = CASES["generic"].run(signature={**signature, "secret_key": "orders"})
    names = {r.name for r in run.registrations}
    assert "orders-signing-secret" not in names and "orders-verifier-secret" not in names
    pod = run.named("orders-verifier").plain_inputs["spec"]["template"]["spec"]
    (volume,) = (v for v in pod["volumes"] if v["name"] == "secrets")
    assert volume["projected"]["sources"][0]["secret"] == {
        "name": "hook-keys",
        "items": [{"key": "orders", "path": "signing-secret"}],
    }
    env = {item["name"]: item["value"] for item in pod["containers"][0]["env"]}
    assert env["VERIFIER_SIGNATURE_ALGORITHM"] == "sha512" and env["VERIFIER_SIGNATURE_ENCODING"] == "base64"
    assert resolved(trigger.signing_secret) == ("", True)


def test_generic_bearer_mode_is_unchanged() -> None:
    run, trigger = CASES["generic"].run(signature=None)
    assert run.of_type(DEPLOYMENT) == [] and run.of_type("kubernetes:core/v1:ConfigMap") == []
    (path,) = run.named("orders-ingress").plain_inputs["spec"]["rules"][0]["http"]["paths"]
    assert path["backend"]["service"] == {"name": "orders-eventsource-svc", "port": {"number": 12000}}
    assert resolved(trigger.signing_secret) == ("", True)


@pytest.mark.parametrize("key", ["dbt", "fivetran"])
def test_secret_path_opt_out_deploys_no_verifier(key: str) -> None:
    case = CASES[key]
    run, trigger = case.run(auth="secret-path")
    assert run.of_type(DEPLOYMENT) == [] and run.of_type("kubernetes:core/v1:ConfigMap") == []
    assert run.named(f"{case.name}-path-token") is not None
    (item,) = run.custom_resources("EventSource")
    (route,) = item.plain_inputs["spec"]["webhook"].values()
    assert "authSecret" not in route and route["endpoint"].startswith(f"/{case.name}/placeholder-token-for-")
    url, secret = resolved(trigger.url)
    assert secret and url.startswith(f"https://hooks.example.com/{case.name}/")


BAD = [
    ("generic", {"signature": {"prefix": "sha256="}}, "signature.header"),
    ("generic", {"signature": {"header": "X Sig"}}, "signature.header"),
    ("generic", {"signature": {"header": "X-Sig", "prefix": "sha\n256="}}, "signature.prefix"),
    ("generic", {"signature": {"header": "X-Sig", "algorithm": "md5"}}, "signature.algorithm"),
    ("generic", {"signature": {"header": "X-Sig", "encoding": "base32"}}, "signature.encoding"),
    ("generic", {"signature": {"header": "X-Sig", "secret_key": "k"}}, "signature.secret_key"),
    ("generic", {"signature": {"header": "X-Sig", "secret_name": "Not_A_Name"}}, "signature.secret_name"),
    ("generic", {"signature": {"header": "X-Sig"}, "auth": "bearer"}, "auth"),
    ("generic", {"auth": "signature", "signature": None}, "signature"),
    ("generic", {"signature": None, "verifier": {"replicas": 2}}, "verifier"),
    ("fivetran", {"verifier": {"image": "Python:3.12 slim"}}, "verifier.image"),
    ("fivetran", {"verifier": {"image": "python@sha256:abc"}}, "verifier.image"),
    ("fivetran", {"verifier": {"replicas": 0}}, "verifier.replicas"),
    ("fivetran", {"verifier": {"replicas": float("inf")}}, "verifier.replicas"),
    ("fivetran", {"verifier": {"network_policy": "yes"}}, "verifier.network_policy"),
    ("fivetran", {"verifier": {"resources": {"requests": {"cpu": "lots"}}}}, "verifier.resources.requests.cpu"),
    ("fivetran", {"verifier": {"resources": {"requests": {"gpu": "1"}}}}, "verifier.resources.requests.gpu"),
    ("fivetran", {"verifier": {"resources": {"limits": {"memory": "32Mi"}}}}, "verifier.resources.requests.memory"),
    ("fivetran", {"verifier": {"replica": 2}}, "verifier.replica"),
    ("fivetran", {"auth": "bearer"}, "auth"),
    ("dbt", {"auth": "secret-path", "verifier": {"replicas": 3}}, "verifier"),
]


def test_a_blueprint_named_like_a_verifier_probe_is_refused() -> None:
    case = CASES["generic"]
    args = case.args()
    run, error = rejected(lambda: case.component("healthz", args))
    assert error.argument == "name" and run.registrations == []


@pytest.mark.parametrize(("key", "overrides", "argument"), BAD)
def test_bad_verifier_input_is_one_error_and_registers_nothing(
    key: str, overrides: dict[str, Any], argument: str
) -> None:
    case = CASES[key]
    args = case.args(**overrides)
    run, error = rejected(lambda: case.component(case.name, args))
    assert error.argument == argument, str(error)
    assert run.of_type(DEPLOYMENT) == [] and run.custom_resources("EventSource") == []


# -- the rendered Deployment's settings running the ConfigMap's script for real ----------------------------------


@dataclass
class Stub:
    server: ThreadingHTTPServer
    received: list[tuple[str, dict[str, str], bytes]] = field(default_factory=list[tuple[str, dict[str, str], bytes]])


@pytest.fixture
def stub() -> Iterator[Stub]:
    holder: list[Stub] = []

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            holder[0].received.append((self.path, dict(self.headers.items()), body))
            self.send_response(200)
            self.send_header("Content-Length", "7")
            self.end_headers()
            self.wfile.write(b"success")

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    holder.append(Stub(server))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield holder[0]
    server.shutdown()
    server.server_close()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _post(port: int, path: str, body: bytes, headers: dict[str, str]) -> int:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("POST", path, body=body, headers={"Content-Type": "application/json", **headers})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def _ready(port: int, process: subprocess.Popen[bytes]) -> None:
    """Wait (bounded) until `/readyz` answers 200."""
    for _ in range(200):
        assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/readyz")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        threading.Event().wait(0.05)
    raise AssertionError("the verifier never became ready")


@pytest.mark.parametrize("key", sorted(CASES))
def test_the_rendered_settings_run_the_script_and_forward_a_signed_request(
    key: str, stub: Stub, tmp_path: Path
) -> None:
    case = CASES[key]
    run, _ = default_run(case)
    container = run.named(f"{case.name}-verifier").plain_inputs["spec"]["template"]["spec"]["containers"][0]
    script = run.named(f"{case.name}-verifier-script").plain_inputs["data"][SCRIPT_NAME]
    signing = reveal(run.named(f"{case.name}-verifier-secret").inputs["stringData"])["signing-secret"]
    token = reveal(run.named(f"{case.name}-token-secret").inputs["stringData"])["token"]
    # The pod's files, under a temporary directory: the script, and the projected Secret volume's two files.
    mounts = {m["name"]: m["mountPath"] for m in container["volumeMounts"]}
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / SCRIPT_NAME).write_text(script)
    (tmp_path / "secrets").mkdir()
    (tmp_path / "secrets" / "signing-secret").write_text(signing)
    (tmp_path / "secrets" / "upstream-token").write_text(token)
    env = {item["name"]: item["value"] for item in container["env"]}
    for name in ("VERIFIER_SECRET_FILE", "VERIFIER_UPSTREAM_TOKEN_FILE"):
        env[name] = env[name].replace(mounts["secrets"], str(tmp_path / "secrets"))
    upstream_path = env["VERIFIER_UPSTREAM_URL"].split(":12000", 1)[1]
    env["VERIFIER_UPSTREAM_URL"] = f"http://127.0.0.1:{stub.server.server_address[1]}{upstream_path}"
    port = _free_port()
    env |= {"VERIFIER_PORT": str(port), "VERIFIER_BIND_ADDRESS": "127.0.0.1"}
    Config.from_env(env)  # the server accepts the rendered settings
    command = [sys.executable, *container["command"][1:]]
    command[1] = command[1].replace(mounts["script"], str(tmp_path / "app"))
    process = subprocess.Popen(
        command, env={**env, "PATH": os.environ.get("PATH", "")}, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    try:
        _ready(port, process)
        body = b'{"event": "sync_end", "data": {"status": "SUCCESSFUL"}}'
        digest = hmac.new(signing.encode(), body, hashlib.sha256).hexdigest()
        header, prefix = {
            "dbt": ("Authorization", ""),
            "fivetran": ("X-Fivetran-Signature-256", ""),
            "generic": ("X-Hub-Signature-256", "sha256="),
        }[key]
        path = env["VERIFIER_PATH"]
        assert _post(port, path, body, {header: prefix + "0" * 64}) == 401
        assert stub.received == []
        assert _post(port, path, body, {header: prefix + digest, "X-Request-Id": "req-7"}) == 200
        ((received_path, headers, received_body),) = stub.received
        assert received_path == upstream_path == f"/{case.name}"
        assert received_body == body
        assert headers["Authorization"] == f"Bearer {token}"
        assert headers["X-Request-Id"] == "req-7"
    finally:
        process.terminate()
        process.wait(timeout=30)
