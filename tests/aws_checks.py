"""Checks every AWS blueprint's tests share: the SQS leg, the reader identity, the specs, and bad input."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pulumi_metaflow_blueprints.core.fields import EventPath
from pulumi_metaflow_blueprints.core.target import value_template
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.offline import ProgramRun, run_program, run_program_dir
from tests.argo_schema import assert_valid_argo
from tests.helpers import OIDC, contains_unknown, policy, rejected

CONFIG = {"aws:region": "us-west-2"}
ACCOUNT = "000000000000"
IRSA = {"mode": "irsa", "oidc_provider_arn": OIDC}
KUBERNETES = {"namespace": "argo-events", "workflow_namespace": "jobs"}
EXAMPLES = Path(__file__).parent.parent / "examples"
SENSOR_RESOURCES = [
    ("kubernetes:core/v1:ServiceAccount", "sensor-sa"),
    ("kubernetes:rbac.authorization.k8s.io/v1:Role", "sensor-role"),
    ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "sensor-binding"),
    ("kubernetes:rbac.authorization.k8s.io/v1:Role", "sensor-parked-role"),
    ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "sensor-parked-binding"),
    ("kubernetes:argoproj.io/v1alpha1:Sensor", "sensor"),
]
READER_RESOURCES = [
    ("aws:iam/role:Role", "reader"),
    ("aws:iam/rolePolicy:RolePolicy", "queue-access"),
    ("kubernetes:core/v1:ServiceAccount", "eventsource-sa"),
    ("kubernetes:argoproj.io/v1alpha1:EventSource", "eventsource"),
]
QUEUE_RESOURCES = [
    ("aws:sqs/queue:Queue", "dlq"),
    ("aws:sqs/queue:Queue", "queue"),
    ("aws:sqs/queuePolicy:QueuePolicy", "queue-policy"),
]


def queue_arn(name: str, region: str = "us-west-2") -> str:
    """The placeholder ARN of a queue the blueprint created."""
    return f"arn:aws:sqs:{region}:{ACCOUNT}:{name}"


def run_component(build: Callable[[], Any], **kwargs: Any) -> tuple[ProgramRun, Any]:
    """Run ``build`` offline; return the run and the component it built (for its outputs)."""
    built: list[Any] = []
    run = run_program(lambda: built.append(build()), config=kwargs.pop("config", CONFIG), **kwargs)
    return run, built[0]


def assert_children(run: ProgramRun, type_token: str, name: str, own: list[tuple[str, str]]) -> None:
    """The component registered exactly ``own`` (type, name suffix) under itself, and nothing else anywhere."""
    (component,) = run.of_type(type_token)
    children = sorted((r.type, r.name) for r in run.children_of(component))
    assert children == sorted((kind, f"{name}-{suffix}") for kind, suffix in own)
    assert len(run.registrations) == len(children) + 1


def assert_queue_pair(run: ProgramRun, name: str, queue_name: str) -> None:
    """Both queues encrypted, long polled, the queue redriving to the DLQ and only it allowed to redrive there."""
    queue, dlq = run.named(f"{name}-queue").plain_inputs, run.named(f"{name}-dlq").plain_inputs
    assert (queue["name"], dlq["name"]) == (queue_name, f"{queue_name}-dlq")
    assert queue["sqsManagedSseEnabled"] is True and dlq["sqsManagedSseEnabled"] is True
    assert queue["receiveWaitTimeSeconds"] == 20
    assert json.loads(queue["redrivePolicy"]) == {"deadLetterTargetArn": queue_arn(dlq["name"]), "maxReceiveCount": 5}
    allow = json.loads(dlq["redriveAllowPolicy"])
    assert allow == {"redrivePermission": "byQueue", "sourceQueueArns": [queue_arn(queue_name)]}


def queue_policy_statements(run: ProgramRun, name: str, queue: str) -> list[dict[str, Any]]:
    """The queue policy's Allow statements, after checking its last statement denies plain HTTP to that queue."""
    *allows, deny = policy(run.named(f"{name}-queue-policy").inputs["policy"])["Statement"]
    assert deny == {
        "Sid": "DenyInsecureTransport",
        "Effect": "Deny",
        "Principal": "*",
        "Action": "sqs:*",
        "Resource": queue,
        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
    }
    return allows


def assert_reads_only(run: ProgramRun, name: str, queue: str) -> None:
    """The reader role trusts only the EventSource's service account and may only consume ``queue``."""
    (trust,) = policy(run.named(f"{name}-reader").inputs["assumeRolePolicy"])["Statement"]
    issuer = OIDC.split(":oidc-provider/")[1]
    assert (
        trust["Condition"]["StringEquals"][f"{issuer}:sub"] == f"system:serviceaccount:argo-events:{name}-eventsource"
    )
    (grant,) = policy(run.named(f"{name}-queue-access").inputs["policy"])["Statement"]
    assert sorted(grant["Action"]) == [
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:ReceiveMessage",
    ]
    assert grant["Resource"] == queue


def valid_specs(run: ProgramRun) -> tuple[dict[str, Any], dict[str, Any]]:
    """The EventSource and Sensor specs, each checked against the schema and the controller's rules."""
    specs = []
    for kind in ("EventSource", "Sensor"):
        (item,) = run.custom_resources(kind)
        resource = item.plain_inputs
        assert_valid_argo(kind, resource)  # type: ignore[arg-type]
        specs.append(resource["spec"])
    return specs[0], specs[1]


def assert_known_at_preview(build: Callable[[], Any]) -> None:
    """With cloud-computed attributes unknown (a real preview), the EventSource and Sensor are fully known."""
    run = run_program(build, config=CONFIG, computed=False)
    for kind in ("EventSource", "Sensor"):
        (item,) = run.custom_resources(kind)
        assert not contains_unknown(item.inputs), kind


def assert_example_runs(folder: str, type_token: str) -> ProgramRun:
    """The example program runs offline; everything sits under the component; its specs validate."""
    run = run_program_dir(EXAMPLES / folder)
    (component,) = run.of_type(type_token)
    assert {r.parent for r in run.registrations if r is not component} == {component.urn}
    valid_specs(run)
    return run


def refused(build: Callable[[], Any], config: dict[str, str] | None = None) -> BlueprintInputError:
    """Bad input raises before anything is registered; the error carries a fix."""
    run, error = rejected(build, config=CONFIG if config is None else config)
    assert run.registrations == []
    assert "Fix:" in str(error)
    return error


def sqs_message(body: Any, attributes: dict[str, str] | None = None, message_id: str = "m-1") -> dict[str, Any]:
    """Argo's event data for an SQS message (`jsonBody: true`) with String message attributes.

    Argo puts the SDK's `MessageAttributeValue` structs in the event as they are: Go field names, nil fields as null.
    """
    empty = {"BinaryListValues": None, "BinaryValue": None, "StringListValues": None}
    typed = {key: {**empty, "DataType": "String", "StringValue": value} for key, value in (attributes or {}).items()}
    return {"messageId": message_id, "messageAttributes": typed, "body": body, "metadata": {}}


def blueprint_args(source: dict[str, Any], targets: list[dict[str, Any]], /, **overrides: Any) -> dict[str, Any]:
    """A source's own arguments plus the shared identity (IRSA), Kubernetes and targets, then ``overrides``."""
    return {**source, "identity": IRSA, "kubernetes": KUBERNETES, "targets": targets, **overrides}


def runner(component: Callable[[str, Any], Any], name: str) -> Callable[..., tuple[ProgramRun, Any]]:
    """A function running ``component(name, args)`` offline and returning the run and the component."""

    def run(args: dict[str, Any], **kwargs: Any) -> tuple[ProgramRun, Any]:
        return run_component(lambda: component(name, args), **kwargs)

    return run


def template_for(path: str) -> str:
    """The Go template a flow parameter taken from the event data at ``path`` (gjson syntax) must use."""
    return value_template(EventPath.parse(path))
