"""The `metaflow-blueprints` multi-language component provider: every blueprint, usable from any Pulumi language.

`pulumi package add <this repository or path>` reads `PulumiPlugin.yaml`, installs `requirements.txt` into the
plugin's `venv`, and runs the root `__main__.py`, which calls `main()`. The schema is inferred from the blueprints'
typed args; regenerate the committed copy with `python -m pulumi_metaflow_blueprints.provider --schema > schema.json`.
"""

import importlib
import importlib.metadata
import inspect
import json
import re
import sys
import typing
from enum import Enum
from types import ModuleType

import pulumi
from pulumi.provider import ConstructResult
from pulumi.provider import main as serve_provider
from pulumi.provider.experimental.analyzer import (
    ComponentDefinition,
    PropertyDefinition,
    PropertyType,
    TypeDefinition,
)
from pulumi.provider.experimental.component import ComponentProvider
from pulumi.provider.experimental.util import camel_case
from pulumi.provider.server import ComponentInitError

from pulumi_metaflow_blueprints.core.blueprint import PACKAGE_NAME
from pulumi_metaflow_blueprints.errors import ArgoSpecError, BlueprintInputError
from pulumi_metaflow_blueprints.registry import blueprint_classes, source_packages

__all__ = [
    "DISTRIBUTION",
    "NAMESPACE",
    "PACKAGE_NAME",
    "BlueprintProvider",
    "all_components",
    "blueprint_modules",
    "blueprint_provider",
    "main",
    "package_version",
    "schema_json",
    "served_components",
    "tidy_docstrings",
]

NAMESPACE = "metaflow"
"""Keeps generated SDKs apart from this package: Python `metaflow_metaflow_blueprints`, npm `@metaflow/...`."""
DISTRIBUTION = "pulumi-metaflow-blueprints"
def package_version() -> str:
    """The installed distribution's version (the plugin and schema version)."""
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        from pulumi_metaflow_blueprints import __version__

        return __version__


def blueprint_modules() -> list[ModuleType]:
    """Every source package (`registry.source_packages`), imported."""
    return [package.module() for package in source_packages()]


def all_components() -> list[type[pulumi.ComponentResource]]:
    """The blueprints every source package declares, package by package (`registry.blueprint_classes`)."""
    return [cls for cls in blueprint_classes() if issubclass(cls, pulumi.ComponentResource)]


def _schema_classes(component: type) -> list[type]:
    """The component and every TypedDict and Enum its args and outputs reach (what the schema describes)."""
    roots: list[typing.Any] = [inspect.get_annotations(component.__init__).get("args")]
    roots.extend(inspect.get_annotations(component).values())
    found: list[type] = [component]
    while roots:
        hint = roots.pop()
        roots.extend(typing.get_args(hint))
        if not inspect.isclass(hint) or hint in found:
            continue
        if typing.is_typeddict(hint):
            found.append(hint)
            roots.extend(hint.__annotations__.values())
        elif issubclass(hint, Enum):
            found.append(hint)
    return found


def tidy_docstrings(components: list[type[pulumi.ComponentResource]]) -> None:
    """Dedent class docstrings (the analyzer copies them verbatim; indented lines would render as code in docs)."""
    for component in components:
        for cls in _schema_classes(component):
            if cls.__doc__:
                cls.__doc__ = inspect.cleandoc(cls.__doc__)


def served_components() -> list[type[pulumi.ComponentResource]]:
    """The components the provider hosts, docstrings tidied."""
    components = all_components()
    tidy_docstrings(components)
    return components


_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_INDEX = re.compile(r"\[\d+\]")
_PLAIN_KEY = re.compile(r"[A-Za-z0-9_]+")
"""A map key the engine's property paths write unquoted (`resource.PropertyPath.String` quotes any other)."""


class BlueprintProvider(ComponentProvider):
    """The SDK's component provider, reporting a blueprint's bad input as a Pulumi input-property error.

    A `BlueprintInputError` or `ArgoSpecError` from a blueprint's constructor reaches the engine as an
    `InputPropertiesError` (gRPC INVALID_ARGUMENT, no traceback) whose property path uses the schema's names
    (`targets[0].flow.staticParameters`); any other exception keeps the SDK's behaviour (its traceback shows).
    """

    def construct(
        self, name: str, resource_type: str, inputs: pulumi.Inputs, options: pulumi.ResourceOptions | None = None
    ) -> ConstructResult:
        try:
            return super().construct(name, resource_type, inputs, options)
        except (ComponentInitError, BlueprintInputError, ArgoSpecError) as raised:
            error = raised.inner if isinstance(raised, ComponentInitError) else raised
            if not isinstance(error, BlueprintInputError | ArgoSpecError):
                raise
            raise self.input_error(error, resource_type.rsplit(":", 1)[-1], name) from error

    def input_error(
        self, error: BlueprintInputError | ArgoSpecError, component: str, name: str
    ) -> pulumi.InputPropertiesError:
        """`error`, raised while constructing `component` `name`, as the engine's input-properties error."""
        component, name = error.component or component, error.resource_name or name
        where = f"{component} {name!r}"
        path = self.schema_path(component, error.argument) if isinstance(error, BlueprintInputError) else ""
        if not path:  # no argument to point at: the whole reason goes in the message
            return pulumi.InputPropertiesError(f"{where}: {error.reason}", [])
        return pulumi.InputPropertiesError(
            f"{where}: invalid input {path}", [{"property_path": path, "reason": error.reason}]
        )

    def schema_path(self, component: str, argument: str) -> str:
        """`argument`, a path in `component`'s Python args, in the schema's property names.

        List indexes stay, and so do the keys of a map the user wrote (`targets[0].flow.parameters.input_key`);
        other keys are quoted as the engine writes them (`kubernetes.labels["app.kubernetes.io/name"]`).
        """
        definition = self._component_defs.get(component)
        if definition is None:
            return _guess_schema_path(argument)
        return self._object_path(argument, definition.inputs, definition.inputs_mapping)

    def _object_path(self, rest: str, properties: dict[str, PropertyDefinition], mapping: dict[str, str]) -> str:
        match = _NAME.match(rest)
        schema_names = {python: schema for schema, python in mapping.items()}
        if match is None or match.group() not in schema_names:
            return _guess_schema_path(rest)
        name = schema_names[match.group()]
        return name + self._value_path(rest[match.end() :], properties[name])

    def _value_path(self, rest: str, prop: PropertyDefinition) -> str:
        """The `rest` of a path below a value `prop` describes."""
        index = _INDEX.match(rest)
        if index and prop.items is not None:
            return index.group() + self._value_path(rest[index.end() :], prop.items)
        if not rest.startswith("."):
            return rest
        if prop.additional_properties is not None:  # a map (of strings): the rest is one key the user chose
            key = rest[1:]
            return f".{key}" if _PLAIN_KEY.fullmatch(key) else '["' + key.replace('"', '\\"') + '"]'
        object_type = self._object_type(prop)
        if object_type is None:
            return rest
        return "." + self._object_path(rest[1:], object_type.properties, object_type.properties_mapping)

    def component_definitions(self) -> dict[str, ComponentDefinition]:
        """What the analyzer inferred for each component, by class name (with its schema -> Python name mappings)."""
        return dict(self._component_defs)

    def type_definitions(self) -> dict[str, TypeDefinition]:
        """What the analyzer inferred for each TypedDict and Enum, by type name."""
        return dict(self._type_defs)

    def _object_type(self, prop: PropertyDefinition) -> TypeDefinition | None:
        type_def = self.get_type_definition(prop) if prop.ref else None
        return type_def if type_def is not None and type_def.type is PropertyType.OBJECT else None


def _guess_schema_path(path: str) -> str:
    """A path with no schema to follow: every name camelCased, as the schema names properties."""
    return _NAME.sub(lambda match: camel_case(match.group()), path)


def blueprint_provider() -> BlueprintProvider:
    """The provider serving every blueprint."""
    return BlueprintProvider(served_components(), PACKAGE_NAME, NAMESPACE, package_version())


def schema_json(provider: BlueprintProvider | None = None) -> str:
    """The package schema `provider` (by default a new `blueprint_provider()`) serves, as committed in `schema.json`
    (indented, trailing newline)."""
    served = (provider or blueprint_provider()).schema
    return json.dumps(json.loads(served or "{}"), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    """Serve the blueprints over Pulumi's provider protocol (`<engine address>`), or print the schema (`--schema`).

    The body of the SDK's `component_provider_host`, serving `BlueprintProvider` instead of `ComponentProvider`.
    """
    if sys.argv[1:] == ["--schema"]:
        sys.stdout.write(schema_json())
        return
    serve_provider(blueprint_provider(), sys.argv[1:])


if __name__ == "__main__":
    main()
