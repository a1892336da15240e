"""The `webhooks` source package's declaration (see `registry`): its blueprints, the `webhook` EventSource (which the
Snowflake package reuses), placeholders for dbt Cloud, and the resources each blueprint needs. Imports no cloud SDK."""

from collections.abc import Mapping, Sequence
from typing import Any

from pulumi_metaflow_blueprints.argo.validation import beyond, is_go_int, required_text, text
from pulumi_metaflow_blueprints.offline.placeholders import MARK
from pulumi_metaflow_blueprints.registry import EventSourceKind, RawEventData, SourcePackage
from pulumi_metaflow_blueprints.webhooks.fields import MASKED_HEADERS, canonical_header
from pulumi_metaflow_blueprints.webhooks.needs import MINIMUM

__all__ = ["MASKED_AUTHORIZATION", "SOURCE_PACKAGE", "webhook_event_data"]

MASKED_AUTHORIZATION = "*** Masked Auth Secret ***"
"""What the webhook EventSource puts in place of any incoming Authorization header."""


def webhook_event_data(
    body: Any, *, header: Mapping[str, str | Sequence[str]] | None = None, metadata: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """The `webhook` EventSource's event data `{header, body, metadata}`; header names are canonicalised, values are
    lists."""
    headers: dict[str, list[str]] = {}
    for name, value in (header or {}).items():
        values = [value] if isinstance(value, str) else list(value)
        headers.setdefault(canonical_header(name), []).extend(values)
    data: dict[str, Any] = {"header": dict(sorted(headers.items())), "body": body}
    if metadata:
        data["metadata"] = dict(metadata)
    return data


def _wrap_webhook(config: Mapping[str, Any], sample: Any) -> RawEventData:
    """A raw payload is the body of a JSON POST (with the sample's headers); Authorization arrives masked."""
    method = config.get("method") or "POST"
    if method != "POST":
        return RawEventData(unsupported=f"webhook method {method}: only POST bodies are wrapped offline")
    headers = {"Content-Type": "application/json", **sample.headers}
    notes: list[str] = []
    if config.get("authSecret") is not None and not any(k.lower() == "authorization" for k in headers):
        headers["Authorization"] = "Bearer <token>"
        notes.append("the EventSource admits only 'Authorization: Bearer <token>': the sample is assumed to carry it")
    for key in list(headers):
        if canonical_header(key) in MASKED_HEADERS:
            headers[key] = MASKED_AUTHORIZATION
            notes.append("the Authorization header is masked by the EventSource before the Sensor sees it")
    data = webhook_event_data(sample.payload, header=headers, metadata=config.get("metadata"))
    return RawEventData(data, tuple(notes))


def _check_webhook(config: Mapping[str, Any], path: str) -> list[str]:
    """common/webhook ValidateWebhookContext, plus the endpoint and method blueprint rules."""
    problems = required_text(config, path, "endpoint")
    port = config.get("port")
    if not isinstance(port, str) or not is_go_int(port):
        problems.append(f"{path}.port: {port!r} is not a port number as a string of digits (e.g. '12000')")
    endpoint = text(config, "endpoint")
    if endpoint and not endpoint.startswith("/"):
        problems.append(
            f"{path}.endpoint: {endpoint!r} must start with '/'" + beyond("the route would never match a request")
        )
    method = text(config, "method")
    if not method or method != method.upper():
        problems.append(
            f"{path}.method: {method!r} must be an upper-case HTTP method such as 'POST'"
            + beyond("every request whose method differs is refused")
        )
    return problems


WEBHOOK = EventSourceKind(spec_key="webhook", context_type="webhook", check=_check_webhook, wrap=_wrap_webhook)


def resource_state(type_: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """Placeholder ids and the signing secret of a dbt Cloud webhook."""
    if type_ != "dbtcloud:index/webhook:Webhook":
        return None
    webhook_id = f"wsu_{MARK}{name}"
    return webhook_id, {
        "webhookId": webhook_id,
        "hmacSecret": f"{MARK}-hmac-for-{name}",
        "accountIdentifier": f"act_{MARK}",
        "httpStatusCode": "0",
    }


SOURCE_PACKAGE = SourcePackage(
    name="webhooks",
    blueprints=("DbtCloudJobTrigger", "FivetranSyncTrigger", "WebhookTrigger"),
    event_sources=(WEBHOOK,),
    resource_state=resource_state,
    minimum=MINIMUM,
)
