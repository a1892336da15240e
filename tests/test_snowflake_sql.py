"""Snowflake quoting, the test tokenizer, the poster procedure's behaviour, and the lazy pulumi-snowflake import."""

import json
import subprocess
import sys
import types
import urllib.error
import urllib.request
from typing import Any

import pytest

from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.snowflake.identifiers import (
    check_identifier,
    check_upper_name,
    check_warehouse,
    derived_name,
    qualified,
    quote_identifier,
    quote_literal,
)
from pulumi_metaflow_blueprints.snowflake.plan import plan_snowflake
from pulumi_metaflow_blueprints.snowflake.sql import poster_code, stream_has_data, task_body
from tests.snowflake_sql import SqlSyntaxError, qualified_names, statements, tokenize

INJECTIONS = [
    'x"; DROP TABLE y; --',
    "x'; DROP TABLE y; --",
    "x\\'; DROP TABLE y; --",
    "x\\",
    "''\"\"\\\\",
    "/* x */ y -- z",
    "a$$b$$",
]


@pytest.mark.parametrize("text", INJECTIONS)
def test_a_quoted_identifier_is_one_token_holding_exactly_the_text(text: str) -> None:
    (token,) = tokenize(quote_identifier(text))
    assert (token.kind, token.value) == ("quoted", text)


@pytest.mark.parametrize("text", INJECTIONS)
def test_a_string_literal_is_one_token_holding_exactly_the_text(text: str) -> None:
    (token,) = tokenize(quote_literal(text))
    assert (token.kind, token.value) == ("string", text)


def test_the_tokenizer_catches_what_naive_quoting_lets_through() -> None:
    naive_literal = "'" + "x\\'; DROP TABLE y; --".replace("'", "''") + "'"  # backslash left unescaped
    assert "DROP" in [t.value for t in tokenize(naive_literal) if t.kind == "word"]
    naive_identifier = '"' + 'x"; DROP TABLE y; --' + '"'
    assert "DROP" in [t.value for t in tokenize(naive_identifier)]
    with pytest.raises(SqlSyntaxError):
        tokenize("'unterminated")
    with pytest.raises(SqlSyntaxError):
        tokenize('"unterminated')


def test_qualified_names_quote_every_part() -> None:
    name = qualified("ANALYTICS", "raw data", 'we"ird')
    assert name == '"ANALYTICS"."raw data"."we""ird"'
    assert qualified_names(tokenize(name)) == [("ANALYTICS", "raw data", 'we"ird')]


@pytest.mark.parametrize("value", ["ORDERS", "orders", "Order Items", "O'Brien", "x;y--z", "É", "A" * 255])
def test_identifiers_snowflake_allows_in_quotes_are_accepted(value: str) -> None:
    assert check_identifier(value, "table") == value


@pytest.mark.parametrize("value", ['a"b', "a.b", "a|b", "a\tb", "a\x00", " a", "a ", "", "A" * 256, None, 7])
def test_identifiers_pulumi_snowflake_cannot_address_are_rejected(value: Any) -> None:
    with pytest.raises(BlueprintInputError) as caught:
        check_identifier(value, "table")
    assert caught.value.argument == "table"


def test_upper_names_warehouses_and_derived_names() -> None:
    assert check_upper_name("ORDERS_TRIGGER", "name_prefix") == "ORDERS_TRIGGER"
    for bad in ("orders", "1ORDERS", "ORDERS-X", "A" * 201):
        with pytest.raises(BlueprintInputError):
            check_upper_name(bad, "name_prefix")
    assert check_warehouse("TRANSFORM_WH") == "TRANSFORM_WH"
    with pytest.raises(BlueprintInputError):
        check_warehouse("transform_wh")
    assert derived_name("metaflow-blueprints_dev.2_orders") == "METAFLOW_BLUEPRINTS_DEV_2_ORDERS"
    assert derived_name("9lives") == "N9LIVES"
    long = derived_name("x" * 300)
    assert len(long) == 200 and long == derived_name("x" * 300) and long != derived_name("x" * 301)


def plan(**overrides: Any) -> Any:
    args: dict[str, Any] = {"database": "ANALYTICS", "schema": "RAW", "table": "ORDERS", "name_prefix": "P"}
    args.update(overrides)
    return plan_snowflake(args, "orders", "https://hooks.example.com/orders", "public_url")  # type: ignore[arg-type]


def test_stream_condition_names_the_quoted_stream_inside_one_literal() -> None:
    tokens = tokenize(stream_has_data(plan(objects_schema="it's")))
    assert [t.kind for t in tokens] == ["word", "op", "string", "op"]
    assert qualified_names(tokenize(tokens[2].value)) == [("ANALYTICS", "it's", "P_STREAM")]


def test_task_body_has_no_statement_outside_the_block() -> None:
    parts = statements(tokenize(task_body(plan(table="x'); DROP TABLE y; --"))))
    heads = [p[0].value.upper() for p in parts]
    assert heads[0] == "DECLARE" and heads[-1] == "END" and "DROP" not in heads


class FakeResponse:
    status = 204

    def __enter__(self) -> "FakeResponse":
        return self

    def __exit__(self, *args: object) -> None:
        return None


def test_poster_posts_the_batch_with_the_bearer_token_and_a_sent_time(monkeypatch: pytest.MonkeyPatch) -> None:
    sent: list[tuple[urllib.request.Request, float]] = []

    def urlopen(request: urllib.request.Request, timeout: float) -> FakeResponse:
        sent.append((request, timeout))
        return FakeResponse()

    fake = types.ModuleType("_snowflake")
    fake.get_generic_secret_string = lambda name: {"webhook_token": "s3cret"}[name]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "_snowflake", fake)
    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    namespace: dict[str, Any] = {}
    exec(compile(poster_code(plan()), "poster", "exec"), namespace)  # the procedure's code, as Snowflake runs it
    batch = {"source": "snowflake-table-change", "table": "ANALYTICS.RAW.ORDERS", "inserted_rows": 2}
    assert namespace["post_batch"](None, json.dumps(batch)) == "204"
    ((request, timeout),) = sent
    assert (request.full_url, request.get_method(), timeout) == ("https://hooks.example.com/orders", "POST", 30)
    assert request.get_header("Authorization") == "Bearer s3cret"
    assert request.get_header("Content-type") == "application/json"
    body = json.loads(request.data)  # type: ignore[arg-type]
    assert body.pop("sent_at").endswith("Z") and body == batch


def test_poster_fails_when_the_webhook_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    def urlopen(request: urllib.request.Request, timeout: float) -> FakeResponse:
        raise urllib.error.HTTPError(request.full_url, 401, "Unauthorized", {}, None)  # type: ignore[arg-type]

    fake = types.ModuleType("_snowflake")
    fake.get_generic_secret_string = lambda name: "wrong"  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "_snowflake", fake)
    monkeypatch.setattr(urllib.request, "urlopen", urlopen)
    namespace: dict[str, Any] = {}
    exec(compile(poster_code(plan()), "poster", "exec"), namespace)
    with pytest.raises(urllib.error.HTTPError):  # so the task rolls back and the stream keeps its changes
        namespace["post_batch"](None, "{}")


def imported_after(statement: str) -> bool:
    """Whether `pulumi_snowflake` is in `sys.modules` after running ``statement`` in a fresh interpreter."""
    code = f"import sys\n{statement}\nprint('pulumi_snowflake' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return result.stdout.strip() == "True"


def test_no_module_but_the_snowflake_resources_imports_pulumi_snowflake() -> None:
    packages = ", ".join(
        f"pulumi_metaflow_blueprints.{m}" for m in ("aws", "gcp", "webhooks", "snowflake", "snowflake.table_change")
    )
    assert not imported_after(f"import pulumi_metaflow_blueprints, {packages}")
    assert not imported_after("from pulumi_metaflow_blueprints.snowflake import TableChangeTrigger")
    assert imported_after("import pulumi_metaflow_blueprints.snowflake.resources")  # the check can fail
