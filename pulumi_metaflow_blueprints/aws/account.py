"""The deploying AWS account, the region and the default names every AWS blueprint shares."""

import re
import weakref
from typing import Any

import pulumi
import pulumi_aws as aws

from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.naming import stable_hash

__all__ = ["REGION", "caller_account", "default_name", "resolve_region"]

REGION = re.compile(r"^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d$", re.ASCII)
_NOT_IN_NAME = re.compile(r"[^A-Za-z0-9_-]")


def resolve_region(region: str | None) -> str:
    """The explicit region, else the stack's `aws:region`, checked; the EventSource and queue must agree."""
    value = region or pulumi.Config("aws").get("region")
    if not value:
        raise BlueprintInputError(
            "region", "is not set and the stack has no `aws:region`", "pass `region` or set aws:region"
        )
    if not REGION.fullmatch(value):
        raise BlueprintInputError("region", f"{value!r} is not an AWS region", "use a region code like us-west-2")
    return value


def default_name(base: str, max_length: int) -> str:
    """`<project>-<stack>-<base>` in `[A-Za-z0-9_-]`, shortened stably to ``max_length`` (queues, rules, pipes)."""
    raw = _NOT_IN_NAME.sub("-", f"{pulumi.get_project()}-{pulumi.get_stack()}-{base}")
    if len(raw) <= max_length:
        return raw
    digest = stable_hash(raw)
    return f"{raw[: max_length - len(digest) - 1]}-{digest}"


_CALLER: "weakref.WeakKeyDictionary[pulumi.Resource, dict[Any, tuple[pulumi.Output[str], pulumi.Output[str]]]]" = (
    weakref.WeakKeyDictionary()
)
_BY_PARENT: "weakref.WeakKeyDictionary[pulumi.Resource, tuple[pulumi.Output[str], pulumi.Output[str]]]" = (
    weakref.WeakKeyDictionary()
)


def caller_account(parent: pulumi.Resource) -> tuple[pulumi.Output[str], pulumi.Output[str]]:
    """The deploying account id and partition, looked up once per AWS provider of the stack (each lookup is a
    provider call): components with the same provider share the first one's (per component without a root stack)."""
    found = _BY_PARENT.get(parent)  # a component asks up to three times; its provider does not change
    if found is not None:
        return found
    lookups = _CALLER.setdefault(pulumi.runtime.get_root_resource() or parent, {})
    provider = parent.get_provider("aws:index/getCallerIdentity:getCallerIdentity")
    found = lookups.get(provider)
    if found is None:
        invoke = pulumi.InvokeOutputOptions(parent=parent)
        found = aws.get_caller_identity_output(opts=invoke).account_id, aws.get_partition_output(opts=invoke).partition
        lookups[provider] = found
    _BY_PARENT[parent] = found
    return found
