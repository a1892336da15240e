"""webhooks.receiver used directly, as another blueprint would: what it registers and returns, and its checks."""

from typing import Any

import pulumi
import pytest

from pulumi_metaflow_blueprints.core.plan import BlueprintPlan, plan_blueprint
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.offline import ProgramRun, run_program
from pulumi_metaflow_blueprints.offline.runner import is_secret
from pulumi_metaflow_blueprints.webhooks.args import WebhookAuthMode
from pulumi_metaflow_blueprints.webhooks.fields import canonical_header, webhook_catalog
from pulumi_metaflow_blueprints.webhooks.receiver import (
    ReceiverOptions,
    WebhookReceiver,
    check_public_url,
    create_receiver,
    plan_receiver,
)
from tests.argo_schema import assert_valid_argo
from tests.helpers import resolved

CATALOG = webhook_catalog("test")


class Receiving:
    """Stands for a blueprint using the receiver."""


def make_plan(name: str = "alerts", event_name: str = "webhook", **kubernetes: Any) -> BlueprintPlan:
    args = {"kubernetes": {"namespace": "events", **kubernetes}, "targets": [{"metaflow_event": {"event": "alert"}}]}
    return plan_blueprint(Receiving, name, args, CATALOG, event_name=event_name)


def receive(
    options: ReceiverOptions, name: str = "alerts", event_name: str = "webhook"
) -> tuple[ProgramRun, dict[str, Any]]:
    made: list[WebhookReceiver] = []

    def program() -> None:
        parent = pulumi.ComponentResource("test:index:Parent", name)
        plan = make_plan(name, event_name, labels={"team": "data"})
        made.append(create_receiver(parent, name, plan, plan_receiver(plan, options)))

    run = run_program(program)
    receiver = made[0]
    values: dict[str, Any] = {
        key: resolved(getattr(receiver, key)) for key in ("url", "service_url", "token", "endpoint")
    }
    values["event_name"] = receiver.event_name
    values["has_secret"] = receiver.secret is not None
    values["has_ingress"] = receiver.ingress is not None
    return run, values


def test_bearer_receiver_returns_its_urls_token_and_resources_under_the_parent() -> None:
    run, values = receive(ReceiverOptions(ingress={"host": "hooks.example.com"}), event_name="alert")
    (parent,) = run.of_type("test:index:Parent")
    assert sorted(r.name for r in run.children_of(parent)) == [
        "alerts-eventsource",
        "alerts-ingress",
        "alerts-token",
        "alerts-token-secret",
    ]
    assert values["url"] == ("https://hooks.example.com/alerts", False)
    assert values["service_url"] == ("http://alerts-eventsource-svc.events.svc:12000/alerts", False)
    assert values["token"] == ("placeholder-token-for-alerts-token", True)
    assert values["endpoint"] == ("/alerts", False)
    assert values["event_name"] == "alert" and values["has_secret"] and values["has_ingress"]
    (source,) = run.custom_resources("EventSource")
    assert_valid_argo("EventSource", source.plain_inputs)
    assert list(source.plain_inputs["spec"]["webhook"]) == ["alert"]
    for item in (source, run.named("alerts-token-secret"), run.named("alerts-ingress")):
        assert item.plain_inputs["metadata"]["labels"]["team"] == "data"
        assert item.plain_inputs["metadata"]["labels"]["metaflow-blueprints/instance"] == "alerts"
    assert is_secret(run.named("alerts-token-secret").inputs["stringData"])


def test_secret_path_receiver_without_ingress_has_a_secret_in_cluster_url() -> None:
    run, values = receive(ReceiverOptions(auth=WebhookAuthMode.SECRET_PATH))
    token = "placeholder-token-for-alerts-path-token"
    assert values["url"] == (f"http://alerts-eventsource-svc.events.svc:12000/alerts/{token}", True)
    assert values["url"] == values["service_url"]
    assert values["endpoint"] == (f"/alerts/{token}", True)
    assert not values["has_secret"] and not values["has_ingress"]
    assert sorted(r.name for r in run.registrations) == ["alerts", "alerts-eventsource", "alerts-path-token"]


def test_plan_receiver_is_pure_and_decides_names() -> None:
    plan = make_plan()
    decided = plan_receiver(plan, ReceiverOptions(public_url="https://edge.example.com/x/"))
    assert decided.endpoint_base == "/alerts"
    assert decided.secret_name == "alerts-webhook-token"
    assert decided.service_name == "alerts-eventsource-svc"
    assert decided.public_base == "https://edge.example.com/x"


def test_require_public_needs_an_ingress_or_public_url() -> None:
    with pytest.raises(BlueprintInputError) as caught:
        plan_receiver(make_plan(), ReceiverOptions(require_public=True))
    assert caught.value.argument == "ingress"
    plan_receiver(make_plan(), ReceiverOptions(require_public=True, public_url="https://edge.example.com"))


@pytest.mark.parametrize(
    "url",
    ["http://a.example.com", "https://", "https://a.example.com/?x=1", "https://a.example.com/#f", "a.example.com"],
)
def test_public_url_must_be_an_https_base(url: str) -> None:
    with pytest.raises(BlueprintInputError):
        check_public_url(url)


@pytest.mark.parametrize(
    ("given", "canonical"),
    [
        ("x-request-id", "X-Request-Id"),
        ("CONTENT-TYPE", "Content-Type"),
        ("x-fivetran-signature-256", "X-Fivetran-Signature-256"),
    ],
)
def test_header_names_are_canonicalised_like_go(given: str, canonical: str) -> None:
    assert canonical_header(given) == canonical
    assert CATALOG.resolve(f"header.{given}", "p").gjson == f"header.{canonical}.0"


def test_header_index_and_masked_authorization() -> None:
    assert CATALOG.resolve("header.Accept.1", "p").gjson == "header.Accept.1"
    with pytest.raises(BlueprintInputError, match="masks"):
        CATALOG.resolve("header.authorization", "p")
    with pytest.raises(BlueprintInputError, match="header reference"):
        CATALOG.resolve("header.Accept.first", "p")


def test_signature_receiver_is_bearer_behind_the_verifier_service() -> None:
    plan = make_plan()
    decided = plan_receiver(
        plan, ReceiverOptions(auth=WebhookAuthMode.SIGNATURE, ingress={"host": "hooks.example.com"})
    )
    assert decided.bearer and decided.front_name == "alerts-verifier"
    assert decided.service_url_base == "http://alerts-verifier.events.svc"
    assert decided.upstream_url_base == "http://alerts-eventsource-svc.events.svc:12000"
    run, values = receive(ReceiverOptions(auth=WebhookAuthMode.SIGNATURE, ingress={"host": "hooks.example.com"}))
    assert values["url"] == ("https://hooks.example.com/alerts", False)
    assert values["service_url"] == ("http://alerts-verifier.events.svc/alerts", False)
    assert values["has_secret"]
    (route,) = run.custom_resources("EventSource")[0].plain_inputs["spec"]["webhook"].values()
    assert route["endpoint"] == "/alerts" and route["authSecret"] == {"name": "alerts-webhook-token", "key": "token"}
    (path,) = run.named("alerts-ingress").plain_inputs["spec"]["rules"][0]["http"]["paths"]
    assert path["pathType"] == "Exact"
    assert path["backend"]["service"] == {"name": "alerts-verifier", "port": {"number": 80}}
