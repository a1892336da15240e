"""The Argo Events controller rules (pulumi_metaflow_blueprints.argo.validation) and the schema test helper.

Each rule test starts from a spec that passes both the v1.9.11 JSON schema and every rule, breaks one thing,
and asserts the exact list of problems reported.
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
T0, T1, T2 = "triggers[0].template", "triggers[1].template", "triggers[2].template"
FILTERS = "dependencies[0].filters"
BLUEPRINT = " (blueprint rule: the controller accepts this, but {})"


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


def key_parameter(dest: str = "spec.arguments.parameters.0.value") -> dict[str, Any]:
    return {"src": {"dependencyName": DEP, "dataKey": "body.Records.0.s3.object.key"}, "dest": dest}


def valid_sensor() -> dict[str, Any]:
    """A Sensor spec that uses every checked feature and passes both the schema and the rules."""
    return {
        "template": {"serviceAccountName": "raw-events-sensor"},
        "dependencies": [
            {
                "name": DEP,
                "eventSourceName": "raw-events",
                "eventName": "object",
                "filtersLogicalOperator": "and",
                "filters": {
                    "dataLogicalOperator": "or",
                    "exprLogicalOperator": "and",
                    "data": [
                        {
                            "path": "body.Records.0.eventName",
                            "type": "string",
                            "value": ["^(?:ObjectCreated:.*)$"],
                            "comparator": "=",
                        }
                    ],
                    "exprs": [
                        {
                            "expr": "size > 0",
                            "fields": [{"name": "size", "path": "body.Records.0.s3.object.size"}],
                        }
                    ],
                    "time": {"start": "06:00:00", "stop": "22:00:00", "timezone": "Europe/London"},
                },
            },
            {"name": "tick", "eventSourceName": "schedule", "eventName": "hourly"},
        ],
        "triggers": [
            {
                "template": {
                    "name": "start-flow",
                    "conditionsReset": [{"byTime": {"cron": "0 0 * * *", "timezone": "UTC"}}],
                    "k8s": {
                        "operation": "create",
                        "source": {"resource": workflow()},
                        "parameters": [key_parameter()],
                    },
                },
                "atLeastOnce": True,
                "retryStrategy": {"steps": 3, "duration": "10s", "factor": 2},
                "policy": {
                    "k8s": {
                        "labels": {"workflows.argoproj.io/phase": "Succeeded"},
                        "backoff": {"steps": 3, "duration": "5s"},
                        "errorOnBackoffTimeout": False,
                    }
                },
                "dlqTrigger": {"atLeastOnce": True, "template": {"name": "dead-letter", "log": {}}},
            },
            {
                "template": {
                    "name": "resubmit-flow",
                    "argoWorkflow": {
                        "operation": "submit",
                        "source": {"resource": workflow()},
                        "parameters": [key_parameter()],
                    },
                },
            },
            {
                "template": {
                    "name": "metaflow-event",
                    "http": {
                        "url": "http://argo-events-webhook-eventsource-svc.argo-events.svc:12000/metaflow-event",
                        "method": "POST",
                        "payload": [
                            {"src": {"dependencyName": DEP, "value": "raw_data_landed"}, "dest": "name"}
                        ],
                    },
                },
                "parameters": [{**key_parameter("http.url"), "operation": "append"}],
            },
        ],
    }


def valid_rolling_event_source() -> dict[str, Any]:
    """Webhook, SQS and SNS (all deployed with RollingUpdate) in one valid EventSource spec."""
    return {
        "template": {"serviceAccountName": "raw-events-eventsource"},
        "webhook": {
            "metaflow-event": {"endpoint": "/metaflow-event", "port": "12000", "method": "POST", "url": ""}
        },
        "sqs": {
            "object": {"region": "us-west-2", "queue": "raw-events", "waitTimeSeconds": 20, "jsonBody": True}
        },
        "sns": {
            "topic": {
                "topicArn": "arn:aws:sns:us-west-2:111122223333:raw-events",
                "region": "us-west-2",
                "webhook": {
                    "endpoint": "/sns",
                    "port": "12001",
                    "method": "POST",
                    "url": "https://sns.example.com",
                },
            }
        },
    }


def valid_recreate_event_source() -> dict[str, Any]:
    """Pub/Sub and calendar (both deployed with Recreate) in one valid EventSource spec."""
    return {
        "pubSub": {"gcs": {"projectID": "acme-data", "subscriptionID": "raw-events", "jsonBody": True}},
        "calendar": {
            "nightly": {"schedule": "30 2 * * MON-FRI", "timezone": "Europe/Berlin"},
            "hourly": {"interval": "1h"},
        },
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


@pytest.mark.parametrize("spec", [valid_rolling_event_source(), valid_recreate_event_source()])
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
    spec = valid_rolling_event_source()
    spec["webhook"]["metaflow-event"]["port"] = 12000
    spec["sqs"]["object"]["roleARN"] = None
    del spec["sqs"]["object"]["waitTimeSeconds"]
    assert schema_errors("EventSource", spec) == [
        "sqs.object: 'waitTimeSeconds' is a required property",
        "sqs.object.roleARN: None is not of type 'string'",
        "webhook.metaflow-event.port: 12000 is not of type 'string'",
    ]


def test_assert_valid_argo_reports_rules_the_schema_misses() -> None:
    spec = valid_sensor()
    spec["triggers"][1]["template"]["argoWorkflow"]["operation"] = ""
    assert schema_errors("Sensor", spec) == []
    with pytest.raises(AssertionError, match=r"controller: triggers\[1\]\.template\.argoWorkflow\.operation"):
        assert_valid_argo("Sensor", spec)


def test_assert_valid_argo_reports_schema_errors() -> None:
    spec = valid_sensor()
    spec["triggers"][2]["template"]["http"]["timeout"] = "60"
    with pytest.raises(
        AssertionError, match=r"schema: triggers\[2\]\.template\.http\.timeout: '60' is not of"
    ):
        assert_valid_argo("Sensor", spec)


# --- Sensor: dependencies ---


def test_sensor_needs_a_dependency() -> None:
    spec = valid_sensor()
    spec["dependencies"] = []
    problems = sensor_problems(spec)
    assert problems[0] == "dependencies: at least one dependency is required"


@pytest.mark.parametrize("field", ["name", "eventSourceName", "eventName"])
@pytest.mark.parametrize("empty", [None, ""])
def test_dependency_needs_name_event_source_and_event(field: str, empty: str | None) -> None:
    spec = valid_sensor()
    spec["dependencies"][1][field] = empty
    assert sensor_problems(spec) == [f"dependencies[1].{field}: required (a non-empty string)"]


def test_dependency_names_are_unique() -> None:
    spec = valid_sensor()
    spec["dependencies"][1]["name"] = DEP
    assert sensor_problems(spec) == [
        f"dependencies[1].name: {DEP!r} is also the name of dependencies[0]; dependency names must be unique"
        + BLUEPRINT.format("triggers and parameters address dependencies by name")
    ]


@pytest.mark.parametrize(
    ("where", "path"),
    [
        (lambda s: s["dependencies"][0], "dependencies[0].filtersLogicalOperator"),
        (lambda s: s["dependencies"][0]["filters"], f"{FILTERS}.dataLogicalOperator"),
        (lambda s: s["dependencies"][0]["filters"], f"{FILTERS}.exprLogicalOperator"),
    ],
)
def test_logical_operators_are_and_or_or(where: Any, path: str) -> None:
    spec = valid_sensor()
    key = path.rsplit(".", 1)[1]
    for allowed in ("and", "or", ""):
        where(spec)[key] = allowed
        assert sensor_problems(spec) == []
    where(spec)[key] = "&&"
    assert sensor_problems(spec) == [f"{path}: '&&' is not supported; allowed: 'and', 'or' or empty (and)"]


def test_data_filter_comparator_is_one_of_six() -> None:
    spec = valid_sensor()
    data = spec["dependencies"][0]["filters"]["data"][0]
    for allowed in (">=", ">", "=", "!=", "<", "<=", ""):
        data["comparator"] = allowed
        assert sensor_problems(spec) == []
    data["comparator"] = "=="
    assert sensor_problems(spec) == [
        f"{FILTERS}.data[0].comparator: '==' is not supported; "
        "allowed: '>=', '>', '=', '!=', '<', '<=' or empty (=)"
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


def test_expr_filter_needs_expr_and_fields() -> None:
    spec = valid_sensor()
    expr = spec["dependencies"][0]["filters"]["exprs"][0]
    expr["expr"] = ""
    expr["fields"] = []
    assert sensor_problems(spec) == [
        f"{FILTERS}.exprs[0].expr: required (a non-empty expression)",
        f"{FILTERS}.exprs[0].fields: at least one field (name and path) is required",
    ]


@pytest.mark.parametrize("field", ["name", "path"])
def test_expr_filter_fields_need_name_and_path(field: str) -> None:
    spec = valid_sensor()
    spec["dependencies"][0]["filters"]["exprs"][0]["fields"][0][field] = ""
    assert sensor_problems(spec) == [f"{FILTERS}.exprs[0].fields[0].{field}: required (a non-empty string)"]


def test_context_filter_needs_a_field() -> None:
    spec = valid_sensor()
    spec["dependencies"][0]["filters"]["context"] = {}
    assert sensor_problems(spec) == [
        f"{FILTERS}.context: set at least one of type, subject, source, datacontenttype "
        "(an empty context filter discards every event)"
    ]
    spec["dependencies"][0]["filters"]["context"] = {"type": "webhook"}
    assert sensor_problems(spec) == []


@pytest.mark.parametrize("bad", ["6:00", "24:00:00", "06:60:00", "06:00:00Z", "06:0:00", ""])
def test_time_filter_needs_hh_mm_ss(bad: str) -> None:
    spec = valid_sensor()
    spec["dependencies"][0]["filters"]["time"]["start"] = bad
    assert sensor_problems(spec) == [f"{FILTERS}.time.start: {bad!r} is not a time of day in hh:mm:ss format"]


def test_time_filter_accepts_what_go_time_parse_accepts() -> None:
    spec = valid_sensor()
    window = spec["dependencies"][0]["filters"]["time"]
    window.update(start="6:00:00", stop="23:59:59.5")
    del window["timezone"]
    assert sensor_problems(spec) == []


def test_time_filter_stop_differs_from_start() -> None:
    spec = valid_sensor()
    spec["dependencies"][0]["filters"]["time"]["stop"] = "06:00:00.000"
    assert sensor_problems(spec) == [f"{FILTERS}.time.stop: must differ from start ('06:00:00')"]


def test_time_filter_timezone_is_iana() -> None:
    spec = valid_sensor()
    spec["dependencies"][0]["filters"]["time"]["timezone"] = "Mars/Olympus"
    assert sensor_problems(spec) == [
        f"{FILTERS}.time.timezone: 'Mars/Olympus' is not an IANA time zone name (e.g. 'Europe/London')"
    ]


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
    spec["triggers"][2]["template"]["name"] = "start-flow"
    assert sensor_problems(spec) == [
        f"{T2}.name: 'start-flow' is also the name of triggers[0]; trigger names must be unique"
    ]


def test_conditions_reset_needs_by_time() -> None:
    spec = valid_sensor()
    spec["triggers"][0]["template"]["conditionsReset"] = [{}]
    assert sensor_problems(spec) == [
        f"{T0}.conditionsReset[0].byTime: required (conditionsReset only supports byTime)"
    ]


@pytest.mark.parametrize(
    ("cron", "error"),
    [
        ("0 0 * * * *", "expected exactly 5 fields, found 6"),
        ("0 0 * *", "expected exactly 5 fields, found 4"),
        ("@daily", "descriptors such as '@daily' are not accepted"),
        ("60 0 * * *", "minute '60': out of range 0-59"),
        ("0 0 0 * *", "day-of-month '0': out of range 1-31"),
        ("0 0 * * 7", "day-of-week '7': out of range 0-6"),
        ("0 0 * foo *", "month 'foo': cannot parse 'foo'"),
        ("0 5-2 * * *", "hour '5-2': range start 5 is beyond its end 2"),
        ("*/0 * * * *", "minute '*/0': step must be positive"),
        ("", "empty spec"),
        ("CRON_TZ=Mars/Base 0 3 * * *", "bad location 'Mars/Base'"),
    ],
)
def test_conditions_reset_cron_has_five_valid_fields(cron: str, error: str) -> None:
    spec = valid_sensor()
    spec["triggers"][0]["template"]["conditionsReset"][0]["byTime"]["cron"] = cron
    assert sensor_problems(spec) == [
        f"{T0}.conditionsReset[0].byTime.cron: {cron!r} is not a valid cron expression ({error}); "
        "use 5 fields: minute hour day-of-month month day-of-week"
    ]


@pytest.mark.parametrize(
    "cron",
    ["*/15 0-6 1,15 jan-jun ?", "0 12 * * MON-FRI", "5/10 * * * sun", "CRON_TZ=Europe/Berlin 0 3 * * *"],
)
def test_conditions_reset_accepts_robfig_cron_syntax(cron: str) -> None:
    spec = valid_sensor()
    spec["triggers"][0]["template"]["conditionsReset"][0]["byTime"]["cron"] = cron
    assert sensor_problems(spec) == []


def test_conditions_reset_timezone_is_iana() -> None:
    spec = valid_sensor()
    spec["triggers"][0]["template"]["conditionsReset"][0]["byTime"]["timezone"] = "CEST"
    assert sensor_problems(spec) == [
        f"{T0}.conditionsReset[0].byTime.timezone: 'CEST' is not an IANA time zone name (or empty: UTC)"
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
        f"{T0}.k8s.operation: 'apply' is not supported; "
        "allowed: create, update, patch, delete or empty (create)"
    ]


def test_argo_workflow_trigger_needs_a_source() -> None:
    spec = valid_sensor()
    del spec["triggers"][1]["template"]["argoWorkflow"]["source"]
    assert sensor_problems(spec) == [f"{T1}.argoWorkflow.source: required"]


@pytest.mark.parametrize("operation", ["", "create", "Submit"])
def test_argo_workflow_trigger_needs_a_known_operation(operation: str) -> None:
    spec = valid_sensor()
    spec["triggers"][1]["template"]["argoWorkflow"]["operation"] = operation
    assert sensor_problems(spec) == [
        f"{T1}.argoWorkflow.operation: {operation!r} is not supported; "
        "allowed: submit, submit-from, suspend, retry, resume, resubmit, terminate, stop (it has no default)"
    ]
    spec["triggers"][1]["template"]["argoWorkflow"]["operation"] = "submit-from"
    assert sensor_problems(spec) == []


def test_http_trigger_needs_a_url() -> None:
    spec = valid_sensor()
    spec["triggers"][2]["template"]["http"]["url"] = ""
    assert sensor_problems(spec) == [f"{T2}.http.url: required (a non-empty string)"]


def test_http_trigger_method_is_get_delete_patch_post_put_or_empty() -> None:
    spec = valid_sensor()
    http = spec["triggers"][2]["template"]["http"]
    for allowed in ("GET", "DELETE", "PATCH", "POST", "PUT", ""):
        http["method"] = allowed
        assert sensor_problems(spec) == []
    http["method"] = "post"
    assert sensor_problems(spec) == [
        f"{T2}.http.method: 'post' is not supported; allowed: GET, DELETE, PATCH, POST, PUT or empty (POST)"
    ]


def test_http_payload_may_have_an_empty_dest_but_http_parameters_may_not() -> None:
    spec = valid_sensor()
    http = spec["triggers"][2]["template"]["http"]
    http["payload"][0]["dest"] = ""
    assert sensor_problems(spec) == []
    http["parameters"] = [key_parameter("")]
    assert sensor_problems(spec) == [
        f"{T2}.http.parameters[0].dest: required (the JSON path of the key to set)"
    ]


@pytest.mark.parametrize(
    ("where", "path"),
    [
        (lambda s: s["triggers"][0]["template"]["k8s"]["parameters"][0], f"{T0}.k8s.parameters[0]"),
        (
            lambda s: s["triggers"][1]["template"]["argoWorkflow"]["parameters"][0],
            f"{T1}.argoWorkflow.parameters[0]",
        ),
        (lambda s: s["triggers"][2]["parameters"][0], "triggers[2].parameters[0]"),
    ],
)
def test_parameters_need_src_dependency_and_dest(where: Any, path: str) -> None:
    spec = valid_sensor()
    where(spec)["dest"] = ""
    assert sensor_problems(spec) == [f"{path}.dest: required (the JSON path of the key to set)"]
    spec = valid_sensor()
    where(spec)["src"]["dependencyName"] = ""
    assert sensor_problems(spec) == [f"{path}.src.dependencyName: required (a non-empty string)"]
    spec = valid_sensor()
    del where(spec)["src"]
    assert sensor_problems(spec) == [f"{path}.src: required (with the dependencyName the value comes from)"]


def test_parameter_dependency_must_exist() -> None:
    spec = valid_sensor()
    spec["triggers"][2]["template"]["http"]["payload"][0]["src"]["dependencyName"] = "source_event"
    assert sensor_problems(spec) == [
        f"{T2}.http.payload[0].src.dependencyName: 'source_event' names no dependency of this Sensor"
        + BLUEPRINT.format("the parameter would silently fall back to its default value")
    ]


def test_parameter_operation_is_append_overwrite_prepend_or_empty() -> None:
    spec = valid_sensor()
    spec["triggers"][2]["parameters"][0]["operation"] = "replace"
    assert sensor_problems(spec) == [
        "triggers[2].parameters[0].operation: 'replace' is not supported; "
        "allowed: append, overwrite, prepend or empty (overwrite)"
    ]


def test_dlq_trigger_needs_at_least_once_on_both_triggers() -> None:
    spec = valid_sensor()
    spec["triggers"][0]["atLeastOnce"] = False
    assert sensor_problems(spec) == ["triggers[0].atLeastOnce: must be true to use dlqTrigger"]
    spec = valid_sensor()
    del spec["triggers"][0]["dlqTrigger"]["atLeastOnce"]
    assert sensor_problems(spec) == ["triggers[0].dlqTrigger.atLeastOnce: must be true"]


def test_dlq_trigger_is_validated_like_a_trigger() -> None:
    spec = valid_sensor()
    spec["triggers"][0]["dlqTrigger"]["template"] = {"name": "", "argoWorkflow": {"source": {"resource": {}}}}
    assert sensor_problems(spec) == [
        "triggers[0].dlqTrigger.template.name: required (a non-empty string)",
        "triggers[0].dlqTrigger.template.argoWorkflow.operation: '' is not supported; "
        "allowed: submit, submit-from, suspend, retry, resume, resubmit, terminate, stop (it has no default)",
    ]


def test_k8s_policy_needs_labels() -> None:
    spec = valid_sensor()
    del spec["triggers"][0]["policy"]["k8s"]["labels"]
    assert sensor_problems(spec) == [
        "triggers[0].policy.k8s.labels: required (the labels that mark the resource as successful)"
    ]


def test_http_status_policy_needs_allow() -> None:
    spec = valid_sensor()
    spec["triggers"][2]["policy"] = {"status": {}}
    assert sensor_problems(spec) == [
        "triggers[2].policy.status.allow: required (the list of allowed response statuses)"
    ]
    spec["triggers"][2]["policy"] = {"status": {"allow": [200, 201]}}
    assert sensor_problems(spec) == []


@pytest.mark.parametrize(
    ("kind", "trigger", "expected"),
    [
        ("awsLambda", {"functionName": "f"}, ["region: required (a non-empty string)", "payload: required"]),
        ("kafka", {"url": "kafka:9092", "payload": []}, ["topic: required (a non-empty string)"]),
        ("nats", {"url": "nats://nats:4222", "subject": "s"}, ["payload: required"]),
        ("slack", {"channel": "c"}, ["slackToken: required"]),
        (
            "custom",
            {"serverURL": "svc:9000", "spec": {}, "secure": True},
            ["certSecret: required when secure is true"],
        ),
        ("email", {"host": "smtp", "port": 70000}, ["port: 70000 is not a port number between 0 and 65535"]),
        (
            "openWhisk",
            {"actionName": "a", "host": "h", "authToken": {"name": "s"}, "payload": []},
            ["authToken.key: required (a non-empty string)"],
        ),
    ],
)
def test_other_trigger_types_have_their_required_fields(
    kind: str, trigger: dict[str, Any], expected: list[str]
) -> None:
    spec = valid_sensor()
    spec["triggers"][1]["template"] = {"name": "other", kind: trigger}
    assert sensor_problems(spec) == [f"{T1}.{kind}.{message}" for message in expected]


def test_check_sensor_raises_with_every_problem() -> None:
    spec = valid_sensor()
    spec["triggers"][0]["template"]["k8s"]["operation"] = "apply"
    spec["dependencies"][1]["eventName"] = ""
    with pytest.raises(ArgoSpecError) as caught:
        check_sensor("raw-events-sensor", spec)
    assert caught.value.kind == "Sensor" and caught.value.name == "raw-events-sensor"
    assert caught.value.problems == sensor_problems(spec)
    assert len(caught.value.problems) == 2
    assert "Sensor 'raw-events-sensor' would be rejected by the Argo Events controller" in str(caught.value)


# --- EventSource ---


def test_event_names_are_unique_across_types() -> None:
    spec = valid_rolling_event_source()
    spec["sqs"]["metaflow-event"] = spec["sqs"].pop("object")
    assert event_source_problems(spec) == [
        "sqs.metaflow-event: event name 'metaflow-event' is also used by webhook.metaflow-event; "
        "event names must be unique across all event-source types of one EventSource"
    ]


def test_recreate_and_rolling_types_cannot_share_an_event_source() -> None:
    spec = valid_rolling_event_source()
    spec.update(valid_recreate_event_source())
    assert event_source_problems(spec) == [
        "spec: pubSub, calendar (deployed with the Recreate strategy) cannot share one EventSource "
        "with webhook, sqs, sns (deployed with RollingUpdate); split them into separate EventSources"
    ]


def test_an_empty_type_map_does_not_count_as_a_type() -> None:
    spec = valid_recreate_event_source()
    spec["webhook"] = {}
    assert event_source_problems(spec) == []


def test_webhook_needs_an_endpoint() -> None:
    spec = valid_rolling_event_source()
    spec["webhook"]["metaflow-event"]["endpoint"] = ""
    assert event_source_problems(spec) == ["webhook.metaflow-event.endpoint: required (a non-empty string)"]


@pytest.mark.parametrize("port", ["", "http", "12000.0", " 12000", None, 12000])
def test_webhook_port_is_a_string_of_digits(port: Any) -> None:
    spec = valid_rolling_event_source()
    spec["webhook"]["metaflow-event"]["port"] = port
    assert event_source_problems(spec) == [
        f"webhook.metaflow-event.port: {port!r} is not a port number as a string of digits (e.g. '12000')"
    ]


def test_webhook_endpoint_starts_with_a_slash() -> None:
    spec = valid_rolling_event_source()
    spec["webhook"]["metaflow-event"]["endpoint"] = "metaflow-event"
    assert event_source_problems(spec) == [
        "webhook.metaflow-event.endpoint: 'metaflow-event' must start with '/'"
        + BLUEPRINT.format("the route would never match a request")
    ]


@pytest.mark.parametrize("method", ["", "post"])
def test_webhook_method_is_an_upper_case_http_method(method: str) -> None:
    spec = valid_rolling_event_source()
    spec["webhook"]["metaflow-event"]["method"] = method
    assert event_source_problems(spec) == [
        f"webhook.metaflow-event.method: {method!r} must be an upper-case HTTP method such as 'POST'"
        + BLUEPRINT.format("every request whose method differs is refused")
    ]


@pytest.mark.parametrize("field", ["region", "queue"])
def test_sqs_needs_region_and_queue(field: str) -> None:
    spec = valid_rolling_event_source()
    del spec["sqs"]["object"][field]
    assert event_source_problems(spec) == [f"sqs.object.{field}: required (a non-empty string)"]


@pytest.mark.parametrize("field", ["topicArn", "region"])
def test_sns_needs_topic_arn_and_region(field: str) -> None:
    spec = valid_rolling_event_source()
    spec["sns"]["topic"][field] = ""
    assert event_source_problems(spec) == [f"sns.topic.{field}: required (a non-empty string)"]


def test_sns_needs_a_valid_webhook() -> None:
    spec = valid_rolling_event_source()
    spec["sns"]["topic"]["webhook"]["port"] = "sns"
    assert event_source_problems(spec) == [
        "sns.topic.webhook.port: 'sns' is not a port number as a string of digits (e.g. '12000')"
    ]
    del spec["sns"]["topic"]["webhook"]
    assert event_source_problems(spec) == ["sns.topic.webhook: required (the HTTP endpoint SNS delivers to)"]


def test_pub_sub_needs_topic_or_subscription() -> None:
    spec = valid_recreate_event_source()
    del spec["pubSub"]["gcs"]["subscriptionID"]
    assert event_source_problems(spec) == ["pubSub.gcs: set topic or subscriptionID"]
    spec["pubSub"]["gcs"]["topic"] = "raw-events"
    assert event_source_problems(spec) == []


def test_pub_sub_topic_project_needs_a_topic() -> None:
    spec = valid_recreate_event_source()
    spec["pubSub"]["gcs"]["topicProjectID"] = "acme-shared"
    assert event_source_problems(spec) == ["pubSub.gcs.topicProjectID: can only be set together with topic"]


def test_calendar_needs_schedule_or_interval() -> None:
    spec = valid_recreate_event_source()
    del spec["calendar"]["hourly"]["interval"]
    assert event_source_problems(spec) == ["calendar.hourly: set schedule or interval"]


def test_calendar_schedule_is_a_five_field_cron() -> None:
    spec = valid_recreate_event_source()
    spec["calendar"]["nightly"]["schedule"] = "0 30 2 * * *"
    assert event_source_problems(spec) == [
        "calendar.nightly.schedule: '0 30 2 * * *' is not a valid 5-field cron expression "
        "(expected exactly 5 fields, found 6)"
    ]


@pytest.mark.parametrize(
    ("interval", "valid"), [("90s", True), ("1h30m", True), ("1.5h", True), ("10", False)]
)
def test_calendar_interval_is_a_go_duration(interval: str, valid: bool) -> None:
    spec = valid_recreate_event_source()
    spec["calendar"]["hourly"]["interval"] = interval
    expected = (
        []
        if valid
        else [f"calendar.hourly.interval: {interval!r} is not a Go duration such as '30s', '5m' or '1h30m'"]
    )
    assert event_source_problems(spec) == expected


def test_check_event_source_raises_with_every_problem() -> None:
    spec = valid_rolling_event_source()
    del spec["sqs"]["object"]["queue"]
    spec["calendar"] = {"tick": {"interval": "1m"}}
    with pytest.raises(ArgoSpecError) as caught:
        check_event_source("raw-events", spec)
    assert caught.value.kind == "EventSource" and caught.value.name == "raw-events"
    assert caught.value.problems == [
        "sqs.object.queue: required (a non-empty string)",
        "spec: calendar (deployed with the Recreate strategy) cannot share one EventSource "
        "with webhook, sqs, sns (deployed with RollingUpdate); split them into separate EventSources",
    ]
