"""Hostile and mistyped args for every blueprint: one clear error before anything exists, or valid, no wider, objects.

Each case is a blueprint's canonical args with one to three mutations (tests/fuzz_strategies.py), run offline. It
must end one of these ways:

- `BlueprintInputError`: nothing registered (not even the component); the message starts with the component
  instance (`S3ObjectTrigger 'fuzz': `) and an argument path of the args, and carries a fix;
- `ArgoSpecError`: nothing registered; the message names the component instance;
- when known: a field typed `pulumi.Input[...]` was given an Output whose value, once resolved, is refused with
  that `BlueprintInputError` (it cannot be checked earlier; the run fails while registering);
- success: every Kubernetes object has valid names, labels and annotations and passes `kubernetes-validate`
  (strict) or, for EventSource and Sensor, the Argo Events schema and controller rules; AWS and GCP resources
  keep the providers' name, range and size rules, and no number is one the Pulumi engine would round; and no
  grant (AWS policy statement, GCP IAM member, Kubernetes RBAC rule, Snowflake privilege) is wider than the
  canonical or a reference run's: no new action, role or privilege, no wildcard or policy variable where those
  had none, no dropped condition, no weaker deny.

Anything else (a raw exception, an error after registration started, an invalid object, a wider grant) is
collected; each blueprint's test fails listing the first 20 with their args. The counts per blueprint and outcome
are printed at the end of the run (tests/conftest.py).
"""

import ipaddress
import json
import math
import os
import re
import traceback
from collections import Counter
from collections.abc import Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import kubernetes_validate
import pytest
from hypothesis import HealthCheck, Phase, given, settings

from pulumi_metaflow_blueprints.core.identity import run_name
from pulumi_metaflow_blueprints.errors import ArgoSpecError, BlueprintInputError
from pulumi_metaflow_blueprints.offline import ProgramRun, run_program
from tests.argo_schema import controller_problems, schema_errors
from tests.fuzz_strategies import BLUEPRINTS, FUZZ_TALLY, Blueprint, Case, OutputOf, cases, fields_of, materialized

CASES_PER_BLUEPRINT = int(os.environ.get("FUZZ_CASES", "300"))
"""Cases per blueprint (FUZZ_CASES=2000 for a longer local run; the fixed seed makes each count reproducible)."""
INSTANCE = "fuzz"
KUBERNETES_VERSION = "1.33"
ARGO_KINDS = {"EventSource", "Sensor"}

DNS_LABEL = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?")
DNS_SUBDOMAIN = re.compile(r"[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*")
DNS1035_LABEL = re.compile(r"[a-z]([-a-z0-9]*[a-z0-9])?")
QUALIFIED_NAME = re.compile(r"([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]")
CONFIG_KEY = re.compile(r"[-._a-zA-Z0-9]+")
IANA_SVC_NAME = re.compile(r"[a-z0-9]([a-z0-9-]{0,13}[a-z0-9])?")
WILDCARDS = re.compile(r"(\*|\?|\$\{)")
LABEL_NAMED = {"Namespace"}
SERVICE_NAMED = {"Service"}
PATH_SEGMENT_NAMED = {"Role", "RoleBinding", "ClusterRole", "ClusterRoleBinding"}


# --- Kubernetes names, labels and annotations ---------------------------------------------------------------------


def label_problems(value: Any, where: str) -> list[str]:
    if not isinstance(value, str) or len(value) > 63 or not DNS_LABEL.fullmatch(value):
        return [f"{where}: {value!r} is not a DNS-1123 label"]
    return []


def subdomain_problems(value: Any, where: str) -> list[str]:
    if not isinstance(value, str) or len(value) > 253 or not DNS_SUBDOMAIN.fullmatch(value):
        return [f"{where}: {value!r} is not a DNS-1123 subdomain"]
    return []


def service_name_problems(value: Any, where: str) -> list[str]:
    if not isinstance(value, str) or len(value) > 63 or not DNS1035_LABEL.fullmatch(value):
        return [f"{where}: {value!r} is not a DNS-1035 label (a Service name)"]
    return []


def path_segment_problems(value: Any, where: str) -> list[str]:
    if not isinstance(value, str) or value in {"", ".", ".."} or "/" in value or "%" in value:
        return [f"{where}: {value!r} is not a path segment name"]
    return []


def qualified_key_problems(key: Any, where: str) -> list[str]:
    """A label or annotation key: `[prefix/]name`, prefix a DNS subdomain, name a qualified name of <= 63."""
    if not isinstance(key, str):
        return [f"{where}: key {key!r} is not a string"]
    prefix, _, name = key.rpartition("/")
    problems = subdomain_problems(prefix, f"{where} key {key!r} prefix") if "/" in key else []
    if key.count("/") > 1 or len(name) > 63 or not QUALIFIED_NAME.fullmatch(name):
        problems.append(f"{where}: key {key!r} is not a qualified name")
    return problems


def metadata_problems(kind: str, metadata: Any, where: str) -> list[str]:
    if not isinstance(metadata, Mapping):
        return [f"{where}: metadata is not an object"]
    problems: list[str] = []
    if "generateName" in metadata:
        problems += subdomain_problems(f"{metadata['generateName']}x1y2z", f"{where}.generateName")
    elif kind == "Workflow" and "name" not in metadata:
        pass  # named after its event by a trigger parameter: checked with its workflowTemplateRef below
    elif kind in LABEL_NAMED:
        problems += label_problems(metadata.get("name"), f"{where}.name")
    elif kind in SERVICE_NAMED:
        problems += service_name_problems(metadata.get("name"), f"{where}.name")
    elif kind in PATH_SEGMENT_NAMED:
        problems += path_segment_problems(metadata.get("name"), f"{where}.name")
    else:
        problems += subdomain_problems(metadata.get("name"), f"{where}.name")
    if "namespace" in metadata:
        problems += label_problems(metadata["namespace"], f"{where}.namespace")
    for key, value in (metadata.get("labels") or {}).items():
        problems += qualified_key_problems(key, f"{where}.labels")
        if not isinstance(value, str) or len(value) > 63 or (value and not QUALIFIED_NAME.fullmatch(value)):
            problems.append(f"{where}.labels[{key!r}]: value {value!r} is not a label value")
    annotations = metadata.get("annotations") or {}
    for key, value in annotations.items():
        problems += qualified_key_problems(key, f"{where}.annotations")
        if not isinstance(value, str):
            problems.append(f"{where}.annotations[{key!r}]: value {value!r} is not a string")
    if len(json.dumps(annotations)) > 256 * 1024:
        problems.append(f"{where}.annotations: over 256 KiB")
    return problems


def embedded_problems(value: Any, where: str) -> Iterator[str]:
    """Names Kubernetes checks inside an object: embedded objects' metadata, service accounts, secret references,
    workflow templates."""
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from embedded_problems(item, f"{where}[{index}]")
        return
    if not isinstance(value, Mapping):
        return
    if isinstance(value.get("kind"), str) and "metadata" in value:
        yield from metadata_problems(value["kind"], value["metadata"], f"{where}.metadata")
    if "serviceAccountName" in value:
        yield from subdomain_problems(value["serviceAccountName"], f"{where}.serviceAccountName")
    if set(value) == {"name", "key"}:  # a Secret key reference
        yield from subdomain_problems(value["name"], f"{where}.name")
        if not isinstance(value["key"], str) or not CONFIG_KEY.fullmatch(value["key"]):
            yield f"{where}.key: {value['key']!r} is not a Secret key"
    if isinstance(value.get("workflowTemplateRef"), Mapping):
        yield from subdomain_problems(value["workflowTemplateRef"].get("name"), f"{where}.workflowTemplateRef.name")
        run = run_name(str(value["workflowTemplateRef"].get("name")), "fuzz/trigger", ["identity"])
        if len(run) > 63 or not QUALIFIED_NAME.fullmatch(run):  # Argo's limit; also a label value on its pods
            yield f"{where}: a run named after its event, {run!r}, is not a label value"
        yield from subdomain_problems(run, f"{where}: a run named after its event")
    for key, item in value.items():
        if key != "metadata":
            yield from embedded_problems(item, f"{where}.{key}")


def host_problems(host: Any, where: str) -> list[str]:
    bare = host[2:] if isinstance(host, str) and host.startswith("*.") else host
    try:
        ipaddress.ip_address(bare)
    except ValueError:
        pass
    else:
        return [f"{where}: {host!r} is an IP address, not a host name"]
    return subdomain_problems(bare, where)


def ingress_problems(spec: Mapping[str, Any]) -> Iterator[str]:
    if "ingressClassName" in spec:
        yield from subdomain_problems(spec["ingressClassName"], "spec.ingressClassName")
    for i, rule in enumerate(spec.get("rules") or []):
        if "host" in rule:
            yield from host_problems(rule["host"], f"spec.rules[{i}].host")
        for j, path in enumerate((rule.get("http") or {}).get("paths") or []):
            where = f"spec.rules[{i}].http.paths[{j}]"
            if not isinstance(path.get("path"), str) or not path["path"].startswith("/"):
                yield f"{where}.path: {path.get('path')!r} does not start with '/'"
            service = (path.get("backend") or {}).get("service") or {}
            yield from service_name_problems(service.get("name"), f"{where}.backend.service.name")
            port = service.get("port") or {}
            number, name = port.get("number"), port.get("name")
            if number is not None and not (isinstance(number, int) and 0 < number < 65536):
                yield f"{where}.backend.service.port.number: {number!r}"
            if name is not None and not IANA_SVC_NAME.fullmatch(str(name)):
                yield f"{where}.backend.service.port.name: {name!r}"
    for i, tls in enumerate(spec.get("tls") or []):
        for j, host in enumerate(tls.get("hosts") or []):
            yield from host_problems(host, f"spec.tls[{i}].hosts[{j}]")
        if "secretName" in tls:
            yield from subdomain_problems(tls["secretName"], f"spec.tls[{i}].secretName")


@lru_cache(maxsize=4096)
def built_in_problems(text: str) -> tuple[str, ...]:
    """`kubernetes-validate` (strict) on one built-in object (as JSON text: many cases produce the same ones)."""
    try:
        kubernetes_validate.validate(json.loads(text), KUBERNETES_VERSION, strict=True)
    except kubernetes_validate.ValidationError as error:
        return (f"kubernetes-validate: {error.message}",)
    return ()


def kubernetes_problems(run: ProgramRun) -> list[str]:
    """Every rule a registered Kubernetes object breaks."""
    problems: list[str] = []
    for registration in run.registrations:
        if not registration.type.startswith("kubernetes:") or not registration.custom:
            continue
        obj = registration.plain_inputs
        kind = obj.get("kind", "")
        found = metadata_problems(kind, obj.get("metadata"), "metadata")
        found += list(embedded_problems({k: v for k, v in obj.items() if k != "metadata"}, ""))
        if kind in ARGO_KINDS:
            found += [f"schema: {m}" for m in schema_errors(kind, obj)]
            found += [f"controller: {m}" for m in controller_problems(kind, obj)]
        else:
            found += built_in_problems(json.dumps(obj, sort_keys=True))
        if kind == "Ingress":
            found += ingress_problems(obj.get("spec") or {})
        if kind == "Secret":
            for field in ("data", "stringData"):
                found += [
                    f"{field}: {k!r} is not a Secret key" for k in obj.get(field) or {} if not CONFIG_KEY.fullmatch(k)
                ]
        if kind == "RoleBinding":
            found += path_segment_problems((obj.get("roleRef") or {}).get("name"), "roleRef.name")
            for i, subject in enumerate(obj.get("subjects") or []):
                found += subdomain_problems(subject.get("name"), f"subjects[{i}].name")
                found += label_problems(subject.get("namespace"), f"subjects[{i}].namespace")
        problems += [f"{registration.name} ({kind}): {p}" for p in found]
    return problems


# --- names and values the cloud providers check (a refusal there comes after other resources were created) ------

SQS_QUEUE = re.compile(r"[A-Za-z0-9_-]{1,80}")
EVENTBRIDGE_NAME = re.compile(r"[.\-_A-Za-z0-9]{1,64}")
IAM_TEXT = re.compile(r"[\t\n\r\x20-\x7e\xa1-\xff]*")
S3_BUCKET = re.compile(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]")
GCS_BUCKET = re.compile(r"[a-z0-9][a-z0-9._-]{1,220}[a-z0-9]")
PUBSUB_NAME = re.compile(r"[A-Za-z][-A-Za-z0-9_.~+%]{2,254}")
GCP_SERVICE_ACCOUNT = re.compile(r"[a-z][-a-z0-9]{4,28}[a-z0-9]")
ARN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]+:[a-z0-9-]*:(\d{12})?:.+")


def within(value: Any, low: int, high: int) -> bool:
    return isinstance(value, int) and low <= value <= high


def seconds(value: Any) -> int | None:
    """A Google duration ("600s") in seconds."""
    match = re.fullmatch(r"(\d+)s", value) if isinstance(value, str) else None
    return int(match[1]) if match else None


def aws_problems(kind: str, inputs: Mapping[str, Any]) -> Iterator[str]:
    if kind == "aws:sqs/queue:Queue":
        if not SQS_QUEUE.fullmatch(str(inputs.get("name"))):
            yield f"queue name {inputs.get('name')!r}"
        for key, low, high in [("visibilityTimeoutSeconds", 0, 43200), ("messageRetentionSeconds", 60, 1209600)]:
            if key in inputs and not within(inputs[key], low, high):
                yield f"{key} {inputs[key]!r} is outside {low}..{high}"
        if "redrivePolicy" in inputs and not within(json.loads(inputs["redrivePolicy"])["maxReceiveCount"], 1, 1000):
            yield f"maxReceiveCount in {inputs['redrivePolicy']!r} is outside 1..1000"
    if kind in {"aws:cloudwatch/eventRule:EventRule", "aws:pipes/pipe:Pipe"}:
        if not EVENTBRIDGE_NAME.fullmatch(str(inputs.get("name"))):
            yield f"name {inputs.get('name')!r}"
        if len(inputs.get("description", "")) > 512:
            yield "description over 512 characters"
    if kind == "aws:iam/role:Role":
        description = inputs.get("description", "")
        if len(description) > 1000 or not IAM_TEXT.fullmatch(description):
            yield f"role description {description!r}"
        if len(inputs.get("assumeRolePolicy", "")) > 2048:
            yield "trust policy over 2048 characters"
    if kind == "aws:iam/rolePolicy:RolePolicy" and len(inputs.get("policy", "")) > 10240:
        yield "inline policy over 10240 characters"
    if kind == "aws:s3/bucketNotification:BucketNotification":
        bucket = str(inputs.get("bucket"))
        if not S3_BUCKET.fullmatch(bucket) or ".." in bucket or re.fullmatch(r"[\d.]+", bucket):
            yield f"S3 bucket name {bucket!r}"
    for key in ("topic", "source", "roleArn", "kmsMasterKeyId", "permissionsBoundary"):
        value = inputs.get(key)
        if isinstance(value, str) and value.startswith("arn:") and not ARN.fullmatch(value):
            yield f"{key} {value!r} is not an ARN"


def gcp_problems(kind: str, inputs: Mapping[str, Any]) -> Iterator[str]:
    if kind in {"gcp:pubsub/topic:Topic", "gcp:pubsub/subscription:Subscription"}:
        name = str(inputs.get("name"))
        if not PUBSUB_NAME.fullmatch(name) or name.startswith("goog"):
            yield f"Pub/Sub name {name!r}"
    if kind == "gcp:pubsub/subscription:Subscription":
        if not within(inputs.get("ackDeadlineSeconds", 10), 10, 600):
            yield f"ackDeadlineSeconds {inputs.get('ackDeadlineSeconds')!r}"
        retention = seconds(inputs.get("messageRetentionDuration", "600s"))
        if retention is None or not 600 <= retention <= 604800:
            yield f"messageRetentionDuration {inputs.get('messageRetentionDuration')!r}"
        retry = inputs.get("retryPolicy") or {}
        backoffs = [seconds(retry.get(k, "0s")) for k in ("minimumBackoff", "maximumBackoff")]
        if any(b is None or not 0 <= b <= 600 for b in backoffs) or backoffs[0] > backoffs[1]:  # type: ignore[operator]
            yield f"retryPolicy {retry!r}"
        attempts = (inputs.get("deadLetterPolicy") or {}).get("maxDeliveryAttempts", 5)
        if not within(attempts, 5, 100):
            yield f"maxDeliveryAttempts {attempts!r}"
        if len(inputs.get("filter", "").encode()) > 256:
            yield "filter over 256 bytes"
    if kind == "gcp:serviceaccount/account:Account":
        if not GCP_SERVICE_ACCOUNT.fullmatch(str(inputs.get("accountId"))):
            yield f"service account id {inputs.get('accountId')!r}"
        if len(inputs.get("displayName", "")) > 100:
            yield "service account display name over 100 characters"
    if kind == "gcp:storage/notification:Notification":
        bucket = str(inputs.get("bucket"))
        if not GCS_BUCKET.fullmatch(bucket) or ".." in bucket or any(len(p) > 63 for p in bucket.split(".")):
            yield f"GCS bucket name {bucket!r}"


def numbers(value: Any, where: str = "") -> Iterator[tuple[str, float]]:
    """Every number (not bool) in a plain value, with its path."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from numbers(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from numbers(item, f"{where}[{index}]")
    elif isinstance(value, int | float) and not isinstance(value, bool):
        yield where, value


def number_problems(kind: str, inputs: Mapping[str, Any]) -> Iterator[str]:
    """The Pulumi engine carries numbers as doubles: a whole number from 2**53 on arrives rounded (another id), and
    NaN or infinity is no JSON; Argo Events reads its numbers into Go int32 fields."""
    for where, value in numbers(inputs):
        if not math.isfinite(value) or abs(value) >= 2**53:
            yield f"{where}: {value!r} does not survive the Pulumi engine exactly"
        elif kind.endswith(("EventSource", "Sensor")) and float(value).is_integer() and abs(value) >= 2**31:
            yield f"{where}: {value!r} overflows the int32 Argo Events reads"


def cloud_problems(run: ProgramRun) -> list[str]:
    """Every provider rule (names, ranges, sizes) a registered AWS or GCP resource breaks, and every number the
    engine or Argo Events would change."""
    problems: list[str] = []
    for registration in run.registrations:
        inputs, kind = registration.plain_inputs, registration.type
        found = list(aws_problems(kind, inputs) if kind.startswith("aws:") else gcp_problems(kind, inputs))
        found += number_problems(kind, inputs)
        problems += [f"{registration.name} ({kind}): {p}" for p in found]
    return problems


# --- grants: how wide the access is ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Grant:
    """One atom of access: where it is granted, what (effect, action, resource, principal as shapes), and when."""

    where: tuple[str, ...]
    what: tuple[Any, ...]
    conditions: frozenset[tuple[str, str, str]] = frozenset()

    @property
    def condition_keys(self) -> set[tuple[str, str]]:
        return {(operator, key) for operator, key, _ in self.conditions}


def wild(text: str) -> str:
    """The wildcard shape of a name: every run of plain characters is `x`; `*`, `?` and `${` are kept."""
    return "".join(part if WILDCARDS.fullmatch(part) else "x" for part in WILDCARDS.split(text) if part)


def shape(value: Any) -> str:
    """What kind of thing a resource or principal is and how wild: `arn:<service>:x`, `serviceAccount:x`, `*`."""
    if not isinstance(value, str):
        return f"<{type(value).__name__}>"
    if value.startswith("arn:") and value.count(":") >= 3:
        return f"arn:{value.split(':')[2]}:" + wild(value.split(":", 3)[3])
    scheme = re.match(r"([A-Za-z]+)(://|:)(.*)", value, re.DOTALL)
    if scheme:
        return scheme[1] + scheme[2] + wild(scheme[3])
    return wild(value)


def tree_shape(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((key, tree_shape(item)) for key, item in value.items()))
    if isinstance(value, list):
        return tuple(sorted({tree_shape(item) for item in value}, key=repr))
    return shape(value) if isinstance(value, str) else value


def unquoted(value: Any) -> Any:
    """Every quoted Snowflake identifier in a value as `q`: inside one, `*` is a plain character of the name."""
    if isinstance(value, Mapping):
        return {key: unquoted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [unquoted(item) for item in value]
    return re.sub(r'"(?:[^"]|"")*"', "q", value) if isinstance(value, str) else value


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [] if value is None else [value]


def principal_shapes(principal: Any, negated: bool) -> list[str]:
    mark = "Not" if negated else ""
    if principal is None:
        return []
    if not isinstance(principal, Mapping):
        return [f"{mark}{shape(principal)}"]
    return [f"{mark}{kind}={shape(item)}" for kind, items in principal.items() for item in as_list(items)]


def condition_key(key: str) -> str:
    """A condition key, an OIDC issuer's own keys (`<issuer>:sub`) shaped like names (each issuer has its own)."""
    issuer = re.fullmatch(r"(.+):(sub|aud|amr)", key)
    return f"{wild(issuer[1])}:{issuer[2]}" if issuer else key


def statement_grants(where: tuple[str, ...], document: Any) -> Iterator[Grant]:
    for statement in as_list(document.get("Statement") if isinstance(document, Mapping) else None):
        actions = [*as_list(statement.get("Action")), *(f"Not:{a}" for a in as_list(statement.get("NotAction")))]
        resources = [shape(r) for r in as_list(statement.get("Resource"))]
        resources += [f"Not:{shape(r)}" for r in as_list(statement.get("NotResource"))]
        principals = principal_shapes(statement.get("Principal"), False)
        principals += principal_shapes(statement.get("NotPrincipal"), True)
        conditions = frozenset(
            (operator, condition_key(key), shape(item))
            for operator, block in (statement.get("Condition") or {}).items()
            for key, values in block.items()
            for item in as_list(values)
        )
        for action in actions or ["<none>"]:
            for resource in resources or ["<none>"]:
                for principal in principals or ["<none>"]:
                    yield Grant(where, (statement.get("Effect"), action, resource, principal), conditions)


def registration_grants(kind: str, name: str, inputs: Mapping[str, Any]) -> Iterator[Grant]:
    if kind.startswith("aws:"):
        for field in ("policy", "assumeRolePolicy"):
            if isinstance(inputs.get(field), str):
                yield from statement_grants((kind, name, field), json.loads(inputs[field]))
    elif kind.startswith("gcp:") and "role" in inputs:
        place = tuple(sorted((k, shape(v)) for k, v in inputs.items() if k not in {"role", "member", "members"}))
        for member in [*as_list(inputs.get("member")), *as_list(inputs.get("members"))]:
            yield Grant((kind, name), ("gcp", inputs["role"], shape(member), place))
    elif kind.startswith("kubernetes:rbac.authorization.k8s.io/v1:Role"):
        for rule in inputs.get("rules") or []:
            names = tuple(sorted(shape(n) for n in rule.get("resourceNames") or [])) or ("<any>",)
            for group in rule.get("apiGroups") or [""]:
                for resource in rule.get("resources") or []:
                    for verb in rule.get("verbs") or []:
                        yield Grant((kind, name), ("rbac", group, resource, verb, names))
        if "roleRef" in inputs:
            role = inputs["roleRef"]
            for subject in inputs.get("subjects") or []:
                yield Grant((kind, name), ("binding", role.get("kind"), subject.get("kind"), tree_shape(subject)))
    elif kind.startswith("snowflake:index/grant"):
        rest = tree_shape(unquoted({k: v for k, v in inputs.items() if k != "privileges"}))
        for privilege in inputs.get("privileges") or ["<ownership or role>"]:
            yield Grant((kind, name), ("snowflake", privilege, rest))


def grants(run: ProgramRun) -> set[Grant]:
    return {g for r in run.registrations for g in registration_grants(r.type, r.name, r.plain_inputs)}


def is_deny(grant: Grant) -> bool:
    return bool(grant.what) and grant.what[0] == "Deny"


def covered(grant: Grant, references: AbstractSet[Grant]) -> bool:
    """An allow is covered by a reference allow at the same place, of the same shape, with no condition dropped
    and every kept condition's value of a shape the reference used."""
    for reference in references:
        if reference.where != grant.where or reference.what != grant.what:
            continue
        if not reference.condition_keys <= grant.condition_keys:
            continue
        if all(
            (operator, key) not in reference.condition_keys or (operator, key, value) in reference.conditions
            for operator, key, value in grant.conditions
        ):
            return True
    return False


@dataclass(frozen=True)
class Reference:
    """What a blueprint's canonical and reference runs grant, and the denies of the canonical run."""

    allows: frozenset[Grant]
    denies: frozenset[Grant]


@cache
def reference_of(index: int) -> Reference:
    blueprint = BLUEPRINTS[index]
    allows: set[Grant] = set()
    denies: set[Grant] = set()
    for number, args in enumerate(blueprint.variants()):
        made = grants(run_program(lambda args=args: blueprint.component(INSTANCE, args), config=blueprint.config))
        allows |= {g for g in made if not is_deny(g)}
        if number == 0:
            denies = {g for g in made if is_deny(g)}
    return Reference(frozenset(allows), frozenset(denies))


def width_problems(run: ProgramRun, reference: Reference) -> list[str]:
    made = grants(run)
    problems = [
        f"wider grant: {g}" for g in sorted(made, key=repr) if not is_deny(g) and not covered(g, reference.allows)
    ]
    registered = {(r.type, r.name) for r in run.registrations}
    for deny in reference.denies:
        kept = [
            g for g in made if g.where == deny.where and g.what == deny.what and g.condition_keys <= deny.condition_keys
        ]
        if deny.where[:2] in registered and not kept:  # the resource is still there, without the deny
            problems.append(f"weaker deny: {deny} is gone")
    return problems


# --- one case ----------------------------------------------------------------------------------------------------


def message_problems(blueprint: Blueprint, error: Exception, args: Mapping[str, Any]) -> list[str]:
    """The error names the component instance, and (BlueprintInputError) a real argument and a fix."""
    text = str(error)
    problems = [] if text.startswith(f"{blueprint.name} '{INSTANCE}': ") else ["does not name the component instance"]
    if isinstance(error, BlueprintInputError):
        root = re.split(r"[.\[ ]", error.argument, maxsplit=1)[0]
        if root not in {*fields_of(blueprint.hint), *map(str, args), "args"}:
            problems.append(f"names {error.argument!r}, which is no argument")
        if f"'{INSTANCE}': {error.argument}: " not in text:
            problems.append("does not name the argument")
        if "Fix: " not in text or not error.fix.strip():
            problems.append("gives no fix")
    return problems


def judge(blueprint: Blueprint, case: Case, reference: Reference) -> tuple[str, list[str]]:
    """Run one case; return its outcome and what is wrong with it (nothing, when it ended one of the good ways)."""
    raised: list[BaseException] = []

    def program() -> None:
        try:
            blueprint.component(INSTANCE, materialized(case.args))
        except Exception as error:
            raised.append(error)

    try:
        run = run_program(program, config=blueprint.config)
    except Exception as error:
        return deferred(blueprint, case, error)
    if raised:
        error = raised[0]
        if not isinstance(error, BlueprintInputError | ArgoSpecError):
            return "failure", [f"raw {type(error).__name__}: {tail(error)}"]
        outcome = "input-error" if isinstance(error, BlueprintInputError) else "argo-error"
        problems = message_problems(blueprint, error, case.args)
        if run.registrations:
            problems.append(f"{len(run.registrations)} resources registered before the error")
        return ("failure" if problems else outcome), [f"{error}: {p}" for p in problems]
    problems = kubernetes_problems(run) + cloud_problems(run) + width_problems(run, reference)
    return ("failure" if problems else "valid"), problems


def deferred(blueprint: Blueprint, case: Case, error: Exception) -> tuple[str, list[str]]:
    """A run that failed while registering is good only as a field typed `pulumi.Input[...]` was given an Output
    whose value, once known, was refused: the error names that field, the component instance and a fix."""
    text = deferred_message(error)
    pattern = rf"{blueprint.name} '{INSTANCE}': (\S+): .+\. Fix: .+"
    named = re.fullmatch(pattern, text, re.DOTALL)
    given = output_paths(case.args)
    if named and any(named[1] == p or named[1].startswith((f"{p}.", f"{p}[")) for p in given):
        return "deferred-input-error", []
    return "failure", [f"raised while registering: {tail(error)}"]


def deferred_message(error: BaseException) -> str:
    """The BlueprintInputError message in a failed registration (Pulumi wraps it in ValueErrors, or keeps only its
    text after "has risen: ")."""
    seen: list[BaseException] = []
    cause: BaseException | None = error
    while cause is not None and cause not in seen:
        if isinstance(cause, BlueprintInputError):
            return str(cause)
        seen.append(cause)
        cause = cause.__cause__ or cause.__context__
    return str(error).rpartition("has risen: ")[2]


def output_paths(value: Any, path: str = "") -> list[str]:
    """The argument path of every value a case made an Output."""
    if isinstance(value, OutputOf):
        return [path]
    if isinstance(value, Mapping):
        return [p for key, item in value.items() for p in output_paths(item, f"{path}.{key}" if path else str(key))]
    if isinstance(value, list):
        return [p for index, item in enumerate(value) for p in output_paths(item, f"{path}[{index}]")]
    return []


def tail(error: BaseException) -> str:
    lines = traceback.format_exception(error)
    return "".join(lines[-6:]).rstrip()


def report(case: Case, problems: list[str]) -> str:
    args = json.dumps(case.args, default=repr, ensure_ascii=True)
    return "\n".join([f"mutations: {case.mutations}", f"args: {args}", *(f"  {p}" for p in problems[:8])])


# --- the test ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("index", range(len(BLUEPRINTS)), ids=[b.name for b in BLUEPRINTS])
def test_hostile_args_get_one_clear_error_or_valid_objects(index: int) -> None:
    blueprint = BLUEPRINTS[index]
    reference = reference_of(index)
    tally = FUZZ_TALLY.setdefault(blueprint.name, Counter())
    failures: list[str] = []

    @settings(
        max_examples=CASES_PER_BLUEPRINT,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(case=cases(blueprint))
    def one(case: Case) -> None:
        outcome, problems = judge(blueprint, case, reference)
        tally["cases"] += 1
        tally[outcome] += 1
        if problems:
            failures.append(report(case, problems))

    one()
    assert tally["cases"] >= CASES_PER_BLUEPRINT
    assert tally["valid"] and tally["input-error"], f"a blueprint's cases all ended one way: {dict(tally)}"
    shown = "\n\n".join(failures[:20])
    assert not failures, f"{len(failures)} of {tally['cases']} cases ended badly; the first 20:\n\n{shown}"


def test_the_reference_grants_are_read() -> None:
    """The width check has something to compare with: every AWS and GCP blueprint grants, and the SQS leg denies
    plain HTTP."""
    for index, blueprint in enumerate(BLUEPRINTS):
        reference = reference_of(index)
        assert any(g.what[0] == "rbac" for g in reference.allows), blueprint.name
        if blueprint.config:
            assert any(g.where[0].startswith(("aws:", "gcp:")) for g in reference.allows), blueprint.name
        if blueprint.config.get("aws:region"):
            assert any(g.what[1] == "sqs:*" for g in reference.denies), blueprint.name


def test_the_width_check_sees_a_wildcard_a_new_action_and_a_dropped_condition() -> None:
    """The comparison itself: a wildcard resource, an extra action and a dropped condition are each wider."""
    where = ("aws:iam/rolePolicy:RolePolicy", "fuzz-queue-access", "policy")
    base = {"Effect": "Allow", "Action": "sqs:ReceiveMessage", "Resource": "arn:aws:sqs:us-west-2:1:q"}
    condition = {"Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:s3:::b"}}}
    references = set(statement_grants(where, {"Statement": [{**base, **condition}]}))

    def wider(statement: dict[str, Any]) -> bool:
        return not all(covered(g, references) for g in statement_grants(where, {"Statement": [statement]}))

    assert not wider({**base, **condition, "Resource": "arn:aws:sqs:eu-west-1:2:other"})
    assert wider({**base, **condition, "Resource": "arn:aws:sqs:us-west-2:1:*"})
    assert wider({**base, **condition, "Resource": "arn:aws:sqs:us-west-2:1:${aws:username}"})
    assert wider({**base, **condition, "Action": ["sqs:ReceiveMessage", "sqs:SendMessage"]})
    assert wider(base)
    assert wider({**base, "Condition": {"ArnEquals": {"aws:SourceArn": "arn:aws:s3:::*"}}})


def test_the_name_checks_refuse_what_kubernetes_refuses() -> None:
    assert label_problems("argo-events\n", "x") and label_problems("a" * 64, "x") and not label_problems("a-1", "x")
    assert subdomain_problems("a..b", "x") and not subdomain_problems("a.b-c", "x")
    assert qualified_key_problems("example.com/a b", "x") and qualified_key_problems("Ex/a", "x")
    assert not qualified_key_problems("app.kubernetes.io/part-of", "x")
    labels = {"metadata": {"name": "a", "labels": {"k": "v\n"}}}
    assert metadata_problems("ServiceAccount", labels["metadata"], "m")


def test_a_canonical_run_passes_every_check_and_each_kind_of_damage_is_seen() -> None:
    """The checks a fuzz case's run gets, on the canonical SqsQueueTrigger run: nothing to report; then one
    registration at a time damaged the way a bad input could, and each damage is reported."""
    index = next(i for i, b in enumerate(BLUEPRINTS) if b.name == "SqsQueueTrigger")
    blueprint, reference = BLUEPRINTS[index], reference_of(index)

    def run_with(damage: Any = None) -> list[str]:
        run = run_program(lambda: blueprint.component(INSTANCE, blueprint.canonical()), config=blueprint.config)
        if damage is not None:
            damage({r.name: r.inputs for r in run.registrations})
        return kubernetes_problems(run) + cloud_problems(run) + width_problems(run, reference)

    def edit_policy(inputs: dict[str, Any], change: Any) -> None:
        document = json.loads(inputs["policy"])
        change(document["Statement"])
        inputs["policy"] = json.dumps(document)

    assert run_with() == []
    damages = {
        "wider grant": lambda r: edit_policy(r["fuzz-queue-access"], lambda s: s[0].update(Resource="*")),
        "weaker deny": lambda r: edit_policy(r["fuzz-queue-policy"], lambda s: s.pop()),
        "not a path segment": lambda r: r["fuzz-sensor-role"]["metadata"].update(name="a/b"),
        "not a DNS-1123 subdomain": lambda r: r["fuzz-sensor-sa"]["metadata"].update(name="Sensor_SA"),
        "is not a label value": lambda r: r["fuzz-eventsource"]["metadata"]["labels"].update(x="a\n"),
        "controller:": lambda r: r["fuzz-sensor"]["spec"].update(dependencies=[]),
        "queue name": lambda r: r["fuzz-queue"].update(name="q" * 81),
        "int32": lambda r: r["fuzz-sensor"]["spec"]["triggers"][0]["retryStrategy"].update(steps=2.0**31),
    }
    for expected, damage in damages.items():
        problems = run_with(damage)
        assert any(expected in p for p in problems), (expected, problems)


WILD_ISSUER = "arn:aws:iam::111122223333:oidc-provider/oidc.eks.us-west-2.amazonaws.com/id/*"
STATIC_KEY = {"metaflow_event": {"event": "landed", "static_payload": {"body.kind": "x"}}}


@pytest.mark.parametrize(
    ("component", "overrides", "argument"),
    [
        (
            "S3ObjectTrigger",
            {"identity": {"mode": "irsa", "oidc_provider_arn": WILD_ISSUER}},
            "identity.oidc_provider_arn",
        ),
        ("DbtCloudJobTrigger", {"job_ids": [42, 2**53]}, "job_ids[1]"),
        ("DbtCloudJobTrigger", {"account_id": 2**63}, "account_id"),
        ("FivetranSyncTrigger", {"connector_ids": ["warm_harbor", "bad id"]}, "connector_ids[1]"),
        ("WebhookTrigger", {"targets": [STATIC_KEY]}, "targets[0].metaflow_event.static_payload.body.kind"),
    ],
)
def test_what_the_fuzz_found_stays_refused(component: str, overrides: dict[str, Any], argument: str) -> None:
    """Inputs the fuzz once found accepted (a wildcard OIDC issuer in the trust policy, ids the engine would round)
    or blamed on the wrong argument."""
    index = next(i for i, b in enumerate(BLUEPRINTS) if b.name == component)
    blueprint = BLUEPRINTS[index]
    raised: list[BlueprintInputError] = []

    def program() -> None:
        try:
            blueprint.component(INSTANCE, blueprint.base(**overrides))
        except BlueprintInputError as error:
            raised.append(error)

    run = run_program(program, config=blueprint.config)
    assert run.registrations == [] and [e.argument for e in raised] == [argument]
    assert judge(blueprint, Case(blueprint.base(**overrides)), reference_of(index)) == ("input-error", [])
