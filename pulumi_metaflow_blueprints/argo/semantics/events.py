"""Argo events as a Sensor receives them, and the data the webhook, SQS and Pub/Sub EventSources put in them."""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone
from typing import Any

from pulumi_metaflow_blueprints.argo.semantics._values import rfc3339

DEFAULT_EVENT_ID = "6d3e1f4c-0000-4000-8000-000000000000"
CONTEXT_FIELDS = ("id", "source", "specversion", "type", "datacontenttype", "subject", "time")
NO_DATA = object()


def make_event(
    data: Any,
    *,
    source: str,
    type_: str,
    subject: str = "",
    id_: str = DEFAULT_EVENT_ID,
    time: str | None = None,
    datacontenttype: str = "application/json",
    specversion: str = "1.0",
) -> dict[str, Any]:
    """An Argo event as a Sensor receives it: ``{"context": {...}, "data": data}``.

    ``source`` is the EventSource name, ``subject`` the event name within it and ``type_`` the EventSource type
    (``webhook``, ``sqs``, ``pubsub``, ...). ``time`` is RFC 3339 (default: now, UTC).
    """
    context = {
        "id": id_,
        "source": source,
        "specversion": specversion,
        "type": type_,
        "datacontenttype": datacontenttype,
        "subject": subject,
        "time": time or rfc3339(datetime.now(timezone.utc)),
    }
    return {"context": context, "data": data}


def event_context(event: Mapping[str, Any]) -> Mapping[str, Any]:
    """The event's ``context`` (empty when it has none)."""
    context = event.get("context")
    return context if isinstance(context, Mapping) else {}


def _canonical_header(key: str) -> str:
    """Go's ``textproto.CanonicalMIMEHeaderKey``."""
    if not re.fullmatch(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+", key):
        return key
    return "-".join(part[:1].upper() + part[1:].lower() for part in key.split("-"))


def webhook_event_data(
    body: Any, *, header: Mapping[str, str | Sequence[str]] | None = None, metadata: Mapping[str, str] | None = None
) -> dict[str, Any]:
    """Webhook event data ``{header, body, metadata}``; header names are canonicalised, values are lists."""
    headers: dict[str, list[str]] = {}
    for name, value in (header or {}).items():
        values = [value] if isinstance(value, str) else list(value)
        headers.setdefault(_canonical_header(name), []).extend(values)
    data: dict[str, Any] = {"header": dict(sorted(headers.items())), "body": body}
    if metadata:
        data["metadata"] = dict(metadata)
    return data


def _bytes_body(body: Any, json_body: bool) -> Any:
    if json_body:
        return body
    raw = body.encode() if isinstance(body, str) else bytes(body)
    return base64.b64encode(raw).decode()


def sqs_event_data(
    body: Any,
    *,
    message_id: str = "f0c1a2b3-0000-4000-8000-000000000000",
    message_attributes: Mapping[str, str] | None = None,
    metadata: Mapping[str, str] | None = None,
    json_body: bool = True,
) -> dict[str, Any]:
    """SQS event data ``{messageId, messageAttributes, body, metadata}``.

    With ``json_body=False`` (the EventSource's ``jsonBody`` unset) the body arrives base64-encoded. String
    attributes are shaped like aws-sdk-go's ``MessageAttributeValue``.
    """
    attributes = {
        name: {
            "BinaryListValues": None,
            "BinaryValue": None,
            "DataType": "String",
            "StringListValues": None,
            "StringValue": value,
        }
        for name, value in (message_attributes or {}).items()
    }
    data: dict[str, Any] = {
        "messageId": message_id,
        "messageAttributes": attributes,
        "body": _bytes_body(body, json_body),
    }
    if metadata:
        data["metadata"] = dict(metadata)
    return data


def pubsub_event_data(
    body: Any,
    *,
    id_: str = "1234567890",
    attributes: Mapping[str, str] | None = None,
    publish_time: str = "2024-01-01T00:00:00Z",
    metadata: Mapping[str, str] | None = None,
    json_body: bool = True,
) -> dict[str, Any]:
    """Pub/Sub event data ``{id, body, attributes, publishTime, metadata}`` (body base64 unless ``json_body``)."""
    data: dict[str, Any] = {
        "id": id_,
        "body": _bytes_body(body, json_body),
        "attributes": dict(attributes or {}),
        "publishTime": publish_time,
    }
    if metadata:
        data["metadata"] = dict(metadata)
    return data


def event_data(event: Mapping[str, Any]) -> Any:
    return event.get("data", NO_DATA)
