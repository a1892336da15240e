"""The offline runner's contract with the Pulumi SDK: what `run_program` promises, one test per hook.

`run_program` drives a program through the SDK's public unit-testing API (`reset_options`, `set_mocks`, `Mocks`,
`test`) plus the few hooks in pulumi_metaflow_blueprints/offline/_sdk.py. CI runs this file with the oldest and the
newest pulumi that pyproject.toml allows (.ci/run), so an SDK release that breaks a hook fails the test named for it.
The resources here are generic (`test:index:*`, plus a queue type the placeholders answer for): the contract is the
SDK's, whatever provider packages are installed.
"""

import ast
import asyncio
import gc
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.output import Unknown
from pulumi.runtime import rpc

from pulumi_metaflow_blueprints.offline import run_program
from pulumi_metaflow_blueprints.offline._sdk import SECRET_KEY, SECRET_SIG

PACKAGE = Path(__file__).parent.parent / "pulumi_metaflow_blueprints"
ADAPTER = PACKAGE / "offline" / "_sdk.py"
QUEUE = "aws:sqs/queue:Queue"
QUEUE_ARN = "arn:aws:sqs:us-east-1:000000000000:jobs"
QUEUE_URL = "https://sqs.us-east-1.amazonaws.com/000000000000/jobs"


def thing(name: str, props: dict[str, Any], parent: pulumi.Resource | None = None) -> pulumi.CustomResource:
    return pulumi.CustomResource("test:index:Thing", name, props, pulumi.ResourceOptions(parent=parent))


def queue(name: str = "jobs") -> pulumi.CustomResource:
    """A queue whose arn and url the placeholder mocks compute (`url` is its id too)."""
    return pulumi.CustomResource(QUEUE, name, {"name": name, "arn": None, "url": None})


def attribute(resource: pulumi.Resource, name: str) -> pulumi.Output[Any]:
    """An output attribute of a generic resource (one per key of its props)."""
    return getattr(resource, name)


def secret(value: Any) -> dict[str, Any]:
    return {SECRET_KEY: SECRET_SIG, "value": value}


def pending_tasks() -> list[asyncio.Task[Any]]:
    return [task for task in asyncio.all_tasks(asyncio.get_event_loop()) if not task.done()]


def test_registrations_are_recorded_with_parent_and_wire_form_inputs_each_secret_at_its_leaf() -> None:
    def program() -> None:
        group = pulumi.ComponentResource("test:index:Group", "group")
        spec = {"token": pulumi.Output.secret("s3cr3t"), "plain": "p", "items": ["a", pulumi.Output.secret("b")]}
        thing("child", {"spec": spec, "count": 2}, parent=group)

    run = run_program(program, project="shop", stack="dev")
    stack = "urn:pulumi:dev::shop::pulumi:pulumi:Stack::shop-dev"
    group, child = run.registrations
    assert (group.type, group.name, group.custom, group.parent) == ("test:index:Group", "group", False, stack)
    assert (child.type, child.name, child.custom, child.parent) == ("test:index:Thing", "child", True, group.urn)
    assert child.inputs == {"spec": {"token": secret("s3cr3t"), "plain": "p", "items": ["a", secret("b")]}, "count": 2}
    assert child.plain_inputs == {"spec": {"token": "s3cr3t", "plain": "p", "items": ["a", "b"]}, "count": 2}


def test_the_secret_signature_is_the_wire_protocols() -> None:
    assert (rpc._special_sig_key, rpc._special_secret_sig) == (SECRET_KEY, SECRET_SIG)
    assert rpc.is_rpc_secret(secret("x")) and rpc.unwrap_rpc_secret(secret("x")) == "x"


def test_project_and_stack_name_the_urns_and_the_program_sees_them_in_a_preview() -> None:
    seen: dict[str, Any] = {}

    def program() -> None:
        seen.update(project=pulumi.get_project(), stack=pulumi.get_stack(), preview=pulumi.runtime.is_dry_run())
        group = pulumi.ComponentResource("test:index:Group", "group")
        thing("child", {}, parent=group)

    run = run_program(program, project="shop", stack="dev")
    assert seen == {"project": "shop", "stack": "dev", "preview": True}
    assert [r.urn for r in run.registrations] == [
        "urn:pulumi:dev::shop::pulumi:pulumi:Stack$test:index:Group::group",
        "urn:pulumi:dev::shop::test:index:Group$test:index:Thing::child",
    ]
    other = run_program(program, project="depot", stack="prod")  # a new root stack: nothing kept from the last run
    assert seen == {"project": "depot", "stack": "prod", "preview": True}
    assert other.registrations[0].parent == "urn:pulumi:prod::depot::pulumi:pulumi:Stack::depot-prod"
    assert other.registrations[1].urn == "urn:pulumi:prod::depot::test:index:Group$test:index:Thing::child"


def test_config_is_visible_to_the_program_of_its_run_only() -> None:
    seen: list[tuple[str | None, str | None]] = []

    def program() -> None:
        seen.append((pulumi.Config().get("greeting"), pulumi.Config("kubernetes").get("namespace")))

    run_program(program, project="shop", config={"shop:greeting": "hi", "kubernetes:namespace": "jobs"})
    run_program(program, project="shop")
    assert seen == [("hi", "jobs"), (None, None)]


def test_outputs_resolve_to_what_the_mocks_answer_and_a_returned_output_is_awaited() -> None:
    seen: dict[str, Any] = {}

    def program() -> pulumi.Output[Any]:
        jobs = queue()
        thing("uses", {"arn": attribute(jobs, "arn"), "queueId": jobs.id})
        caller = pulumi.runtime.invoke_output("aws:index/getCallerIdentity:getCallerIdentity", {})
        caller.apply(lambda value: seen.update(account=value["accountId"]))
        return attribute(jobs, "url").apply(lambda url: seen.update(url=url))

    run = run_program(program)
    assert run.named("uses").inputs == {"arn": QUEUE_ARN, "queueId": QUEUE_URL}
    assert seen == {"account": "000000000000", "url": QUEUE_URL}


def test_without_computed_attributes_what_the_cloud_computes_is_unknown_as_in_a_real_preview() -> None:
    def program() -> None:
        jobs = queue()
        thing("uses", {"arn": attribute(jobs, "arn"), "queueId": jobs.id, "name": "known"})

    inputs = run_program(program, computed=False).named("uses").inputs
    assert isinstance(inputs["arn"], Unknown) and isinstance(inputs["queueId"], Unknown)
    assert inputs["name"] == "known"


def test_the_run_waits_for_registrations_made_inside_applies() -> None:
    def program() -> None:
        pulumi.Output.from_input("v").apply(lambda value: thing("late", {"value": value}))

    assert run_program(program).named("late").inputs == {"value": "v"}
    assert pending_tasks() == []


class Widget(pulumi.CustomResource):
    """A resource class of its own, as provider SDKs declare them (the SDK's stack capture looks for its __init__)."""

    def __init__(self, name: str) -> None:
        super().__init__("test:index:Widget", name, {})


def test_no_call_stack_is_captured_offline_and_the_sdk_asks_the_hooked_function_for_it() -> None:
    """`without_stack_traces`: the SDK takes each registration's stack trace from `resource._get_stack_trace` (so
    replacing it takes effect), a real one has frames, and the runner replaces it only while a program runs."""
    from pulumi.runtime import resource as sdk_resource

    captured = sdk_resource._get_stack_trace
    frames: list[int] = []

    def program() -> None:
        offline = sdk_resource._get_stack_trace

        def spy() -> Any:
            frames.append(len(captured().frames))  # the SDK's own capture, where the SDK asks for it
            return offline()

        sdk_resource._get_stack_trace = spy
        try:
            Widget("w")
        finally:
            sdk_resource._get_stack_trace = offline
        frames.append(len(offline().frames))

    run = run_program(program)
    assert [r.name for r in run.registrations] == ["w"]
    assert frames[0] > 0 and frames[-1] == 0
    assert sdk_resource._get_stack_trace is captured


FAILS = "apply failed"


def fails_with_registrations_in_flight() -> None:
    def fail(_: Any) -> str:
        raise ValueError(FAILS)

    previous = None
    for i in range(20):
        previous = thing(f"chain{i}", {"a": previous.id if previous else "x"})
    thing("broken", {"a": pulumi.Output.from_input("x").apply(fail)})


def raises_after_registering() -> None:
    thing("first", {"a": "b"})
    raise RuntimeError("the program body failed")


def simple() -> None:
    thing("only", {"a": "b"})


@pytest.mark.parametrize("failing", [fails_with_registrations_in_flight, raises_after_registering])
def test_a_failed_program_raises_its_error_and_leaves_nothing_behind_for_the_next_run(
    failing: Any, caplog: pytest.LogCaptureFixture
) -> None:
    with pytest.raises((ValueError, RuntimeError), match=f"{FAILS}|the program body failed"):
        run_program(failing)
    assert pending_tasks() == []
    with caplog.at_level(logging.ERROR, logger="asyncio"):
        gc.collect()  # the failed registrations' futures: their error was raised once, not logged again
        run = run_program(simple)
        gc.collect()
    assert [(r.name, r.inputs) for r in run.registrations] == [("only", {"a": "b"})]
    assert caplog.records == []


def test_no_event_loop_is_left_unclosed_at_exit() -> None:
    """The mock monitor's per-thread loops are closed at exit (else the collector may print a traceback there)."""
    code = (
        "import pulumi\n"
        "from pulumi_metaflow_blueprints.offline import run_program\n"
        "run = run_program(lambda: pulumi.CustomResource('test:index:Thing', 't', {'a': 'b'}))\n"
        "assert [r.name for r in run.registrations] == ['t']\n"
    )
    result = subprocess.run([sys.executable, "-X", "dev", "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "unclosed event loop" not in result.stderr
    assert "Exception ignored" not in result.stderr


# Only offline/_sdk.py may reach into the SDK's internals: the rest of the package uses pulumi's public API.


def public_runtime_names() -> set[str]:
    """What `pulumi.runtime` exports, less its submodules (whose functions are not documented API)."""
    return {name for name in pulumi.runtime.__all__ if not isinstance(getattr(pulumi.runtime, name), type(sys))}


def internal_uses(source: str, public: set[str]) -> list[str]:
    """Each SDK internal the module source imports or reaches by attribute: `pulumi.runtime.<submodule>` or `_name`."""

    def internal(path: list[str]) -> bool:
        under_runtime = path[:2] == ["pulumi", "runtime"] and len(path) > 2 and path[2] not in public
        private = any(part.startswith("_") and not part.endswith("__") for part in path[1:])  # `__init__` is not
        return path[0] == "pulumi" and (under_runtime or private)

    bound: dict[str, list[str]] = {}  # local name -> the pulumi path it stands for
    found: list[str] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                path = alias.name.split(".")
                bound[alias.asname or path[0]] = path if alias.asname else path[:1]
                found += [alias.name] if internal(path) else []
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            for alias in node.names:
                path = [*node.module.split("."), alias.name]
                bound[alias.asname or alias.name] = path
                found += [f"{node.module}.{alias.name}"] if internal(path) else []
    for node in ast.walk(ast.parse(source)):
        chain: list[str] = []
        while isinstance(node, ast.Attribute):
            chain.insert(0, node.attr)
            node = node.value
        if isinstance(node, ast.Name) and node.id in bound and chain:
            path = [*bound[node.id], *chain]
            found += [".".join(path)] if internal(path) else []
    return sorted(set(found))


def test_only_the_adapter_touches_sdk_internals() -> None:
    public = public_runtime_names()
    offenders = {
        str(path.relative_to(PACKAGE)): uses
        for path in sorted(PACKAGE.rglob("*.py"))
        if path != ADAPTER and (uses := internal_uses(path.read_text(), public))
    }
    assert offenders == {}


def test_the_scan_finds_what_the_runner_used_to_import() -> None:
    before = (
        "import pulumi\n"
        "from pulumi.runtime import mocks, settings\n"
        "from pulumi.runtime.stack import run_pulumi_func\n"
        "from pulumi.runtime.sync_await import _ensure_event_loop, _sync_await\n"
        "import pulumi.runtime as rt\n"
        "state = settings.SETTINGS\n"
        "rt.rpc._special_sig_key\n"
        "pulumi.InputPropertyError.__init__\n"
        "pulumi.runtime.set_mocks(None)\n"
        "pulumi.Output.from_input(1)\n"
    )
    assert internal_uses(before, public_runtime_names()) == [
        "pulumi.runtime.mocks",
        "pulumi.runtime.rpc",
        "pulumi.runtime.rpc._special_sig_key",
        "pulumi.runtime.settings",
        "pulumi.runtime.settings.SETTINGS",
        "pulumi.runtime.stack.run_pulumi_func",
        "pulumi.runtime.sync_await._ensure_event_loop",
        "pulumi.runtime.sync_await._sync_await",
    ]
    assert internal_uses(ADAPTER.read_text(), public_runtime_names()) != []  # the adapter is where they went
