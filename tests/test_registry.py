"""The source registry: every source package is found from its folder alone, declares what it emits, and reading
the declarations imports no cloud SDK."""

import importlib
import importlib.util
import inspect
import pkgutil
import subprocess
import sys
from pathlib import Path

import pulumi
import pytest

import pulumi_metaflow_blueprints
from pulumi_metaflow_blueprints import registry
from pulumi_metaflow_blueprints.provider import all_components
from tests.helpers import as_dict

REPO = Path(__file__).resolve().parent.parent
CLOUD_SDKS = ("pulumi_aws", "pulumi_gcp", "pulumi_snowflake", "pulumi_dbtcloud", "pulumi_random")


def defined_blueprints(package: str) -> set[str]:
    """Every ComponentResource class defined in any module of a source package, exported or not."""
    root = importlib.import_module(f"pulumi_metaflow_blueprints.{package}")
    found = set()
    for info in pkgutil.walk_packages(root.__path__, f"{root.__name__}."):
        module = importlib.import_module(info.name)
        for value in vars(module).values():
            component = inspect.isclass(value) and issubclass(value, pulumi.ComponentResource)
            if component and value.__module__ == module.__name__:
                found.add(value.__name__)
    return found


def test_every_folder_with_a_package_py_is_a_source_package_and_nothing_else() -> None:
    folders = [
        info.name
        for info in pkgutil.iter_modules(pulumi_metaflow_blueprints.__path__)
        if info.ispkg and (importlib.util.find_spec(f"pulumi_metaflow_blueprints.{info.name}.package") is not None)
    ]
    assert registry.source_package_names() == tuple(sorted(folders)) == ("aws", "gcp", "snowflake", "webhooks")
    assert [p.name for p in registry.source_packages()] == list(registry.source_package_names())


@pytest.mark.parametrize("package", registry.source_packages(), ids=lambda p: p.name)
def test_each_package_declares_every_blueprint_it_defines_exports_it_and_lists_its_needs(
    package: registry.SourcePackage,
) -> None:
    assert set(package.blueprints) == defined_blueprints(package.name)
    module = package.module()
    for name in package.blueprints:
        assert name in module.__all__
        assert issubclass(getattr(module, name), pulumi.ComponentResource)
    assert set(package.minimum) == set(package.blueprints), "every blueprint needs its hand-written minimum"


def test_the_provider_serves_exactly_the_declared_blueprints() -> None:
    declared = [name for package in registry.source_packages() for name in package.blueprints]
    assert [cls.__name__ for cls in all_components()] == declared


def test_each_event_source_kind_is_declared_once_with_its_rules_and_wrapping() -> None:
    kinds = registry.event_source_kinds()
    assert {key: kind.context_type for key, kind in kinds.items()} == {
        "sqs": "sqs",
        "pubSub": "pubsub",
        "webhook": "webhook",
    }
    for kind in kinds.values():
        assert kind.check({}, kind.spec_key), f"{kind.spec_key}: an empty event config must break a controller rule"


def test_placeholders_come_from_the_package_of_the_resource_type() -> None:
    from pulumi_metaflow_blueprints.offline import placeholders

    queue_id, queue = placeholders.resource_state("aws:sqs/queue:Queue", "q", {"name": "orders", "region": "eu-west-1"})
    assert queue_id == "https://sqs.eu-west-1.amazonaws.com/000000000000/orders"
    assert queue["arn"] == "arn:aws:sqs:eu-west-1:000000000000:orders" and queue["name"] == "orders"
    topic_id, _ = placeholders.resource_state("gcp:pubsub/topic:Topic", "t", {"name": "events", "project": "acme"})
    assert topic_id == "projects/acme/topics/events"
    _, hook = placeholders.resource_state("dbtcloud:index/webhook:Webhook", "w", {})
    assert hook["webhookId"] == "wsu_placeholderw"
    _, password = placeholders.resource_state("random:index/randomPassword:RandomPassword", "tok", {"length": 8})
    assert password == {"length": 8, "result": "placeholder-token-for-tok"}
    assert placeholders.resource_state("kubernetes:core/v1:Secret", "s", {"type": "Opaque"}) == (
        "placeholder-s",
        {"type": "Opaque"},
    )
    assert placeholders.invoke_result("aws:index/getPartition:getPartition", {})["partition"] == "aws"
    assert placeholders.invoke_result("gcp:organizations/getProject:getProject", {"projectId": "acme"})["number"]
    assert placeholders.invoke_result("kubernetes:nothing", {}) == {}


def test_reading_the_registry_imports_no_cloud_sdk() -> None:
    code = (
        "import sys\n"
        "from pulumi_metaflow_blueprints import registry\n"
        "from pulumi_metaflow_blueprints.offline import placeholders\n"
        "registry.source_packages(); registry.event_source_kinds()\n"
        "placeholders.resource_state('aws:sqs/queue:Queue', 'q', {})\n"
        "import pulumi_metaflow_blueprints.aws, pulumi_metaflow_blueprints.gcp\n"
        f"print(sorted(m for m in {CLOUD_SDKS!r} if m in sys.modules))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert result.stdout.strip() == "[]"


def test_a_declaration_that_names_another_folder_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = type(sys)("pulumi_metaflow_blueprints.aws.package")
    fake.SOURCE_PACKAGE = registry.SourcePackage(name="gcp", blueprints=())  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "pulumi_metaflow_blueprints.aws.package", fake)
    registry.source_packages.cache_clear()
    try:
        with pytest.raises(TypeError, match="SourcePackage\\(name='aws'"):
            registry.source_packages()
    finally:
        registry.source_packages.cache_clear()


DEMO_PACKAGE = '''
from pulumi_metaflow_blueprints.registry import EventSourceKind, RawEventData, SourcePackage, ResourceNeed

def _wrap(config, sample):
    return RawEventData({"value": sample.payload, "topic": config.get("topic")})

def _check(config, path):
    return [] if config.get("topic") else [f"{path}.topic: required"]

SOURCE_PACKAGE = SourcePackage(
    name="demo",
    blueprints=("DemoTrigger",),
    event_sources=(EventSourceKind(spec_key="demo", context_type="demo", check=_check, wrap=_wrap),),
    resource_state=lambda type_, name, inputs: ("demo-id", {"computed": 1}) if type_.startswith("demo:") else None,
    minimum={"DemoTrigger": (ResourceNeed("EventSource", "EventSource", "reads the demo"),)},
)
'''
DEMO_INIT = '''
from pulumi_metaflow_blueprints.registry import lazy_exports
__all__ = ["DemoTrigger"]
__getattr__ = lazy_exports(__name__, {"trigger": ("DemoTrigger",)})
'''
DEMO_TRIGGER = '''
import pulumi

class DemoTrigger(pulumi.ComponentResource):
    def __init__(self, name: str, args: dict, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("metaflow-blueprints:index:DemoTrigger", name, None, opts)
'''


def test_a_new_source_is_one_folder(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A folder with `package.py` (and its blueprint) is served, checked, wrapped and benchmarked with no other edit."""
    from pulumi_metaflow_blueprints.argo.validation import event_source_problems
    from pulumi_metaflow_blueprints.offline import placeholders
    from pulumi_metaflow_blueprints.simulate.events import SampleEvent, argo_event
    from pulumi_metaflow_blueprints.simulate.program import EventSourceEvent

    folder = tmp_path / "demo"
    folder.mkdir()
    (folder / "__init__.py").write_text(DEMO_INIT)
    (folder / "package.py").write_text(DEMO_PACKAGE)
    (folder / "trigger.py").write_text(DEMO_TRIGGER)
    monkeypatch.setattr(pulumi_metaflow_blueprints, "__path__", [*pulumi_metaflow_blueprints.__path__, str(tmp_path)])
    caches = (registry.source_package_names, registry.source_packages, registry.event_source_kinds)
    for cache in caches:
        cache.cache_clear()
    try:
        assert "demo" in registry.source_package_names()
        assert "DemoTrigger" in [cls.__name__ for cls in all_components()]
        assert pulumi_metaflow_blueprints.demo.DemoTrigger.__name__ == "DemoTrigger"  # type: ignore[attr-defined]
        assert event_source_problems({"demo": {"e": {}}}) == ["demo.e.topic: required"]
        assert event_source_problems({"demo": {"e": {"topic": "t"}}}) == []
        source = EventSourceEvent("es", "ns", "demo", "e", {"topic": "t"})
        wrapped = argo_event(source, SampleEvent({"a": 1}, '{"a": 1}'))
        event = as_dict(wrapped.event)
        assert event["data"] == {"value": {"a": 1}, "topic": "t"}
        assert event["context"]["type"] == "demo"
        state = placeholders.resource_state("demo:index:Thing", "x", {"k": "v"})
        assert state == ("demo-id", {"k": "v", "computed": 1})
        spec = importlib.util.spec_from_file_location("fresh_minimum", REPO / "benchmarks" / "minimum.py")
        minimum = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
        spec.loader.exec_module(minimum)  # type: ignore[union-attr]
        assert "DemoTrigger" in minimum.MINIMUM
    finally:
        for cache in caches:
            cache.cache_clear()
        for name in [m for m in sys.modules if m.startswith("pulumi_metaflow_blueprints.demo")]:
            del sys.modules[name]
        if hasattr(pulumi_metaflow_blueprints, "demo"):
            delattr(pulumi_metaflow_blueprints, "demo")
