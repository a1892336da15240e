"""TableChangeTrigger: the Snowflake objects and their SQL, the receiving side, the Sensor, secrets, and bad input."""

import ast
import copy
from typing import Any

import pytest

from pulumi_metaflow_blueprints.core.fields import EventPath
from pulumi_metaflow_blueprints.core.target import value_template
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.offline import ProgramRun, run_program
from pulumi_metaflow_blueprints.offline.runner import is_secret
from pulumi_metaflow_blueprints.snowflake import SnowflakeObjectKind, TableChangeTrigger
from pulumi_metaflow_blueprints.snowflake.sql import LOCAL_VARIABLES, SOURCE
from pulumi_metaflow_blueprints.snowflake.table_change import SNOWFLAKE_CHANGE_FIELDS
from tests.argo_schema import assert_valid_argo
from tests.helpers import argument_parameters, contains_unknown, rejected, resolved, sample, strings_outside_secrets
from tests.snowflake_sql import Token, call_arguments, qualified_names, shape, statements, tokenize, words

TOKEN = "placeholder-token-for-orders-token"
"""What the offline mocks make the RandomPassword's result: it must never appear outside a secret."""
PREFIX = "METAFLOW_BLUEPRINTS_OFFLINE_ORDERS"
SOURCE_TABLE = ("ANALYTICS", "RAW", "ORDERS")
STREAM = ("ANALYTICS", "RAW", f"{PREFIX}_STREAM")
BATCHES = ("ANALYTICS", "RAW", f"{PREFIX}_BATCHES")
POSTER = ("ANALYTICS", "RAW", f"{PREFIX}_POST_BATCH")
SECRET = ("ANALYTICS", "RAW", f"{PREFIX}_WEBHOOK_TOKEN")
RULE = ("ANALYTICS", "RAW", f"{PREFIX}_WEBHOOK_EGRESS")
ROLE = f"{PREFIX}_ROLE"
SQL_KEYWORDS = {
    "DECLARE", "VARCHAR", "DEFAULT", "INTEGER", "BEGIN", "TRANSACTION", "INSERT", "INTO", "SELECT", "AND", "NOT",
    "FROM", "HAVING", "IF", "THEN", "WHERE", "CALL", "END", "COMMIT", "RETURN", "EXCEPTION", "WHEN", "OTHER",
    "ROLLBACK", "RAISE",
}  # fmt: skip
SQL_FUNCTIONS = {"UUID_STRING", "COUNT_IF", "CURRENT_TIMESTAMP", "COUNT", "SQLROWCOUNT", "TO_JSON", "OBJECT_CONSTRUCT"}
STREAM_COLUMNS = {"METADATA$ACTION", "METADATA$ISUPDATE"}
ALLOWED_WORDS = SQL_KEYWORDS | SQL_FUNCTIONS | STREAM_COLUMNS | {v.upper() for v in LOCAL_VARIABLES}
"""Every bare word the task body may contain: anything else (an object name) would have to be quoted."""


def base_args(**overrides: Any) -> dict[str, Any]:
    args: dict[str, Any] = {
        "database": "ANALYTICS",
        "schema": "RAW",
        "table": "ORDERS",
        "warehouse": "TRANSFORM_WH",
        "ingress": {"host": "hooks.example.com", "class_name": "nginx", "tls_secret_name": "hooks-example-com-tls"},
        "kubernetes": {"namespace": "argo-events", "workflow_namespace": "jobs"},
        "targets": [
            {
                "flow": {
                    "flow": "OrdersFlow",
                    "parameters": {"batch_id": "batch_id", "inserted": "inserted_rows", "source_table": "table"},
                }
            }
        ],
    }
    args.update(overrides)
    return args


def run_trigger(args: dict[str, Any] | None = None, **kwargs: Any) -> tuple[ProgramRun, TableChangeTrigger]:
    chosen = args if args is not None else base_args()
    made: list[TableChangeTrigger] = []
    run = run_program(lambda: made.append(TableChangeTrigger("orders", chosen)), **kwargs)  # type: ignore[arg-type]
    return run, made[0]


@pytest.fixture(scope="module")
def program() -> tuple[ProgramRun, dict[str, tuple[Any, bool]]]:
    run, trigger = run_trigger()
    keys = ("url", "token", "stream_name", "task_name", "batch_table_name", "event_source_name", "sensor_name")
    return run, {key: resolved(getattr(trigger, key)) for key in keys}


@pytest.fixture(scope="module")
def run(program: tuple[ProgramRun, Any]) -> ProgramRun:
    return program[0]


@pytest.fixture(scope="module")
def body(run: ProgramRun) -> list[Token]:
    return tokenize(run.named("orders-task").plain_inputs["sqlStatement"])


RECEIVER_AND_SENSOR = [
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
SNOWFLAKE_OBJECTS = [
    ("snowflake:index/streamOnTable:StreamOnTable", "orders-stream"),
    ("snowflake:index/table:Table", "orders-batches"),
    ("snowflake:index/secretWithGenericString:SecretWithGenericString", "orders-webhook-secret"),
    ("snowflake:index/networkRule:NetworkRule", "orders-egress-rule"),
    ("snowflake:index/externalAccessIntegration:ExternalAccessIntegration", "orders-egress"),
    ("snowflake:index/procedurePython:ProcedurePython", "orders-poster"),
    ("snowflake:index/task:Task", "orders-task"),
]


def children(run: ProgramRun) -> list[tuple[str, str]]:
    (component,) = run.of_type("metaflow-blueprints:index:TableChangeTrigger")
    found = sorted((r.type, r.name) for r in run.children_of(component))
    assert len(run.registrations) == len(found) + 1, "every resource is a child of the component"
    return found


def test_registers_exactly_the_snowflake_objects_and_the_receiver_under_the_component(run: ProgramRun) -> None:
    assert children(run) == sorted(SNOWFLAKE_OBJECTS + RECEIVER_AND_SENSOR)


def test_outputs_name_the_objects_and_keep_the_token_secret(program: tuple[ProgramRun, Any]) -> None:
    _, outputs = program
    assert outputs["url"] == ("https://hooks.example.com/orders", False)
    assert outputs["token"] == (TOKEN, True)
    assert outputs["stream_name"] == ('"ANALYTICS"."RAW"."' + STREAM[2] + '"', False)
    assert outputs["task_name"] == (f'"ANALYTICS"."RAW"."{PREFIX}_TASK"', False)
    assert outputs["batch_table_name"] == ('"ANALYTICS"."RAW"."' + BATCHES[2] + '"', False)
    assert outputs["event_source_name"] == ("orders", False)
    assert outputs["sensor_name"] == ("orders-sensor", False)


def test_stream_watches_the_quoted_table_and_reports_every_change(run: ProgramRun) -> None:
    stream = run.named("orders-stream").plain_inputs
    assert stream["table"] == '"ANALYTICS"."RAW"."ORDERS"'
    assert (stream["database"], stream["schema"], stream["name"]) == STREAM
    assert stream["appendOnly"] == "false"


def test_batch_table_has_one_typed_column_per_count(run: ProgramRun) -> None:
    table = run.named("orders-batches").plain_inputs
    assert (table["database"], table["schema"], table["name"]) == BATCHES
    assert [(c["name"], c["type"], c["nullable"]) for c in table["columns"]] == [
        ("BATCH_ID", "VARCHAR", False),
        ("SOURCE_TABLE", "VARCHAR", False),
        ("INSERTED_ROWS", "NUMBER(38,0)", False),
        ("UPDATED_ROWS", "NUMBER(38,0)", False),
        ("DELETED_ROWS", "NUMBER(38,0)", False),
        ("RECORDED_AT", "TIMESTAMP_LTZ", False),
    ]


def test_token_is_in_a_snowflake_secret_and_never_outside_a_secret_input(run: ProgramRun) -> None:
    secret = run.named("orders-webhook-secret")
    assert is_secret(secret.inputs["secretString"])
    assert secret.plain_inputs["secretString"] == TOKEN
    assert (secret.plain_inputs["database"], secret.plain_inputs["schema"], secret.plain_inputs["name"]) == SECRET
    leaks = [(r.name, s) for r in run.registrations for s in strings_outside_secrets(r.inputs) if TOKEN in s]
    assert leaks == []
    holders = sorted(r.name for r in run.registrations if TOKEN in str(r.plain_inputs))
    assert holders == ["orders-token-secret", "orders-webhook-secret"]  # the check above can fail


def test_egress_is_limited_to_the_webhook_host_and_the_token_secret(run: ProgramRun) -> None:
    rule = run.named("orders-egress-rule").plain_inputs
    assert (rule["database"], rule["schema"], rule["name"]) == RULE
    assert (rule["mode"], rule["type"], rule["valueLists"]) == ("EGRESS", "HOST_PORT", ["hooks.example.com:443"])
    integration = run.named("orders-egress").plain_inputs
    assert integration["name"] == f"{PREFIX}_WEBHOOK_ACCESS"
    assert integration["enabled"] is True
    assert [qualified_names(tokenize(n)) for n in integration["allowedNetworkRules"]] == [[RULE]]
    secrets = integration["allowedAuthenticationSecrets"]["secrets"]
    assert [qualified_names(tokenize(n)) for n in secrets] == [[SECRET]]


def test_poster_procedure_uses_only_the_integration_and_the_secret(run: ProgramRun) -> None:
    poster = run.named("orders-poster").plain_inputs
    assert (poster["database"], poster["schema"], poster["name"]) == POSTER
    assert poster["arguments"] == [{"argName": "BATCH", "argDataType": "VARCHAR"}]
    assert (poster["returnType"], poster["handler"], poster["executeAs"]) == ("VARCHAR", "post_batch", "OWNER")
    assert (poster["runtimeVersion"], poster["snowparkPackage"]) == ("3.11", "1.14.0")
    assert "packages" not in poster  # standard library only
    assert poster["externalAccessIntegrations"] == [f"{PREFIX}_WEBHOOK_ACCESS"]
    (secret,) = poster["secrets"]
    assert secret["secretVariableName"] == "webhook_token"
    assert qualified_names(tokenize(secret["secretId"])) == [SECRET]
    module = ast.parse(poster["procedureDefinition"])
    assignments = {t.id: n.value for n in module.body if isinstance(n, ast.Assign) for t in n.targets}  # type: ignore[attr-defined]
    assert list(assignments) == ["URL"]
    assert (
        isinstance(assignments["URL"], ast.Constant) and assignments["URL"].value == "https://hooks.example.com/orders"
    )
    (handler,) = [n for n in module.body if isinstance(n, ast.FunctionDef)]
    assert handler.name == "post_batch" and [a.arg for a in handler.args.args] == ["session", "batch"]
    assert "$$" not in poster["procedureDefinition"]


def test_task_runs_on_the_warehouse_every_minute_only_when_the_stream_has_data(run: ProgramRun) -> None:
    task = run.named("orders-task").plain_inputs
    assert (task["database"], task["schema"], task["name"]) == ("ANALYTICS", "RAW", f"{PREFIX}_TASK")
    assert task["warehouse"] == "TRANSFORM_WH" and "userTaskManagedInitialWarehouseSize" not in task
    assert task["schedule"] == {"minutes": 1}
    assert task["started"] is True and task["allowOverlappingExecution"] == "false"
    when = tokenize(task["when"])
    assert [t.kind for t in when] == ["word", "op", "string", "op"] and when[0].value == "SYSTEM$STREAM_HAS_DATA"
    assert qualified_names(tokenize(when[2].value)) == [STREAM]


def test_task_body_is_one_transaction_consuming_the_stream_and_posting_once(body: list[Token]) -> None:
    assert [shape(s) for s in statements(body)] == [
        "DECLARE BATCH_ID VARCHAR DEFAULT UUID_STRING ( )",
        "RECORDED INTEGER DEFAULT <num>",
        "BATCH VARCHAR",
        "BEGIN BEGIN TRANSACTION",
        "INSERT INTO <id> . <id> . <id> ( <id> , <id> , <id> , <id> , <id> , <id> ) SELECT :<bind> , <str> , "
        "COUNT_IF ( METADATA$ACTION = <str> AND NOT METADATA$ISUPDATE ) , "
        "COUNT_IF ( METADATA$ACTION = <str> AND METADATA$ISUPDATE ) , "
        "COUNT_IF ( METADATA$ACTION = <str> AND NOT METADATA$ISUPDATE ) , "
        "CURRENT_TIMESTAMP ( ) FROM <id> . <id> . <id> HAVING COUNT ( * ) > <num>",
        "RECORDED := SQLROWCOUNT",
        "IF ( RECORDED > <num> ) THEN SELECT TO_JSON ( OBJECT_CONSTRUCT ( "
        + " , ".join(["<str>"] * 13 + ["<id> , <str>"] * 3 + ["<id>"])
        + " ) ) INTO :<bind> FROM <id> . <id> . <id> WHERE <id> = :<bind>",
        "CALL <id> . <id> . <id> ( :<bind> )",
        "END IF",
        "COMMIT",
        "RETURN BATCH_ID",
        "EXCEPTION WHEN OTHER THEN ROLLBACK",
        "RAISE",
        "END",
    ]
    insert, select, call = (statements(body)[i] for i in (4, 6, 7))
    assert qualified_names(insert)[0] == BATCHES and qualified_names(insert)[-1] == STREAM
    assert [t.value for t in insert if t.kind == "string"] == ["ANALYTICS.RAW.ORDERS", "INSERT", "INSERT", "DELETE"]
    assert [t.value for t in insert if t.kind == "bind"] == ["batch_id"]
    assert qualified_names(select)[-2:] == [BATCHES, ("BATCH_ID",)]
    assert qualified_names(call) == [POSTER] and [t.value for t in call if t.kind == "bind"] == ["batch"]


def test_every_name_in_the_task_body_is_quoted_and_nothing_is_commented_out(body: list[Token]) -> None:
    assert words(body) <= ALLOWED_WORDS, sorted(words(body) - ALLOWED_WORDS)
    assert [t for t in body if t.kind == "comment"] == []
    objects = {name for name in qualified_names(body) if len(name) == 3}
    assert objects == {BATCHES, STREAM, POSTER}


def test_batch_payload_carries_every_source_field(body: list[Token], run: ProgramRun) -> None:
    arguments = call_arguments(body, "OBJECT_CONSTRUCT")
    keys = [a[0].value for a in arguments[::2]]
    values = dict(zip(keys, arguments[1::2], strict=True))
    assert all(len(v) == 1 for v in values.values())
    assert {k: v[0].value for k, v in values.items() if v[0].kind == "string"} == {
        "source": SOURCE,
        "table": "ANALYTICS.RAW.ORDERS",
        "database": "ANALYTICS",
        "schema": "RAW",
        "name": "ORDERS",
        "kind": "table",
    }
    assert {k: v[0].value for k, v in values.items() if v[0].kind == "quoted"} == {
        "batch_id": "BATCH_ID",
        "inserted_rows": "INSERTED_ROWS",
        "updated_rows": "UPDATED_ROWS",
        "deleted_rows": "DELETED_ROWS",
    }
    poster = ast.parse(run.named("orders-poster").plain_inputs["procedureDefinition"])
    added = {
        target.slice.value
        for node in ast.walk(poster)
        if isinstance(node, ast.Assign)
        for target in node.targets
        if isinstance(target, ast.Subscript) and isinstance(target.slice, ast.Constant)
    }
    assert added == {"sent_at"}
    catalog = {f.name for f in SNOWFLAKE_CHANGE_FIELDS.fields} - {"body", "header"}
    assert catalog == set(keys) | added


def test_fields_resolve_against_the_posted_batch() -> None:
    event = {"header": {"Content-Type": ["application/json"]}, "body": sample("snowflake-table-change.webhook.json")}
    expected = {"table": "ANALYTICS.RAW.ORDERS", "inserted_rows": 42, "deleted_rows": 1, "kind": "table"}
    for name, value in expected.items():
        assert SNOWFLAKE_CHANGE_FIELDS.resolve(name, "p").lookup(event) == (True, value), name
    for field in SNOWFLAKE_CHANGE_FIELDS.fields:
        assert field.path.lookup(event)[0], field.name


def test_event_source_checks_the_bearer_token(run: ProgramRun) -> None:
    (item,) = run.custom_resources("EventSource")
    resource = item.plain_inputs
    assert_valid_argo("EventSource", resource)
    route = resource["spec"]["webhook"]["table-change"]
    assert route == {
        "endpoint": "/orders",
        "method": "POST",
        "port": "12000",
        "url": "https://hooks.example.com",
        "authSecret": {"name": "orders-webhook-token", "key": "token"},
    }
    assert run.named("orders-token-secret").plain_inputs["stringData"] == {"token": TOKEN}


def test_sensor_accepts_only_this_tables_batches_and_maps_them_to_parameters(run: ProgramRun) -> None:
    (item,) = run.custom_resources("Sensor")
    assert_valid_argo("Sensor", item.plain_inputs)
    spec = item.plain_inputs["spec"]
    (dependency,) = spec["dependencies"]
    assert (dependency["eventSourceName"], dependency["eventName"]) == ("orders", "table-change")
    assert dependency["filters"]["data"] == [
        {"path": "body.source", "type": "string", "value": ["^(?:snowflake\\-table\\-change)$"]},
        {"path": "body.table", "type": "string", "value": ["^(?:ANALYTICS\\.RAW\\.ORDERS)$"]},
    ]
    (trigger,) = spec["triggers"]
    workflow = trigger["template"]["k8s"]["source"]["resource"]
    assert workflow["spec"]["workflowTemplateRef"] == {"name": "ordersflow"}
    assert [p["name"] for p in workflow["spec"]["arguments"]["parameters"]] == ["batch_id", "inserted", "source_table"]
    templates = [p["src"]["dataTemplate"] for p in argument_parameters(trigger["template"]["k8s"])]
    for template, key in zip(templates, ["batch_id", "inserted_rows", "table"], strict=True):
        assert template == value_template(EventPath(("body", key)))


def test_preview_knows_every_spec_and_sql_text() -> None:
    run, _ = run_trigger(computed=False)
    for kind in ("EventSource", "Sensor"):
        (item,) = run.custom_resources(kind)
        assert not contains_unknown(item.inputs["spec"])
    task = run.named("orders-task").inputs
    assert not any(contains_unknown(task[key]) for key in ("sqlStatement", "when", "schedule"))
    assert not contains_unknown(run.named("orders-poster").inputs["procedureDefinition"])


def test_serverless_task_with_a_seconds_schedule() -> None:
    args = base_args(schedule_seconds=30.0)
    del args["warehouse"]
    run, _ = run_trigger(args)
    task = run.named("orders-task").plain_inputs
    assert "warehouse" not in task and task["userTaskManagedInitialWarehouseSize"] == "XSMALL"
    assert task["schedule"] == {"seconds": 30}
    assert run_trigger(base_args(schedule_seconds=300))[0].named("orders-task").plain_inputs["schedule"] == {
        "minutes": 5
    }


def test_a_view_gets_a_stream_on_view_append_only() -> None:
    run, _ = run_trigger(base_args(table="ORDERS_V", kind=SnowflakeObjectKind.VIEW, append_only=True))
    (stream,) = run.of_type("snowflake:index/streamOnView:StreamOnView")
    assert stream.plain_inputs["view"] == '"ANALYTICS"."RAW"."ORDERS_V"'
    assert stream.plain_inputs["appendOnly"] == "true"
    assert run.of_type("snowflake:index/streamOnTable:StreamOnTable") == []
    body = tokenize(run.named("orders-task").plain_inputs["sqlStatement"])
    assert "view" in [t.value for t in body if t.kind == "string"]


def test_objects_can_live_in_another_schema_with_another_prefix() -> None:
    args = base_args(objects_database="OPS", objects_schema="TRIGGERS", name_prefix="ORDERS_TRIGGER")
    run, trigger = run_trigger(args)
    assert resolved(trigger.task_name) == ('"OPS"."TRIGGERS"."ORDERS_TRIGGER_TASK"', False)
    stream = run.named("orders-stream").plain_inputs
    assert (stream["database"], stream["schema"], stream["table"]) == ("OPS", "TRIGGERS", '"ANALYTICS"."RAW"."ORDERS"')
    when = tokenize(run.named("orders-task").plain_inputs["when"])
    assert qualified_names(tokenize(when[2].value)) == [("OPS", "TRIGGERS", "ORDERS_TRIGGER_STREAM")]
    assert run.named("orders-egress").plain_inputs["name"] == "ORDERS_TRIGGER_WEBHOOK_ACCESS"


def test_role_owns_only_the_blueprints_objects_with_the_grants_the_task_needs() -> None:
    run, _ = run_trigger(base_args(role={"parent_role": "SYSADMIN"}))
    grants = {r.name: r.plain_inputs for r in run.of_type(
        "snowflake:index/grantPrivilegesToAccountRole:GrantPrivilegesToAccountRole"
    )}  # fmt: skip
    assert {g.pop("accountRoleName") for g in grants.values()} == {f'"{ROLE}"'}
    assert grants == {
        "orders-grant-account": {"onAccount": True, "privileges": ["EXECUTE TASK"]},
        "orders-grant-database-0": {
            "onAccountObject": {"objectType": "DATABASE", "objectName": '"ANALYTICS"'},
            "privileges": ["USAGE"],
        },
        "orders-grant-schema-0": {"onSchema": {"schemaName": '"ANALYTICS"."RAW"'}, "privileges": ["USAGE"]},
        "orders-grant-source": {
            "onSchemaObject": {"objectType": "TABLE", "objectName": '"ANALYTICS"."RAW"."ORDERS"'},
            "privileges": ["SELECT"],
        },
        "orders-grant-secret": {
            "onSchemaObject": {"objectType": "SECRET", "objectName": f'"ANALYTICS"."RAW"."{SECRET[2]}"'},
            "privileges": ["READ"],
        },
        "orders-grant-integration": {
            "onAccountObject": {"objectType": "INTEGRATION", "objectName": f'"{PREFIX}_WEBHOOK_ACCESS"'},
            "privileges": ["USAGE"],
        },
        "orders-grant-warehouse": {
            "onAccountObject": {"objectType": "WAREHOUSE", "objectName": '"TRANSFORM_WH"'},
            "privileges": ["USAGE"],
        },
    }
    assert run.named("orders-role").plain_inputs["name"] == ROLE
    assert run.named("orders-role-parent").plain_inputs == {"roleName": f'"{ROLE}"', "parentRoleName": '"SYSADMIN"'}
    owned = [r.plain_inputs for r in run.of_type("snowflake:index/grantOwnership:GrantOwnership")]
    assert [(o["on"]["objectType"], o["on"]["objectName"]) for o in owned] == [
        ("STREAM", '"ANALYTICS"."RAW"."' + STREAM[2] + '"'),
        ("TABLE", '"ANALYTICS"."RAW"."' + BATCHES[2] + '"'),
        ("PROCEDURE", '"ANALYTICS"."RAW"."' + POSTER[2] + '"(VARCHAR)'),
        ("TASK", f'"ANALYTICS"."RAW"."{PREFIX}_TASK"'),
    ]
    assert all(o["accountRoleName"] == f'"{ROLE}"' and o["outboundPrivileges"] == "COPY" for o in owned)
    assert len(children(run)) == len(SNOWFLAKE_OBJECTS + RECEIVER_AND_SENSOR) + 2 + len(grants) + len(owned)


def test_serverless_role_may_run_managed_tasks_and_objects_elsewhere_get_usage_too() -> None:
    args = base_args(role={"parent_role": "DATA_ENG", "name": "ORDERS_TASK_ROLE"}, objects_schema="TRIGGERS")
    del args["warehouse"]
    run, _ = run_trigger(args)
    grants = {
        r.name: r.plain_inputs
        for r in run.of_type("snowflake:index/grantPrivilegesToAccountRole:GrantPrivilegesToAccountRole")
    }
    assert grants["orders-grant-account"]["privileges"] == ["EXECUTE TASK", "EXECUTE MANAGED TASK"]
    assert "orders-grant-warehouse" not in grants and "orders-grant-database-1" not in grants
    schemas = [grants[f"orders-grant-schema-{i}"]["onSchema"]["schemaName"] for i in (0, 1)]
    assert schemas == ['"ANALYTICS"."RAW"', '"ANALYTICS"."TRIGGERS"']
    assert run.named("orders-role").plain_inputs["name"] == "ORDERS_TASK_ROLE"
    assert run.named("orders-role-parent").plain_inputs["parentRoleName"] == '"DATA_ENG"'


def test_odd_but_valid_names_stay_inside_their_quotes_everywhere() -> None:
    table = "Orders'); DROP TABLE y; --\\"
    run, _ = run_trigger(base_args(schema="raw data", table=table))
    body = tokenize(run.named("orders-task").plain_inputs["sqlStatement"])
    assert words(body) <= ALLOWED_WORDS and not [t for t in body if t.kind == "comment"]
    strings = [t.value for t in body if t.kind == "string"]
    assert f"ANALYTICS.raw data.{table}" in strings and table in strings
    assert run.named("orders-stream").plain_inputs["table"] == f'"ANALYTICS"."raw data"."{table}"'
    when = tokenize(run.named("orders-task").plain_inputs["when"])
    assert qualified_names(tokenize(when[2].value)) == [("ANALYTICS", "raw data", f"{PREFIX}_STREAM")]
    (sensor,) = run.custom_resources("Sensor")
    assert_valid_argo("Sensor", sensor.plain_inputs)


@pytest.mark.parametrize("argument", ["database", "schema", "table", "objects_database", "objects_schema"])
@pytest.mark.parametrize("value", ['x"; DROP TABLE y; --', "a.b", "x|y", "line\nbreak", " padded", ""])
def test_injection_attempts_in_names_are_rejected_before_anything_is_registered(argument: str, value: str) -> None:
    args = base_args(**{argument: value})
    run, error = rejected(lambda: TableChangeTrigger("orders", args))  # type: ignore[arg-type]
    assert run.registrations == []
    assert error.argument == argument


@pytest.mark.parametrize(
    ("overrides", "argument"),
    [
        ({"warehouse": "transform_wh"}, "warehouse"),
        ({"warehouse": 'WH"; DROP'}, "warehouse"),
        ({"schedule_seconds": 5}, "schedule_seconds"),
        ({"schedule_seconds": 90.5}, "schedule_seconds"),
        ({"schedule_seconds": True}, "schedule_seconds"),
        ({"kind": "materialized-view"}, "kind"),
        ({"append_only": "false"}, "append_only"),
        ({"name_prefix": "orders"}, "name_prefix"),
        ({"role": {"name": "R"}}, "role.parent_role"),
        ({"role": {"parent_role": "SYSADMIN", "name": "task role"}}, "role.name"),
        ({"ingress": None}, "ingress"),
        ({"ingress": None, "public_url": "https://edge.example.com/a'b"}, "public_url"),
        ({"ingress": None, "public_url": "http://edge.example.com"}, "public_url"),
        ({"table": None}, "table"),
        ({"targets": []}, "targets"),
    ],
)
def test_bad_input_names_the_argument_and_registers_nothing(overrides: dict[str, Any], argument: str) -> None:
    args = base_args(**overrides)
    for key in [k for k, v in args.items() if v is None]:
        del args[key]
    run, error = rejected(lambda: TableChangeTrigger("orders", args))  # type: ignore[arg-type]
    assert run.registrations == []
    assert error.argument == argument
    assert isinstance(error, BlueprintInputError) and error.fix


def test_public_url_is_the_posting_base_and_the_egress_host() -> None:
    args = base_args(public_url="https://edge.example.com:8443/argo")
    del args["ingress"]
    run, trigger = run_trigger(args)
    assert resolved(trigger.url) == ("https://edge.example.com:8443/argo/orders", False)
    assert run.named("orders-egress-rule").plain_inputs["valueLists"] == ["edge.example.com:8443"]
    assert run.of_type("kubernetes:networking.k8s.io/v1:Ingress") == []
    assert (
        'URL = "https://edge.example.com:8443/argo/orders"'
        in run.named("orders-poster").plain_inputs["procedureDefinition"]
    )


def test_args_are_not_mutated() -> None:
    args = base_args(role={"parent_role": "SYSADMIN"})
    before = copy.deepcopy(args)
    run_trigger(args)
    assert args == before
