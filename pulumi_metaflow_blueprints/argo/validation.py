"""The Argo Events v1.9 controller's Sensor and EventSource validation, in pure Python.

The installed CRDs accept any spec, so a spec the controller rejects is only reported later in the object's
status. These functions find those problems before anything is created. They mirror
``pkg/reconciler/sensor/validate.go`` and ``pkg/reconciler/eventsource/validate.go`` (which runs each event
source's ``ValidateEventSource``), but report every problem, not only the first, each starting with its JSON
path.

Rules whose message says "blueprint rule" are stricter than the controller: it accepts those specs, but they
cannot work (a parameter naming no dependency silently falls back to its default value, a webhook endpoint
without a leading slash never matches a request). Not mirrored: the NATS-streaming EventBus rule (it needs the
EventBus).
"""

import json
import re
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from pulumi_metaflow_blueprints.errors import ArgoSpecError

LOGICAL_OPERATORS = ("and", "or")
COMPARATORS = (">=", ">", "=", "!=", "<", "<=")
K8S_OPERATIONS = ("create", "update", "patch", "delete")
ARGO_WORKFLOW_OPERATIONS = (
    "submit", "submit-from", "suspend", "retry", "resume", "resubmit", "terminate", "stop"
)  # fmt: skip
HTTP_METHODS = ("GET", "DELETE", "PATCH", "POST", "PUT")
PARAMETER_OPERATIONS = ("append", "overwrite", "prepend")

# pkg/apis/events/v1alpha1 RecreateStrategyEventSources, as EventSourceSpec JSON keys.
RECREATE_EVENT_SOURCES = frozenset(
    {
        "amqp", "azureEventsHub", "azureServiceBus", "calendar", "emitter", "file", "generic", "hdfs",
        "kafka", "minio", "mqtt", "nats", "nsq", "pubSub", "pulsar", "redis", "redisStream", "resource",
        "sftp",
    }
)  # fmt: skip
ROLLING_EVENT_SOURCES = frozenset(
    {
        "azureQueueStorage", "bitbucket", "bitbucketserver", "gerrit", "github", "gitlab", "mns", "slack",
        "sns", "sqs", "storageGrid", "stripe", "webhook",
    }
)  # fmt: skip
EVENT_SOURCE_TYPES = RECREATE_EVENT_SOURCES | ROLLING_EVENT_SOURCES

Problems = list[str]
_SIMPLE_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_GO_INT = re.compile(r"[+-]?[0-9]+")
_CLOCK = re.compile(r"([0-9]{1,2}):([0-9]{2}):([0-9]{2})((?:[.,][0-9]+)?)")
_GO_DURATION = re.compile(r"[+-]?(?:0|(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:ns|us|µs|μs|ms|s|m|h))+)")
_MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTHS = {m: i + 1 for i, m in enumerate(_MONTH_NAMES)}
_WEEKDAYS = {d: i for i, d in enumerate(("sun", "mon", "tue", "wed", "thu", "fri", "sat"))}
_CRON_FIELDS: tuple[tuple[str, int, int, Mapping[str, int]], ...] = (
    ("minute", 0, 59, {}),
    ("hour", 0, 23, {}),
    ("day-of-month", 1, 31, {}),
    ("month", 1, 12, _MONTHS),
    ("day-of-week", 0, 6, _WEEKDAYS),
)


def sensor_problems(spec: Mapping[str, Any]) -> list[str]:
    """Every rule of the controller's ``ValidateSensor`` that ``spec`` (a Sensor's ``spec``) breaks."""
    dependencies = _items(spec.get("dependencies"))
    dependency_names = {_text(dep, "name") for dep in map(_mapping, dependencies)} - {""}
    return _dependencies_problems(dependencies) + _triggers_problems(_items(spec.get("triggers")), dependency_names)


def event_source_problems(spec: Mapping[str, Any]) -> list[str]:
    """Every rule of the controller's ``ValidateEventSource`` that ``spec`` (an EventSource's spec) breaks."""
    problems: Problems = []
    first_use: dict[str, str] = {}
    present: list[str] = []
    for kind, events in spec.items():
        if kind not in EVENT_SOURCE_TYPES or not isinstance(events, Mapping) or not events:
            continue
        present.append(kind)
        for event_name, source in events.items():
            path = _child(kind, str(event_name))
            if event_name in first_use:
                problems.append(
                    f"{path}: event name {event_name!r} is also used by {first_use[event_name]}; event names "
                    "must be unique across all event-source types of one EventSource"
                )
            else:
                first_use[event_name] = path
            check = _EVENT_SOURCE_CHECKS.get(kind)
            if check is not None:
                problems += check(_mapping(source), path)
    recreate = [kind for kind in present if kind in RECREATE_EVENT_SOURCES]
    rolling = [kind for kind in present if kind in ROLLING_EVENT_SOURCES]
    if recreate and rolling:
        problems.append(
            f"spec: {', '.join(recreate)} (deployed with the Recreate strategy) cannot share one EventSource "
            f"with {', '.join(rolling)} (deployed with RollingUpdate); split them into separate EventSources"
        )
    return problems


def check_sensor(name: str, spec: Mapping[str, Any]) -> None:
    """Raise ``ArgoSpecError`` if the controller would reject Sensor ``name`` with ``spec``."""
    problems = sensor_problems(spec)
    if problems:
        raise ArgoSpecError("Sensor", name, problems)


def check_event_source(name: str, spec: Mapping[str, Any]) -> None:
    """Raise ``ArgoSpecError`` if the controller would reject EventSource ``name`` with ``spec``."""
    problems = event_source_problems(spec)
    if problems:
        raise ArgoSpecError("EventSource", name, problems)


# --- Sensor: dependencies (validateDependencies, validateEventFilter) ---


def _dependencies_problems(dependencies: list[Any]) -> Problems:
    if not dependencies:
        return ["dependencies: at least one dependency is required"]
    problems: Problems = []
    first_use: dict[str, int] = {}
    for index, raw in enumerate(dependencies):
        path = f"dependencies[{index}]"
        dep = _mapping(raw)
        for field in ("name", "eventSourceName", "eventName"):
            if not _text(dep, field):
                problems.append(f"{path}.{field}: required (a non-empty string)")
        name = _text(dep, "name")
        if name in first_use:
            problems.append(
                f"{path}.name: {name!r} is also the name of dependencies[{first_use[name]}]; dependency "
                "names must be unique" + _beyond("triggers and parameters address dependencies by name")
            )
        elif name:
            first_use[name] = index
        problems += _logical_operator_problems(dep, "filtersLogicalOperator", path)
        if dep.get("filters") is not None:
            problems += _filter_problems(_mapping(dep["filters"]), f"{path}.filters")
    return problems


def _logical_operator_problems(owner: Mapping[str, Any], key: str, path: str) -> Problems:
    value = _text(owner, key)
    if value and value not in LOGICAL_OPERATORS:
        return [f"{path}.{key}: {value!r} is not supported; allowed: 'and', 'or' or empty (and)"]
    return []


def _filter_problems(filters: Mapping[str, Any], path: str) -> Problems:
    problems = _logical_operator_problems(filters, "exprLogicalOperator", path)
    problems += _logical_operator_problems(filters, "dataLogicalOperator", path)
    for index, raw in enumerate(_items(filters.get("exprs"))):
        problems += _expr_filter_problems(_mapping(raw), f"{path}.exprs[{index}]")
    for index, raw in enumerate(_items(filters.get("data"))):
        problems += _data_filter_problems(_mapping(raw), f"{path}.data[{index}]")
    if filters.get("context") is not None:
        context = _mapping(filters["context"])
        if not any(_text(context, key) for key in ("type", "subject", "source", "datacontenttype")):
            problems.append(
                f"{path}.context: set at least one of type, subject, source, datacontenttype (an empty "
                "context filter discards every event)"
            )
    if filters.get("time") is not None:
        problems += _time_filter_problems(_mapping(filters["time"]), f"{path}.time")
    return problems


def _expr_filter_problems(expr: Mapping[str, Any], path: str) -> Problems:
    problems: Problems = []
    if not _text(expr, "expr"):
        problems.append(f"{path}.expr: required (a non-empty expression)")
    fields = _items(expr.get("fields"))
    if not fields:
        problems.append(f"{path}.fields: at least one field (name and path) is required")
    for index, raw in enumerate(fields):
        field = _mapping(raw)
        for key in ("name", "path"):
            if not _text(field, key):
                problems.append(f"{path}.fields[{index}].{key}: required (a non-empty string)")
    return problems


def _data_filter_problems(data: Mapping[str, Any], path: str) -> Problems:
    problems: Problems = []
    comparator = _text(data, "comparator")
    if comparator and comparator not in COMPARATORS:
        problems.append(
            f"{path}.comparator: {comparator!r} is not supported; allowed: "
            f"{', '.join(repr(c) for c in COMPARATORS)} or empty (=)"
        )
    for key in ("path", "type"):
        if not _text(data, key):
            problems.append(f"{path}.{key}: required (a non-empty string)")
    values = _items(data.get("value"))
    if not values:
        problems.append(f"{path}.value: at least one value is required")
    for index, value in enumerate(values):
        if not isinstance(value, str) or not value:
            problems.append(f"{path}.value[{index}]: must be a non-empty string")
    return problems


def _time_filter_problems(window: Mapping[str, Any], path: str) -> Problems:
    timezone = _text(window, "timezone")
    if timezone and not _is_timezone(timezone):
        return [f"{path}.timezone: {timezone!r} is not an IANA time zone name (e.g. 'Europe/London')"]
    problems: Problems = []
    clocks: list[tuple[int, int, int, str] | None] = []
    for key in ("start", "stop"):
        clock = _parse_clock(_text(window, key))
        clocks.append(clock)
        if clock is None:
            problems.append(f"{path}.{key}: {_text(window, key)!r} is not a time of day in hh:mm:ss format")
    if clocks[0] is not None and clocks[0] == clocks[1]:
        problems.append(f"{path}.stop: must differ from start ({_text(window, 'start')!r})")
    return problems


# --- Sensor: triggers (validateTriggers, validateTrigger and the per-type checks) ---


def _triggers_problems(triggers: list[Any], dependency_names: set[str]) -> Problems:
    if not triggers:
        return ["triggers: at least one trigger is required"]
    problems: Problems = []
    first_use: dict[str, int] = {}
    for index, raw in enumerate(triggers):
        trigger = _mapping(raw)
        problems += _trigger_problems(trigger, f"triggers[{index}]", dependency_names)
        name = _text(_mapping(trigger.get("template")), "name")
        if name in first_use:
            problems.append(
                f"triggers[{index}].template.name: {name!r} is also the name of triggers[{first_use[name]}]; "
                "trigger names must be unique"
            )
        elif name:
            first_use[name] = index
    return problems


def _trigger_problems(trigger: Mapping[str, Any], path: str, dependency_names: set[str]) -> Problems:
    if trigger.get("template") is None:
        problems = [f"{path}.template: required"]
    else:
        problems = _template_problems(_mapping(trigger["template"]), f"{path}.template", dependency_names)
        problems += _policy_problems(trigger, path)
    problems += _parameters_problems(trigger, "parameters", path, dependency_names)
    if trigger.get("dlqTrigger") is not None:
        dlq = _mapping(trigger["dlqTrigger"])
        if trigger.get("atLeastOnce") is not True:
            problems.append(f"{path}.atLeastOnce: must be true to use dlqTrigger")
        if dlq.get("atLeastOnce") is not True:
            problems.append(f"{path}.dlqTrigger.atLeastOnce: must be true")
        problems += _trigger_problems(dlq, f"{path}.dlqTrigger", dependency_names)
    return problems


def _template_problems(template: Mapping[str, Any], path: str, dependency_names: set[str]) -> Problems:
    problems: Problems = []
    if not _text(template, "name"):
        problems.append(f"{path}.name: required (a non-empty string)")
    for index, raw in enumerate(_items(template.get("conditionsReset"))):
        problems += _conditions_reset_problems(_mapping(raw), f"{path}.conditionsReset[{index}]")
    for kind, check in _TRIGGER_CHECKS.items():
        if template.get(kind) is not None:
            problems += check(_mapping(template[kind]), f"{path}.{kind}", dependency_names)
    return problems


def _conditions_reset_problems(reset: Mapping[str, Any], path: str) -> Problems:
    if reset.get("byTime") is None:
        return [f"{path}.byTime: required (conditionsReset only supports byTime)"]
    by_time = _mapping(reset["byTime"])
    problems: Problems = []
    cron = _text(by_time, "cron")
    error = _cron_error(cron)
    if error is not None:
        problems.append(
            f"{path}.byTime.cron: {cron!r} is not a valid cron expression ({error}); use 5 fields: minute "
            "hour day-of-month month day-of-week"
        )
    timezone = _text(by_time, "timezone")
    if not _is_timezone(timezone):
        problems.append(f"{path}.byTime.timezone: {timezone!r} is not an IANA time zone name (or empty: UTC)")
    return problems


def _k8s_problems(trigger: Mapping[str, Any], path: str, dependency_names: set[str]) -> Problems:
    problems = _required(trigger, path, "source")
    operation = _text(trigger, "operation")
    if operation and operation not in K8S_OPERATIONS:
        problems.append(
            f"{path}.operation: {operation!r} is not supported; allowed: {', '.join(K8S_OPERATIONS)} or empty (create)"
        )
    return problems + _parameters_problems(trigger, "parameters", path, dependency_names)


def _argo_workflow_problems(trigger: Mapping[str, Any], path: str, dependency_names: set[str]) -> Problems:
    problems = _required(trigger, path, "source")
    operation = _text(trigger, "operation")
    if operation not in ARGO_WORKFLOW_OPERATIONS:
        problems.append(
            f"{path}.operation: {operation!r} is not supported; allowed: "
            f"{', '.join(ARGO_WORKFLOW_OPERATIONS)} (it has no default)"
        )
    return problems + _parameters_problems(trigger, "parameters", path, dependency_names)


def _http_problems(trigger: Mapping[str, Any], path: str, dependency_names: set[str]) -> Problems:
    problems = _required_text(trigger, path, "url")
    method = _text(trigger, "method")
    if method and method not in HTTP_METHODS:
        problems.append(
            f"{path}.method: {method!r} is not supported; allowed: {', '.join(HTTP_METHODS)} or empty (POST)"
        )
    problems += _parameters_problems(trigger, "parameters", path, dependency_names)
    return problems + _parameters_problems(trigger, "payload", path, dependency_names, dest_required=False)


def _aws_lambda_problems(trigger: Mapping[str, Any], path: str, dependency_names: set[str]) -> Problems:
    problems = _required_text(trigger, path, "functionName", "region") + _required(trigger, path, "payload")
    problems += _parameters_problems(trigger, "parameters", path, dependency_names)
    return problems + _parameters_problems(trigger, "payload", path, dependency_names)


def _kafka_problems(trigger: Mapping[str, Any], path: str, dependency_names: set[str]) -> Problems:
    problems = _required_text(trigger, path, "url", "topic") + _required(trigger, path, "payload")
    return problems + _parameters_problems(trigger, "payload", path, dependency_names)


def _nats_problems(trigger: Mapping[str, Any], path: str, dependency_names: set[str]) -> Problems:
    problems = _required_text(trigger, path, "url", "subject") + _required(trigger, path, "payload")
    return problems + _parameters_problems(trigger, "payload", path, dependency_names)


def _slack_problems(trigger: Mapping[str, Any], path: str, dependency_names: set[str]) -> Problems:
    problems = _required(trigger, path, "slackToken")
    return problems + _parameters_problems(trigger, "parameters", path, dependency_names)


def _open_whisk_problems(trigger: Mapping[str, Any], path: str, dependency_names: set[str]) -> Problems:
    problems = _required_text(trigger, path, "actionName", "host")
    if trigger.get("authToken") is not None:
        problems += _required_text(_mapping(trigger["authToken"]), f"{path}.authToken", "name", "key")
    problems += _parameters_problems(trigger, "parameters", path, dependency_names)
    problems += _required(trigger, path, "payload")
    return problems + _parameters_problems(trigger, "payload", path, dependency_names)


def _custom_problems(trigger: Mapping[str, Any], path: str, dependency_names: set[str]) -> Problems:
    problems = _required_text(trigger, path, "serverURL") + _required(trigger, path, "spec")
    if trigger.get("secure") is True and trigger.get("certSecret") is None:
        problems.append(f"{path}.certSecret: required when secure is true")
    return problems + _parameters_problems(trigger, "parameters", path, dependency_names)


def _email_problems(trigger: Mapping[str, Any], path: str, dependency_names: set[str]) -> Problems:
    problems = _required_text(trigger, path, "host")
    port = trigger.get("port", 0)
    if not isinstance(port, int) or isinstance(port, bool) or not 0 <= port <= 65535:
        problems.append(f"{path}.port: {port!r} is not a port number between 0 and 65535")
    return problems + _parameters_problems(trigger, "parameters", path, dependency_names)


_TRIGGER_CHECKS: dict[str, Callable[[Mapping[str, Any], str, set[str]], Problems]] = {
    "k8s": _k8s_problems,
    "argoWorkflow": _argo_workflow_problems,
    "http": _http_problems,
    "awsLambda": _aws_lambda_problems,
    "kafka": _kafka_problems,
    "nats": _nats_problems,
    "slack": _slack_problems,
    "openWhisk": _open_whisk_problems,
    "custom": _custom_problems,
    "email": _email_problems,
}


def _parameters_problems(
    owner: Mapping[str, Any], key: str, path: str, dependency_names: set[str], *, dest_required: bool = True
) -> Problems:
    """validateTriggerParameter (or, for an HTTP payload, validateTriggerParameterForHTTP) on each item."""
    problems: Problems = []
    for index, raw in enumerate(_items(owner.get(key))):
        item_path = f"{path}.{key}[{index}]"
        parameter = _mapping(raw)
        if parameter.get("src") is None:
            problems.append(f"{item_path}.src: required (with the dependencyName the value comes from)")
        else:
            dependency = _text(_mapping(parameter["src"]), "dependencyName")
            if not dependency:
                problems.append(f"{item_path}.src.dependencyName: required (a non-empty string)")
            elif dependency not in dependency_names:
                problems.append(
                    f"{item_path}.src.dependencyName: {dependency!r} names no dependency of this Sensor"
                    + _beyond("the parameter would silently fall back to its default value")
                )
        if dest_required and not _text(parameter, "dest"):
            problems.append(f"{item_path}.dest: required (the JSON path of the key to set)")
        operation = _text(parameter, "operation")
        if operation and operation not in PARAMETER_OPERATIONS:
            problems.append(
                f"{item_path}.operation: {operation!r} is not supported; allowed: "
                f"{', '.join(PARAMETER_OPERATIONS)} or empty (overwrite)"
            )
    return problems


def _policy_problems(trigger: Mapping[str, Any], path: str) -> Problems:
    """validateTriggerPolicy: only the policy for the first matching trigger type is checked."""
    if trigger.get("policy") is None:
        return []
    policy, template = _mapping(trigger["policy"]), _mapping(trigger.get("template"))
    if template.get("k8s") is not None or template.get("argoWorkflow") is not None:
        section, field, meaning = "k8s", "labels", "the labels that mark the resource as successful"
    elif template.get("http") is not None or template.get("awsLambda") is not None:
        section, field, meaning = "status", "allow", "the list of allowed response statuses"
    else:
        return []
    if policy.get(section) is not None and _mapping(policy[section]).get(field) is None:
        return [f"{path}.policy.{section}.{field}: required ({meaning})"]
    return []


# --- EventSource: per-type ValidateEventSource ---


def _webhook_context_problems(context: Mapping[str, Any], path: str) -> Problems:
    """pkg/eventsources/common/webhook ValidateWebhookContext."""
    problems = _required_text(context, path, "endpoint")
    port = context.get("port")
    if not isinstance(port, str) or not _is_go_int(port):
        problems.append(f"{path}.port: {port!r} is not a port number as a string of digits (e.g. '12000')")
    endpoint = _text(context, "endpoint")
    if endpoint and not endpoint.startswith("/"):
        problems.append(
            f"{path}.endpoint: {endpoint!r} must start with '/'" + _beyond("the route would never match a request")
        )
    return problems


def _webhook_problems(source: Mapping[str, Any], path: str) -> Problems:
    problems = _webhook_context_problems(source, path)
    method = _text(source, "method")
    if not method or method != method.upper():
        problems.append(
            f"{path}.method: {method!r} must be an upper-case HTTP method such as 'POST'"
            + _beyond("every request whose method differs is refused")
        )
    return problems


def _sns_problems(source: Mapping[str, Any], path: str) -> Problems:
    problems = _required_text(source, path, "topicArn", "region")
    if source.get("webhook") is None:
        return [*problems, f"{path}.webhook: required (the HTTP endpoint SNS delivers to)"]
    return problems + _webhook_context_problems(_mapping(source["webhook"]), f"{path}.webhook")


def _sqs_problems(source: Mapping[str, Any], path: str) -> Problems:
    return _required_text(source, path, "region", "queue")


def _pub_sub_problems(source: Mapping[str, Any], path: str) -> Problems:
    problems: Problems = []
    if _text(source, "topicProjectID") and not _text(source, "topic"):
        problems.append(f"{path}.topicProjectID: can only be set together with topic")
    if not _text(source, "topic") and not _text(source, "subscriptionID"):
        problems.append(f"{path}: set topic or subscriptionID")
    return problems


def _calendar_problems(source: Mapping[str, Any], path: str) -> Problems:
    schedule, interval = _text(source, "schedule"), _text(source, "interval")
    if schedule:
        error = _cron_error(schedule)
        if error is not None:
            return [f"{path}.schedule: {schedule!r} is not a valid 5-field cron expression ({error})"]
    elif interval:
        if not _GO_DURATION.fullmatch(interval):
            return [f"{path}.interval: {interval!r} is not a Go duration such as '30s', '5m' or '1h30m'"]
    else:
        return [f"{path}: set schedule or interval"]
    return []


_EVENT_SOURCE_CHECKS: dict[str, Callable[[Mapping[str, Any], str], Problems]] = {
    "webhook": _webhook_problems,
    "sns": _sns_problems,
    "sqs": _sqs_problems,
    "pubSub": _pub_sub_problems,
    "calendar": _calendar_problems,
}


# --- Parsers mirroring Go behaviour ---


def _cron_error(spec: str) -> str | None:
    """Why robfig/cron v3 with Minute|Hour|Dom|Month|Dow fields rejects ``spec`` (None if it accepts it)."""
    if not spec:
        return "empty spec"
    if spec.startswith(("TZ=", "CRON_TZ=")):
        head, _, rest = spec.partition(" ")
        zone = head.partition("=")[2]
        if not rest or not _is_timezone(zone):
            return f"bad location {zone!r}"
        spec = rest.strip()
    if spec.startswith("@"):
        return "descriptors such as '@daily' are not accepted"
    fields = spec.split()
    if len(fields) != len(_CRON_FIELDS):
        return f"expected exactly 5 fields, found {len(fields)}"
    for text, (label, low, high, names) in zip(fields, _CRON_FIELDS, strict=True):
        for part in text.split(","):
            error = _cron_range_error(part, low, high, names)
            if error is not None:
                return f"{label} {text!r}: {error}"
    return None


def _cron_range_error(expr: str, low: int, high: int, names: Mapping[str, int]) -> str | None:
    range_and_step = expr.split("/")
    bounds = range_and_step[0].split("-")
    if bounds[0] in ("*", "?"):
        start, end = low, high
    else:
        if len(bounds) > 2:
            return "too many hyphens"
        first, last = _cron_number(bounds[0], names), _cron_number(bounds[-1], names)
        if first is None or last is None:
            return f"cannot parse {range_and_step[0]!r}"
        start, end = first, last
    step = 1
    if len(range_and_step) > 2:
        return "too many slashes"
    if len(range_and_step) == 2:
        parsed_step = _cron_number(range_and_step[1], {})
        if parsed_step is None:
            return f"cannot parse step {range_and_step[1]!r}"
        step = parsed_step
        if len(bounds) == 1:
            end = high
    if start < low or end > high:
        return f"out of range {low}-{high}"
    if start > end:
        return f"range start {start} is beyond its end {end}"
    if step == 0:
        return "step must be positive"
    return None


def _cron_number(text: str, names: Mapping[str, int]) -> int | None:
    if text.lower() in names:
        return names[text.lower()]
    if _is_go_int(text) and int(text) >= 0:
        return int(text)
    return None


def _is_go_int(text: str) -> bool:
    """Whether Go's ``strconv.Atoi`` accepts ``text``."""
    return bool(_GO_INT.fullmatch(text)) and -(2**63) <= int(text) < 2**63


def _parse_clock(text: str) -> tuple[int, int, int, str] | None:
    """``text`` parsed like Go's ``time.Parse("15:04:05", text)``, or None."""
    match = _CLOCK.fullmatch(text)
    if match is None:
        return None
    hour, minute, second = (int(match.group(i)) for i in (1, 2, 3))
    if hour > 23 or minute > 59 or second > 59:
        return None
    return hour, minute, second, match.group(4)[1:].rstrip("0")


def _is_timezone(name: str) -> bool:
    """Whether Go's ``time.LoadLocation`` accepts ``name``."""
    if name in ("", "UTC", "Local"):
        return True
    try:
        ZoneInfo(name)
    except (KeyError, ValueError, OSError):  # ZoneInfoNotFoundError is a KeyError
        return False
    return True


# --- Small helpers ---


def _beyond(why: str) -> str:
    """The suffix marking a rule stricter than the controller."""
    return f" (blueprint rule: the controller accepts this, but {why})"


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _items(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _text(owner: Mapping[str, Any], key: str) -> str:
    """The value at ``key`` as Go would see a string field: missing or null is empty."""
    value = owner.get(key)
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def _required(owner: Mapping[str, Any], path: str, *keys: str) -> Problems:
    return [f"{path}.{key}: required" for key in keys if owner.get(key) is None]


def _required_text(owner: Mapping[str, Any], path: str, *keys: str) -> Problems:
    return [f"{path}.{key}: required (a non-empty string)" for key in keys if not _text(owner, key)]


def _child(path: str, key: str) -> str:
    return f"{path}.{key}" if _SIMPLE_KEY.fullmatch(key) else f"{path}[{json.dumps(key)}]"
