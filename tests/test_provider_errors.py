"""Bad input through the multi-language provider: an input-property error in the caller's names, no traceback.

Over gRPC against the plugin process (as the engine runs it): the engine turns an INVALID_ARGUMENT status with
`InputPropertiesError` details into `<type> resource '<name>' has a problem: <details>` followed by one
`- property <path> with value '<value>' has a problem: <reason>` line per error, looking the value up in the inputs
the program sent, so the path must use the schema's (camelCase) names while map keys stay as the user wrote them.
"""

import copy
import re
from typing import Any, NotRequired, TypedDict

import grpc
import pulumi
import pytest
from pulumi.provider.server import ComponentInitError

from pulumi_metaflow_blueprints import ArgoSpecError, BlueprintInputError
from pulumi_metaflow_blueprints.core.args import KubernetesSettings, Target
from pulumi_metaflow_blueprints.provider import BlueprintProvider
from tests.provider_rpc import (
    FakeEngine,
    ProviderProcess,
    RecordingMonitor,
    RpcFailure,
    construct,
    rpc_failure,
)
from tests.test_provider import yaml_inputs

FIVETRAN_TOKEN = "metaflow-blueprints:index:FivetranSyncTrigger"
FIVETRAN_INPUTS: dict[str, Any] = {
    "publicUrl": "https://hooks.example.com",
    "kubernetes": {"namespace": "argo-events"},
    "targets": [{"flow": {"flow": "SyncFlow"}}],
}
_PATH_SEGMENT = re.compile(r'\.?([A-Za-z0-9_]+)|\[(\d+)\]|\["((?:[^"\\]|\\")*)"\]')


def value_at(inputs: dict[str, Any], path: str) -> Any:
    """The value at a Pulumi property path (`a.b[0]["c.d"]`), as the engine's `PropertyPath.Get` finds it."""
    value: Any = inputs
    position = 0
    while position < len(path):
        match = _PATH_SEGMENT.match(path, position)
        assert match, f"{path!r} is not a property path (at {position})"
        name, index, quoted = match.groups()
        value = value[int(index)] if index is not None else value[name if name is not None else quoted]
        position = match.end()
    return value


def failed_construct(
    plugin: ProviderProcess, inputs: dict[str, Any], **kwargs: Any
) -> tuple[RecordingMonitor, RpcFailure]:
    monitor, error = construct(plugin, inputs, **kwargs)
    assert isinstance(error, grpc.RpcError), "the construct succeeded"
    return monitor, rpc_failure(error)


def s3_inputs(**changes: Any) -> dict[str, Any]:
    """The YAML example's S3ObjectTrigger inputs (camelCase), with `changes` applied at dotted paths."""
    inputs = copy.deepcopy(yaml_inputs())
    for dotted, value in changes.items():
        *parents, last = dotted.split("__")
        target: Any = inputs
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        target[last] = value
    return inputs


BAD_S3_INPUTS = [
    # (change to the YAML example's inputs, expected property path, what the reason must mention)
    ({"kubernetes__namespace": "Argo_Events"}, "kubernetes.namespace", "'Argo_Events'"),
    ({"kubernetes__workflowNamespace": "Default_NS"}, "kubernetes.workflowNamespace", "'Default_NS'"),
    ({"kubernetes__workflowNamespace": "default\n"}, "kubernetes.workflowNamespace", "'default\\n'"),
    ({"targets__0__flow__staticParameters": {"mode": 3}}, "targets[0].flow.staticParameters.mode", "string"),
    # `size_bytes` is a flow parameter the user named: a map key, kept as written.
    (
        {"targets__0__flow__parameters": {"size_bytes": "no_such_field"}},
        "targets[0].flow.parameters.size_bytes",
        "'no_such_field'",
    ),
    ({"sensor__retrySteps": -1}, "sensor.retrySteps", "-1"),
    ({"sensor__retryInitialDelay": "soon"}, "sensor.retryInitialDelay", "'soon'"),
    ({"sensor__retryFactor": 0.5}, "sensor.retryFactor", "0.5"),
    ({"identity__oidcProviderArn": "not-an-arn"}, "identity.oidcProviderArn", "'not-an-arn'"),
    (
        {"kubernetes__labels": {"example.com/team": "x" * 64}},
        'kubernetes.labels["example.com/team"]',
        "63",
    ),
]


@pytest.mark.parametrize(("changes", "path", "problem"), BAD_S3_INPUTS, ids=[case[1] for case in BAD_S3_INPUTS])
def test_bad_input_is_an_input_property_error_in_the_callers_names(
    plugin: ProviderProcess, engine: tuple[FakeEngine, str], changes: dict[str, Any], path: str, problem: str
) -> None:
    inputs = s3_inputs(**changes)
    monitor, failure = failed_construct(plugin, inputs, name="raw")
    assert failure.code == grpc.StatusCode.INVALID_ARGUMENT, failure.details
    assert failure.details == f"S3ObjectTrigger 'raw': invalid input {path}"
    assert failure.property_errors is not None and len(failure.property_errors) == 1, failure
    ((property_path, reason),) = failure.property_errors
    assert property_path == path
    assert problem in reason and ". Fix: " in reason and reason.split(". Fix: ")[1].strip(), reason
    assert "Traceback" not in failure.details + reason and 'File "' not in reason
    # The engine shows the offending value next to the path: the path must find it in what the program sent.
    assert value_at(inputs, property_path) is not None
    assert monitor.registrations == [] and monitor.invokes == []


def test_the_path_finds_the_value_the_user_wrote(plugin: ProviderProcess, engine: tuple[FakeEngine, str]) -> None:
    inputs = s3_inputs(targets__0__flow__staticParameters={"mode": 3})
    _, failure = failed_construct(plugin, inputs, name="raw")
    assert failure.property_errors is not None
    ((path, _),) = failure.property_errors
    assert value_at(inputs, path) == 3
    assert "static_parameters" not in path and "staticParameters" in path


def test_another_blueprint_names_itself_and_its_instance(
    plugin: ProviderProcess, engine: tuple[FakeEngine, str]
) -> None:
    inputs = copy.deepcopy(FIVETRAN_INPUTS)
    inputs["kubernetes"]["sensorServiceAccountName"] = "Not_A_Name"
    monitor, failure = failed_construct(plugin, inputs, name="syncs", token=FIVETRAN_TOKEN)
    assert failure.code == grpc.StatusCode.INVALID_ARGUMENT, failure.details
    assert failure.details == "FivetranSyncTrigger 'syncs': invalid input kubernetes.sensorServiceAccountName"
    assert failure.property_errors is not None
    ((path, reason),) = failure.property_errors
    assert path == "kubernetes.sensorServiceAccountName" and value_at(inputs, path) == "Not_A_Name"
    assert "'Not_A_Name'" in reason and ". Fix: " in reason
    assert monitor.registrations == []


def test_a_missing_required_input_is_still_the_sdks_input_error(
    plugin: ProviderProcess, engine: tuple[FakeEngine, str]
) -> None:
    inputs = {k: v for k, v in yaml_inputs().items() if k != "targets"}
    monitor, failure = failed_construct(plugin, inputs)
    assert failure.code == grpc.StatusCode.INVALID_ARGUMENT
    assert failure.property_errors == [("targets", "Missing required input 'targets' on 'S3ObjectTrigger'")]
    assert "Traceback" not in failure.details
    assert monitor.registrations == []


# --- the conversion, in process -----------------------------------------------------------------------------------


class ProbeArgs(TypedDict):
    """Arguments shaped like a blueprint's."""

    kubernetes: KubernetesSettings
    """Where it runs."""
    targets: NotRequired[list[Target]]
    """What it starts."""


PROBE_RAISES: dict[str, Exception] = {}
"""What `Probe` named `<key>` raises."""


class Probe(pulumi.ComponentResource):
    """A component whose constructor raises `PROBE_RAISES[name]` before registering anything."""

    def __init__(self, name: str, args: ProbeArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        raise PROBE_RAISES[name]


@pytest.fixture
def probe_provider() -> BlueprintProvider:
    return BlueprintProvider([Probe], "metaflow-blueprints", "metaflow", "0.1.0")


def construct_probe(provider: BlueprintProvider, error: Exception) -> pytest.ExceptionInfo[Exception]:
    PROBE_RAISES["probe-1"] = error
    with pytest.raises(Exception) as raised:
        provider.construct("probe-1", "metaflow-blueprints:index:Probe", {"kubernetes": {"namespace": "a"}})
    return raised


def test_an_unnamed_error_is_named_after_the_construct_request(probe_provider: BlueprintProvider) -> None:
    error = BlueprintInputError("targets[0].flow.static_parameters", "'a' is both mapped and static", "keep one")
    raised = construct_probe(probe_provider, error)
    assert isinstance(raised.value, pulumi.InputPropertiesError)
    assert raised.value.message == "Probe 'probe-1': invalid input targets[0].flow.staticParameters"
    assert raised.value.errors == [
        {"property_path": "targets[0].flow.staticParameters", "reason": "'a' is both mapped and static. Fix: keep one"}
    ]


def test_a_named_error_keeps_its_component_and_instance(probe_provider: BlueprintProvider) -> None:
    error = BlueprintInputError(
        "kubernetes.workflow_namespace",
        "'x\\n' is not a DNS-1123 label",
        "drop the newline",
        component="Inner",
        resource_name="inner-1",
    )
    raised = construct_probe(probe_provider, error)
    assert isinstance(raised.value, pulumi.InputPropertiesError)
    assert raised.value.message == "Inner 'inner-1': invalid input kubernetes.workflowNamespace"
    assert raised.value.errors is not None
    assert [e["property_path"] for e in raised.value.errors] == ["kubernetes.workflowNamespace"]


def test_an_argo_spec_error_has_no_property_path_and_the_whole_reason(probe_provider: BlueprintProvider) -> None:
    error = ArgoSpecError("Sensor", "probe-1-sensor", ["spec.triggers[0]: no template", "spec.dependencies: empty"])
    raised = construct_probe(probe_provider, error)
    assert isinstance(raised.value, pulumi.InputPropertiesError)
    assert raised.value.message == (
        "Probe 'probe-1': Sensor 'probe-1-sensor' would be rejected by the Argo Events controller: "
        "spec.triggers[0]: no template; spec.dependencies: empty"
    )
    assert raised.value.errors == []


def test_any_other_error_keeps_the_sdks_behaviour(probe_provider: BlueprintProvider) -> None:
    bug = KeyError("a real bug")
    raised = construct_probe(probe_provider, bug)
    assert isinstance(raised.value, ComponentInitError) and raised.value.inner is bug


@pytest.mark.parametrize(
    ("argument", "expected"),
    [
        ("kubernetes", "kubernetes"),
        ("kubernetes.event_bus_name", "kubernetes.eventBusName"),
        ("kubernetes.labels.team_name", "kubernetes.labels.team_name"),
        ('kubernetes.labels.say "hi"', 'kubernetes.labels["say \\"hi\\""]'),
        ("targets[1].metaflow_event.static_payload.run_id", "targets[1].metaflowEvent.staticPayload.run_id"),
        ("targets[0].flow.template_name", "targets[0].flow.templateName"),
        ("no_such_argument.its_part", "noSuchArgument.itsPart"),
    ],
)
def test_schema_paths(probe_provider: BlueprintProvider, argument: str, expected: str) -> None:
    assert probe_provider.schema_path("Probe", argument) == expected
