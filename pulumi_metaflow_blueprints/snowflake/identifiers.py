"""Snowflake identifiers and string literals that no user text can escape.

Every identifier the blueprint writes into SQL is double-quoted (so it is used exactly as given, case included) with
embedded double quotes doubled; every string literal is single-quoted with `'` doubled and `\\` escaped (Snowflake
reads backslash escapes inside string literals). User-given names are also checked first: Snowflake allows almost any
character in a quoted identifier (at most 255), but pulumi-snowflake cannot address names containing `"`, `.` or `|`,
so those are rejected, as are control characters and surrounding blanks.
"""

import re

from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.naming import stable_hash

__all__ = [
    "FORBIDDEN",
    "MAX_IDENTIFIER",
    "check_identifier",
    "check_upper_name",
    "check_warehouse",
    "derived_name",
    "qualified",
    "quote_identifier",
    "quote_literal",
]

MAX_IDENTIFIER = 255
FORBIDDEN = frozenset('"|.')
"""Characters pulumi-snowflake cannot address in a name (it splits fully qualified names on them)."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_UPPER_NAME = re.compile(r"^[A-Z_][A-Z0-9_]*$")
_WAREHOUSE = re.compile(r"^[A-Z_][A-Z0-9_$]*$")


def check_identifier(value: object, argument: str) -> str:
    """A user-given object name, exactly as Snowflake stores it (`ORDERS` for a table created without quotes)."""
    fix = (
        "give the name as Snowflake stores it (upper case unless it was created quoted), "
        f"1-{MAX_IDENTIFIER} characters without '\"', '.', '|' or control characters"
    )
    if not isinstance(value, str) or not value or len(value) > MAX_IDENTIFIER:
        raise BlueprintInputError(argument, f"{value!r} is not a Snowflake object name", fix)
    bad = sorted({c for c in value if c in FORBIDDEN} | set(_CONTROL.findall(value)))
    if bad:
        raise BlueprintInputError(argument, f"{value!r} contains {''.join(bad)!r}", fix)
    if value != value.strip():
        raise BlueprintInputError(argument, f"{value!r} starts or ends with blanks", fix)
    return value


def check_upper_name(value: object, argument: str, max_length: int = 200) -> str:
    """A name the blueprint builds other names from: upper-case letters, digits and `_`, not starting with a digit."""
    if not isinstance(value, str) or not _UPPER_NAME.fullmatch(value) or len(value) > max_length:
        raise BlueprintInputError(
            argument,
            f"{value!r} is not an upper-case Snowflake name",
            f"use up to {max_length} of A-Z, 0-9 and '_', not starting with a digit, e.g. ORDERS_TRIGGER",
        )
    return value


def check_warehouse(value: object, argument: str = "warehouse") -> str:
    """A warehouse name: pulumi-snowflake documents that a task's warehouse must be upper case."""
    if not isinstance(value, str) or not _WAREHOUSE.fullmatch(value) or len(value) > MAX_IDENTIFIER:
        raise BlueprintInputError(
            argument,
            f"{value!r} is not an upper-case warehouse name",
            "use A-Z, 0-9, '_' and '$' (e.g. TRANSFORM_WH), or leave it unset for a serverless task",
        )
    return value


def quote_identifier(name: str) -> str:
    """`name` as a double-quoted identifier, embedded quotes doubled."""
    return '"' + name.replace('"', '""') + '"'


def qualified(*parts: str) -> str:
    """A fully qualified name, every part quoted: `"DB"."SCHEMA"."NAME"`."""
    return ".".join(quote_identifier(part) for part in parts)


def quote_literal(text: str) -> str:
    """`text` as a single-quoted string literal: backslashes and single quotes escaped."""
    return "'" + text.replace("\\", "\\\\").replace("'", "''") + "'"


def derived_name(text: str, max_length: int = 200) -> str:
    """Any text as an upper-case Snowflake name (`my-stack.orders` -> `MY_STACK_ORDERS`), stably shortened."""
    cleaned = re.sub(r"[^A-Z0-9]+", "_", text.upper()).strip("_") or "X"
    if cleaned[0].isdigit():
        cleaned = f"N{cleaned}"
    if len(cleaned) <= max_length:
        return cleaned
    digest = stable_hash(text).upper()
    return f"{cleaned[: max_length - len(digest) - 1].rstrip('_')}_{digest}"
