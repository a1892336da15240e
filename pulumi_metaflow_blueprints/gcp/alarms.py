"""`alarms`: a Cloud Monitoring alert policy on a blueprint's dead-letter subscription, checked with the plan,
created in the Pub/Sub leg.

The policy's one condition is `pubsub.googleapis.com/subscription/num_undelivered_messages` (the subscription's
backlog, a gauge sampled every 60 seconds) of the dead-letter subscription above 0, aligned per minute by its
maximum; the filter names the monitored resource `pubsub_subscription` by its `project_id` and `subscription_id`
labels (Monitoring filter syntax: `resource.labels.<key> = "<value>"`).
"""

import functools
import re
from dataclasses import dataclass

import pulumi
import pulumi_gcp as gcp

from pulumi_metaflow_blueprints.core.arguments import checked_when_known
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.gcp.args import GcpAlarms

__all__ = [
    "DURATION_MAX",
    "METRIC",
    "NOTIFICATION_CHANNEL",
    "GcpAlarmPlan",
    "check_notification_channel",
    "create_dead_letter_alert",
    "dead_letter_filter",
    "plan_alarms",
]

METRIC = "pubsub.googleapis.com/subscription/num_undelivered_messages"
NOTIFICATION_CHANNEL = re.compile(r"^projects/[^/\s]+/notificationChannels/[^/\s]+$")
DURATION_MAX = 3600
_MINUTE = 60
"""Alert conditions take durations in whole minutes; Pub/Sub samples the backlog every minute."""


@dataclass(frozen=True)
class GcpAlarmPlan:
    """The checked `alarms` argument, defaults filled in."""

    notification_channels: list[pulumi.Input[str]]
    """The channels (each checked when known)."""
    duration_seconds: int


def check_notification_channel(value: object, argument: str) -> None:
    """A notification channel's resource name."""
    if not isinstance(value, str) or not NOTIFICATION_CHANNEL.fullmatch(value):
        raise BlueprintInputError(
            argument,
            f"{value!r} is not a notification channel",
            "give projects/<project>/notificationChannels/<id> (a NotificationChannel's id or name)",
        )


def plan_alarms(options: GcpAlarms | None) -> GcpAlarmPlan | None:
    """Check `alarms` (None: no alert policy)."""
    if options is None:
        return None
    given = options["notification_channels"]
    if not given:
        raise BlueprintInputError(
            "alarms.notification_channels", "is empty: nobody would be told", "name at least one notification channel"
        )
    channels = [
        checked_when_known(
            channel, functools.partial(check_notification_channel, argument=f"alarms.notification_channels[{index}]")
        )
        for index, channel in enumerate(given)
    ]
    duration = int(options.get("duration_seconds", 0))
    if not (0 <= duration <= DURATION_MAX and duration % _MINUTE == 0):
        raise BlueprintInputError(
            "alarms.duration_seconds",
            f"{duration!r} is not a whole number of minutes up to {DURATION_MAX} seconds",
            f"use a multiple of 60 from 0 to {DURATION_MAX}",
        )
    return GcpAlarmPlan(channels, duration)


def dead_letter_filter(project: str, subscription: str) -> str:
    """The Monitoring filter selecting the backlog of one subscription."""
    return (
        f'metric.type = "{METRIC}" AND resource.type = "pubsub_subscription" AND '
        f'resource.labels.project_id = "{project}" AND resource.labels.subscription_id = "{subscription}"'
    )


def create_dead_letter_alert(
    parent: pulumi.Resource,
    name: str,
    alarms: GcpAlarmPlan,
    *,
    project: str,
    subscription: str,
    dead_letter_subscription: str,
    labels: dict[str, str],
) -> gcp.monitoring.AlertPolicy:
    """`<name>-dead-letter-alert`: any message in ``dead_letter_subscription`` notifies the channels;
    ``subscription`` (the one the EventSource reads) is named in the documentation."""
    dead_letter = dead_letter_subscription
    content = (
        f"Events reached the dead-letter subscription `{dead_letter}` of project `{project}`: Pub/Sub could not "
        f"deliver them to Argo Events through the subscription `{subscription}`. Read them "
        f"(`gcloud pubsub subscriptions pull {dead_letter} --project {project} --limit 10`, without `--auto-ack`, "
        f"leaves them there), fix the cause, publish them again to the topic `{subscription}` reads, then "
        f"acknowledge them in `{dead_letter}`."
    )
    return gcp.monitoring.AlertPolicy(
        f"{name}-dead-letter-alert",
        project=project,
        display_name=f"Dead letters in {dead_letter}",
        combiner="OR",
        conditions=[
            gcp.monitoring.AlertPolicyConditionArgs(
                display_name=f"{dead_letter} holds messages",
                condition_threshold=gcp.monitoring.AlertPolicyConditionConditionThresholdArgs(
                    filter=dead_letter_filter(project, dead_letter),
                    comparison="COMPARISON_GT",
                    threshold_value=0,
                    duration=f"{alarms.duration_seconds}s",
                    aggregations=[
                        gcp.monitoring.AlertPolicyConditionConditionThresholdAggregationArgs(
                            alignment_period=f"{_MINUTE}s", per_series_aligner="ALIGN_MAX"
                        )
                    ],
                    trigger=gcp.monitoring.AlertPolicyConditionConditionThresholdTriggerArgs(count=1),
                ),
            )
        ],
        notification_channels=alarms.notification_channels,
        documentation=gcp.monitoring.AlertPolicyDocumentationArgs(content=content, mime_type="text/markdown"),
        user_labels=labels,
        opts=pulumi.ResourceOptions(parent=parent),
    )
