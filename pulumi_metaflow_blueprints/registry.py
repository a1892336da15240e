"""The source registry: each source package declares itself once, and everything else reads the declarations.

A source package is a folder of this package (`aws`, `gcp`, `webhooks`, `snowflake`, ...) with a `package.py` whose
`SOURCE_PACKAGE` says:

* which blueprints (ComponentResource classes) its `__init__` exports — the package exports and the multi-language
  provider serve them;
* which Argo EventSource kinds it emits (the spec key, the type Argo writes into the event context, the controller's
  rules for one event of that kind, and how `simulate` wraps a raw payload the way that EventSource does);
* placeholders for what its cloud provider computes (ARNs, ids) and returns from data sources, for offline runs;
* the fewest resources a careful engineer would write by hand for each blueprint (`benchmarks/`).

Packages are found by looking for `<folder>/package.py`; nothing lists them. `package.py` must import no cloud SDK,
so reading the registry (as `preview`, `simulate` and the controller checks do) stays cheap.
"""

import importlib
import pkgutil
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pulumi_metaflow_blueprints.simulate.events import SampleEvent

__all__ = [
    "EventSourceKind",
    "RawEventData",
    "ResourceNeed",
    "SourcePackage",
    "blueprint_classes",
    "event_source_kinds",
    "lazy_exports",
    "source_package_names",
    "source_packages",
]

_ROOT = __name__.rsplit(".", 1)[0]


@dataclass(frozen=True)
class RawEventData:
    """What an EventSource puts in the event for a raw payload (``data``), or why it cannot be shown offline."""

    data: object = None
    notes: tuple[str, ...] = ()
    unsupported: str | None = None


@dataclass(frozen=True)
class EventSourceKind:
    """One Argo EventSource type a source package emits."""

    spec_key: str
    """Its key in the EventSource spec (`sqs`, `webhook`, `pubSub`)."""
    context_type: str
    """The `type` Argo writes into each event's context (`sqs`, `webhook`, `pubsub`)."""
    check: Callable[[Mapping[str, object], str], list[str]]
    """The controller's rules for one event of this kind: (its spec, its JSON path) -> problems."""
    wrap: "Callable[[Mapping[str, object], SampleEvent], RawEventData]"
    """(one event's spec, a `simulate.SampleEvent`) -> the event data this EventSource makes of the raw payload;
    raises ValueError when the payload cannot arrive this way."""


@dataclass(frozen=True)
class ResourceNeed:
    """One resource (or `count` of them) a hand-written program cannot do without, and why."""

    role: str
    pattern: str
    """A regular expression over resource type tokens (case-insensitive)."""
    why: str
    count: int = 1
    optional: str = ""
    """Empty when always needed; else the option that calls for it."""

    def matches(self, type_: str) -> bool:
        """Whether a registered resource of ``type_`` fills this need."""
        return re.search(self.pattern, type_, re.IGNORECASE) is not None


_ResourceState = Callable[[str, str, dict[str, Any]], tuple[str, dict[str, Any]] | None]
"""(type token, resource name, inputs) -> (id, computed attributes) for the provider's own types, else None."""
_InvokeResult = Callable[[str, dict[str, Any]], dict[str, Any] | None]
"""(function token, args) -> the data source's result for the provider's own functions, else None."""


def _no_state(type_: str, name: str, inputs: dict[str, Any]) -> None:
    return None


def _no_invoke(token: str, args: dict[str, Any]) -> None:
    return None


@dataclass(frozen=True)
class SourcePackage:
    """What one source package declares about itself (its `package.py` `SOURCE_PACKAGE`)."""

    name: str
    """The folder, and the pip extra that installs its cloud SDK."""
    blueprints: tuple[str, ...]
    """The ComponentResource classes its `__init__` exports, by name (imported only when asked for)."""
    event_sources: tuple[EventSourceKind, ...] = ()
    """The EventSource kinds it emits (a package reusing another's EventSource declares none)."""
    resource_state: _ResourceState = _no_state
    invoke_result: _InvokeResult = _no_invoke
    minimum: Mapping[str, tuple[ResourceNeed, ...]] = field(default_factory=dict[str, tuple[ResourceNeed, ...]])
    """Blueprint class name -> the resources a careful engineer would write by hand for it."""

    def module(self) -> ModuleType:
        """The package itself (imports its cloud SDK)."""
        return importlib.import_module(f"{_ROOT}.{self.name}")


@cache
def source_package_names() -> tuple[str, ...]:
    """The folders holding a `package.py`, sorted (found without importing them)."""
    root = importlib.import_module(_ROOT)
    names = {
        info.name
        for info in pkgutil.iter_modules(root.__path__)
        if info.ispkg and (Path(getattr(info.module_finder, "path", "")) / info.name / "package.py").is_file()
    }
    return tuple(sorted(names))


@cache
def source_packages() -> tuple[SourcePackage, ...]:
    """Every source package's declaration."""
    found: list[SourcePackage] = []
    for name in source_package_names():
        declared = importlib.import_module(f"{_ROOT}.{name}.package").SOURCE_PACKAGE
        if not isinstance(declared, SourcePackage) or declared.name != name:
            raise TypeError(f"{_ROOT}.{name}.package.SOURCE_PACKAGE must be SourcePackage(name={name!r}, ...)")
        found.append(declared)
    return tuple(found)


@cache
def event_source_kinds() -> dict[str, EventSourceKind]:
    """EventSource spec key -> its kind, across every source package."""
    kinds: dict[str, EventSourceKind] = {}
    for package in source_packages():
        for kind in package.event_sources:
            if kind.spec_key in kinds:
                raise TypeError(f"EventSource kind {kind.spec_key!r} is declared twice (again by {package.name!r})")
            kinds[kind.spec_key] = kind
    return kinds


def blueprint_classes() -> list[type]:
    """Every blueprint class, package by package, each package's in the order it declares them (imports every
    package's cloud SDK)."""
    return [getattr(package.module(), name) for package in source_packages() for name in package.blueprints]


def lazy_exports(package: str, exports: Mapping[str, tuple[str, ...]]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for a source package's ``__init__``: each exported name (``exports``: submodule ->
    names) is imported from its submodule on first use, so reading the package's declaration imports no cloud SDK."""
    where = {name: module for module, names in exports.items() for name in names}

    def __getattr__(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{module}"), name)

    return __getattr__
