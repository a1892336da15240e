"""The `aws` source package's declaration (see `registry`): its blueprints, the `sqs` EventSource, placeholders
for what AWS computes, and the resources each blueprint needs. Imports no cloud SDK."""

from collections.abc import Mapping
from typing import Any

from pulumi_metaflow_blueprints.argo.semantics.events import bytes_body
from pulumi_metaflow_blueprints.argo.validation import required_text
from pulumi_metaflow_blueprints.aws.needs import MINIMUM
from pulumi_metaflow_blueprints.offline.placeholders import ACCOUNT, MARK
from pulumi_metaflow_blueprints.registry import EventSourceKind, RawEventData, SourcePackage

__all__ = ["SOURCE_PACKAGE", "sqs_event_data"]

DEFAULT_MESSAGE_ID = "f0c1a2b3-0000-4000-8000-000000000000"


def sqs_event_data(
    body: Any,
    *,
    message_id: str = DEFAULT_MESSAGE_ID,
    message_attributes: Mapping[str, str] | None = None,
    metadata: Mapping[str, str] | None = None,
    json_body: bool = True,
) -> dict[str, Any]:
    """The `sqs` EventSource's event data `{messageId, messageAttributes, body, metadata}`.

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
        "body": bytes_body(body, json_body),
    }
    if metadata:
        data["metadata"] = dict(metadata)
    return data


def _wrap_sqs(config: Mapping[str, Any], sample: Any) -> RawEventData:
    """A raw payload is the message body (with the sample's attributes)."""
    json_body = config.get("jsonBody") is True
    notes = () if json_body else ("jsonBody is not set: the body arrives base64-encoded",)
    body = sample.payload if json_body else sample.text
    metadata = config.get("metadata")
    data = sqs_event_data(body, message_attributes=sample.attributes, metadata=metadata, json_body=json_body)
    return RawEventData(data, notes)


def _check_sqs(config: Mapping[str, Any], path: str) -> list[str]:
    """awssqs ValidateEventSource: region and queue."""
    return required_text(config, path, "region", "queue")


SQS = EventSourceKind(spec_key="sqs", context_type="sqs", check=_check_sqs, wrap=_wrap_sqs)


def _region(inputs: dict[str, Any]) -> str:
    return str(inputs.get("region") or "us-east-1")


def resource_state(type_: str, name: str, inputs: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    """Placeholder ARNs and URLs for AWS resources, under the account `000000000000`."""
    if not type_.startswith("aws:"):
        return None
    region, named = _region(inputs), inputs.get("name") or name
    if type_ == "aws:sqs/queue:Queue":
        url = f"https://sqs.{region}.amazonaws.com/{ACCOUNT}/{named}"
        return url, {"arn": f"arn:aws:sqs:{region}:{ACCOUNT}:{named}", "url": url}
    if type_ == "aws:iam/role:Role":
        return f"{name}-{MARK}", {"arn": f"arn:aws:iam::{ACCOUNT}:role/{name}-{MARK}", "name": f"{name}-{MARK}"}
    arns = {
        "aws:cloudwatch/eventRule:EventRule": f"arn:aws:events:{region}:{ACCOUNT}:rule/{named}",
        "aws:pipes/pipe:Pipe": f"arn:aws:pipes:{region}:{ACCOUNT}:pipe/{named}",
        "aws:sns/topic:Topic": f"arn:aws:sns:{region}:{ACCOUNT}:{named}",
    }
    if type_ in arns:
        return f"{MARK}-{name}", {"arn": arns[type_]}
    if "arn" in inputs:
        return f"{MARK}-{name}", {}
    service = type_.split(":")[1].split("/")[0]
    return f"{MARK}-{name}", {"arn": f"arn:aws:{service}:{region}:{ACCOUNT}:{MARK}/{name}"}


def invoke_result(token: str, args: dict[str, Any]) -> dict[str, Any] | None:
    """The caller's placeholder account, partition and region."""
    if token == "aws:index/getCallerIdentity:getCallerIdentity":
        return {"accountId": ACCOUNT, "arn": f"arn:aws:iam::{ACCOUNT}:user/{MARK}", "userId": MARK, "id": ACCOUNT}
    if token == "aws:index/getPartition:getPartition":
        return {"partition": "aws", "dnsSuffix": "amazonaws.com", "id": "aws", "reverseDnsPrefix": "com.amazonaws"}
    if token == "aws:index/getRegion:getRegion":
        return {"name": "us-east-1", "region": "us-east-1", "id": "us-east-1"}
    return None


SOURCE_PACKAGE = SourcePackage(
    name="aws",
    blueprints=("DynamoDBTableTrigger", "S3ObjectTrigger", "SnsTopicTrigger", "SqsQueueTrigger"),
    event_sources=(SQS,),
    resource_state=resource_state,
    invoke_result=invoke_result,
    minimum=MINIMUM,
)
