"""Argo events as a Sensor receives them. What each EventSource kind puts in ``data`` is declared with the kind, by
its source package (`registry.EventSourceKind`)."""

from __future__ import annotations

import base64
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import NoReturn

from pulumi_metaflow_blueprints.argo.semantics._values import json_int, rfc3339
from pulumi_metaflow_blueprints.argo.spec import ArgoEvent, EventContext, mapping

__all__ = [
    "CONTEXT_FIELDS",
    "DEFAULT_EVENT_ID",
    "NO_DATA",
    "bytes_body",
    "event_context",
    "event_data",
    "go_json_loads",
    "make_event",
]

DEFAULT_EVENT_ID = "6d3e1f4c-0000-4000-8000-000000000000"
CONTEXT_FIELDS = ("id", "source", "specversion", "type", "datacontenttype", "subject", "time")
NO_DATA = object()


def make_event(
    data: object,
    *,
    source: str,
    type_: str,
    subject: str = "",
    id_: str = DEFAULT_EVENT_ID,
    time: str | None = None,
    datacontenttype: str = "application/json",
    specversion: str = "1.0",
) -> ArgoEvent:
    """An Argo event as a Sensor receives it: ``{"context": {...}, "data": data}``.

    ``source`` is the EventSource name, ``subject`` the event name within it and ``type_`` the EventSource type
    (``webhook``, ``sqs``, ``pubsub``, ...). ``time`` is RFC 3339 (default: now, UTC).
    """
    context: EventContext = {
        "id": id_,
        "source": source,
        "specversion": specversion,
        "type": type_,
        "datacontenttype": datacontenttype,
        "subject": subject,
        "time": time or rfc3339(datetime.now(timezone.utc)),
    }
    return {"context": context, "data": data}


def event_context(event: Mapping[str, object]) -> Mapping[str, object]:
    """The event's ``context`` (empty when it has none)."""
    return mapping(event.get("context"))


def bytes_body(body: object, json_body: bool) -> object:
    """A message body as an EventSource puts it in the event: as it is with ``jsonBody``, else base64 text (of a
    str's UTF-8 or of bytes)."""
    if json_body:
        return body
    if isinstance(body, str):
        raw = body.encode()
    elif isinstance(body, bytes | bytearray):
        raw = bytes(body)
    else:
        raise TypeError(f"a message body without jsonBody is text or bytes, not {type(body).__name__}")
    return base64.b64encode(raw).decode()


def go_json_loads(text: str | bytes) -> object:
    """JSON as Go reads it: ``-0`` keeps its sign; ``NaN``/``Infinity`` (which Python accepts) are errors."""

    def refuse(name: str) -> NoReturn:
        raise ValueError(f"{name} is not JSON")

    return json.loads(text, parse_int=json_int, parse_constant=refuse)


def event_data(event: Mapping[str, object]) -> object:
    """The event's ``data``, or ``NO_DATA`` when it has none."""
    return event.get("data", NO_DATA)
