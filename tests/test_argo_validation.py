"""The Argo Events controller rules (pulumi_metaflow_blueprints.argo.validation) and the schema test helper.

Each rule test starts from a spec shaped like what the blueprints emit, which passes both the v1.9.11 JSON schema
and every rule, breaks one thing, and asserts the exact list of problems reported.
"""

from typing import Any

import pytest

from pulumi_metaflow_blueprints.argo.validation import (
    check_event_source,
    check_sensor,
    event_source_problems,
    sensor_problems,
)
from pulumi_metaflow_blueprints.errors import ArgoSpecError
from tests.argo_schema import assert_valid_argo, schema_errors

DEP = "source-event"
T0, T1 = "triggers[0].template", "triggers[1].template"
FILTERS = "dependencies[0].filters"
BLUEPRINT = " (blueprint rule: the controller accepts this, but {})"
NOT_EMITTED = ": not emitted by this package, so its controller rules are not checked here"


def workflow() -> dict[str, Any]:
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": "Workflow",
        "metadata": {"generateName": "ingestflow-", "namespace": "jobs"},
        "spec": {
            "workflowTemplateRef": {"name": "ingestflow"},
            "arguments": {"parameters": [{"name": "key", "value": "null"}]},
        },
    }


def parked() -> dict[str, Any]:
    """A dlqTrigger like the blueprints emit: park the event in a ConfigMap (`core.dlq`)."""
    config_map = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"generateName": "raw-events-sensor-parked-", "namespace": "argo-events"},
        "data": {"trigger": "start-flow", "event-data": "", "event-context": ""},
    }
    return {
        "template": {
            "name": "start-flow-parked",
            "k8s": {
                "operation": "create",
                "source": {"resource": config_map},
                "parameters": [
                    {"src": {"dependencyName": DEP, "dataKey": "@this"}, "dest": "data.event-data"},
                    {"src": {"dependencyName": DEP, "contextKey": "@this"}, "dest": "data.event-context"},
                ],
            },
        },
        "retryStrategy": {"steps": 3, "duration": "10s", "factor": 2.0, "jitter": 0.2},
        "atLeastOnce": True,
    }


def valid_sensor() -> dict[str, Any]:
    """A Sensor spec like the blueprints emit (a flow and a Metaflow-event target, the first with a dlqTrigger)
    that passes schema and rules."""
    retry = {"steps": 3, "duration": "10s", "factor": 2.0, "jitter": 0.2}
    return {
        "eventBusName": "default",
        "template": {"serviceAccountName": "raw-events-sensor"},
        "dependencies": [
            {
                "name": DEP,
                "eventSourceName": "raw-events",
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
            {
                "template": {
                    "name": "start-flow",
                    "k8s": {
                        "operation": "create",
                        "source": {"resource": workflow()},
                        "parameters": [
                            {
                                "src": {"dependencyName": DEP, "dataTemplate": "{{ .Input.body.key }}"},
                                "dest": "spec.arguments.parameters.0.value",
                            }
                        ],
                    },
                },
                "retryStrategy": retry,
                "atLeastOnce": True,
                "rateLimit": {"unit": "Second", "requestsPerUnit": 5},
                "dlqTrigger": parked(),
            },
            {
                "template": {
                    "name": "metaflow-event",
                    "http": {
                        "url": "http://argo-events-webhook-eventsource-svc.argo-events.svc:12000/metaflow-event",
                        "method": "POST",
                        "headers": {"Content-Type": "application/json"},
                        "secureHeaders": [
                            {
                                "name": "Authorization",
                                "valueFrom": {"secretKeyRef": {"name": "metaflow-webhook", "key": "authorization"}},
                            }
                        ],
                        "payload": [
                            {"src": {"dependencyName": DEP, "value": "raw_data_landed"}, "dest": "name"},
                            {"src": {"dependencyName": DEP, "contextKey": "id"}, "dest": "payload.id"},
                            {
                                "src": {"dependencyName": DEP, "dataKey": "body.key", "useRawData": True},
                                "dest": "payload.key",
                            },
                        ],
                    },
                },
                "retryStrategy": retry,
                "atLeastOnce": True,
            },
        ],
    }


def sqs_source() -> dict[str, Any]:
    return {
        "eventBusName": "default",
        "template": {"serviceAccountName": "raw-events-eventsource"},
        "sqs": {
            "object": {
                "region": "us-west-2",
                "queue": "raw-events",
                "waitTimeSeconds": 20,
                "jsonBody": True,
                "queueAccountId": "111122223333",
                "roleARN": "arn:aws:iam::111122223333:role/reader",
                "filter": {"expression": "body.Event != 's3:TestEvent'"},
                "dlq": True,
            }
        },
    }


def webhook_source() -> dict[str, Any]:
    route = {
        "endpoint": "/metaflow-event",
        "method": "POST",
        "port": "12000",
        "url": "https://hooks.example.com",
        "authSecret": {"name": "metaflow-event-webhook-token", "key": "token"},
    }
    return {
        "eventBusName": "default",
        "service": {"ports": [{"port": 12000, "targetPort": 12000}]},
        "webhook": {"webhook": route},
    }


def pub_sub_source() -> dict[str, Any]:
    return {
        "eventBusName": "default",
        "template": {"serviceAccountName": "raw-events-eventsource"},
        "pubSub": {"object": {"projectID": "acme-data", "subscriptionID": "raw-events", "jsonBody": True}},
    }


def resource(kind: str, spec: dict[str, Any]) -> dict[str, Any]:
    return {
        "apiVersion": "argoproj.io/v1alpha1",
        "kind": kind,
        "metadata": {"name": "raw-events", "namespace": "argo-events"},
        "spec": spec,
    }


# --- The valid examples ---


def test_valid_sensor_passes_the_rules_and_the_schema() -> None:
    spec = valid_sensor()
    assert sensor_problems(spec) == []
    assert schema_errors("Sensor", spec) == []
    assert schema_errors("Sensor", resource("Sensor", spec)) == []
    assert_valid_argo("Sensor", resource("Sensor", spec))
    check_sensor("raw-events-sensor", spec)


@pytest.mark.parametrize("spec", [sqs_source(), webhook_source(), pub_sub_source()])
def test_valid_event_sources_pass_the_rules_and_the_schema(spec: dict[str, Any]) -> None:
    assert event_source_problems(spec) == []
    assert schema_errors("EventSource", spec) == []
    assert schema_errors("EventSource", resource("EventSource", spec)) == []
    assert_valid_argo("EventSource", resource("EventSource", spec))
    check_event_source("raw-events", spec)


# --- The schema helper ---


def test_schema_errors_validate_the_whole_resource_when_it_has_a_spec() -> None:
    obj = resource("Sensor", valid_sensor())
    del obj["metadata"]
    assert schema_errors("Sensor", obj) == ["<root>: 'metadata' is a required property"]


def test_schema_quirks_port_must_be_a_string_and_nulls_fail() -> None:
    spec = {**webhook_source(), **sqs_source()}
    spec["webhook"]["webhook"]["port"] = 12000
    spec["sqs"]["object"]["roleARN"] = None
    del spec["sqs"]["object"]["waitTimeSeconds"]
    assert schema_errors("EventSource", spec) == [
        "sqs.object: 'waitTimeSeconds' is a required property",
        "sqs.object.roleARN: None is not of type 'string'",
        "webhook.webhook.port: 12000 is not of type 'string'",
    ]


def test_assert_valid_argo_reports_rules_the_schema_misses() -> None:
    spec = valid_sensor()
    spec["triggers"][0]["template"]["k8s"]["operation"] = "apply"
    assert schema_errors("Sensor", spec) == []
    with pytest.raises(AssertionError, match=r"controller: triggers\[0\]\.template\.k8s\.operation"):
        assert_valid_argo("Sensor", spec)


def test_assert_valid_argo_reports_schema_errors() -> None:
    spec = valid_sensor()
    spec["triggers"][0]["rateLimit"]["requestsPerUnit"] = "5"
    with pytest.raises(AssertionError, match=r"schema: triggers\[0\]\.rateLimit\.requestsPerUnit: '5' is not of"):
        assert_valid_argo("Sensor", spec)


# --- Sensor: the dependency ---


def test_sensor_needs_a_dependency() -> None:
    spec = valid_sensor()
    spec["dependencies"] = []
    assert sensor_problems(spec)[0] == "dependencies: at least one dependency is required"


def test_sensor_has_one_dependency() -> None:
    spec = valid_sensor()
    spec["dependencies"].append({"name": "tick", "eventSourceName": "schedule", "eventName": "hourly"})
    assert sensor_problems(spec) == ["dependencies: has 2; this package emits one dependency per Sensor"]


@pytest.mark.parametrize("field", ["name", "eventSourceName", "eventName"])
@pytest.mark.parametrize("empty", [None, ""])
def test_dependency_needs_name_event_source_and_event(field: str, empty: str | None) -> None:
    spec = valid_sensor()
    spec["dependencies"][0][field] = empty
    expected = [f"dependencies[0].{field}: required (a non-empty string)"]
    if field == "name":  # the parameters now name no dependency
        expected += [
            f"{path}.src.dependencyName: {DEP!r} names no dependency of this Sensor"
            + BLUEPRINT.format("the parameter would silently fall back to its default value")
            for path in (
                f"{T0}.k8s.parameters[0]",
                *(f"triggers[0].dlqTrigger.template.k8s.parameters[{i}]" for i in range(2)),
                *(f"{T1}.http.payload[{i}]" for i in range(3)),
            )
        ]
    assert sensor_problems(spec) == expected


def test_data_logical_operator_is_and_or_or() -> None:
    spec = valid_sensor()
    filters = spec["dependencies"][0]["filters"]
    for allowed in ("and", "or", ""):
        filters["dataLogicalOperator"] = allowed
        assert sensor_problems(spec) == []
    filters["dataLogicalOperator"] = "&&"
    assert sensor_problems(spec) == [
        f"{FILTERS}.dataLogicalOperator: '&&' is not supported; allowed: 'and', 'or' or empty (and)"
    ]


@pytest.mark.parametrize("field", ["path", "type"])
def test_data_filter_needs_path_and_type(field: str) -> None:
    spec = valid_sensor()
    del spec["dependencies"][0]["filters"]["data"][0][field]
    assert sensor_problems(spec) == [f"{FILTERS}.data[0].{field}: required (a non-empty string)"]


def test_data_filter_needs_non_empty_values() -> None:
    spec = valid_sensor()
    data = spec["dependencies"][0]["filters"]["data"][0]
    data["value"] = []
    assert sensor_problems(spec) == [f"{FILTERS}.data[0].value: at least one value is required"]
    data["value"] = ["^a$", ""]
    assert sensor_problems(spec) == [f"{FILTERS}.data[0].value[1]: must be a non-empty string"]


# --- Sensor: triggers ---


def test_sensor_needs_a_trigger() -> None:
    spec = valid_sensor()
    spec["triggers"] = []
    assert sensor_problems(spec) == ["triggers: at least one trigger is required"]


def test_trigger_needs_a_template() -> None:
    spec = valid_sensor()
    del spec["triggers"][1]["template"]
    assert sensor_problems(spec) == ["triggers[1].template: required"]


def test_trigger_template_needs_a_name() -> None:
    spec = valid_sensor()
    spec["triggers"][1]["template"]["name"] = ""
    assert sensor_problems(spec) == [f"{T1}.name: required (a non-empty string)"]


def test_trigger_names_are_unique() -> None:
    spec = valid_sensor()
    spec["triggers"][1]["template"]["name"] = "start-flow"
    assert sensor_problems(spec) == [
        f"{T1}.name: 'start-flow' is also the name of triggers[0]; trigger names must be unique"
    ]


def test_k8s_trigger_needs_a_source() -> None:
    spec = valid_sensor()
    del spec["triggers"][0]["template"]["k8s"]["source"]
    assert sensor_problems(spec) == [f"{T0}.k8s.source: required"]


def test_k8s_trigger_operation_is_create_update_patch_delete_or_empty() -> None:
    spec = valid_sensor()
    k8s = spec["triggers"][0]["template"]["k8s"]
    for allowed in ("create", "update", "patch", "delete", ""):
        k8s["operation"] = allowed
        assert sensor_problems(spec) == []
    k8s["operation"] = "apply"
    assert sensor_problems(spec) == [
        f"{T0}.k8s.operation: 'apply' is not supported; allowed: create, update, patch, delete or empty (create)"
    ]


def test_http_trigger_needs_a_url() -> None:
    spec = valid_sensor()
    spec["triggers"][1]["template"]["http"]["url"] = ""
    assert sensor_problems(spec) == [f"{T1}.http.url: required (a non-empty string)"]


def test_http_trigger_method_is_get_delete_patch_post_put_or_empty() -> None:
    spec = valid_sensor()
    http = spec["triggers"][1]["template"]["http"]
    for allowed in ("GET", "DELETE", "PATCH", "POST", "PUT", ""):
        http["method"] = allowed
        assert sensor_problems(spec) == []
    http["method"] = "post"
    assert sensor_problems(spec) == [
        f"{T1}.http.method: 'post' is not supported; allowed: GET, DELETE, PATCH, POST, PUT or empty (POST)"
    ]


def test_http_payload_may_have_an_empty_dest_but_k8s_parameters_may_not() -> None:
    spec = valid_sensor()
    spec["triggers"][1]["template"]["http"]["payload"][0]["dest"] = ""
    assert sensor_problems(spec) == []
    spec["triggers"][0]["template"]["k8s"]["parameters"][0]["dest"] = ""
    assert sensor_problems(spec) == [f"{T0}.k8s.parameters[0].dest: required (the JSON path of the key to set)"]


@pytest.mark.parametrize(
    ("where", "path"),
    [
        (lambda s: s["triggers"][0]["template"]["k8s"]["parameters"][0], f"{T0}.k8s.parameters[0]"),
        (lambda s: s["triggers"][1]["template"]["http"]["payload"][2], f"{T1}.http.payload[2]"),
    ],
)
def test_parameters_need_a_src_with_a_dependency_name(where: Any, path: str) -> None:
    spec = valid_sensor()
    where(spec)["src"]["dependencyName"] = ""
    assert sensor_problems(spec) == [f"{path}.src.dependencyName: required (a non-empty string)"]
    spec = valid_sensor()
    del where(spec)["src"]
    assert sensor_problems(spec) == [f"{path}.src: required (with the dependencyName the value comes from)"]


def test_parameter_dependency_must_exist() -> None:
    spec = valid_sensor()
    spec["triggers"][1]["template"]["http"]["payload"][0]["src"]["dependencyName"] = "source_event"
    assert sensor_problems(spec) == [
        f"{T1}.http.payload[0].src.dependencyName: 'source_event' names no dependency of this Sensor"
        + BLUEPRINT.format("the parameter would silently fall back to its default value")
    ]


def test_dlq_trigger_needs_at_least_once_on_the_trigger_and_on_itself() -> None:
    spec = valid_sensor()
    spec["triggers"][0]["atLeastOnce"] = False
    del spec["triggers"][0]["dlqTrigger"]["atLeastOnce"]
    assert sensor_problems(spec) == [
        "triggers[0].atLeastOnce: to use dlqTrigger, trigger.atLeastOnce must be set to true",
        "triggers[0].dlqTrigger.atLeastOnce: atLeastOnce must be set to true within the dlqTrigger",
    ]
    assert schema_errors("Sensor", spec) == []  # the schema cannot see it: only the controller rejects it


def test_dlq_trigger_is_validated_like_a_trigger() -> None:
    spec = valid_sensor()
    dlq = spec["triggers"][0]["dlqTrigger"]["template"]
    dlq["name"] = ""
    dlq["k8s"]["operation"] = "apply"
    dlq["k8s"]["parameters"][1]["src"]["dependencyName"] = "other"
    assert sensor_problems(spec) == [
        "triggers[0].dlqTrigger.template.name: required (a non-empty string)",
        "triggers[0].dlqTrigger.template.k8s.operation: 'apply' is not supported; "
        "allowed: create, update, patch, delete or empty (create)",
        "triggers[0].dlqTrigger.template.k8s.parameters[1].src.dependencyName: 'other' names no dependency of this "
        "Sensor" + BLUEPRINT.format("the parameter would silently fall back to its default value"),
    ]
    del spec["triggers"][0]["dlqTrigger"]["template"]
    assert sensor_problems(spec) == ["triggers[0].dlqTrigger.template: required"]


def test_a_dlq_trigger_name_may_repeat_a_trigger_name() -> None:
    """validateTriggers checks the names of the Sensor's triggers only; a dlqTrigger's is not among them."""
    spec = valid_sensor()
    spec["triggers"][0]["dlqTrigger"]["template"]["name"] = "metaflow-event"
    assert sensor_problems(spec) == []


@pytest.mark.parametrize(
    ("where", "key", "value", "path"),
    [
        (lambda s: s["dependencies"][0], "filtersLogicalOperator", "or", "dependencies[0]"),
        (lambda s: s["dependencies"][0]["filters"], "exprs", [{"expr": "", "fields": []}], FILTERS),
        (lambda s: s["dependencies"][0]["filters"], "time", {"start": "6:00"}, FILTERS),
        (lambda s: s["dependencies"][0]["filters"]["data"][0], "comparator", "==", f"{FILTERS}.data[0]"),
        (lambda s: s["triggers"][0], "policy", {"k8s": {}}, "triggers[0]"),
        (lambda s: s["triggers"][0]["dlqTrigger"], "policy", {"k8s": {}}, "triggers[0].dlqTrigger"),
        (lambda s: s["triggers"][1], "parameters", [{}], "triggers[1]"),
        (lambda s: s["triggers"][0]["template"], "conditionsReset", [{}], T0),
        (lambda s: s["triggers"][0]["template"], "argoWorkflow", {"operation": ""}, T0),
        (lambda s: s["triggers"][1]["template"]["http"], "parameters", [{}], f"{T1}.http"),
        (lambda s: s["triggers"][1]["template"]["http"]["payload"][0], "operation", "replace", f"{T1}.http.payload[0]"),
    ],
)
def test_sensor_content_this_package_never_emits_is_one_problem(where: Any, key: str, value: Any, path: str) -> None:
    spec = valid_sensor()
    where(spec)[key] = value
    assert sensor_problems(spec) == [f"{path}.{key}{NOT_EMITTED}"]


def test_check_sensor_raises_with_every_problem() -> None:
    spec = valid_sensor()
    spec["triggers"][0]["template"]["k8s"]["operation"] = "apply"
    spec["dependencies"][0]["eventName"] = ""
    with pytest.raises(ArgoSpecError) as caught:
        check_sensor("raw-events-sensor", spec)
    assert caught.value.kind == "Sensor" and caught.value.name == "raw-events-sensor"
    assert caught.value.problems == sensor_problems(spec)
    assert len(caught.value.problems) == 2
    assert "Sensor 'raw-events-sensor' would be rejected by the Argo Events controller" in str(caught.value)


# --- EventSource ---


def test_event_source_has_one_type() -> None:
    spec = {**webhook_source(), **sqs_source(), **pub_sub_source()}
    assert event_source_problems(spec) == [
        "spec: has types sqs, pubSub, webhook; this package emits one type per EventSource"
    ]


@pytest.mark.parametrize("kind", ["calendar", "sns", "kafka"])
def test_event_source_types_this_package_never_emits_are_one_problem(kind: str) -> None:
    spec = {"eventBusName": "default", kind: {"tick": {}}}
    assert event_source_problems(spec) == [f"{kind}{NOT_EMITTED}"]


def test_an_empty_type_map_does_not_count_as_a_type() -> None:
    spec = sqs_source()
    spec["webhook"] = {}
    assert event_source_problems(spec) == []


def test_webhook_needs_an_endpoint() -> None:
    spec = webhook_source()
    spec["webhook"]["webhook"]["endpoint"] = ""
    assert event_source_problems(spec) == ["webhook.webhook.endpoint: required (a non-empty string)"]


@pytest.mark.parametrize("port", ["", "http", "12000.0", " 12000", None, 12000])
def test_webhook_port_is_a_string_of_digits(port: Any) -> None:
    spec = webhook_source()
    spec["webhook"]["webhook"]["port"] = port
    assert event_source_problems(spec) == [
        f"webhook.webhook.port: {port!r} is not a port number as a string of digits (e.g. '12000')"
    ]


def test_webhook_endpoint_starts_with_a_slash() -> None:
    spec = webhook_source()
    spec["webhook"]["webhook"]["endpoint"] = "metaflow-event"
    assert event_source_problems(spec) == [
        "webhook.webhook.endpoint: 'metaflow-event' must start with '/'"
        + BLUEPRINT.format("the route would never match a request")
    ]


@pytest.mark.parametrize("method", ["", "post"])
def test_webhook_method_is_an_upper_case_http_method(method: str) -> None:
    spec = webhook_source()
    spec["webhook"]["webhook"]["method"] = method
    assert event_source_problems(spec) == [
        f"webhook.webhook.method: {method!r} must be an upper-case HTTP method such as 'POST'"
        + BLUEPRINT.format("every request whose method differs is refused")
    ]


@pytest.mark.parametrize("field", ["region", "queue"])
def test_sqs_needs_region_and_queue(field: str) -> None:
    spec = sqs_source()
    del spec["sqs"]["object"][field]
    assert event_source_problems(spec) == [f"sqs.object.{field}: required (a non-empty string)"]


def test_pub_sub_needs_a_subscription() -> None:
    spec = pub_sub_source()
    spec["pubSub"]["object"]["subscriptionID"] = ""
    assert event_source_problems(spec) == ["pubSub.object.subscriptionID: required (a non-empty string)"]


def test_check_event_source_raises_with_every_problem() -> None:
    spec = sqs_source()
    del spec["sqs"]["object"]["queue"]
    spec["calendar"] = {"tick": {"interval": "1m"}}
    with pytest.raises(ArgoSpecError) as caught:
        check_event_source("raw-events", spec)
    assert caught.value.kind == "EventSource" and caught.value.name == "raw-events"
    assert caught.value.problems == [f"calendar{NOT_EMITTED}", "sqs.object.queue: required (a non-empty string)"]
