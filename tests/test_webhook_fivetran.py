"""FivetranSyncTrigger with the `auth: secret-path` opt-out (the default, a verifying receiver, is in
test_webhook_verifier_wiring.py): the secret-path receiver, the signing secret, the anchored Sensor, and bad input."""

import copy
import re
from typing import Any

import pytest

from pulumi_metaflow_blueprints.core.fields import EventPath
from pulumi_metaflow_blueprints.core.target import value_template
from pulumi_metaflow_blueprints.offline import ProgramRun, run_program
from pulumi_metaflow_blueprints.offline.runner import is_secret
from pulumi_metaflow_blueprints.webhooks import FivetranSyncTrigger
from pulumi_metaflow_blueprints.webhooks.fivetran import FIVETRAN_SYNC_FIELDS
from tests.argo_schema import assert_valid_argo
from tests.helpers import body_template, rejected, resolved, sample, spec_of, strings_outside_secrets

TOKEN = "placeholder-token-for-orders-sync-path-token"
SIGNING = "placeholder-token-for-orders-sync-signing-secret"


def base_args(**overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "auth": "secret-path",
        "connector_ids": ["mystified_presiding", "warm_harbor"],
        "ingress": {"host": "hooks.example.com", "tls_secret_name": "hooks-tls"},
        "kubernetes": {"namespace": "argo-events", "workflow_namespace": "jobs"},
        "targets": [
            {"flow": {"flow": "OrdersFlow", "parameters": {"sync_id": "sync_id", "connector": "connector_name"}}},
            {"metaflow_event": {"event": "fivetran_synced", "payload": {"connector_id": "connector_id"}}},
        ],
    }
    args.update(overrides)
    return args


def run_fivetran(args: dict[str, Any] | None = None, **kwargs: Any) -> tuple[ProgramRun, FivetranSyncTrigger]:
    chosen = args if args is not None else base_args()
    made: list[FivetranSyncTrigger] = []
    run = run_program(lambda: made.append(FivetranSyncTrigger("orders-sync", chosen)), **kwargs)  # type: ignore[arg-type]
    return run, made[0]


@pytest.fixture(scope="module")
def program() -> tuple[ProgramRun, dict[str, tuple[Any, bool]]]:
    run, trigger = run_fivetran()
    keys = ("url", "signing_secret", "event_source_name", "sensor_name", "workflow_templates")
    return run, {key: resolved(getattr(trigger, key)) for key in keys}


@pytest.fixture(scope="module")
def run(program: tuple[ProgramRun, Any]) -> ProgramRun:
    return program[0]


def test_registers_exactly_the_expected_resources_under_the_component(run: ProgramRun) -> None:
    (component,) = run.of_type("metaflow-blueprints:index:FivetranSyncTrigger")
    children = sorted((r.type, r.name) for r in run.children_of(component))
    assert children == sorted(
        [
            ("random:index/randomPassword:RandomPassword", "orders-sync-path-token"),
            ("random:index/randomPassword:RandomPassword", "orders-sync-signing-secret"),
            ("kubernetes:argoproj.io/v1alpha1:EventSource", "orders-sync-eventsource"),
            ("kubernetes:networking.k8s.io/v1:Ingress", "orders-sync-ingress"),
            ("kubernetes:core/v1:ServiceAccount", "orders-sync-sensor-sa"),
            ("kubernetes:rbac.authorization.k8s.io/v1:Role", "orders-sync-sensor-role"),
            ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "orders-sync-sensor-binding"),
            ("kubernetes:rbac.authorization.k8s.io/v1:Role", "orders-sync-sensor-parked-role"),
            ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "orders-sync-sensor-parked-binding"),
            ("kubernetes:argoproj.io/v1alpha1:Sensor", "orders-sync-sensor"),
        ]
    )
    assert len(run.registrations) == len(children) + 1


def test_outputs_are_the_secret_url_and_signing_secret(program: tuple[ProgramRun, dict[str, tuple[Any, bool]]]) -> None:
    _, outputs = program
    assert outputs["url"] == (f"https://hooks.example.com/orders-sync/{TOKEN}", True)
    assert outputs["signing_secret"] == (SIGNING, True)
    assert outputs["event_source_name"] == ("orders-sync", False)
    assert outputs["sensor_name"] == ("orders-sync-sensor", False)
    assert outputs["workflow_templates"] == (["ordersflow"], False)


def test_secrets_are_random_and_never_outside_a_pulumi_secret(run: ProgramRun) -> None:
    for name in ("orders-sync-path-token", "orders-sync-signing-secret"):
        password = run.named(name).plain_inputs
        assert password["length"] >= 32 and password["special"] is False
    leaks = [(r.name, s) for r in run.registrations for s in strings_outside_secrets(r.inputs) if TOKEN in s]
    assert leaks == []
    assert any(TOKEN in str(r.plain_inputs) for r in run.registrations)


def test_event_source_route_is_the_secret_path(run: ProgramRun) -> None:
    (item,) = run.custom_resources("EventSource")
    assert not is_secret(item.inputs["spec"])  # only the endpoint (it holds the token) is a secret
    assert is_secret(item.inputs["spec"]["webhook"]["sync-end"]["endpoint"])
    resource = item.plain_inputs
    assert_valid_argo("EventSource", resource)
    assert resource["spec"]["webhook"] == {
        "sync-end": {
            "endpoint": f"/orders-sync/{TOKEN}",
            "method": "POST",
            "port": "12000",
            "url": "https://hooks.example.com",
        }
    }
    assert resource["spec"]["service"] == {"ports": [{"port": 12000, "targetPort": 12000}]}


def test_sensor_accepts_only_successful_sync_ends_of_those_connectors(run: ProgramRun) -> None:
    spec = spec_of(run, "Sensor")
    assert_valid_argo("Sensor", spec)
    (dependency,) = spec["dependencies"]
    assert (dependency["eventSourceName"], dependency["eventName"]) == ("orders-sync", "sync-end")
    assert dependency["filters"]["data"] == [
        {"path": "body.event", "type": "string", "value": ["^(?:sync_end)$"]},
        {"path": "body.data.status", "type": "string", "value": ["^(?:SUCCESSFUL)$"]},
        {"path": "body.connector_id", "type": "string", "value": ["^(?:mystified_presiding|warm_harbor)$"]},
    ]
    flow, event = spec["triggers"]
    assert flow["template"]["k8s"]["source"]["resource"]["metadata"]["namespace"] == "jobs"
    connector = value_template(EventPath.parse("body.connector_id"), payload=True)
    assert f',"connector_id":{connector}' in body_template(event)


def test_sample_passes_the_filters_a_failed_sync_does_not_and_every_field_resolves(run: ProgramRun) -> None:
    filters = spec_of(run, "Sensor")["dependencies"][0]["filters"]["data"]
    body = sample("fivetran-sync-end.webhook.json")
    failed = copy.deepcopy(body)
    failed["data"]["status"] = "FAILURE_WITH_TASK"

    def passes(payload: dict[str, Any]) -> bool:
        data = {"header": {}, "body": payload}
        for item in filters:
            found, value = FIVETRAN_SYNC_FIELDS.resolve("data:" + item["path"], "f").lookup(data)
            if not found or not re.search(item["value"][0], str(value)):
                return False
        return True

    assert passes(body) and not passes(failed)
    data = {"header": {}, "body": body}
    expected = {
        "connector_id": "mystified_presiding",
        "connector_name": "orders_db",
        "connector_type": "postgres",
        "sync_id": "4b8f0c7c-0fa9-49b6-bbbe-6e0c5cb4f6d5",
        "status": "SUCCESSFUL",
        "created": "2026-11-20T08:38:34.386Z",
        "destination_group_id": "deck_enjoy",
        "event": "sync_end",
        "data": {"status": "SUCCESSFUL"},
    }
    assert FIVETRAN_SYNC_FIELDS.names == [*expected, "body", "header"]
    for name, value in expected.items():
        field = FIVETRAN_SYNC_FIELDS.get(name)
        assert field is not None and field.path.lookup(data) == (True, value), name


def test_without_connector_ids_every_successful_sync_passes() -> None:
    args = base_args()
    del args["connector_ids"]
    run, _ = run_fivetran(args)
    paths = [f["path"] for f in spec_of(run, "Sensor")["dependencies"][0]["filters"]["data"]]
    assert paths == ["body.event", "body.data.status"]


@pytest.mark.parametrize(
    ("mutate", "argument"),
    [
        (lambda a: a.update(connector_ids=[]), "connector_ids"),
        (lambda a: a.update(connector_ids=["bad id"]), "connector_ids[0]"),
        (lambda a: a.update(connector_ids="mystified_presiding"), "connector_ids"),
        (lambda a: a.pop("ingress"), "ingress"),
        (lambda a: a.update(public_url="ftp://edge.example.com"), "public_url"),
        (lambda a: a["ingress"].update(class_name="Nginx!"), "ingress.class_name"),
        (lambda a: a["targets"][0]["flow"]["parameters"].update(x="connector"), "targets[0].flow.parameters.x"),
        (lambda a: a.update(targets=[]), "targets"),
    ],
)
def test_bad_input_is_rejected_before_anything_is_created(mutate: Any, argument: str) -> None:
    args = copy.deepcopy(base_args())
    mutate(args)
    run, error = rejected(lambda: FivetranSyncTrigger("orders-sync", args))  # type: ignore[arg-type]
    assert error.argument == argument
    assert "Fix:" in str(error)
    assert run.registrations == []
