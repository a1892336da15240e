"""The live event of a listed object, as its source delivers it: what `backfill` sends through the Sensor.

S3 with notifications: the SQS message body S3 sends (user guide, "Event message structure"): one record,
``eventName`` ``ObjectCreated:Put``, ``eventTime`` the object's LastModified, the key form-URL-encoded (``/`` kept,
as the guide's examples), ``eTag`` without the quotes the listing has. S3 through EventBridge: the ``Object Created``
event (key as it is, ``etag``, ``reason`` ``PutObject``). GCS: the Pub/Sub message of an ``OBJECT_FINALIZE``
notification in ``JSON_API_V1`` format, whose data is the object resource the listing holds.

What the listing cannot tell (who wrote the object, the request id, the S3 sequencer, the Pub/Sub message id) is
filled with stable stand-ins derived from the object, so a second backfill of the same listing prints the same.
"""

import hashlib
import json
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timezone

from pulumi_metaflow_blueprints.argo.spec import mapping
from pulumi_metaflow_blueprints.runs.cloud import CloudRoute
from pulumi_metaflow_blueprints.runs.listings import ListedObject

__all__ = ["BadObject", "SynthesizedEvent", "event_id", "gcs_message", "s3_eventbridge_event", "s3_notification"]

_BACKFILL = "metaflow-blueprints-backfill"


class BadObject(ValueError):
    """A listing item that lacks what its event needs (the message names the field)."""


@dataclass(frozen=True)
class SynthesizedEvent:
    """The payload the source delivers for one object, the object's key, and a stable id for the Argo event."""

    key: str
    payload: dict[str, object]
    event_id: str


def event_id(*parts: str) -> str:
    """32 hex digits, like Argo's event ids (a random UUID in ``%x``), derived from the object."""
    return hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]


def _time(value: object, field: str) -> datetime:
    if not isinstance(value, str):
        raise BadObject(f"{field} is {value!r}, not a time")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise BadObject(f"{field} {value!r} is not an ISO 8601 time") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).astimezone(timezone.utc)


def _s3_fields(item: Mapping[str, object]) -> tuple[str, int, str, datetime]:
    key = item.get("Key")
    if not isinstance(key, str) or not key:
        raise BadObject(f"no Key (an S3 listing item has Key, LastModified, ETag, Size): {_shown(item)}")
    size = item.get("Size", 0)
    if isinstance(size, bool) or not isinstance(size, int):
        raise BadObject(f"Size of {key!r} is {size!r}, not a whole number")
    etag = item.get("ETag", "")
    if not isinstance(etag, str):
        raise BadObject(f"ETag of {key!r} is {etag!r}, not text")
    return key, size, etag.strip('"'), _time(item.get("LastModified"), f"LastModified of {key!r}")


def _shown(item: Mapping[str, object]) -> str:
    text = json.dumps(item)
    return text if len(text) < 120 else text[:117] + "..."


def _sequencer(moment: datetime, key: str) -> str:
    """A stand-in sequencer: hex, growing with the time (S3's own is opaque hex that grows per key)."""
    return f"{int(moment.timestamp() * 1000):012X}{event_id(key)[:6].upper()}"


def s3_notification(listed: ListedObject, route: CloudRoute) -> SynthesizedEvent:
    """The SQS message body of an S3 ``ObjectCreated:Put`` notification for one listed object."""
    item = listed.item
    key, size, etag, modified = _s3_fields(item)
    version = item.get("VersionId")
    obj: dict[str, object] = {"key": urllib.parse.quote_plus(key, safe="/"), "size": size, "eTag": etag}
    if isinstance(version, str) and version != "null":
        obj["versionId"] = version
    obj["sequencer"] = _sequencer(modified, key)
    owner = str(mapping(item.get("Owner")).get("ID") or _BACKFILL)
    record: dict[str, object] = {
        "eventVersion": "2.1",
        "eventSource": "aws:s3",
        "awsRegion": route.region,
        "eventTime": modified.strftime("%Y-%m-%dT%H:%M:%S.") + f"{modified.microsecond // 1000:03d}Z",
        "eventName": "ObjectCreated:Put",
        "userIdentity": {"principalId": _BACKFILL},
        "requestParameters": {"sourceIPAddress": "127.0.0.1"},
        "responseElements": {"x-amz-request-id": _BACKFILL, "x-amz-id-2": _BACKFILL},
        "s3": {
            "s3SchemaVersion": "1.0",
            "configurationId": route.configuration_id,
            "bucket": {
                "name": route.bucket,
                "ownerIdentity": {"principalId": owner},
                "arn": f"arn:aws:s3:::{route.bucket}",
            },
            "object": obj,
        },
    }
    return SynthesizedEvent(key, {"Records": [record]}, event_id("s3", route.bucket, key, etag, str(version or "")))


def s3_eventbridge_event(listed: ListedObject, route: CloudRoute) -> SynthesizedEvent:
    """The EventBridge ``Object Created`` event (what the rule puts on the queue) for one listed object."""
    item = listed.item
    key, size, etag, modified = _s3_fields(item)
    version = item.get("VersionId")
    obj: dict[str, object] = {"key": key, "size": size, "etag": etag}
    if isinstance(version, str) and version != "null":
        obj["version-id"] = version
    obj["sequencer"] = _sequencer(modified, key)
    identity = event_id("s3", route.bucket, key, etag, str(version or ""))
    event: dict[str, object] = {
        "version": "0",
        "id": "-".join((identity[:8], identity[8:12], identity[12:16], identity[16:20], identity[20:32])),
        "detail-type": "Object Created",
        "source": "aws.s3",
        "account": route.account,
        "time": modified.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "region": route.region,
        "resources": [f"arn:aws:s3:::{route.bucket}"],
        "detail": {
            "version": "0",
            "bucket": {"name": route.bucket},
            "object": obj,
            "request-id": _BACKFILL,
            "requester": route.account,
            "source-ip-address": "127.0.0.1",
            "reason": "PutObject",
        },
    }
    return SynthesizedEvent(key, event, identity)


def gcs_message(listed: ListedObject, route: CloudRoute) -> SynthesizedEvent:
    """The Pub/Sub message of an ``OBJECT_FINALIZE`` notification (``JSON_API_V1``) for one listed object."""
    item = listed.item
    name = item.get("name")
    if not isinstance(name, str) or not name:
        raise BadObject(f"no name (a GCS objects.list item is an object resource): {_shown(item)}")
    bucket = item.get("bucket", route.bucket)
    if bucket != route.bucket:
        raise BadObject(f"{name!r} is in bucket {bucket!r}, but the blueprint watches {route.bucket!r}")
    generation = item.get("generation")
    if not isinstance(generation, str | int) or isinstance(generation, bool):
        raise BadObject(f"generation of {name!r} is {generation!r}")
    created = _time(item.get("timeCreated") or item.get("updated"), f"timeCreated of {name!r}")
    identity = event_id("gcs", route.bucket, name, str(generation))
    attributes = {
        "bucketId": route.bucket,
        "objectId": name,
        "objectGeneration": str(generation),
        "eventTime": created.strftime("%Y-%m-%dT%H:%M:%S.") + f"{created.microsecond:06d}Z",
        "eventType": "OBJECT_FINALIZE",
        "payloadFormat": "JSON_API_V1",
    }
    message: dict[str, object] = {
        "attributes": attributes,
        "data": dict(item),
        "messageId": str(int(identity[:15], 16)),
        "publishTime": created.strftime("%Y-%m-%dT%H:%M:%S.") + f"{created.microsecond // 1000:03d}Z",
    }
    return SynthesizedEvent(name, {"message": message}, identity)
