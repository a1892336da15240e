"""The hand-written side of the scale benchmark: the same resources as N `S3ObjectTrigger`s, in plain SDK calls.

What a careful engineer would write without the package: the same queues, policies, identity, Kubernetes objects and
Argo specs (values kept identical, labels included, so `run.py` can check that both programs register the same
resources with the same inputs), with the account and partition looked up once for the whole program.
"""

import json
from typing import Any

import pulumi
import pulumi_aws as aws
import pulumi_kubernetes as k8s
from workload import (
    EVENT_PAYLOAD,
    FLOW_PARAMETERS,
    NAMESPACE,
    OIDC_PROVIDER_ARN,
    PREFIX,
    RATE_LIMIT,
    RETRY_STEPS,
    SUFFIX,
    bucket_name,
    instance_name,
)

FIELD_PATHS = {
    "bucket": ("body", "Records", 0, "s3", "bucket", "name"),
    "key": ("body", "Records", 0, "s3", "object", "key"),
    "size": ("body", "Records", 0, "s3", "object", "size"),
    "etag": ("body", "Records", 0, "s3", "object", "eTag"),
}
FORM_ENCODED = {"key"}
"""Fields S3 sends form-URL-encoded: the templates decode them."""
TEMPLATE = "lakehouse.prod.ingestflow"
WEBHOOK_URL = f"http://argo-events-webhook-eventsource-svc.{NAMESPACE}.svc:12000/metaflow-event"
ISSUER = OIDC_PROVIDER_ARN.split(":oidc-provider/", 1)[1]
WELL_FORMED_FORM = (
    "^(?:[^%]|%[0-7][0-9A-Fa-f]|%[Cc][2-9A-Fa-f]%[89ABab][0-9A-Fa-f]|%[Dd][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]"
    "|%[Ee]0%[ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]|%[Ee][1-9A-Ca-c]%[89ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]"
    "|%[Ee][Dd]%[89][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]|%[Ee][EFef]%[89ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]"
    "|%[Ff]0%[9ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]"
    "|%[Ff][1-3]%[89ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f]"
    "|%[Ff]4%8[0-9A-Fa-f]%[89ABab][0-9A-Fa-f]%[89ABab][0-9A-Fa-f])*$"
)
"""Go regexp of form-URL-encoded UTF-8, as S3 sends object keys."""


def gjson(path: tuple[Any, ...]) -> str:
    """`body.Records.0...` as Argo reads it."""
    return ".".join(str(part) for part in path)


def value_template(field: str, payload: bool = False) -> str:
    """The event value of ``field``: fail the trigger when it is missing, decode it when S3 encodes it, refuse `$`
    and backticks (Metaflow's start step sources parameter values in bash); a flow parameter's JSON text, or JSON."""
    path = FIELD_PATHS[field]
    missing = json.dumps(f"event has no {gjson(path)}")
    steps = ["{{- $v := .Input -}}"]
    for part in path:
        if isinstance(part, int):
            present, step = f'and (kindIs "slice" $v) (gt (len $v) {part})', f"index $v {part}"
        else:
            present, step = f'and (kindIs "map" $v) (hasKey $v {json.dumps(part)})', f"get $v {json.dumps(part)}"
        steps.append(f"{{{{- if not ({present}) -}}}}{{{{- fail {missing} -}}}}{{{{- end -}}}}{{{{- $v = {step} -}}}}")
    if field in FORM_ENCODED:
        not_string = json.dumps(f"{gjson(path)} holds no string to URL-decode")
        malformed = json.dumps(f"{gjson(path)} is not form-URL-encoded UTF-8 as S3 sends it: ")
        steps.append(
            f'{{{{- if not (kindIs "string" $v) -}}}}{{{{- fail {not_string} -}}}}{{{{- end -}}}}'
            f"{{{{- if not (regexMatch {json.dumps(WELL_FORMED_FORM)} $v) -}}}}"
            f"{{{{- fail (print {malformed} $v) -}}}}{{{{- end -}}}}"
            '{{- $v = (urlParse (print "#" (replace "+" " " $v))).fragment -}}'
        )
    shell = json.dumps(
        f"{gjson(path)} holds a $ or a backtick, which Metaflow's start step would expand as shell code "
        "(set_parameters writes parameter values into a file bash sources)"
    )
    steps.append(
        '{{- $t := $v -}}{{- if not (kindIs "string" $v) -}}{{- $t = toRawJson $v -}}{{- end -}}'
        f'{{{{- if or (contains "$" $t) (contains "`" $t) -}}}}{{{{- fail {shell} -}}}}{{{{- end -}}}}'
    )
    if payload:
        steps.append("{{- toRawJson $v -}}")
    else:
        steps.append('{{- if kindIs "invalid" $v -}}null{{- else -}}{{- toRawJson $t -}}{{- end -}}')
    return "".join(steps)


def run_name_parameters(event_source: str) -> list[dict[str, Any]]:
    """Name the run after the object (bucket, decoded key, ETag) so a redelivery finds it; label and annotate it with
    the event (identity, time, data digest)."""
    record = ("body", "Records", 0)
    parts = [(*record, "s3", "bucket", "name"), (*record, "s3", "object", "key"), (*record, "s3", "object", "eTag")]
    identity = ['{{- $id := "" -}}']
    for index, path in enumerate(parts):
        walk = (
            value_template(field_of(path))
            .split("{{- $t := $v -}}")[0]
            .replace("{{- $v := .Input -}}", "{{- $v = .Input -}}")
        )
        identity.append(walk + f'{{{{- $id = print $id "{"," if index else ""}" (toRawJson (toString $v)) -}}}}')
    ids = "{{- $v := .Input -}}" + "".join(identity) + '{{- $id = print "[" $id "]" -}}'
    digest = f"(sha256sum (print {json.dumps(event_source + '/ingest' + chr(10))} $id))"
    src = {"dependencyName": "source-event"}
    return [
        {
            "src": {**src, "dataTemplate": ids + "{{- $id -}}"},
            "dest": "metadata.annotations.metaflow-blueprints/event-identity",
        },
        {
            "src": {
                **src,
                "dataTemplate": "{{- with index .Input.body.Records 0 -}}{{- .eventTime -}}{{- end -}}",
                "value": "unknown",
            },
            "dest": "metadata.annotations.metaflow-blueprints/event-time",
        },
        {
            "src": {**src, "dataTemplate": "{{- toRawJson .Input | sha256sum -}}"},
            "dest": "metadata.annotations.metaflow-blueprints/event-data-sha256",
        },
        {
            "src": {**src, "dataTemplate": ids + f'{{{{- print "{TEMPLATE}-" (trunc 16 {digest}) -}}}}'},
            "dest": "metadata.name",
        },
        {
            "src": {**src, "dataTemplate": ids + f"{{{{- trunc 32 {digest} -}}}}"},
            "dest": "metadata.labels.metaflow-blueprints/event",
        },
    ]


def field_of(path: tuple[Any, ...]) -> str:
    return next(field for field, known in FIELD_PATHS.items() if known == path)


def event_body_template() -> str:
    """The Metaflow event's whole request body, as `ArgoEvent.publish()` sends it (`timestamp` a number)."""
    name = json.dumps("raw_data_landed")
    payload = "".join(f",{json.dumps(k)}:{value_template(f, payload=True)}" for k, f in sorted(EVENT_PAYLOAD.items()))
    return (
        f'{{{{- $now := now -}}}}{{"name":{name},"payload":{{"name":{name}'
        ',"id":{{ uuidv4 | toRawJson }},"timestamp":{{ $now | unixEpoch }}'
        ',"utc_date":{{ dateInZone "20060102" $now "UTC" | toRawJson }}' + payload + "}}"
    )


def mapping_annotation() -> dict[str, str]:
    """What each flow parameter and payload key is taken from (read by `metaflow-blueprints simulate`)."""
    mapping = {
        "ingest": {p: gjson(FIELD_PATHS[f]) for p, f in sorted(FLOW_PARAMETERS.items())},
        "landed": {k: gjson(FIELD_PATHS[f]) for k, f in sorted(EVENT_PAYLOAD.items())},
    }
    return {"metaflow-blueprints/mapping": json.dumps(mapping, separators=(",", ":"))}


def parked(trigger: str, sensor_name: str, labels: dict[str, str]) -> dict[str, Any]:
    """A trigger's dlqTrigger: park the event it failed on in a ConfigMap."""
    config_map = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "generateName": f"{sensor_name}-parked-",
            "namespace": NAMESPACE,
            "labels": {**labels, "metaflow-blueprints/parked": "true"},
            "annotations": {"metaflow-blueprints/trigger": trigger, "metaflow-blueprints/sensor": sensor_name},
        },
        "data": {"trigger": trigger, "event-data": "", "event-context": ""},
    }
    return {
        "template": {
            "name": f"{trigger}-parked",
            "k8s": {
                "operation": "create",
                "source": {"resource": config_map},
                "parameters": [
                    {"src": {"dependencyName": "source-event", "dataKey": "@this"}, "dest": "data.event-data"},
                    {"src": {"dependencyName": "source-event", "contextKey": "@this"}, "dest": "data.event-context"},
                ],
            },
        },
        "retryStrategy": {"steps": RETRY_STEPS, "duration": "10s", "factor": 2.0, "jitter": 0.2},
        "atLeastOnce": True,
    }


def sensor_spec(event_source: str, service_account: str, labels: dict[str, str]) -> dict[str, Any]:
    """The Sensor: one dependency, the event-type filter, a flow trigger and a Metaflow event trigger, each parking
    the events it fails on."""
    common = {
        "retryStrategy": {"steps": RETRY_STEPS, "duration": "10s", "factor": 2.0, "jitter": 0.2},
        "atLeastOnce": True,
        "rateLimit": {"unit": "Second", "requestsPerUnit": RATE_LIMIT},
    }
    mapped = sorted(FLOW_PARAMETERS.items())
    workflow = {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {
            "namespace": NAMESPACE,
            "labels": {**labels, "app.kubernetes.io/managed-by": "metaflow-blueprints"},
            "annotations": {"metaflow-blueprints/source": f"S3 object (EventSource {event_source}, event object)"},
        },
        "spec": {
            "workflowTemplateRef": {"name": TEMPLATE},
            "arguments": {
                "parameters": [{"name": p, "value": "null"} for p, _ in mapped]
                + [{"name": "mode", "value": '"incremental"'}]
            },
        },
    }
    flow_trigger = {
        "name": "ingest",
        "k8s": {
            "operation": "patch",
            "source": {"resource": workflow},
            "parameters": run_name_parameters(event_source)
            + [
                {
                    "src": {"dependencyName": "source-event", "dataTemplate": value_template(field)},
                    "dest": f"spec.arguments.parameters.#(name=={json.dumps(parameter)}).value",
                }
                for parameter, field in mapped
            ],
        },
    }
    event_trigger = {
        "name": "landed",
        "http": {
            "url": WEBHOOK_URL,
            "method": "POST",
            "headers": {"Content-Type": "application/json"},
            "payload": [{"src": {"dependencyName": "source-event", "dataTemplate": event_body_template()}, "dest": ""}],
        },
    }
    return {
        "eventBusName": "default",
        "dependencies": [
            {
                "name": "source-event",
                "eventSourceName": event_source,
                "eventName": "object",
                "filters": {
                    "data": [
                        {"path": "body.Records.0.eventName", "type": "string", "value": ["^(?:ObjectCreated:.*)$"]}
                    ],
                    "dataLogicalOperator": "and",
                },
            }
        ],
        "triggers": [
            {"template": flow_trigger, **common, "dlqTrigger": parked("ingest", service_account, labels)},
            {"template": event_trigger, **common, "dlqTrigger": parked("landed", service_account, labels)},
        ],
        "template": {"serviceAccountName": service_account},
    }


def s3_trigger(
    name: str, bucket: str, region: str, account_id: pulumi.Output[str], partition: pulumi.Output[str]
) -> None:
    """One bucket -> queue -> EventSource -> Sensor chain."""
    queue_name = f"{pulumi.get_project()}-{pulumi.get_stack()}-{name}"
    es_account, sensor_name = f"{name}-eventsource", f"{name}-sensor"
    labels = {
        "app.kubernetes.io/managed-by": "metaflow-blueprints",
        "app.kubernetes.io/part-of": "metaflow",
        "metaflow-blueprints/blueprint": "S3ObjectTrigger",
        "metaflow-blueprints/instance": name,
    }
    tags = {"managed-by": "metaflow-blueprints", "metaflow-blueprints-instance": name}
    queue_arn = pulumi.Output.format("arn:{0}:sqs:{1}:{2}:{3}", partition, region, account_id, queue_name)

    dlq = aws.sqs.Queue(
        f"{name}-dlq",
        name=f"{queue_name}-dlq",
        redrive_allow_policy=pulumi.Output.json_dumps({"redrivePermission": "byQueue", "sourceQueueArns": [queue_arn]}),
        message_retention_seconds=1209600,
        sqs_managed_sse_enabled=True,
        region=region,
        tags=tags,
    )
    queue = aws.sqs.Queue(
        f"{name}-queue",
        name=queue_name,
        receive_wait_time_seconds=20,
        visibility_timeout_seconds=60,
        message_retention_seconds=345600,
        redrive_policy=pulumi.Output.json_dumps({"deadLetterTargetArn": dlq.arn, "maxReceiveCount": 5}),
        sqs_managed_sse_enabled=True,
        region=region,
        tags=tags,
    )
    bucket_arn = pulumi.Output.concat("arn:", partition, ":s3:::", bucket)
    queue_policy = aws.sqs.QueuePolicy(
        f"{name}-queue-policy",
        queue_url=queue.url,
        region=region,
        policy=pulumi.Output.json_dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {
                        "Sid": "S3MaySendForOneBucket",
                        "Effect": "Allow",
                        "Principal": {"Service": "s3.amazonaws.com"},
                        "Action": "sqs:SendMessage",
                        "Resource": queue.arn,
                        "Condition": {
                            "ArnEquals": {"aws:SourceArn": bucket_arn},
                            "StringEquals": {"aws:SourceAccount": account_id},
                        },
                    },
                    {
                        "Sid": "DenyInsecureTransport",
                        "Effect": "Deny",
                        "Principal": "*",
                        "Action": "sqs:*",
                        "Resource": queue.arn,
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    },
                ],
            }
        ),
    )
    trust = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Sid": "OneServiceAccount",
                "Effect": "Allow",
                "Principal": {"Federated": OIDC_PROVIDER_ARN},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        f"{ISSUER}:sub": f"system:serviceaccount:{NAMESPACE}:{es_account}",
                        f"{ISSUER}:aud": "sts.amazonaws.com",
                    }
                },
            }
        ],
    }
    role = aws.iam.Role(
        f"{name}-reader",
        assume_role_policy=json.dumps(trust),
        description=f"Argo Events EventSource {NAMESPACE}/{es_account}: read one SQS queue",
    )
    read_actions = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:GetQueueUrl"]
    aws.iam.RolePolicy(
        f"{name}-queue-access",
        role=role.id,
        policy=pulumi.Output.json_dumps(
            {
                "Version": "2012-10-17",
                "Statement": [
                    {"Sid": "ReadOneQueue", "Effect": "Allow", "Action": read_actions, "Resource": queue.arn}
                ],
            }
        ),
    )
    reader_account = k8s.core.v1.ServiceAccount(
        f"{name}-eventsource-sa",
        metadata={
            "name": es_account,
            "namespace": NAMESPACE,
            "labels": labels,
            "annotations": {"eks.amazonaws.com/role-arn": role.arn},
        },
    )
    event_source = k8s.apiextensions.CustomResource(
        f"{name}-eventsource",
        api_version="argoproj.io/v1alpha1",
        kind="EventSource",
        metadata={"name": name, "namespace": NAMESPACE, "labels": labels},
        spec={
            "eventBusName": "default",
            "template": {"serviceAccountName": es_account},
            "sqs": {
                "object": {
                    "region": region,
                    "queue": queue_name,
                    "waitTimeSeconds": 20,
                    "jsonBody": True,
                    "filter": {"expression": 'body.Event != "s3:TestEvent"'},
                }
            },
        },
        opts=pulumi.ResourceOptions(depends_on=[reader_account, queue_policy]),
    )
    aws.s3.BucketNotification(
        f"{name}-notification",
        bucket=bucket,
        region=region,
        queues=[
            {
                "id": f"metaflow-blueprints-{name}",
                "queue_arn": queue.arn,
                "events": ["s3:ObjectCreated:*"],
                "filter_prefix": PREFIX,
                "filter_suffix": SUFFIX,
            }
        ],
        opts=pulumi.ResourceOptions(depends_on=[queue_policy]),
    )
    sensor_account = k8s.core.v1.ServiceAccount(
        f"{name}-sensor-sa", metadata={"name": sensor_name, "namespace": NAMESPACE, "labels": labels}
    )
    metadata: k8s.meta.v1.ObjectMetaArgsDict = {"name": sensor_name, "namespace": NAMESPACE, "labels": labels}
    role_k8s = k8s.rbac.v1.Role(
        f"{name}-sensor-role",
        metadata=metadata,
        rules=[{"api_groups": ["argoproj.io"], "resources": ["workflows"], "verbs": ["create"]}],
    )
    binding = k8s.rbac.v1.RoleBinding(
        f"{name}-sensor-binding",
        metadata=metadata,
        role_ref={"api_group": "rbac.authorization.k8s.io", "kind": "Role", "name": sensor_name},
        subjects=[{"kind": "ServiceAccount", "name": sensor_name, "namespace": NAMESPACE}],
        opts=pulumi.ResourceOptions(depends_on=[role_k8s]),
    )
    parked_metadata: k8s.meta.v1.ObjectMetaArgsDict = {**metadata, "name": f"{sensor_name}-parked"}
    parked_role = k8s.rbac.v1.Role(
        f"{name}-sensor-parked-role",
        metadata=parked_metadata,
        rules=[{"api_groups": [""], "resources": ["configmaps"], "verbs": ["create"]}],
    )
    parked_binding = k8s.rbac.v1.RoleBinding(
        f"{name}-sensor-parked-binding",
        metadata=parked_metadata,
        role_ref={"api_group": "rbac.authorization.k8s.io", "kind": "Role", "name": f"{sensor_name}-parked"},
        subjects=[{"kind": "ServiceAccount", "name": sensor_name, "namespace": NAMESPACE}],
        opts=pulumi.ResourceOptions(depends_on=[parked_role]),
    )
    k8s.apiextensions.CustomResource(
        f"{name}-sensor",
        api_version="argoproj.io/v1alpha1",
        kind="Sensor",
        metadata={**metadata, "annotations": mapping_annotation()},
        spec=sensor_spec(name, sensor_name, labels),
        opts=pulumi.ResourceOptions(depends_on=[event_source, sensor_account, binding, parked_binding]),
    )


def program(n: int) -> None:
    """Register ``n`` hand-written S3 -> Argo chains."""
    region = pulumi.Config("aws").require("region")
    account_id = aws.get_caller_identity_output().account_id
    partition = aws.get_partition_output().partition
    for index in range(n):
        s3_trigger(instance_name(index), bucket_name(index), region, account_id, partition)
