"""The receiving side every webhook blueprint shares: a random token, the `webhook` EventSource and its Service,
and optionally an Ingress.

API (check before the component's ``super().__init__``, so bad input registers nothing; create after)::

    options = ReceiverOptions.from_args(    # reads the blueprint's `ingress` and `public_url` arguments
        args,
        WebhookAuthMode.BEARER,             # or SECRET_PATH for senders that cannot set an Authorization header,
                                            # or SIGNATURE: a verifier (`webhooks.verifying`) fronts the EventSource
        require_public=False,               # True: the sender is outside the cluster (ingress or public_url needed)
    )
    receiving = plan_receiver(plan, options)  # -> ReceiverPlan; raises BlueprintInputError/ArgoSpecError
    receiver = create_receiver(self, name, plan, receiving)  # -> WebhookReceiver (registers)
    create_sensor(self, name, plan, depends_on=[receiver.event_source])

In SIGNATURE mode the EventSource runs in bearer mode as in BEARER, but senders post to the verifying receiver's
Service (``<base>-verifier``, port 80; `webhooks.verifying` plans and creates it), which the Ingress routes to; the
verifier checks each signature and forwards with the bearer token from the receiver's Secret.

Errors name the arguments `ingress`, `ingress.<key>`, `public_url`, `auth` and `name`: use those keys in your args.

`WebhookReceiver` holds ``url`` (where senders post: ``https://<host>/<endpoint>`` with an ingress,
``<public_url>/<endpoint>``, else the in-cluster ``service_url``; a secret Output in SECRET_PATH mode), ``token`` (a
secret Output: the bearer token, or the path token), ``endpoint``, ``service_url``, ``event_name`` and the resources:
``token_resource`` (``random.RandomPassword``, generated once and kept in state), ``secret`` (the Kubernetes Secret
``authSecret`` reads, BEARER and SIGNATURE modes), ``event_source`` and ``ingress``.

Each blueprint instance gets its own EventSource, so its own pod and Service (``<event source>-eventsource-svc``,
created by Argo Events from the spec's ``service``): several webhook blueprints in one namespace never share a port,
and their endpoints (``/<base name>``) differ too.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeGuard
from urllib.parse import urlsplit

import pulumi
import pulumi_kubernetes as k8s
import pulumi_random as random

from pulumi_metaflow_blueprints.argo.spec import mapping
from pulumi_metaflow_blueprints.argo.validation import check_event_source
from pulumi_metaflow_blueprints.core import kube
from pulumi_metaflow_blueprints.core.plan import BlueprintPlan
from pulumi_metaflow_blueprints.errors import BlueprintInputError
from pulumi_metaflow_blueprints.naming import (
    DNS1123_SUBDOMAIN,
    check_qualified_name,
    child_name,
    validate_dns1035_label,
    validate_dns_subdomain,
)
from pulumi_metaflow_blueprints.webhooks.args import WebhookAuthMode, WebhookIngress

__all__ = [
    "FRONT_PORT",
    "PORT",
    "RESERVED_ENDPOINTS",
    "TOKEN_KEY",
    "TOKEN_LENGTH",
    "ReceiverOptions",
    "ReceiverPlan",
    "WebhookReceiver",
    "check_ingress",
    "check_public_url",
    "create_receiver",
    "plan_receiver",
    "verifier_name",
    "webhook_spec",
]

PORT = 12000
FRONT_PORT = 80
"""The verifying receiver's Service port (SIGNATURE mode)."""
TOKEN_LENGTH = 48
TOKEN_KEY = "token"
RESERVED_ENDPOINTS = frozenset({"/health"})
"""Argo Events serves its own health check there, on the same port."""
_PATH_TOKEN_STAND_IN = "x" * TOKEN_LENGTH


def verifier_name(plan: BlueprintPlan) -> str:
    """`<base>-verifier`: the name of the verifying receiver's Deployment, Service and ConfigMap."""
    return child_name(plan.base, "verifier")


@dataclass(frozen=True)
class ReceiverOptions:
    """How one blueprint receives its webhook."""

    auth: WebhookAuthMode = WebhookAuthMode.BEARER
    ingress: WebhookIngress | None = None
    public_url: str | None = None
    require_public: bool = False
    """The sender runs outside the cluster: an ingress or a public URL (HTTPS) is required."""

    @classmethod
    def from_args(
        cls, args: Mapping[str, Any], auth: WebhookAuthMode, *, require_public: bool = False
    ) -> "ReceiverOptions":
        """The options a blueprint takes from its `ingress` and `public_url` arguments (the names errors use)."""
        ingress, public_url = args.get("ingress"), args.get("public_url")
        return cls(auth=auth, ingress=ingress, public_url=public_url, require_public=require_public)


@dataclass(frozen=True)
class ReceiverPlan:
    """The checked, plain decisions of a receiver."""

    auth: WebhookAuthMode
    event_name: str
    endpoint_base: str
    """`/<base>`: the whole endpoint in BEARER mode, the part before the token in SECRET_PATH mode."""
    secret_name: str
    service_name: str
    """The EventSource's Service (Argo Events creates it)."""
    service_url_base: str
    """Where in-cluster senders post (without the endpoint): the verifier's Service in SIGNATURE mode, else the
    EventSource's."""
    upstream_url_base: str
    """The EventSource's Service URL (without the endpoint), which the verifier forwards to."""
    public_base: str | None
    ingress: WebhookIngress | None
    front_name: str | None = None
    """The verifying receiver's Service, which fronts the EventSource (SIGNATURE mode), else None."""

    @property
    def bearer(self) -> bool:
        """Whether the EventSource checks a bearer token (`authSecret`): BEARER and SIGNATURE modes."""
        return self.auth is not WebhookAuthMode.SECRET_PATH

    @property
    def checked_endpoint(self) -> str:
        """The endpoint with a stand-in for the path token (SECRET_PATH), for checking the spec before it exists."""
        if self.bearer:
            return self.endpoint_base
        return f"{self.endpoint_base}/{_PATH_TOKEN_STAND_IN}"


@dataclass(frozen=True)
class WebhookReceiver:
    """What `create_receiver` registered, and where senders post."""

    event_name: str
    endpoint: pulumi.Output[str]
    url: pulumi.Output[str]
    service_url: pulumi.Output[str]
    token: pulumi.Output[str]
    token_resource: random.RandomPassword
    secret: k8s.core.v1.Secret | None
    event_source: k8s.apiextensions.CustomResource
    ingress: k8s.networking.v1.Ingress | None


def _is_ingress(value: object) -> TypeGuard[WebhookIngress]:
    """Whether ``value`` can be read as `WebhookIngress`: a dict (each field is checked as it is read)."""
    return isinstance(value, dict)


def check_ingress(ingress: object, argument: str = "ingress") -> WebhookIngress | None:
    """Validate the Ingress options."""
    if ingress is None:
        return None
    if not _is_ingress(ingress):
        raise BlueprintInputError(argument, "must be an object", "give `{'host': 'hooks.example.com'}`")
    host = mapping(ingress).get("host")
    if host is None:
        raise BlueprintInputError(
            f"{argument}.host", "is required", "give the public host name, e.g. hooks.example.com"
        )
    validate_dns_subdomain(host, f"{argument}.host")
    for key in ("class_name", "tls_secret_name"):
        value = ingress.get(key)
        if value is not None:
            validate_dns_subdomain(value, f"{argument}.{key}")
    for key in ingress.get("annotations") or {}:
        check_qualified_name(key, f"{argument}.annotations.{key}")
    return ingress


def check_public_url(url: str | None, argument: str = "public_url") -> str | None:
    """An https base URL without query or fragment, returned without a trailing slash."""
    if url is None:
        return None
    fix = "give e.g. `https://hooks.example.com/argo` (no query, user or fragment; a port 1-65535 if any)"
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:  # an invalid or out-of-range port, or a malformed host
        raise BlueprintInputError(argument, f"{url!r} is not an https base URL", fix) from None
    host = parts.hostname or ""
    if (
        parts.scheme != "https"
        or not port_ok
        or not DNS1123_SUBDOMAIN.fullmatch(host)
        or parts.username is not None
        or parts.query
        or parts.fragment
        or any(char.isspace() or ord(char) < 32 for char in url)
    ):
        raise BlueprintInputError(argument, f"{url!r} is not an https base URL", fix)
    return url.rstrip("/")


def plan_receiver(plan: BlueprintPlan, options: ReceiverOptions) -> ReceiverPlan:
    """Check the receiver options and decide its names and URLs (pure: registers nothing)."""
    auth = options.auth
    if auth not in {mode.value for mode in WebhookAuthMode}:
        allowed = ", ".join(f"`{mode.value}`" for mode in WebhookAuthMode)
        raise BlueprintInputError("auth", f"{auth!r} is not an auth mode", f"use one of {allowed}")
    ingress = check_ingress(options.ingress)
    public_url = check_public_url(options.public_url)
    if options.require_public and ingress is None and public_url is None:
        raise BlueprintInputError(
            "ingress",
            "is required: the sender runs outside the cluster and cannot reach the in-cluster Service",
            "give `ingress` with a public `host`, or `public_url` if you expose the EventSource yourself",
        )
    endpoint_base = f"/{plan.base}"
    if WebhookAuthMode(auth) is not WebhookAuthMode.SECRET_PATH and endpoint_base in RESERVED_ENDPOINTS:
        raise BlueprintInputError(
            "name", f"endpoint {endpoint_base!r} is Argo Events' own health check", "give the blueprint another name"
        )
    service_name = validate_dns1035_label(
        f"{plan.event_source_name}-eventsource-svc",
        "name",
        "start the blueprint's resource name with a letter: Argo Events names the EventSource's Service after it",
    )
    upstream_url_base = f"http://{service_name}.{plan.namespace}.svc:{PORT}"
    front_name = None
    service_url_base = upstream_url_base
    if WebhookAuthMode(auth) is WebhookAuthMode.SIGNATURE:
        front_name = validate_dns1035_label(
            verifier_name(plan), "name", "start the blueprint's resource name with a letter: it names a Service"
        )
        service_url_base = f"http://{front_name}.{plan.namespace}.svc"
    if public_url is not None:
        public_base: str | None = public_url
    elif ingress is not None:
        public_base = f"https://{ingress['host']}"
    else:
        public_base = None
    receiver = ReceiverPlan(
        auth=WebhookAuthMode(auth),
        event_name=plan.event_name,
        endpoint_base=endpoint_base,
        secret_name=child_name(plan.base, "webhook-token"),
        service_name=service_name,
        service_url_base=service_url_base,
        public_base=public_base,
        ingress=ingress,
        upstream_url_base=upstream_url_base,
        front_name=front_name,
    )
    check_event_source(plan.event_source_name, webhook_spec(plan, receiver, receiver.checked_endpoint))
    return receiver


def webhook_spec(plan: BlueprintPlan, receiver: ReceiverPlan, endpoint: Any) -> dict[str, Any]:
    """The EventSource spec: one POST route on port 12000, a ClusterIP Service, and `authSecret` unless in
    SECRET_PATH mode (`url` is where senders post, informational)."""
    route: dict[str, Any] = {
        "endpoint": endpoint,
        "method": "POST",
        "port": str(PORT),
        "url": receiver.public_base or receiver.service_url_base,
    }
    if receiver.bearer:
        route["authSecret"] = {"name": receiver.secret_name, "key": TOKEN_KEY}
    return {
        "eventBusName": plan.event_bus_name,
        "service": {"ports": [{"port": PORT, "targetPort": PORT}]},
        "webhook": {receiver.event_name: route},
    }


def create_receiver(parent: pulumi.Resource, name: str, plan: BlueprintPlan, receiver: ReceiverPlan) -> WebhookReceiver:
    """Register the planned token, (BEARER, SIGNATURE) its Secret, the EventSource and (maybe) the Ingress under
    ``parent``; in SIGNATURE mode call `webhooks.verifying.create_verifier` next (the Ingress routes to it)."""
    child = pulumi.ResourceOptions(parent=parent)
    bearer = receiver.bearer
    password = random.RandomPassword(
        f"{name}-token" if bearer else f"{name}-path-token", length=TOKEN_LENGTH, special=False, opts=child
    )
    token = pulumi.Output.secret(password.result)
    secret = None
    waits: list[pulumi.Resource] = []
    if bearer:
        endpoint: pulumi.Output[str] = pulumi.Output.from_input(receiver.endpoint_base)
        spec_endpoint: Any = receiver.endpoint_base
        secret = k8s.core.v1.Secret(
            f"{name}-token-secret",
            metadata=kube.metadata(receiver.secret_name, plan.namespace, plan.labels),
            type="Opaque",
            string_data={TOKEN_KEY: token},
            opts=child,
        )
        waits.append(secret)
    else:
        endpoint = pulumi.Output.concat(receiver.endpoint_base, "/", token)
        spec_endpoint = endpoint
    spec = webhook_spec(plan, receiver, spec_endpoint)
    after = pulumi.ResourceOptions(parent=parent, depends_on=waits)
    event_source = kube.argo_resource("EventSource", f"{name}-eventsource", plan, plan.event_source_name, spec, after)
    ingress = _ingress(parent, name, plan, receiver, event_source) if receiver.ingress is not None else None
    service_url = pulumi.Output.concat(receiver.service_url_base, endpoint)
    url = pulumi.Output.concat(receiver.public_base, endpoint) if receiver.public_base else service_url
    return WebhookReceiver(
        event_name=receiver.event_name,
        endpoint=endpoint,
        url=url,
        service_url=service_url,
        token=token,
        token_resource=password,
        secret=secret,
        event_source=event_source,
        ingress=ingress,
    )


def _ingress(
    parent: pulumi.Resource,
    name: str,
    plan: BlueprintPlan,
    receiver: ReceiverPlan,
    event_source: pulumi.Resource,
) -> k8s.networking.v1.Ingress:
    """Route `https://<host>/<base>` to the EventSource's Service, or in SIGNATURE mode to the verifier's.

    In SECRET_PATH mode the rule is the `Prefix` `/<base>`, so the token stays out of the Ingress object (readable
    by more people than Secrets usually are); the EventSource still answers only the exact secret path.
    """
    ingress = receiver.ingress
    assert ingress is not None
    host = ingress["host"]
    tls_secret = ingress.get("tls_secret_name")
    service, port = (receiver.front_name, FRONT_PORT) if receiver.front_name else (receiver.service_name, PORT)
    backend = k8s.networking.v1.IngressBackendArgs(
        service=k8s.networking.v1.IngressServiceBackendArgs(
            name=service, port=k8s.networking.v1.ServiceBackendPortArgs(number=port)
        )
    )
    path_type = "Exact" if receiver.bearer else "Prefix"
    return k8s.networking.v1.Ingress(
        f"{name}-ingress",
        metadata=k8s.meta.v1.ObjectMetaArgs(
            name=plan.base,
            namespace=plan.namespace,
            labels=plan.labels,
            annotations=dict(ingress.get("annotations") or {}) or None,
        ),
        spec=k8s.networking.v1.IngressSpecArgs(
            ingress_class_name=ingress.get("class_name"),
            tls=[k8s.networking.v1.IngressTLSArgs(hosts=[host], secret_name=tls_secret)] if tls_secret else None,
            rules=[
                k8s.networking.v1.IngressRuleArgs(
                    host=host,
                    http=k8s.networking.v1.HTTPIngressRuleValueArgs(
                        paths=[
                            k8s.networking.v1.HTTPIngressPathArgs(
                                path=receiver.endpoint_base, path_type=path_type, backend=backend
                            )
                        ]
                    ),
                )
            ],
        ),
        opts=pulumi.ResourceOptions(parent=parent, depends_on=[event_source]),
    )
