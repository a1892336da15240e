"""What the cloud drops before an event reaches the EventSource, read from what a program registers.

S3 with notifications: the bucket notification's key prefix and suffix (sent URL-encoded, compared decoded here:
the blueprint refuses the characters whose encoding is unsettled). S3 through EventBridge: the rule's event pattern
(the operators this package writes: exact values, ``prefix``, ``suffix``, ``wildcard``, ``exists``,
``anything-but``, ``equals-ignore-case``). GCS: the notification's object name prefix and event types.
"""

import json
import re
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from pulumi_metaflow_blueprints.argo.spec import is_dict, is_list, is_mapping, items, mapping
from pulumi_metaflow_blueprints.offline import ProgramRun, Registration
from pulumi_metaflow_blueprints.offline.placeholders import MARK

__all__ = ["CloudRoute", "CloudRouteError", "PatternUnsupported", "cloud_route", "pattern_matches"]

Delivery = Literal["notification", "eventbridge", "gcs"]
_NOTIFICATION = "aws:s3/bucketNotification:BucketNotification"
_RULE = "aws:cloudwatch/eventRule:EventRule"
_GCS_NOTIFICATION = "gcp:storage/notification:Notification"


class CloudRouteError(ValueError):
    """The program registers no route this command can follow for the blueprint."""


class PatternUnsupported(ValueError):
    """An event pattern operator this module does not evaluate."""


@dataclass(frozen=True)
class CloudRoute:
    """How a bucket's events reach a blueprint's EventSource, and what is dropped on the way."""

    delivery: Delivery
    bucket: str
    region: str = ""
    prefix: str = ""
    suffix: str = ""
    configuration_id: str = ""
    """S3 notifications: the configuration id S3 puts in each record."""
    pattern: Mapping[str, object] | None = None
    """EventBridge: the rule's event pattern."""
    account: str = "000000000000"
    event_types: tuple[str, ...] = ()
    """S3 notification events (``s3:ObjectCreated:*``) or GCS event types (``OBJECT_FINALIZE``)."""

    def passes(self, key: str, event: Mapping[str, object] | None = None) -> bool:
        """Whether the cloud sends the event of ``key`` (for EventBridge, ``event`` is matched by the pattern)."""
        if self.pattern is not None:
            return event is not None and pattern_matches(self.pattern, event)
        return key.startswith(self.prefix) and key.endswith(self.suffix)


def _descendants(run: ProgramRun, root: Registration) -> list[Registration]:
    found: list[Registration] = []
    parents = {root.urn}
    for registration in run.registrations:  # registrations come after their parents
        if registration.parent in parents:
            parents.add(registration.urn)
            found.append(registration)
    return found


def _plain(value: object, what: str) -> str:
    if not isinstance(value, str) or not value or MARK in value:
        raise CloudRouteError(
            f"the program's {what} is not known offline ({value!r}): set it with --config so it is a plain value"
        )
    return value


def cloud_route(run: ProgramRun, blueprint: str) -> CloudRoute:
    """The route of component ``blueprint``'s bucket events (CloudRouteError when it registers none)."""
    owner = next((r for r in run.registrations if not r.custom and r.name == blueprint), None)
    if owner is None:
        raise CloudRouteError(f"no component named {blueprint!r}")
    children = _descendants(run, owner)
    for child in children:
        inputs = child.plain_inputs
        if child.type == _NOTIFICATION and inputs.get("queues"):
            queue = mapping(items(inputs.get("queues"))[0])
            arn = str(queue.get("queueArn", ""))
            return CloudRoute(
                "notification",
                _plain(inputs.get("bucket"), "bucket"),
                region=str(inputs.get("region") or _arn_part(arn, 3) or "us-east-1"),
                prefix=urllib.parse.unquote_plus(str(queue.get("filterPrefix") or "")),
                suffix=urllib.parse.unquote_plus(str(queue.get("filterSuffix") or "")),
                configuration_id=str(queue.get("id", "")),
                account=_account(arn),
                event_types=tuple(str(e) for e in items(queue.get("events"))),
            )
        if child.type == _RULE:
            pattern: object = json.loads(str(inputs.get("eventPattern") or "{}"))
            if not is_dict(pattern):
                raise CloudRouteError(f"the EventBridge rule {child.name!r} has no event pattern object")
            bucket = items(mapping(mapping(pattern.get("detail")).get("bucket")).get("name"))
            return CloudRoute(
                "eventbridge",
                _plain(bucket[0] if bucket else None, "bucket"),
                region=str(inputs.get("region") or "us-east-1"),
                pattern=pattern,
                account=_rule_account(run, child),
            )
        if child.type == _GCS_NOTIFICATION:
            return CloudRoute(
                "gcs",
                _plain(inputs.get("bucket"), "bucket"),
                prefix=str(inputs.get("objectNamePrefix") or ""),
                event_types=tuple(str(e) for e in items(inputs.get("eventTypes"))),
            )
    raise CloudRouteError(
        f"blueprint {blueprint!r} registers no S3 bucket notification, EventBridge rule or GCS notification"
    )


def _arn_part(arn: str, index: int) -> str:
    parts = arn.split(":")
    return parts[index] if len(parts) > 5 else ""


def _account(arn: str) -> str:
    account = _arn_part(arn, 4)
    return account if account.isdigit() else "000000000000"


def _rule_account(run: ProgramRun, rule: Registration) -> str:
    """The account of the rule's target queue (the bucket's account when they share one, as they do here)."""
    for registration in run.registrations:
        if registration.type == "aws:cloudwatch/eventTarget:EventTarget" and registration.parent == rule.parent:
            return _account(str(registration.plain_inputs.get("arn", "")))
    return "000000000000"


def pattern_matches(pattern: Mapping[str, object], event: Mapping[str, object]) -> bool:
    """Whether an EventBridge event pattern matches ``event`` (PatternUnsupported for operators not modelled)."""
    for key, wanted in pattern.items():
        present = key in event
        value = event.get(key)
        if is_mapping(wanted):
            if not (present and is_mapping(value) and pattern_matches(wanted, value)):
                return False
        elif is_list(wanted):
            if not any(_matches(rule, value, present) for rule in wanted):
                return False
        else:
            raise PatternUnsupported(f"pattern value of {key!r} is neither an object nor an array")
    return True


def _matches(rule: object, value: object, present: bool) -> bool:
    values = value if is_list(value) else [value]
    if not is_mapping(rule):
        return present and any(_same(rule, v) for v in values)
    ((operator, operand),) = rule.items() if len(rule) == 1 else (("several operators", None),)
    if operator == "exists":
        return present == bool(operand)
    if not present:
        return False
    if operator == "anything-but":
        excluded = operand if is_list(operand) else [operand]
        if any(is_mapping(e) for e in excluded):
            raise PatternUnsupported("anything-but with an operator")
        return not any(_same(e, v) for e in excluded for v in values)
    strings = [v for v in values if isinstance(v, str)]
    if operator == "prefix" and isinstance(operand, str):
        return any(v.startswith(operand) for v in strings)
    if operator == "suffix" and isinstance(operand, str):
        return any(v.endswith(operand) for v in strings)
    if operator == "equals-ignore-case" and isinstance(operand, str):
        return any(v.casefold() == operand.casefold() for v in strings)
    if operator == "wildcard" and isinstance(operand, str):
        regex = _wildcard_regex(operand)
        return any(regex.fullmatch(v) for v in strings)
    raise PatternUnsupported(f"event pattern operator {operator!r}")


def _same(expected: object, value: object) -> bool:
    if isinstance(expected, bool) or isinstance(value, bool):
        return expected is value
    if isinstance(expected, int | float) and isinstance(value, int | float):
        return float(expected) == float(value)
    return expected == value


def _wildcard_regex(pattern: str) -> re.Pattern[str]:
    """``*`` any characters; ``\\*`` and ``\\\\`` a literal star and backslash."""
    parts: list[str] = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "*\\":
            parts.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        parts.append(".*" if char == "*" else re.escape(char))
        i += 1
    return re.compile("".join(parts), re.DOTALL)
