"""The verifying receiver's Kubernetes objects: the signature-checking service (`webhooks.verifier`) in front of the
webhook EventSource.

API (plan before the component's ``super().__init__``, so bad input registers nothing; create after)::

    receiving = plan_receiver(plan, ReceiverOptions.from_args(args, WebhookAuthMode.SIGNATURE, ...))
    verifying = plan_verifier(plan, receiving, preset_signature("fivetran"), args.get("verifier"))
    receiver = create_receiver(self, name, plan, receiving)
    verifier = create_verifier(self, name, plan, verifying, receiver, signing_secret)

Objects (all named `<base>-verifier` in the plan's namespace, labelled with the plan's labels plus
``metaflow-blueprints/component: verifier``): a ConfigMap holding the script (key ``verifier.py``); a Secret holding
the signing secret (unless an existing Secret is named); a Deployment (2 replicas by default) whose one container
``verifier`` runs ``python /app/verifier.py`` with its ``VERIFIER_*`` settings as plain env values and the signing
secret and the upstream bearer token (the receiver's own token Secret, which the EventSource's ``authSecret`` checks)
as read-only files under ``/var/run/verifier``; a Service (port 80 -> 8080); a PodDisruptionBudget (minAvailable 1,
with 2 replicas or more); optionally a NetworkPolicy admitting traffic to the EventSource's pods only from the
verifier's pods, on the webhook port. The pods are hardened: non-root (UID 65532), read-only root filesystem, no
privilege escalation, all capabilities dropped, seccomp RuntimeDefault, no service account token, requests and limits,
``/healthz`` and ``/readyz`` probes, a preStop pause and a grace period covering the server's shutdown grace.
"""

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

import pulumi
import pulumi_kubernetes as k8s

from pulumi_metaflow_blueprints.argo.spec import is_mapping
from pulumi_metaflow_blueprints.core import kube
from pulumi_metaflow_blueprints.core.plan import BlueprintPlan
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.naming import child_name, validate_dns_subdomain
from pulumi_metaflow_blueprints.webhooks.args import SignatureAlgorithm, SignatureEncoding, WebhookAuthMode
from pulumi_metaflow_blueprints.webhooks.receiver import (
    FRONT_PORT,
    PORT,
    TOKEN_KEY,
    ReceiverOptions,
    ReceiverPlan,
    WebhookReceiver,
    plan_receiver,
)
from pulumi_metaflow_blueprints.webhooks.verifier import SCRIPT_NAME, source

__all__ = [
    "COMPONENT_LABEL",
    "CONTAINER_PORT",
    "DEFAULT_IMAGE",
    "EVENT_SOURCE_POD_LABELS",
    "HEALTH_PATHS",
    "PRESETS",
    "SECRETS_DIR",
    "SHUTDOWN_GRACE_SECONDS",
    "SIGNING_KEY",
    "UID",
    "VERIFIES_ANNOTATION",
    "SignatureSettings",
    "Verifier",
    "VerifierPlan",
    "check_signature",
    "check_verifier_options",
    "create_verifier",
    "plan_signing_sender",
    "plan_verifier",
    "preset_signature",
    "signed_auth",
]

DEFAULT_IMAGE = "python:3.12-slim"
CONTAINER_PORT = 8080
UID = 65532
"""The numeric user (and group) the verifier runs as; `python:3.x-slim` has no such user, which Python does not need."""
COMPONENT_LABEL = ("metaflow-blueprints/component", "verifier")
VERIFIES_ANNOTATION = "metaflow-blueprints/verifies"
SIGNING_KEY = "signing-secret"
"""The key of the signing secret in the verifier's Secret, and its file name under `SECRETS_DIR`."""
TOKEN_FILE = "upstream-token"
SECRETS_DIR = "/var/run/verifier"
APP_DIR = "/app"
SHUTDOWN_GRACE_SECONDS = 20
PRE_STOP_SECONDS = 5
"""How long a terminating pod keeps serving before SIGTERM, while endpoints and the Ingress drop it."""
DEFAULT_REQUESTS = {"cpu": "50m", "memory": "64Mi"}
DEFAULT_LIMITS = {"cpu": "500m", "memory": "128Mi"}
MAX_REPLICAS = 10
HEALTH_PATHS = frozenset({"/healthz", "/readyz"})
"""The verifier's own probe endpoints, which its webhook path may not be."""
EVENT_SOURCE_POD_LABELS = ("controller", "eventsource-controller"), ("eventsource-name", "")
"""Labels Argo Events v1.9.11 puts on an EventSource's pods (`pkg/reconciler/eventsource/controller.go`:
`controller: eventsource-controller`, `eventsource-name: <name>`, `owner-name: <name>`); the name is filled in."""

PRESETS = {"dbt-cloud", "fivetran"}
"""Vendor presets the blueprints use (the script's `VERIFIER_PRESET`; it also knows `github`)."""

_HEADER = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]{1,256}")
_PREFIX = re.compile(r"[\x21-\x7e]([\x20-\x7e]{0,62}[\x21-\x7e])?")
_SECRET_KEY = re.compile(r"[-._a-zA-Z0-9]{1,253}")
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN = r"(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]{1,5})?"
_IMAGE = re.compile(
    rf"(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*(?::[A-Za-z0-9_][A-Za-z0-9_.-]{{0,127}})?"
    r"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,})?"
)
_QUANTITY = re.compile(r"(?P<number>[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|m|k|M|G|T|P|E)?")
_FACTORS = {
    None: 1.0,
    "m": 1e-3,
    "k": 1e3,
    "M": 1e6,
    "G": 1e9,
    "T": 1e12,
    "P": 1e15,
    "E": 1e18,
    **{suffix: 1024.0**power for power, suffix in enumerate(("Ki", "Mi", "Gi", "Ti", "Pi", "Ei"), 1)},
}


@dataclass(frozen=True)
class SignatureSettings:
    """How requests are signed: a vendor preset, or header, prefix, algorithm and encoding; and where the secret is."""

    preset: str | None = None
    header: str = ""
    prefix: str = ""
    algorithm: str = SignatureAlgorithm.SHA256.value
    encoding: str = SignatureEncoding.HEX.value
    secret_name: str | None = None
    """An existing Kubernetes Secret holding the signing secret; None: the verifier's own Secret holds it."""
    secret_key: str = SIGNING_KEY

    def env(self) -> dict[str, str]:
        """The script's signature settings."""
        if self.preset is not None:
            return {"VERIFIER_PRESET": self.preset}
        env = {
            "VERIFIER_SIGNATURE_HEADER": self.header,
            "VERIFIER_SIGNATURE_ALGORITHM": self.algorithm,
            "VERIFIER_SIGNATURE_ENCODING": self.encoding,
        }
        if self.prefix:
            env["VERIFIER_SIGNATURE_PREFIX"] = self.prefix
        return env


@dataclass(frozen=True)
class VerifierPlan:
    """The checked, plain decisions of a verifying receiver."""

    name: str
    """`<base>-verifier`: the Deployment, Service, ConfigMap (and own Secret)."""
    namespace: str
    labels: dict[str, str]
    selector: dict[str, str]
    event_source_name: str
    image: str
    replicas: int
    network_policy: bool
    requests: dict[str, str]
    limits: dict[str, str]
    signature: SignatureSettings
    env: dict[str, str]
    token_secret: str
    """The receiver's bearer-token Secret (key `token`), mounted for forwarding."""

    @property
    def network_policy_name(self) -> str:
        """The NetworkPolicy's name."""
        return child_name(self.name, "only")


@dataclass(frozen=True)
class Verifier:
    """What `create_verifier` registered."""

    config_map: k8s.core.v1.ConfigMap
    secret: k8s.core.v1.Secret | None
    deployment: k8s.apps.v1.Deployment
    service: k8s.core.v1.Service
    disruption_budget: k8s.policy.v1.PodDisruptionBudget | None
    network_policy: k8s.networking.v1.NetworkPolicy | None


def preset_signature(preset: str) -> SignatureSettings:
    """A vendor's signature (`dbt-cloud`, `fivetran`), its secret held in the verifier's own Secret."""
    assert preset in PRESETS, preset
    return SignatureSettings(preset=preset)


def signed_auth(auth: object, verifier: object, sender: str) -> WebhookAuthMode:
    """A signing vendor's auth mode: `signature` (default) or the `secret-path` opt-out (then no `verifier`)."""
    if auth is None or auth == WebhookAuthMode.SIGNATURE.value:
        return WebhookAuthMode.SIGNATURE
    if auth == WebhookAuthMode.SECRET_PATH.value:
        if verifier is not None:
            fix = "drop `verifier`, or leave `auth` unset"
            raise BlueprintInputError("verifier", "applies only with `auth: signature`", fix)
        return WebhookAuthMode.SECRET_PATH
    fix = "use `signature` (the default) or `secret-path`"
    raise BlueprintInputError("auth", f"{auth!r} is not an auth mode {sender} can use", fix)


def plan_signing_sender(
    plan: BlueprintPlan, args: Mapping[str, Any], sender: str, preset: str
) -> tuple[ReceiverPlan, "VerifierPlan | None"]:
    """The receiving side of a vendor that signs its deliveries (dbt Cloud, Fivetran): `auth` as `signed_auth` reads
    it, a public receiver, and in `signature` mode the verifier with the vendor's `preset` (pure: registers nothing)."""
    auth = signed_auth(args.get("auth"), args.get("verifier"), sender)
    receiving = plan_receiver(plan, ReceiverOptions.from_args(args, auth, require_public=True))
    if auth is not WebhookAuthMode.SIGNATURE:
        return receiving, None
    return receiving, plan_verifier(plan, receiving, preset_signature(preset), args.get("verifier"))


def _enum_value(value: object, allowed: list[str], argument: str, default: str) -> str:
    if value is None:
        return default
    if not isinstance(value, str) or value not in allowed:
        raise BlueprintInputError(argument, f"{value!r} is not one of {allowed}", f"use one of {allowed}")
    return value


def check_signature(signature: object, argument: str = "signature") -> SignatureSettings:
    """Validate a `WebhookSignature`."""
    if not is_mapping(signature):
        raise BlueprintInputError(argument, "must be an object", "give e.g. `{'header': 'X-Hub-Signature-256'}`")
    fields = signature
    known = {"header", "prefix", "algorithm", "encoding", "secret_name", "secret_key"}
    for key in fields:
        if key not in known:
            raise BlueprintInputError(f"{argument}.{key}", "is not a signature setting", f"use some of {sorted(known)}")
    header = fields.get("header")
    if not isinstance(header, str) or not _HEADER.fullmatch(header):
        raise BlueprintInputError(
            f"{argument}.header", f"{header!r} is not a header name", "give an HTTP token, e.g. `X-Hub-Signature-256`"
        )
    if header.lower() == "host" or header.lower().startswith(("content-", "transfer-", "connection")):
        raise BlueprintInputError(
            f"{argument}.header", f"{header!r} is a header HTTP itself uses", "give the header the sender signs in"
        )
    prefix = fields.get("prefix") or ""
    if not isinstance(prefix, str) or (prefix and not _PREFIX.fullmatch(prefix)):
        raise BlueprintInputError(
            f"{argument}.prefix",
            f"{prefix!r} is not a signature prefix",
            "use up to 64 printable ASCII characters, not starting or ending with a space, e.g. `sha256=`",
        )
    algorithms = [a.value for a in SignatureAlgorithm]
    algorithm = _enum_value(fields.get("algorithm"), algorithms, f"{argument}.algorithm", algorithms[0])
    encodings = [e.value for e in SignatureEncoding]
    encoding = _enum_value(fields.get("encoding"), encodings, f"{argument}.encoding", encodings[0])
    secret_name, secret_key = fields.get("secret_name"), fields.get("secret_key")
    if secret_name is not None:
        secret_name = validate_dns_subdomain(secret_name, f"{argument}.secret_name")
    if secret_key is not None:
        if secret_name is None:
            raise BlueprintInputError(
                f"{argument}.secret_key", "needs `secret_name`", "name the Secret too, or leave both unset"
            )
        if not isinstance(secret_key, str) or not _SECRET_KEY.fullmatch(secret_key):
            raise BlueprintInputError(
                f"{argument}.secret_key", f"{secret_key!r} is not a Secret key", "use letters, digits, `-`, `_`, `.`"
            )
    return SignatureSettings(
        header=header,
        prefix=prefix,
        algorithm=algorithm,
        encoding=encoding,
        secret_name=secret_name,
        secret_key=secret_key if isinstance(secret_key, str) else SIGNING_KEY,
    )


def _quantity(value: object, argument: str) -> float:
    match = _QUANTITY.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise BlueprintInputError(argument, f"{value!r} is not a Kubernetes quantity", "e.g. `100m` or `128Mi`")
    return float(match["number"]) * _FACTORS[match["suffix"]]


def _resources(value: object, argument: str, defaults: dict[str, str]) -> dict[str, str]:
    if value is None:
        return dict(defaults)
    if not is_mapping(value) or not value:
        raise BlueprintInputError(argument, "must be an object", 'give e.g. `{"cpu": "100m", "memory": "128Mi"}`')
    chosen = dict(defaults)
    for key, quantity in value.items():
        if key not in ("cpu", "memory"):
            raise BlueprintInputError(f"{argument}.{key}", "is not a resource", "use `cpu` and/or `memory`")
        if _quantity(quantity, f"{argument}.{key}") <= 0 or not isinstance(quantity, str):
            raise BlueprintInputError(f"{argument}.{key}", f"{quantity!r} is not positive", "give a positive quantity")
        chosen[key] = quantity
    return chosen


@dataclass(frozen=True)
class _Options:
    image: str
    replicas: int
    network_policy: bool
    requests: dict[str, str]
    limits: dict[str, str]


def check_verifier_options(options: object, argument: str = "verifier") -> _Options:
    """Validate `VerifierOptions` and fill in the defaults."""
    if options is None:
        options = {}
    if not is_mapping(options):
        raise BlueprintInputError(argument, "must be an object", "give e.g. `{'image': 'python:3.12-slim'}`")
    fields = options
    known = {"image", "replicas", "network_policy", "resources"}
    for key in fields:
        if key not in known:
            raise BlueprintInputError(f"{argument}.{key}", "is not a verifier option", f"use some of {sorted(known)}")
    image = fields.get("image", DEFAULT_IMAGE)
    if not isinstance(image, str) or len(image) > 512 or not _IMAGE.fullmatch(image):
        raise BlueprintInputError(
            f"{argument}.image",
            f"{image!r} is not an image reference",
            "give e.g. `python:3.12-slim` or `registry.example.com/python:3.12-slim@sha256:<64 hex digits>`",
        )
    replicas = fields.get("replicas", 2)
    if (
        isinstance(replicas, bool)
        or not isinstance(replicas, int | float)
        or not 1 <= replicas <= MAX_REPLICAS
        or int(replicas) != replicas
    ):
        raise BlueprintInputError(f"{argument}.replicas", f"{replicas!r} is not a replica count", "use 1 to 10")
    network_policy = fields.get("network_policy", False)
    if not isinstance(network_policy, bool):
        raise BlueprintInputError(f"{argument}.network_policy", f"{network_policy!r} is not a boolean", "true or false")
    resources: object = fields.get("resources")
    if resources is None:
        resources = cast(dict[str, object], {})
    if not is_mapping(resources):
        raise BlueprintInputError(f"{argument}.resources", "must be an object", "give `requests` and/or `limits`")
    for key in resources:
        if key not in ("requests", "limits"):
            raise BlueprintInputError(f"{argument}.resources.{key}", "is not a field", "use `requests` and/or `limits`")
    requests = _resources(resources.get("requests"), f"{argument}.resources.requests", DEFAULT_REQUESTS)
    limits = _resources(resources.get("limits"), f"{argument}.resources.limits", DEFAULT_LIMITS)
    for key, request in requests.items():
        if _quantity(request, "") > _quantity(limits[key], ""):
            raise BlueprintInputError(
                f"{argument}.resources.requests.{key}",
                f"{request!r} exceeds the limit {limits[key]!r}",
                "raise `limits` too, or request less",
            )
    return _Options(image, int(replicas), network_policy, requests, limits)


def plan_verifier(
    plan: BlueprintPlan, receiver: ReceiverPlan, signature: SignatureSettings, options: object = None
) -> VerifierPlan:
    """Check the verifier options and decide its objects' names, labels and settings (pure: registers nothing)."""
    assert receiver.front_name is not None, "plan the receiver in SIGNATURE mode"
    if receiver.endpoint_base in HEALTH_PATHS:
        fix = "give the blueprint another name"
        raise BlueprintInputError("name", f"endpoint {receiver.endpoint_base!r} is the verifier's health check", fix)
    checked = check_verifier_options(options)
    instance = plan.labels["metaflow-blueprints/instance"]
    selector = {"metaflow-blueprints/instance": instance, COMPONENT_LABEL[0]: COMPONENT_LABEL[1]}
    env = {
        "VERIFIER_PORT": str(CONTAINER_PORT),
        "VERIFIER_PATH": receiver.endpoint_base,
        **signature.env(),
        "VERIFIER_SECRET_FILE": f"{SECRETS_DIR}/{SIGNING_KEY}",
        "VERIFIER_UPSTREAM_URL": receiver.upstream_url_base + receiver.endpoint_base,
        "VERIFIER_UPSTREAM_TOKEN_FILE": f"{SECRETS_DIR}/{TOKEN_FILE}",
        "VERIFIER_SHUTDOWN_GRACE_SECONDS": str(SHUTDOWN_GRACE_SECONDS),
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONUNBUFFERED": "1",
    }
    return VerifierPlan(
        name=receiver.front_name,
        namespace=plan.namespace,
        labels={**plan.labels, COMPONENT_LABEL[0]: COMPONENT_LABEL[1]},
        selector=selector,
        event_source_name=plan.event_source_name,
        image=checked.image,
        replicas=checked.replicas,
        network_policy=checked.network_policy,
        requests=checked.requests,
        limits=checked.limits,
        signature=signature,
        env=env,
        token_secret=receiver.secret_name,
    )


def create_verifier(
    parent: pulumi.Resource,
    name: str,
    verifier: VerifierPlan,
    receiver: WebhookReceiver,
    signing_secret: pulumi.Input[str] | None,
) -> Verifier:
    """Register the verifier's objects under ``parent``; ``signing_secret`` (made secret here) fills its own Secret,
    unless the plan names an existing Secret (then pass None)."""
    child = pulumi.ResourceOptions(parent=parent)
    meta = kube.metadata(verifier.name, verifier.namespace, verifier.labels)
    script = source()
    config_map = k8s.core.v1.ConfigMap(f"{name}-verifier-script", metadata=meta, data={SCRIPT_NAME: script}, opts=child)
    secret = None
    waits: list[pulumi.Resource] = [config_map, *([receiver.secret] if receiver.secret is not None else [])]
    if verifier.signature.secret_name is None:
        assert signing_secret is not None, "a signing secret for the verifier's own Secret"
        secret = k8s.core.v1.Secret(
            f"{name}-verifier-secret",
            metadata=meta,
            type="Opaque",
            string_data={SIGNING_KEY: pulumi.Output.secret(signing_secret)},
            opts=child,
        )
        waits.append(secret)
    deployment = k8s.apps.v1.Deployment(
        f"{name}-verifier",
        metadata=kube.metadata(
            verifier.name, verifier.namespace, verifier.labels, {VERIFIES_ANNOTATION: verifier.event_source_name}
        ),
        spec=cast(
            k8s.apps.v1.DeploymentSpecArgsDict, _deployment_spec(verifier, hashlib.sha256(script.encode()).hexdigest())
        ),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=waits),
    )
    service = k8s.core.v1.Service(
        f"{name}-verifier-service",
        metadata=meta,
        spec={
            "type": "ClusterIP",
            "selector": dict(verifier.selector),
            "ports": [{"name": "http", "port": FRONT_PORT, "target_port": "http", "protocol": "TCP"}],
        },
        opts=child,
    )
    budget = None
    if verifier.replicas >= 2:
        budget = k8s.policy.v1.PodDisruptionBudget(
            f"{name}-verifier-pdb",
            metadata=meta,
            spec={"min_available": 1, "selector": {"match_labels": dict(verifier.selector)}},
            opts=child,
        )
    policy = None
    if verifier.network_policy:
        policy = k8s.networking.v1.NetworkPolicy(
            f"{name}-verifier-network-policy",
            metadata=kube.metadata(verifier.network_policy_name, verifier.namespace, verifier.labels),
            spec=cast(k8s.networking.v1.NetworkPolicySpecArgsDict, network_policy_spec(verifier)),
            opts=child,
        )
    return Verifier(config_map, secret, deployment, service, budget, policy)


def network_policy_spec(verifier: VerifierPlan) -> dict[str, Any]:
    """Only the verifier's pods may reach the EventSource's pods, and only on the webhook port."""
    pods = {key: value or verifier.event_source_name for key, value in EVENT_SOURCE_POD_LABELS}
    return {
        "podSelector": {"matchLabels": pods},
        "policyTypes": ["Ingress"],
        "ingress": [
            {
                "from": [{"podSelector": {"matchLabels": dict(verifier.selector)}}],
                "ports": [{"port": PORT, "protocol": "TCP"}],
            }
        ],
    }


def _deployment_spec(verifier: VerifierPlan, script_hash: str) -> dict[str, Any]:
    signature = verifier.signature
    signing_source = signature.secret_name or verifier.name
    probe: Mapping[str, Any] = {"timeoutSeconds": 2, "failureThreshold": 3}
    container: dict[str, Any] = {
        "name": "verifier",
        "image": verifier.image,
        "command": ["python", f"{APP_DIR}/{SCRIPT_NAME}"],
        "ports": [{"name": "http", "containerPort": CONTAINER_PORT, "protocol": "TCP"}],
        "env": [{"name": key, "value": value} for key, value in verifier.env.items()],
        "resources": {"requests": dict(verifier.requests), "limits": dict(verifier.limits)},
        "securityContext": {
            "runAsNonRoot": True,
            "runAsUser": UID,
            "runAsGroup": UID,
            "readOnlyRootFilesystem": True,
            "allowPrivilegeEscalation": False,
            "privileged": False,
            "capabilities": {"drop": ["ALL"]},
            "seccompProfile": {"type": "RuntimeDefault"},
        },
        "livenessProbe": {"httpGet": {"path": "/healthz", "port": "http"}, "periodSeconds": 10, **probe},
        "readinessProbe": {"httpGet": {"path": "/readyz", "port": "http"}, "periodSeconds": 5, **probe},
        "lifecycle": {"preStop": {"exec": {"command": ["sleep", str(PRE_STOP_SECONDS)]}}},
        "volumeMounts": [
            {"name": "script", "mountPath": APP_DIR, "readOnly": True},
            {"name": "secrets", "mountPath": SECRETS_DIR, "readOnly": True},
            {"name": "tmp", "mountPath": "/tmp"},
        ],
    }
    volumes: list[dict[str, Any]] = [
        {
            "name": "script",
            "configMap": {
                "name": verifier.name,
                "items": [{"key": SCRIPT_NAME, "path": SCRIPT_NAME}],
                "defaultMode": 0o444,
            },
        },
        {
            "name": "secrets",
            "projected": {
                "defaultMode": 0o440,
                "sources": [
                    {"secret": {"name": signing_source, "items": [{"key": signature.secret_key, "path": SIGNING_KEY}]}},
                    {"secret": {"name": verifier.token_secret, "items": [{"key": TOKEN_KEY, "path": TOKEN_FILE}]}},
                ],
            },
        },
        {"name": "tmp", "emptyDir": {"medium": "Memory", "sizeLimit": "16Mi"}},
    ]
    return {
        "replicas": verifier.replicas,
        "selector": {"matchLabels": dict(verifier.selector)},
        "template": {
            "metadata": {
                "labels": dict(verifier.labels),
                "annotations": {"metaflow-blueprints/script-sha256": script_hash},
            },
            "spec": {
                "automountServiceAccountToken": False,
                "enableServiceLinks": False,
                "terminationGracePeriodSeconds": PRE_STOP_SECONDS + SHUTDOWN_GRACE_SECONDS + 5,
                "securityContext": {
                    "runAsNonRoot": True,
                    "runAsUser": UID,
                    "runAsGroup": UID,
                    "fsGroup": UID,
                    "seccompProfile": {"type": "RuntimeDefault"},
                },
                "topologySpreadConstraints": [
                    {
                        "maxSkew": 1,
                        "topologyKey": "kubernetes.io/hostname",
                        "whenUnsatisfiable": "ScheduleAnyway",
                        "labelSelector": {"matchLabels": dict(verifier.selector)},
                    }
                ],
                "containers": [container],
                "volumes": volumes,
            },
        },
    }
