"""Resource needs every blueprint shares (the Sensor side), and the type patterns source packages reuse."""

from pulumi_metaflow_blueprints.registry import ResourceNeed

__all__ = ["EVENT_SOURCE", "RANDOM", "ROLE", "ROLE_POLICY", "SENSOR_NEEDS", "SERVICE_ACCOUNT"]

SERVICE_ACCOUNT = "^kubernetes:core/v1:ServiceAccount$"
EVENT_SOURCE = "^kubernetes:argoproj.io/v1alpha1:EventSource$"
ROLE = "^aws:iam/role:Role$"
ROLE_POLICY = "^aws:iam/rolePolicy:RolePolicy$"
RANDOM = "^random:index/random"

SENSOR_NEEDS = (
    ResourceNeed(
        "Sensor service account",
        SERVICE_ACCOUNT,
        "the Sensor pod's own identity, so its RBAC grant goes to it alone",
        optional="no existing service account given",
    ),
    ResourceNeed(
        "Role (create workflows)",
        "^kubernetes:rbac.authorization.k8s.io/v1:Role$",
        "the Sensor may create Workflows in the flow namespace, nothing else",
        optional="flow targets",
    ),
    ResourceNeed(
        "RoleBinding",
        "^kubernetes:rbac.authorization.k8s.io/v1:RoleBinding$",
        "binds that Role to the Sensor's service account",
        optional="flow targets",
    ),
    ResourceNeed(
        "Role (create configmaps)",
        "^kubernetes:rbac.authorization.k8s.io/v1:Role$",
        "the Sensor may create ConfigMaps in its namespace, to park the events a trigger fails on (core/dlq.py)",
    ),
    ResourceNeed(
        "RoleBinding (parking)",
        "^kubernetes:rbac.authorization.k8s.io/v1:RoleBinding$",
        "binds that Role to the Sensor's service account",
    ),
    ResourceNeed(
        "Sensor", "^kubernetes:argoproj.io/v1alpha1:Sensor$", "turns the event into the Workflow / Metaflow event"
    ),
)
