"""Turn a sample payload into the Argo event a Sensor receives from a given EventSource.

``raw``: the source's own payload, wrapped the way the EventSource wraps it: SQS ``{messageId, messageAttributes,
body, metadata}`` (the payload is the message body), webhook ``{header, body, metadata}`` (the payload is the request
body), Pub/Sub ``{id, body, attributes, publishTime, metadata}`` (the payload is a Pub/Sub message, or its push
envelope ``{"message": {...}}``, or else the message data itself). ``argo``: an already-wrapped event, either
``{context, data}`` or the bare data.
"""

import base64
import binascii
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from pulumi_metaflow_blueprints.argo.semantics import (
    make_event,
    pubsub_event_data,
    sqs_event_data,
    webhook_event_data,
)
from pulumi_metaflow_blueprints.argo.semantics._values import json_int
from pulumi_metaflow_blueprints.simulate.model import SimulationInputError
from pulumi_metaflow_blueprints.simulate.program import EventSourceEvent

SourceFormat = Literal["raw", "argo"]
EVENT_ID = "6d3e1f4c000040008000000000000000"
"""Argo's event ids are a random UUID in hex (``%x``): this one is fixed so runs compare."""
MASKED_AUTHORIZATION = "*** Masked Auth Secret ***"
"""What the webhook EventSource puts in place of any incoming Authorization header."""
_MESSAGE_KEYS = frozenset({"attributes", "messageId", "message_id", "publishTime", "publish_time"})


def go_json_loads(text: str | bytes) -> Any:
    """JSON as Go reads it: ``-0`` keeps its sign; ``NaN``/``Infinity`` (which Python accepts) are errors."""

    def refuse(name: str) -> Any:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_int=json_int, parse_constant=refuse)


@dataclass(frozen=True)
class SampleEvent:
    """The sample as given: parsed JSON, its text, the format, and extra headers/attributes for raw wrapping."""

    payload: Any
    text: str
    source_format: SourceFormat = "raw"
    headers: Mapping[str, str] = field(default_factory=dict)
    attributes: Mapping[str, str] = field(default_factory=dict)


def load_sample(
    path: str | Path,
    source_format: SourceFormat = "raw",
    headers: Mapping[str, str] | None = None,
    attributes: Mapping[str, str] | None = None,
) -> SampleEvent:
    """Read a JSON event file (SimulationInputError when it is missing or not JSON)."""
    try:
        text = Path(path).read_text()
    except OSError as error:
        raise SimulationInputError(f"cannot read the event file {str(path)!r}: {error.strerror}") from None
    except UnicodeDecodeError as error:
        raise SimulationInputError(f"the event file {str(path)!r} is not UTF-8 text (byte {error.start})") from None
    try:
        payload = go_json_loads(text)
    except ValueError as error:
        raise SimulationInputError(f"the event file {str(path)!r} is not JSON: {error}") from None
    if source_format not in ("raw", "argo"):
        raise SimulationInputError(f"--source-format must be raw or argo, not {source_format!r}")
    return SampleEvent(payload, text, source_format, dict(headers or {}), dict(attributes or {}))


@dataclass(frozen=True)
class WrappedEvent:
    """The Argo event (None when the sample cannot be wrapped for this source: see ``unsupported``)."""

    event: dict[str, Any] | None
    notes: tuple[str, ...] = ()
    unsupported: str | None = None


def argo_event(source: EventSourceEvent, sample: SampleEvent, *, now: datetime | None = None) -> WrappedEvent:
    """The event a Sensor receives when ``sample`` arrives at ``source``."""
    time = _rfc3339(now or datetime.now(timezone.utc))

    def wrap(data: Any) -> dict[str, Any]:
        return make_event(
            data, source=source.name, type_=source.event_type, subject=source.event_name, id_=EVENT_ID, time=time
        )

    if sample.source_format == "argo":
        payload = sample.payload
        if isinstance(payload, Mapping) and isinstance(payload.get("context"), Mapping) and "data" in payload:
            return WrappedEvent(dict(payload), ("the event context is taken from the file as given",))
        return WrappedEvent(wrap(payload))
    metadata = source.config.get("metadata")
    if source.type_key == "sqs":
        return _sqs(source, sample, metadata, wrap)
    if source.type_key == "webhook":
        return _webhook(source, sample, metadata, wrap)
    if source.type_key == "pubSub":
        return _pubsub(source, sample, metadata, wrap)
    reason = f"raw {source.type_key!r} payloads are not wrapped offline: pass the Argo event with --source-format argo"
    return WrappedEvent(None, unsupported=reason)


def _sqs(source: EventSourceEvent, sample: SampleEvent, metadata: Any, wrap: Any) -> WrappedEvent:
    json_body = source.config.get("jsonBody") is True
    notes = [] if json_body else ["jsonBody is not set: the body arrives base64-encoded"]
    body = sample.payload if json_body else sample.text
    data = sqs_event_data(body, message_attributes=sample.attributes, metadata=metadata, json_body=json_body)
    return WrappedEvent(wrap(data), tuple(notes))


def _webhook(source: EventSourceEvent, sample: SampleEvent, metadata: Any, wrap: Any) -> WrappedEvent:
    method = source.config.get("method") or "POST"
    if method != "POST":
        return WrappedEvent(None, unsupported=f"webhook method {method}: only POST bodies are wrapped offline")
    headers = {"Content-Type": "application/json", **sample.headers}
    notes = []
    if source.config.get("authSecret") is not None and not any(k.lower() == "authorization" for k in headers):
        headers["Authorization"] = "Bearer <token>"
        notes.append("the EventSource admits only 'Authorization: Bearer <token>': the sample is assumed to carry it")
    for key in list(headers):
        if key.lower() == "authorization":
            headers[key] = MASKED_AUTHORIZATION
            notes.append("the Authorization header is masked by the EventSource before the Sensor sees it")
    return WrappedEvent(wrap(webhook_event_data(sample.payload, header=headers, metadata=metadata)), tuple(notes))


def _pubsub(source: EventSourceEvent, sample: SampleEvent, metadata: Any, wrap: Any) -> WrappedEvent:
    payload = sample.payload
    if isinstance(payload, Mapping) and isinstance(payload.get("message"), Mapping):
        payload = payload["message"]  # a push envelope {"message": {...}, "subscription": ...}
    is_message = isinstance(payload, Mapping) and "data" in payload and bool(_MESSAGE_KEYS & set(payload))
    message: Mapping[str, Any] = payload if is_message else {"data": payload}
    json_body = source.config.get("jsonBody") is True
    try:
        raw = _message_bytes(message.get("data"))
    except ValueError as error:
        raise SimulationInputError(f"the Pub/Sub message data is not valid base64: {error}") from None
    if json_body:
        try:
            body: Any = go_json_loads(raw)
        except ValueError:
            reason = "the message data is not JSON but the EventSource sets jsonBody: Argo fails to marshal the event"
            return WrappedEvent(None, unsupported=reason)
    else:
        body = raw
    attributes = {**dict(message.get("attributes") or {}), **sample.attributes}
    published = message.get("publishTime") or message.get("publish_time") or "2024-01-01T00:00:00Z"
    data = pubsub_event_data(
        body,
        id_=str(message.get("messageId") or message.get("message_id") or "1234567890"),
        attributes=attributes,
        publish_time=_go_time_string(str(published)),
        metadata=metadata,
        json_body=json_body,
    )
    notes = () if is_message else ("the sample is taken as the message data (no Pub/Sub message fields found)",)
    return WrappedEvent(wrap(data), notes)


def _message_bytes(data: Any) -> bytes:
    """Pub/Sub ``data``: base64 text on the wire; a JSON object or array is taken as the decoded data."""
    if isinstance(data, str):
        try:
            return base64.b64decode(data, validate=True)
        except binascii.Error as error:
            raise ValueError(str(error)) from None
    return json.dumps(data).encode()


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _go_time_string(text: str) -> str:
    """Go's ``time.Time.String()`` of an RFC 3339 time in UTC, as the Pub/Sub EventSource writes ``publishTime``."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)
    except ValueError:
        return text
    fraction = f"{moment.microsecond:06d}".rstrip("0")
    return moment.strftime("%Y-%m-%d %H:%M:%S") + (f".{fraction}" if fraction else "") + " +0000 UTC"
