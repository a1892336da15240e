"""Typed arguments shared by the webhook blueprints (see core/args.py for the schema rules they follow)."""

from enum import Enum
from typing import TypedDict

from typing_extensions import NotRequired

__all__ = [
    "SignatureAlgorithm",
    "SignatureEncoding",
    "VerifierOptions",
    "VerifierResources",
    "WebhookAuthMode",
    "WebhookIngress",
    "WebhookSignature",
]


class WebhookIngress(TypedDict):
    """An Ingress that lets systems outside the cluster reach the webhook EventSource over HTTPS."""

    host: str
    """Public host name, e.g. `hooks.example.com`. The webhook URL is `https://<host>/<endpoint>`."""
    class_name: NotRequired[str]
    """IngressClass to use (`ingressClassName`), e.g. `nginx`. Defaults to the cluster's default class."""
    tls_secret_name: NotRequired[str]
    """TLS Secret for `host` in `kubernetes.namespace`; leave unset when the load balancer terminates TLS."""
    annotations: NotRequired[dict[str, str]]
    """Ingress controller annotations, e.g. `nginx.ingress.kubernetes.io/whitelist-source-range` (an IP allowlist)."""


class WebhookAuthMode(str, Enum):
    """How a sender proves it may post to the webhook."""

    BEARER = "bearer"
    """The sender sends `Authorization: Bearer <token>`; Argo Events checks it (`authSecret`)."""
    SECRET_PATH = "secret-path"
    """The URL path ends in an unguessable token, for senders that cannot set an `Authorization` header."""
    SIGNATURE = "signature"
    """The sender signs the body (an HMAC); a verifying receiver checks it and forwards the request with the bearer
    token, so senders need no token."""


class SignatureAlgorithm(str, Enum):
    """The HMAC's hash function."""

    SHA256 = "sha256"
    """HMAC-SHA256 (most senders)."""
    SHA1 = "sha1"
    """HMAC-SHA1 (older senders)."""
    SHA512 = "sha512"
    """HMAC-SHA512."""


class SignatureEncoding(str, Enum):
    """How the signature header writes the digest."""

    HEX = "hex"
    """Hexadecimal, either case."""
    BASE64 = "base64"
    """Standard base64, padded."""


class WebhookSignature(TypedDict):
    """How senders sign each request: an HMAC of the exact body bytes, in a header, keyed by a shared secret."""

    header: str
    """The header carrying the signature, e.g. `X-Hub-Signature-256`."""
    prefix: NotRequired[str]
    """Text before the digest in the header, e.g. `sha256=` (matched case-insensitively). Defaults to none."""
    algorithm: NotRequired[SignatureAlgorithm]
    """The HMAC's hash function. Defaults to `sha256`."""
    encoding: NotRequired[SignatureEncoding]
    """How the digest is written. Defaults to `hex`."""
    secret_name: NotRequired[str]
    """An existing Kubernetes Secret (in `kubernetes.namespace`) holding the signing secret. Unset: one is generated
    and published as the `signing_secret` output."""
    secret_key: NotRequired[str]
    """The key of `secret_name` holding the signing secret. Defaults to `signing-secret`."""


class VerifierResources(TypedDict):
    """CPU and memory of each verifier container (Kubernetes quantities, e.g. `100m`, `128Mi`)."""

    requests: NotRequired[dict[str, str]]
    """`cpu` and/or `memory` requested. Defaults to `{"cpu": "50m", "memory": "64Mi"}`."""
    limits: NotRequired[dict[str, str]]
    """`cpu` and/or `memory` limits. Defaults to `{"cpu": "500m", "memory": "128Mi"}`."""


class VerifierOptions(TypedDict):
    """The verifying receiver: a Deployment running the package's standard-library verifier on a stock Python image."""

    image: NotRequired[str]
    """Container image with Python 3.9 or later. Defaults to `python:3.12-slim`; pin it by digest in production,
    e.g. `python:3.12-slim@sha256:<digest>`."""
    replicas: NotRequired[int]
    """Pods (1 to 10). Defaults to 2, with a PodDisruptionBudget keeping one available."""
    network_policy: NotRequired[bool]
    """Add a NetworkPolicy admitting traffic to the EventSource's pods only from the verifier's pods, on the webhook
    port (it also blocks other ports, such as metrics scraping). Defaults to false."""
    resources: NotRequired[VerifierResources]
    """Requests and limits of the container."""
