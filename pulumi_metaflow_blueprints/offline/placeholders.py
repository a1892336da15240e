"""Plausible, clearly marked placeholder values for what the cloud would compute, for offline runs.

Each source package supplies its provider's values (`registry.SourcePackage.resource_state` / `invoke_result`);
what no package claims keeps its inputs, with an id naming the resource.
"""

from typing import Any

from pulumi_metaflow_blueprints.registry import source_packages

__all__ = ["ACCOUNT", "MARK", "invoke_result", "resource_state"]

ACCOUNT = "000000000000"
"""The placeholder AWS account id: every ARN that shows it was computed offline."""
MARK = "placeholder"


def _random(type_: str, name: str) -> dict[str, Any]:
    """pulumi-random's results (several source packages generate tokens with it)."""
    if type_ == "random:index/randomPassword:RandomPassword":
        return {"result": f"{MARK}-token-for-{name}"}
    if type_ == "random:index/randomId:RandomId":
        return {
            "hex": f"{MARK}-hex-for-{name}",
            "b64Url": f"{MARK}-b64url-for-{name}",
            "b64Std": f"{MARK}-b64std-for-{name}",
            "dec": "0",
        }
    return {}


def resource_state(type_: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """(id, outputs) for a registered resource: its inputs plus the attributes the provider would compute."""
    for package in source_packages():
        claimed = package.resource_state(type_, name, inputs)
        if claimed is not None:
            resource_id, computed = claimed
            return resource_id, {**inputs, **computed}
    return f"{MARK}-{name}", {**inputs, **_random(type_, name)}


def invoke_result(token: str, args: dict[str, Any]) -> dict[str, Any]:
    """Results of data-source calls (invokes)."""
    for package in source_packages():
        result = package.invoke_result(token, args)
        if result is not None:
            return result
    return {}
