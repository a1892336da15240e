"""StorageObjectTrigger: the resources it registers, the notification and its grants, specs, and bad input errors."""

import copy
import re
from pathlib import Path
from typing import Any

import pytest

from pulumi_metaflow_blueprints.core.fields import EventPath
from pulumi_metaflow_blueprints.core.target import value_template
from pulumi_metaflow_blueprints.gcp import GcpIdentityMode, StorageEventType, StorageObjectTrigger
from pulumi_metaflow_blueprints.gcp.package import project_number
from pulumi_metaflow_blueprints.gcp.storage import STORAGE_OBJECT_FIELDS
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
STEM = "metaflow-blueprints-offline-landing"
TOPIC_ID = f"projects/acme-data/topics/{STEM}"
EXAMPLES = Path(__file__).parent.parent / "examples"


def base_args(**overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "bucket": "acme-landing",
        "prefix": "exports/",
        "suffix": ".csv",
        "identity": {"mode": GcpIdentityMode.WORKLOAD_IDENTITY_PRINCIPAL, "cluster_project": "acme-gke"},
        "kubernetes": {"namespace": "argo-events", "workflow_namespace": "jobs"},
        "targets": [
            {
                "flow": {
                    "flow": "IngestFlow",
                    "parameters": {"bucket": "bucket", "key": "key", "size_bytes": "size"},
                    "static_parameters": {"mode": "incremental"},
                }
            },
            {"metaflow_event": {"event": "raw_data_landed", "payload": {"key": "key"}}},
        ],
    }
    args.update(overrides)
    return args


def run_gcs(args: dict[str, Any] | None = None, **kwargs: Any) -> ProgramRun:
    chosen = args if args is not None else base_args()
    return run_program(lambda: StorageObjectTrigger("landing", chosen), config=CONFIG, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def run() -> ProgramRun:
    return run_gcs()


def test_registers_exactly_the_expected_resources_under_the_component(run: ProgramRun) -> None:
    (component,) = run.of_type("metaflow-blueprints:index:StorageObjectTrigger")
    children = sorted((r.type, r.name) for r in run.children_of(component))
    assert children == sorted(
        [
            ("gcp:pubsub/topic:Topic", "landing-topic"),
            ("gcp:pubsub/topicIAMMember:TopicIAMMember", "landing-storage-publisher"),
            ("gcp:storage/notification:Notification", "landing-notification"),
            ("gcp:pubsub/topic:Topic", "landing-dead-letter"),
            ("gcp:pubsub/subscription:Subscription", "landing-dead-letter-subscription"),
            ("gcp:pubsub/topicIAMMember:TopicIAMMember", "landing-dead-letter-publisher"),
            ("gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember", "landing-dead-letter-forwarder"),
            ("gcp:pubsub/subscription:Subscription", "landing-subscription"),
            ("gcp:pubsub/subscriptionIAMMember:SubscriptionIAMMember", "landing-subscriber"),
            ("kubernetes:core/v1:ServiceAccount", "landing-eventsource-sa"),
            ("kubernetes:argoproj.io/v1alpha1:EventSource", "landing-eventsource"),
            ("kubernetes:core/v1:ServiceAccount", "landing-sensor-sa"),
            ("kubernetes:rbac.authorization.k8s.io/v1:Role", "landing-sensor-role"),
            ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "landing-sensor-binding"),
            ("kubernetes:rbac.authorization.k8s.io/v1:Role", "landing-sensor-parked-role"),
            ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "landing-sensor-parked-binding"),
            ("kubernetes:argoproj.io/v1alpha1:Sensor", "landing-sensor"),
        ]
    )
    assert len(run.registrations) == len(children) + 1


def test_google_service_account_mode_adds_the_account_and_its_binding() -> None:
    run = run_gcs(base_args(identity={"mode": "google-service-account", "service_account_id": "landing-reader"}))
    assert run.named("landing-reader").plain_inputs["accountId"] == "landing-reader"
    email = "landing-reader@acme-data.iam.gserviceaccount.com"
    assert run.named("landing-subscriber").plain_inputs["member"] == f"serviceAccount:{email}"
    binding = run.named("landing-workload-identity").plain_inputs
    assert binding["member"] == "serviceAccount:acme-data.svc.id.goog[argo-events/landing-eventsource]"
    assert binding["role"] == "roles/iam.workloadIdentityUser"
    annotations = run.named("landing-eventsource-sa").plain_inputs["metadata"]["annotations"]
    assert annotations == {"iam.gke.io/gcp-service-account": email}


def test_owned_topic_admits_only_the_buckets_storage_service_agent(run: ProgramRun) -> None:
    topic = run.named("landing-topic").plain_inputs
    assert topic == {
        "project": "acme-data",
        "name": STEM,
        "labels": {"managed-by": "metaflow-blueprints", "metaflow-blueprints-instance": "landing"},
    }
    grant = run.named("landing-storage-publisher").plain_inputs
    agent = f"service-{project_number('acme-data')}@gs-project-accounts.iam.gserviceaccount.com"
    assert grant == {
        "project": "acme-data",
        "topic": STEM,
        "role": "roles/pubsub.publisher",
        "member": f"serviceAccount:{agent}",
    }
    publishers = [
        g.plain_inputs
        for g in run.of_type("gcp:pubsub/topicIAMMember:TopicIAMMember")
        if g.plain_inputs["topic"] == STEM
    ]
    assert publishers == [grant], "only the Cloud Storage service agent may publish to the owned topic"


def test_bucket_in_another_project_uses_that_projects_storage_agent() -> None:
    run = run_gcs(base_args(bucket_project="acme-lake"))
    member = run.named("landing-storage-publisher").plain_inputs["member"]
    assert member == f"serviceAccount:service-{project_number('acme-lake')}@gs-project-accounts.iam.gserviceaccount.com"
    assert project_number("acme-lake") != project_number("acme-data")


def test_notification_sends_json_api_payloads_of_new_objects_under_the_prefix(run: ProgramRun) -> None:
    notification = run.named("landing-notification").plain_inputs
    assert notification == {
        "bucket": "acme-landing",
        "topic": TOPIC_ID,
        "payloadFormat": "JSON_API_V1",
        "eventTypes": ["OBJECT_FINALIZE"],
        "objectNamePrefix": "exports/",
    }


def test_event_types_may_be_chosen_and_are_deduplicated() -> None:
    events = [StorageEventType.OBJECT_FINALIZE, "OBJECT_DELETE", "OBJECT_FINALIZE"]
    notification = run_gcs(base_args(event_types=events, prefix=None)).named("landing-notification").plain_inputs
    assert notification["eventTypes"] == ["OBJECT_FINALIZE", "OBJECT_DELETE"]
    assert "objectNamePrefix" not in notification


def test_subscription_reads_the_owned_topic_with_dead_letter(run: ProgramRun) -> None:
    subscription = run.named("landing-subscription").plain_inputs
    assert subscription["topic"] == TOPIC_ID
    assert subscription["name"] == STEM
    assert subscription["deadLetterPolicy"] == {
        "deadLetterTopic": f"projects/acme-data/topics/{STEM}-dead-letter",
        "maxDeliveryAttempts": 5,
    }
    assert subscription["expirationPolicy"] == {"ttl": ""}
    grant = run.named("landing-subscriber").plain_inputs
    assert grant == {
        "project": "acme-data",
        "subscription": STEM,
        "role": "roles/pubsub.subscriber",
        "member": f"principal://iam.googleapis.com/projects/{project_number('acme-gke')}/locations/global/"
        "workloadIdentityPools/acme-gke.svc.id.goog/subject/ns/argo-events/sa/landing-eventsource",
    }
    agent = f"serviceAccount:service-{project_number('acme-data')}@gcp-sa-pubsub.iam.gserviceaccount.com"
    assert run.named("landing-dead-letter-publisher").plain_inputs["member"] == agent
    assert run.named("landing-dead-letter-forwarder").plain_inputs["subscription"] == STEM


def test_event_source_reads_json_bodies_of_the_subscription(run: ProgramRun) -> None:
    (item,) = run.custom_resources("EventSource")
    resource = item.plain_inputs
    assert resource["metadata"] == {
        "name": "landing",
        "namespace": "argo-events",
        "labels": {
            "app.kubernetes.io/managed-by": "metaflow-blueprints",
            "app.kubernetes.io/part-of": "metaflow",
            "metaflow-blueprints/blueprint": "StorageObjectTrigger",
            "metaflow-blueprints/instance": "landing",
        },
    }
    assert resource["spec"] == {
        "eventBusName": "default",
        "template": {"serviceAccountName": "landing-eventsource"},
        "pubSub": {"object": {"projectID": "acme-data", "subscriptionID": STEM, "jsonBody": True}},
    }
    assert_valid_argo("EventSource", resource)


def test_sensor_filters_the_suffix_and_maps_s3_named_fields(run: ProgramRun) -> None:
    (item,) = run.custom_resources("Sensor")
    resource = item.plain_inputs
    assert_valid_argo("Sensor", resource)
    spec = resource["spec"]
    (dependency,) = spec["dependencies"]
    assert dependency["eventSourceName"] == "landing" and dependency["eventName"] == "object"
    (suffix,) = dependency["filters"]["data"]
    assert suffix == {"path": "attributes.objectId", "type": "string", "value": ["^(?:.*\\.csv)$"]}
    flow, event = spec["triggers"]
    workflow = flow["template"]["k8s"]["source"]["resource"]
    assert workflow["spec"]["workflowTemplateRef"] == {"name": "ingestflow"}
    assert workflow["spec"]["arguments"]["parameters"] == [
        {"name": "bucket", "value": "null"},
        {"name": "key", "value": "null"},
        {"name": "size_bytes", "value": "null"},
        {"name": "mode", "value": '"incremental"'},
    ]
    templates = [p["src"]["dataTemplate"] for p in argument_parameters(flow["template"]["k8s"])]
    assert templates == [
        value_template(EventPath.parse(path)) for path in ["attributes.bucketId", "attributes.objectId", "body.size"]
    ]
    assert f',"key":{value_template(EventPath.parse("attributes.objectId"), payload=True)}' in body_template(event)


def test_suffix_filter_matches_whole_names_only(run: ProgramRun) -> None:
    (pattern,) = spec_of(run, "Sensor")["dependencies"][0]["filters"]["data"][0]["value"]
    assert re.search(pattern, "exports/2026-11-20/users.csv")
    assert not re.search(pattern, "exports/2026-11-20/users.csv.tmp")
    assert not re.search(pattern, "exports/2026-11-20/users_csv")


def test_without_suffix_the_sensor_has_no_filter() -> None:
    dependency = spec_of(run_gcs(base_args(suffix=None)), "Sensor")["dependencies"][0]
    assert "filters" not in dependency


def test_every_spec_value_is_known_at_preview() -> None:
    run = run_gcs(base_args(identity={"mode": "google-service-account"}), computed=False)
    for kind in ("EventSource", "Sensor"):
        (item,) = run.custom_resources(kind)
        assert not contains_unknown(item.inputs), kind
    # The service account's email really is computed by Google, so it stays unknown: the check above can fail.
    assert contains_unknown(run.named("landing-eventsource-sa").inputs["metadata"]["annotations"])


def test_sample_notification_resolves_every_field() -> None:
    message = sample("gcs-object-finalize.pubsub-message.json")["message"]
    data = pubsub_event(message)
    expected = {
        "bucket": "acme-landing",
        "key": "exports/2026-11-20/users.csv",
        "size": "52341",
        "md5_hash": "1B2M2Y8AsgTpgAmY7PhCfg==",
        "generation": "1763626530123456",
        "version_id": "1763626530123456",
        "content_type": "text/csv",
        "event_type": "OBJECT_FINALIZE",
        "event_time": "2026-11-20T08:15:30.123456Z",
        "message_id": "10487693251911234",
        "object": message["data"],
        "attributes": message["attributes"],
    }
    assert sorted(STORAGE_OBJECT_FIELDS.names) == sorted([*expected, "etag"])
    for name, value in expected.items():
        assert STORAGE_OBJECT_FIELDS.resolve(name, name).lookup(data) == (True, value), name
    # The JSON API object resource carries `etag`; the sample omits it.
    assert STORAGE_OBJECT_FIELDS.resolve("etag", "etag").gjson == "body.etag"
    assert STORAGE_OBJECT_FIELDS.resolve("etag", "etag").lookup(data) == (False, None)
    assert STORAGE_OBJECT_FIELDS.resolve("object.timeCreated", "x").lookup(data) == (True, "2026-11-20T08:15:30.123Z")


def test_fields_shared_with_s3_keep_their_names() -> None:
    pytest.importorskip("pulumi_aws")
    from pulumi_metaflow_blueprints.aws.s3 import S3_NOTIFICATION_FIELDS

    shared = {"bucket", "key", "size", "etag", "version_id", "event_time"}
    assert shared <= set(S3_NOTIFICATION_FIELDS.names)
    assert shared <= set(STORAGE_OBJECT_FIELDS.names)


def test_outputs_name_what_was_created() -> None:
    made: list[StorageObjectTrigger] = []
    run_program(lambda: made.append(StorageObjectTrigger("landing", base_args())), config=CONFIG)  # type: ignore[arg-type]
    (trigger,) = made
    assert resolved(trigger.topic_id)[0] == TOPIC_ID
    assert resolved(trigger.notification_id)[0] == "1"
    assert resolved(trigger.subscription_name)[0] == STEM
    assert resolved(trigger.subscription_id)[0] == f"projects/acme-data/subscriptions/{STEM}"
    assert resolved(trigger.dead_letter_topic_id)[0] == f"{TOPIC_ID}-dead-letter"
    assert resolved(trigger.reader_member)[0].startswith("principal://iam.googleapis.com/projects/")
    assert resolved(trigger.workflow_templates)[0] == ["ingestflow"]


def test_example_program_runs_offline_and_its_specs_validate() -> None:
    run = run_program_dir(EXAMPLES / "gcs-to-flow")
    (component,) = run.of_type("metaflow-blueprints:index:StorageObjectTrigger")
    assert {r.parent for r in run.registrations if r is not component} == {component.urn}
    for kind in ("EventSource", "Sensor"):
        (item,) = run.custom_resources(kind)
        assert_valid_argo(kind, item.plain_inputs)
    assert run.named("landing-notification").plain_inputs["bucket"] == "acme-landing"
    workflow = spec_of(run, "Sensor")["triggers"][0]["template"]["k8s"]["source"]["resource"]
    assert workflow["spec"]["workflowTemplateRef"]["name"] == "lakehouse.prod.ingestflow"


@pytest.mark.parametrize(
    ("mutate", "argument"),
    [
        (lambda a: a.update(bucket="Acme_Landing"), "bucket"),
        (lambda a: a.update(bucket="ab"), "bucket"),
        (lambda a: a.update(bucket="a" * 64), "bucket"),
        (lambda a: a.update(bucket="192.168.1.1"), "bucket"),
        (lambda a: a.update(bucket="goog-landing"), "bucket"),
        (lambda a: a.update(bucket="my-google-landing"), "bucket"),
        (lambda a: a.update(bucket="acme..landing"), "bucket"),
        (lambda a: a.pop("bucket"), "bucket"),
        (lambda a: a.update(bucket_project="Lake"), "bucket_project"),
        (lambda a: a.update(project="acme-"), "project"),
        (lambda a: a.update(event_types=["OBJECT_CREATE"]), "event_types[0]"),
        (lambda a: a.update(event_types=[]), "event_types"),
        (lambda a: a.update(event_types="OBJECT_FINALIZE"), "event_types"),
        (lambda a: a.update(prefix=""), "prefix"),
        (lambda a: a.update(suffix="x" * 1025), "suffix"),
        (lambda a: a.update(topic={"name": "goog-landing"}), "topic.name"),
        (lambda a: a.update(topic={"kms_key_name": "projects/p/keyRings/r"}), "topic.kms_key_name"),
        (lambda a: a.update(subscription={"max_delivery_attempts": 101}), "subscription.max_delivery_attempts"),
        (lambda a: a.update(identity={}), "identity.mode"),
        (lambda a: a["identity"].update(cluster_project="acme_gke"), "identity.cluster_project"),
        (lambda a: a["kubernetes"].update(namespace="-argo"), "kubernetes.namespace"),
        (lambda a: a["targets"][0]["flow"].update(flow="123Flow"), "targets[0].flow.flow"),
        (lambda a: a.update(filters=[{"field": "contnet_type", "equals": ["text/csv"]}]), "filters[0].field"),
    ],
)
def test_bad_input_is_rejected_before_anything_is_created(mutate: Any, argument: str) -> None:
    args = copy.deepcopy(base_args())
    mutate(args)
    run, error = rejected(lambda: StorageObjectTrigger("landing", args), config=CONFIG)  # type: ignore[arg-type]
    assert error.argument == argument
    assert "Fix:" in str(error)
    assert run.registrations == []
