"""What `preview` writes for every example: valid Kubernetes YAML, with secrets masked at their leaves only."""

import json
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import Any

import kubernetes_validate
import pulumi
import pytest
import yaml

from pulumi_metaflow_blueprints.offline import ProgramRun, export, run_program, run_program_dir
from pulumi_metaflow_blueprints.offline.runner import is_secret, mask, reveal
from tests.argo_schema import controller_problems, schema_errors

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted(p.parent.name for p in (ROOT / "examples").glob("*/__main__.py"))
KUBERNETES_VERSION = "1.33"
ARGO_KINDS = {"EventSource", "Sensor"}
MASK = "[secret]"
USES_TOKENS = {"dbt-cloud-to-flow", "fivetran-to-flow", "snowflake-to-flow", "webhook-to-flow"}

Where = tuple[str | int, ...]


class Preview:
    """One example's offline run and the two files `preview --out` writes for it, parsed back."""

    def __init__(self, example: str) -> None:
        self.example = example
        self.run: ProgramRun = run_program_dir(ROOT / "examples" / example)
        self.manifests_text = export.manifests_yaml(self.run)
        self.resources_text = export.resources_json(self.run)
        self.documents: list[dict[str, Any]] = list(yaml.safe_load_all(self.manifests_text))
        self.resources: list[dict[str, Any]] = json.loads(self.resources_text)["resources"]


@cache
def preview_of(example: str) -> Preview:
    """Each example is run once per test session."""
    return Preview(example)


@pytest.fixture(params=EXAMPLES)
def preview(request: pytest.FixtureRequest) -> Preview:
    return preview_of(request.param)


def leaves(value: Any, path: Where = ()) -> Iterator[tuple[Where, Any]]:
    """Every (path, scalar or empty container) in a plain value."""
    if isinstance(value, dict | list) and not value:
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from leaves(item, (*path, index))
    else:
        yield path, value


def secret_leaves(value: Any, path: Where = (), inside: bool = False) -> Iterator[tuple[Where, Any]]:
    """Every (path, scalar) of a wire-form value that sits inside a Pulumi secret."""
    if is_secret(value):
        yield from secret_leaves(value["value"], path, True)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from secret_leaves(item, (*path, key), inside)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from secret_leaves(item, (*path, index), inside)
    elif inside:
        yield path, value


def tokens(run: ProgramRun) -> list[str]:
    """The values the offline placeholders give every generated token (`RandomPassword.result`)."""
    return [f"placeholder-token-for-{r.name}" for r in run.of_type("random:index/randomPassword:RandomPassword")]


def test_every_example_with_a_python_program_is_covered() -> None:
    assert {"dbt-cloud-to-flow", "fivetran-to-flow", "webhook-to-flow", "snowflake-to-flow", "s3-to-flow"} <= set(
        EXAMPLES
    )


def test_manifests_are_valid_kubernetes_objects(preview: Preview) -> None:
    assert preview.documents
    for document in preview.documents:
        if document["kind"] in ARGO_KINDS:
            assert schema_errors(document["kind"], document) == []
            # A masked endpoint breaks the blueprint's own "starts with /" rule; every other rule must hold.
            problems = controller_problems(document["kind"], document)
            assert [p for p in problems if f"'{MASK}'" not in p] == []
        else:
            kubernetes_validate.validate(document, KUBERNETES_VERSION, strict=True)


def test_object_fields_stay_objects(preview: Preview) -> None:
    for document in preview.documents:
        for key in ("spec", "stringData", "data"):
            if key in document:
                assert isinstance(document[key], dict), (document["kind"], key, document[key])


def test_secret_leaves_are_masked_and_nothing_else(preview: Preview) -> None:
    """resources.json has every input as registered, each leaf inside a secret as "[secret]", and only those."""
    written = {r["urn"]: r["inputs"] for r in preview.resources}
    assert len(written) == len(preview.run.registrations)
    for registration in preview.run.registrations:
        hidden = {path for path, _ in secret_leaves(registration.inputs)}
        expected = dict(leaves(reveal(registration.inputs)))
        got = dict(leaves(written[registration.urn]))
        assert got.keys() == expected.keys(), registration.name
        for path, value in got.items():
            want = MASK if path in hidden else expected[path]
            assert value == want, (registration.name, path)


def test_generated_tokens_never_appear_in_the_files(preview: Preview) -> None:
    revealed = json.dumps([r.plain_inputs for r in preview.run.registrations])
    used = [token for token in tokens(preview.run) if token in revealed]
    assert bool(used) == (preview.example in USES_TOKENS)  # the programs pass their tokens on ...
    for token in tokens(preview.run):  # ... and neither file shows any
        assert token not in preview.manifests_text
        assert token not in preview.resources_text


def test_kubernetes_secrets_keep_their_keys(preview: Preview) -> None:
    for document in preview.documents:
        if document["kind"] == "Secret":
            assert document["stringData"] and set(document["stringData"].values()) == {MASK}


@pytest.mark.parametrize(
    ("example", "event"),
    [("dbt-cloud-to-flow", "job-run-completed"), ("fivetran-to-flow", "sync-end")],
)
def test_signed_webhook_event_source_is_reviewable(example: str, event: str) -> None:
    """A verifier fronts the EventSource, which runs in bearer mode: nothing in its spec is masked."""
    (source,) = (d for d in preview_of(example).documents if d["kind"] == "EventSource")
    assert MASK not in json.dumps(source)
    route = source["spec"]["webhook"][event]
    assert route["endpoint"].startswith("/") and route["authSecret"]["key"] == "token"
    assert route["method"] == "POST" and route["port"] == "12000"
    assert route["url"] == "https://hooks.example.com"
    assert source["spec"]["service"] == {"ports": [{"port": 12000, "targetPort": 12000}]}


def test_a_secret_is_recorded_where_the_program_put_it() -> None:
    """The recorder keeps the wire form: a secret string inside a spec does not make the whole spec secret."""

    def program() -> None:
        import pulumi_kubernetes as k8s

        k8s.apiextensions.CustomResource(
            "thing",
            api_version="example.com/v1",
            kind="Thing",
            spec={"plain": "visible", "items": ["a", pulumi.Output.secret("s3cr3t-value")]},
        )

    run = run_program(program)
    spec = run.named("thing").inputs["spec"]
    assert not is_secret(spec) and not is_secret(spec["items"])
    assert spec["plain"] == "visible" and spec["items"][0] == "a" and is_secret(spec["items"][1])
    assert mask(spec) == {"plain": "visible", "items": ["a", MASK]}
    assert "s3cr3t-value" not in export.resources_json(run) + export.manifests_yaml(run)


def test_mask_hides_every_leaf_of_a_secret_object_and_keeps_its_shape() -> None:
    wrapped = {"4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270"}
    value = {"open": 2.0, "closed": {**wrapped, "value": {"token": "t", "ids": [1.0, "x"], "none": None}}}
    assert mask(value) == {"open": 2, "closed": {"token": MASK, "ids": [MASK, MASK], "none": MASK}}
    assert reveal(value) == {"open": 2, "closed": {"token": "t", "ids": [1, "x"], "none": None}}
