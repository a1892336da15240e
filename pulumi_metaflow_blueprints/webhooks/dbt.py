"""`DbtCloudJobTrigger`: a dbt Cloud job run finishing starts a Metaflow flow (dbt Cloud webhook -> Argo).

dbt Cloud signs each delivery with an HMAC-SHA256 of the body in the `Authorization` header, keyed by the webhook's
`hmac_secret`. Argo Events cannot check an HMAC, so by default a verifying receiver (`webhooks.verifying`) checks it
and forwards verified deliveries to the EventSource with its bearer token; `auth: secret-path` opts out (the endpoint
path carries an unguessable token instead, no verifier). The Sensor accepts only `job.run.completed` events of the
given account, jobs and statuses. Needs the extra `[dbt]` (pulumi-dbtcloud),
imported only here.
"""

from enum import Enum
from typing import TypedDict

import pulumi
from typing_extensions import NotRequired

from pulumi_metaflow_blueprints.argo.spec import is_list, mapping
from pulumi_metaflow_blueprints.core.args import FieldFilter, KubernetesSettings, SensorOptions, Target
from pulumi_metaflow_blueprints.core.arguments import blueprint_inputs
from pulumi_metaflow_blueprints.core.blueprint import publish_outputs, type_token
from pulumi_metaflow_blueprints.core.fields import EventPath, SourceField
from pulumi_metaflow_blueprints.core.filters import exact, string_filter
from pulumi_metaflow_blueprints.core.plan import plan_blueprint, require
from pulumi_metaflow_blueprints.core.sensor import create_sensor
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.webhooks.args import VerifierOptions, WebhookAuthMode, WebhookIngress
from pulumi_metaflow_blueprints.webhooks.fields import webhook_catalog
from pulumi_metaflow_blueprints.webhooks.receiver import create_receiver
from pulumi_metaflow_blueprints.webhooks.verifying import create_verifier, plan_signing_sender

__all__ = [
    "DBT_EVENT_TYPE",
    "DBT_JOB_RUN_FIELDS",
    "EVENT_NAME",
    "MAX_ID",
    "DbtCloudJobTrigger",
    "DbtCloudJobTriggerArgs",
    "DbtRunStatus",
    "check_job_ids",
    "check_statuses",
    "resolve_account_id",
]

EVENT_NAME = "job-run-completed"
DBT_EVENT_TYPE = "job.run.completed"


class DbtRunStatus(str, Enum):
    """How a dbt Cloud job run ended (`runStatus` of `job.run.completed`)."""

    SUCCESS = "Success"
    """The run succeeded (status code 10)."""
    ERRORED = "Errored"
    """The run failed (status code 20)."""
    CANCELLED = "Cancelled"
    """The run was cancelled (status code 30)."""


_BODY = EventPath(("body",))
_DATA = _BODY.child("data")
DBT_JOB_RUN_FIELDS = webhook_catalog(
    "dbt Cloud job run",
    [
        SourceField("account_id", _BODY.child("accountId"), "dbt Cloud account id (a JSON number).", "70403103926818"),
        SourceField("job_id", _DATA.child("jobId"), "Job id (a string).", "481516"),
        SourceField("job_name", _DATA.child("jobName"), "Job name.", "Nightly build"),
        SourceField("run_id", _DATA.child("runId"), "Run id (a string).", "2342"),
        SourceField("run_status", _DATA.child("runStatus"), "`Success`, `Errored` or `Cancelled`.", "Success"),
        SourceField("run_status_code", _DATA.child("runStatusCode"), "10, 20 or 30 (a JSON number).", "10"),
        SourceField("run_status_message", _DATA.child("runStatusMessage"), "Status message.", "None"),
        SourceField("run_reason", _DATA.child("runReason"), "Why the run started.", "Kicked off by schedule"),
        SourceField("environment_id", _DATA.child("environmentId"), "Environment id (a string).", "1234"),
        SourceField("environment_name", _DATA.child("environmentName"), "Environment name.", "Production"),
        SourceField("project_id", _DATA.child("projectId"), "Project id (a string).", "167194"),
        SourceField("project_name", _DATA.child("projectName"), "Project name.", "Analytics"),
        SourceField("dbt_version", _DATA.child("dbtVersion"), "dbt version of the run.", "1.10.0"),
        SourceField(
            "started_at", _DATA.child("runStartedAt"), "When the run started (ISO 8601).", "2026-11-20T08:28:07Z"
        ),
        SourceField(
            "finished_at", _DATA.child("runFinishedAt"), "When the run finished (ISO 8601).", "2026-11-20T08:29:32Z"
        ),
        SourceField("event_id", _BODY.child("eventId"), "Delivery id; identical on retries.", "wev_2L6Z3l8uPedXKPq9"),
        SourceField("event_type", _BODY.child("eventType"), "Always `job.run.completed` here.", DBT_EVENT_TYPE),
        SourceField("timestamp", _BODY.child("timestamp"), "When dbt Cloud sent the event.", "2026-11-20T08:29:32Z"),
        SourceField("data", _DATA, "The run object; `data.<key>` reaches inside.", json_object=True),
    ],
).identified_by("run_id", time="timestamp")


class DbtCloudJobTriggerArgs(TypedDict):
    """Arguments of `DbtCloudJobTrigger`."""

    job_ids: list[int]
    """dbt Cloud job ids whose finished runs start the targets."""
    statuses: NotRequired[list[DbtRunStatus]]
    """Run outcomes that start the targets. Defaults to `["Success"]`."""
    account_id: NotRequired[int]
    """dbt Cloud account id (the Sensor accepts only its events). Defaults to the stack's `dbtcloud:accountId`."""
    webhook_name: NotRequired[str]
    """Name of the dbt Cloud webhook subscription. Defaults to `metaflow-blueprints-<name>`."""
    auth: NotRequired[WebhookAuthMode]
    """`signature` (default): a verifying receiver checks dbt Cloud's signature; `secret-path`: no verifier, the URL
    path carries an unguessable token instead (the EventSource spec then holds it)."""
    verifier: NotRequired[VerifierOptions]
    """Image, replicas, NetworkPolicy and resources of the verifying receiver."""
    ingress: NotRequired[WebhookIngress]
    """The Ingress dbt Cloud posts through. Required unless `public_url` is given."""
    public_url: NotRequired[str]
    """HTTPS base URL at which you expose the receiver's Service yourself; the endpoint is appended."""
    kubernetes: KubernetesSettings
    """Namespaces, EventBus and labels of the Argo Events objects."""
    targets: list[Target]
    """What to start for each finished run: flows and/or Metaflow events."""
    filters: NotRequired[list[FieldFilter]]
    """Further Sensor filters on the run's fields (anchored), e.g. on `environment_name`."""
    sensor: NotRequired[SensorOptions]
    """Retry and rate limit of the Sensor's triggers."""


def check_job_ids(job_ids: list[int] | None, argument: str = "job_ids") -> list[int]:
    """Positive whole numbers (floats from other languages are accepted when whole), sorted and unique."""
    if not isinstance(job_ids, list) or not job_ids:
        raise BlueprintInputError(argument, "must list at least one dbt Cloud job id", "e.g. [481516]")
    checked: set[int] = set()
    for index, job_id in enumerate(job_ids):
        if not _is_id(job_id):
            fix = f"use the job's number from its URL (1 to {MAX_ID})"
            raise BlueprintInputError(f"{argument}[{index}]", f"{job_id!r} is not a job id", fix)
        checked.add(int(job_id))
    return sorted(checked)


MAX_ID = 2**53 - 1
"""The largest id a JSON number (and the Pulumi engine, which carries numbers as doubles) holds exactly."""


def _is_id(value: object) -> bool:
    """A whole number from 1 to `MAX_ID` (a whole float, as numbers arrive from other languages, counts)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return False
    return value == value and abs(value) != float("inf") and int(value) == value and 1 <= value <= MAX_ID


def check_statuses(statuses: object, argument: str = "statuses") -> list[str]:
    """Run statuses, defaulting to `Success`."""
    if statuses is None:
        return [DbtRunStatus.SUCCESS.value]
    allowed = [s.value for s in DbtRunStatus]
    if not is_list(statuses) or not statuses or any(s not in allowed for s in statuses):
        raise BlueprintInputError(argument, f"{statuses!r} are not dbt run statuses", f"use some of {allowed}")
    return [DbtRunStatus(s).value for s in dict.fromkeys(statuses)]


def resolve_account_id(account_id: int | None, argument: str = "account_id") -> int:
    """The explicit account id, else the stack's `dbtcloud:accountId`."""
    try:
        value = account_id if account_id is not None else pulumi.Config("dbtcloud").get_int("accountId")
    except pulumi.ConfigTypeError:
        fix = "set `dbtcloud:accountId` to the account's number, or pass `account_id`"
        raise BlueprintInputError(argument, "the stack's `dbtcloud:accountId` is not a whole number", fix) from None
    if value is None:
        raise BlueprintInputError(
            argument, "is not set and the stack has no `dbtcloud:accountId`", "pass `account_id` or set it in config"
        )
    if not _is_id(value):
        fix = f"use a whole number 1 to {MAX_ID}"
        raise BlueprintInputError(argument, f"{value!r} is not a dbt Cloud account id", fix)
    return int(value)


class DbtCloudJobTrigger(pulumi.ComponentResource):
    """A dbt Cloud job run finishing (successfully, by default) starts a Metaflow flow or publishes a Metaflow event.

    Creates the receiving side (a bearer token and its Secret, a `webhook` EventSource with its own Service, the
    verifying receiver dbt Cloud posts to, an Ingress), the dbt Cloud webhook subscription for `job.run.completed` of
    the given jobs, and the Sensor. With `auth: secret-path`: a random path token instead of the bearer token and the
    verifier.
    """

    url: pulumi.Output[str]
    """The URL dbt Cloud posts to (secret with `auth: secret-path`, where its path is the credential)."""
    webhook_id: pulumi.Output[str]
    """Id of the dbt Cloud webhook subscription."""
    hmac_secret: pulumi.Output[str]
    """The key dbt Cloud signs deliveries with, which the verifier checks (secret)."""
    event_source_name: pulumi.Output[str]
    """Name of the EventSource."""
    sensor_name: pulumi.Output[str]
    """Name of the Sensor."""
    workflow_templates: pulumi.Output[list[str]]
    """WorkflowTemplates the Sensor creates Workflows from."""

    def __init__(self, name: str, args: DbtCloudJobTriggerArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        with blueprint_inputs(DbtCloudJobTrigger, name, args) as args:
            try:
                import pulumi_dbtcloud as dbtcloud
            except ImportError as error:  # pragma: no cover - depends on the environment
                raise ImportError(
                    "DbtCloudJobTrigger needs `pip install pulumi-metaflow-blueprints[webhooks,dbt]`"
                ) from error

            job_ids = check_job_ids(require(args, "job_ids", "the dbt Cloud job ids, e.g. [481516]"))
            statuses = check_statuses(args.get("statuses"))
            account_id = resolve_account_id(args.get("account_id"))
            fields = DBT_JOB_RUN_FIELDS
            plan = plan_blueprint(
                DbtCloudJobTrigger,
                name,
                args,
                fields,
                event_name=EVENT_NAME,
                source_filters=[
                    string_filter(fields.resolve("event_type", "event_type"), exact([DBT_EVENT_TYPE])),
                    string_filter(fields.resolve("account_id", "account_id"), exact([str(account_id)])),
                    string_filter(fields.resolve("job_id", "job_ids"), exact([str(j) for j in job_ids])),
                    string_filter(fields.resolve("run_status", "statuses"), exact(statuses)),
                ],
            )
            webhook_name = mapping(args).get("webhook_name") or f"metaflow-blueprints-{plan.base}"
            if not isinstance(webhook_name, str) or len(webhook_name) > 255:
                raise BlueprintInputError("webhook_name", f"{webhook_name!r} is not a name", "use up to 255 characters")
            receiving, verifying = plan_signing_sender(plan, args, "dbt Cloud", "dbt-cloud")
        super().__init__(type_token(DbtCloudJobTrigger), name, None, opts)

        receiver = create_receiver(self, name, plan, receiving)
        waits = [r for r in (receiver.event_source, receiver.ingress) if r is not None]
        subscription = dbtcloud.Webhook(
            f"{name}-dbt-webhook",
            name=webhook_name,
            description=f"Starts Metaflow through Argo Events ({plan.namespace}/{plan.sensor_name}).",
            client_url=receiver.url,
            event_types=[DBT_EVENT_TYPE],
            job_ids=job_ids,
            active=True,
            opts=pulumi.ResourceOptions(parent=self, depends_on=waits),
        )
        if verifying is not None:
            create_verifier(self, name, verifying, receiver, subscription.hmac_secret)
        create_sensor(self, name, plan, depends_on=[receiver.event_source])

        publish_outputs(
            self,
            plan,
            url=receiver.url,
            webhook_id=subscription.id,
            hmac_secret=pulumi.Output.secret(subscription.hmac_secret),
        )
