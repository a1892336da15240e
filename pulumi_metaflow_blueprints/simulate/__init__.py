"""`metaflow-blueprints simulate`: what a sample event does to a program's Sensors, offline.

Runs nothing in a cluster: the program runs under the offline mocks (like `preview`), the sample is wrapped the way
the EventSource wraps it, and `pulumi_metaflow_blueprints.argo.semantics` (Sensor filters and trigger parameters) and
`pulumi_metaflow_blueprints.argo.expr_lang` (EventSource filters) decide what Argo Events would do. A webhook
EventSource fronted by a signature-verifying receiver gets the sample only as that receiver forwards it
(`simulate.verifier`, which checks signatures with the receiver's own code).
"""

from pulumi_metaflow_blueprints.simulate.engine import simulate, simulate_sensor
from pulumi_metaflow_blueprints.simulate.events import SampleEvent, argo_event, load_sample
from pulumi_metaflow_blueprints.simulate.model import (
    EXIT_CODES,
    DependencyCheck,
    FilterCheck,
    ParameterCheck,
    SensorSimulation,
    Simulation,
    SimulationInputError,
    TriggerCheck,
    VerifierCheck,
)
from pulumi_metaflow_blueprints.simulate.report import to_json, to_text

__all__ = [
    "EXIT_CODES",
    "DependencyCheck",
    "FilterCheck",
    "ParameterCheck",
    "SampleEvent",
    "SensorSimulation",
    "Simulation",
    "SimulationInputError",
    "TriggerCheck",
    "VerifierCheck",
    "argo_event",
    "load_sample",
    "simulate",
    "simulate_sensor",
    "to_json",
    "to_text",
]
