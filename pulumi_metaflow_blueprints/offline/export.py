"""What an offline run shows: a resource tree like `pulumi preview`, Kubernetes manifests, and resources.json."""

import json
from typing import Any

import yaml

from pulumi_metaflow_blueprints.argo.spec import mapping
from pulumi_metaflow_blueprints.offline.runner import ProgramRun, Registration, mask

__all__ = [
    "KIND_ORDER",
    "depth_of",
    "kubernetes_object",
    "manifests",
    "manifests_yaml",
    "resource_tree",
    "resources_json",
]

# kubectl-friendly order: identities and RBAC before the objects that use them.
KIND_ORDER = [
    "Namespace",
    "ServiceAccount",
    "Secret",
    "ConfigMap",
    "Role",
    "ClusterRole",
    "RoleBinding",
    "ClusterRoleBinding",
    "Service",
    "Ingress",
    "EventSource",
    "Sensor",
]


def resource_tree(run: ProgramRun) -> str:
    """The registered resources as an indented tree of type and name, parents first."""
    by_parent: dict[str, list[Registration]] = {}
    ordered = sorted(run.registrations, key=lambda r: (r.name, r.type))
    for item in ordered:
        by_parent.setdefault(item.parent, []).append(item)
    known = {r.urn for r in run.registrations}
    roots = [r for r in ordered if r.parent not in known]
    stack_type = "pulumi:pulumi:Stack"
    width = max([len(stack_type), *(len(r.type) + 3 * depth_of(run, r) + 3 for r in run.registrations)]) + 2
    lines = [f"    {'Type':<{width}}Name", f" +  {stack_type:<{width}}{run.project}-{run.stack}"]

    def walk(items: list[Registration], prefix: str) -> None:
        for index, item in enumerate(items):
            last = index == len(items) - 1
            branch = "└─ " if last else "├─ "
            label = f"{prefix}{branch}{item.type}"
            lines.append(f" +  {label:<{width}}{item.name}")
            walk(by_parent.get(item.urn, []), prefix + ("   " if last else "│  "))

    walk(roots, "")
    creates = len(run.registrations) + 1
    lines.append("")
    lines.append(f"Resources:\n    + {creates} to create")
    return "\n".join(lines)


def depth_of(run: ProgramRun, item: Registration) -> int:
    """How deep a registration sits under the stack."""
    parents = {r.urn: r.parent for r in run.registrations}
    depth, urn = 0, item.parent
    while urn in parents:
        depth, urn = depth + 1, parents[urn]
    return depth


def kubernetes_object(item: Registration) -> dict[str, Any] | None:
    """The Kubernetes object a `kubernetes:*` registration creates, secret values masked (keys and shape kept)."""
    if not item.type.startswith("kubernetes:") or not item.custom:
        return None
    inputs = mask(item.inputs)
    if "apiVersion" not in inputs or "kind" not in inputs:
        return None
    body = {k: v for k, v in inputs.items() if k not in {"apiVersion", "kind", "metadata"}}
    return {"apiVersion": inputs["apiVersion"], "kind": inputs["kind"], "metadata": inputs.get("metadata", {}), **body}


def manifests(run: ProgramRun) -> list[dict[str, Any]]:
    """Every Kubernetes object, in a deterministic, apply-friendly order."""
    objects = [o for o in (kubernetes_object(r) for r in run.registrations) if o is not None]

    def key(obj: dict[str, Any]) -> tuple[int, str, str]:
        kind = obj["kind"]
        rank = KIND_ORDER.index(kind) if kind in KIND_ORDER else len(KIND_ORDER)
        meta = mapping(obj.get("metadata"))
        return rank, str(meta.get("namespace", "")), str(meta.get("name", ""))

    return sorted(objects, key=key)


def manifests_yaml(run: ProgramRun) -> str:
    """Multi-document YAML of `manifests`."""
    return yaml.safe_dump_all(manifests(run), sort_keys=True, default_flow_style=False, explicit_start=True)


def resources_json(run: ProgramRun) -> str:
    """Every registered resource: type, name, parent, inputs; each value inside a secret is "[secret]" (`mask`)."""
    names = {r.urn: r.name for r in run.registrations}
    items = [
        {
            "type": r.type,
            "name": r.name,
            "urn": r.urn,
            "parent": names.get(r.parent),
            "custom": r.custom,
            "inputs": mask(r.inputs),
        }
        for r in sorted(run.registrations, key=lambda r: r.urn)
    ]
    return json.dumps({"project": run.project, "stack": run.stack, "resources": items}, indent=2, sort_keys=True) + "\n"
