"""Shared test helpers: run a program under the offline mocks and read what it registered."""

import functools
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from pulumi.output import Unknown

from pulumi_metaflow_blueprints.cli import main
from pulumi_metaflow_blueprints.offline import ProgramRun, run_program_dir
from pulumi_metaflow_blueprints.offline.runner import reveal

if TYPE_CHECKING:
    from pulumi_metaflow_blueprints.simulate import SampleEvent

EXAMPLES_DIR = Path(__file__).parent.parent / "examples"
DATA = Path(__file__).parent / "data"
EVENTS = DATA / "events"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
OIDC = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"


def sample(name: str) -> Any:
    """A sample payload from tests/data/events."""
    return json.loads((EVENTS / name).read_text())


def as_dict(value: object) -> dict[str, Any]:
    """``value``, asserted to be a dict (a JSON object), for reading in assertions."""
    assert isinstance(value, dict), f"expected a JSON object, not {type(value).__name__}"
    return value


def as_list(value: object) -> list[Any]:
    """``value``, asserted to be a list (a JSON array), for reading in assertions."""
    assert isinstance(value, list), f"expected a JSON array, not {type(value).__name__}"
    return value


def spec_of(run: ProgramRun, kind: str) -> dict[str, Any]:
    """The spec of the only custom resource of ``kind``."""
    (item,) = run.custom_resources(kind)
    return reveal(item.inputs)["spec"]


def policy(value: Any) -> dict[str, Any]:
    """A policy input (a JSON string, perhaps wrapped as a secret) parsed."""
    return json.loads(reveal(value))


def contains_unknown(value: Any) -> bool:
    """Whether a wire-form value holds an unknown anywhere."""
    if isinstance(value, dict):
        return any(contains_unknown(v) for v in value.values())
    if isinstance(value, list):
        return any(contains_unknown(v) for v in value)
    return value == UNKNOWN or isinstance(value, Unknown)


def sqs_event(body: Any, message_id: str = "2d5c3a8e-0000-4000-8000-000000000001") -> dict[str, Any]:
    """Argo's event data for an SQS message with `jsonBody: true`."""
    return {"messageId": message_id, "messageAttributes": {}, "body": body, "metadata": {}}


def pubsub_event(message: dict[str, Any], json_body: bool = True) -> dict[str, Any]:
    """Argo's event data for a Pub/Sub message (`data` shown decoded): `{id, body, attributes, publishTime, metadata}`.

    With `jsonBody` the body is the data's JSON value; without it, the bytes, which Go's JSON encoding writes as
    base64. `publishTime` is Go's `time.Time.String()` of the publish time.
    """
    import base64
    from datetime import datetime

    data = message.get("data")
    body = data if json_body else base64.b64encode(json.dumps(data).encode()).decode()
    published = datetime.fromisoformat(str(message["publishTime"]).replace("Z", "+00:00"))
    fraction = f"{published.microsecond:06d}".rstrip("0")
    go_time = published.strftime("%Y-%m-%d %H:%M:%S") + (f".{fraction}" if fraction else "") + " +0000 UTC"
    return {
        "id": message["messageId"],
        "body": body,
        "attributes": message.get("attributes"),
        "publishTime": go_time,
        "metadata": None,
    }


def strings_outside_secrets(value: Any) -> list[str]:
    """Every string in a wire-form value that is not inside a Pulumi secret (what plain state would show)."""
    from pulumi_metaflow_blueprints.offline.runner import is_secret

    if is_secret(value):
        return []
    if isinstance(value, dict):
        return [s for key, item in value.items() for s in [str(key), *strings_outside_secrets(item)]]
    if isinstance(value, list):
        return [s for item in value for s in strings_outside_secrets(item)]
    return [value] if isinstance(value, str) else []


def resolved(output: Any) -> tuple[Any, bool]:
    """A component Output's value and whether it is secret (call after `run_program` returned)."""
    from pulumi.runtime.sync_await import _sync_await

    return _sync_await(output.future()), _sync_await(output.is_secret())


def rejected(build: Any, **kwargs: Any) -> tuple[Any, Any]:
    """Run ``build`` offline expecting a BlueprintInputError: the run (to check it registered nothing) and the error."""
    from pulumi_metaflow_blueprints.errors import BlueprintInputError
    from pulumi_metaflow_blueprints.offline import run_program

    errors: list[BlueprintInputError] = []

    def program() -> None:
        try:
            build()
        except BlueprintInputError as error:
            errors.append(error)

    run = run_program(program, **kwargs)
    if not errors:
        raise AssertionError("expected a BlueprintInputError; the program registered " + str(len(run.registrations)))
    return run, errors[0]


def body_template(trigger: dict[str, Any]) -> str:
    """A `metaflow_event` trigger's request body template (one payload parameter, empty ``dest``: the whole body)."""
    (body,) = trigger["template"]["http"]["payload"]
    assert body["dest"] == "" and set(body["src"]) == {"dependencyName", "dataTemplate"}, body
    return body["src"]["dataTemplate"]


def argument_parameters(k8s: dict[str, Any]) -> list[dict[str, Any]]:
    """A k8s trigger's parameters that write Workflow arguments (a flow target's others name and annotate the run)."""
    return [p for p in k8s.get("parameters", []) if str(p["dest"]).startswith("spec.arguments.")]


SIGNING_SECRET = b"offline-signing-secret"
"""The signing secret `signed_sample` signs with (any secret verifies offline when the same one is given)."""
_SIGNATURE_HEADERS = {"dbt-cloud-": "Authorization", "fivetran-": "X-Fivetran-Signature-256"}


def signed_sample(path: Path) -> "SampleEvent":
    """A raw sample as its sender posts it: dbt Cloud and Fivetran samples carry their signature header (HMAC-SHA256
    hex of the file's exact bytes) and the signing secret, so the examples' verifier passes them; others as they are."""
    import dataclasses
    import hashlib
    import hmac

    from pulumi_metaflow_blueprints.simulate import load_sample

    header = next((h for prefix, h in _SIGNATURE_HEADERS.items() if path.name.startswith(prefix)), None)
    if header is None:
        return load_sample(path)
    signature = hmac.new(SIGNING_SECRET, path.read_bytes(), hashlib.sha256).hexdigest()
    return dataclasses.replace(load_sample(path, headers={header: signature}), signing_secret=SIGNING_SECRET)


@functools.cache
def example_run(example: str) -> ProgramRun:
    """The offline run of `examples/<example>`, made once per test session (tests only read it)."""
    return run_program_dir(EXAMPLES_DIR / example)


def run_cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> tuple[int, str, str]:
    """`metaflow-blueprints ARGS...` run in-process: (exit code, stdout, stderr)."""
    code = main([*map(str, args)])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def yaml_documents(text: str) -> list[dict[str, Any]]:
    """The non-empty documents of a YAML stream (what `replay` and `backfill` print)."""
    return [d for d in yaml.safe_load_all(text) if d is not None]
