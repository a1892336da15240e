"""Test harness for the multi-language provider: the plugin process started as the engine starts it, a fake engine,
and a resource monitor that records registrations and answers with the offline placeholders.

The Python language host runs a source plugin as `python <plugin folder> <engine address> [flags]` (the folder's
`__main__.py`); the provider prints its gRPC port on stdout. No Pulumi CLI is involved.
"""

import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent import futures
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import grpc
from google.protobuf import empty_pb2, struct_pb2
from pulumi.runtime import rpc
from pulumi.runtime.proto import (
    engine_pb2,
    engine_pb2_grpc,
    errors_pb2,
    provider_pb2,
    provider_pb2_grpc,
    resource_pb2,
    resource_pb2_grpc,
    status_pb2,
)

from pulumi_metaflow_blueprints.offline import Registration, placeholders

REPO = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT_SECONDS = 60.0

# What the offline mock monitor supports: everything but `outputValues`, so inputs arrive as plain values.
MONITOR_FEATURES = [
    resource_pb2.RESOURCE_MONITOR_FEATURE_SECRETS,
    resource_pb2.RESOURCE_MONITOR_FEATURE_RESOURCE_REFERENCES,
    resource_pb2.RESOURCE_MONITOR_FEATURE_ALIAS_SPECS,
    resource_pb2.RESOURCE_MONITOR_FEATURE_DELETED_WITH,
    resource_pb2.RESOURCE_MONITOR_FEATURE_TRANSFORMS,
    resource_pb2.RESOURCE_MONITOR_FEATURE_INVOKE_TRANSFORMS,
    resource_pb2.RESOURCE_MONITOR_FEATURE_PARAMETERIZATION,
]


def to_struct(value: dict[str, Any]) -> struct_pb2.Struct:
    """A plain JSON-like dict as a protobuf Struct (numbers become doubles, as on the wire)."""
    struct = struct_pb2.Struct()
    struct.update(value)
    return struct


def stack_urn(project: str, stack: str) -> str:
    """The URN of the stack resource, as the offline runner names it."""
    return f"urn:pulumi:{stack}::{project}::pulumi:pulumi:Stack::{project}-{stack}"


class FakeEngine(engine_pb2_grpc.EngineServicer):
    """The engine's logging and root-resource endpoints; records log messages."""

    def __init__(self) -> None:
        self.logs: list[tuple[int, str]] = []
        self.root = ""

    def Log(self, request: Any, context: Any) -> empty_pb2.Empty:
        self.logs.append((request.severity, request.message))
        return empty_pb2.Empty()

    def GetRootResource(self, request: Any, context: Any) -> engine_pb2.GetRootResourceResponse:
        return engine_pb2.GetRootResourceResponse(urn=self.root)

    def SetRootResource(self, request: Any, context: Any) -> engine_pb2.SetRootResourceResponse:
        self.root = request.urn
        return engine_pb2.SetRootResourceResponse()


@dataclass
class RecordingMonitor(resource_pb2_grpc.ResourceMonitorServicer):
    """A resource monitor that records every registration and answers like `offline.run_program`'s mocks."""

    project: str
    stack: str
    registrations: list[Registration] = field(default_factory=list)
    invokes: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def make_urn(self, parent: str, type_: str, name: str) -> str:
        qualified = type_
        if parent:
            qualified = parent.split("::")[2].split("$")[-1] + "$" + type_
        return f"urn:pulumi:{self.stack}::{self.project}::{qualified}::{name}"

    def GetDeploymentInfo(self, request: Any, context: Any) -> resource_pb2.DeploymentInfo:
        return resource_pb2.DeploymentInfo(supportedFeatures=MONITOR_FEATURES)

    def SupportsFeature(self, request: Any, context: Any) -> resource_pb2.SupportsFeatureResponse:
        return resource_pb2.SupportsFeatureResponse(hasSupport=request.id != "outputValues")

    def RegisterResource(self, request: Any, context: Any) -> resource_pb2.RegisterResourceResponse:
        urn = self.make_urn(request.parent, request.type, request.name)
        inputs = rpc.deserialize_properties(request.object)
        with self.lock:
            self.registrations.append(
                Registration(urn, request.type, request.name, request.parent, bool(request.custom), inputs)
            )
        if not request.custom:
            return resource_pb2.RegisterResourceResponse(urn=urn)
        resource_id, state = placeholders.resource_state(request.type, request.name, inputs)
        return resource_pb2.RegisterResourceResponse(urn=urn, id=resource_id, object=to_struct(state))

    def RegisterResourceOutputs(self, request: Any, context: Any) -> empty_pb2.Empty:
        return empty_pb2.Empty()

    def Invoke(self, request: Any, context: Any) -> resource_pb2.ResourceInvokeResponse:
        with self.lock:
            self.invokes.append(request.tok)
        result = placeholders.invoke_result(request.tok, rpc.deserialize_properties(request.args))
        response = resource_pb2.ResourceInvokeResponse()
        getattr(response, "return").CopyFrom(to_struct(result))  # `return` is a Python keyword
        return response

    def RegisterPackage(self, request: Any, context: Any) -> resource_pb2.RegisterPackageResponse:
        return resource_pb2.RegisterPackageResponse(ref=f"package-{request.name}")

    def SignalAndWaitForShutdown(self, request: Any, context: Any) -> empty_pb2.Empty:
        return empty_pb2.Empty()


def serve(add: Callable[[Any, grpc.Server], None], servicer: Any) -> tuple[grpc.Server, str]:
    """Start a gRPC server for one servicer on a free loopback port; return it and its address."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=8))
    add(servicer, server)
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    return server, f"127.0.0.1:{port}"


@dataclass
class ProviderProcess:
    """The running plugin and a client for its `ResourceProvider` service."""

    process: subprocess.Popen[bytes]
    stderr: Any
    channel: grpc.Channel
    stub: provider_pb2_grpc.ResourceProviderStub
    startup_seconds: float

    def stop(self) -> None:
        self.channel.close()
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)
        self.stderr.close()

    def stderr_text(self) -> str:
        """What the plugin wrote to stderr so far."""
        self.stderr.seek(0)
        return self.stderr.read().decode(errors="replace")


def start_provider(engine_address: str, plugin_dir: Path = REPO) -> ProviderProcess:
    """Run `python <plugin_dir> <engine address>` as the language host does and connect to the port it prints."""
    started = time.monotonic()
    stderr = tempfile.TemporaryFile()  # noqa: SIM115 (outlives this call; ProviderProcess.stop closes it)
    process = subprocess.Popen(
        [sys.executable, str(plugin_dir), engine_address, "--logtostderr"],
        cwd=plugin_dir,
        stdout=subprocess.PIPE,
        stderr=stderr,
    )
    assert process.stdout is not None
    lines: list[bytes] = []
    reader = threading.Thread(target=lambda: lines.append(process.stdout.readline()), daemon=True)  # type: ignore[union-attr]
    reader.start()
    reader.join(STARTUP_TIMEOUT_SECONDS)
    if not lines or not lines[0].strip().isdigit():
        process.kill()
        process.wait(timeout=10)
        stderr.seek(0)
        raise RuntimeError(f"provider printed no port: {lines!r}\n{stderr.read().decode(errors='replace')}")
    port = int(lines[0])
    channel = grpc.insecure_channel(f"127.0.0.1:{port}")
    grpc.channel_ready_future(channel).result(timeout=STARTUP_TIMEOUT_SECONDS)
    stub = provider_pb2_grpc.ResourceProviderStub(channel)
    return ProviderProcess(process, stderr, channel, stub, time.monotonic() - started)


@dataclass
class RpcFailure:
    """A failed call as the engine reads it: the status code and message, and the `InputPropertiesError` details
    from the `grpc-status-details-bin` trailer (`None` when the trailer carries none)."""

    code: grpc.StatusCode
    details: str
    property_errors: list[tuple[str, str]] | None
    """`(property path, reason)` pairs, in order."""


def rpc_failure(error: grpc.RpcError) -> RpcFailure:
    """Decode a failed call's status as the engine does (`rpcerror.FromError` and its `InputPropertiesErrors`)."""
    call: Any = error  # a failed unary call is both a `grpc.RpcError` and a `grpc.Call`
    property_errors: list[tuple[str, str]] | None = None
    for key, value in call.trailing_metadata() or ():
        if key != "grpc-status-details-bin":
            continue
        status = status_pb2.Status.FromString(value)
        for detail in status.details:
            found = errors_pb2.InputPropertiesError()
            if detail.Unpack(found):
                property_errors = [*(property_errors or []), *((e.property_path, e.reason) for e in found.errors)]
    return RpcFailure(call.code(), call.details() or "", property_errors)


def construct(
    plugin: ProviderProcess,
    inputs: dict[str, Any],
    *,
    name: str = "raw-events",
    token: str = "metaflow-blueprints:index:S3ObjectTrigger",
    project: str = "yaml-s3-to-flow",
    stack: str = "dev",
    dependencies: dict[str, list[str]] | None = None,
) -> tuple[RecordingMonitor, Any]:
    """Construct one component through the plugin as the engine does during a preview; return the monitor and the
    response (or the gRPC error). ``dependencies`` maps an input to the URNs it comes from (the provider then hands
    that value to the blueprint as an Output)."""
    monitor = RecordingMonitor(project, stack)
    server, address = serve(resource_pb2_grpc.add_ResourceMonitorServicer_to_server, monitor)
    request = provider_pb2.ConstructRequest(
        project=project,
        stack=stack,
        config={"aws:region": "us-west-2"},
        dryRun=True,
        monitorEndpoint=address,
        type=token,
        name=name,
        parent=stack_urn(project, stack),
        inputs=to_struct(inputs),
        inputDependencies={
            key: provider_pb2.ConstructRequest.PropertyDependencies(urns=urns)
            for key, urns in (dependencies or {}).items()
        },
    )
    try:
        return monitor, plugin.stub.Construct(request, timeout=120)
    except grpc.RpcError as error:
        return monitor, error
    finally:
        server.stop(None)
