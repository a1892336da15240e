"""PubSubTrigger: the resources it registers, their inputs, IAM grants, specs, and the errors bad input gets."""

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from pulumi_metaflow_blueprints.core.fields import EventPath
from pulumi_metaflow_blueprints.core.target import value_template
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.gcp import GcpIdentityMode, PubSubTrigger
from pulumi_metaflow_blueprints.gcp.package import project_number
from pulumi_metaflow_blueprints.gcp.pubsub import pubsub_message_fields
from pulumi_metaflow_blueprints.offline import ProgramRun, run_program, run_program_dir
from tests.argo_schema import assert_valid_argo
from tests.helpers import (
    argument_parameters,
    body_template,
    contains_unknown,
    pubsub_event,
    rejected,
    resolved,
    sample,
    spec_of,
)

CONFIG = {"gcp:project": "acme-data"}
TOPIC = "projects/acme-events/topics/orders"
SUBSCRIPTION = "metaflow-blueprints-offline-orders"
DEAD_LETTER = f"{SUBSCRIPTION}-dead-letter"
PUBSUB_AGENT = f"serviceAccount:service-{project_number('acme-data')}@gcp-sa-pubsub.iam.gserviceaccount.com"
EXAMPLES = Path(__file__).parent.parent / "examples"


def base_args(**overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "topic": TOPIC,
        "identity": {"mode": GcpIdentityMode.GOOGLE_SERVICE_ACCOUNT},
        "kubernetes": {"namespace": "argo-events", "workflow_namespace": "jobs"},
        "targets": [
            {"flow": {"flow": "OrderFlow", "parameters": {"order_id": "body.order.id", "source": "attributes.source"}}},
            {"metaflow_event": {"event": "order_placed", "payload": {"message": "message_id"}}},
        ],
    }
    args.update(overrides)
    return args


def run_pubsub(args: dict[str, Any] | None = None, config: dict[str, str] | None = None, **kwargs: Any) -> ProgramRun:
    chosen = args if args is not None else base_args()
    return run_program(lambda: PubSubTrigger("orders", chosen), config=config or CONFIG, **kwargs)  # type: ignore[arg-type]


def principal_args(**identity: Any) -> dict[str, Any]:
    return base_args(identity={"mode": "workload-identity-principal", **identity})


@pytest.fixture(scope="module")
def run() -> ProgramRun:
    return run_pubsub()


COMMON = [
    ("gcp:pubsub/topic:Topic", "orders-dead-letter"),
    ("gcp:pubsub/subscription:Subscription", "orders-dead-letter-subscription"),
    ("gcp:pubsub/topicIAMMember:TopicIAMMember", "orders-dead-letter-publisher"),
    ("gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember", "orders-dead-letter-forwarder"),
    ("gcp:pubsub/subscription:Subscription", "orders-subscription"),
    ("gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember", "orders-subscriber"),
    ("kubernetes:core/v1:ServiceAccount", "orders-eventsource-sa"),
    ("kubernetes:argoproj.io/v1alpha1:EventSource", "orders-eventsource"),
    ("kubernetes:core/v1:ServiceAccount", "orders-sensor-sa"),
    ("kubernetes:rbac.authorization.k8s.io/v1:Role", "orders-sensor-role"),
    ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "orders-sensor-binding"),
    ("kubernetes:rbac.authorization.k8s.io/v1:Role", "orders-sensor-parked-role"),
    ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "orders-sensor-parked-binding"),
    ("kubernetes:argoproj.io/v1alpha1:Sensor", "orders-sensor"),
]


def children(run: ProgramRun) -> list[tuple[str, str]]:
    (component,) = run.of_type("metaflow-blueprints:index:PubSubTrigger")
    found = sorted((r.type, r.name) for r in run.children_of(component))
    assert len(run.registrations) == len(found) + 1, "something is registered outside the component"
    return found


def test_registers_exactly_the_expected_resources_under_the_component(run: ProgramRun) -> None:
    assert children(run) == sorted(
        [
            *COMMON,
            ("gcp:serviceaccount/account:Account", "orders-reader"),
            ("gcp:serviceaccount/iAMMember:IAMMember", "orders-workload-identity"),
        ]
    )


def test_principal_mode_creates_no_google_service_account() -> None:
    assert children(run_pubsub(principal_args())) == sorted(COMMON)


def test_new_topic_mode_adds_only_the_topic() -> None:
    run = run_pubsub(_without_topic(new_topic={}))
    assert children(run) == sorted(
        [
            *COMMON,
            ("gcp:serviceaccount/account:Account", "orders-reader"),
            ("gcp:serviceaccount/iAMMember:IAMMember", "orders-workload-identity"),
            ("gcp:pubsub/topic:Topic", "orders-topic"),
        ]
    )


def _without_topic(**extra: Any) -> dict[str, Any]:
    args = base_args(**extra)
    args.pop("topic")
    return args


def test_subscription_pulls_the_given_topic_with_retry_dead_letter_and_no_expiry(run: ProgramRun) -> None:
    subscription = run.named("orders-subscription").plain_inputs
    labels = {"managed-by": "metaflow-blueprints", "metaflow-blueprints-instance": "orders"}
    assert subscription == {
        "project": "acme-data",
        "name": SUBSCRIPTION,
        "topic": TOPIC,
        "ackDeadlineSeconds": 60,
        "messageRetentionDuration": "604800s",
        "retainAckedMessages": False,
        "expirationPolicy": {"ttl": ""},
        "retryPolicy": {"minimumBackoff": "10s", "maximumBackoff": "600s"},
        "deadLetterPolicy": {
            "deadLetterTopic": f"projects/acme-data/topics/{DEAD_LETTER}",
            "maxDeliveryAttempts": 5,
        },
        "labels": labels,
    }
    assert "pushConfig" not in subscription, "the EventSource pulls"
    topic = run.named("orders-dead-letter").plain_inputs
    assert topic == {"project": "acme-data", "name": DEAD_LETTER, "labels": labels}
    kept = run.named("orders-dead-letter-subscription").plain_inputs
    assert kept == {
        "project": "acme-data",
        "name": DEAD_LETTER,
        "topic": f"projects/acme-data/topics/{DEAD_LETTER}",
        "messageRetentionDuration": "604800s",
        "expirationPolicy": {"ttl": ""},
        "labels": labels,
    }


def test_subscription_options_are_applied() -> None:
    options = {
        "name": "orders-for-metaflow",
        "ack_deadline_seconds": 30.0,
        "message_retention_seconds": 3600,
        "minimum_backoff_seconds": 5,
        "maximum_backoff_seconds": 120,
        "max_delivery_attempts": 20,
        "dead_letter_retention_seconds": 86400,
        "filter": 'attributes.kind = "order"',
    }
    run = run_pubsub(base_args(subscription=options))
    subscription = run.named("orders-subscription").plain_inputs
    assert subscription["name"] == "orders-for-metaflow"
    assert subscription["ackDeadlineSeconds"] == 30
    assert subscription["messageRetentionDuration"] == "3600s"
    assert subscription["retryPolicy"] == {"minimumBackoff": "5s", "maximumBackoff": "120s"}
    assert subscription["deadLetterPolicy"] == {
        "deadLetterTopic": "projects/acme-data/topics/orders-for-metaflow-dead-letter",
        "maxDeliveryAttempts": 20,
    }
    assert subscription["filter"] == 'attributes.kind = "order"'
    assert run.named("orders-dead-letter-subscription").plain_inputs["messageRetentionDuration"] == "86400s"
    assert spec_of(run, "EventSource")["pubSub"]["message"]["subscriptionID"] == "orders-for-metaflow"


def test_null_options_take_their_defaults() -> None:
    run = run_pubsub(base_args(json_body=None, subscription={"ack_deadline_seconds": None, "name": None}))
    subscription = run.named("orders-subscription").plain_inputs
    assert (subscription["name"], subscription["ackDeadlineSeconds"]) == (SUBSCRIPTION, 60)
    assert spec_of(run, "EventSource")["pubSub"]["message"]["jsonBody"] is True


def test_default_names_stay_valid_for_awkward_projects_and_long_names() -> None:
    name = "x" * 60
    run = run_program(
        lambda: PubSubTrigger(name, base_args()),  # type: ignore[arg-type]
        project="google-apps." + "p" * 300,
        config=CONFIG,
    )
    subscription = run.named(f"{name}-subscription").plain_inputs["name"]
    assert subscription.startswith("mf-google-apps.ppp") and len(subscription) == 255 - len("-dead-letter")
    assert run.named(f"{name}-dead-letter").plain_inputs["name"] == f"{subscription}-dead-letter"
    account_id = run.named(f"{name}-reader").plain_inputs["accountId"]
    assert re.fullmatch(r"mf-x{20}-[0-9a-f]{6}", account_id), account_id


def test_pubsub_service_agent_may_dead_letter_and_nothing_more(run: ProgramRun) -> None:
    publisher = run.named("orders-dead-letter-publisher").plain_inputs
    assert publisher == {
        "project": "acme-data",
        "topic": DEAD_LETTER,
        "role": "roles/pubsub.publisher",
        "member": PUBSUB_AGENT,
    }
    forwarder = run.named("orders-dead-letter-forwarder").plain_inputs
    assert forwarder == {
        "project": "acme-data",
        "subscription": SUBSCRIPTION,
        "role": "roles/pubsub.subscriber",
        "member": PUBSUB_AGENT,
    }


def test_google_service_account_reads_only_that_subscription_for_one_kubernetes_account(run: ProgramRun) -> None:
    account = run.named("orders-reader").plain_inputs
    account_id = account["accountId"]
    assert re.fullmatch(r"mf-orders-[0-9a-f]{6}", account_id)
    assert account["project"] == "acme-data"
    email = f"{account_id}@acme-data.iam.gserviceaccount.com"
    grant = run.named("orders-subscriber").plain_inputs
    assert grant == {
        "project": "acme-data",
        "subscription": SUBSCRIPTION,
        "role": "roles/pubsub.subscriber",
        "member": f"serviceAccount:{email}",
    }
    binding = run.named("orders-workload-identity").plain_inputs
    assert binding == {
        "serviceAccountId": f"projects/acme-data/serviceAccounts/{email}",
        "role": "roles/iam.workloadIdentityUser",
        "member": "serviceAccount:acme-data.svc.id.goog[argo-events/orders-eventsource]",
    }
    sa = run.named("orders-eventsource-sa").plain_inputs
    assert sa["metadata"]["name"] == "orders-eventsource"
    assert sa["metadata"]["annotations"] == {"iam.gke.io/gcp-service-account": email}


def test_no_grant_reaches_beyond_the_subscription_and_the_dead_letter_topic(run: ProgramRun) -> None:
    gcp_types = {r.type for r in run.registrations if r.type.startswith("gcp:")}
    assert gcp_types == {
        "gcp:pubsub/topic:Topic",
        "gcp:pubsub/subscription:Subscription",
        "gcp:pubsub/topicIAMMember:TopicIAMMember",
        "gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember",
        "gcp:serviceaccount/account:Account",
        "gcp:serviceaccount/iAMMember:IAMMember",
    }
    for grant in run.of_type("gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember"):
        assert grant.plain_inputs["subscription"] == SUBSCRIPTION


def test_principal_mode_grants_the_kubernetes_principal_of_the_cluster_project() -> None:
    run = run_pubsub(principal_args(cluster_project="acme-gke"))
    grant = run.named("orders-subscriber").plain_inputs
    assert grant == {
        "project": "acme-data",
        "subscription": SUBSCRIPTION,
        "role": "roles/pubsub.subscriber",
        "member": f"principal://iam.googleapis.com/projects/{project_number('acme-gke')}/locations/global/"
        "workloadIdentityPools/acme-gke.svc.id.goog/subject/ns/argo-events/sa/orders-eventsource",
    }
    assert project_number("acme-gke") != project_number("acme-data")
    # The dead-letter agent is still the subscription project's.
    assert run.named("orders-dead-letter-publisher").plain_inputs["member"] == PUBSUB_AGENT
    assert "annotations" not in run.named("orders-eventsource-sa").plain_inputs["metadata"]


def test_principal_mode_uses_a_given_project_number_verbatim() -> None:
    run = run_pubsub(principal_args(cluster_project_number="123456789012"))
    member = run.named("orders-subscriber").plain_inputs["member"]
    assert member.startswith("principal://iam.googleapis.com/projects/123456789012/locations/global/")
    assert "/workloadIdentityPools/acme-data.svc.id.goog/subject/ns/argo-events/sa/orders-eventsource" in member


def test_new_topic_is_created_in_the_project_and_read() -> None:
    kms = "projects/acme-sec/locations/europe-west1/keyRings/pubsub/cryptoKeys/orders"
    run = run_pubsub(_without_topic(new_topic={"name": "orders-in", "kms_key_name": kms}))
    topic = run.named("orders-topic").plain_inputs
    assert topic == {
        "project": "acme-data",
        "name": "orders-in",
        "kmsKeyName": kms,
        "labels": {"managed-by": "metaflow-blueprints", "metaflow-blueprints-instance": "orders"},
    }
    assert run.named("orders-subscription").plain_inputs["topic"] == "projects/acme-data/topics/orders-in"


def test_project_argument_overrides_the_stack_config() -> None:
    run = run_pubsub(base_args(project="acme-other"))
    assert run.named("orders-subscription").plain_inputs["project"] == "acme-other"
    assert spec_of(run, "EventSource")["pubSub"]["message"]["projectID"] == "acme-other"


def test_event_source_reads_the_created_subscription_only(run: ProgramRun) -> None:
    (item,) = run.custom_resources("EventSource")
    resource = item.plain_inputs
    assert resource["metadata"]["name"] == "orders"
    assert resource["metadata"]["namespace"] == "argo-events"
    assert resource["spec"] == {
        "eventBusName": "default",
        "template": {"serviceAccountName": "orders-eventsource"},
        "pubSub": {"message": {"projectID": "acme-data", "subscriptionID": SUBSCRIPTION, "jsonBody": True}},
    }
    # No `topic`: with it, the EventSource would need `pubsub.subscriptions.get` (or create rights) too.
    assert_valid_argo("EventSource", resource)


def test_sensor_maps_message_paths_and_attributes(run: ProgramRun) -> None:
    (item,) = run.custom_resources("Sensor")
    resource = item.plain_inputs
    assert_valid_argo("Sensor", resource)
    spec = resource["spec"]
    (dependency,) = spec["dependencies"]
    assert dependency == {"name": "source-event", "eventSourceName": "orders", "eventName": "message"}
    flow, event = spec["triggers"]
    templates = [p["src"]["dataTemplate"] for p in argument_parameters(flow["template"]["k8s"])]
    assert templates == [value_template(EventPath.parse(path)) for path in ["body.order.id", "attributes.source"]]
    workflow = flow["template"]["k8s"]["source"]["resource"]
    assert workflow["spec"]["workflowTemplateRef"] == {"name": "orderflow"}
    assert workflow["metadata"]["namespace"] == "jobs"
    assert f',"message":{value_template(EventPath.parse("id"), payload=True)}' in body_template(event)


def test_attribute_filters_are_anchored() -> None:
    run = run_pubsub(base_args(filters=[{"field": "attributes.kind", "equals": ["order"]}]))
    dependency = spec_of(run, "Sensor")["dependencies"][0]
    assert dependency["filters"] == {
        "data": [{"path": "attributes.kind", "type": "string", "value": ["^(?:order)$"]}],
        "dataLogicalOperator": "and",
    }


def test_every_spec_value_is_known_at_preview() -> None:
    run = run_pubsub(computed=False)
    for kind in ("EventSource", "Sensor"):
        (item,) = run.custom_resources(kind)
        assert not contains_unknown(item.inputs), kind
    # The service account's email really is computed by Google, so it stays unknown: the check above can fail.
    assert contains_unknown(run.named("orders-eventsource-sa").inputs["metadata"]["annotations"])


def test_sample_message_resolves_every_field() -> None:
    message = sample("gcs-object-finalize.pubsub-message.json")["message"]
    data = pubsub_event(message)
    fields = pubsub_message_fields(json_body=True)
    expected = {
        "message_id": "10487693251911234",
        "body": message["data"],
        "attributes": message["attributes"],
        "publish_time": "2026-11-20 08:15:30.456 +0000 UTC",
    }
    assert fields.names == list(expected)
    for field in fields.fields:
        assert field.path.lookup(data) == (True, expected[field.name]), field.name
    assert fields.resolve("body.contentType", "x").lookup(data) == (True, "text/csv")
    assert fields.resolve("attributes.eventType", "x").lookup(data) == (True, "OBJECT_FINALIZE")


def test_without_json_body_the_body_is_base64_and_cannot_be_reached_into() -> None:
    run = run_pubsub(
        base_args(json_body=False, targets=[{"flow": {"flow": "OrderFlow", "parameters": {"raw": "body"}}}])
    )
    assert spec_of(run, "EventSource")["pubSub"]["message"]["jsonBody"] is False
    message = sample("gcs-object-finalize.pubsub-message.json")["message"]
    found, body = pubsub_message_fields(False).get("body").path.lookup(pubsub_event(message, json_body=False))  # type: ignore[union-attr]
    assert found and isinstance(body, str) and body.startswith("eyJ")
    with pytest.raises(BlueprintInputError, match=r"unknown Pub/Sub message field 'body\.order\.id'"):
        run_pubsub(base_args(json_body=False))


def test_outputs_name_what_was_created() -> None:
    made: list[PubSubTrigger] = []
    run_program(lambda: made.append(PubSubTrigger("orders", base_args())), config=CONFIG)  # type: ignore[arg-type]
    (trigger,) = made
    values = {
        name: resolved(getattr(trigger, name))[0]
        for name in (
            "topic_id",
            "subscription_id",
            "subscription_name",
            "dead_letter_topic_id",
            "event_source_name",
            "sensor_name",
            "workflow_templates",
        )
    }
    assert values == {
        "topic_id": TOPIC,
        "subscription_id": f"projects/acme-data/subscriptions/{SUBSCRIPTION}",
        "subscription_name": SUBSCRIPTION,
        "dead_letter_topic_id": f"projects/acme-data/topics/{DEAD_LETTER}",
        "event_source_name": "orders",
        "sensor_name": "orders-sensor",
        "workflow_templates": ["orderflow"],
    }
    assert re.fullmatch(
        r"serviceAccount:mf-orders-[0-9a-f]{6}@acme-data\.iam\.gserviceaccount\.com", resolved(trigger.reader_member)[0]
    )


def test_example_program_runs_offline_and_its_specs_validate() -> None:
    run = run_program_dir(EXAMPLES / "pubsub-to-flow")
    (component,) = run.of_type("metaflow-blueprints:index:PubSubTrigger")
    assert {r.parent for r in run.registrations if r is not component} == {component.urn}
    for kind in ("EventSource", "Sensor"):
        (item,) = run.custom_resources(kind)
        assert_valid_argo(kind, item.plain_inputs)
    assert run.named("orders-subscription").plain_inputs["topic"] == TOPIC


def register_nothing(args: dict[str, Any], config: dict[str, str] | None = None) -> BlueprintInputError:
    """Run the blueprint with bad input: it must raise before registering anything."""
    run, error = rejected(lambda: PubSubTrigger("orders", args), config=CONFIG if config is None else config)  # type: ignore[arg-type]
    assert run.registrations == []
    return error


@pytest.mark.parametrize(
    ("mutate", "argument"),
    [
        (lambda a: a.update(project="Acme_Data"), "project"),
        (lambda a: a.update(project="acme"), "project"),
        (lambda a: a.update(topic="orders"), "topic"),
        (lambda a: a.update(topic="projects/acme-events/subscriptions/orders"), "topic"),
        (lambda a: a.update(topic="projects/ACME/topics/orders"), "topic"),
        (lambda a: a.update(topic="projects/acme-events/topics/goog-orders"), "topic"),
        (lambda a: a.update(topic="projects/acme-events/topics/1orders"), "topic"),
        (lambda a: a.update(new_topic={}), "topic"),
        (lambda a: a.pop("topic"), "topic"),
        (lambda a: (a.pop("topic"), a.update(new_topic={"name": "x"})), "new_topic.name"),
        (lambda a: (a.pop("topic"), a.update(new_topic={"kms_key_name": "orders-key"})), "new_topic.kms_key_name"),
        (lambda a: a.update(json_body="yes"), "json_body"),
        (lambda a: a.update(subscription={"name": "goog-orders"}), "subscription.name"),
        (lambda a: a.update(subscription={"name": "a" * 250}), "subscription.name"),
        (lambda a: a.update(subscription={"ack_deadline_seconds": 5}), "subscription.ack_deadline_seconds"),
        (lambda a: a.update(subscription={"ack_deadline_seconds": 30.5}), "subscription.ack_deadline_seconds"),
        (lambda a: a.update(subscription={"max_delivery_attempts": 4}), "subscription.max_delivery_attempts"),
        (
            lambda a: a.update(subscription={"message_retention_seconds": 10**6}),
            "subscription.message_retention_seconds",
        ),
        (
            lambda a: a.update(subscription={"minimum_backoff_seconds": 60, "maximum_backoff_seconds": 30}),
            "subscription.minimum_backoff_seconds",
        ),
        (lambda a: a.update(subscription={"filter": "x" * 257}), "subscription.filter"),
        (lambda a: a.pop("identity"), "identity"),
        (lambda a: a.update(identity={"mode": "json-key"}), "identity.mode"),
        (lambda a: a["identity"].update(service_account_id="x"), "identity.service_account_id"),
        (lambda a: a["identity"].update(service_account_id="Orders-Reader"), "identity.service_account_id"),
        (
            lambda a: a.update(identity={"mode": "workload-identity-principal", "service_account_id": "orders-reader"}),
            "identity.service_account_id",
        ),
        (lambda a: a["identity"].update(cluster_project="gke"), "identity.cluster_project"),
        (lambda a: a["identity"].update(cluster_project_number="12ab"), "identity.cluster_project_number"),
        (lambda a: a["kubernetes"].update(namespace="Argo_Events"), "kubernetes.namespace"),
        (lambda a: a.update(targets=[]), "targets"),
        (lambda a: a["targets"][0]["flow"]["parameters"].update(when="publish"), "targets[0].flow.parameters.when"),
        (lambda a: a.update(filters=[{"field": "attributes.kind", "pattern": "("}]), "filters[0].pattern"),
    ],
)
def test_bad_input_is_rejected_before_anything_is_created(mutate: Any, argument: str) -> None:
    args = copy.deepcopy(base_args())
    mutate(args)
    error = register_nothing(args)
    assert error.argument == argument
    assert "Fix:" in str(error)


def test_a_project_is_required_when_the_stack_has_none() -> None:
    error = register_nothing(base_args(), config={})
    assert error.argument == "project"
    assert "gcp:project" in str(error)


def test_unknown_field_error_suggests_the_closest_field() -> None:
    args = base_args(targets=[{"flow": {"flow": "OrderFlow", "parameters": {"id": "mesage_id"}}}])
    with pytest.raises(BlueprintInputError, match="did you mean 'message_id'"):
        run_pubsub(args)
