"""The offline runner's hooks into the Pulumi SDK that no public API covers: the only module that touches its internals.

The runner drives a program through the SDK's public unit-testing API (`pulumi.runtime.reset_options`, `set_mocks`,
`Mocks`, `test`). What it needs beyond that API is here, each with what it relies on:

- `SECRET_KEY`/`SECRET_SIG`: how a secret looks on the wire (`Registration.inputs` keeps that form);
- `RecordingMonitor`: the mock monitor, subclassed to see each registration's parent and inputs as sent;
- `wire_value`: those inputs decoded with each secret left at its leaf;
- `runtime_loop`: the event loop the SDK runs on, to cancel what a failed program left in flight;
- `_close_at_exit`: the mock monitor's per-thread loops, closed when the process exits;
- `without_stack_traces`: no call-stack capture per registration, which no mock reads.

tests/test_sdk_contract.py pins each one, so an SDK release that breaks a hook fails a named test; CI runs it with
the oldest and the newest pulumi that pyproject.toml allows.
"""

import asyncio
import atexit
from collections.abc import Callable, Generator
from contextlib import contextmanager
from typing import Any

import pulumi.runtime
from google.protobuf import struct_pb2
from pulumi.runtime import MockCallArgs, MockResourceArgs, Mocks, rpc
from pulumi.runtime import resource as sdk_resource
from pulumi.runtime.mocks import MockMonitor
from pulumi.runtime.proto import source_pb2

__all__ = [
    "SECRET_KEY",
    "SECRET_SIG",
    "Recorder",
    "RecordingMonitor",
    "call_args",
    "resource_inputs",
    "run_test",
    "runtime_loop",
    "wire_value",
    "without_stack_traces",
]

SECRET_KEY = "4dabf18193072939515e22adb298388d"
"""The key that marks a special value (secret, asset, resource reference...) in a wire-form object.

Fixed by Pulumi's wire protocol (the same in every language SDK and the engine); the Python SDK keeps it only as the
private `pulumi.runtime.rpc._special_sig_key`, and `Registration.inputs` shows secrets in this form.
"""
SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270"
"""`SECRET_KEY`'s value in a wrapped secret: `{SECRET_KEY: SECRET_SIG, "value": ...}` (`rpc._special_secret_sig`)."""

Recorder = Callable[[str, str, str, str, bool, dict[str, Any]], None]
"""Called once per registered resource (but the stack) with its urn, type, name, parent urn, custom flag and inputs."""


class RecordingMonitor(MockMonitor):
    """The SDK's mock resource monitor, also reporting each registration's parent and inputs in wire form.

    Relies on: `set_mocks(monitor=)` (public) accepting a `pulumi.runtime.mocks.MockMonitor` (not exported by
    `pulumi.runtime`), its `RegisterResource(request)` receiving the engine's `RegisterResourceRequest` (`type`,
    `name`, `parent`, `custom`, `object`) and answering with the URN. No public API shows a registration's parent
    or its inputs as sent: `Mocks.new_resource` gets neither (its inputs have each secret moved up to the object
    around it, see `wire_value`).
    """

    def __init__(self, mocks: Mocks, record: Recorder) -> None:
        super().__init__(mocks)
        self.record = record

    def RegisterResource(self, request: Any) -> Any:
        _close_at_exit(runtime_loop())
        response = _mock_rpc("RegisterResource")(self, request)
        if request.type != "pulumi:pulumi:Stack":
            inputs = wire_value(request.object)
            self.record(response.urn, request.type, request.name, request.parent, bool(request.custom), inputs)
        return response

    def Invoke(self, request: Any) -> Any:
        _close_at_exit(runtime_loop())
        return _mock_rpc("Invoke")(self, request)

    def ReadResource(self, request: Any) -> Any:
        _close_at_exit(runtime_loop())
        return _mock_rpc("ReadResource")(self, request)


def _untyped(owner: object, attribute: str) -> Any:
    """``owner.attribute``, which the SDK leaves (partly) untyped: each caller below states the type it relies on."""
    return getattr(owner, attribute)


def _mock_rpc(name: str) -> Callable[[MockMonitor, Any], Any]:
    """`MockMonitor`'s own handler of the RPC ``name`` (the SDK leaves its requests and responses untyped)."""
    return _untyped(MockMonitor, name)


def resource_inputs(args: MockResourceArgs) -> dict[str, Any]:
    """`MockResourceArgs.inputs` (declared as a bare `dict`): the resource's inputs by property name."""
    return _untyped(args, "inputs")


def call_args(args: MockCallArgs) -> dict[str, Any]:
    """`MockCallArgs.args` (declared as a bare `dict`): the invoke's arguments by name."""
    return _untyped(args, "args")


def run_test(program: Callable[[], object]) -> None:
    """`pulumi.runtime.test(program)()` (its wrapper is untyped): run ``program`` under the mocks, await what it
    returns and every registration, and re-raise its error."""
    _untyped(pulumi.runtime, "test")(program)()


_WORKER_LOOPS: set[asyncio.AbstractEventLoop] = set()


def _close_at_exit(loop: asyncio.AbstractEventLoop) -> None:
    """Close this loop when the process exits.

    The SDK answers each mocked RPC on a worker thread of the runtime loop's default executor, and the mock monitor
    gives each such thread its own event loop (`_ensure_event_loop`), which nothing closes. Left to the garbage
    collector at exit, a loop sometimes outlives its own socket and prints "Exception ignored in: BaseEventLoop.__del__
    ... Invalid file descriptor: -1" after the command's last line.
    """
    _WORKER_LOOPS.add(loop)


@atexit.register
def _close_worker_loops() -> None:
    """Close the worker threads' loops (atexit runs after the executor's threads were joined)."""
    for loop in list(_WORKER_LOOPS):
        if not loop.is_running():
            loop.close()


def wire_value(value: Any) -> Any:
    """A protobuf property value as Python, each secret kept where the program put it.

    Relies on: `pulumi.runtime.rpc.deserialize_property` for every value but objects and lists (an unknown is
    `pulumi.output.Unknown` in a preview). `rpc.deserialize_properties`, what the mocks see, moves a secret up to the
    object or list around it (so a spec with one secret string would read as one secret spec); this keeps the wire
    form, and decodes everything else as it does.
    """
    if isinstance(value, struct_pb2.ListValue):
        return [wire_value(item) for item in value]
    if not isinstance(value, struct_pb2.Struct):
        return rpc.deserialize_property(value)
    if SECRET_KEY in value and value[SECRET_KEY] == SECRET_SIG:
        return {SECRET_KEY: SECRET_SIG, "value": wire_value(value["value"])}
    if SECRET_KEY in value:  # an asset, archive, resource reference or output value
        return rpc.deserialize_property(value)
    decoded = {key: wire_value(item) for key, item in value.items()}
    return {key: item for key, item in decoded.items() if item is not None}


def runtime_loop() -> asyncio.AbstractEventLoop:
    """The asyncio loop the SDK runs programs on: this thread's current loop (created and set if there is none).

    Relies on: the SDK running every program, registration and output on the calling thread's current event loop
    (`pulumi.runtime.sync_await._ensure_event_loop`, private), so that after a failed run the registrations still
    in flight can be cancelled there. No public API names that loop; this finds it as the SDK does.
    """
    try:
        return asyncio.get_event_loop()
    except RuntimeError:  # no current loop in this thread (Python 3.14 no longer creates one)
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        return loop


_STACK_TRACE_HOOK = "_get_stack_trace"
"""The private `pulumi.runtime.resource` function `without_stack_traces` swaps out."""


@contextmanager
def without_stack_traces() -> Generator[None, None, None]:
    """While a program runs offline, register each resource without capturing the Python call stack (restored after).

    Relies on: `pulumi.runtime.resource._get_stack_trace` (private), which the SDK calls by that module-global name
    for every registration and read, to send the engine the program's call stack and source position for its
    diagnostics. The mock monitor reads neither; the capture walks the whole stack each time, making a URI of every
    frame's file: 12-14% of the Python calls of an offline run of the benchmark programs (benchmarks/README.md),
    more the deeper the calls that create the resource.
    """
    capture: object = getattr(sdk_resource, _STACK_TRACE_HOOK)
    setattr(sdk_resource, _STACK_TRACE_HOOK, _no_stack_trace)
    try:
        yield
    finally:
        setattr(sdk_resource, _STACK_TRACE_HOOK, capture)


def _no_stack_trace() -> source_pb2.StackTrace:
    """An empty stack trace: the request then carries no source position either."""
    return source_pb2.StackTrace()
