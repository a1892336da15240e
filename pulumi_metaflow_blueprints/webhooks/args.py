"""Typed arguments shared by the webhook blueprints (see core/args.py for the schema rules they follow)."""

from enum import Enum
from typing import TypedDict

from typing_extensions import NotRequired

__all__ = ["WebhookAuthMode", "WebhookIngress"]


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
