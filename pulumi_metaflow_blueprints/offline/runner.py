"""Run a Pulumi Python program under recording mocks and collect every registered resource."""

import gc
import json
import os
import runpy
import sys
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pulumi
import yaml
from pulumi.runtime import mocks, settings
from pulumi.runtime.stack import run_pulumi_func
from pulumi.runtime.sync_await import _sync_await

from pulumi_metaflow_blueprints.offline import placeholders

SECRET_KEY = "4dabf18193072939515e22adb298388d"
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"


def is_secret(value: Any) -> bool:
    """Whether a wire-form value is a wrapped Pulumi secret."""
    return isinstance(value, dict) and value.get(SECRET_KEY) == SECRET_SIG


def reveal(value: Any) -> Any:
    """Unwrap every secret (for checks that need the value); numbers that are whole become ints."""
    if is_secret(value):
        return reveal(value["value"])
    if isinstance(value, dict):
        return {k: reveal(v) for k, v in value.items()}
    if isinstance(value, list):
        return [reveal(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def mask(value: Any) -> Any:
    """Replace every secret with "[secret]" (for anything written out or printed)."""
    if is_secret(value):
        return "[secret]"
    if isinstance(value, dict):
        return {k: mask(v) for k, v in value.items()}
    if isinstance(value, list):
        return [mask(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@dataclass
class Registration:
    """One resource the program registered, with its inputs in wire form."""

    urn: str
    type: str
    name: str
    parent: str
    custom: bool
    inputs: dict[str, Any]

    @property
    def plain_inputs(self) -> dict[str, Any]:
        """Inputs with secrets unwrapped and whole floats as ints."""
        return reveal(self.inputs)


@dataclass
class ProgramRun:
    """Everything one offline run registered, in registration order."""

    project: str
    stack: str
    registrations: list[Registration] = field(default_factory=list)

    def of_type(self, type_: str) -> list[Registration]:
        """Registrations of one type token."""
        return [r for r in self.registrations if r.type == type_]

    def named(self, name: str) -> Registration:
        """The registration with this logical name."""
        found = [r for r in self.registrations if r.name == name]
        if len(found) != 1:
            raise KeyError(f"{len(found)} resources named {name!r}")
        return found[0]

    def children_of(self, parent: Registration) -> list[Registration]:
        """Direct children of a registration."""
        return [r for r in self.registrations if r.parent == parent.urn]

    def custom_resources(self, kind: str) -> list[Registration]:
        """Kubernetes custom resources of one kind (EventSource, Sensor)."""
        return self.of_type(f"kubernetes:argoproj.io/v1alpha1:{kind}")


class RecordingMonitor(mocks.MockMonitor):
    """A mock monitor that also records each registration's parent and raw inputs."""

    def __init__(self, run: ProgramRun, recorder: mocks.Mocks) -> None:
        super().__init__(recorder)
        self.run = run

    def RegisterResource(self, request: Any) -> Any:
        response = super().RegisterResource(request)
        if request.type != "pulumi:pulumi:Stack":
            from pulumi.runtime import rpc

            inputs = rpc.deserialize_properties(request.object)
            self.run.registrations.append(
                Registration(response.urn, request.type, request.name, request.parent, bool(request.custom), inputs)
            )
        return response


class PlaceholderMocks(mocks.Mocks):
    """Mocks that answer like a provider would, with clearly marked placeholder values.

    With ``computed=False`` they return only the inputs, so every attribute the cloud computes stays unknown,
    exactly as in a real `pulumi preview` of a new stack.
    """

    def __init__(self, computed: bool = True) -> None:
        self.computed = computed

    def new_resource(self, args: mocks.MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        if not args.custom:
            return None, {}
        if not self.computed:
            return None, dict(args.inputs)  # no id and no computed attribute: both unknown, as in a real preview
        return placeholders.resource_state(args.typ, args.name, args.inputs)

    def call(self, args: mocks.MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        return placeholders.invoke_result(args.token, args.args), []


def run_program(
    program: Callable[[], Any],
    *,
    project: str = "metaflow-blueprints",
    stack: str = "offline",
    config: Mapping[str, str] | None = None,
    computed: bool = True,
) -> ProgramRun:
    """Run ``program`` under the placeholder mocks, as a preview, and return what it registered."""
    run = ProgramRun(project, stack)
    recorder = PlaceholderMocks(computed)
    state: Any = settings.SETTINGS  # the SDK types this context-local as its getter
    state.rpc_manager.clear()
    state.outputs.clear()
    settings.set_root_resource(None)  # type: ignore[arg-type]
    pulumi.runtime.set_all_config(dict(config or {}))
    mocks.set_mocks(recorder, project=project, stack=stack, preview=True, monitor=RecordingMonitor(run, recorder))

    def body() -> None:
        result = program()
        if result is not None:
            _sync_await(pulumi.Output.from_input(result).future())

    with fewer_collections():
        _sync_await(run_pulumi_func(body))
    return run


@contextmanager
def fewer_collections(threshold: int = 100_000) -> Iterator[None]:
    """Run the cyclic garbage collector less often while a program runs (restored after).

    Pulumi's runtime allocates many short-lived objects per resource; at Python's default threshold (700) the
    collector took 40% of an offline run and grew with the number of resources (benchmarks/README.md).
    """
    before = gc.get_threshold()
    gc.set_threshold(threshold, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


def config_text(value: Any) -> str:
    """A config value as the Pulumi CLI stores it: text, `true`/`false`, numbers as written, objects as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value)


def load_project(program_dir: Path) -> tuple[str, dict[str, str]]:
    """The project name and the config defaults `Pulumi.yaml` declares (keys namespaced by project)."""
    manifest = program_dir / "Pulumi.yaml"
    if not manifest.is_file():
        raise FileNotFoundError(f"{program_dir} has no Pulumi.yaml")
    data = yaml.safe_load(manifest.read_text()) or {}
    name = str(data.get("name") or program_dir.name)
    defaults: dict[str, str] = {}
    for key, spec in (data.get("config") or {}).items():
        value = spec.get("default", spec.get("value")) if isinstance(spec, dict) else spec
        if value is not None:
            full = key if ":" in key else f"{name}:{key}"
            defaults[full] = config_text(value)
    return name, defaults


def run_program_dir(
    program_dir: str | os.PathLike[str], config: Mapping[str, str] | None = None, stack: str = "offline"
) -> ProgramRun:
    """Run a Pulumi Python program folder (`Pulumi.yaml` + `__main__.py`) offline."""
    folder = Path(program_dir).resolve()
    project, defaults = load_project(folder)
    values = dict(defaults)
    for key, value in (config or {}).items():
        values[key if ":" in key else f"{project}:{key}"] = value
    manifest = yaml.safe_load((folder / "Pulumi.yaml").read_text()) or {}
    if manifest.get("main"):
        folder = (folder / str(manifest["main"])).resolve()
    main = folder / "__main__.py"
    if not main.is_file():
        raise FileNotFoundError(f"{folder} has no __main__.py")
    sys.path.insert(0, str(folder))
    cwd = Path.cwd()
    try:
        os.chdir(folder)
        return run_program(
            lambda: runpy.run_path(str(main), run_name="__main__"), project=project, stack=stack, config=values
        )
    finally:
        os.chdir(cwd)
        sys.path.remove(str(folder))
