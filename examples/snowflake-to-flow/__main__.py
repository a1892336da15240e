"""Every batch of changes to `ANALYTICS.RAW.ORDERS` starts `OrdersFlow` with the batch id and its row counts.

Configure the Snowflake provider with a role that may create streams, tables, secrets, network rules, procedures and
tasks in the schema, plus an external access integration and a role (`pulumi config set snowflake:role ACCOUNTADMIN`
for a first try; docs/blueprints/snowflake.md lists the privileges). Snowflake posts to
`https://<host>/orders-changes` from outside the cluster, so the Ingress must be public.
"""

import pulumi

from pulumi_metaflow_blueprints.snowflake import TableChangeTrigger

config = pulumi.Config()

orders = TableChangeTrigger(
    "orders-changes",
    {
        "database": config.require("database"),
        "schema": config.require("schema"),
        "table": config.require("table"),
        "warehouse": config.require("warehouse"),
        "schedule_seconds": 60,
        # The task runs as a role that owns only the stream, batch table, procedure and task.
        "role": {"parent_role": "SYSADMIN"},
        "ingress": {
            "host": config.require("host"),
            "class_name": "nginx",
            "tls_secret_name": config.require("tlsSecretName"),
        },
        "kubernetes": {
            "namespace": config.require("namespace"),
            "workflow_namespace": config.require("workflowNamespace"),
        },
        "targets": [
            {
                "flow": {
                    "flow": "OrdersFlow",
                    "parameters": {
                        "batch_id": "batch_id",
                        "inserted_rows": "inserted_rows",
                        "updated_rows": "updated_rows",
                        "deleted_rows": "deleted_rows",
                    },
                }
            }
        ],
    },
)

pulumi.export("url", orders.url)
pulumi.export("task", orders.task_name)
pulumi.export("batch_table", orders.batch_table_name)
pulumi.export("sensor", orders.sensor_name)
