"""What a simulation reports: per Sensor, the EventSource filter, each dependency, each trigger; and exit codes."""

from dataclasses import asdict, dataclass, field
from typing import Literal, TypedDict

__all__ = [
    "EXIT_CODES",
    "DependencyCheck",
    "FilterCheck",
    "HttpRequest",
    "ParameterCheck",
    "ParameterStatus",
    "SensorSimulation",
    "Simulation",
    "SimulationInputError",
    "TriggerCheck",
    "Verdict",
    "VerifierCheck",
    "VerifierOutcome",
    "worst",
]

Verdict = Literal["triggered", "not-triggered", "mis-wired", "unsupported"]
"""triggered: every trigger fires with every mapped value from the event; not-triggered: a filter drops the event;
mis-wired: a trigger fails or a mapped value falls back to its `value`; unsupported: not decidable offline."""

EXIT_CODES: dict[Verdict, int] = {"triggered": 0, "not-triggered": 1, "mis-wired": 3, "unsupported": 4}
"""Exit codes of `metaflow-blueprints simulate` (2 is taken by usage and input errors)."""
_SEVERITY: tuple[Verdict, ...] = ("not-triggered", "mis-wired", "unsupported", "triggered")

VerifierOutcome = Literal["verified", "not-checked", "rejected", "broken", "unsupported"]
"""verified: the signature is the body's HMAC; not-checked: well-formed, no signing secret given; rejected: the
verifier answers an error and forwards nothing; broken: the verifier cannot start or forwards where Argo refuses;
unsupported: its settings are not readable offline."""
ParameterStatus = Literal["event", "computed", "fallback", "failed", "static", "skipped", "unsupported"]


class SimulationInputError(Exception):
    """The event file, the format or the blueprint name cannot be used (the CLI exits with 2)."""


def worst(verdicts: list[Verdict]) -> Verdict:
    """The verdict that decides the outcome: not-triggered, then mis-wired, then unsupported."""
    for verdict in _SEVERITY:
        if verdict in verdicts:
            return verdict
    return "triggered"


@dataclass(frozen=True)
class FilterCheck:
    """One filter's verdict and the value it saw (``kind``: ``eventsource`` or ``data``)."""

    kind: str
    index: int
    outcome: str
    reason: str
    path: str | None = None
    value: object = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DependencyCheck:
    """Whether one Sensor dependency accepts the event."""

    name: str
    event_source: str
    event_name: str
    outcome: str
    reason: str
    filters: tuple[FilterCheck, ...] = ()


@dataclass(frozen=True)
class ParameterCheck:
    """Where one trigger parameter's value came from.

    ``status``: ``event`` (from the event), ``computed`` (a template that reads no event data, e.g. ``now``),
    ``fallback`` (a mapped value fell back to ``value``), ``failed`` (Argo
    fails the trigger), ``static`` (a fixed ``value``), ``skipped`` (left out), ``unsupported``.
    """

    name: str
    dest: str
    source: str
    status: ParameterStatus
    value: str | None
    reason: str
    notes: tuple[str, ...] = ()


class HttpRequest(TypedDict):
    """What an HTTP trigger sends, secrets masked: ``body`` as sent and ``json`` (it parsed, None if not JSON)."""

    method: str
    url: str
    headers: dict[str, str]
    body: str
    json: object


@dataclass(frozen=True)
class TriggerCheck:
    """What one trigger would do: the Workflow it creates or the HTTP request it sends."""

    name: str
    kind: str
    outcome: Literal["fires", "fails", "unsupported"]
    message: str
    parameters: tuple[ParameterCheck, ...] = ()
    workflow_template: str | None = None
    workflow: object = None
    """The k8s resource after the parameters are applied (None when the trigger fails)."""
    arguments: tuple[tuple[str, str, str], ...] = ()
    """The Workflow's arguments: (name, value, where it came from)."""
    request: HttpRequest | None = None
    """What an HTTP trigger sends."""
    notes: tuple[str, ...] = ()
    parked: "TriggerCheck | None" = None
    """When the trigger fails: what its ``dlqTrigger`` does with the event (``workflow``: the parked ConfigMap)."""

    @property
    def verdict(self) -> Verdict:
        """mis-wired when it fails or a mapped value falls back; unsupported when undecidable."""
        if self.outcome == "fails" or any(p.status in ("fallback", "failed", "skipped") for p in self.parameters):
            return "mis-wired"
        if self.outcome == "unsupported" or any(p.status == "unsupported" for p in self.parameters):
            return "unsupported"
        return "triggered"


@dataclass(frozen=True)
class VerifierCheck:
    """What the signature-verifying receiver (a Deployment fronting the webhook EventSource) does with the sample."""

    deployment: str
    namespace: str
    preset: str | None
    header: str
    """The signature header it checks."""
    outcome: VerifierOutcome
    status: int | None
    """The status it answers the sender when it rejects the request (401, 413), else None."""
    reason: str


@dataclass(frozen=True)
class SensorSimulation:
    """One Sensor and the event delivered to its EventSource."""

    blueprint: str
    blueprint_type: str
    sensor: str
    namespace: str
    event_source: str
    event_name: str
    event_type: str
    event: object
    verdict: Verdict
    reason: str
    source_filter: FilterCheck | None = None
    dependencies: tuple[DependencyCheck, ...] = ()
    triggers: tuple[TriggerCheck, ...] = ()
    notes: tuple[str, ...] = ()
    verifier: VerifierCheck | None = None
    """The verifying receiver in front of the EventSource, when one fronts it and the sample is a raw request."""


@dataclass(frozen=True)
class Simulation:
    """Every simulated Sensor; ``exit_code`` follows ``EXIT_CODES`` for the worst verdict."""

    sensors: tuple[SensorSimulation, ...] = field(default_factory=tuple)

    @property
    def verdict(self) -> Verdict:
        """The worst verdict of all Sensors."""
        return worst([s.verdict for s in self.sensors])

    @property
    def exit_code(self) -> int:
        """0, or the code of the worst verdict."""
        return EXIT_CODES[self.verdict]

    def to_json(self) -> dict[str, object]:
        """A JSON-ready dict (for `--json`)."""
        sensors: list[dict[str, object]] = []
        for sensor in self.sensors:
            item = asdict(sensor)
            for trigger, data in zip(sensor.triggers, item["triggers"], strict=True):
                data["verdict"] = trigger.verdict
                data["arguments"] = [{"name": n, "value": v, "from": f} for n, v, f in trigger.arguments]
            sensors.append(item)
        return {"verdict": self.verdict, "exit_code": self.exit_code, "sensors": sensors}
