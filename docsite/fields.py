"""`<!-- generated: fields MODULE:ATTRIBUTE -->`: a source's `FieldCatalog` as a table, read from the code when built.

`ATTRIBUTE` names a `FieldCatalog`, or a function returning one called with `True` or `False`
(`pubsub_message_fields(True)`).
"""

import importlib
import re

from docsite import table_cell
from pulumi_metaflow_blueprints.core.fields import FieldCatalog

__all__ = ["expand_fields", "fields_table", "load_catalog"]

_MARK = re.compile(r"<!-- generated: fields (?P<module>[\w.]+):(?P<attribute>\w+)(?:\((?P<arg>True|False)\))? -->")


def load_catalog(module: str, attribute: str, arg: str | None = None) -> FieldCatalog:
    """The catalog a marker names."""
    try:
        value = getattr(importlib.import_module(module), attribute)
    except (ImportError, AttributeError) as error:
        raise ValueError(f"fields marker names {module}:{attribute}, which does not exist ({error})") from error
    if arg is not None:
        value = value(arg == "True")
    if not isinstance(value, FieldCatalog):
        raise ValueError(f"{module}:{attribute} is not a FieldCatalog")
    return value


def fields_table(catalog: FieldCatalog) -> str:
    """One row per field: its name, path in the Argo event data, description, example, and its part in the event's
    identity or time."""
    identity = {alt: part for part in catalog.identity for alt in part.split("|")}
    lines = ["| field | path in the event data | description | example | one event, one run |", "|---|---|---|---|---|"]
    for field in catalog.fields:
        path = f"`{field.path.gjson}`" + (f" ({field.path.decode} decoded)" if field.path.decode else "")
        if field.json_object:
            path += f"; `{field.name}.<path>` reaches inside"
        role: list[str] = []
        if field.name in identity:
            alternatives = identity[field.name].split("|")
            first_of = ", ".join(f"`{a}`" for a in alternatives)
            role.append("identity" if len(alternatives) == 1 else f"identity (the first present of {first_of})")
        if field.name == catalog.time:
            role.append("event time")
        example = f"`{table_cell(field.example)}`" if field.example else ""
        row = [f"`{field.name}`", path, table_cell(field.description), example, ", ".join(role)]
        lines.append("| " + " | ".join(row) + " |")
    return "\n".join(lines)


def expand_fields(markdown: str) -> str:
    """`markdown` with every fields marker replaced by its table."""
    return _MARK.sub(lambda m: fields_table(load_catalog(m["module"], m["attribute"], m["arg"])), markdown)
