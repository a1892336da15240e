"""WebhookTrigger: the resources it registers, their inputs, its secrets, and the errors bad input gets."""

import copy
from typing import Any

import pytest

from pulumi_metaflow_blueprints.core.fields import EventPath
from pulumi_metaflow_blueprints.core.target import value_template
from pulumi_metaflow_blueprints.offline import ProgramRun, run_program
from pulumi_metaflow_blueprints.offline.runner import is_secret
from pulumi_metaflow_blueprints.webhooks import WebhookAuthMode, WebhookTrigger
from pulumi_metaflow_blueprints.webhooks.generic import WEBHOOK_FIELDS
from tests.argo_schema import assert_valid_argo
from tests.helpers import argument_parameters, contains_unknown, rejected, resolved, spec_of, strings_outside_secrets

TOKEN = "placeholder-token-for-orders-token"
"""What the offline mocks make the RandomPassword's result: must never appear outside a secret."""


def base_args(**overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "ingress": {
            "host": "hooks.example.com",
            "class_name": "nginx",
            "tls_secret_name": "hooks-example-com-tls",
            "annotations": {"nginx.ingress.kubernetes.io/whitelist-source-range": "203.0.113.0/24"},
        },
        "kubernetes": {"namespace": "argo-events", "workflow_namespace": "jobs"},
        "targets": [
            {
                "flow": {
                    "flow": "OrdersFlow",
                    "parameters": {"order_id": "body.order.id", "request_id": "header.x-request-id"},
                }
            }
        ],
        "filters": [{"field": "body.kind", "equals": ["daily"]}],
    }
    args.update(overrides)
    return args


def run_webhook(args: dict[str, Any] | None = None, *, name: str = "orders", **kwargs: Any) -> tuple[ProgramRun, Any]:
    chosen = args if args is not None else base_args()
    made: list[WebhookTrigger] = []
    run = run_program(lambda: made.append(WebhookTrigger(name, chosen)), **kwargs)  # type: ignore[arg-type]
    return run, made[0]


@pytest.fixture(scope="module")
def program() -> tuple[ProgramRun, dict[str, tuple[Any, bool]]]:
    run, trigger = run_webhook()
    outputs = {key: resolved(getattr(trigger, key)) for key in ("url", "token", "event_source_name", "sensor_name")}
    return run, outputs


@pytest.fixture(scope="module")
def run(program: tuple[ProgramRun, Any]) -> ProgramRun:
    return program[0]


def test_registers_exactly_the_expected_resources_under_the_component(run: ProgramRun) -> None:
    (component,) = run.of_type("metaflow-blueprints:index:WebhookTrigger")
    children = sorted((r.type, r.name) for r in run.children_of(component))
    assert children == sorted(
        [
            ("random:index/randomPassword:RandomPassword", "orders-token"),
            ("kubernetes:core/v1:Secret", "orders-token-secret"),
            ("kubernetes:argoproj.io/v1alpha1:EventSource", "orders-eventsource"),
            ("kubernetes:networking.k8s.io/v1:Ingress", "orders-ingress"),
            ("kubernetes:core/v1:ServiceAccount", "orders-sensor-sa"),
            ("kubernetes:rbac.authorization.k8s.io/v1:Role", "orders-sensor-role"),
            ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "orders-sensor-binding"),
            ("kubernetes:rbac.authorization.k8s.io/v1:Role", "orders-sensor-parked-role"),
            ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "orders-sensor-parked-binding"),
            ("kubernetes:argoproj.io/v1alpha1:Sensor", "orders-sensor"),
        ]
    )
    assert len(run.registrations) == len(children) + 1


def test_token_is_random_long_alphanumeric_and_kept_in_a_secret(run: ProgramRun) -> None:
    password = run.named("orders-token").plain_inputs
    assert password["length"] >= 32 and password["special"] is False
    assert "keepers" not in password  # nothing rotates it between runs
    secret = run.named("orders-token-secret")
    assert is_secret(secret.inputs["stringData"])
    assert secret.plain_inputs["stringData"] == {"token": TOKEN}
    assert secret.plain_inputs["metadata"]["name"] == "orders-webhook-token"
    assert secret.plain_inputs["metadata"]["namespace"] == "argo-events"
    assert secret.plain_inputs["type"] == "Opaque"


def test_no_registration_shows_the_token_outside_a_secret(run: ProgramRun) -> None:
    leaks = [(r.name, s) for r in run.registrations for s in strings_outside_secrets(r.inputs) if TOKEN in s]
    assert leaks == []
    # The check can fail: the unwrapped inputs do hold the token.
    assert any(TOKEN in str(r.plain_inputs) for r in run.registrations)


def test_outputs_url_token_and_names(program: tuple[ProgramRun, dict[str, tuple[Any, bool]]]) -> None:
    _, outputs = program
    assert outputs["url"] == ("https://hooks.example.com/orders", False)
    assert outputs["token"] == (TOKEN, True)
    assert outputs["event_source_name"] == ("orders", False)
    assert outputs["sensor_name"] == ("orders-sensor", False)


def test_event_source_is_one_post_route_checking_the_bearer_token_with_its_own_service(run: ProgramRun) -> None:
    (item,) = run.custom_resources("EventSource")
    resource = item.plain_inputs
    assert_valid_argo("EventSource", resource)
    assert resource["metadata"]["name"] == "orders"
    assert resource["spec"] == {
        "eventBusName": "default",
        "service": {"ports": [{"port": 12000, "targetPort": 12000}]},
        "webhook": {
            "webhook": {
                "endpoint": "/orders",
                "method": "POST",
                "port": "12000",
                "url": "https://hooks.example.com",
                "authSecret": {"name": "orders-webhook-token", "key": "token"},
            }
        },
    }
    assert not is_secret(item.inputs["spec"])


def test_ingress_routes_exactly_the_endpoint_to_the_eventsource_service_over_tls(run: ProgramRun) -> None:
    ingress = run.named("orders-ingress").plain_inputs
    assert ingress["metadata"]["annotations"] == {
        "nginx.ingress.kubernetes.io/whitelist-source-range": "203.0.113.0/24"
    }
    assert ingress["metadata"]["namespace"] == "argo-events"
    spec = ingress["spec"]
    assert spec["ingressClassName"] == "nginx"
    assert spec["tls"] == [{"hosts": ["hooks.example.com"], "secretName": "hooks-example-com-tls"}]
    (rule,) = spec["rules"]
    assert rule["host"] == "hooks.example.com"
    assert rule["http"]["paths"] == [
        {
            "path": "/orders",
            "pathType": "Exact",
            "backend": {"service": {"name": "orders-eventsource-svc", "port": {"number": 12000}}},
        }
    ]


def test_sensor_maps_body_paths_and_first_header_values_and_filters_anchored(run: ProgramRun) -> None:
    spec = spec_of(run, "Sensor")
    assert_valid_argo("Sensor", spec)
    (dependency,) = spec["dependencies"]
    assert (dependency["eventSourceName"], dependency["eventName"]) == ("orders", "webhook")
    assert dependency["filters"]["data"] == [{"path": "body.kind", "type": "string", "value": ["^(?:daily)$"]}]
    (trigger,) = spec["triggers"]
    templates = [p["src"]["dataTemplate"] for p in argument_parameters(trigger["template"]["k8s"])]
    assert templates == [
        value_template(EventPath(("body", "order", "id"))),
        value_template(EventPath(("header", "X-Request-Id", 0))),
    ]
    workflow = trigger["template"]["k8s"]["source"]["resource"]
    assert workflow["spec"]["arguments"]["parameters"] == [
        {"name": "order_id", "value": "null"},
        {"name": "request_id", "value": "null"},
    ]


def test_fields_resolve_against_an_argo_webhook_event() -> None:
    event = {
        "header": {"X-Request-Id": ["req-7"], "Authorization": ["*** Masked Auth Secret ***"]},
        "body": {"order": {"id": 42}, "kind": "daily"},
        "metadata": {},
    }
    for reference, expected in [("body.order.id", 42), ("header.x-request-id", "req-7"), ("body", event["body"])]:
        found, value = WEBHOOK_FIELDS.resolve(reference, "p").lookup(event)
        assert found and value == expected, reference


def test_without_ingress_the_url_is_the_in_cluster_service() -> None:
    args = base_args()
    del args["ingress"]
    run, trigger = run_webhook(args)
    assert resolved(trigger.url) == ("http://orders-eventsource-svc.argo-events.svc:12000/orders", False)
    assert run.of_type("kubernetes:networking.k8s.io/v1:Ingress") == []
    route = spec_of(run, "EventSource")["webhook"]["webhook"]
    assert route["url"] == "http://orders-eventsource-svc.argo-events.svc:12000"


def test_public_url_is_the_base_of_the_url_and_wins_over_the_ingress_host() -> None:
    run, trigger = run_webhook(base_args(public_url="https://edge.example.com/argo/"))
    assert resolved(trigger.url) == ("https://edge.example.com/argo/orders", False)
    assert spec_of(run, "EventSource")["webhook"]["webhook"]["url"] == "https://edge.example.com/argo"


def test_secret_path_mode_puts_the_token_in_the_path_and_no_auth_secret() -> None:
    run, trigger = run_webhook(base_args(auth=WebhookAuthMode.SECRET_PATH))
    token = "placeholder-token-for-orders-path-token"
    assert resolved(trigger.url) == (f"https://hooks.example.com/orders/{token}", True)
    assert run.of_type("kubernetes:core/v1:Secret") == []
    (item,) = run.custom_resources("EventSource")
    assert not is_secret(item.inputs["spec"])  # only the endpoint (it holds the token) is a secret
    assert is_secret(item.inputs["spec"]["webhook"]["webhook"]["endpoint"])
    route = item.plain_inputs["spec"]["webhook"]["webhook"]
    assert route["endpoint"] == f"/orders/{token}" and "authSecret" not in route
    assert_valid_argo("EventSource", item.plain_inputs)
    path = run.named("orders-ingress").plain_inputs["spec"]["rules"][0]["http"]["paths"][0]
    assert (path["path"], path["pathType"]) == ("/orders", "Prefix")  # the token stays out of the Ingress
    leaks = [(r.name, s) for r in run.registrations for s in strings_outside_secrets(r.inputs) if token in s]
    assert leaks == []


def test_two_webhooks_in_one_namespace_get_their_own_eventsource_service_secret_and_endpoint() -> None:
    def program() -> None:
        WebhookTrigger("orders", base_args())  # type: ignore[arg-type]
        WebhookTrigger("refunds", base_args())  # type: ignore[arg-type]

    run = run_program(program)
    sources = [item.plain_inputs for item in run.custom_resources("EventSource")]
    assert sorted(s["metadata"]["name"] for s in sources) == ["orders", "refunds"]
    routes = [s["spec"]["webhook"]["webhook"] for s in sources]
    assert sorted(r["endpoint"] for r in routes) == ["/orders", "/refunds"]
    assert sorted(r["authSecret"]["name"] for r in routes) == ["orders-webhook-token", "refunds-webhook-token"]
    backends = sorted(
        r.plain_inputs["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"]
        for r in run.of_type("kubernetes:networking.k8s.io/v1:Ingress")
    )
    assert backends == ["orders-eventsource-svc", "refunds-eventsource-svc"]
    sensors = [
        item.plain_inputs["spec"]["dependencies"][0]["eventSourceName"] for item in run.custom_resources("Sensor")
    ]
    assert sorted(sensors) == ["orders", "refunds"]
    assert len({r.name for r in run.registrations}) == len(run.registrations)


def test_every_spec_value_is_known_at_preview() -> None:
    run, _ = run_webhook(computed=False)
    for kind in ("EventSource", "Sensor"):
        (item,) = run.custom_resources(kind)
        assert not contains_unknown(item.inputs), kind
    # The token really is computed by the provider, so the mocks leave it unknown: the check above can fail.
    assert contains_unknown(run.named("orders-token-secret").inputs["stringData"])


@pytest.mark.parametrize(
    ("mutate", "argument"),
    [
        (lambda a: a.update(auth="basic"), "auth"),
        (lambda a: a["ingress"].update(host="Hooks_Example"), "ingress.host"),
        (lambda a: a["ingress"].pop("host"), "ingress.host"),
        (lambda a: a["ingress"].update(tls_secret_name="TLS"), "ingress.tls_secret_name"),
        (lambda a: a["ingress"].update(annotations={"bad key!": "x"}), "ingress.annotations.bad key!"),
        (lambda a: a.update(public_url="http://edge.example.com"), "public_url"),
        (lambda a: a.update(public_url="https://edge.example.com/?a=1"), "public_url"),
        (
            lambda a: a["targets"][0]["flow"]["parameters"].update(auth="header.Authorization"),
            "targets[0].flow.parameters.auth",
        ),
        (lambda a: a["targets"][0]["flow"]["parameters"].update(h="header.X Bad"), "targets[0].flow.parameters.h"),
        (lambda a: a["targets"][0]["flow"]["parameters"].update(x="order.id"), "targets[0].flow.parameters.x"),
        (lambda a: a.update(filters=[{"field": "body.kind", "pattern": "("}]), "filters[0].pattern"),
        (lambda a: a["kubernetes"].update(namespace="Argo"), "kubernetes.namespace"),
        (lambda a: a.pop("targets"), "targets"),
    ],
)
def test_bad_input_is_rejected_before_anything_is_created(mutate: Any, argument: str) -> None:
    args = copy.deepcopy(base_args())
    mutate(args)
    run, error = rejected(lambda: WebhookTrigger("orders", args))  # type: ignore[arg-type]
    assert error.argument == argument
    assert "Fix:" in str(error)
    assert run.registrations == []


def test_a_blueprint_named_health_would_shadow_argos_health_check() -> None:
    run, error = rejected(lambda: WebhookTrigger("health", base_args()))  # type: ignore[arg-type]
    assert error.argument == "name" and "health check" in str(error)
    assert run.registrations == []
