"""Test helper: check Argo Events objects against the v1.9.11 JSON schema and the controller's rules."""

import json
import re
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any, Literal

from jsonschema import Draft7Validator, ValidationError

from pulumi_metaflow_blueprints.argo.validation import event_source_problems, sensor_problems

SCHEMA_PATH = Path(__file__).parent / "data" / "argo-events-schema-v1.9.11.json"
DEFINITION_PREFIX = "io.argoproj.events.v1alpha1."
SIMPLE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")

Kind = Literal["EventSource", "Sensor"]


@cache
def load_schema() -> dict[str, Any]:
    """The Argo Events v1.9.11 JSON schema, read once."""
    return json.loads(SCHEMA_PATH.read_text())


@cache
def _validator(definition: str) -> Draft7Validator:
    reference = f"#/definitions/{DEFINITION_PREFIX}{definition}"
    return Draft7Validator({"$ref": reference, "definitions": load_schema()["definitions"]})


def schema_errors(kind: Kind, obj: Mapping[str, Any]) -> list[str]:
    """Schema errors (``path: message``) of a whole resource (if ``obj`` has a ``spec``) or a bare spec."""
    definition = kind if "spec" in obj else f"{kind}Spec"
    errors = sorted(_validator(definition).iter_errors(obj), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{_where(error)}: {error.message}" for error in errors]


def _where(error: ValidationError) -> str:
    """The error's location written like the controller-rule messages: ``triggers[0].template.name``."""
    path = ""
    for part in error.absolute_path:
        if isinstance(part, int):
            path += f"[{part}]"
        elif SIMPLE_KEY.fullmatch(part):
            path += f".{part}" if path else part
        else:
            path += f"[{json.dumps(part)}]"
    return path or "<root>"


def controller_problems(kind: Kind, obj: Mapping[str, Any]) -> list[str]:
    """What the Argo Events controller would reject in ``obj`` (a whole resource or a bare spec)."""
    spec = obj.get("spec", obj)
    return sensor_problems(spec) if kind == "Sensor" else event_source_problems(spec)


def assert_valid_argo(kind: Kind, obj: Mapping[str, Any]) -> None:
    """Fail with every schema error and every controller rule ``obj`` breaks."""
    messages = [f"schema: {m}" for m in schema_errors(kind, obj)]
    messages += [f"controller: {m}" for m in controller_problems(kind, obj)]
    if messages:
        raise AssertionError(f"invalid Argo Events {kind}:\n  " + "\n  ".join(messages))
