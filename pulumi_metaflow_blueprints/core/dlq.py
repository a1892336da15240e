"""Nothing silently lost: each Argo trigger's `dlqTrigger`, which parks an event the trigger failed on in a ConfigMap.

Argo Events 1.9 (``pkg/sensors/listener.go``) runs a trigger's ``dlqTrigger`` once its ``retryStrategy`` is
exhausted; the controller (``validateDlqTrigger``) requires ``atLeastOnce`` on both. The dlqTrigger here creates a
ConfigMap in the blueprint's namespace, found with ``kubectl get configmap -n <ns> -l metaflow-blueprints/parked=true``:

- ``metadata.generateName`` ``<sensor name>-parked-``; labels: the blueprint's and ``metaflow-blueprints/parked``;
  annotations ``metaflow-blueprints/trigger`` and ``metaflow-blueprints/sensor``;
- ``data.trigger``: the failed trigger's name; ``data.event-data``: the event data as the JSON text the Sensor
  received (``dataKey: "@this"``: gjson's ``Raw`` of a JSON object or array is the bytes as received, leading
  whitespace aside; a JSON string, number or bool arrives as its text); ``data.event-context``: the event context as
  Argo marshals it (``contextKey: "@this"``: id, source, specversion, type, datacontenttype, subject, time).
"""

from typing import Any

from pulumi_metaflow_blueprints.core.target import DEPENDENCY
from pulumi_metaflow_blueprints.naming import LABEL_MAX, child_name, to_dns_label

__all__ = [
    "CONTEXT_KEY",
    "DATA_KEY",
    "MIN_PARK_STEPS",
    "PARKED_LABEL",
    "SENSOR_ANNOTATION",
    "TRIGGER_ANNOTATION",
    "TRIGGER_KEY",
    "dlq_trigger",
    "dlq_trigger_name",
    "parked_generate_name",
    "parked_role_name",
]

PARKED_LABEL = "metaflow-blueprints/parked"
"""Label (value ``"true"``) on every parked event's ConfigMap."""
TRIGGER_ANNOTATION = "metaflow-blueprints/trigger"
SENSOR_ANNOTATION = "metaflow-blueprints/sensor"
TRIGGER_KEY = "trigger"
DATA_KEY = "event-data"
CONTEXT_KEY = "event-context"
"""ConfigMap keys: valid ConfigMap keys and plain sjson path components (no ``.``, ``|#@*?`` or ``\\``)."""
MIN_PARK_STEPS = 3
"""The dlqTrigger tries at least this many times (Argo's default for a dlqTrigger is once)."""
_GENERATED_SUFFIX = 5
"""Kubernetes appends 5 random characters to a ``generateName`` cut to 58 (``names.SimpleNameGenerator``)."""


def dlq_trigger_name(trigger: str) -> str:
    """The dlqTrigger's name: ``<trigger>-parked`` as a DNS label (Argo puts it in the ConfigMap's
    ``events.argoproj.io/trigger`` label, so it must be a valid label value whatever the trigger's name)."""
    return to_dns_label(f"{trigger}-parked")


def parked_generate_name(sensor_name: str) -> str:
    """``<sensor name>-parked-``, shortened stably so Kubernetes keeps all of it (it cuts at 58 characters)."""
    return child_name(sensor_name, "parked", LABEL_MAX - _GENERATED_SUFFIX - 1) + "-"


def parked_role_name(sensor_name: str) -> str:
    """The Role letting the Sensor create parked ConfigMaps (and nothing else) in the blueprint's namespace."""
    return child_name(sensor_name, "parked")


def dlq_trigger(
    trigger: str, *, sensor_name: str, namespace: str, labels: dict[str, str], retry: dict[str, Any]
) -> dict[str, Any]:
    """The ``dlqTrigger`` of the Argo trigger named ``trigger``: create a ConfigMap holding the failed event."""
    config_map: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {
            "generateName": parked_generate_name(sensor_name),
            "namespace": namespace,
            "labels": {**labels, PARKED_LABEL: "true"},
            "annotations": {TRIGGER_ANNOTATION: trigger, SENSOR_ANNOTATION: sensor_name},
        },
        "data": {TRIGGER_KEY: trigger, DATA_KEY: "", CONTEXT_KEY: ""},
    }
    parameters = [
        {"src": {"dependencyName": DEPENDENCY, "dataKey": "@this"}, "dest": f"data.{DATA_KEY}"},
        {"src": {"dependencyName": DEPENDENCY, "contextKey": "@this"}, "dest": f"data.{CONTEXT_KEY}"},
    ]
    return {
        "template": {
            "name": dlq_trigger_name(trigger),
            "k8s": {"operation": "create", "source": {"resource": config_map}, "parameters": parameters},
        },
        "retryStrategy": {**retry, "steps": max(int(retry.get("steps", 0)), MIN_PARK_STEPS)},
        "atLeastOnce": True,
    }
