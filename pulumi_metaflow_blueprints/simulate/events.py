"""Turn a sample payload into the Argo event a Sensor receives from a given EventSource.

``raw``: the source's own payload, wrapped the way its EventSource kind wraps it (each kind's source package says how:
`registry.EventSourceKind.wrap`): SQS ``{messageId, messageAttributes, body, metadata}`` (the payload is the message
body), webhook ``{header, body, metadata}`` (the payload is the request body), Pub/Sub ``{id, body, attributes,
publishTime, metadata}`` (a Pub/Sub message, its push envelope ``{"message": {...}}``, or else the message data).
``argo``: an already-wrapped event, either ``{context, data}`` or the bare data.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Literal

from pulumi_metaflow_blueprints.argo.semantics import go_json_loads, make_event
from pulumi_metaflow_blueprints.argo.spec import ArgoEvent, is_mapping
from pulumi_metaflow_blueprints.registry import event_source_kinds
from pulumi_metaflow_blueprints.simulate.model import SimulationInputError
from pulumi_metaflow_blueprints.simulate.program import EventSourceEvent

__all__ = ["SampleEvent", "SourceFormat", "WrappedEvent", "argo_event", "load_sample"]

SourceFormat = Literal["raw", "argo"]
_EVENT_ID = "6d3e1f4c000040008000000000000000"
"""Argo's event ids are a random UUID in hex (``%x``): this one is fixed so runs compare."""


@dataclass(frozen=True)
class SampleEvent:
    """The sample as given: parsed JSON, its text, the format, and extra headers/attributes for raw wrapping."""

    payload: object
    text: str
    """The file's exact text: as a raw webhook sample, the request body a signature covers (UTF-8 encoded)."""
    source_format: SourceFormat = "raw"
    headers: Mapping[str, str] = field(default_factory=dict[str, str])
    attributes: Mapping[str, str] = field(default_factory=dict[str, str])
    signing_secret: bytes | None = field(default=None, repr=False)
    """The webhook's signing secret, to check the signature a verifying receiver checks (None: not checked)."""

    @property
    def body(self) -> bytes:
        """The request body as sent: the file's bytes."""
        return self.text.encode("utf-8")


def load_sample(
    path: str | Path,
    source_format: SourceFormat = "raw",
    headers: Mapping[str, str] | None = None,
    attributes: Mapping[str, str] | None = None,
) -> SampleEvent:
    """Read a JSON event file (SimulationInputError when it is missing or not JSON)."""
    try:
        text = Path(path).read_bytes().decode("utf-8")  # the exact bytes: no newline translation
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

    event: Mapping[str, object] | None
    notes: tuple[str, ...] = ()
    unsupported: str | None = None


def argo_event(source: EventSourceEvent, sample: SampleEvent, *, now: datetime | None = None) -> WrappedEvent:
    """The event a Sensor receives when ``sample`` arrives at ``source``."""
    time = _rfc3339(now or datetime.now(timezone.utc))

    def wrap(data: object) -> ArgoEvent:
        return make_event(
            data, source=source.name, type_=source.event_type, subject=source.event_name, id_=_EVENT_ID, time=time
        )

    if sample.source_format == "argo":
        payload = sample.payload
        if is_mapping(payload) and is_mapping(payload.get("context")) and "data" in payload:
            return WrappedEvent(dict(payload), ("the event context is taken from the file as given",))
        return WrappedEvent(wrap(payload))
    kind = event_source_kinds().get(source.type_key)
    if kind is None:
        reason = (
            f"raw {source.type_key!r} payloads are not wrapped offline: "
            "pass the Argo event with --source-format argo"
        )
        return WrappedEvent(None, unsupported=reason)
    try:
        raw = kind.wrap(source.config, sample)
    except ValueError as error:
        raise SimulationInputError(str(error)) from None
    if raw.unsupported is not None:
        return WrappedEvent(None, raw.notes, raw.unsupported)
    return WrappedEvent(wrap(raw.data), raw.notes)


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
