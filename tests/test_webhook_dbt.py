"""DbtCloudJobTrigger with the `auth: secret-path` opt-out (the default, a verifying receiver, is tested in
test_webhook_verifier_wiring.py): the dbt Cloud subscription, the secret-path receiver, the anchored Sensor, and bad
input."""

import copy
import re
from typing import Any

import pytest

from pulumi_metaflow_blueprints.core.fields import EventPath
from pulumi_metaflow_blueprints.core.target import value_template
from pulumi_metaflow_blueprints.offline import ProgramRun, run_program
from pulumi_metaflow_blueprints.offline.runner import is_secret
from pulumi_metaflow_blueprints.webhooks import DbtCloudJobTrigger, DbtRunStatus
from pulumi_metaflow_blueprints.webhooks.dbt import DBT_JOB_RUN_FIELDS
from tests.argo_schema import assert_valid_argo
from tests.helpers import (
    argument_parameters,
    contains_unknown,
    rejected,
    resolved,
    sample,
    spec_of,
    strings_outside_secrets,
)

TOKEN = "placeholder-token-for-nightly-path-token"
HMAC = "placeholder-hmac-for-nightly-dbt-webhook"
URL = f"https://hooks.example.com/nightly/{TOKEN}"


def base_args(**overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "auth": "secret-path",
        "job_ids": [481516, 42.0],
        "account_id": 70403103926818,
        "ingress": {"host": "hooks.example.com", "class_name": "nginx", "tls_secret_name": "hooks-tls"},
        "kubernetes": {"namespace": "argo-events"},
        "targets": [
            {
                "flow": {
                    "flow": "FeaturesFlow",
                    "parameters": {"dbt_run_id": "run_id", "dbt_job_id": "job_id", "finished_at": "finished_at"},
                }
            }
        ],
    }
    args.update(overrides)
    return args


def run_dbt(args: dict[str, Any] | None = None, **kwargs: Any) -> tuple[ProgramRun, DbtCloudJobTrigger]:
    chosen = args if args is not None else base_args()
    made: list[DbtCloudJobTrigger] = []
    run = run_program(lambda: made.append(DbtCloudJobTrigger("nightly", chosen)), **kwargs)  # type: ignore[arg-type]
    return run, made[0]


@pytest.fixture(scope="module")
def program() -> tuple[ProgramRun, dict[str, tuple[Any, bool]]]:
    run, trigger = run_dbt()
    keys = ("url", "webhook_id", "hmac_secret", "event_source_name", "sensor_name")
    return run, {key: resolved(getattr(trigger, key)) for key in keys}


@pytest.fixture(scope="module")
def run(program: tuple[ProgramRun, Any]) -> ProgramRun:
    return program[0]


def test_registers_exactly_the_expected_resources_under_the_component(run: ProgramRun) -> None:
    (component,) = run.of_type("metaflow-blueprints:index:DbtCloudJobTrigger")
    children = sorted((r.type, r.name) for r in run.children_of(component))
    assert children == sorted(
        [
            ("random:index/randomPassword:RandomPassword", "nightly-path-token"),
            ("kubernetes:argoproj.io/v1alpha1:EventSource", "nightly-eventsource"),
            ("kubernetes:networking.k8s.io/v1:Ingress", "nightly-ingress"),
            ("dbtcloud:index/webhook:Webhook", "nightly-dbt-webhook"),
            ("kubernetes:core/v1:ServiceAccount", "nightly-sensor-sa"),
            ("kubernetes:rbac.authorization.k8s.io/v1:Role", "nightly-sensor-role"),
            ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "nightly-sensor-binding"),
            ("kubernetes:rbac.authorization.k8s.io/v1:Role", "nightly-sensor-parked-role"),
            ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "nightly-sensor-parked-binding"),
            ("kubernetes:argoproj.io/v1alpha1:Sensor", "nightly-sensor"),
        ]
    )
    assert len(run.registrations) == len(children) + 1


def test_dbt_cloud_subscription_posts_completed_runs_of_the_jobs_to_the_secret_url(run: ProgramRun) -> None:
    webhook = run.named("nightly-dbt-webhook")
    inputs = webhook.plain_inputs
    assert inputs["eventTypes"] == ["job.run.completed"]
    assert inputs["jobIds"] == [42, 481516]
    assert inputs["active"] is True
    assert inputs["name"] == "metaflow-blueprints-nightly"
    assert inputs["clientUrl"] == URL
    assert is_secret(webhook.inputs["clientUrl"])
    event_source, ingress = run.named("nightly-eventsource"), run.named("nightly-ingress")
    assert webhook.parent == event_source.parent
    # The mocks record no dependencies; registration order shows the subscription waited for the receiving side.
    assert {ingress.urn, event_source.urn} <= set(_registered_before(run, webhook))


def _registered_before(run: ProgramRun, item: Any) -> list[str]:
    order = [r.urn for r in run.registrations]
    return order[: order.index(item.urn)]


def test_path_token_is_random_and_never_outside_a_secret(run: ProgramRun) -> None:
    password = run.named("nightly-path-token").plain_inputs
    assert password["length"] >= 32 and password["special"] is False
    for secret_value in (TOKEN, HMAC):
        leaks = [(r.name, s) for r in run.registrations for s in strings_outside_secrets(r.inputs) if secret_value in s]
        assert leaks == [], secret_value
    assert any(TOKEN in str(r.plain_inputs) for r in run.registrations)
    assert run.of_type("kubernetes:core/v1:Secret") == []  # no bearer token: dbt Cloud cannot send one


def test_outputs_secret_url_and_hmac_secret(program: tuple[ProgramRun, dict[str, tuple[Any, bool]]]) -> None:
    _, outputs = program
    assert outputs["url"] == (URL, True)
    assert outputs["hmac_secret"] == (HMAC, True)
    assert outputs["webhook_id"] == ("wsu_placeholdernightly-dbt-webhook", False)
    assert outputs["event_source_name"] == ("nightly", False)
    assert outputs["sensor_name"] == ("nightly-sensor", False)


def test_event_source_route_is_the_secret_path_without_auth_secret(run: ProgramRun) -> None:
    (item,) = run.custom_resources("EventSource")
    assert not is_secret(item.inputs["spec"])  # only the endpoint (it holds the token) is a secret
    assert is_secret(item.inputs["spec"]["webhook"]["job-run-completed"]["endpoint"])
    resource = item.plain_inputs
    assert_valid_argo("EventSource", resource)
    assert resource["spec"] == {
        "eventBusName": "default",
        "service": {"ports": [{"port": 12000, "targetPort": 12000}]},
        "webhook": {
            "job-run-completed": {
                "endpoint": f"/nightly/{TOKEN}",
                "method": "POST",
                "port": "12000",
                "url": "https://hooks.example.com",
            }
        },
    }


def test_ingress_prefix_keeps_the_token_out_of_the_ingress(run: ProgramRun) -> None:
    spec = run.named("nightly-ingress").plain_inputs["spec"]
    assert spec["tls"] == [{"hosts": ["hooks.example.com"], "secretName": "hooks-tls"}]
    assert spec["rules"][0]["http"]["paths"] == [
        {
            "path": "/nightly",
            "pathType": "Prefix",
            "backend": {"service": {"name": "nightly-eventsource-svc", "port": {"number": 12000}}},
        }
    ]


def test_sensor_accepts_only_successful_completed_runs_of_that_account_and_those_jobs(run: ProgramRun) -> None:
    spec = spec_of(run, "Sensor")
    assert_valid_argo("Sensor", spec)
    (dependency,) = spec["dependencies"]
    assert (dependency["eventSourceName"], dependency["eventName"]) == ("nightly", "job-run-completed")
    assert dependency["filters"] == {
        "dataLogicalOperator": "and",
        "data": [
            {"path": "body.eventType", "type": "string", "value": ["^(?:job\\.run\\.completed)$"]},
            {"path": "body.accountId", "type": "string", "value": ["^(?:70403103926818)$"]},
            {"path": "body.data.jobId", "type": "string", "value": ["^(?:42|481516)$"]},
            {"path": "body.data.runStatus", "type": "string", "value": ["^(?:Success)$"]},
        ],
    }
    templates = [p["src"]["dataTemplate"] for p in argument_parameters(spec["triggers"][0]["template"]["k8s"])]
    assert templates == [
        value_template(EventPath(("body", "data", key))) for key in ("jobId", "runId", "runFinishedAt")
    ]


def test_sample_payload_passes_every_filter_and_resolves_every_field(run: ProgramRun) -> None:
    data = {
        "header": {"Content-Type": ["application/json"]},
        "body": sample("dbt-cloud-job-run-completed.webhook.json"),
    }
    for data_filter in spec_of(run, "Sensor")["dependencies"][0]["filters"]["data"]:
        found, value = DBT_JOB_RUN_FIELDS.resolve("data:" + data_filter["path"], "f").lookup(data)
        assert found and re.search(data_filter["value"][0], str(value)), data_filter
    expected = {
        "account_id": 70403103926818,
        "job_id": "481516",
        "job_name": "Nightly build",
        "run_id": "2342",
        "run_status": "Success",
        "run_status_code": 10,
        "run_status_message": "None",
        "run_reason": "Kicked off by schedule",
        "environment_id": "1234",
        "environment_name": "Production",
        "project_id": "167194",
        "project_name": "Analytics",
        "dbt_version": "1.10.0",
        "started_at": "2026-11-20T08:28:07Z",
        "finished_at": "2026-11-20T08:29:32Z",
        "event_id": "wev_2L6Z3l8uPedXKPq9D2nWbPIip7Z",
        "event_type": "job.run.completed",
        "timestamp": "2026-11-20T08:29:32.742843678Z",
    }
    for name, value in expected.items():
        field = DBT_JOB_RUN_FIELDS.get(name)
        assert field is not None, name
        assert field.path.lookup(data) == (True, value), name
    assert DBT_JOB_RUN_FIELDS.resolve("data.dbtVersion", "p").lookup(data) == (True, "1.10.0")


def test_statuses_are_configurable_and_account_id_comes_from_config() -> None:
    args = base_args(statuses=[DbtRunStatus.ERRORED, "Cancelled"])
    del args["account_id"]
    run, _ = run_dbt(args, config={"dbtcloud:accountId": "1234"})
    data = spec_of(run, "Sensor")["dependencies"][0]["filters"]["data"]
    assert data[1]["value"] == ["^(?:1234)$"]
    assert data[3]["value"] == ["^(?:Errored|Cancelled)$"]


def test_public_url_replaces_the_ingress() -> None:
    args = base_args(public_url="https://edge.example.com/dbt")
    del args["ingress"]
    run, trigger = run_dbt(args)
    assert resolved(trigger.url) == (f"https://edge.example.com/dbt/nightly/{TOKEN}", True)
    assert run.of_type("kubernetes:networking.k8s.io/v1:Ingress") == []


def test_every_sensor_value_is_known_at_preview_and_the_token_is_not() -> None:
    run, _ = run_dbt(computed=False)
    (sensor,) = run.custom_resources("Sensor")
    assert not contains_unknown(sensor.inputs)
    ingress = run.named("nightly-ingress")
    assert not contains_unknown(ingress.inputs)
    # The random path token is computed by the provider: the EventSource's endpoint is unknown until it exists.
    assert contains_unknown(run.named("nightly-eventsource").inputs["spec"])


@pytest.mark.parametrize(
    ("mutate", "argument"),
    [
        (lambda a: a.pop("job_ids"), "job_ids"),
        (lambda a: a.update(job_ids=[]), "job_ids"),
        (lambda a: a.update(job_ids=["481516"]), "job_ids[0]"),
        (lambda a: a.update(job_ids=[1.5]), "job_ids[0]"),
        (lambda a: a.update(job_ids=[42, 2**53]), "job_ids[1]"),  # the Pulumi engine would round it to another id
        (lambda a: a.update(statuses=["Succeeded"]), "statuses[0]"),
        (lambda a: a.update(statuses=[]), "statuses"),
        (lambda a: a.pop("account_id"), "account_id"),
        (lambda a: a.update(account_id=-1), "account_id"),
        (lambda a: a.update(account_id=2**63), "account_id"),
        (lambda a: a.pop("ingress"), "ingress"),
        (lambda a: a.update(public_url="http://edge.example.com"), "public_url"),
        (lambda a: a["ingress"].update(host="hooks example"), "ingress.host"),
        (lambda a: a.update(webhook_name="x" * 256), "webhook_name"),
        (lambda a: a["targets"][0]["flow"]["parameters"].update(s="run_state"), "targets[0].flow.parameters.s"),
        (lambda a: a.update(filters=[{"field": "environment_name"}]), "filters[0]"),
    ],
)
def test_bad_input_is_rejected_before_anything_is_created(mutate: Any, argument: str) -> None:
    args = copy.deepcopy(base_args())
    mutate(args)
    run, error = rejected(lambda: DbtCloudJobTrigger("nightly", args))  # type: ignore[arg-type]
    assert error.argument == argument
    assert "Fix:" in str(error)
    assert run.registrations == []


def test_several_dbt_triggers_in_one_program_do_not_clash() -> None:
    def program() -> None:
        DbtCloudJobTrigger("nightly", base_args())  # type: ignore[arg-type]
        DbtCloudJobTrigger("hourly", base_args(job_ids=[7]))  # type: ignore[arg-type]

    run = run_program(program)
    routes = [
        i.plain_inputs["spec"]["webhook"]["job-run-completed"]["endpoint"] for i in run.custom_resources("EventSource")
    ]
    assert sorted(routes) == ["/hourly/placeholder-token-for-hourly-path-token", f"/nightly/{TOKEN}"]
    assert sorted(w.plain_inputs["jobIds"][0] for w in run.of_type("dbtcloud:index/webhook:Webhook")) == [7, 42]
