"""`alarms` on the GCP blueprints: a Cloud Monitoring alert policy on the dead-letter subscription each creates,
notifying the given channels; none without `alarms`; bad input refused naming the argument."""

from collections.abc import Callable
from typing import Any

import grpc
import pulumi
import pulumi_gcp
import pulumi_kubernetes as k8s
import pytest

from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.gcp import PubSubTrigger, StorageObjectTrigger
from pulumi_metaflow_blueprints.offline import ProgramRun, run_program
from pulumi_metaflow_blueprints.offline.runner import reveal
from tests import test_gcp_pubsub, test_gcp_storage
from tests.helpers import contains_unknown, rejected
from tests.provider_rpc import ProviderProcess, construct

POLICY = "gcp:monitoring/alertPolicy:AlertPolicy"
CONFIG = {"gcp:project": "acme-data"}
EMAIL = "projects/acme-data/notificationChannels/1234567890"
PAGER = "projects/acme-ops/notificationChannels/987"
ALARMS = {"notification_channels": [EMAIL, PAGER]}

Build = Callable[..., dict[str, Any]]
BLUEPRINTS: list[tuple[type, str, Build]] = [
    (PubSubTrigger, "orders", test_gcp_pubsub.base_args),
    (StorageObjectTrigger, "landing", test_gcp_storage.base_args),
]
IDS = [component.__name__ for component, _, _ in BLUEPRINTS]


def build(component: type, name: str, args: dict[str, Any]) -> ProgramRun:
    return run_program(lambda: component(name, args), config=CONFIG)


def the_policy(run: ProgramRun, name: str) -> dict[str, Any]:
    (policy,) = run.of_type(POLICY)
    assert policy.name == f"{name}-dead-letter-alert"
    (component,) = [r for r in run.registrations if r.urn == policy.parent]
    assert component.type.startswith("metaflow-blueprints:index:"), "the policy is the blueprint's child"
    return policy.plain_inputs


@pytest.mark.parametrize(("component", "name", "base"), BLUEPRINTS, ids=IDS)
def test_policy_watches_the_backlog_of_the_blueprints_own_dead_letter_subscription(
    component: type, name: str, base: Build
) -> None:
    run = build(component, name, base(alarms=ALARMS))
    dead_letter = run.named(f"{name}-dead-letter-subscription").plain_inputs
    reading = run.named(f"{name}-subscription").plain_inputs["name"]
    policy = the_policy(run, name)
    (condition,) = policy["conditions"]
    threshold = condition["conditionThreshold"]
    assert threshold["filter"] == (
        'metric.type = "pubsub.googleapis.com/subscription/num_undelivered_messages" AND '
        'resource.type = "pubsub_subscription" AND resource.labels.project_id = "acme-data" AND '
        f'resource.labels.subscription_id = "{dead_letter["name"]}"'
    )
    assert dead_letter["project"] == policy["project"] == "acme-data"
    assert (threshold["comparison"], threshold["thresholdValue"], threshold["duration"]) == ("COMPARISON_GT", 0, "0s")
    assert threshold["aggregations"] == [{"alignmentPeriod": "60s", "perSeriesAligner": "ALIGN_MAX"}]
    assert threshold["trigger"] == {"count": 1}
    assert policy["combiner"] == "OR"
    assert policy["notificationChannels"] == [EMAIL, PAGER]
    assert policy["userLabels"] == dead_letter["labels"] and policy["userLabels"]["managed-by"] == "metaflow-blueprints"
    assert dead_letter["name"] in policy["displayName"]
    documentation = policy["documentation"]
    assert documentation["mimeType"] == "text/markdown"
    assert f"gcloud pubsub subscriptions pull {dead_letter['name']} --project acme-data" in documentation["content"]
    assert reading in documentation["content"]


@pytest.mark.parametrize(("component", "name", "base"), BLUEPRINTS, ids=IDS)
def test_without_alarms_no_policy_is_created(component: type, name: str, base: Build) -> None:
    assert build(component, name, base()).of_type(POLICY) == []


def test_duration_and_a_named_subscription_shape_the_condition() -> None:
    args = test_gcp_pubsub.base_args(
        alarms={"notification_channels": [EMAIL], "duration_seconds": 300}, subscription={"name": "orders-in"}
    )
    (condition,) = the_policy(build(PubSubTrigger, "orders", args), "orders")["conditions"]
    assert condition["conditionThreshold"]["duration"] == "300s"
    assert condition["conditionThreshold"]["filter"].endswith(
        'resource.labels.subscription_id = "orders-in-dead-letter"'
    )


def test_a_channel_from_another_resources_output_is_notified() -> None:
    def program() -> None:
        source = k8s.core.v1.ConfigMap("channels", data={"oncall": EMAIL})
        args = test_gcp_pubsub.base_args(alarms={"notification_channels": [source.data["oncall"], PAGER]})
        PubSubTrigger("orders", args)  # type: ignore[arg-type]

    run = run_program(program, config=CONFIG)
    assert the_policy(run, "orders")["notificationChannels"] == [EMAIL, PAGER]


def test_a_new_channel_whose_name_is_unknown_until_it_exists_is_passed_on_unchecked() -> None:
    def program() -> None:
        channel = pulumi_gcp.monitoring.NotificationChannel(
            "oncall", type="email", labels={"email_address": "oncall@example.com"}, project="acme-data"
        )
        PubSubTrigger("orders", test_gcp_pubsub.base_args(alarms={"notification_channels": [channel.name]}))  # type: ignore[arg-type]

    run = run_program(program, config=CONFIG, computed=False)  # a preview: the channel does not exist yet
    (policy,) = run.of_type(POLICY)
    assert contains_unknown(policy.inputs["notificationChannels"])


def test_a_channel_output_that_resolves_malformed_fails_the_deployment_naming_the_argument() -> None:
    def program() -> None:
        channel = pulumi.Output.from_input("notificationChannels/123")
        args = test_gcp_pubsub.base_args(alarms={"notification_channels": [EMAIL, channel]})
        PubSubTrigger("orders", args)  # type: ignore[arg-type]

    with pytest.raises(Exception) as caught:
        run_program(program, config=CONFIG)
    assert "alarms.notification_channels[1]" in str(caught.value)
    assert "is not a notification channel" in str(caught.value)


@pytest.mark.parametrize(
    ("alarms", "argument"),
    [
        ({}, "alarms.notification_channels"),
        ({"notification_channels": []}, "alarms.notification_channels"),
        ({"notification_channels": EMAIL}, "alarms.notification_channels"),
        ({"notification_channels": ["1234567890"]}, "alarms.notification_channels[0]"),
        ({"notification_channels": [EMAIL, "projects/acme-data/alertPolicies/1"]}, "alarms.notification_channels[1]"),
        ({"notification_channels": [EMAIL, ""]}, "alarms.notification_channels[1]"),
        ({**ALARMS, "duration_seconds": 30}, "alarms.duration_seconds"),
        ({**ALARMS, "duration_seconds": -60}, "alarms.duration_seconds"),
        ({**ALARMS, "duration_seconds": 3660}, "alarms.duration_seconds"),
        ({**ALARMS, "duration": "60s"}, "alarms.duration"),
        ({**ALARMS, "channels": [EMAIL]}, "alarms.channels"),
    ],
)
@pytest.mark.parametrize(("component", "name", "base"), BLUEPRINTS, ids=IDS)
def test_bad_alarms_are_refused_before_anything_is_created(
    component: type, name: str, base: Build, alarms: dict[str, Any], argument: str
) -> None:
    args = base(alarms=alarms)
    run, error = rejected(lambda: component(name, args), config=CONFIG)
    assert run.registrations == []
    assert isinstance(error, BlueprintInputError)
    assert error.argument == argument and error.fix


def test_alarms_through_the_provider_reach_the_same_policy(plugin: ProviderProcess) -> None:
    """Other languages: camelCase `alarms` through Construct make the policy a Python program makes."""
    inputs = {
        "project": "acme-data",
        "topic": test_gcp_pubsub.TOPIC,
        "identity": {"mode": "google-service-account"},
        "kubernetes": {"namespace": "argo-events", "workflowNamespace": "jobs"},
        "targets": [{"flow": {"flow": "OrderFlow"}}],
        "alarms": {"notificationChannels": [EMAIL, PAGER], "durationSeconds": 120},
    }
    monitor, response = construct(
        plugin, inputs, name="orders", token="metaflow-blueprints:index:PubSubTrigger", project="yaml-pubsub"
    )
    assert not isinstance(response, grpc.RpcError), f"{response}\n{plugin.stderr_text()[-4000:]}"
    (policy,) = [r for r in monitor.registrations if r.type == POLICY]
    given = reveal(policy.inputs)
    assert given["notificationChannels"] == [EMAIL, PAGER]
    (condition,) = given["conditions"]
    assert condition["conditionThreshold"]["duration"] == "120s"
    assert 'subscription_id = "yaml-pubsub-dev-orders-dead-letter"' in condition["conditionThreshold"]["filter"]
