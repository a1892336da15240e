"""The signature-verifying receiver in front of a webhook EventSource, as `simulate` models it.

A Deployment annotated ``metaflow-blueprints/verifies: <EventSource name>`` (in the EventSource's namespace) runs the
verifier (`webhooks.verifier.server`) in its container ``verifier``; its ``VERIFIER_*`` environment is read with the
server's own `Config.from_env`, and signatures are checked with the server's own `decode_signature` and
`signature_matches` over the sample file's exact bytes. What a verified request looks like when it reaches the
EventSource follows the server's forwarding rules: the signature header, ``Authorization`` (replaced by the bearer
token), hop-by-hop headers, ``Host``, ``Content-Length`` and ``Expect`` are not forwarded, and the sender's address is
appended to ``X-Forwarded-For``.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from pulumi_metaflow_blueprints.argo.spec import items, mapping
from pulumi_metaflow_blueprints.offline import ProgramRun
from pulumi_metaflow_blueprints.simulate.model import VerifierCheck, VerifierOutcome
from pulumi_metaflow_blueprints.webhooks.verifier.server import (
    ALGORITHMS,
    NOT_FORWARDED,
    Config,
    ConfigError,
    decode_signature,
    signature_matches,
)

__all__ = [
    "CONTAINER",
    "SENDER_ADDRESS",
    "VERIFIES_ANNOTATION",
    "Verifier",
    "VerifierGate",
    "forwarded_headers",
    "verifiers",
    "verify",
]

VERIFIES_ANNOTATION = "metaflow-blueprints/verifies"
"""The annotation on a verifier Deployment naming the EventSource it fronts (as `webhooks.verifying` writes it)."""
CONTAINER = "verifier"
"""The name of the verifier's container in its Deployment."""
DEPLOYMENT_TYPE = "kubernetes:apps/v1:Deployment"
SENDER_ADDRESS = "192.0.2.1"
"""Stands in (an RFC 5737 documentation address) for the address the verifier appends to ``X-Forwarded-For``: its
client's, the Ingress controller's pod when an Ingress routes to it."""
_SIGNATURE_SETTINGS = (
    "VERIFIER_PRESET",
    "VERIFIER_SIGNATURE_HEADER",
    "VERIFIER_SIGNATURE_PREFIX",
    "VERIFIER_SIGNATURE_ALGORITHM",
    "VERIFIER_SIGNATURE_ENCODING",
    "VERIFIER_MAX_BODY_BYTES",
    "VERIFIER_UPSTREAM_URL",
    "VERIFIER_UPSTREAM_TOKEN_FILE",
)


@dataclass(frozen=True)
class Verifier:
    """A verifier Deployment: the EventSource it fronts and its configuration (``problem`` when it cannot start)."""

    deployment: str
    namespace: str
    verifies: str
    config: Config | None
    problem: str | None = None
    """Why the verifier cannot start (its `ConfigError`), or which setting is not readable offline."""
    unreadable: bool = False
    """The problem is a setting taken from ``valueFrom``/``envFrom``, which is not read offline."""


def verifiers(run: ProgramRun) -> list[Verifier]:
    """Every Deployment of ``run`` annotated as fronting an EventSource, with its container's configuration."""
    found: list[Verifier] = []
    for registration in run.of_type(DEPLOYMENT_TYPE):
        inputs = registration.plain_inputs
        metadata = mapping(inputs.get("metadata"))
        verifies = mapping(metadata.get("annotations")).get(VERIFIES_ANNOTATION)
        if not isinstance(verifies, str) or not verifies:
            continue
        name = str(metadata.get("name", registration.name))
        namespace = str(metadata.get("namespace", ""))
        found.append(_verifier(name, namespace, verifies, mapping(inputs.get("spec"))))
    return found


def _verifier(name: str, namespace: str, verifies: str, spec: Mapping[str, object]) -> Verifier:
    containers = [mapping(c) for c in items(mapping(mapping(spec.get("template")).get("spec")).get("containers"))]
    container = next((c for c in containers if c.get("name") == CONTAINER), None)
    if container is None and len(containers) == 1:
        container = containers[0]
    if container is None:
        return Verifier(name, namespace, verifies, None, f"it has no container named {CONTAINER!r}")
    env: dict[str, str] = {}
    indirect: list[str] = []
    for variable in map(mapping, items(container.get("env"))):
        key = str(variable.get("name", ""))
        if "value" in variable:
            env[key] = str(variable["value"])
        elif "valueFrom" in variable:
            indirect.append(key)
    unread = [key for key in indirect if key in _SIGNATURE_SETTINGS]
    if unread:
        problem = f"{unread[0]} is set from valueFrom, which is not read offline"
        return Verifier(name, namespace, verifies, None, problem, unreadable=True)
    if container.get("envFrom"):
        problem = "its container takes variables from envFrom, which is not read offline"
        return Verifier(name, namespace, verifies, None, problem, unreadable=True)
    if "VERIFIER_SECRET_FILE" in indirect:  # required, and only a path: the secret itself is never read
        env["VERIFIER_SECRET_FILE"] = "(from valueFrom)"
    try:
        return Verifier(name, namespace, verifies, Config.from_env(env))
    except ConfigError as error:
        return Verifier(name, namespace, verifies, None, str(error))


@dataclass(frozen=True)
class VerifierGate:
    """What the verifier does with the sample: ``check`` for the report; ``headers`` the EventSource receives when it
    forwards (None when the request stops before Argo)."""

    check: VerifierCheck
    headers: Mapping[str, str] | None
    notes: tuple[str, ...] = ()


def verify(
    found: Sequence[Verifier],
    source_name: str,
    source_namespace: str,
    source_config: Mapping[str, object],
    headers: Mapping[str, str],
    body: bytes,
    secret: bytes | None,
) -> VerifierGate | None:
    """What the verifier fronting EventSource ``source_name`` does with a request (None when none fronts it).

    ``body`` is the exact request body, ``secret`` the signing secret when known.
    """
    fronting = [v for v in found if v.verifies == source_name and v.namespace == source_namespace]
    if not fronting:
        return None
    verifier = fronting[0]
    where = f"{verifier.namespace}/{verifier.deployment}"
    if len(fronting) > 1:
        names = ", ".join(f"{v.namespace}/{v.deployment}" for v in fronting)
        reason = f"several verifier Deployments front EventSource {source_name!r} ({names}): not simulated"
        return _stop(verifier, "unsupported", reason)
    config = verifier.config
    if config is None:
        if verifier.unreadable:
            return _stop(verifier, "unsupported", f"verifier {where}: {verifier.problem}")
        return _stop(verifier, "broken", f"the verifier {where} cannot start: {verifier.problem}")
    miswired = _upstream_problem(config, source_name, source_namespace, source_config)
    if miswired is not None:
        return _stop(verifier, "broken", f"the verifier {where} forwards nowhere Argo accepts: {miswired}")
    if len(body) > config.max_body_bytes:
        reason = (
            f"rejected before Argo: the verifier answers 413 (the body is {len(body)} bytes, over "
            f"VERIFIER_MAX_BODY_BYTES {config.max_body_bytes})"
        )
        return _stop(verifier, "rejected", reason, 413)
    header = config.header
    values = [value for name, value in headers.items() if name.lower() == header.lower()]
    if not values:
        return _stop(verifier, "rejected", f"rejected before Argo: the verifier answers 401 (no {header} header)", 401)
    if len(values) > 1:
        reason = f"rejected before Argo: the verifier answers 401 ({len(values)} {header} headers: it takes one)"
        return _stop(verifier, "rejected", reason, 401)
    if decode_signature(values[0], config.prefix, config.encoding, ALGORITHMS[config.algorithm]) is None:
        prefix = f" after the prefix {config.prefix!r}" if config.prefix else ""
        reason = (
            f"rejected before Argo: the verifier answers 401 (the {header} header is not one {config.algorithm} "
            f"digest in {config.encoding}{prefix})"
        )
        return _stop(verifier, "rejected", reason, 401)
    forwarded = forwarded_headers(headers, config)
    if secret is None:
        reason = f"the {header} header is well-formed; whether it is the body's HMAC needs the signing secret"
        note = "signature not checked offline: pass --signing-secret"
        return VerifierGate(_check(verifier, "not-checked", reason), forwarded, (note,))
    if not signature_matches(config, secret, body, values):
        reason = (
            f"rejected before Argo: the verifier answers 401 (the {header} signature is not the HMAC of the body "
            "under the signing secret)"
        )
        return _stop(verifier, "rejected", reason, 401)
    reason = f"the {header} signature is the HMAC-{config.algorithm.upper()} of the body: forwarded to the EventSource"
    return VerifierGate(_check(verifier, "verified", reason), forwarded)


def forwarded_headers(headers: Mapping[str, str], config: Config) -> dict[str, str]:
    """The request headers the verifier forwards (its rules: see the module docstring)."""
    dropped = set(NOT_FORWARDED) | {config.header.lower()}
    for name, value in headers.items():
        if name.lower() == "connection":
            dropped.update(part.strip().lower() for part in value.split(","))
    kept = {name: value for name, value in headers.items() if name.lower() not in dropped}
    chain = [value for name, value in kept.items() if name.lower() == "x-forwarded-for"]
    kept = {name: value for name, value in kept.items() if name.lower() != "x-forwarded-for"}
    kept["X-Forwarded-For"] = ", ".join([*chain, SENDER_ADDRESS])
    if config.upstream_token_file:
        kept["Authorization"] = "Bearer <token>"
    return kept


def _upstream_problem(
    config: Config, source_name: str, namespace: str, source_config: Mapping[str, object]
) -> str | None:
    """Why the EventSource would not accept what the verifier forwards, or None."""
    if source_config.get("authSecret") is not None and not config.upstream_token_file:
        return (
            "VERIFIER_UPSTREAM_TOKEN_FILE is unset, so it sends no bearer token, and the EventSource (authSecret) "
            "answers 401"
        )
    parts = urlsplit(config.upstream_url)
    labels = (parts.hostname or "").split(".")
    service = f"{source_name}-eventsource-svc"
    if labels[0] != service or (len(labels) > 1 and labels[1] != namespace):
        return f"VERIFIER_UPSTREAM_URL {config.upstream_url!r} is not the EventSource's Service {service}.{namespace}"
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if str(port) != str(source_config.get("port")):
        return f"VERIFIER_UPSTREAM_URL port {port} is not the EventSource's port {source_config.get('port')}"
    if (parts.path or "/") != source_config.get("endpoint"):
        return (
            f"VERIFIER_UPSTREAM_URL path {parts.path or '/'!r} is not the EventSource's endpoint "
            f"{source_config.get('endpoint')!r}"
        )
    return None


def _check(verifier: Verifier, outcome: VerifierOutcome, reason: str, status: int | None = None) -> VerifierCheck:
    config = verifier.config
    return VerifierCheck(
        deployment=verifier.deployment,
        namespace=verifier.namespace,
        preset=config.preset if config else None,
        header=config.header if config else "",
        outcome=outcome,
        status=status,
        reason=reason,
    )


def _stop(verifier: Verifier, outcome: VerifierOutcome, reason: str, status: int | None = None) -> VerifierGate:
    return VerifierGate(_check(verifier, outcome, reason, status), None)
