"""The `metaflow-blueprints` multi-language component provider: every blueprint, usable from any Pulumi language.

`pulumi package add <this repository or path>` reads `PulumiPlugin.yaml`, installs `requirements.txt` into the
plugin's `venv`, and runs the root `__main__.py`, which calls `main()`. The schema is inferred from the blueprints'
typed args; regenerate the committed copy with `python -m pulumi_metaflow_blueprints.provider --schema > schema.json`.
"""

import importlib
import importlib.metadata
import inspect
import json
import sys
import typing
from enum import Enum
from types import ModuleType

import pulumi

PACKAGE_NAME = "metaflow-blueprints"
"""The Pulumi package name: type tokens are `metaflow-blueprints:index:<Blueprint>`."""
NAMESPACE = "metaflow"
"""Keeps generated SDKs apart from this package: Python `metaflow_metaflow_blueprints`, npm `@metaflow/...`."""
DISTRIBUTION = "pulumi-metaflow-blueprints"
BLUEPRINT_MODULES = ("aws", "gcp", "webhooks", "snowflake")
"""The subpackages whose `__all__` lists blueprints (ComponentResource classes) and their argument types."""


def package_version() -> str:
    """The installed distribution's version (the plugin and schema version)."""
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        from pulumi_metaflow_blueprints import __version__

        return __version__


def blueprint_modules() -> list[ModuleType]:
    """Every blueprint subpackage that exists; one not written yet is skipped, any other import error raises."""
    modules: list[ModuleType] = []
    for short in BLUEPRINT_MODULES:
        name = f"{__package__}.{short}"
        try:
            modules.append(importlib.import_module(name))
        except ModuleNotFoundError as error:
            if error.name != name:
                raise
    return modules


def all_components() -> list[type[pulumi.ComponentResource]]:
    """The ComponentResource classes the blueprint subpackages export in `__all__`, in module then export order."""
    components: list[type[pulumi.ComponentResource]] = []
    for module in blueprint_modules():
        for export in getattr(module, "__all__", ()):
            value = getattr(module, export)
            if inspect.isclass(value) and issubclass(value, pulumi.ComponentResource) and value not in components:
                components.append(value)
    return components


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


def schema_json() -> str:
    """The package schema the provider serves, as committed in `schema.json` (indented, trailing newline)."""
    from pulumi.provider.experimental.component import ComponentProvider

    provider = ComponentProvider(served_components(), PACKAGE_NAME, NAMESPACE, package_version())
    return json.dumps(json.loads(provider.schema or "{}"), indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    """Serve the blueprints over Pulumi's provider protocol (`<engine address>`), or print the schema (`--schema`)."""
    if sys.argv[1:] == ["--schema"]:
        sys.stdout.write(schema_json())
        return
    from pulumi.provider.experimental import component_provider_host

    component_provider_host(served_components(), name=PACKAGE_NAME, namespace=NAMESPACE, version=package_version())


if __name__ == "__main__":
    main()
