"""S3ObjectTrigger: the resources it registers, their inputs, and the errors bad input gets."""

import copy
import json
import urllib.parse
from typing import Any

import pytest

from pulumi_metaflow_blueprints.aws import AwsIdentityMode, S3ObjectTrigger
from pulumi_metaflow_blueprints.aws.s3 import S3_NOTIFICATION_FIELDS, TEST_EVENT_FILTER
from pulumi_metaflow_blueprints.core.target import event_body_template
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.offline import ProgramRun, run_program
from tests.argo_schema import assert_valid_argo
from tests.helpers import (
    OIDC,
    argument_parameters,
    body_template,
    contains_unknown,
    policy,
    rejected,
    sample,
    spec_of,
    sqs_event,
)

CONFIG = {"aws:region": "us-west-2"}


def base_args(**overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "bucket": "acme-raw-events",
        "prefix": "landing/",
        "suffix": ".parquet",
        "identity": {"mode": AwsIdentityMode.IRSA, "oidc_provider_arn": OIDC},
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


def run_s3(args: dict[str, Any] | None = None, **kwargs: Any) -> ProgramRun:
    chosen = args if args is not None else base_args()
    return run_program(lambda: S3ObjectTrigger("raw-events", chosen), config=CONFIG, **kwargs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def run() -> ProgramRun:
    return run_s3()


def test_registers_exactly_the_expected_resources_under_the_component(run: ProgramRun) -> None:
    (component,) = run.of_type("metaflow-blueprints:index:S3ObjectTrigger")
    children = sorted((r.type, r.name) for r in run.children_of(component))
    assert children == sorted(
        [
            ("aws:sqs/queue:Queue", "raw-events-dlq"),
            ("aws:sqs/queue:Queue", "raw-events-queue"),
            ("aws:sqs/queuePolicy:QueuePolicy", "raw-events-queue-policy"),
            ("aws:iam/role:Role", "raw-events-reader"),
            ("aws:iam/rolePolicy:RolePolicy", "raw-events-queue-access"),
            ("kubernetes:core/v1:ServiceAccount", "raw-events-eventsource-sa"),
            ("kubernetes:argoproj.io/v1alpha1:EventSource", "raw-events-eventsource"),
            ("aws:s3/bucketNotification:BucketNotification", "raw-events-notification"),
            ("kubernetes:core/v1:ServiceAccount", "raw-events-sensor-sa"),
            ("kubernetes:rbac.authorization.k8s.io/v1:Role", "raw-events-sensor-role"),
            ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "raw-events-sensor-binding"),
            ("kubernetes:rbac.authorization.k8s.io/v1:Role", "raw-events-sensor-parked-role"),
            ("kubernetes:rbac.authorization.k8s.io/v1:RoleBinding", "raw-events-sensor-parked-binding"),
            ("kubernetes:argoproj.io/v1alpha1:Sensor", "raw-events-sensor"),
        ]
    )
    assert len(run.registrations) == len(children) + 1


def test_queues_are_encrypted_long_polled_and_redrive_to_the_dlq(run: ProgramRun) -> None:
    queue = run.named("raw-events-queue").plain_inputs
    dlq = run.named("raw-events-dlq").plain_inputs
    assert queue["name"] == "metaflow-blueprints-offline-raw-events"
    assert dlq["name"] == "metaflow-blueprints-offline-raw-events-dlq"
    assert queue["sqsManagedSseEnabled"] is True and dlq["sqsManagedSseEnabled"] is True
    assert queue["receiveWaitTimeSeconds"] == 20
    assert queue["region"] == "us-west-2"
    redrive = json.loads(queue["redrivePolicy"])
    assert redrive == {"deadLetterTargetArn": "arn:aws:sqs:us-west-2:000000000000:" + dlq["name"], "maxReceiveCount": 5}
    allow = json.loads(dlq["redriveAllowPolicy"])
    assert allow == {
        "redrivePermission": "byQueue",
        "sourceQueueArns": ["arn:aws:sqs:us-west-2:000000000000:" + queue["name"]],
    }


def test_queue_policy_admits_only_that_bucket_of_that_account_over_tls(run: ProgramRun) -> None:
    document = policy(run.named("raw-events-queue-policy").inputs["policy"])
    queue_arn = "arn:aws:sqs:us-west-2:000000000000:metaflow-blueprints-offline-raw-events"
    allow, deny = document["Statement"]
    assert allow == {
        "Sid": "S3MaySendForOneBucket",
        "Effect": "Allow",
        "Principal": {"Service": "s3.amazonaws.com"},
        "Action": "sqs:SendMessage",
        "Resource": queue_arn,
        "Condition": {
            "ArnEquals": {"aws:SourceArn": "arn:aws:s3:::acme-raw-events"},
            "StringEquals": {"aws:SourceAccount": "000000000000"},
        },
    }
    assert deny["Effect"] == "Deny" and deny["Condition"] == {"Bool": {"aws:SecureTransport": "false"}}
    assert deny["Resource"] == queue_arn


def test_bucket_account_id_overrides_the_deploying_account() -> None:
    run = run_s3(base_args(bucket_account_id="444455556666"))
    allow = policy(run.named("raw-events-queue-policy").inputs["policy"])["Statement"][0]
    assert allow["Condition"]["StringEquals"] == {"aws:SourceAccount": "444455556666"}


def test_reader_role_trusts_only_the_eventsource_service_account_and_reads_one_queue(run: ProgramRun) -> None:
    trust = policy(run.named("raw-events-reader").inputs["assumeRolePolicy"])
    (statement,) = trust["Statement"]
    issuer = OIDC.split(":oidc-provider/")[1]
    assert statement["Principal"] == {"Federated": OIDC}
    assert statement["Condition"]["StringEquals"] == {
        f"{issuer}:sub": "system:serviceaccount:argo-events:raw-events-eventsource",
        f"{issuer}:aud": "sts.amazonaws.com",
    }
    access = policy(run.named("raw-events-queue-access").inputs["policy"])
    (grant,) = access["Statement"]
    assert sorted(grant["Action"]) == [
        "sqs:DeleteMessage",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:ReceiveMessage",
    ]
    assert grant["Resource"] == "arn:aws:sqs:us-west-2:000000000000:metaflow-blueprints-offline-raw-events"
    account = run.named("raw-events-eventsource-sa").plain_inputs
    assert account["metadata"]["annotations"] == {
        "eks.amazonaws.com/role-arn": "arn:aws:iam::000000000000:role/raw-events-reader-placeholder"
    }


def test_pod_identity_associates_the_exact_service_account() -> None:
    args = base_args(identity={"mode": "pod-identity", "cluster_name": "ml-platform"})
    run = run_s3(args)
    association = run.named("raw-events-pod-identity").plain_inputs
    assert association["clusterName"] == "ml-platform"
    assert (association["namespace"], association["serviceAccount"]) == ("argo-events", "raw-events-eventsource")
    (statement,) = policy(run.named("raw-events-reader").inputs["assumeRolePolicy"])["Statement"]
    assert statement["Principal"] == {"Service": "pods.eks.amazonaws.com"}
    assert statement["Condition"]["ArnEquals"] == {
        "aws:SourceArn": "arn:aws:eks:us-west-2:000000000000:cluster/ml-platform"
    }
    assert (
        statement["Condition"]["StringEquals"]["aws:RequestTag/kubernetes-service-account"] == "raw-events-eventsource"
    )
    assert "annotations" not in run.named("raw-events-eventsource-sa").plain_inputs["metadata"]


def test_role_arn_mode_creates_no_role_and_the_eventsource_assumes_the_given_one() -> None:
    role = "arn:aws:iam::111122223333:role/team/argo-events-reader"
    run = run_s3(base_args(identity={"mode": "role-arn", "role_arn": role}))
    assert run.of_type("aws:iam/role:Role") == []
    assert run.named("raw-events-queue-access").plain_inputs["role"] == "argo-events-reader"
    assert spec_of(run, "EventSource")["sqs"]["object"]["roleARN"] == role


def test_bucket_notification_sends_only_the_chosen_events_and_keys(run: ProgramRun) -> None:
    notification = run.named("raw-events-notification").plain_inputs
    assert notification["bucket"] == "acme-raw-events"
    (queue,) = notification["queues"]
    assert queue == {
        "id": "metaflow-blueprints-raw-events",
        "queueArn": "arn:aws:sqs:us-west-2:000000000000:metaflow-blueprints-offline-raw-events",
        "events": ["s3:ObjectCreated:*"],
        "filterPrefix": "landing/",
        "filterSuffix": ".parquet",
    }


@pytest.mark.parametrize(
    ("prefix", "suffix", "sent_prefix", "sent_suffix"),
    [
        ("raw data/dt=2026-11-20/", ".c+sv", "raw+data/dt%3D2026-11-20/", ".c%2Bsv"),
        ("café/ü", "€.json", "caf%C3%A9/%C3%BC", "%E2%82%AC.json"),
        ("100%/a&b;c@d,e:f?g#h$~", None, "100%25/a%26b%3Bc%40d%2Ce%3Af%3Fg%23h%24%7E", None),
        ("tab\there/", "\x7f", "tab%09here/", "%7F"),
        ("Landing-2026_v1.0/", None, "Landing-2026_v1.0/", None),
    ],
)
def test_notification_filters_are_url_encoded_the_way_s3_matches_them(
    prefix: str, suffix: str | None, sent_prefix: str, sent_suffix: str | None
) -> None:
    """S3 matches notification filters against the key as it sends it, URL-encoded (user guide, "Configuring event
    notifications using object key name filtering": a space as `+`, other special characters percent-encoded)."""
    run = run_s3(base_args(prefix=prefix, suffix=suffix))
    (queue,) = run.named("raw-events-notification").plain_inputs["queues"]
    assert (queue["filterPrefix"], queue.get("filterSuffix")) == (sent_prefix, sent_suffix)
    # Nothing is lost: form-decoding what S3 compares gives the prefix and suffix back.
    assert urllib.parse.unquote_plus(sent_prefix, errors="strict") == prefix
    assert sent_suffix is None or urllib.parse.unquote_plus(sent_suffix, errors="strict") == suffix


@pytest.mark.parametrize("char", ["(", ")", "!", "'", "\ud800"])
def test_filter_characters_aws_documents_both_ways_are_refused_naming_them(char: str) -> None:
    for argument in ("prefix", "suffix"):
        with pytest.raises(BlueprintInputError) as raised:
            run_s3(base_args(**{argument: f"data{char}x"}))
        assert raised.value.argument == argument and repr(char) in str(raised.value)
        assert "eventbridge" in str(raised.value)


def test_event_source_reads_json_bodies_with_long_polling_and_drops_the_test_event(run: ProgramRun) -> None:
    (item,) = run.custom_resources("EventSource")
    resource = item.plain_inputs
    assert resource["metadata"]["name"] == "raw-events"
    assert resource["metadata"]["namespace"] == "argo-events"
    spec = resource["spec"]
    assert spec["template"] == {"serviceAccountName": "raw-events-eventsource"}
    assert spec["sqs"]["object"] == {
        "region": "us-west-2",
        "queue": "metaflow-blueprints-offline-raw-events",
        "waitTimeSeconds": 20,
        "jsonBody": True,
        "filter": {"expression": TEST_EVENT_FILTER},
    }
    assert_valid_argo("EventSource", resource)


def test_sensor_creates_the_flow_workflow_and_posts_the_metaflow_event(run: ProgramRun) -> None:
    (item,) = run.custom_resources("Sensor")
    resource = item.plain_inputs
    assert resource["metadata"]["name"] == "raw-events-sensor"
    spec = resource["spec"]
    assert_valid_argo("Sensor", resource)
    (dependency,) = spec["dependencies"]
    assert dependency["eventSourceName"] == "raw-events" and dependency["eventName"] == "object"
    (event_filter,) = dependency["filters"]["data"]
    assert event_filter == {"path": "body.Records.0.eventName", "type": "string", "value": ["^(?:ObjectCreated:.*)$"]}
    flow, event = spec["triggers"]
    assert flow["atLeastOnce"] is True and flow["retryStrategy"]["steps"] == 3
    workflow = flow["template"]["k8s"]["source"]["resource"]
    assert flow["template"]["k8s"]["operation"] == "patch"  # one run per event (tests/test_run_identity.py)
    assert workflow["spec"]["workflowTemplateRef"] == {"name": "ingestflow"}
    assert "generateName" not in workflow["metadata"] and "name" not in workflow["metadata"]
    assert workflow["metadata"]["namespace"] == "jobs"
    assert workflow["spec"]["arguments"]["parameters"] == [
        {"name": "bucket", "value": "null"},
        {"name": "key", "value": "null"},
        {"name": "size_bytes", "value": "null"},
        {"name": "mode", "value": '"incremental"'},
    ]
    dests = [p["dest"] for p in argument_parameters(flow["template"]["k8s"])]
    assert dests == [f'spec.arguments.parameters.#(name=="{n}").value' for n in ("bucket", "key", "size_bytes")]
    http = event["template"]["http"]
    assert http["url"] == "http://argo-events-webhook-eventsource-svc.argo-events.svc:12000/metaflow-event"
    assert http["method"] == "POST"
    key = S3_NOTIFICATION_FIELDS.resolve("key", "test")
    assert body_template(event) == event_body_template("raw_data_landed", {"key": key}, {})
    assert spec["template"] == {"serviceAccountName": "raw-events-sensor"}


def test_sensor_rbac_allows_only_creating_workflows_in_the_flow_namespace(run: ProgramRun) -> None:
    role = run.named("raw-events-sensor-role").plain_inputs
    assert role["metadata"]["namespace"] == "jobs"
    verbs = ["create", "get", "patch"]  # patch: a run named after its event (tests/test_run_identity.py)
    assert role["rules"] == [{"apiGroups": ["argoproj.io"], "resources": ["workflows"], "verbs": verbs}]
    binding = run.named("raw-events-sensor-binding").plain_inputs
    assert binding["subjects"] == [{"kind": "ServiceAccount", "name": "raw-events-sensor", "namespace": "argo-events"}]
    assert binding["roleRef"]["name"] == role["metadata"]["name"]


def test_metaflow_event_only_needs_no_workflow_rbac_and_may_send_a_bearer_header() -> None:
    target = {
        "metaflow_event": {
            "event": "raw_data_landed",
            "authorization_secret_name": "metaflow-webhook-auth",
            "webhook_url": "https://events.example.com/metaflow-event",
        }
    }
    run = run_s3(base_args(targets=[target]))
    roles = run.of_type("kubernetes:rbac.authorization.k8s.io/v1:Role")
    assert [r.name for r in roles] == ["raw-events-sensor-parked-role"]  # only parking failed events (core.dlq)
    spec = spec_of(run, "Sensor")
    http = spec["triggers"][0]["template"]["http"]
    assert http["url"] == "https://events.example.com/metaflow-event"
    assert http["secureHeaders"] == [
        {
            "name": "Authorization",
            "valueFrom": {"secretKeyRef": {"name": "metaflow-webhook-auth", "key": "authorization"}},
        }
    ]
    assert_valid_argo("Sensor", spec)


def test_project_flow_uses_metaflow_template_naming() -> None:
    target = {"flow": {"flow": "IngestFlow", "project": "lakehouse", "branch": "nightly", "production": True}}
    run = run_s3(base_args(targets=[target]))
    workflow = spec_of(run, "Sensor")["triggers"][0]["template"]["k8s"]["source"]["resource"]
    assert workflow["spec"]["workflowTemplateRef"]["name"] == "lakehouse.prod.nightly.ingestflow"


def test_every_spec_value_is_known_at_preview() -> None:
    run = run_s3(computed=False)
    for kind in ("EventSource", "Sensor"):
        (item,) = run.custom_resources(kind)
        assert not contains_unknown(item.inputs), kind
    # The role ARN really is computed by AWS, so the mocks leave it unknown: the check above can fail.
    annotations = run.named("raw-events-eventsource-sa").inputs["metadata"]["annotations"]
    assert contains_unknown(annotations)


def test_sample_notification_resolves_every_field() -> None:
    data = sqs_event(sample("s3-object-created.sqs-message.json"))
    expected = {
        "bucket": "acme-raw-events",
        "key": "landing/2026/11/20/orders.parquet",
        "key_encoded": "landing/2026/11/20/orders.parquet",
        "size": 1048576,
        "etag": "d41d8cd98f00b204e9800998ecf8427e",
        "version_id": "096fKKXTRTtl3on89fVO.nfljtsv6qko",
        "sequencer": "0055AED6DCD90281E5",
        "event_name": "ObjectCreated:Put",
        "event_time": "2026-11-20T08:15:30.123Z",
    }
    assert S3_NOTIFICATION_FIELDS.names == list(expected)
    for field in S3_NOTIFICATION_FIELDS.fields:
        found, value = field.path.lookup(data)
        assert found and value == expected[field.name], field.name


@pytest.mark.parametrize(
    ("mutate", "argument"),
    [
        (lambda a: a.update(bucket="Bad_Bucket"), "bucket"),
        (lambda a: a.update(bucket="192.168.1.1"), "bucket"),
        (lambda a: a.update(events=["s3:ObjectMade"]), "events"),
        (lambda a: a.update(prefix="landing/*"), "prefix"),
        (lambda a: a["kubernetes"].update(namespace="Argo_Events"), "kubernetes.namespace"),
        (lambda a: a.pop("identity"), "identity"),
        (lambda a: a.update(identity={"mode": "irsa"}), "identity.oidc_provider_arn"),
        (lambda a: a.update(identity={"mode": "kiam"}), "identity.mode"),
        (lambda a: a["targets"][0]["flow"]["parameters"].update(when="eventtime"), "targets[0].flow.parameters.when"),
        (lambda a: a["targets"][0]["flow"].update(flow="123Flow"), "targets[0].flow.flow"),
        (lambda a: a["targets"][0]["flow"]["static_parameters"].update(key="x"), "targets[0].flow.static_parameters"),
        (lambda a: a["targets"][1].update(flow={"flow": "OtherFlow"}), "targets[1]"),
        (lambda a: a.update(targets=[]), "targets"),
        (lambda a: a.update(queue={"max_receive_count": 0}), "queue.max_receive_count"),
        (lambda a: a.update(filters=[{"field": "key", "pattern": "("}]), "filters[0].pattern"),
        (lambda a: a.update(sensor={"rate_limit_unit": "Day", "rate_limit": 1}), "sensor.rate_limit_unit"),
    ],
)
def test_bad_input_is_rejected_before_anything_is_created(mutate: Any, argument: str) -> None:
    args = copy.deepcopy(base_args())
    mutate(args)
    run, error = rejected(lambda: S3ObjectTrigger("raw-events", args), config=CONFIG)  # type: ignore[arg-type]
    assert error.argument == argument
    assert "Fix:" in str(error)
    assert run.registrations == []


def test_unknown_field_error_suggests_the_closest_field() -> None:
    args = base_args()
    args["targets"][0]["flow"]["parameters"] = {"size_bytes": "sise"}
    with pytest.raises(BlueprintInputError, match="did you mean 'size'"):
        run_s3(args)


def test_two_triggers_with_one_name_are_rejected() -> None:
    args = base_args()
    args["targets"] = [
        {"name": "same", "flow": {"flow": "IngestFlow"}},
        {"name": "same", "metaflow_event": {"event": "raw_data_landed"}},
    ]
    with pytest.raises(BlueprintInputError, match="used twice"):
        run_s3(args)


def test_filters_are_anchored_and_escaped() -> None:
    filters = [{"field": "key", "equals": ["a.b"]}, {"field": "size", "pattern": "[0-9]+"}]
    run = run_s3(base_args(filters=filters))
    data = spec_of(run, "Sensor")["dependencies"][0]["filters"]["data"]
    assert data[1:] == [
        {"path": "body.Records.0.s3.object.key", "type": "string", "value": ["^(?:a\\.b)$"]},
        {"path": "body.Records.0.s3.object.size", "type": "string", "value": ["^(?:[0-9]+)$"]},
    ]
