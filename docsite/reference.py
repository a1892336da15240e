"""The reference pages, generated at build time from `schema.json` and the names the provider's analyzer records.

Every input and output of every blueprint, and every shared type, with the name each language uses: Python (the
args' TypedDict keys, from the Pulumi analyzer's schema-name -> Python-name mappings), TypeScript and YAML (the
schema's camelCase names), Go (Pulumi's Go code generator Title-cases a property name: `pkg/codegen/go` `fieldName`).
The descriptions are the args' docstrings as the schema carries them.
"""

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from docsite import table_cell
from pulumi_metaflow_blueprints.provider import BlueprintProvider, blueprint_provider, schema_json
from pulumi_metaflow_blueprints.registry import blueprint_classes

__all__ = [
    "PythonNames",
    "ReferencePages",
    "StaleSchemaError",
    "default_of",
    "go_name",
    "python_names",
    "reference_pages",
]

ROOT = Path(__file__).resolve().parents[1]

_DEFAULT = re.compile(r"\bDefaults?\s+to\s+(?P<value>.+?)(?:\.(?:\s|$)|;|$)", re.DOTALL)
_MARKED_DEFAULT = re.compile(r"(?P<before>`[^`]+`)?\s*\(default(?P<value>\s+[^);]+)?[);]")


def go_name(schema_name: str) -> str:
    """The Go field name of a schema property: its first letter upper-cased, a leading `$` dropped."""
    name = schema_name.removeprefix("$")
    return name[:1].upper() + name[1:]


def default_of(description: str) -> str:
    """The default a description states (`Defaults to X.`, `X (default)`, `(default X)`), or ''."""
    match = _DEFAULT.search(description) or _MARKED_DEFAULT.search(description)
    if match is None:
        return ""
    value = match.group("value") or match.groupdict().get("before") or ""
    return " ".join(value.split())


def _short(token: str) -> str:
    return token.rsplit(":", 1)[-1]


def _anchor(name: str) -> str:
    return name.lower()


@dataclass(frozen=True)
class PythonNames:
    """Schema name -> Python name, per component (inputs, outputs) and per object type."""

    inputs: Mapping[str, Mapping[str, str]]
    outputs: Mapping[str, Mapping[str, str]]
    types: Mapping[str, Mapping[str, str]]


def python_names(provider: BlueprintProvider) -> PythonNames:
    """The analyzer's mappings, as the provider that serves the schema recorded them."""
    components = provider.component_definitions()
    return PythonNames(
        inputs={name: dict(c.inputs_mapping) for name, c in components.items()},
        outputs={name: dict(c.outputs_mapping) for name, c in components.items()},
        types={name: dict(t.properties_mapping) for name, t in provider.type_definitions().items()},
    )


class ReferencePages:
    """Markdown for `reference/index.md`, one page per blueprint and `reference/types.md`."""

    def __init__(self, schema: Mapping[str, Any], names: PythonNames, modules: Mapping[str, str]) -> None:
        self.schema = schema
        self.names = names
        self.modules = modules
        """Blueprint class name -> the module users import it from (`pulumi_metaflow_blueprints.aws`)."""

    def type_text(self, prop: Mapping[str, Any], page: str) -> str:
        """A property's type, linking object and enum types to the types page."""
        ref = prop.get("$ref")
        if isinstance(ref, str):
            name = _short(ref)
            target = "" if page == "types.md" else "types.md"
            return f"[{name}]({target}#{_anchor(name)})"
        kind = prop.get("type", "any")
        if kind == "array":
            return f"list of {self.type_text(prop['items'], page)}"
        if kind == "object" and "additionalProperties" in prop:
            return f"map of {self.type_text(prop['additionalProperties'], page)}"
        return str(kind)

    def property_table(
        self, properties: Mapping[str, Any], required: list[str], python: Mapping[str, str], page: str, *, inputs: bool
    ) -> list[str]:
        """One row per property: its names per language, type, whether required, default and description."""
        head = "| name: Python<br>TypeScript, YAML<br>Go | type | required | default | description |"
        lines = [head, "|---|---|---|---|---|"]
        for schema_name, prop in properties.items():
            description = str(prop.get("description", ""))
            kind = self.type_text(prop, page)
            if inputs:
                kind += ", plain" if prop.get("plain") else ", Input"
            names = f"`{python[schema_name]}`<br>`{schema_name}`<br>`{go_name(schema_name)}`"
            needed = "yes" if schema_name in required else "no"
            default = table_cell(default_of(description)) or "—"
            lines.append("| " + " | ".join([names, kind, needed, default, table_cell(description)]) + " |")
        return ['<div class="reference-table" markdown>', "", *lines, "", "</div>"]

    def component_page(self, token: str) -> str:
        """The page of one blueprint."""
        resource = self.schema["resources"][token]
        name = _short(token)
        inputs = self.property_table(
            resource.get("inputProperties", {}),
            resource.get("requiredInputs", []),
            self.names.inputs[name],
            f"{name}.md",
            inputs=True,
        )
        outputs = self.property_table(
            resource.get("properties", {}), resource.get("required", []), self.names.outputs[name], "", inputs=False
        )
        lines = [
            "---",
            "hide: [toc]",  # the tables need the width more than two links do
            "---",
            f"# {name}",
            "",
            "*Generated from `schema.json` and the args' docstrings when the site is built.* Each input is *plain* "
            "(known when the program runs) or an *Input* (also another resource's output).",
            "",
            str(resource.get("description", "")),
            "",
            "| language | how to name it |",
            "|---|---|",
            f"| Python | `from {self.modules[name]} import {name}`; `{name}(name, {{...}})` with snake_case keys |",
            f"| TypeScript | `new blueprints.{name}(name, {{...}})` with `blueprints` the SDK `pulumi package add` "
            "generates (`@metaflow/metaflow-blueprints`), camelCase properties |",
            f"| Go | `New{name}(ctx, name, &{name}Args{{...}})`, Title-cased fields |",
            f"| YAML | `type: {token}`, camelCase properties |",
            "",
            "## Inputs",
            "",
            *inputs,
            "",
            "## Outputs",
            "",
            *outputs,
            "",
        ]
        return "\n".join(lines)

    def types_page(self) -> str:
        """Every shared object and enum type."""
        lines = [
            "# Shared types",
            "",
            "*Generated from `schema.json` and the args' docstrings when the site is built.* Object types are "
            "Python TypedDicts (dicts in Python, objects in TypeScript and YAML, `<Type>Args` structs in Go); enum "
            "types are Python `str` enums whose values every other language writes as strings.",
            "",
        ]
        for token, definition in sorted(self.schema["types"].items(), key=lambda item: _short(item[0])):
            name = _short(token)
            lines += [f"## {name}", "", str(definition.get("description", "")), ""]
            if "enum" in definition:
                lines += ["| value | description |", "|---|---|"]
                for member in definition["enum"]:
                    lines.append(f"| `{member['value']}` | {table_cell(str(member.get('description', '')))} |")
            else:
                lines += self.property_table(
                    definition.get("properties", {}),
                    definition.get("required", []),
                    self.names.types[name],
                    "types.md",
                    inputs=True,
                )
            lines.append("")
        return "\n".join(lines)

    def index_page(self) -> str:
        """The list of blueprints and the naming rules."""
        lines = [
            "# Reference",
            "",
            "Every input and output of every blueprint, generated from `schema.json` (the schema the "
            "multi-language provider serves, itself inferred from the Python args) when the site is built, so it "
            "cannot drift from the code. Each property is listed with the name each language uses: Python takes the "
            "args' snake_case keys, TypeScript and YAML the schema's camelCase names, Go the Title-cased names of "
            "Pulumi's Go code generator.",
            "",
            "A *plain* property must be known when the program runs (a literal or a config value); an *Input* "
            "property also takes another resource's output, checked once its value is known.",
            "",
            "| blueprint | Python module | description |",
            "|---|---|---|",
        ]
        for token, resource in self.schema["resources"].items():
            name = _short(token)
            summary = str(resource.get("description", "")).split("\n", 1)[0]
            lines.append(f"| [{name}]({name}.md) | `{self.modules[name]}` | {table_cell(summary)} |")
        lines += ["", "Shared object and enum types: [Shared types](types.md).", ""]
        return "\n".join(lines)

    def pages(self) -> Iterator[tuple[str, str]]:
        """(path under docs/, markdown) for every reference page."""
        yield "reference/index.md", self.index_page()
        for token in self.schema["resources"]:
            yield f"reference/{_short(token)}.md", self.component_page(token)
        yield "reference/types.md", self.types_page()


class StaleSchemaError(Exception):
    """`schema.json` differs from the schema the provider serves."""


def reference_pages(schema_path: Path = ROOT / "schema.json") -> ReferencePages:
    """The reference of the committed schema, which must be the one the provider serves."""
    provider = blueprint_provider()
    committed = schema_path.read_text(encoding="utf-8")
    if committed != schema_json(provider):
        raise StaleSchemaError(
            f"{schema_path.name} is not the schema the provider serves: regenerate it with "
            "`.venv/bin/python -m pulumi_metaflow_blueprints.provider --schema > schema.json`"
        )
    modules = {cls.__name__: cls.__module__.rsplit(".", 1)[0] for cls in blueprint_classes()}
    return ReferencePages(json.loads(committed), python_names(provider), modules)
