"""The multi-language provider: started as the engine starts it, its schema, and Construct against a test monitor."""

import collections.abc
import importlib
import inspect
import json
import pkgutil
import re
import subprocess
import sys
import typing
from collections.abc import Iterator
from enum import Enum
from typing import Any

import grpc
import pulumi
import pytest
import typing_extensions
import yaml
from google.protobuf import empty_pb2
from jsonschema import Draft7Validator
from pulumi.provider.experimental.util import camel_case
from pulumi.runtime import rpc
from pulumi.runtime.proto import provider_pb2

from pulumi_metaflow_blueprints import RateLimitUnit, provider
from pulumi_metaflow_blueprints.aws import AwsIdentityMode, S3ObjectTrigger
from pulumi_metaflow_blueprints.offline import ProgramRun, Registration, run_program
from pulumi_metaflow_blueprints.offline.runner import is_secret, reveal
from tests.argo_schema import assert_valid_argo
from tests.fuzz_strategies import BLUEPRINTS
from tests.helpers import OIDC
from tests.provider_rpc import (
    REPO,
    FakeEngine,
    ProviderProcess,
    construct,
    stack_urn,
)

SCHEMA_FILE = REPO / "schema.json"
YAML_EXAMPLE = REPO / "examples" / "yaml-s3-to-flow" / "Pulumi.yaml"
S3_TOKEN = "metaflow-blueprints:index:S3ObjectTrigger"
REGENERATE = "regenerate it: python -m pulumi_metaflow_blueprints.provider --schema > schema.json"
TYPE_REF = re.compile(r"^#/types/metaflow-blueprints:index:([A-Za-z][A-Za-z0-9]*)$")
INTERPOLATION = re.compile(r"^\$\{([^}]+)\}$")

# The same S3ObjectTrigger the YAML example declares, as a Python program writes it.
PYTHON_ARGS: dict[str, Any] = {
    "bucket": "acme-raw-events",
    "prefix": "landing/",
    "suffix": ".parquet",
    "identity": {"mode": AwsIdentityMode.IRSA, "oidc_provider_arn": OIDC},
    "queue": {"max_receive_count": 7},
    "kubernetes": {"namespace": "argo-events", "workflow_namespace": "default"},
    "targets": [
        {
            "flow": {
                "flow": "IngestFlow",
                "project": "lakehouse",
                "production": True,
                "parameters": {"bucket": "bucket", "key": "key", "size_bytes": "size"},
                "static_parameters": {"mode": "incremental"},
            }
        },
        {"metaflow_event": {"event": "raw_data_landed", "payload": {"bucket": "bucket", "key": "key"}}},
    ],
    "sensor": {"retry_steps": 5, "rate_limit": 10, "rate_limit_unit": RateLimitUnit.MINUTE},
}

# A strict subset of Pulumi's package metaschema: exactly the shapes this provider may emit, every `$ref` local.
_PROPERTY: dict[str, Any] = {
    "type": "object",
    "properties": {
        "description": {"type": "string", "minLength": 1, "not": {"pattern": "\n\n( {4}|\t)"}},
        "type": {"enum": ["string", "integer", "number", "boolean", "array", "object"]},
        "items": {"$ref": "#/definitions/property"},
        "additionalProperties": {"$ref": "#/definitions/property"},
        "$ref": {"type": "string", "pattern": TYPE_REF.pattern},
        "plain": {"const": True},
    },
    "required": ["description"],
    "additionalProperties": False,
    "oneOf": [{"required": ["type"]}, {"required": ["$ref"]}],
    "allOf": [
        {"if": {"properties": {"type": {"const": "array"}}, "required": ["type"]}, "then": {"required": ["items"]}},
        {
            "if": {"properties": {"type": {"const": "object"}}, "required": ["type"]},
            "then": {"required": ["additionalProperties"]},
        },
    ],
}
_DESCRIPTION = {"type": "string", "minLength": 1, "not": {"pattern": "\n\n( {4}|\t)"}}
_NAMES = {"type": "array", "items": {"type": "string"}, "uniqueItems": True}
PACKAGE_SUBSET_SCHEMA: dict[str, Any] = {
    "type": "object",
    "definitions": {"property": _PROPERTY},
    "properties": {
        "name": {"const": "metaflow-blueprints"},
        "version": {"type": "string", "pattern": r"^\d+\.\d+\.\d+"},
        "displayName": {"type": "string"},
        "namespace": {"const": "metaflow"},
        "resources": {
            "type": "object",
            "minProperties": 1,
            "propertyNames": {"pattern": "^metaflow-blueprints:index:[A-Z][A-Za-z0-9]*$"},
            "additionalProperties": {
                "type": "object",
                "properties": {
                    "isComponent": {"const": True},
                    "description": _DESCRIPTION,
                    "type": {"const": "object"},
                    "inputProperties": {"type": "object", "additionalProperties": {"$ref": "#/definitions/property"}},
                    "requiredInputs": _NAMES,
                    "properties": {"type": "object", "additionalProperties": {"$ref": "#/definitions/property"}},
                    "required": _NAMES,
                },
                "required": ["isComponent", "description", "inputProperties", "requiredInputs", "properties"],
                "additionalProperties": False,
            },
        },
        "types": {
            "type": "object",
            "propertyNames": {"pattern": "^metaflow-blueprints:index:[A-Z][A-Za-z0-9]*$"},
            "additionalProperties": {
                "oneOf": [
                    {
                        "type": "object",
                        "properties": {
                            "type": {"const": "object"},
                            "description": _DESCRIPTION,
                            "properties": {
                                "type": "object",
                                "minProperties": 1,
                                "additionalProperties": {"$ref": "#/definitions/property"},
                            },
                            "required": _NAMES,
                        },
                        "required": ["type", "description", "properties"],
                        "additionalProperties": False,
                    },
                    {
                        "type": "object",
                        "properties": {
                            "type": {"enum": ["string", "integer"]},
                            "description": _DESCRIPTION,
                            "enum": {
                                "type": "array",
                                "minItems": 1,
                                "items": {
                                    "type": "object",
                                    "properties": {
                                        "name": {"type": "string", "pattern": "^[A-Z][A-Z0-9_]*$"},
                                        "value": {"type": ["string", "integer"]},
                                        "description": _DESCRIPTION,
                                    },
                                    "required": ["name", "value", "description"],
                                    "additionalProperties": False,
                                },
                            },
                        },
                        "required": ["type", "description", "enum"],
                        "additionalProperties": False,
                    },
                ]
            },
        },
        "language": {"type": "object"},
        "dependencies": {"type": "array", "maxItems": 0},
    },
    "required": ["name", "version", "namespace", "resources", "types"],
    "additionalProperties": False,
}


# --- the plugin process -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def served(plugin: ProviderProcess) -> dict[str, Any]:
    response = plugin.stub.GetSchema(provider_pb2.GetSchemaRequest(version=0), timeout=30)
    return json.loads(response.schema)


def test_plugin_starts_as_the_engine_runs_it_and_reports_its_version(plugin: ProviderProcess) -> None:
    info = plugin.stub.GetPluginInfo(empty_pb2.Empty(), timeout=10)
    assert info.version == provider.package_version() == "0.1.0"
    assert plugin.startup_seconds < 30, f"provider took {plugin.startup_seconds:.1f}s to print its port"
    # The SDK's provider has no Handshake; the engine treats UNIMPLEMENTED as a legacy plugin and goes on.
    try:
        plugin.stub.Handshake(provider_pb2.ProviderHandshakeRequest(engine_address="127.0.0.1:1"), timeout=10)
    except grpc.RpcError as error:
        assert error.code() == grpc.StatusCode.UNIMPLEMENTED
    configured = plugin.stub.Configure(provider_pb2.ConfigureRequest(acceptSecrets=True), timeout=10)
    assert configured.acceptSecrets and configured.acceptResources and configured.acceptOutputs


def test_plugin_manifest_runs_the_root_entry_point_in_its_own_virtualenv() -> None:
    manifest = yaml.safe_load((REPO / "PulumiPlugin.yaml").read_text())
    assert manifest["runtime"] == {"name": "python", "options": {"toolchain": "pip", "virtualenv": "venv"}}
    main = (REPO / "__main__.py").read_text()
    assert 'if __name__ == "__main__":' in main and "provider import main" in main
    # The pip toolchain installs requirements.txt: this package with every cloud extra the blueprints import.
    requirements = [
        line.strip() for line in (REPO / "requirements.txt").read_text().splitlines() if not line.startswith("#")
    ]
    assert [line for line in requirements if line] == [".[all]"]
    pyproject = (REPO / "pyproject.toml").read_text()
    for extra in ("aws", "gcp", "webhooks", "snowflake", "dbt"):
        assert f"{extra} = [" in pyproject


# --- the schema ---------------------------------------------------------------------------------------------------


def test_served_schema_is_the_committed_schema_json(served: dict[str, Any]) -> None:
    committed = json.loads(SCHEMA_FILE.read_text())
    assert committed == served, f"schema.json differs from what the provider serves; {REGENERATE}"


def test_schema_regenerates_with_one_command() -> None:
    printed = subprocess.run(
        [sys.executable, "-m", "pulumi_metaflow_blueprints.provider", "--schema"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    ).stdout
    assert printed == SCHEMA_FILE.read_text(), f"schema.json is not in canonical form; {REGENERATE}"


def test_schema_fits_the_package_schema_subset_and_every_ref_resolves(served: dict[str, Any]) -> None:
    errors = sorted(Draft7Validator(PACKAGE_SUBSET_SCHEMA).iter_errors(served), key=lambda e: [str(p) for p in e.path])
    assert not errors, "\n".join(f"{'/'.join(map(str, e.path))}: {e.message}" for e in errors[:20])
    types = served["types"]
    for owner, prop in _all_properties(served):
        ref = prop.get("$ref")
        if ref:
            match = TYPE_REF.match(ref)
            assert match and f"metaflow-blueprints:index:{match.group(1)}" in types, f"{owner}: dangling {ref}"
    for token, resource in served["resources"].items():
        assert set(resource["requiredInputs"]) <= set(resource["inputProperties"]), token
        assert set(resource.get("required", [])) <= set(resource["properties"]), token
    for token, spec in types.items():
        assert set(spec.get("required", [])) <= set(spec.get("properties", {})), token


def _all_properties(schema: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    def walk(owner: str, prop: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
        yield owner, prop
        for nested in ("items", "additionalProperties"):
            if nested in prop:
                yield from walk(f"{owner}.{nested}", prop[nested])

    for token, resource in schema["resources"].items():
        for section in ("inputProperties", "properties"):
            for name, prop in resource[section].items():
                yield from walk(f"{token}.{name}", prop)
    for token, spec in schema["types"].items():
        for name, prop in spec.get("properties", {}).items():
            yield from walk(f"{token}.{name}", prop)


def blueprint_classes() -> list[type[pulumi.ComponentResource]]:
    """Every ComponentResource defined anywhere in the blueprint subpackages, whether exported or not."""
    found: list[type[pulumi.ComponentResource]] = []
    for package in provider.blueprint_modules():
        names = [package.__name__]
        if hasattr(package, "__path__"):
            names += [info.name for info in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")]
        for name in names:
            module = importlib.import_module(name)
            for value in vars(module).values():
                if (
                    inspect.isclass(value)
                    and issubclass(value, pulumi.ComponentResource)
                    and value.__module__ == module.__name__
                    and value not in found
                ):
                    found.append(value)
    return found


def test_every_blueprint_is_served_under_its_own_type_token(served: dict[str, Any]) -> None:
    classes = blueprint_classes()
    assert S3ObjectTrigger in classes
    unexported = {cls.__name__ for cls in classes} - {cls.__name__ for cls in provider.all_components()}
    assert not unexported, f"blueprints missing from their subpackage's __all__: {sorted(unexported)}"
    tokens = {f"metaflow-blueprints:index:{cls.__name__}" for cls in classes}
    assert set(served["resources"]) == tokens


def test_every_served_blueprint_registers_under_its_type_token() -> None:
    # Construct asks for `metaflow-blueprints:index:<Class>`; the component must register under that token.
    canonical = {blueprint.component: blueprint for blueprint in BLUEPRINTS}
    assert set(canonical) == set(provider.all_components()), "every served blueprint needs canonical args"
    for cls, blueprint in canonical.items():
        run = run_program(lambda: cls("token-check", blueprint.canonical()), config=blueprint.config)  # noqa: B023
        (component,) = run.of_type(f"metaflow-blueprints:index:{cls.__name__}")
        assert component.name == "token-check", cls.__name__


def _typeddict_fields(cls: type) -> tuple[set[str], set[str]]:
    hints = cls.__annotations__
    return {camel_case(k) for k in hints}, {camel_case(k) for k in cls.__required_keys__}  # type: ignore[attr-defined]


def _output_fields(cls: type) -> set[str]:
    """Fields typed `pulumi.Input[...]` (a Union with an Awaitable), which take other resources' outputs."""
    found = set()
    for key, hint in cls.__annotations__.items():
        if typing.get_origin(hint) in (typing_extensions.NotRequired, typing_extensions.Required):
            hint = typing.get_args(hint)[0]
        if any(typing.get_origin(arg) is collections.abc.Awaitable for arg in typing.get_args(hint)):
            found.add(camel_case(key))
    return found


def _assert_plain_unless_input(properties: dict[str, Any], cls: type, where: str) -> None:
    """Only `pulumi.Input[...]` fields drop `plain`; every other field is a plain value."""
    takes_outputs = _output_fields(cls)
    for name, prop in properties.items():
        assert (prop.get("plain") is True) == (name not in takes_outputs), f"{where}.{name}"


def test_inputs_required_fields_and_outputs_match_the_python_api(served: dict[str, Any]) -> None:
    for cls in provider.all_components():
        resource = served["resources"][f"metaflow-blueprints:index:{cls.__name__}"]
        args = inspect.get_annotations(cls.__init__)["args"]
        fields, required = _typeddict_fields(args)
        assert set(resource["inputProperties"]) == fields, cls.__name__
        assert set(resource["requiredInputs"]) == required, cls.__name__
        outputs = {
            camel_case(k) for k, v in inspect.get_annotations(cls).items() if typing.get_origin(v) is pulumi.Output
        }
        assert set(resource["properties"]) == outputs, cls.__name__
        _assert_plain_unless_input(resource["inputProperties"], args, cls.__name__)
    for token, spec in served["types"].items():
        if spec["type"] != "object":
            continue
        python_type = _python_type(token.rsplit(":", 1)[-1])
        fields, required = _typeddict_fields(python_type)
        assert set(spec["properties"]) == fields, token
        assert set(spec.get("required", [])) == required, token
        _assert_plain_unless_input(spec["properties"], python_type, token)


def _python_type(name: str) -> type:
    for cls in provider.all_components():
        for candidate in provider._schema_classes(cls):
            if candidate.__name__ == name:
                return candidate
    raise AssertionError(f"no Python type named {name}")


def test_enums_are_schema_enums_with_every_value(served: dict[str, Any]) -> None:
    enums = {token: spec for token, spec in served["types"].items() if "enum" in spec}
    python_enums = {
        cls.__name__: cls
        for component in provider.all_components()
        for cls in provider._schema_classes(component)
        if issubclass(cls, Enum)
    }
    assert {token.rsplit(":", 1)[-1] for token in enums} == set(python_enums)
    for token, spec in enums.items():
        python_enum = python_enums[token.rsplit(":", 1)[-1]]
        assert [(v["name"], v["value"]) for v in spec["enum"]] == [(m.name, m.value) for m in python_enum]
    identity = served["types"]["metaflow-blueprints:index:AwsIdentity"]["properties"]["mode"]
    assert identity["$ref"] == "#/types/metaflow-blueprints:index:AwsIdentityMode"
    modes = served["types"]["metaflow-blueprints:index:AwsIdentityMode"]["enum"]
    assert [m["value"] for m in modes] == ["pod-identity", "irsa", "role-arn"]
    unit = served["types"]["metaflow-blueprints:index:SensorOptions"]["properties"]["rateLimitUnit"]
    assert unit["$ref"] == "#/types/metaflow-blueprints:index:RateLimitUnit"


def test_s3_blueprint_schema(served: dict[str, Any]) -> None:
    s3 = served["resources"][S3_TOKEN]
    assert s3["description"].startswith("New objects in an S3 bucket start a Metaflow flow")
    assert "\n    " not in s3["description"], "class docstrings are dedented for other languages' docs"
    assert {"bucket", "identity", "kubernetes", "targets"} <= set(s3["requiredInputs"])
    assert s3["inputProperties"]["targets"]["items"]["$ref"] == "#/types/metaflow-blueprints:index:Target"
    assert s3["inputProperties"]["events"]["items"]["type"] == "string"
    queue = served["types"]["metaflow-blueprints:index:QueueOptions"]["properties"]
    assert queue["maxReceiveCount"]["type"] == "integer"
    flow = served["types"]["metaflow-blueprints:index:FlowTarget"]
    assert flow["required"] == ["flow"]
    assert flow["properties"]["parameters"]["additionalProperties"]["type"] == "string"
    assert flow["properties"]["production"]["type"] == "boolean"
    assert {"queueUrl", "queueArn", "sensorName", "eventSourceName", "workflowTemplates"} <= set(s3["properties"])
    assert s3["properties"]["workflowTemplates"] == {
        "description": "WorkflowTemplates the Sensor creates Workflows from.",
        "type": "array",
        "items": {"description": "WorkflowTemplates the Sensor creates Workflows from.", "type": "string"},
    }


def test_schema_cannot_mark_secret_outputs_so_none_is_claimed(served: dict[str, Any]) -> None:
    # The SDK's analyzer (pulumi 3.27x) has no way to set a property's `secret`; secret outputs stay secret only at
    # run time (Construct returns them wrapped as secrets). Guard that the schema does not pretend otherwise.
    assert all("secret" not in prop for _, prop in _all_properties(served))


# --- Construct through the plugin ---------------------------------------------------------------------------------


def yaml_program() -> dict[str, Any]:
    return yaml.safe_load(YAML_EXAMPLE.read_text())


def resolve_config(value: Any, config: dict[str, Any]) -> Any:
    """Substitute `${key}` config references with the config defaults, as `pulumi preview` of a new stack would."""
    if isinstance(value, str) and (match := INTERPOLATION.match(value)):
        return config[match.group(1)]
    if isinstance(value, dict):
        return {k: resolve_config(v, config) for k, v in value.items()}
    if isinstance(value, list):
        return [resolve_config(v, config) for v in value]
    return value


def yaml_inputs() -> dict[str, Any]:
    program = yaml_program()
    config = {key: spec["default"] for key, spec in program["config"].items() if "default" in spec}
    return resolve_config(program["resources"]["raw-events"]["properties"], config)


def snapshot(registrations: list[Registration]) -> list[tuple[str, str, str, str, bool, str]]:
    """Registrations as comparable rows: urn, type, name, parent, custom, inputs (secrets unwrapped)."""
    rows = [
        (r.urn, r.type, r.name, r.parent, r.custom, json.dumps(reveal(r.inputs), sort_keys=True)) for r in registrations
    ]
    return sorted(rows)


@pytest.fixture(scope="module")
def direct_run() -> ProgramRun:
    return run_program(
        lambda: S3ObjectTrigger("raw-events", PYTHON_ARGS),  # type: ignore[arg-type]
        project="yaml-s3-to-flow",
        stack="dev",
        config={"aws:region": "us-west-2"},
    )


def test_construct_registers_the_same_resources_as_a_python_program(
    plugin: ProviderProcess, engine: tuple[FakeEngine, str], direct_run: ProgramRun
) -> None:
    monitor, response = construct(plugin, yaml_inputs())
    assert not isinstance(response, grpc.RpcError), f"{response}\n{plugin.stderr_text()[-4000:]}"
    (component,) = direct_run.of_type(S3_TOKEN)
    assert response.urn == component.urn
    assert component.parent == stack_urn("yaml-s3-to-flow", "dev")
    assert len(monitor.registrations) == len(direct_run.registrations) == 15
    assert snapshot(monitor.registrations) == snapshot(direct_run.registrations)
    assert sorted(set(monitor.invokes)) == [
        "aws:index/getCallerIdentity:getCallerIdentity",
        "aws:index/getPartition:getPartition",
    ]


def test_construct_returns_the_outputs_and_whole_numbers_stay_integers(
    plugin: ProviderProcess, engine: tuple[FakeEngine, str]
) -> None:
    monitor, response = construct(plugin, yaml_inputs())
    assert not isinstance(response, grpc.RpcError), f"{response}\n{plugin.stderr_text()[-4000:]}"
    state = rpc.deserialize_properties(response.state)
    queue_name = "yaml-s3-to-flow-dev-raw-events"
    assert state["queueUrl"] == f"https://sqs.us-west-2.amazonaws.com/000000000000/{queue_name}"
    assert state["queueArn"] == f"arn:aws:sqs:us-west-2:000000000000:{queue_name}"
    assert state["deadLetterQueueArn"] == f"arn:aws:sqs:us-west-2:000000000000:{queue_name}-dlq"
    assert state["eventSourceName"] == "raw-events"
    assert state["sensorName"] == "raw-events-sensor"
    assert state["workflowTemplates"] == ["lakehouse.prod.ingestflow"]
    # Integers cross the wire as doubles; `7` must reach the redrive policy as 7, not 7.0.
    queue = next(r for r in monitor.registrations if r.name == "raw-events-queue").plain_inputs
    assert json.loads(queue["redrivePolicy"])["maxReceiveCount"] == 7
    assert '"maxReceiveCount": 7}' in queue["redrivePolicy"]
    sensor = next(r for r in monitor.registrations if r.name == "raw-events-sensor").plain_inputs
    assert_valid_argo("Sensor", sensor)
    trigger = sensor["spec"]["triggers"][0]
    assert trigger["retryStrategy"]["steps"] == 5
    assert trigger["rateLimit"] == {"unit": "Minute", "requestsPerUnit": 10}
    event_source = next(r for r in monitor.registrations if r.name == "raw-events-eventsource").plain_inputs
    assert_valid_argo("EventSource", event_source)


def test_construct_with_bad_input_names_the_argument_and_registers_nothing(
    plugin: ProviderProcess, engine: tuple[FakeEngine, str]
) -> None:
    monitor, error = construct(plugin, {**yaml_inputs(), "bucket": "Not_A_Bucket"})
    assert isinstance(error, grpc.RpcError)
    # The problem and fix travel as the property error's reason (tests/test_provider_errors.py).
    assert error.details() == "S3ObjectTrigger 'raw-events': invalid input bucket"
    assert monitor.registrations == []


def test_construct_without_a_required_input_is_an_invalid_argument(
    plugin: ProviderProcess, engine: tuple[FakeEngine, str]
) -> None:
    inputs = {k: v for k, v in yaml_inputs().items() if k != "targets"}
    monitor, error = construct(plugin, inputs)
    assert isinstance(error, grpc.RpcError)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert monitor.registrations == []


def test_construct_with_an_unknown_enum_value_is_an_invalid_argument(
    plugin: ProviderProcess, engine: tuple[FakeEngine, str]
) -> None:
    inputs = yaml_inputs()
    inputs["identity"] = {**inputs["identity"], "mode": "instance-profile"}
    monitor, error = construct(plugin, inputs)
    assert isinstance(error, grpc.RpcError)
    assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert monitor.registrations == []


def test_secret_outputs_stay_secret_through_construct(plugin: ProviderProcess, engine: tuple[FakeEngine, str]) -> None:
    # The schema cannot say so (see above), but the wire does: Construct returns secret outputs wrapped as secrets.
    inputs = {
        "auth": "secret-path",  # the URL is secret only in this opt-out mode
        "publicUrl": "https://hooks.example.com",
        "kubernetes": {"namespace": "argo-events"},
        "targets": [{"flow": {"flow": "SyncFlow"}}],
    }
    token = "metaflow-blueprints:index:FivetranSyncTrigger"
    _, response = construct(plugin, inputs, name="syncs", token=token)
    assert not isinstance(response, grpc.RpcError), f"{response}\n{plugin.stderr_text()[-4000:]}"
    state = rpc.deserialize_properties(response.state)
    assert {key for key, value in state.items() if is_secret(value)} == {"url", "signingSecret"}
    assert reveal(state["url"]).startswith("https://hooks.example.com/syncs/")
    assert state["sensorName"] == "syncs-sensor"


# --- the YAML example ---------------------------------------------------------------------------------------------


def check_value(value: Any, prop: dict[str, Any], schema: dict[str, Any], path: str, problems: list[str]) -> None:
    """Check one YAML value against a schema property: type, enum value, nested keys and required fields."""
    if isinstance(value, str) and INTERPOLATION.match(value):
        return
    ref = prop.get("$ref")
    if ref:
        spec = schema["types"][ref.removeprefix("#/types/")]
        if "enum" in spec:
            if value not in [v["value"] for v in spec["enum"]]:
                problems.append(f"{path}: {value!r} is not one of the enum's values")
            return
        check_object(value, spec["properties"], spec.get("required", []), schema, path, problems)
        return
    kind = prop["type"]
    expected = {"string": str, "boolean": bool, "integer": int, "number": (int, float), "array": list, "object": dict}
    if not isinstance(value, expected[kind]) or (kind in {"integer", "number"} and isinstance(value, bool)):
        problems.append(f"{path}: expected {kind}, got {value!r}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            check_value(item, prop["items"], schema, f"{path}[{index}]", problems)
    elif isinstance(value, dict):
        for key, item in value.items():
            check_value(item, prop["additionalProperties"], schema, f"{path}.{key}", problems)


def check_object(
    value: Any,
    properties: dict[str, Any],
    required: list[str],
    schema: dict[str, Any],
    path: str,
    problems: list[str],
) -> None:
    if not isinstance(value, dict):
        problems.append(f"{path}: expected an object, got {value!r}")
        return
    problems += [f"{path}.{key}: unknown property" for key in value if key not in properties]
    problems += [f"{path}.{key}: required property missing" for key in required if key not in value]
    for key, item in value.items():
        if key in properties:
            check_value(item, properties[key], schema, f"{path}.{key}", problems)


def test_yaml_example_uses_the_s3_blueprint_as_the_schema_declares_it() -> None:
    schema = json.loads(SCHEMA_FILE.read_text())
    program = yaml_program()
    assert program["runtime"] == "yaml"
    assert program["packages"] == {"metaflow-blueprints": "../.."}
    assert (YAML_EXAMPLE.parent / program["packages"]["metaflow-blueprints"] / "PulumiPlugin.yaml").resolve().is_file()
    resources = program["resources"]
    assert [r["type"] for r in resources.values()] == [S3_TOKEN]
    problems: list[str] = []
    for name, resource in resources.items():
        spec = schema["resources"][resource["type"]]
        check_object(resource["properties"], spec["inputProperties"], spec["requiredInputs"], schema, name, problems)
    assert problems == []
    config = set(program["config"])
    for reference in re.findall(r"\$\{([^}]+)\}", YAML_EXAMPLE.read_text()):
        resource, _, output = reference.partition(".")
        if output:
            assert resource in resources and output in schema["resources"][S3_TOKEN]["properties"], reference
        else:
            assert reference in config, reference


def test_yaml_checker_catches_unknown_keys_bad_enums_and_missing_required_inputs() -> None:
    schema = json.loads(SCHEMA_FILE.read_text())
    spec = schema["resources"][S3_TOKEN]
    bad = {**yaml_inputs(), "bucketName": "x", "identity": {"mode": "irsa-ish"}, "queue": {"maxReceiveCount": "7"}}
    del bad["targets"]
    problems: list[str] = []
    check_object(bad, spec["inputProperties"], spec["requiredInputs"], schema, "raw-events", problems)
    assert sorted(problems) == [
        "raw-events.bucketName: unknown property",
        "raw-events.identity.mode: 'irsa-ish' is not one of the enum's values",
        "raw-events.queue.maxReceiveCount: expected integer, got '7'",
        "raw-events.targets: required property missing",
    ]
