"""`simulate` and `replay` model the signature-verifying receiver fronting a webhook EventSource.

The programs here register a WebhookTrigger and, beside it, a verifier Deployment as the webhook blueprints wire one
(`<base>-verifier`, annotated `metaflow-blueprints/verifies: <EventSource>`, container `verifier`, VERIFIER_* env).
Valid signatures are computed here with `hmac` over the event file's exact bytes.
"""

import hashlib
import hmac
import json
import textwrap
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

import pulumi_kubernetes as k8s
import pytest

from pulumi_metaflow_blueprints.cli import main
from pulumi_metaflow_blueprints.offline import ProgramRun, run_program
from pulumi_metaflow_blueprints.simulate import SampleEvent, Simulation, simulate
from pulumi_metaflow_blueprints.simulate.verifier import CONTAINER, SENDER_ADDRESS, VERIFIES_ANNOTATION
from pulumi_metaflow_blueprints.webhooks import WebhookTrigger, verifying
from pulumi_metaflow_blueprints.webhooks.package import MASKED_AUTHORIZATION
from tests.helpers import EVENTS, run_cli

SECRET = b"whsec-7f3a"
UPSTREAM = "http://orders-eventsource-svc.argo-events.svc:12000/orders"
BASE_ENV = {
    "VERIFIER_SECRET_FILE": "/etc/verifier/signing/secret",
    "VERIFIER_UPSTREAM_URL": UPSTREAM,
    "VERIFIER_UPSTREAM_TOKEN_FILE": "/etc/verifier/upstream/token",
}
BODY = b'{\r\n  "kind": "daily",\r\n  "order": {"id": 42}\r\n}\r\n'
"""A body whose bytes differ from any re-serialisation of its JSON (CRLF, spacing): signatures cover these bytes."""
HEADERS = {"github": "X-Hub-Signature-256", "dbt-cloud": "Authorization", "fivetran": "X-Fivetran-Signature-256"}


def sign(body: bytes, preset: str = "github", secret: bytes = SECRET) -> str:
    """The signature header value each vendor sends (docs cited in webhooks/verifier/server.py)."""
    digest = hmac.new(secret, body, hashlib.sha256).hexdigest()
    return {"github": f"sha256={digest}", "dbt-cloud": digest, "fivetran": digest.upper()}[preset]


def verifier_deployment(env: dict[str, str], *extra: dict[str, Any], name: str = "orders-verifier") -> None:
    """The verifier Deployment fronting EventSource `orders`: ``env`` as plain values, then ``extra`` entries."""
    container: dict[str, Any] = {
        "name": "verifier",
        "image": "python:3.12-slim",
        "command": ["python", "/app/verifier.py"],
        "env": [*({"name": k, "value": v} for k, v in env.items()), *extra],
    }
    spec: dict[str, Any] = {
        "selector": {"matchLabels": {"app": name}},
        "template": {"metadata": {"labels": {"app": name}}, "spec": {"containers": [container]}},
    }
    annotations = {VERIFIES_ANNOTATION: "orders"}
    k8s.apps.v1.Deployment(
        name,
        metadata={"name": name, "namespace": "argo-events", "annotations": annotations},
        spec=cast("k8s.apps.v1.DeploymentSpecArgsDict", spec),
    )


def orders_trigger() -> None:
    WebhookTrigger(
        "orders",
        {
            "kubernetes": {"namespace": "argo-events", "workflow_namespace": "jobs"},
            "targets": [
                {
                    "flow": {
                        "flow": "OrdersFlow",
                        "parameters": {"order_id": "body.order.id", "request_id": "header.X-Request-Id"},
                    }
                }
            ],
            "filters": [{"field": "body.kind", "equals": ["daily"]}],
        },
    )


def program_run(env: dict[str, str] | None, build: Callable[[], None] | None = None) -> ProgramRun:
    def program() -> None:
        orders_trigger()
        if env is not None:
            verifier_deployment(env)
        if build is not None:
            build()

    return run_program(program)


RUNS: dict[str, ProgramRun] = {}


def fronted(preset: str = "github", **extra: str) -> ProgramRun:
    """The orders program fronted by a verifier with ``preset`` (runs cached per configuration)."""
    env = {"VERIFIER_PRESET": preset, **BASE_ENV, **extra}
    key = json.dumps(env, sort_keys=True)
    if key not in RUNS:
        RUNS[key] = program_run(env)
    return RUNS[key]


def sample(body: bytes = BODY, secret: bytes | None = None, **headers: str) -> SampleEvent:
    text = body.decode()
    return SampleEvent(
        json.loads(text), text, headers={k.replace("_", "-"): v for k, v in headers.items()}, signing_secret=secret
    )


def one(simulation: Simulation) -> Any:
    (sensor,) = simulation.sensors
    return sensor


# -- the three outcomes, through the API ---------------------------------------------------------------------------


def test_a_sample_without_the_signature_header_is_rejected_before_argo_and_nothing_else_is_evaluated() -> None:
    result = simulate(fronted(), sample(X_Request_Id="req-7"))
    sensor = one(result)
    assert (result.verdict, result.exit_code) == ("not-triggered", 1)
    assert sensor.reason == "rejected before Argo: the verifier answers 401 (no X-Hub-Signature-256 header)"
    assert (sensor.verifier.deployment, sensor.verifier.namespace) == ("orders-verifier", "argo-events")
    assert (sensor.verifier.preset, sensor.verifier.header) == ("github", "X-Hub-Signature-256")
    assert (sensor.verifier.outcome, sensor.verifier.status) == ("rejected", 401)
    assert (sensor.event, sensor.source_filter, sensor.dependencies, sensor.triggers) == (None, None, (), ())
    assert sensor.event_source == "orders"


def test_a_valid_signature_with_the_secret_is_verified_and_the_event_carries_what_the_verifier_forwards() -> None:
    result = simulate(fronted(), sample(secret=SECRET, X_Hub_Signature_256=sign(BODY), X_Request_Id="req-7"))
    sensor = one(result)
    assert (result.verdict, result.exit_code) == ("triggered", 0)
    assert (sensor.verifier.outcome, sensor.verifier.status) == ("verified", None)
    # The verifier drops the signature header, replaces Authorization with the bearer token (which the EventSource
    # masks) and appends its client to X-Forwarded-For; the Sensor's mapping of X-Request-Id still finds it.
    assert sensor.event["data"]["header"] == {
        "Authorization": [MASKED_AUTHORIZATION],
        "Content-Type": ["application/json"],
        "X-Forwarded-For": [SENDER_ADDRESS],
        "X-Request-Id": ["req-7"],
    }
    (trigger,) = sensor.triggers
    assert {name: value for name, value, _ in trigger.arguments} == {"order_id": '"42"', "request_id": '"req-7"'}
    assert "signature not checked offline: pass --signing-secret" not in sensor.notes


def test_a_signature_without_the_secret_continues_with_a_note() -> None:
    result = simulate(fronted(), sample(X_Hub_Signature_256=sign(BODY), X_Request_Id="req-7"))
    sensor = one(result)
    assert (result.verdict, sensor.verifier.outcome) == ("triggered", "not-checked")
    assert "signature not checked offline: pass --signing-secret" in sensor.notes
    assert "X-Hub-Signature-256" not in sensor.event["data"]["header"]


def test_a_body_modified_after_signing_is_rejected_and_only_the_exact_bytes_verify() -> None:
    signature = sign(BODY)
    modified = BODY.replace(b"42", b"43")
    reserialised = json.dumps(json.loads(BODY)).encode()  # the same JSON value, other bytes
    for body in (modified, reserialised):
        sensor = one(simulate(fronted(), sample(body, SECRET, X_Hub_Signature_256=signature)))
        assert (sensor.verdict, sensor.verifier.outcome, sensor.verifier.status) == ("not-triggered", "rejected", 401)
        assert sensor.reason == (
            "rejected before Argo: the verifier answers 401 (the X-Hub-Signature-256 signature is not the HMAC of "
            "the body under the signing secret)"
        )
    wrong_secret = one(simulate(fronted(), sample(BODY, b"other", X_Hub_Signature_256=signature)))
    assert wrong_secret.verifier.outcome == "rejected"


@pytest.mark.parametrize("preset", ["github", "dbt-cloud", "fivetran"])
def test_each_preset_checks_its_own_header_and_signature_form(preset: str) -> None:
    run = fronted(preset)
    header = HEADERS[preset]
    signed = {header.replace("-", "_"): sign(BODY, preset), "X_Request_Id": "req-7"}
    verified = one(simulate(run, sample(BODY, SECRET, **signed)))
    assert (verified.verdict, verified.verifier.outcome) == ("triggered", "verified")
    assert (verified.verifier.preset, verified.verifier.header) == (preset, header)
    assert header not in verified.event["data"]["header"] or header == "Authorization"
    assert verified.event["data"]["header"]["Authorization"] == [MASKED_AUTHORIZATION]  # the bearer token, masked
    missing = one(simulate(run, sample(BODY, SECRET)))
    assert missing.reason == f"rejected before Argo: the verifier answers 401 (no {header} header)"
    other = "fivetran" if preset != "fivetran" else "github"  # another vendor's header is not this preset's
    stray = one(simulate(run, sample(BODY, SECRET, **{HEADERS[other].replace("-", "_"): sign(BODY, other)})))
    assert (stray.verdict, stray.verifier.status) == ("not-triggered", 401)


def test_a_malformed_signature_is_rejected_even_without_the_secret() -> None:
    sensor = one(simulate(fronted(), sample(X_Hub_Signature_256=sign(BODY).removeprefix("sha256="))))
    assert (sensor.verdict, sensor.verifier.status) == ("not-triggered", 401)
    assert sensor.reason == (
        "rejected before Argo: the verifier answers 401 (the X-Hub-Signature-256 header is not one sha256 digest "
        "in hex after the prefix 'sha256=')"
    )


def test_a_body_over_the_verifiers_limit_is_rejected_with_413() -> None:
    run = fronted(VERIFIER_MAX_BODY_BYTES="16")
    sensor = one(simulate(run, sample(BODY, SECRET, X_Hub_Signature_256=sign(BODY))))
    assert (sensor.verdict, sensor.verifier.status) == ("not-triggered", 413)
    assert sensor.reason == (
        f"rejected before Argo: the verifier answers 413 (the body is {len(BODY)} bytes, over "
        "VERIFIER_MAX_BODY_BYTES 16)"
    )


def test_an_argo_event_is_past_the_verifier_and_a_secret_without_a_verifier_is_noted() -> None:
    argo = SampleEvent(
        {"header": {"X-Request-Id": ["req-7"]}, "body": {"kind": "daily", "order": {"id": 1}}}, "", "argo"
    )
    sensor = one(simulate(fronted(), argo))
    assert (sensor.verdict, sensor.verifier) == ("triggered", None)
    plain = one(simulate(program_run(None), sample(BODY, SECRET)))
    assert plain.verifier is None
    assert "the signing secret is not used: no verifier fronts EventSource 'orders'" in plain.notes


# -- a verifier wired wrong ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "reason"),
    [
        (
            {"VERIFIER_UPSTREAM_TOKEN_FILE": ""},
            "the verifier argo-events/orders-verifier forwards nowhere Argo accepts: VERIFIER_UPSTREAM_TOKEN_FILE is "
            "unset, so it sends no bearer token, and the EventSource (authSecret) answers 401",
        ),
        (
            {"VERIFIER_UPSTREAM_URL": UPSTREAM.removesuffix("/orders") + "/other"},
            "the verifier argo-events/orders-verifier forwards nowhere Argo accepts: VERIFIER_UPSTREAM_URL path "
            "'/other' is not the EventSource's endpoint '/orders'",
        ),
        (
            {"VERIFIER_UPSTREAM_URL": UPSTREAM.replace(":12000", "")},
            "the verifier argo-events/orders-verifier forwards nowhere Argo accepts: VERIFIER_UPSTREAM_URL port 80 "
            "is not the EventSource's port 12000",
        ),
        (
            {"VERIFIER_UPSTREAM_URL": UPSTREAM.replace("orders-eventsource", "billing-eventsource")},
            f"the verifier argo-events/orders-verifier forwards nowhere Argo accepts: VERIFIER_UPSTREAM_URL "
            f"{UPSTREAM.replace('orders-eventsource', 'billing-eventsource')!r} is not the EventSource's Service "
            "orders-eventsource-svc.argo-events",
        ),
        (
            {"VERIFIER_PRESET": "stripe"},
            "the verifier argo-events/orders-verifier cannot start: VERIFIER_PRESET must be one of dbt-cloud, "
            "fivetran, github",
        ),
    ],
)
def test_a_verifier_that_cannot_deliver_is_mis_wired(extra: dict[str, str], reason: str) -> None:
    result = simulate(fronted(**extra), sample(BODY, SECRET, X_Hub_Signature_256=sign(BODY)))
    sensor = one(result)
    assert (result.verdict, result.exit_code, sensor.verifier.outcome) == ("mis-wired", 3, "broken")
    assert sensor.reason == reason
    assert sensor.triggers == ()


def test_settings_from_value_from_are_not_read_offline() -> None:
    def build() -> None:
        preset = {"name": "VERIFIER_PRESET", "valueFrom": {"configMapKeyRef": {"name": "settings", "key": "preset"}}}
        verifier_deployment(BASE_ENV, preset)

    result = simulate(program_run(None, build), sample(BODY, SECRET, X_Hub_Signature_256=sign(BODY)))
    sensor = one(result)
    assert (result.verdict, result.exit_code, sensor.verifier.outcome) == ("unsupported", 4, "unsupported")
    assert sensor.reason == (
        "verifier argo-events/orders-verifier: VERIFIER_PRESET is set from valueFrom, which is not read offline"
    )


# -- the command line ------------------------------------------------------------------------------------------------

PROGRAM = textwrap.dedent(
    """\
    import json

    import pulumi_kubernetes as k8s

    from pulumi_metaflow_blueprints.webhooks import WebhookTrigger, verifying

    WebhookTrigger(
        "orders",
        {
            "kubernetes": {"namespace": "argo-events", "workflow_namespace": "jobs"},
            "targets": [{"flow": {"flow": "OrdersFlow", "parameters": {"order_id": "body.order.id"}}}],
        },
    )
    k8s.apps.v1.Deployment(
        "orders-verifier",
        metadata={
            "name": "orders-verifier",
            "namespace": "argo-events",
            "annotations": {"metaflow-blueprints/verifies": "orders"},
        },
        spec={
            "selector": {"matchLabels": {"app": "orders-verifier"}},
            "template": {
                "metadata": {"labels": {"app": "orders-verifier"}},
                "spec": {"containers": [{"name": "verifier", "image": "python:3.12-slim", "env": ENV}]},
            },
        },
    )
    """
)


@pytest.fixture(scope="module")
def program_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("verified-orders")
    (folder / "Pulumi.yaml").write_text("name: verified-orders\nruntime: python\n")
    env = [{"name": k, "value": v} for k, v in {"VERIFIER_PRESET": "dbt-cloud", **BASE_ENV}.items()]
    (folder / "__main__.py").write_text(PROGRAM.replace("ENV", repr(env)))
    return folder


@pytest.fixture
def event_file(tmp_path: Path) -> Path:
    path = tmp_path / "run-succeeded.json"
    path.write_bytes(BODY)
    return path


def test_cli_rejects_a_sample_without_the_signature_header_with_exit_1(
    capsys: pytest.CaptureFixture[str], program_dir: Path, event_file: Path
) -> None:
    code, out, _ = run_cli(capsys, "simulate", program_dir, "--event", event_file)
    assert code == 1
    assert (
        "  Verifier Deployment argo-events/orders-verifier (preset dbt-cloud, header Authorization): REJECTED 401 - "
        "rejected before Argo: the verifier answers 401 (no Authorization header)"
    ) in out.splitlines()
    assert "  Trigger " not in out and "  Dependency " not in out
    assert out.endswith("Result: not-triggered (exit 1)\n")
    code, out, _ = run_cli(capsys, "simulate", program_dir, "--event", event_file, "--json")
    report = json.loads(out)
    assert (code, report["verdict"], report["exit_code"]) == (1, "not-triggered", 1)
    (sensor,) = report["sensors"]
    assert sensor["verifier"] == {
        "deployment": "orders-verifier",
        "namespace": "argo-events",
        "preset": "dbt-cloud",
        "header": "Authorization",
        "outcome": "rejected",
        "status": 401,
        "reason": "rejected before Argo: the verifier answers 401 (no Authorization header)",
    }
    assert (sensor["event"], sensor["triggers"], sensor["dependencies"]) == (None, [], [])


def test_cli_verifies_the_event_files_exact_bytes_with_the_signing_secret(
    capsys: pytest.CaptureFixture[str], program_dir: Path, event_file: Path, tmp_path: Path
) -> None:
    header = f"Authorization:{sign(BODY, 'dbt-cloud')}"
    code, out, _ = run_cli(
        capsys,
        "simulate",
        program_dir,
        "--event",
        event_file,
        "--header",
        header,
        "--signing-secret",
        SECRET.decode(),
        "--json",
    )
    (sensor,) = json.loads(out)["sensors"]
    assert (code, sensor["verdict"], sensor["verifier"]["outcome"]) == (0, "triggered", "verified")
    assert sensor["event"]["data"]["header"]["Authorization"] == [MASKED_AUTHORIZATION]
    assert SECRET.decode() not in out and sign(BODY, "dbt-cloud") not in out  # neither secret nor signature shown
    secret_file = tmp_path / "secret"
    secret_file.write_bytes(SECRET + b"\n")  # as `kubectl get secret ... | base64 -d > secret` often leaves it
    code, out, _ = run_cli(
        capsys, "simulate", program_dir, "--event", event_file, "--header", header, "--signing-secret-file", secret_file
    )
    assert code == 0
    assert "(preset dbt-cloud, header Authorization): verified - " in out
    code, out, _ = run_cli(capsys, "simulate", program_dir, "--event", event_file, "--header", header)
    assert code == 0
    assert "  note: signature not checked offline: pass --signing-secret" in out.splitlines()
    assert "(preset dbt-cloud, header Authorization): not checked - " in out
    event_file.write_bytes(BODY.replace(b"daily", b"hourly"))
    code, out, _ = run_cli(
        capsys, "simulate", program_dir, "--event", event_file, "--header", header, "--signing-secret", SECRET.decode()
    )
    assert code == 1
    assert "REJECTED 401 - rejected before Argo: the verifier answers 401 (the Authorization signature" in out


def test_cli_signing_secret_errors_are_usage_errors(
    capsys: pytest.CaptureFixture[str], program_dir: Path, event_file: Path, tmp_path: Path
) -> None:
    missing = tmp_path / "absent"
    code, _, err = run_cli(capsys, "simulate", program_dir, "--event", event_file, "--signing-secret-file", missing)
    assert (code, err) == (
        2,
        f"error: --signing-secret-file {str(missing)!r}: cannot read it: No such file or directory\n",
    )
    empty = tmp_path / "empty"
    empty.write_text("\n")
    code, _, err = run_cli(capsys, "simulate", program_dir, "--event", event_file, "--signing-secret-file", empty)
    assert (code, err) == (2, f"error: --signing-secret-file {str(empty)!r} is empty\n")
    with pytest.raises(SystemExit) as exited:
        main(
            [
                "simulate",
                str(program_dir),
                "--event",
                str(event_file),
                "--signing-secret",
                "a",
                "--signing-secret-file",
                str(empty),
            ]
        )
    assert exited.value.code == 2
    assert "not allowed with argument" in capsys.readouterr().err


def test_replay_refuses_an_unverified_sample_the_same_way_and_replays_a_verified_one(
    capsys: pytest.CaptureFixture[str], program_dir: Path, event_file: Path
) -> None:
    code, out, err = run_cli(capsys, "replay", program_dir, "--event", event_file)
    assert (code, out) == (1, "")
    assert err == (
        "replay: Sensor argo-events/orders-sensor drops the event: rejected before Argo: the verifier answers 401 "
        "(no Authorization header)\n"
    )
    header = f"Authorization:{sign(BODY, 'dbt-cloud')}"
    code, out, err = run_cli(
        capsys, "replay", program_dir, "--event", event_file, "--header", header, "--signing-secret", "wrong"
    )
    assert (code, out) == (1, "")
    assert "rejected before Argo: the verifier answers 401 (the Authorization signature is not the HMAC" in err
    code, out, err = run_cli(
        capsys, "replay", program_dir, "--event", event_file, "--header", header, "--signing-secret", SECRET.decode()
    )
    assert code == 0
    assert "kind: Workflow" in out


# -- the examples, as the webhook blueprints wire their verifier ---------------------------------------------------

EXAMPLES = Path(__file__).parent.parent / "examples"


def test_simulate_reads_the_annotation_and_container_the_blueprints_write() -> None:
    assert (VERIFIES_ANNOTATION, CONTAINER) == (verifying.VERIFIES_ANNOTATION, "verifier")


def test_the_dbt_cloud_example_is_fronted_by_its_verifier(capsys: pytest.CaptureFixture[str]) -> None:
    event = EVENTS / "dbt-cloud-job-run-completed.webhook.json"
    example = EXAMPLES / "dbt-cloud-to-flow"
    code, out, _ = run_cli(capsys, "simulate", example, "--event", event, "--json")
    (sensor,) = json.loads(out)["sensors"]
    assert (code, sensor["verdict"]) == (1, "not-triggered")
    assert sensor["verifier"] == {
        "deployment": "dbt-nightly-verifier",
        "namespace": "argo-events",
        "preset": "dbt-cloud",
        "header": "Authorization",
        "outcome": "rejected",
        "status": 401,
        "reason": "rejected before Argo: the verifier answers 401 (no Authorization header)",
    }
    signature = hmac.new(SECRET, event.read_bytes(), hashlib.sha256).hexdigest()
    signed = ("--event", event, "--header", f"Authorization:{signature}")
    code, out, _ = run_cli(capsys, "simulate", example, *signed, "--signing-secret", SECRET.decode(), "--json")
    (sensor,) = json.loads(out)["sensors"]
    assert (code, sensor["verdict"], sensor["verifier"]["outcome"]) == (0, "triggered", "verified")
    assert sensor["event"]["data"]["header"]["Authorization"] == [MASKED_AUTHORIZATION]
    arguments = {a["name"]: a["value"] for a in sensor["triggers"][0]["arguments"]}
    assert arguments["dbt_run_id"] == '"2342"'
    code, out, _ = run_cli(capsys, "simulate", example, *signed, "--signing-secret", "not-the-secret")
    assert code == 1
    code, out, err = run_cli(capsys, "replay", example, *signed)  # not checked without the secret: replayed
    assert (code, err) == (0, "")
    assert "kind: Workflow" in out
