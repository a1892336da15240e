"""Find the Sensors of an offline program run, the blueprint each belongs to, and the EventSources they listen to."""

from collections.abc import Mapping
from dataclasses import dataclass, field

from pulumi_metaflow_blueprints.argo.spec import is_mapping, mapping
from pulumi_metaflow_blueprints.offline import ProgramRun
from pulumi_metaflow_blueprints.registry import event_source_kinds
from pulumi_metaflow_blueprints.simulate.model import SimulationInputError
from pulumi_metaflow_blueprints.simulate.verifier import Verifier, verifiers

__all__ = ["EventSourceEvent", "SensorTarget", "event_sources", "find_event_source", "sensors"]

_NOT_EVENT_TYPES = frozenset({"eventBusName", "template", "service", "replicas"})


@dataclass(frozen=True)
class EventSourceEvent:
    """One event of an EventSource: ``spec[type_key][event_name]``."""

    name: str
    namespace: str
    type_key: str
    event_name: str
    config: Mapping[str, object]
    verifiers: tuple[Verifier, ...] = ()
    """The verifier Deployments fronting this EventSource (annotated ``metaflow-blueprints/verifies: <name>``)."""

    @property
    def event_type(self) -> str:
        """The context ``type`` Argo gives its events (the spec key lower-cased for kinds no source declares)."""
        kind = event_source_kinds().get(self.type_key)
        return kind.context_type if kind is not None else self.type_key.lower()


@dataclass(frozen=True)
class SensorTarget:
    """A Sensor with the blueprint (component resource) that created it."""

    blueprint: str
    blueprint_type: str
    name: str
    namespace: str
    spec: Mapping[str, object]
    annotations: Mapping[str, object] = field(default_factory=dict[str, object])
    """The Sensor's ``metadata.annotations``."""


def sensors(run: ProgramRun, blueprint: str | None = None) -> list[SensorTarget]:
    """The program's Sensors (only those of component ``blueprint`` when given).

    Raises SimulationInputError listing the component names when ``blueprint`` matches none, or when the program has
    no Sensor at all.
    """
    by_urn = {r.urn: r for r in run.registrations}
    found: list[SensorTarget] = []
    for registration in run.custom_resources("Sensor"):
        inputs = registration.plain_inputs
        metadata = mapping(inputs.get("metadata"))
        parent = by_urn.get(registration.parent)
        owner = parent if parent is not None and not parent.custom else registration
        found.append(
            SensorTarget(
                blueprint=owner.name,
                blueprint_type=owner.type.rsplit(":", 1)[-1],
                name=str(metadata.get("name", registration.name)),
                namespace=str(metadata.get("namespace", "")),
                spec=mapping(inputs.get("spec")),
                annotations=mapping(metadata.get("annotations")),
            )
        )
    if not found:
        raise SimulationInputError("the program creates no Argo Events Sensor")
    if blueprint is None:
        return found
    chosen = [s for s in found if s.blueprint == blueprint]
    if not chosen:
        names = ", ".join(sorted({s.blueprint for s in found}))
        raise SimulationInputError(f"no blueprint named {blueprint!r}; the program's blueprints are: {names}")
    return chosen


def event_sources(run: ProgramRun) -> list[EventSourceEvent]:
    """Every event of every EventSource the program creates, with the verifiers fronting it."""
    fronts = verifiers(run)
    found: list[EventSourceEvent] = []
    for registration in run.custom_resources("EventSource"):
        inputs = registration.plain_inputs
        metadata = mapping(inputs.get("metadata"))
        for type_key, events in mapping(inputs.get("spec")).items():
            if type_key in _NOT_EVENT_TYPES or not is_mapping(events):
                continue
            name = str(metadata.get("name", registration.name))
            namespace = str(metadata.get("namespace", ""))
            fronting = tuple(v for v in fronts if v.verifies == name and v.namespace == namespace)
            for event_name, config in events.items():
                if is_mapping(config):
                    found.append(EventSourceEvent(name, namespace, str(type_key), str(event_name), config, fronting))
    return found


def find_event_source(
    sources: list[EventSourceEvent], namespace: str, name: str, event_name: str
) -> EventSourceEvent | None:
    """The EventSource event a dependency names (in the Sensor's namespace)."""
    return next(
        (s for s in sources if s.namespace == namespace and s.name == name and s.event_name == event_name), None
    )
