"""Shared test helpers: run a program under the offline mocks and read what it registered."""

import json
from pathlib import Path
from typing import Any

from pulumi.output import Unknown

from pulumi_metaflow_blueprints.offline import ProgramRun
from pulumi_metaflow_blueprints.offline.runner import reveal

DATA = Path(__file__).parent / "data"
EVENTS = DATA / "events"
UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9"
OIDC = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/EXAMPLED539D4633E53DE1B71EXAMPLE"


def sample(name: str) -> Any:
    """A sample payload from tests/data/events."""
    return json.loads((EVENTS / name).read_text())


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
