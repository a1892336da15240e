"""Identifiers of existing things take other resources' outputs and are checked when known; values that decide names
or the Argo Events specs stay plain, and an Output there is refused before anything registers, saying why."""

import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import grpc
import pulumi
import pulumi_aws
import pulumi_gcp
import pulumi_kubernetes as k8s
import pytest

from pulumi_metaflow_blueprints.aws import DynamoDBTableTrigger, S3ObjectTrigger, SnsTopicTrigger, SqsQueueTrigger
from pulumi_metaflow_blueprints.core.arguments import PLAN_TIME
from pulumi_metaflow_blueprints.gcp import PubSubTrigger, StorageObjectTrigger
from pulumi_metaflow_blueprints.gcp.package import project_number
from pulumi_metaflow_blueprints.offline import ProgramRun, run_program
from pulumi_metaflow_blueprints.offline.runner import is_secret
from tests.helpers import OIDC, contains_unknown, policy, rejected, resolved
from tests.provider_rpc import (
    ProviderProcess,
    construct,
    rpc_failure,
)
from tests.test_provider import yaml_inputs

AWS = {"aws:region": "us-west-2"}
GCP = {"gcp:project": "acme-data"}
ACCOUNT = "000000000000"
KUBERNETES = {"namespace": "argo-events", "workflow_namespace": "jobs"}
IRSA = {"mode": "irsa", "oidc_provider_arn": OIDC}
TARGETS = [{"flow": {"flow": "OrderFlow", "parameters": {"order_id": "body.order.id"}}}]
TOPIC_ARN = "arn:aws:sns:eu-west-1:444455556666:order-events"
STREAM = "arn:aws:dynamodb:us-west-2:000000000000:table/orders/stream/2026-11-01T00:00:00.000"
OTHER_QUEUE = "arn:aws:sqs:us-west-2:444455556666:orders-feed"
KEY_ARN = "arn:aws:kms:us-west-2:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab"
BOUNDARY = "arn:aws:iam::111122223333:policy/platform-boundary"
QUEUE = "metaflow-blueprints-offline-orders"
QUEUE_ARN = f"arn:aws:sqs:us-west-2:{ACCOUNT}:{QUEUE}"
GCP_KEY = "projects/acme-sec/locations/europe-west1/keyRings/pubsub/cryptoKeys/orders"
PUBSUB_TOPIC = "projects/acme-events/topics/orders"


@dataclass(frozen=True)
class Source:
    """Another resource's output holding ``value``: a ConfigMap's data, made when the program runs."""

    value: str


@dataclass(frozen=True)
class Given:
    """`pulumi.Output.from_input(value)`, made when the program runs (nothing is registered for it)."""

    value: str


def materialized(value: Any, counter: Iterator[int]) -> Any:
    """``value`` with each `Source` and `Given` made a real Output (call inside the program)."""
    if isinstance(value, Source):
        source = k8s.core.v1.ConfigMap(f"source-{next(counter)}", data={"value": value.value})
        return source.data["value"]
    if isinstance(value, Given):
        return pulumi.Output.from_input(value.value)
    if isinstance(value, dict):
        return {key: materialized(item, counter) for key, item in value.items()}
    if isinstance(value, list):
        return [materialized(item, counter) for item in value]
    return value


def plain(value: Any) -> Any:
    """``value`` with each `Source` or `Given` replaced by the value it holds."""
    if isinstance(value, Source | Given):
        return value.value
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


@dataclass(frozen=True)
class Case:
    """One blueprint instance to build: its class, name, args (with `Source`/`Given` markers) and stack config."""

    component: Callable[[str, Any], Any]
    args: dict[str, Any]
    config: dict[str, str]
    name: str = "orders"

    def run(self, **kwargs: Any) -> ProgramRun:
        """Run offline (Outputs made as the program runs); what was registered."""
        counter = itertools.count()
        return run_program(
            lambda: self.component(self.name, materialized(self.args, counter)), config=self.config, **kwargs
        )

    def refused(self, args: dict[str, Any] | None = None) -> tuple[ProgramRun, Any]:
        """Run with ``args`` (default: the case's) expecting a BlueprintInputError: the run and the error."""
        chosen = self.args if args is None else args
        return rejected(lambda: self.component(self.name, materialized(chosen, itertools.count())), config=self.config)


def sns(**args: Any) -> Case:
    return Case(
        SnsTopicTrigger,
        {"topic_arn": TOPIC_ARN, "identity": IRSA, "kubernetes": KUBERNETES, "targets": TARGETS, **args},
        AWS,
    )


def dynamodb(**args: Any) -> Case:
    targets = [{"flow": {"flow": "OrderFlow", "parameters": {"order_id": "keys.order_id"}}}]
    base = {"stream_arn": STREAM, "identity": IRSA, "kubernetes": KUBERNETES, "targets": targets}
    return Case(DynamoDBTableTrigger, {**base, **args}, AWS)


def sqs(**args: Any) -> Case:
    return Case(SqsQueueTrigger, {"identity": IRSA, "kubernetes": KUBERNETES, "targets": TARGETS, **args}, AWS)


def s3(**args: Any) -> Case:
    targets = [{"flow": {"flow": "IngestFlow", "parameters": {"key": "key"}}}]
    base = {"bucket": "acme-raw-events", "identity": IRSA, "kubernetes": KUBERNETES, "targets": targets}
    return Case(S3ObjectTrigger, {**base, **args}, AWS, "raw-events")


def pubsub(**args: Any) -> Case:
    base = {"topic": PUBSUB_TOPIC, "identity": {"mode": "google-service-account"}, "kubernetes": KUBERNETES}
    return Case(PubSubTrigger, {**base, "targets": TARGETS, **args}, GCP)


def storage(**args: Any) -> Case:
    base = {"bucket": "acme-landing", "identity": {"mode": "google-service-account"}, "kubernetes": KUBERNETES}
    targets = [{"flow": {"flow": "IngestFlow", "parameters": {"key": "key"}}}]
    return Case(StorageObjectTrigger, {**base, "targets": targets, **args}, GCP, "landing")


def inputs(run: ProgramRun, name: str) -> dict[str, Any]:
    return run.named(name).plain_inputs


def statements(run: ProgramRun, name: str) -> list[dict[str, Any]]:
    return policy(run.named(name).inputs["policy"])["Statement"]


def failed_run(case: Case) -> str:
    """Run ``case`` expecting the deployment to fail; the message Pulumi reports (the error raised inside `apply`
    as it is, or at the end of Pulumi's "While processing resource ..." lines when a registration awaited it)."""
    with pytest.raises(Exception) as caught:
        case.run()
    return str(caught.value)


# --- an Output from another resource is accepted and reaches what is registered ---------------------------------


def test_sns_topic_arn_output_sets_the_subscription_and_the_queue_policy_conditions() -> None:
    run = sns(topic_arn=Source(TOPIC_ARN)).run()
    subscription = inputs(run, "orders-subscription")
    assert (subscription["topic"], subscription["region"]) == (TOPIC_ARN, "eu-west-1")
    allow, _deny = statements(run, "orders-queue-policy")
    assert allow["Condition"] == {
        "ArnEquals": {"aws:SourceArn": TOPIC_ARN},
        "StringEquals": {"aws:SourceAccount": "444455556666"},
    }


def test_sns_topic_of_the_same_program_is_subscribed_in_its_region() -> None:
    def program() -> None:
        topic = pulumi_aws.sns.Topic("order-events", name="order-events", region="eu-west-1")
        SnsTopicTrigger("orders", {**sns().args, "topic_arn": topic.arn})  # type: ignore[typeddict-item]

    run = run_program(program, config=AWS)
    arn = f"arn:aws:sns:eu-west-1:{ACCOUNT}:order-events"
    subscription = inputs(run, "orders-subscription")
    assert (subscription["topic"], subscription["region"], subscription["endpoint"]) == (arn, "eu-west-1", QUEUE_ARN)
    allow, _deny = statements(run, "orders-queue-policy")
    assert allow["Condition"]["StringEquals"] == {"aws:SourceAccount": ACCOUNT}


def test_an_output_unknown_at_preview_is_not_checked_and_the_specs_stay_known() -> None:
    def program() -> None:
        topic = pulumi_aws.sns.Topic("order-events")  # a new topic: its ARN is unknown until it exists
        SnsTopicTrigger("orders", {**sns().args, "topic_arn": topic.arn})  # type: ignore[typeddict-item]

    run = run_program(program, config=AWS, computed=False)
    subscription = run.named("orders-subscription").inputs
    assert contains_unknown(subscription["topic"]) and contains_unknown(subscription["region"])
    for kind in ("EventSource", "Sensor"):
        (item,) = run.custom_resources(kind)
        assert not contains_unknown(item.inputs), kind


def test_dynamodb_stream_arn_output_is_the_pipe_source_and_the_only_stream_it_may_read() -> None:
    run = dynamodb(stream_arn=Source(STREAM)).run()
    pipe = inputs(run, "orders-pipe")
    assert pipe["source"] == STREAM
    assert pipe["description"] == "orders stream changes INSERT to Argo Events"
    read, *_ = statements(run, "orders-pipe-access")
    assert (read["Sid"], read["Resource"]) == ("ReadOneStream", STREAM)
    assert "read the stream of table orders" in inputs(run, "orders-pipe-role")["description"]


def test_existing_queue_key_output_lets_the_reader_decrypt_with_it_and_stays_secret() -> None:
    def program() -> None:
        key = pulumi.Output.secret(KEY_ARN)
        SqsQueueTrigger("orders", {**sqs().args, "existing_queue": OTHER_QUEUE, "existing_queue_kms_key_arn": key})  # type: ignore[typeddict-item]

    run = run_program(program, config=AWS)
    assert is_secret(run.named("orders-queue-access").inputs["policy"])
    read, decrypt = statements(run, "orders-queue-access")
    assert read["Resource"] == OTHER_QUEUE
    assert decrypt == {"Sid": "DecryptQueue", "Effect": "Allow", "Action": "kms:Decrypt", "Resource": KEY_ARN}


def test_queue_key_arn_output_encrypts_both_queues_and_lets_reader_and_pipe_use_it() -> None:
    key = "arn:aws:kms:us-west-2:000000000000:key/1234abcd-12ab-34cd-56ef-1234567890ab"
    run = dynamodb(queue={"kms_master_key_id": Source(key)}).run()
    for queue in ("orders-queue", "orders-dlq"):
        assert inputs(run, queue)["kmsMasterKeyId"] == key
        assert "sqsManagedSseEnabled" not in inputs(run, queue)
    *_, decrypt = statements(run, "orders-queue-access")
    assert (decrypt["Action"], decrypt["Resource"]) == ("kms:Decrypt", key)
    *_, encrypt = statements(run, "orders-pipe-access")
    assert (encrypt["Sid"], encrypt["Resource"]) == ("EncryptForQueues", key)


def test_queue_key_alias_output_encrypts_the_queues_and_grants_no_key_statement() -> None:
    run = dynamodb(queue={"kms_master_key_id": Source("alias/orders")}).run()
    assert inputs(run, "orders-queue")["kmsMasterKeyId"] == "alias/orders"
    assert [s["Sid"] for s in statements(run, "orders-queue-access")] == ["ReadOneQueue"]
    assert [s["Sid"] for s in statements(run, "orders-pipe-access")] == [
        "ReadOneStream",
        "ListStreams",
        "SendToOwnQueues",
    ]


def test_oidc_provider_arn_output_is_the_trusted_federated_principal() -> None:
    run = sns(identity={"mode": "irsa", "oidc_provider_arn": Source(OIDC)}).run()
    (trust,) = policy(run.named("orders-reader").inputs["assumeRolePolicy"])["Statement"]
    issuer = OIDC.split(":oidc-provider/")[1]
    assert trust["Principal"] == {"Federated": OIDC}
    assert trust["Condition"]["StringEquals"] == {
        f"{issuer}:sub": "system:serviceaccount:argo-events:orders-eventsource",
        f"{issuer}:aud": "sts.amazonaws.com",
    }


def test_cluster_name_output_is_the_associated_cluster_and_the_trusted_cluster_arn() -> None:
    run = sns(identity={"mode": "pod-identity", "cluster_name": Source("ml-platform")}).run()
    assert inputs(run, "orders-pod-identity")["clusterName"] == "ml-platform"
    (trust,) = policy(run.named("orders-reader").inputs["assumeRolePolicy"])["Statement"]
    assert trust["Condition"]["ArnEquals"] == {"aws:SourceArn": f"arn:aws:eks:us-west-2:{ACCOUNT}:cluster/ml-platform"}


def test_permissions_boundary_output_bounds_every_role_the_blueprint_creates() -> None:
    run = dynamodb(identity={**IRSA, "permissions_boundary_arn": Source(BOUNDARY)}).run()
    assert inputs(run, "orders-reader")["permissionsBoundary"] == BOUNDARY
    assert inputs(run, "orders-pipe-role")["permissionsBoundary"] == BOUNDARY


def test_s3_bucket_of_the_same_program_gets_the_notification_and_is_the_only_sender() -> None:
    def program() -> None:
        bucket = pulumi_aws.s3.Bucket("raw", bucket="acme-raw-events")
        S3ObjectTrigger("raw-events", {**s3().args, "bucket": bucket.bucket})  # type: ignore[typeddict-item]

    run = run_program(program, config=AWS)
    assert inputs(run, "raw-events-notification")["bucket"] == "acme-raw-events"
    allow, _deny = statements(run, "raw-events-queue-policy")
    assert allow["Condition"]["ArnEquals"] == {"aws:SourceArn": "arn:aws:s3:::acme-raw-events"}


def test_s3_bucket_output_is_matched_by_the_eventbridge_rule() -> None:
    run = s3(bucket=Source("acme-raw-events"), delivery="eventbridge").run()
    rule = inputs(run, "raw-events-rule")
    assert json.loads(rule["eventPattern"])["detail"]["bucket"] == {"name": ["acme-raw-events"]}
    assert " in acme-raw-events to Argo Events argo-events/raw-events" in rule["description"]
    assert inputs(run, "raw-events-bucket-eventbridge") == {
        "bucket": "acme-raw-events",
        "eventbridge": True,
        "region": "us-west-2",
    }


def test_bucket_account_id_output_is_the_queue_policys_source_account() -> None:
    run = s3(bucket_account_id=Source("444455556666")).run()
    allow, _deny = statements(run, "raw-events-queue-policy")
    assert allow["Condition"]["StringEquals"] == {"aws:SourceAccount": "444455556666"}


def test_pubsub_topic_of_the_same_program_is_subscribed_and_published() -> None:
    made: list[PubSubTrigger] = []

    def program() -> None:
        topic = pulumi_gcp.pubsub.Topic("events", project="acme-events", name="orders")
        made.append(PubSubTrigger("orders", {**pubsub().args, "topic": topic.id}))  # type: ignore[typeddict-item]

    run = run_program(program, config=GCP)
    assert inputs(run, "orders-subscription")["topic"] == PUBSUB_TOPIC
    assert resolved(made[0].topic_id)[0] == PUBSUB_TOPIC


def test_kms_key_name_output_encrypts_the_topic_the_blueprint_creates() -> None:
    args = {key: value for key, value in pubsub().args.items() if key != "topic"}
    run = Case(PubSubTrigger, {**args, "new_topic": {"kms_key_name": Source(GCP_KEY)}}, GCP).run()
    assert inputs(run, "orders-topic")["kmsKeyName"] == GCP_KEY
    run = storage(topic={"kms_key_name": Source(GCP_KEY)}).run()
    assert inputs(run, "landing-topic")["kmsKeyName"] == GCP_KEY


def test_cluster_project_number_output_is_the_granted_principals_project() -> None:
    identity = {"mode": "workload-identity-principal", "cluster_project_number": Source("123456789012")}
    run = pubsub(identity=identity).run()
    member = inputs(run, "orders-subscriber")["member"]
    assert member.startswith("principal://iam.googleapis.com/projects/123456789012/locations/global/")
    assert project_number("acme-data") not in member


def test_storage_bucket_output_gets_the_notification() -> None:
    run = storage(bucket=Source("acme-landing")).run()
    assert inputs(run, "landing-notification")["bucket"] == "acme-landing"


# --- a bad value in an Output fails the deployment with the error the plain value gets ---------------------------

BAD_OUTPUTS = [
    pytest.param(sns(topic_arn=Source("arn:aws:sns:us-west-2:444455556666:orders.fifo")), "topic_arn", id="topic_arn"),
    pytest.param(
        dynamodb(stream_arn=Source(STREAM.replace("us-west-2", "eu-west-1"))), "stream_arn", id="stream_arn-region"
    ),
    pytest.param(dynamodb(stream_arn=Source("arn:aws:dynamodb:us-west-2:0:table/x")), "stream_arn", id="stream_arn"),
    pytest.param(
        sqs(existing_queue=OTHER_QUEUE, existing_queue_kms_key_arn=Source("alias/orders")),
        "existing_queue_kms_key_arn",
        id="existing_queue_kms_key_arn",
    ),
    pytest.param(sqs(queue={"kms_master_key_id": Source("orders-key")}), "queue.kms_master_key_id", id="kms_master"),
    pytest.param(
        sns(identity={"mode": "irsa", "oidc_provider_arn": Source("arn:aws:iam::1:oidc")}),
        "identity.oidc_provider_arn",
        id="oidc_provider_arn",
    ),
    pytest.param(
        sns(identity={"mode": "pod-identity", "cluster_name": Source("-ml platform")}),
        "identity.cluster_name",
        id="cluster_name",
    ),
    pytest.param(
        sns(identity={**IRSA, "permissions_boundary_arn": Source("arn:aws:iam::111122223333:role/boundary")}),
        "identity.permissions_boundary_arn",
        id="permissions_boundary_arn",
    ),
    pytest.param(s3(bucket=Source("Acme_Raw")), "bucket", id="s3-bucket"),
    pytest.param(s3(bucket_account_id=Source("4444")), "bucket_account_id", id="bucket_account_id"),
    pytest.param(pubsub(topic=Source("orders")), "topic", id="pubsub-topic"),
    pytest.param(storage(topic={"kms_key_name": Source("orders-key")}), "topic.kms_key_name", id="kms_key_name"),
    pytest.param(
        pubsub(identity={"mode": "workload-identity-principal", "cluster_project_number": Source("0123")}),
        "identity.cluster_project_number",
        id="cluster_project_number",
    ),
    pytest.param(storage(bucket=Source("Acme_Landing")), "bucket", id="gcs-bucket"),
]


@pytest.mark.parametrize(("case", "argument"), BAD_OUTPUTS)
def test_a_bad_value_in_an_output_fails_the_deployment_with_the_plain_values_error(case: Case, argument: str) -> None:
    run, expected = case.refused(plain(case.args))
    assert run.registrations == [] and expected.argument == argument
    assert failed_run(case).endswith(str(expected))


@pytest.mark.parametrize("bad_first", [True, False])
def test_the_error_names_the_instance_whose_output_was_bad(bad_first: bool) -> None:
    good = Source(TOPIC_ARN)
    bad = Source("arn:aws:sns:us-west-2:444455556666:orders.fifo")
    first, second = ("bad", "good") if bad_first else ("good", "bad")
    values = {"bad": bad, "good": good}
    case_args = {name: sns(topic_arn=values[name]).args for name in (first, second)}

    def program() -> None:
        counter = itertools.count()
        for name in (first, second):
            SnsTopicTrigger(name, materialized(case_args[name], counter))

    with pytest.raises(Exception) as caught:
        run_program(program, config=AWS)
    assert str(caught.value).endswith(
        "SnsTopicTrigger 'bad': topic_arn: 'arn:aws:sns:us-west-2:444455556666:orders.fifo' is not a standard SNS "
        "topic ARN. Fix: give arn:aws:sns:<region>:<account>:<topic> (FIFO topics cannot deliver to a standard queue)"
    )


def test_a_plain_queue_key_that_sqs_would_not_take_is_refused_before_anything_is_created() -> None:
    run, error = sqs(queue={"kms_master_key_id": "orders-key"}).refused()
    assert run.registrations == []
    assert str(error) == (
        "SqsQueueTrigger 'orders': queue.kms_master_key_id: 'orders-key' is not a KMS key. Fix: give a key id, "
        "arn:aws:kms:<region>:<account>:key/<id>, alias/<name> or an alias ARN"
    )


def test_bucket_account_id_is_refused_with_eventbridge_delivery_even_as_an_output() -> None:
    run, error = s3(delivery="eventbridge", bucket_account_id=Given("444455556666")).refused()
    assert run.registrations == []
    assert error.argument == "bucket_account_id"
    assert "S3 sends EventBridge events only to the bucket owner's default bus" in str(error)


# --- an Output where the value must be known when the program runs is refused, saying why -----------------------

EXISTING_QUEUE_WHY = (
    "the EventSource reads the queue by the name, region and account in it, which go into its spec, checked before "
    "anything is created (the name is yours: write the ARN or URL as a string)"
)
ROLE_ARN_WHY = "it goes into the EventSource spec (`roleARN`), which is checked before anything is created"
ROLE_ARN = "arn:aws:iam::111122223333:role/argo-events-reader"
PLAN_TIME_OUTPUTS = [
    pytest.param(sqs(existing_queue=Given(OTHER_QUEUE)), "existing_queue", EXISTING_QUEUE_WHY, id="existing_queue"),
    pytest.param(
        sqs(existing_queue=OTHER_QUEUE, identity={"mode": "role-arn", "role_arn": Given(ROLE_ARN)}),
        "identity.role_arn",
        ROLE_ARN_WHY,
        id="role_arn",
    ),
    pytest.param(
        s3(kubernetes={**KUBERNETES, "namespace": Given("argo-events")}), "kubernetes.namespace", PLAN_TIME, id="ns"
    ),
    pytest.param(sns(region=Given("us-west-2")), "region", PLAN_TIME, id="region"),
    pytest.param(dynamodb(queue={"name": Given("orders")}), "queue.name", PLAN_TIME, id="queue.name"),
    pytest.param(pubsub(project=Given("acme-data")), "project", PLAN_TIME, id="project"),
    pytest.param(
        storage(targets=[{"flow": {"flow": Given("OrderFlow")}}]), "targets[0].flow.flow", PLAN_TIME, id="flow"
    ),
    pytest.param(s3(prefix=Given("landing/")), "prefix", PLAN_TIME, id="prefix"),
]


@pytest.mark.parametrize(("case", "argument", "why"), PLAN_TIME_OUTPUTS)
def test_an_output_for_a_value_needed_when_the_program_runs_is_refused_saying_why(
    case: Case, argument: str, why: str
) -> None:
    run, error = case.refused()
    assert run.registrations == []
    title = case.component.__name__  # type: ignore[attr-defined]
    assert str(error) == (
        f"{title} '{case.name}': {argument}: is a Pulumi Output, but this value must be known when the program runs: "
        f"{why}. Fix: pass a plain value (e.g. from config), not another resource's output"
    )


# --- through the multi-language provider: a value with dependencies arrives as an Output ----------------------

SOURCE_URN = "urn:pulumi:dev::yaml-s3-to-flow::aws:s3/bucket:Bucket::raw"


def test_provider_takes_a_bucket_from_another_resource(plugin: ProviderProcess) -> None:
    monitor, response = construct(plugin, yaml_inputs(), dependencies={"bucket": [SOURCE_URN]})
    assert not isinstance(response, grpc.RpcError), f"{response}\n{plugin.stderr_text()[-4000:]}"
    notification = next(r for r in monitor.registrations if r.name == "raw-events-notification")
    assert notification.plain_inputs["bucket"] == yaml_inputs()["bucket"]


def test_provider_fails_the_deployment_on_a_bad_bucket_from_another_resource(plugin: ProviderProcess) -> None:
    _, response = construct(plugin, {**yaml_inputs(), "bucket": "Not_A_Bucket"}, dependencies={"bucket": [SOURCE_URN]})
    assert isinstance(response, grpc.RpcError)
    assert (
        "S3ObjectTrigger 'raw-events': bucket: 'Not_A_Bucket' is not a valid S3 bucket name. Fix: use 3-63 lower-case "
        "letters, digits, '.' and '-', starting and ending with a letter or digit"
    ) in rpc_failure(response).details


def test_provider_refuses_a_region_from_another_resource_before_registering(plugin: ProviderProcess) -> None:
    inputs = {**yaml_inputs(), "region": "us-west-2"}
    monitor, response = construct(plugin, inputs, dependencies={"region": [SOURCE_URN]})
    assert isinstance(response, grpc.RpcError)
    failure = rpc_failure(response)
    assert failure.code == grpc.StatusCode.INVALID_ARGUMENT
    assert failure.property_errors == [
        (
            "region",
            f"is a Pulumi Output, but this value must be known when the program runs: {PLAN_TIME}. Fix: pass a plain "
            "value (e.g. from config), not another resource's output",
        )
    ]
    assert monitor.registrations == []
