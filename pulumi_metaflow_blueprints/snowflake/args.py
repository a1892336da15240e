"""Typed arguments the Snowflake blueprint's modules share (see core/args.py for the schema rules they follow); its
`TableChangeTriggerArgs` sits beside the blueprint."""

from enum import Enum
from typing import TypedDict

from typing_extensions import NotRequired

__all__ = ["SnowflakeObjectKind", "SnowflakeTaskRole"]


class SnowflakeObjectKind(str, Enum):
    """What the watched object is; it decides the stream (`StreamOnTable` or `StreamOnView`)."""

    TABLE = "table"
    """A table: its owner's role creates the stream, or change tracking is already on."""
    VIEW = "view"
    """A view: change tracking must be on for the view and its underlying tables."""


class SnowflakeTaskRole(TypedDict):
    """A role created for the task: it owns only the stream, batch table, procedure and task, and gets only the
    grants the task needs, so the task does not run with the deploying role's privileges."""

    parent_role: str
    """An existing role granted the new role, so Pulumi (deploying with it or a role above it) keeps managing the
    objects the new role owns. Snowflake recommends SYSADMIN, or a role under it."""
    name: NotRequired[str]
    """Name of the role (upper case). Defaults to `<name_prefix>_ROLE`."""
