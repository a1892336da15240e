"""The optional least-privilege role of `TableChangeTrigger`: it owns the stream, batch table, poster procedure and
task (so the task runs as this role) and is granted only what they use. Imports pulumi-snowflake: only the
component's constructor imports this module."""

from dataclasses import dataclass

import pulumi
import pulumi_snowflake as snowflake

from pulumi_metaflow_blueprints.snowflake.args import SnowflakeObjectKind
from pulumi_metaflow_blueprints.snowflake.identifiers import qualified, quote_identifier
from pulumi_metaflow_blueprints.snowflake.plan import RolePlan, SnowflakePlan
from pulumi_metaflow_blueprints.snowflake.resources import SnowflakeObjects

__all__ = ["GrantSpec", "create_role", "owned_objects", "role_grants"]


@dataclass(frozen=True)
class GrantSpec:
    """One privilege grant: on the account, on an account object, on a schema, or on a schema object."""

    suffix: str
    privileges: tuple[str, ...]
    account_object: tuple[str, str] | None = None
    """(object type, quoted name), e.g. ("WAREHOUSE", '"TRANSFORM_WH"')."""
    schema: str | None = None
    """The quoted schema, `"DB"."SCHEMA"`."""
    schema_object: tuple[str, str] | None = None
    """(object type, quoted fully qualified name)."""


def role_grants(plan: SnowflakePlan) -> list[GrantSpec]:
    """Every privilege the task's role needs beyond owning its objects."""
    managed = () if plan.warehouse else ("EXECUTE MANAGED TASK",)
    grants = [GrantSpec("account", ("EXECUTE TASK", *managed))]
    databases = dict.fromkeys([plan.source.database, plan.stream.database])
    schemas = dict.fromkeys(
        [qualified(plan.source.database, plan.source.schema), qualified(plan.stream.database, plan.stream.schema)]
    )
    grants += [
        GrantSpec(f"database-{i}", ("USAGE",), account_object=("DATABASE", quote_identifier(db)))
        for i, db in enumerate(databases)
    ]
    grants += [GrantSpec(f"schema-{i}", ("USAGE",), schema=schema) for i, schema in enumerate(schemas)]
    source_type = "VIEW" if plan.kind is SnowflakeObjectKind.VIEW else "TABLE"
    grants.append(GrantSpec("source", ("SELECT",), schema_object=(source_type, plan.source.qualified)))
    grants.append(GrantSpec("secret", ("READ",), schema_object=("SECRET", plan.secret.qualified)))
    grants.append(
        GrantSpec("integration", ("USAGE",), account_object=("INTEGRATION", quote_identifier(plan.integration)))
    )
    if plan.warehouse:
        grants.append(
            GrantSpec("warehouse", ("USAGE",), account_object=("WAREHOUSE", quote_identifier(plan.warehouse)))
        )
    return grants


def owned_objects(plan: SnowflakePlan) -> list[tuple[str, str, str]]:
    """(suffix, object type, name) of what the role owns; the task last, once the role can run it."""
    return [
        ("stream", "STREAM", plan.stream.qualified),
        ("batches", "TABLE", plan.batches.qualified),
        ("poster", "PROCEDURE", plan.poster_signature),
        ("task", "TASK", plan.task.qualified),
    ]


def _grant(
    parent: pulumi.Resource, name: str, role: str, spec: GrantSpec, waits: list[pulumi.Resource]
) -> snowflake.GrantPrivilegesToAccountRole:
    """Register one privilege grant to the role."""
    account_object = schema_object = None
    if spec.account_object:
        object_type, object_name = spec.account_object
        account_object = snowflake.GrantPrivilegesToAccountRoleOnAccountObjectArgs(
            object_type=object_type, object_name=object_name
        )
    if spec.schema_object:
        object_type, object_name = spec.schema_object
        schema_object = snowflake.GrantPrivilegesToAccountRoleOnSchemaObjectArgs(
            object_type=object_type, object_name=object_name
        )
    return snowflake.GrantPrivilegesToAccountRole(
        f"{name}-grant-{spec.suffix}",
        account_role_name=role,
        privileges=list(spec.privileges),
        on_account=True if not (spec.account_object or spec.schema or spec.schema_object) else None,
        on_account_object=account_object,
        on_schema=snowflake.GrantPrivilegesToAccountRoleOnSchemaArgs(schema_name=spec.schema) if spec.schema else None,
        on_schema_object=schema_object,
        opts=pulumi.ResourceOptions(parent=parent, depends_on=waits),
    )


def create_role(
    parent: pulumi.Resource, name: str, plan: SnowflakePlan, role: RolePlan, objects: SnowflakeObjects, comment: str
) -> list[pulumi.CustomResource]:
    """Register the role, its grant to the parent role, its privileges, then the ownership transfers (task last)."""
    quoted_role = quote_identifier(role.name)
    account_role = snowflake.AccountRole(
        f"{name}-role", name=role.name, comment=comment, opts=pulumi.ResourceOptions(parent=parent)
    )
    inherited = snowflake.GrantAccountRole(
        f"{name}-role-parent",
        role_name=quoted_role,
        parent_role_name=quote_identifier(role.parent),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[account_role]),
    )
    waits: list[pulumi.Resource] = [account_role, objects.secret, objects.integration]
    registered: list[pulumi.CustomResource] = [account_role, inherited]
    registered += [_grant(parent, name, quoted_role, spec, waits) for spec in role_grants(plan)]
    targets: dict[str, pulumi.Resource] = {
        "stream": objects.stream,
        "batches": objects.batches,
        "poster": objects.poster,
        "task": objects.task,
    }
    before: list[pulumi.Resource] = list(registered)
    for suffix, object_type, object_name in owned_objects(plan):
        ownership = snowflake.GrantOwnership(
            f"{name}-own-{suffix}",
            account_role_name=quoted_role,
            outbound_privileges="COPY",
            on=snowflake.GrantOwnershipOnArgs(object_type=object_type, object_name=object_name),
            opts=pulumi.ResourceOptions(parent=parent, depends_on=[*before, targets[suffix]]),
        )
        registered.append(ownership)
        before.append(ownership)
    return registered
