"""Run a Pulumi Python program under recording mocks and collect every registered resource.

The SDK is driven through its public unit-testing API (`pulumi.runtime.reset_options`, `set_mocks`, `Mocks`, `test`);
what that API does not cover sits in `offline._sdk`, pinned by tests/test_sdk_contract.py.
"""

import asyncio
import gc
import json
import os
import runpy
import sys
import traceback
from collections.abc import Callable, Generator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeGuard

import pulumi.runtime
import yaml
from pulumi.runtime import MockCallArgs, MockResourceArgs, Mocks

from pulumi_metaflow_blueprints.argo.spec import is_dict, is_list, mapping
from pulumi_metaflow_blueprints.errors import ArgoSpecError, BlueprintInputError
from pulumi_metaflow_blueprints.offline import placeholders
from pulumi_metaflow_blueprints.offline._sdk import (
    SECRET_KEY,
    SECRET_SIG,
    RecordingMonitor,
    call_args,
    resource_inputs,
    run_test,
    runtime_loop,
    without_stack_traces,
)

__all__ = [
    "SECRET_KEY",
    "SECRET_SIG",
    "PlaceholderMocks",
    "ProgramDirError",
    "ProgramError",
    "ProgramRun",
    "Registration",
    "is_secret",
    "load_project",
    "mask",
    "one_line",
    "reveal",
    "run_program",
    "run_program_dir",
]


def is_secret(value: object) -> TypeGuard[dict[str, object]]:
    """Whether a wire-form value is a wrapped Pulumi secret."""
    return is_dict(value) and value.get(SECRET_KEY) == SECRET_SIG


def reveal(value: object) -> Any:
    """Unwrap every secret (for checks that need the value); numbers that are whole become ints."""
    if is_secret(value):
        return reveal(value["value"])
    if is_dict(value):
        return {k: reveal(v) for k, v in value.items()}
    if is_list(value):
        return [reveal(v) for v in value]
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def mask(value: object, hidden: bool = False) -> Any:
    """Replace every value inside a secret with "[secret]" (for anything written out or printed).

    Only the leaves are replaced: a secret object or list keeps its keys and shape (a Kubernetes Secret shows
    `stringData: {token: "[secret]"}`), and a secret string is "[secret]" as a whole.
    """
    if is_secret(value):
        return mask(value["value"], hidden=True)
    if is_dict(value):
        return {k: mask(v, hidden) for k, v in value.items()}
    if is_list(value):
        return [mask(v, hidden) for v in value]
    if hidden:
        return "[secret]"
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
    registrations: list[Registration] = field(default_factory=list[Registration])

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


class PlaceholderMocks(Mocks):
    """Mocks that answer like a provider would, with clearly marked placeholder values.

    With ``computed=False`` they return only the inputs, so every attribute the cloud computes stays unknown,
    exactly as in a real `pulumi preview` of a new stack.
    """

    def __init__(self, computed: bool = True) -> None:
        self.computed = computed

    def new_resource(self, args: MockResourceArgs) -> tuple[str | None, dict[Any, Any]]:
        if not args.custom:
            return None, {}
        if not self.computed:  # no id and no computed attribute: both unknown, as in a real preview
            return None, dict(resource_inputs(args))
        return placeholders.resource_state(args.typ, args.name, resource_inputs(args))

    def call(self, args: MockCallArgs) -> tuple[dict[Any, Any], list[tuple[str, str]] | None]:
        return placeholders.invoke_result(args.token, call_args(args)), []


class ProgramDirError(ValueError):
    """The folder is not a Pulumi Python program the offline runner can run; the message says why and what to do."""


class ProgramError(Exception):
    """The program raised ``error``; ``location`` is the innermost `file:line` inside the program folder, if any."""

    def __init__(self, error: Exception, location: str = "") -> None:
        self.error = error
        self.location = location
        text = one_line(error.msg if isinstance(error, SyntaxError) else _without_wrapping(str(error)))
        detail = f": {text}" if text else ""
        where = f" (at {location})" if location else ""
        super().__init__(f"the program failed: {type(error).__name__}{detail}{where}")


def _without_wrapping(text: str) -> str:
    """Pulumi's message for a failed registration, without the middle lines it adds per nesting level.

    `While processing resource: 'x', type: ...` / `ValueError has risen: While processing input: 'data', ... value
    {... <pulumi.output.Output object at 0x...>}` / `ValueError has risen: <the error>`: the first and last lines.
    """
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > 2 and lines[0].startswith("While processing resource:"):
        return "\n".join([lines[0], lines[-1]])
    return text


def one_line(text: str) -> str:
    """A message on one line: its non-blank lines stripped and joined with "; "."""
    return "; ".join(line.strip() for line in text.splitlines() if line.strip())


def run_program(
    program: Callable[[], Any],
    *,
    project: str = "metaflow-blueprints",
    stack: str = "offline",
    config: Mapping[str, str] | None = None,
    computed: bool = True,
) -> ProgramRun:
    """Run ``program`` under the placeholder mocks, as a preview, and return what it registered.

    When the program raises, the error propagates after the registrations still in flight are cancelled, so the
    next run in this process starts clean.
    """
    run = ProgramRun(project, stack)
    recorder = PlaceholderMocks(computed)

    def record(urn: str, type_: str, name: str, parent: str, custom: bool, inputs: dict[str, Any]) -> None:
        run.registrations.append(Registration(urn, type_, name, parent, custom, inputs))

    with fewer_collections(), without_stack_traces(), cancelled_on_failure():
        pulumi.runtime.reset_options(project=project, stack=stack, preview=True)  # a new root stack, no RPCs pending
        pulumi.runtime.set_all_config(dict(config or {}))
        monitor = RecordingMonitor(recorder, record)
        pulumi.runtime.set_mocks(recorder, project=project, stack=stack, preview=True, monitor=monitor)
        run_test(program)  # runs it, awaits what it returns and every registration, re-raises its error
    return run


@contextmanager
def cancelled_on_failure() -> Generator[None, None, None]:
    """On an error, cancel every task still pending on the runtime's event loop (then re-raise).

    Pulumi re-raises the first failed registration while others are still in flight; left pending, they would
    resume inside the next program's run. From then on the loop does not log "Future exception was never retrieved"
    either: those are the failed registrations' output futures, carrying the error already raised.
    """
    loop = runtime_loop()
    try:
        yield
    except BaseException:
        loop.set_exception_handler(_unretrieved_futures_quiet)
        pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
        for task in pending:
            task.cancel()
        if pending and not loop.is_running():
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        raise


def _unretrieved_futures_quiet(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    """Asyncio's exception handler, minus "Future exception was never retrieved" (the run already raised it)."""
    if context.get("message") != "Future exception was never retrieved":
        loop.default_exception_handler(context)


@contextmanager
def fewer_collections(threshold: int = 100_000) -> Generator[None, None, None]:
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


def config_text(value: object) -> str:
    """A config value as the Pulumi CLI stores it: text, `true`/`false`, numbers as written, objects as JSON."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return str(value)
    return json.dumps(value)


def read_manifest(program_dir: Path) -> dict[str, Any]:
    """`Pulumi.yaml` of a program folder: a mapping with a `name` (ProgramDirError when it is not)."""
    if not program_dir.is_dir():
        raise ProgramDirError(
            f"{program_dir} is not a folder" if program_dir.exists() else f"{program_dir} does not exist"
        )
    path = program_dir / "Pulumi.yaml"
    if not path.is_file():
        raise ProgramDirError(f"{program_dir} has no Pulumi.yaml: give the folder of a Pulumi Python program")
    try:
        data = yaml.safe_load(path.read_text())
    except yaml.YAMLError as error:
        raise ProgramDirError(f"{path} is not valid YAML: {_yaml_problem(error)}") from error
    except (OSError, UnicodeDecodeError) as error:
        raise ProgramDirError(f"cannot read {path}: {one_line(str(error))}") from error
    if not is_dict(data):
        raise ProgramDirError(f"{path} must be a mapping (name:, runtime:, ...), not {type(data).__name__}")
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ProgramDirError(f"{path} has no project name: add `name: <project>`")
    if not isinstance(data.get("config") or {}, dict):
        raise ProgramDirError(f"{path}: `config` must be a mapping of KEY: {{default: VALUE}}")
    return data


def _yaml_problem(error: yaml.YAMLError) -> str:
    """What the YAML parser objects to, with its line and column when it knows them."""
    mark = getattr(error, "problem_mark", None)
    where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark else ""
    return f"{one_line(str(getattr(error, 'problem', None) or error))}{where}"


def project_config(manifest: Mapping[str, Any]) -> tuple[str, dict[str, str]]:
    """The project name and the config defaults a manifest declares (keys namespaced by project)."""
    name = str(manifest["name"])
    defaults: dict[str, str] = {}
    for key, spec in mapping(manifest.get("config")).items():
        value = spec.get("default", spec.get("value")) if is_dict(spec) else spec
        if value is not None:
            full = key if ":" in key else f"{name}:{key}"
            defaults[full] = config_text(value)
    return name, defaults


def load_project(program_dir: Path) -> tuple[str, dict[str, str]]:
    """The project name and the config defaults `Pulumi.yaml` declares (keys namespaced by project)."""
    return project_config(read_manifest(Path(program_dir)))


def program_main(program_dir: Path, manifest: Mapping[str, Any]) -> Path:
    """The file a Python program runs: `main:` (a file or a folder) or `__main__.py` (ProgramDirError if none)."""
    runtime = manifest.get("runtime")
    language = runtime.get("name") if is_dict(runtime) else runtime
    if language != "python":
        raise ProgramDirError(_not_python(program_dir, language))
    target = program_dir / str(manifest.get("main") or ".")
    main = target if target.is_file() else target / "__main__.py"
    if not main.is_file():
        raise ProgramDirError(f"{target} has no __main__.py: a Pulumi Python program runs its __main__.py")
    return main.resolve()


def _not_python(program_dir: Path, language: object) -> str:
    """Why a program of another language (or of none) does not run offline, and what does."""
    names: dict[object, object] = {"yaml": "YAML", "nodejs": "Node.js", "go": "Go", "dotnet": ".NET", "java": "Java"}
    shown = names.get(language, language)
    what = f"is a Pulumi {shown} program (runtime: {language})" if language else "has no runtime in Pulumi.yaml"
    return (
        f"{program_dir} {what}; only Pulumi Python programs (runtime: python, with __main__.py) run offline, "
        "like examples/s3-to-flow"
    )


def run_program_dir(
    program_dir: str | os.PathLike[str], config: Mapping[str, str] | None = None, stack: str = "offline"
) -> ProgramRun:
    """Run a Pulumi Python program folder (`Pulumi.yaml` + `__main__.py`) offline.

    Raises ProgramDirError when the folder is not such a program, and ProgramError when the program raises
    (a BlueprintInputError or ArgoSpecError propagates as it is).
    """
    folder = Path(program_dir)
    manifest = read_manifest(folder)
    project, defaults = project_config(manifest)
    values = dict(defaults)
    for key, value in (config or {}).items():
        values[key if ":" in key else f"{project}:{key}"] = value
    main = program_main(folder, manifest)
    try:
        return _run_main(main, project, stack, values)
    except (BlueprintInputError, ArgoSpecError):
        raise
    except Exception as error:
        raise ProgramError(error, failure_location(error, main.parent)) from error


def _run_main(main: Path, project: str, stack: str, config: Mapping[str, str]) -> ProgramRun:
    """Run one `__main__.py` from its folder, with that folder importable (cwd and sys.path restored after)."""
    folder = str(main.parent)
    sys.path.insert(0, folder)
    cwd = Path.cwd()
    try:
        os.chdir(folder)
        return run_program(
            lambda: runpy.run_path(str(main), run_name="__main__"), project=project, stack=stack, config=config
        )
    finally:
        os.chdir(cwd)
        if folder in sys.path:
            sys.path.remove(folder)


def failure_location(error: BaseException, folder: Path) -> str:
    """`file:line` of the innermost frame inside ``folder`` of the error's root-most cause that has one ("" if none)."""
    found = ""
    for link in _causes(error):
        found = _innermost_in(link, folder) or found
    return found


def _causes(error: BaseException) -> list[BaseException]:
    """The error, then what caused it, and so on (each once)."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and not any(current is seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or current.__context__
    return chain


def _innermost_in(error: BaseException, folder: Path) -> str:
    """`file:line` of the innermost traceback frame (or syntax error) of ``error`` inside ``folder``."""
    places = [(frame.filename, frame.lineno or 0) for frame in traceback.extract_tb(error.__traceback__)]
    if isinstance(error, SyntaxError) and error.filename:
        places.append((error.filename, error.lineno or 0))
    inside = [
        (Path(name), line) for name, line in places if Path(name).is_absolute() and Path(name).is_relative_to(folder)
    ]
    if not inside:
        return ""
    path, line = inside[-1]
    return f"{_shown(path)}:{line}"


def _shown(path: Path) -> str:
    """A path relative to the working directory when it is inside it, else absolute."""
    return str(path.relative_to(Path.cwd())) if path.is_relative_to(Path.cwd()) else str(path)
