"""The SQL and Python the blueprint runs in Snowflake: the task's condition and body, and the poster procedure.

One run of the task handles one batch, in one transaction:

1. `INSERT INTO <batches> SELECT <counts> FROM <stream> HAVING COUNT(*) > 0` records the batch. Only DML that reads a
   stream advances its offset, and only when the transaction commits; a plain SELECT (or a SELECT ... INTO) does not.
   The aggregate insert reads every change row, so it consumes the stream, while storing one small row per batch.
2. When a row was recorded, the batch becomes a JSON object and the poster procedure POSTs it to the webhook with
   `Authorization: Bearer <token>` (the token read from a Snowflake secret), failing on any non-2xx answer.
3. COMMIT advances the stream. Any error rolls the whole transaction back: the stream keeps its changes and the next
   run sends them again (in a new batch), so delivery is at least once.

Counts follow the stream's metadata: an insert is `METADATA$ACTION = 'INSERT'` and not `METADATA$ISUPDATE`, an
update is the `INSERT` half of an update pair, a delete is `'DELETE'` and not an update.
"""

import json

from pulumi_metaflow_blueprints.snowflake.identifiers import quote_identifier, quote_literal
from pulumi_metaflow_blueprints.snowflake.plan import SnowflakePlan

__all__ = [
    "BATCH_COLUMNS",
    "LOCAL_VARIABLES",
    "POSTER_ARGUMENT",
    "POSTER_HANDLER",
    "SECRET_VARIABLE",
    "SOURCE",
    "batch_payload",
    "poster_code",
    "stream_has_data",
    "task_body",
]

SOURCE = "snowflake-table-change"
"""The `source` every batch notification carries (the Sensor accepts only it)."""
SECRET_VARIABLE = "webhook_token"
"""How the poster's code refers to the secret (`_snowflake.get_generic_secret_string`)."""
POSTER_HANDLER = "post_batch"
POSTER_ARGUMENT = "BATCH"
BATCH_COLUMNS = (
    ("BATCH_ID", "VARCHAR"),
    ("SOURCE_TABLE", "VARCHAR"),
    ("INSERTED_ROWS", "NUMBER(38,0)"),
    ("UPDATED_ROWS", "NUMBER(38,0)"),
    ("DELETED_ROWS", "NUMBER(38,0)"),
    ("RECORDED_AT", "TIMESTAMP_LTZ"),
)
LOCAL_VARIABLES = ("batch_id", "recorded", "batch")
"""The task body's Snowflake Scripting variables (the only unquoted names it uses besides keywords and functions)."""


def stream_has_data(plan: SnowflakePlan) -> str:
    """The task's WHEN condition: skip the run (no compute) unless the stream has changes."""
    return f"SYSTEM$STREAM_HAS_DATA({quote_literal(plan.stream.qualified)})"


def batch_payload(plan: SnowflakePlan) -> str:
    """`OBJECT_CONSTRUCT(...)` of the notification body, reading the counts of the recorded batch row."""
    source = plan.source
    pairs = [
        ("source", quote_literal(SOURCE)),
        ("table", quote_literal(source.dotted)),
        ("database", quote_literal(source.database)),
        ("schema", quote_literal(source.schema)),
        ("name", quote_literal(source.name)),
        ("kind", quote_literal(plan.kind.value)),
        ("batch_id", quote_identifier("BATCH_ID")),
        ("inserted_rows", quote_identifier("INSERTED_ROWS")),
        ("updated_rows", quote_identifier("UPDATED_ROWS")),
        ("deleted_rows", quote_identifier("DELETED_ROWS")),
    ]
    return "OBJECT_CONSTRUCT(" + ", ".join(f"{quote_literal(key)}, {value}" for key, value in pairs) + ")"


def task_body(plan: SnowflakePlan) -> str:
    """The task's Snowflake Scripting block: record the batch (consuming the stream), post it, commit."""
    columns = ", ".join(quote_identifier(name) for name, _ in BATCH_COLUMNS)
    batch_id = quote_identifier("BATCH_ID")
    return "\n".join(
        [
            "DECLARE",
            "  batch_id VARCHAR DEFAULT UUID_STRING();",
            "  recorded INTEGER DEFAULT 0;",
            "  batch VARCHAR;",
            "BEGIN",
            "  BEGIN TRANSACTION;",
            f"  INSERT INTO {plan.batches.qualified} ({columns})",
            f"    SELECT :batch_id, {quote_literal(plan.source.dotted)},",
            "           COUNT_IF(METADATA$ACTION = 'INSERT' AND NOT METADATA$ISUPDATE),",
            "           COUNT_IF(METADATA$ACTION = 'INSERT' AND METADATA$ISUPDATE),",
            "           COUNT_IF(METADATA$ACTION = 'DELETE' AND NOT METADATA$ISUPDATE),",
            "           CURRENT_TIMESTAMP()",
            f"      FROM {plan.stream.qualified}",
            "    HAVING COUNT(*) > 0;",
            "  recorded := SQLROWCOUNT;",
            "  IF (recorded > 0) THEN",
            f"    SELECT TO_JSON({batch_payload(plan)})",
            f"      INTO :batch FROM {plan.batches.qualified} WHERE {batch_id} = :batch_id;",
            f"    CALL {plan.poster.qualified}(:batch);",
            "  END IF;",
            "  COMMIT;",
            "  RETURN batch_id;",
            "EXCEPTION",
            "  WHEN OTHER THEN",
            "    ROLLBACK;",
            "    RAISE;",
            "END;",
        ]
    )


def poster_code(plan: SnowflakePlan) -> str:
    """The poster procedure's Python: add `sent_at`, POST the batch with the bearer token, fail unless 2xx.

    Only the standard library is used (no Anaconda package to acknowledge). The URL is the one plain value in it,
    checked to plain URL characters and written as a JSON string (a valid Python literal).
    """
    return "\n".join(
        [
            "import json",
            "import urllib.request",
            "from datetime import datetime, timezone",
            "",
            "import _snowflake",
            "",
            f"URL = {json.dumps(plan.url)}",
            "",
            "",
            f"def {POSTER_HANDLER}(session, batch):",
            "    body = json.loads(batch)",
            '    sent_at = datetime.now(timezone.utc).isoformat(timespec="milliseconds")',
            '    body["sent_at"] = sent_at.replace("+00:00", "Z")',
            f'    token = _snowflake.get_generic_secret_string("{SECRET_VARIABLE}")',
            "    request = urllib.request.Request(",
            "        URL,",
            '        data=json.dumps(body).encode("utf-8"),',
            '        method="POST",',
            '        headers={"Content-Type": "application/json", "Authorization": "Bearer " + token},',
            "    )",
            "    with urllib.request.urlopen(request, timeout=30) as response:",
            "        return str(response.status)",
            "",
        ]
    )
