"""The `gcp` source package's declaration (see `registry`): its blueprints, the `pubSub` EventSource, placeholders
for what Google Cloud computes, and the resources each blueprint needs. Imports no cloud SDK."""

import base64
import binascii
import hashlib
import json
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from pulumi_metaflow_blueprints.argo.semantics.events import bytes_body, go_json_loads
from pulumi_metaflow_blueprints.argo.spec import is_mapping, mapping
from pulumi_metaflow_blueprints.argo.validation import required_text
from pulumi_metaflow_blueprints.gcp.needs import MINIMUM
from pulumi_metaflow_blueprints.offline.placeholders import MARK
from pulumi_metaflow_blueprints.registry import EventSourceKind, RawEventData, SourcePackage

if TYPE_CHECKING:
    from pulumi_metaflow_blueprints.simulate.events import SampleEvent

__all__ = ["SOURCE_PACKAGE", "project_number", "pubsub_event_data"]

PROJECT = "placeholder-project"
"""The placeholder project of resources that name none."""
_MESSAGE_KEYS = frozenset({"attributes", "messageId", "message_id", "publishTime", "publish_time"})


def pubsub_event_data(
    body: Any,
    *,
    id_: str = "1234567890",
    attributes: Mapping[str, object] | None = None,
    publish_time: str = "2024-01-01T00:00:00Z",
    metadata: Mapping[str, str] | None = None,
    json_body: bool = True,
) -> dict[str, Any]:
    """The `pubSub` EventSource's event data `{id, body, attributes, publishTime, metadata}` (body base64 unless
    ``json_body``)."""
    data: dict[str, Any] = {
        "id": id_,
        "body": bytes_body(body, json_body),
        "attributes": dict(attributes or {}),
        "publishTime": publish_time,
    }
    if metadata:
        data["metadata"] = dict(metadata)
    return data


def _wrap_pubsub(config: Mapping[str, Any], sample: "SampleEvent") -> RawEventData:
    """A raw payload is a Pub/Sub message, its push envelope `{"message": {...}}`, or else the message data."""
    payload = sample.payload
    if is_mapping(payload) and is_mapping(payload.get("message")):
        payload = payload["message"]
    is_message = is_mapping(payload) and "data" in payload and bool(_MESSAGE_KEYS & set(payload))
    message: Mapping[str, object] = payload if is_mapping(payload) and is_message else {"data": payload}
    json_body = config.get("jsonBody") is True
    raw = _message_bytes(message.get("data"))
    if json_body:
        try:
            body: Any = go_json_loads(raw)
        except ValueError:
            reason = "the message data is not JSON but the EventSource sets jsonBody: Argo fails to marshal the event"
            return RawEventData(unsupported=reason)
    else:
        body = raw
    published = message.get("publishTime") or message.get("publish_time") or "2024-01-01T00:00:00Z"
    data = pubsub_event_data(
        body,
        id_=str(message.get("messageId") or message.get("message_id") or "1234567890"),
        attributes={**mapping(message.get("attributes")), **sample.attributes},
        publish_time=_go_time_string(str(published)),
        metadata=config.get("metadata"),
        json_body=json_body,
    )
    notes = () if is_message else ("the sample is taken as the message data (no Pub/Sub message fields found)",)
    return RawEventData(data, notes)


def _message_bytes(data: Any) -> bytes:
    """Pub/Sub ``data``: base64 text on the wire; a JSON object or array is taken as the decoded data."""
    if isinstance(data, str):
        try:
            return base64.b64decode(data, validate=True)
        except binascii.Error as error:
            raise ValueError(f"the Pub/Sub message data is not valid base64: {error}") from None
    return json.dumps(data).encode()


def _go_time_string(text: str) -> str:
    """Go's ``time.Time.String()`` of an RFC 3339 time in UTC, as the Pub/Sub EventSource writes ``publishTime``."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(timezone.utc)
    except ValueError:
        return text
    fraction = f"{moment.microsecond:06d}".rstrip("0")
    return moment.strftime("%Y-%m-%d %H:%M:%S") + (f".{fraction}" if fraction else "") + " +0000 UTC"


def _check_pubsub(config: Mapping[str, Any], path: str) -> list[str]:
    """The controller needs topic or subscriptionID; this package reads an existing subscription, never a topic."""
    return required_text(config, path, "subscriptionID")


PUBSUB = EventSourceKind(spec_key="pubSub", context_type="pubsub", check=_check_pubsub, wrap=_wrap_pubsub)


def project_number(project_id: str | None) -> str:
    """A stable placeholder number for a project id: `000000000000` for the default, digits of a hash else."""
    if not project_id or project_id == PROJECT:
        return "000000000000"
    return str(int(hashlib.sha256(project_id.encode()).hexdigest(), 16) % 10**12).zfill(12)


def resource_state(type_: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """Placeholder ids, emails and members for Google Cloud resources."""
    if not type_.startswith("gcp:"):
        return None
    project, named = inputs.get("project") or PROJECT, inputs.get("name") or name
    state: dict[str, Any] = {"project": project}
    if type_ == "gcp:serviceaccount/account:Account":
        email = f"{inputs.get('accountId') or name}@{project}.iam.gserviceaccount.com"
        state.update(email=email, member=f"serviceAccount:{email}", name=f"projects/{project}/serviceAccounts/{email}")
    resource_id = f"projects/{project}/{MARK}/{named}"
    if type_ == "gcp:pubsub/topic:Topic":
        resource_id = f"projects/{project}/topics/{named}"
    elif type_ == "gcp:pubsub/subscription:Subscription":
        resource_id = f"projects/{project}/subscriptions/{named}"
    elif type_ == "gcp:storage/notification:Notification":
        resource_id = f"{inputs.get('bucket')}/notificationConfigs/1"
        state.update(notificationId="1", selfLink=f"https://www.googleapis.com/storage/v1/b/{resource_id}")
    return resource_id, state


def invoke_result(token: str, args: dict[str, Any]) -> dict[str, Any] | None:
    """Placeholder project numbers and Cloud Storage service agents."""
    if token == "gcp:organizations/getProject:getProject":
        project_id = args.get("projectId") or PROJECT
        return {"number": project_number(project_id), "projectId": project_id, "id": f"projects/{project_id}"}
    if token.startswith("gcp:storage/getProjectServiceAccount"):
        email = f"service-{project_number(args.get('project'))}@gs-project-accounts.iam.gserviceaccount.com"
        return {"emailAddress": email, "member": f"serviceAccount:{email}", "id": MARK}
    return None


SOURCE_PACKAGE = SourcePackage(
    name="gcp",
    blueprints=("PubSubTrigger", "StorageObjectTrigger"),
    event_sources=(PUBSUB,),
    resource_state=resource_state,
    invoke_result=invoke_result,
    minimum=MINIMUM,
)
